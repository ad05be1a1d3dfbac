"""A clause with its sub-clauses: the unit a reader means by "section 3.3".

The parser gives every numbered line its own clause, so `gemma-terms-2025:3.3` is only "3.3 Generated Output" and its
sentence sits in `3.3.p1`. A section is the clause plus every descendant, still one verbatim slice of the source
(`source[start:end] == text`), so it can be shown and cited whole without breaking the offsets contract.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ingest.clauses import Clause

_BODY_KINDS = {"paragraph", "bullet", "definition"}
_HEADING_ONLY_MAX = 90
# A sentence terminator followed by more text: the line says something beyond its heading.
_SAYS_MORE = re.compile(r"[.;!?][\"\u201d')\]*]*\s+\S")
# The number that opens a numbered clause ("Section 3:", "3.3", "b.", "(iv)"), so only its words are judged.
MARKER = re.compile(r"^[ \t]*(?:\*\*|#{1,6}[ \t]+)?[ \t]*(?:(?:Section|SECTION|Article|ARTICLE)[ \t]+(?:[0-9]+|[IVXL]+)"
                    r"|\([0-9A-Za-z]{1,4}\)|[0-9]{1,2}(?:\.[0-9]{1,2})*\\?[.)]?|[A-Za-z]{1,4}[.)])(?:\*\*)?[ \t:.\-\u2013\u2014]*")


@dataclass(frozen=True)
class Section:
    """A clause and its descendants in document order, as one verbatim span of the source."""

    clause: Clause
    members: tuple[Clause, ...]  # descendants only, in document order
    start: int
    end: int
    text: str
    heading_only: bool  # the clause itself is only a number and a heading; its meaning is in `members`
    lead_in: bool  # the clause ends with ":" and introduces the items in `members`

    @property
    def is_container(self) -> bool:
        """True when quoting the clause alone would mislead, so a citation should quote its body instead."""
        return bool(self.members) and (self.heading_only or self.lead_in)

    @property
    def body_start(self) -> int:
        return self.members[0].start if self.members else self.clause.start


def is_heading_only(clause: Clause) -> bool:
    """A numbered or heading line with no sentence of its own ("3.3 Generated Output", "b. Redistribution and Use.")."""
    if clause.kind in _BODY_KINDS:
        return False
    text = clause.text if clause.kind == "heading" else MARKER.sub("", clause.text, count=1)
    text = text.strip().strip("*#").strip()
    if "\n" in text or len(text) > _HEADING_ONLY_MAX or text.endswith(":"):
        return False
    return not _SAYS_MORE.search(text)


def ends_with_lead_in(clause: Clause) -> bool:
    """The clause closes on a colon: it introduces a list ("you may not:", "the following conditions:")."""
    return clause.text.rstrip().rstrip("*").rstrip().endswith(":")


def descendants(clauses: tuple[Clause, ...] | list[Clause], clause: Clause) -> list[Clause]:
    """Every clause below `clause`, in document order."""
    children = clause_index(clauses).children
    out: list[Clause] = []

    def walk(parent_id: str) -> None:
        for child in children.get(parent_id, ()):
            out.append(child)
            walk(child.clause_id)

    walk(clause.clause_id)
    return out


def section_of(source: str, clauses: tuple[Clause, ...] | list[Clause], clause: Clause) -> Section:
    members = tuple(descendants(clauses, clause))
    end = max([clause.end, *(m.end for m in members)])
    return Section(clause, members, clause.start, end, source[clause.start:end],
                   heading_only=is_heading_only(clause), lead_in=ends_with_lead_in(clause))


@dataclass(frozen=True)
class ClauseIndex:
    """Lookups over one document's clauses, built once per clause tuple (quoting and citing ask them per citation)."""

    by_id: dict[str, Clause]
    children: dict[str | None, tuple[Clause, ...]]  # parent id (None for top level) -> children in order
    starts: frozenset[int]
    numbered_root: bool


_INDEXES: dict[int, tuple[object, ClauseIndex]] = {}


def clause_index(clauses: tuple[Clause, ...] | list[Clause]) -> ClauseIndex:
    """The index of a document's clauses; cached by identity, so pass the document's own tuple."""
    hit = _INDEXES.get(id(clauses))
    if hit is not None and hit[0] is clauses:
        return hit[1]
    children: dict[str | None, list[Clause]] = {}
    for c in clauses:
        children.setdefault(c.parent, []).append(c)
    index = ClauseIndex({c.clause_id: c for c in clauses}, {k: tuple(v) for k, v in children.items()},
                        frozenset(c.start for c in clauses),
                        any(c.parent is None and c.kind not in _BODY_KINDS | {"heading", "bullet"} for c in clauses))
    if isinstance(clauses, tuple):  # a list may change under us; a document's tuple cannot
        if len(_INDEXES) > 4096:
            _INDEXES.clear()
        _INDEXES[id(clauses)] = (clauses, index)
    return index
