"""Model families named without a model ("a DeepSeek model", "we use Qwen"): which sets of terms the family's models
come under, so that an answer can branch over them instead of guessing one (corpus/families.toml)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ingest.errors import ConfigError
from ingest.tomlfile import read_toml

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "corpus" / "families.toml"
ABSENT = "absent"  # the choice value for the family's models whose terms the corpus does not hold


@dataclass(frozen=True)
class Family:
    provider: str
    name: str
    patterns: tuple[re.Pattern[str], ...]
    examples: tuple[str, ...]
    retired: tuple[str, ...] = ()

    def named_in(self, text: str) -> bool:
        low = text.lower()
        return any(p.search(low) for p in self.patterns)


@dataclass(frozen=True)
class FamilyChoice:
    """One set of terms a model of the family may come under."""

    value: str  # the documents joined by "+", or ABSENT
    label: str
    documents: tuple[str, ...]


def _parse(index: int, row: object) -> tuple[Family | None, list[str]]:
    where = f"[[family]] #{index + 1}"
    if not isinstance(row, dict):
        return None, [f"{where}: not a table"]
    problems = [f"{where}: unknown key {k!r}" for k in row if k not in ("provider", "name", "patterns", "examples", "retired")]
    for key in ("provider", "name"):
        if not isinstance(row.get(key), str) or not row.get(key):
            problems.append(f"{where}: {key!r} must be a non-empty string")
    patterns = []
    raw = row.get("patterns")
    if not isinstance(raw, list) or not raw:
        problems.append(f"{where}: 'patterns' must be a non-empty list of regexes")
        raw = []
    for p in raw:
        try:
            patterns.append(re.compile(p, re.I))
        except (re.error, TypeError) as exc:
            problems.append(f"{where}: pattern {p!r} does not compile ({exc})")
    examples = row.get("examples", [])
    if not isinstance(examples, list) or not all(isinstance(e, str) for e in examples):
        problems.append(f"{where}: 'examples' must be a list of strings")
        examples = []
    retired = row.get("retired", [])
    if not isinstance(retired, list) or not all(isinstance(r, str) for r in retired):
        problems.append(f"{where}: 'retired' must be a list of model ids")
    if problems:
        return None, problems
    family = Family(row["provider"], row["name"], tuple(patterns), tuple(examples), tuple(retired))
    problems += [f"{where}: example {e!r} is not matched by any pattern" for e in examples if not family.named_in(e)]
    return (None if problems else family), problems


@lru_cache(maxsize=4)
def load_families(path: Path | None = None) -> tuple[Family, ...]:
    """The families file (default corpus/families.toml); ConfigError lists every bad row."""
    path = Path(path) if path is not None else DEFAULT_PATH
    data = read_toml(path, "The model families file")
    out, problems = [], []
    for index, row in enumerate(data.get("family", [])):
        family, row_problems = _parse(index, row)
        problems += row_problems
        if family is not None:
            out.append(family)
    if problems:
        raise ConfigError(f"{path} has {len(problems)} bad row(s):\n  " + "\n  ".join(problems))
    return tuple(out)


def family_named(text: str, families: tuple[Family, ...] | None = None) -> Family | None:
    """The first family the text names (callers ask only when no model or licence was recognised)."""
    return next((f for f in (families if families is not None else load_families()) if f.named_in(text)), None)


def choices(family: Family, registry) -> tuple[FamilyChoice, ...]:
    """The distinct sets of corpus documents the family's models come under, in registry order, and one choice for
    the terms the corpus lacks when some of its models are not in the corpus."""
    seen: dict[frozenset[str], FamilyChoice] = {}  # keyed by the set: the same documents in another order are one choice
    absent = False
    for entry in registry.entries:
        if entry.provider != family.provider or entry.id in family.retired:
            continue
        if not entry.in_corpus or not entry.documents:
            absent = True
            continue
        docs = tuple(entry.documents)
        seen.setdefault(frozenset(docs), FamilyChoice("+".join(docs), entry.licence, docs))
    out = list(seen.values())
    if absent:
        out.append(FamilyChoice(ABSENT, f"a {family.name} model under terms the corpus does not hold", ()))
    return tuple(out)


def validate(registry, families: tuple[Family, ...] | None = None) -> list[str]:
    """Problems between the families file and the model registry (a provider with no models)."""
    providers = {e.provider for e in registry.entries}
    ids = {e.id for e in registry.entries}
    loaded = families if families is not None else load_families()
    return ([f"family {f.name!r}: no model in the registry has provider {f.provider!r}" for f in loaded if f.provider not in providers]
            + [f"family {f.name!r}: retired model {r!r} is not in the registry" for f in loaded for r in f.retired if r not in ids])
