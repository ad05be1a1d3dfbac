"""The clause annotations applied to a release: every operative clause of the governing documents whose annotated
trigger holds on the release's stated facts, and what in the check already covers it.

The rules table and the obligations table decide most releases; the annotations (corpus/annotations, one row per
operative clause) are the independent, clause-by-clause reading. A triggered prohibition, threshold or termination, or a
triggered obligation or condition, that no card finding, obligation item or rule reports becomes a finding of its own,
so a duty the tables do not model (or a licence only the annotations know, such as one you added) is not passed over.
Only triggers that hold on stated facts count here: a release is checked on what its card or lineage file says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.annotations import Annotation, AnnotationSet, Effect
from retrieval.clause_verdict import governing_documents, triggered
from retrieval.scenario import Facts

RESTRICTIVE = (Effect.PROHIBITION, Effect.THRESHOLD, Effect.TERMINATION)
DUTIES = (Effect.OBLIGATION, Effect.CONDITION)


@dataclass(frozen=True)
class ClauseApplied:
    """One annotated clause whose trigger holds on the release's facts."""

    clause_id: str
    effect: str
    gloss: str
    reason: str  # which facts trigger it
    covered_by: str  # what already reports it ("finding missing-notice", "obligation notice_file", "rule ..."); "" if nothing
    status: str = "reviewed"  # the annotation's own status: "proposed" rows (your documents) are not reviewed yet

    @property
    def new(self) -> bool:
        return not self.covered_by

    def to_json(self) -> dict:
        return {"clause_id": self.clause_id, "effect": self.effect, "gloss": self.gloss, "reason": self.reason,
                "covered_by": self.covered_by or None, "status": self.status}


def _external(a: Annotation, loaded: set[str]) -> bool:
    return a.effect is Effect.INCORPORATION and bool(a.incorporates) and a.incorporates not in loaded


# acts_on values too general to say that two clauses are the same duty.
_GENERAL = {"distribution", "use", "hosting", "modification", "reproduction"}


def _parent(clause_id: str) -> str:
    return clause_id.rsplit(".", 1)[0] if "." in clause_id.split(":", 1)[-1] else ""


_OR_END = re.compile(r"\bor[,;:]?\s*$", re.I)
_OR_START = re.compile(r"^\s*(?:\(?[a-z0-9]{1,4}[.)]\s*)?or\b", re.I)


def _alternatives(first: str, second: str) -> bool:
    """Two items of a list joined by "or" ("a. this License, or," / "b. conditions to the same effect"): meeting
    either meets the duty."""
    return bool(_OR_END.search(first) or _OR_START.search(second))


def apply_annotations(facts: Facts, annotations: AnnotationSet | None, loaded: set[str],
                      reported: dict[str, str], linked=None, prohibited_docs: dict[str, str] | None = None,
                      text_of=None) -> list[ClauseApplied]:
    """Every triggered restrictive clause, duty or incorporation of missing terms in the governing documents (and the
    policies they incorporate), each with what covers it.

    `reported` maps clause ids to what reports them; `linked(clause_id)` gives the same words in another document (the
    policy appended to the Llama 3 licence is the standalone policy); `prohibited_docs` maps a document to a rule that
    already forbids the stated use under it, so the policy's other items forbidding the same use are not repeated;
    `text_of(clause_id)` gives a clause's text, to recognise items that are alternatives to each other.
    """
    if annotations is None:
        return []
    prohibited_docs = prohibited_docs or {}
    by_id = {a.clause_id: a for d in annotations.docs for a in annotations.for_doc(d)}
    governing = governing_documents(facts, annotations, loaded)
    family, deployments = set(governing), {d.value for d in facts.deployments}
    rows = [a for d in governing for a in annotations.for_doc(d)]
    fired = [(a, why) for a in rows for state, why in [triggered(a, facts, family, deployments)] if state == "yes"]
    lifted: dict[str, str] = {}
    for a, _ in fired:
        if a.effect is Effect.EXCEPTION:
            for target in a.exception_to:
                lifted.setdefault(target, a.clause_id)
    parents = annotations.parents(governing)
    out: list[ClauseApplied] = []
    for a, why in fired:
        if a.effect not in RESTRICTIVE + DUTIES and not _external(a, loaded):
            continue
        cover = reported.get(a.clause_id, "")
        same = linked(a.clause_id) if linked else None
        if not cover and same and same in reported:
            cover = f"{reported[same]} (the same words in {same})"
        if not cover and a.effect in RESTRICTIVE and "use_categories" in a.acts_on:
            doc = (same or a.clause_id).split(":", 1)[0]
            if doc in prohibited_docs:
                cover = f"{prohibited_docs[doc]} (the same use, another item of {doc})"
        if not cover and a.effect in DUTIES and text_of is not None:
            # An item that is another way of meeting a reported duty ("include this licence, or conditions to the
            # same effect"): a sibling joined to it by "or", acting on the same thing.
            mine = set(a.acts_on) - _GENERAL
            for cid, what in reported.items():
                other = by_id.get(cid)
                if (other is None or cid == a.clause_id or _parent(cid) != _parent(a.clause_id)
                        or not _parent(cid) or not mine & (set(other.acts_on) - _GENERAL)):
                    continue
                first, second = sorted((cid, a.clause_id))
                if _alternatives(text_of(first), text_of(second)):
                    cover = f"{what} (the same duty, met another way: {cid})"
                    break
        if not cover and a.clause_id in lifted:
            cover = f"lifted by the exception in {lifted[a.clause_id]}"
        if not cover and a.clause_id in parents:
            # A lead-in ("provided that you meet the following conditions:", "you will not use it to:") speaks
            # through its items, each of which is applied on its own.
            items = sorted(c for c in reported if c.startswith(a.clause_id + "."))
            cover = ("its items: " + ", ".join(items)) if items else "its items (each applied on its own)"
        out.append(ClauseApplied(a.clause_id, a.effect.value, a.gloss, why, cover, a.status))
    # One entry per clause: a clause with several rows (an obligation and a prohibition) keeps each effect once.
    seen: set[tuple[str, str]] = set()
    unique = []
    for c in out:
        if (c.clause_id, c.effect) not in seen:
            seen.add((c.clause_id, c.effect))
            unique.append(c)
    return unique
