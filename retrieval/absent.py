"""Documents people name that the corpus does not hold (`corpus/absent-documents.toml`).

A question about the Yi licence, the 2023 Tongyi Qianwen licence or the GPL must be answered `unclear`, naming the
missing document, rather than from a nearby licence the corpus happens to hold (Apache-2.0, the 2024 Qwen License).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ingest.errors import ConfigError
from ingest.settings import CORPUS_DIR
from ingest.tomlfile import read_toml

ABSENT_DOCUMENTS = CORPUS_DIR / "absent-documents.toml"


@dataclass(frozen=True)
class AbsentDocument:
    id: str
    title: str
    patterns: tuple[str, ...]
    instead_of: tuple[str, ...]
    examples: tuple[str, ...]
    note: str = ""


@dataclass(frozen=True)
class AbsentDocuments:
    documents: tuple[AbsentDocument, ...]

    def validate(self, known_doc_ids: set[str] | None = None) -> list[str]:
        """Every bad row: a regex that does not compile, an unknown corpus id, an example its patterns miss."""
        problems, seen = [], set()
        for d in self.documents:
            where = f"absent document {d.id}"
            if d.id in seen:
                problems.append(f"{where}: id used twice")
            seen.add(d.id)
            compiled = []
            for p in d.patterns:
                try:
                    compiled.append(re.compile(p, re.I))
                except re.error as exc:
                    problems.append(f"{where}: pattern {p!r} does not compile ({exc})")
            if known_doc_ids is not None:
                problems.extend(f"{where}: instead_of names unknown document {x!r}" for x in d.instead_of if x not in known_doc_ids)
            for ex in d.examples:
                if compiled and not any(c.search(ex.lower()) for c in compiled):
                    problems.append(f"{where}: example {ex!r} is not matched by its patterns")
        return problems


def parse_absent(data: dict, where: str) -> tuple[AbsentDocuments, list[str]]:
    docs, problems = [], []
    for n, row in enumerate(data.get("document", []), 1):
        missing = [k for k in ("id", "title", "patterns") if not row.get(k)]
        if missing:
            problems.append(f"{where} document #{n}: missing field(s) {missing}")
            continue
        docs.append(AbsentDocument(row["id"], row["title"], tuple(row["patterns"]), tuple(row.get("instead_of", ())),
                                   tuple(row.get("examples", ())), row.get("note", "")))
    table = AbsentDocuments(tuple(docs))
    return table, problems + table.validate()


@lru_cache(maxsize=4)
def load_absent(path: Path | None = None) -> AbsentDocuments:
    path = path or ABSENT_DOCUMENTS
    data = read_toml(path, "The list of documents not in the corpus")
    table, problems = parse_absent(data, path.name)
    if problems:
        raise ConfigError(f"{path} has {len(problems)} problem(s):\n  - " + "\n  - ".join(problems))
    return table
