"""Old pinpoint ids that must keep resolving (`corpus/aliases.toml`).

Ids are a public contract: answers, rules, notes and users' own files cite them. When the parser or an appendix row
gives a clause a new id, the old one is added here, mapped to the new one, and never removed.
"""

from __future__ import annotations

import re
from pathlib import Path

from ingest.errors import ConfigError
from ingest.settings import CORPUS_DIR
from ingest.tomlfile import read_toml

ALIASES = CORPUS_DIR / "aliases.toml"
_ID = re.compile(r"^[a-z0-9][a-z0-9.\-]*:[A-Za-z0-9.\-]+$")
MAX_CHAIN = 8


def load_aliases(path: Path | None = None) -> dict[str, str]:
    """old id -> new id; a ConfigError lists every malformed row."""
    path = path or ALIASES
    table = read_toml(path, "The alias table").get("alias", {})
    problems = [f"{old!r} -> {new!r}: both must be clause ids such as 'llama-3-license:1.b.v'"
                for old, new in table.items() if not (isinstance(new, str) and _ID.match(old) and _ID.match(new))]
    problems += [f"{old!r} maps to itself" for old, new in table.items() if old == new]
    if problems:
        raise ConfigError(f"The alias table {path} has {len(problems)} problem(s):\n  - " + "\n  - ".join(problems))
    return dict(table)


def resolve_alias(aliases: dict[str, str], clause_id: str) -> str:
    """Follow old -> new until an id that is not an alias (a renamed id may be renamed again later)."""
    seen = 0
    while clause_id in aliases and seen < MAX_CHAIN:
        clause_id = aliases[clause_id]
        seen += 1
    return clause_id
