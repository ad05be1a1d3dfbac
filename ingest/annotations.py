"""Clause annotations (`corpus/annotations/<doc_id>.toml`): what each operative clause does, as data a lawyer can check.

Each row names a clause by its path, stores the sha256 of the clause text it was written against (so a changed text is
caught), and says its effect (grant, obligation, prohibition, ...), what it acts on, when it is triggered (conditions on
the facts of a scenario, in the vocabulary of the scenario reader), which clauses it is an exception to, and a gloss in
our own words. Headings and bare section titles are not operative; any other clause a document's file does not annotate
must be listed in its `non_operative` table with a reason, so a coverage check can fail on a forgotten clause.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any

from ingest.clauses import Clause
from ingest.errors import ConfigError
from ingest.settings import CORPUS_DIR
from ingest.tomlfile import read_toml

ANNOTATIONS_DIR = CORPUS_DIR / "annotations"


class Effect(str, Enum):
    GRANT = "grant"
    OBLIGATION = "obligation"
    PROHIBITION = "prohibition"
    CONDITION = "condition"
    THRESHOLD = "threshold"
    EXCEPTION = "exception"
    TERMINATION = "termination"
    INCORPORATION = "incorporation"
    DEFINITION = "definition"
    DISCLAIMER = "disclaimer"


# What a clause acts on. Kept small on purpose: the clause-grounded verdict and the search both read it.
ACTS_ON = {
    "use", "reproduction", "modification", "distribution", "hosting", "outputs", "training_other_models", "naming",
    "notices", "licence_copy", "attribution", "use_categories", "use_policy", "trademark", "scale", "litigation",
    "termination", "relicensing", "sublicensing", "liability", "warranty", "governing_law", "patents", "copyright",
    "ownership", "assignment", "commercial_use", "personal_data", "safety", "account", "payment", "export",
    "geography", "changes", "contributions", "technical_measures", "share_alike", "moral_rights", "database_rights",
    "verification", "service_use", "confidentiality", "feedback", "definitions", "interpretation",
}

# Trigger conditions, named as in the scenario reader's facts (their values are checked by the retrieval layer,
# which owns that vocabulary). `text_only` marks a clause whose trigger the facts cannot express; it is never applied
# automatically.
TRIGGER_KEYS = {
    "deployments": list, "not_deployments": list, "distributes": bool, "methods": list, "not_methods": list,
    "roles": list, "use_cases": list, "flags": list, "not_flags": list, "other_model": bool, "mau_over": int,
    "revenue_over": int, "eu": bool, "multimodal": bool, "targets": list, "has_target": bool, "datasets": list,
    "text_only": bool,
}

STATUSES = ("reviewed", "proposed")


def parse_trigger(spec: str) -> dict:
    """`key=v1,v2; key2=true; mau_over=700000000` to a trigger table; ConfigError names an unknown key."""
    out: dict = {}
    if spec.strip() in ("", "-"):
        return out
    for part in spec.split(";"):
        key, _, value = part.strip().partition("=")
        key = key.strip()
        kind = TRIGGER_KEYS.get(key)
        if kind is None:
            raise ConfigError(f"Unknown trigger condition {key!r}; known: {', '.join(sorted(TRIGGER_KEYS))}.")
        if kind is bool:
            out[key] = value.strip().lower() == "true"
        elif kind is int:
            try:
                out[key] = int(value.strip().replace(",", "").replace("_", ""))
            except ValueError:
                raise ConfigError(f"Trigger {key!r} needs a whole number, not {value.strip()!r}.") from None
        else:
            out[key] = [v.strip() for v in value.split(",") if v.strip()]
    return out


def text_sha(text: str) -> str:
    """The sha256 of a clause's exact text, as stored with its annotation."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Annotation:
    clause_id: str
    doc_id: str
    effect: Effect
    acts_on: tuple[str, ...]
    trigger: tuple[tuple[str, Any], ...]
    exception_to: tuple[str, ...]
    gloss: str
    sha: str
    status: str = "reviewed"
    incorporates: str = ""  # the document an incorporation clause pulls in: a doc id, or "external:<name>"
    alternative: str = ""  # for a prohibition: the lawful route the text itself offers, in our words

    @property
    def conditions(self) -> dict[str, Any]:
        return dict(self.trigger)

    def to_json(self) -> dict:
        return {"effect": self.effect.value, "acts_on": list(self.acts_on), "trigger": self.conditions,
                "exception_to": list(self.exception_to), "gloss": self.gloss, "status": self.status,
                "incorporates": self.incorporates or None, "alternative": self.alternative or None}


@dataclass(frozen=True)
class DocAnnotations:
    doc_id: str
    path: Path | None
    rows: tuple[Annotation, ...]
    non_operative: dict[str, str] = field(default_factory=dict)  # clause path -> why it is not operative
    problems: tuple[str, ...] = ()  # rows that could not even be parsed


def is_structural(clause: Clause, children: set[str]) -> bool:
    """Headings and bare titles of clauses that have sub-clauses: no operative words of their own."""
    if clause.kind == "heading":
        return True
    body = re.sub(r"^[\s*#]*(?:\(?[0-9A-Za-z]{1,4}(?:\.[0-9]{1,2})*\\?[.)]|(?:Section|SECTION|Article|ARTICLE)\s+(?:\d+|[IVXL]+)[.:]?|[-*\u2022])?\s*", "",
                  clause.text).strip(" *_:#\u2028")
    return clause.clause_id in children and len(body) <= 70 and not re.search(r"[.;:]\s+\S", body)


def _parse_doc(path: Path) -> DocAnnotations:
    data = read_toml(path, "The annotation file", fix="Fix the TOML syntax it names.")
    doc_id = str(data.get("doc_id") or path.stem)
    rows: list[Annotation] = []
    problems: list[str] = []
    for n, row in enumerate(data.get("clause", []), 1):
        where = f"{path.name} row {n} ({row.get('path', '?')})"
        missing = [k for k in ("path", "sha", "effect", "gloss") if not row.get(k)]
        if missing:
            problems.append(f"{where}: missing {', '.join(missing)}")
            continue
        try:
            effect = Effect(row["effect"])
        except ValueError:
            problems.append(f"{where}: unknown effect {row['effect']!r}; use one of {[e.value for e in Effect]}")
            continue
        bad_on = [a for a in row.get("acts_on", []) if a not in ACTS_ON]
        if bad_on:
            problems.append(f"{where}: unknown acts_on {bad_on}; known: {sorted(ACTS_ON)}")
        trigger = row.get("trigger", {})
        for key, value in trigger.items():
            kind = TRIGGER_KEYS.get(key)
            if kind is None:
                problems.append(f"{where}: unknown trigger condition {key!r}; known: {sorted(TRIGGER_KEYS)}")
            elif not isinstance(value, kind) or (kind is int and isinstance(value, bool)) or (kind is list and not value):
                problems.append(f"{where}: trigger {key!r} must be a {'non-empty list' if kind is list else kind.__name__}")
        status = row.get("status", "reviewed")
        if status not in STATUSES:
            problems.append(f"{where}: status {status!r} is not one of {list(STATUSES)}")
        exc_to = tuple(e if ":" in e else f"{doc_id}:{e}" for e in row.get("exception_to", []))
        rows.append(Annotation(f"{doc_id}:{row['path']}", doc_id, effect, tuple(row.get("acts_on", [])),
                               tuple(sorted(trigger.items())), exc_to, " ".join(str(row["gloss"]).split()),
                               str(row["sha"]), status, str(row.get("incorporates", "")),
                               " ".join(str(row.get("alternative", "")).split())))
        if effect is Effect.INCORPORATION and not row.get("incorporates"):
            problems.append(f"{where}: an incorporation must name what it incorporates (a doc id or external:<name>)")
    non_op = {str(k): str(v) for k, v in data.get("non_operative", {}).items()}
    return DocAnnotations(doc_id, path, tuple(rows), non_op, tuple(problems))


@dataclass(frozen=True)
class AnnotationSet:
    docs: dict[str, DocAnnotations]

    @classmethod
    def load(cls, directory: Path | None = None, extra: tuple[DocAnnotations, ...] = ()) -> "AnnotationSet":
        directory = directory or ANNOTATIONS_DIR
        docs = {d.doc_id: d for d in (_parse_doc(p) for p in sorted(directory.glob("*.toml")))} if directory.is_dir() else {}
        docs.update({d.doc_id: d for d in extra})
        return cls(docs)

    def get(self, clause_id: str) -> Annotation | None:
        """The clause's first (main) annotation."""
        rows = self._by_id.get(clause_id)
        return rows[0] if rows else None

    def rows_for(self, clause_id: str) -> tuple[Annotation, ...]:
        """Every annotation of a clause: a long clause that both obliges and prohibits has one row per effect."""
        return self._by_id.get(clause_id, ())

    @property
    def _by_id(self) -> dict[str, tuple[Annotation, ...]]:
        cached = self.__dict__.get("_cache")
        if cached is None:
            grouped: dict[str, list[Annotation]] = {}
            for d in self.docs.values():
                for a in d.rows:
                    grouped.setdefault(a.clause_id, []).append(a)
            cached = {k: tuple(v) for k, v in grouped.items()}
            object.__setattr__(self, "_cache", cached)
        return cached

    def parents(self, doc_ids: list[str]) -> set[str]:
        """Annotated clauses that lead in to a list of sub-clauses (their ids share a path prefix)."""
        ids = {a.clause_id for d in doc_ids for a in self.for_doc(d)}
        # Every id's dotted prefixes, once: comparing each id with every other one cost ~7 ms an answer.
        leads = {o[:k] for o in ids for k, ch in enumerate(o) if ch == "."}
        return ids & leads

    def for_doc(self, doc_id: str) -> tuple[Annotation, ...]:
        doc = self.docs.get(doc_id)
        return doc.rows if doc else ()

    def validate(self, corpus) -> list[str]:
        """Every bad row, against the loaded corpus: unparseable rows, unknown clause ids, clauses whose text changed
        since they were annotated, exceptions to unknown clauses, ids annotated twice."""
        problems: list[str] = []
        for doc in self.docs.values():
            problems.extend(doc.problems)
            loaded = corpus.documents.get(doc.doc_id)
            if loaded is None:
                if not doc.doc_id.startswith("user-"):
                    problems.append(f"{doc.path.name if doc.path else doc.doc_id}: no loaded document {doc.doc_id!r}")
                continue
            by_id = {c.clause_id: c for c in loaded.clauses}
            seen: set[tuple[str, str]] = set()
            for a in doc.rows:
                if (a.clause_id, a.effect.value) in seen:
                    problems.append(f"{a.clause_id}: annotated twice with effect {a.effect.value!r}")
                seen.add((a.clause_id, a.effect.value))
                clause = by_id.get(a.clause_id)
                if clause is None:
                    problems.append(f"{a.clause_id}: unknown clause id (not in {doc.doc_id} as parsed now)")
                    continue
                if text_sha(clause.text) != a.sha:
                    problems.append(f"{a.clause_id}: the clause text changed since it was annotated (sha {a.sha[:12]} "
                                    f"stored, {text_sha(clause.text)[:12]} now); re-read it and update the row")
                inc = a.incorporates
                if inc and not inc.startswith("external:") and inc not in corpus.documents and inc not in corpus_ids(corpus):
                    problems.append(f"{a.clause_id}: incorporates unknown document {inc!r} (use a doc id or external:<name>)")
                for target in a.exception_to:
                    if target.split(":", 1)[0] in corpus.documents:
                        try:
                            corpus.clause(target)
                        except Exception:  # noqa: BLE001 - NotFound; reported as a bad row
                            problems.append(f"{a.clause_id}: exception_to names unknown clause {target!r}")
            for path in doc.non_operative:
                if f"{doc.doc_id}:{path}" not in by_id:
                    problems.append(f"{doc.doc_id}: non_operative names unknown clause path {path!r}")
        return problems

    def missing(self, corpus, doc_ids: list[str]) -> list[str]:
        """Operative clauses of `doc_ids` with neither an annotation nor a non_operative entry."""
        out = []
        for doc_id in doc_ids:
            doc = corpus.documents.get(doc_id)
            if doc is None:
                continue
            ann = self.docs.get(doc_id)
            children = {c.parent for c in doc.clauses if c.parent}
            for clause in doc.clauses:
                if is_structural(clause, children):
                    continue
                if self.get(clause.clause_id) is None and (ann is None or clause.path not in ann.non_operative):
                    out.append(clause.clause_id)
        return out


def corpus_ids(corpus) -> set[str]:
    """Documents the manifest knows, loaded or not (an incorporation of an unloaded document is still valid data)."""
    return {r.spec.doc_id for r in getattr(corpus, "reports", ())}


def load_annotations(corpus=None, directory: Path | None = None, user_dir: Path | None = None) -> AnnotationSet:
    """Load every annotation file (corpus and, when given, the user's own); with `corpus`, a ConfigError lists every
    bad row."""
    extra = tuple(_parse_doc(p) for p in sorted(user_dir.glob("*.toml"))) if user_dir and user_dir.is_dir() else ()
    annotations = AnnotationSet.load(directory, extra)
    if corpus is not None:
        problems = annotations.validate(corpus)
        if problems:
            raise ConfigError(f"{len(problems)} bad annotation row(s):\n  - " + "\n  - ".join(problems))
    return annotations


def dump_doc(doc_id: str, rows: list[dict], non_operative: dict[str, str] | None = None, header: str = "") -> str:
    """TOML text for one document's annotations (the writer behind the worksheet tool and `clausewise annotate`)."""
    def q(s: str) -> str:
        return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'

    def val(v: Any) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, int):
            return str(v)
        if isinstance(v, list):
            return "[" + ", ".join(val(x) for x in v) + "]"
        return q(str(v))

    out = [header.rstrip() + "\n" if header else "", f"doc_id = {q(doc_id)}\n"]
    if non_operative:
        out.append("\n[non_operative]\n")
        out.extend(f"{q(k)} = {q(v)}\n" for k, v in non_operative.items())
    for row in rows:
        out.append("\n[[clause]]\n")
        for key in ("path", "sha", "status", "effect", "acts_on", "exception_to", "incorporates", "gloss", "alternative"):
            if key in row and row[key] not in (None, [], ""):
                out.append(f"{key} = {val(row[key])}\n")
        trig = row.get("trigger") or {}
        if trig:
            out.append("trigger = { " + ", ".join(f"{k} = {val(v)}" for k, v in trig.items()) + " }\n")
    return "".join(out)
