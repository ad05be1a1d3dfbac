"""Documents printed inside another document's file, given ids of their own (`corpus/appendices.toml`).

The Llama 3 licence file ends with the whole Acceptable Use Policy. Parsed as one document, the policy's clauses get
ids from its heading slug and the licence's paragraph counter (`meta-llama-3-acceptable.1.a`, `p2.b1`), which name
nothing a reader can find. An appendix row moves every clause from the policy's heading to the end of the file under
one short prefix (`aup`, `aup.1.a`, `aup.p1.b1`) and names the standalone document it corresponds to, so each clause
can be linked to its counterpart there. Offsets and text are untouched: only ids, parents and depths change.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, replace
from pathlib import Path

from ingest.clauses import Clause, parse_clauses
from ingest.errors import ConfigError
from ingest.settings import CORPUS_DIR
from ingest.tomlfile import read_toml

APPENDICES = CORPUS_DIR / "appendices.toml"
_FIELDS = {"doc_id", "heading", "prefix", "linked"}
_PREFIX = re.compile(r"^[a-z][a-z0-9-]{0,30}$")
_MARKER = re.compile(r"^\s*(?:\*\*|#{1,6}\s+|[-*\u2022]\s+)?\(?(?:[0-9]{1,2}|[a-zA-Z]{1,4})[.)]\s+")
LINK_MIN_RATIO = 0.85


@dataclass(frozen=True)
class Appendix:
    doc_id: str
    heading: str  # the heading line that opens it, as printed
    prefix: str  # its clause ids start `<doc_id>:<prefix>`
    linked: str  # the standalone document with the same policy


def load_appendices(path: Path | None = None) -> dict[str, tuple[Appendix, ...]]:
    """doc id -> its appendices; a ConfigError lists every bad row."""
    path = path or APPENDICES
    rows = read_toml(path, "The appendix table").get("appendix", [])
    problems, out = [], {}
    for n, row in enumerate(rows, 1):
        where = f"appendix #{n} ({row.get('doc_id', '?')})"
        missing = sorted(k for k in _FIELDS if not isinstance(row.get(k), str) or not row.get(k))
        if missing:
            problems.append(f"{where}: missing or empty {missing}")
            continue
        if set(row) - _FIELDS:
            problems.append(f"{where}: unknown fields {sorted(set(row) - _FIELDS)}")
        if not _PREFIX.match(row["prefix"]):
            problems.append(f"{where}: prefix {row['prefix']!r} must be a short lower-case word")
        out.setdefault(row["doc_id"], []).append(Appendix(**{k: row[k] for k in _FIELDS}))
    if problems:
        raise ConfigError(f"{path} has {len(problems)} problem(s):\n  - " + "\n  - ".join(problems))
    return {k: tuple(v) for k, v in out.items()}


def apply_appendix(doc_id: str, clauses: list[Clause], appendix: Appendix) -> list[Clause]:
    """Re-id the clauses from the appendix's heading to the end of the document under its prefix."""
    first = next((i for i, c in enumerate(clauses) if c.parent is None and c.kind == "heading"
                  and c.heading.strip() == appendix.heading), None)
    if first is None:
        raise ConfigError(f"corpus/appendices.toml: {doc_id} has no top-level heading {appendix.heading!r}; "
                          "fix the row or the source.")
    renamed: dict[str, str] = {}  # old path -> new path
    counters: dict[str, int] = {}
    depths: dict[str, int] = {}
    out = list(clauses[:first])
    head = clauses[first]
    for c in clauses[first:]:
        if c is head:
            new = appendix.prefix
        elif c.parent is None:
            # A top-level clause after the heading belongs to the appendix: renumber its counter within it.
            base = c.path
            m = re.fullmatch(r"([pb])[0-9]+(-[0-9]+)?", base)
            if m:
                counters[m.group(1)] = counters.get(m.group(1), 0) + 1
                base = f"{m.group(1)}{counters[m.group(1)]}"
            new = f"{appendix.prefix}.{base}"
        else:
            parent_old = c.parent.split(":", 1)[1]
            new = renamed[parent_old] + c.path[len(parent_old):]
        renamed[c.path] = new
        if c is head:
            parent, depth = None, c.depth
        else:
            parent_path = appendix.prefix if c.parent is None else renamed[c.parent.split(":", 1)[1]]
            parent, depth = f"{doc_id}:{parent_path}", depths[parent_path] + 1
        depths[new] = depth
        out.append(replace(c, clause_id=f"{doc_id}:{new}", path=new, parent=parent, depth=depth))
    return out


def renames(doc_id: str, clauses: list[Clause], appendices: tuple[Appendix, ...]) -> dict[str, str]:
    """Old clause id -> new clause id for every clause an appendix moves (the alias table is built from this)."""
    after = document_clauses(doc_id, "", appendices, clauses=clauses)
    return {a.clause_id: b.clause_id for a, b in zip(clauses, after) if a.clause_id != b.clause_id}


def document_clauses(doc_id: str, text: str, appendices: tuple[Appendix, ...] = (), *,
                     clauses: list[Clause] | None = None) -> list[Clause]:
    """A document's clauses: parsed from its text, then re-id'd for any appendix it carries."""
    out = list(clauses) if clauses is not None else parse_clauses(doc_id, text)
    for appendix in appendices:
        out = apply_appendix(doc_id, out, appendix)
    return out


def _normal(text: str) -> str:
    text = _MARKER.sub("", text.replace("**", ""), count=1)
    return " ".join(re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", text).lower().split())


def link_clauses(appendix_clauses: list[Clause], linked: list[Clause]) -> dict[str, str]:
    """Appendix clause id -> the clause of the standalone document with the same words (numbering differs)."""
    pool = [(c.clause_id, _normal(c.text)) for c in linked]
    out = {}
    for c in appendix_clauses:
        mine = _normal(c.text)
        if len(mine) < 8:
            continue
        best, best_ratio = None, 0.0
        for cid, theirs in pool:
            m = difflib.SequenceMatcher(None, mine, theirs, autojunk=False)
            if m.real_quick_ratio() < best_ratio or m.quick_ratio() < best_ratio:
                continue
            ratio = m.ratio()
            if ratio > best_ratio:
                best, best_ratio = cid, ratio
        if best is not None and best_ratio >= LINK_MIN_RATIO:
            out[c.clause_id] = best
    return out
