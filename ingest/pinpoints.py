"""Frozen pinpoint ids (`corpus/pinpoints.tsv`): every id of the required documents with the sha256 of its text.

An id, once published, keeps naming the same words. A parser change that drops an id, or gives it to other text, is
caught by `check`; the fix is either the parser or a row in corpus/aliases.toml mapping the old id to its new one.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ingest.aliases import resolve_alias
from ingest.corpus import Corpus
from ingest.errors import ConfigError
from ingest.settings import CORPUS_DIR

PINPOINTS = CORPUS_DIR / "pinpoints.tsv"
HEADER = ("# Frozen pinpoint ids: clause id <TAB> sha256 of its verbatim text. Never edit or delete a row: an id that moves\n"
          "# needs a row in corpus/aliases.toml. `clausewise pinpoints --add-new` appends the ids of new clauses.\n")
# The documents whose ids are frozen: every Llama licence and policy, Gemma, the standard licences and OpenAI's terms.
REQUIRED_DOCS = (
    "llama-2-license", "llama-2-aup", "llama-3-license", "llama-3-aup", "llama-3.1-license", "llama-3.1-aup",
    "llama-3.2-license", "llama-3.2-aup", "llama-3.3-license", "llama-3.3-aup", "llama-4-license", "llama-4-aup",
    "gemma-terms-2024", "gemma-terms-2025", "gemma-pup", "apache-2.0", "mit", "cc-by-4.0", "cc-by-sa-4.0",
    "cc-by-nc-4.0", "openai-terms-2023", "openai-terms-2024",
)


@dataclass(frozen=True)
class Frozen:
    clause_id: str
    sha256: str


def text_sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def load_frozen(path: Path | None = None) -> list[Frozen]:
    path = path or PINPOINTS
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise ConfigError(f"Cannot read the frozen pinpoint list {path}: {exc}") from exc
    rows, problems = [], []
    for n, line in enumerate(lines, 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2 or ":" not in parts[0] or len(parts[1]) != 64:
            problems.append(f"line {n}: expected '<clause id>\\t<sha256>', got {line[:80]!r}")
            continue
        rows.append(Frozen(parts[0], parts[1]))
    if problems:
        raise ConfigError(f"{path} has {len(problems)} bad line(s):\n  - " + "\n  - ".join(problems[:20]))
    return rows


def check(corpus: Corpus, frozen: list[Frozen], aliases: dict[str, str]) -> list[str]:
    """Every frozen id that no longer resolves, or resolves to other words; only loaded documents are checked."""
    problems = []
    for row in frozen:
        if row.clause_id.split(":", 1)[0] not in corpus.documents:
            continue
        current = resolve_alias(aliases, row.clause_id)
        clause = corpus.get(current)
        if clause is None:
            problems.append(f"{row.clause_id}: no longer exists; restore it or map it in corpus/aliases.toml")
            continue
        if text_sha(clause.text) != row.sha256:
            via = f" (via alias {current})" if current != row.clause_id else ""
            problems.append(f"{row.clause_id}{via}: now names other text ({clause.text[:60]!r}); "
                            "restore it or map the old id to the clause that has its words")
    return problems


def new_rows(corpus: Corpus, frozen: list[Frozen], doc_ids: list[str]) -> list[Frozen]:
    """Rows for clauses of `doc_ids` whose ids are not frozen yet (new documents, new clauses)."""
    known = {r.clause_id for r in frozen}
    return [Frozen(c.clause_id, text_sha(c.text)) for d in doc_ids for c in corpus.documents[d].clauses
            if c.clause_id not in known]


def append(rows: list[Frozen], path: Path | None = None) -> None:
    path = path or PINPOINTS
    existing = path.read_text(encoding="utf-8") if path.exists() else HEADER
    if existing and not existing.endswith("\n"):
        existing += "\n"
    path.write_text(existing + "".join(f"{r.clause_id}\t{r.sha256}\n" for r in rows), encoding="utf-8")
