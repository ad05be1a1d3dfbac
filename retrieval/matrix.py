"""The licence matrices, computed from the rules table so they cannot drift from it.

Rows and columns are data (`corpus/matrices.toml`). A scenario matrix (method, deployment, dataset, ownership) runs
`RuleTable.evaluate` on the facts of each cell: the verdict is the most restrictive firing, the clause ids are those
of the firings, and the facts travel with the cell so a reader can replay it. The versions matrix reads the rules'
`grounds` maps instead: per family of versioned documents, which versions have each rule, on which clauses, and what
changed from one version to the next.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, Mapping

from ingest.errors import ClausewiseError, ConfigError
from ingest.settings import CORPUS_DIR
from ingest.tomlfile import read_toml
from retrieval.facts_data import facts_from_data
from retrieval.registry import Registry
from retrieval.rules import RuleTable, Verdict, combine
from retrieval.scenario import Facts

MATRICES_PATH = CORPUS_DIR / "matrices.toml"
SCENARIO_KINDS = ("method", "deployment", "dataset", "ownership")
KINDS = SCENARIO_KINDS + ("versions",)
# Facts whose values add up across matrix, row and column; every other fact is replaced by the later layer.
LIST_FACTS = {"models", "documents", "licences", "methods", "deployments", "datasets", "use_cases", "flags"}


class Change(str, Enum):
    """How a rule's grounding in one version compares with the version before it."""

    PRESENT = "present"   # in the first version listed
    SAME = "same"         # same clause paths as the version before
    ADDED = "added"       # absent from the version before
    MOVED = "moved"       # present in both, on other clause paths
    REMOVED = "removed"   # present in the version before, absent here
    ABSENT = "absent"     # absent here and before


@dataclass(frozen=True)
class Axis:
    id: str
    label: str


@dataclass(frozen=True)
class CellFiring:
    """One rule that fired for one governing document of a cell's scenario."""

    rule_id: str
    doc_id: str | None
    verdict: Verdict
    clauses: tuple[str, ...]


@dataclass(frozen=True)
class Cell:
    row: str
    column: str
    verdict: Verdict | None  # None: the rule is absent from this version (versions matrix only)
    clauses: tuple[str, ...]
    rules: tuple[str, ...]
    firings: tuple[CellFiring, ...] = ()
    facts: Facts | None = None  # what a scenario cell was computed from; None for the versions matrix
    change: Change | None = None
    previous: tuple[str, ...] = ()  # versions matrix: the clauses of the version before, when it had the rule
    previous_doc: str | None = None  # versions matrix: the document of the version before


@dataclass(frozen=True)
class Matrix:
    kind: str
    id: str
    title: str
    caption: str
    rows: tuple[Axis, ...]
    columns: tuple[Axis, ...]
    cells: tuple[tuple[Cell, ...], ...] = field(repr=False)  # row-major, in the order of rows and columns

    def cell(self, row: str, column: str) -> Cell:
        for r, axis in enumerate(self.rows):
            if axis.id == row:
                for c, col in enumerate(self.columns):
                    if col.id == column:
                        return self.cells[r][c]
                raise KeyError(f"{self.id}: no column {column!r}; columns: {[a.id for a in self.columns]}")
        raise KeyError(f"{self.id}: no row {row!r}; rows: {[a.id for a in self.rows]}")


def load_spec(path: Path | None = None) -> dict[str, Any]:
    path = path or MATRICES_PATH
    return read_toml(path, "The matrices file")


def _merge(*layers: Mapping[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for layer in layers:
        for key, value in layer.items():
            if key in LIST_FACTS and isinstance(value, list) and isinstance(out.get(key), list):
                out[key] = out[key] + [v for v in value if v not in out[key]]
            else:
                out[key] = value
    return out


AXIS_KEYS = {"row": {"id", "label", "role", "facts"}, "column": {"id", "label", "model", "facts"},
             "family": {"id", "label", "columns"}}


def _axes(entries: Any, what: str, where: str, problems: list[str]) -> list[dict]:
    if not isinstance(entries, list) or not entries:
        problems.append(f"{where}: needs at least one [[{what}]] entry")
        return []
    allowed = AXIS_KEYS[what.rsplit(".", 1)[-1]]
    good, seen = [], set()
    for n, entry in enumerate(entries, 1):
        label = f"{where} {what} #{n} ({entry.get('id', '?')})"
        if not isinstance(entry.get("id"), str) or not isinstance(entry.get("label"), str):
            problems.append(f"{label}: needs an `id` and a `label`")
            continue
        unknown = sorted(set(entry) - allowed)
        if unknown:
            problems.append(f"{label}: unknown key(s) {unknown}; valid: {sorted(allowed)}")
            continue
        if not isinstance(entry.get("facts", {}), dict):
            problems.append(f"{label}: `facts` must be a table, e.g. facts = {{ methods = [\"lora\"] }}")
            continue
        if entry["id"] in seen:
            problems.append(f"{label}: id used twice")
            continue
        seen.add(entry["id"])
        good.append(entry)
    return good


def _scenario(kind: str, spec: Mapping[str, Any], table: RuleTable, registry: Registry,
              problems: list[str]) -> Matrix | None:
    where = f"matrices.toml [{kind}]"
    rows = _axes(spec.get("row"), f"{kind}.row", where, problems)
    columns = _axes(spec.get("column"), f"{kind}.column", where, problems)
    base = spec.get("facts", {})
    for c in columns:
        if not isinstance(c.get("model"), str):
            problems.append(f"{where} column {c['id']}: needs `model`, a model id of corpus/models.toml")
    if not rows or not columns or any(not isinstance(c.get("model"), str) for c in columns):
        return None
    grid: list[tuple[Cell, ...]] = []
    for row in rows:
        line = []
        for col in columns:
            model = {"id": col["model"], "role": row.get("role", "base")}
            data = _merge(base, row.get("facts", {}), col.get("facts", {}), {"models": [model]})
            try:
                facts = facts_from_data(data, registry, f"{where} cell {row['id']} x {col['id']}")
            except ClausewiseError as exc:  # an unknown model id is NotFound, a bad fact value ConfigError
                problems.append(f"{where} cell {row['id']} x {col['id']}: {exc}" if "cell" not in str(exc) else str(exc))
                continue
            # The firings that decide the verdict come first, so a cell reads "not_permitted: 1.b.v, ..."
            fired = sorted(table.evaluate(facts), key=lambda f: -f.verdict.severity)
            firings = tuple(CellFiring(f.id, f.doc_id, f.verdict, f.clauses) for f in fired)
            line.append(Cell(row["id"], col["id"], combine([f.verdict for f in fired]),
                             tuple(dict.fromkeys(c for f in fired for c in f.clauses)),
                             tuple(dict.fromkeys(f.id for f in fired)), firings, facts))
        grid.append(tuple(line))
    if problems:
        return None
    return Matrix(kind, kind, spec.get("title", kind), spec.get("caption", ""),
                  tuple(Axis(r["id"], r["label"]) for r in rows), tuple(Axis(c["id"], c["label"]) for c in columns),
                  tuple(grid))


def _paths(clauses: tuple[str, ...]) -> tuple[str, ...]:
    """Clause paths without their document, so `llama-2-license:1.b.v` and `llama-3-license:1.b.v` compare equal."""
    return tuple(c.split(":", 1)[1] if ":" in c else c for c in clauses)


def _change(before: tuple[str, ...] | None, now: tuple[str, ...] | None, first: bool) -> Change:
    if first:
        return Change.PRESENT if now is not None else Change.ABSENT
    if now is None:
        return Change.REMOVED if before is not None else Change.ABSENT
    if before is None:
        return Change.ADDED
    return Change.SAME if sorted(_paths(before)) == sorted(_paths(now)) else Change.MOVED


def _versions(spec: Mapping[str, Any], table: RuleTable, problems: list[str],
              known_docs: set[str] | None) -> list[Matrix]:
    out = []
    for family in _axes(spec.get("family"), "versions.family", "matrices.toml [versions]", problems):
        where = f"matrices.toml [versions] family {family['id']}"
        cols = family.get("columns")
        if not isinstance(cols, list) or not cols or not all(isinstance(c, dict) and isinstance(c.get("doc"), str)
                                                             and isinstance(c.get("label"), str) for c in cols):
            problems.append(f"{where}: `columns` must list {{ doc = \"document id\", label = \"...\" }} entries")
            continue
        docs = [c["doc"] for c in cols]
        grounded = {d for r in table.rules for d in r.grounds}
        for d in docs:
            if (known_docs is not None and d not in known_docs) or (known_docs is None and d not in grounded):
                problems.append(f"{where}: unknown document {d!r} (no rule is grounded in it)")
        rules = [r for r in table.rules if any(d in r.grounds for d in docs)]
        grid = []
        for rule in rules:
            line, before = [], None
            for i, doc in enumerate(docs):
                now = rule.grounds.get(doc)
                line.append(Cell(rule.id, doc, rule.verdict if now is not None else None, now or (), (rule.id,),
                                 change=_change(before, now, i == 0), previous=before or (),
                                 previous_doc=docs[i - 1] if i else None))
                before = now
            grid.append(tuple(line))
        out.append(Matrix("versions", f"versions-{family['id']}", f"{spec.get('title', 'Rules by version')}: "
                          f"{family['label']}", spec.get("caption", ""), tuple(Axis(r.id, r.id) for r in rules),
                          tuple(Axis(c["doc"], c["label"]) for c in cols), tuple(grid)))
    return out


def build(kind: str, table: RuleTable, registry: Registry, spec: Mapping[str, Any] | None = None,
          known_docs: set[str] | None = None) -> list[Matrix]:
    """The matrices of one kind (versions gives one per family); a ConfigError lists every bad row of the spec."""
    if kind not in KINDS:
        raise ConfigError(f"Unknown matrix kind {kind!r}; choose one of {', '.join(KINDS)}.")
    spec = load_spec() if spec is None else spec
    section = spec.get(kind)
    if not isinstance(section, dict):
        raise ConfigError(f"matrices.toml has no [{kind}] section; add one (see the comments at the top of the file).")
    problems: list[str] = []
    if kind == "versions":
        matrices = _versions(section, table, problems, known_docs)
    else:
        m = _scenario(kind, section, table, registry, problems)
        matrices = [m] if m else []
    if problems:
        raise ConfigError(f"The [{kind}] matrix has {len(problems)} problem(s):\n  - " + "\n  - ".join(problems))
    return matrices


def validate(table: RuleTable, registry: Registry, spec: Mapping[str, Any] | None = None,
             known_docs: set[str] | None = None) -> list[str]:
    """Every problem of every matrix in the spec, as lines (empty when all build)."""
    spec = load_spec() if spec is None else spec
    problems = []
    for kind in KINDS:
        try:
            build(kind, table, registry, spec, known_docs)
        except ConfigError as exc:
            problems.append(str(exc))
    return problems


def facts_json(facts: Facts) -> dict[str, Any]:
    """The facts a cell was computed from, as plain data in the shape `facts_from_data` reads (non-empty fields)."""
    out: dict[str, Any] = {"models": [{"id": m.model_id, "role": m.role.value} for m in facts.models]}
    for key, value in (("licences", list(facts.licences)), ("methods", [m.value for m in facts.methods]),
                       ("deployments", [d.value for d in facts.deployments]), ("target", facts.target_licence),
                       ("datasets", list(facts.datasets)), ("mau", facts.mau), ("revenue", facts.revenue),
                       ("eu", facts.eu), ("use_cases", list(facts.use_cases)), ("flags", list(facts.flags))):
        if value not in (None, []):
            out[key] = value
    return out


def cell_json(cell: Cell) -> dict[str, Any]:
    out: dict[str, Any] = {"row": cell.row, "column": cell.column,
                           "verdict": cell.verdict.value if cell.verdict else None, "clauses": list(cell.clauses),
                           "rules": list(cell.rules)}
    if cell.facts is not None:
        out["facts"] = facts_json(cell.facts)
        out["firings"] = [{"rule": f.rule_id, "doc_id": f.doc_id, "verdict": f.verdict.value, "clauses": list(f.clauses)}
                          for f in cell.firings]
    if cell.change is not None:
        out["change"] = cell.change.value
        out["previous"] = list(cell.previous)
    return out


def matrix_json(m: Matrix) -> dict[str, Any]:
    return {"kind": m.kind, "id": m.id, "title": m.title, "caption": m.caption,
            "rows": [{"id": a.id, "label": a.label} for a in m.rows],
            "columns": [{"id": a.id, "label": a.label} for a in m.columns],
            "cells": [cell_json(c) for line in m.cells for c in line]}
