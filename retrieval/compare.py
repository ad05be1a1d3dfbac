"""What changed that matters between two versions of a document: the rules whose grounding differs.

The rules table grounds each legal idea per document (`Rule.grounds`: doc id -> clause ids). Comparing two versions,
a rule grounded in the old one and not the new is a removal (a ban lifted, a duty dropped), one grounded only in the
new is an addition, and one grounded in both whose clause text differs is a change. Changes that restrict more come
first: a ban removed or added outranks a reworded duty, which outranks a permission.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.rules import RuleTable, Verdict

REMOVED, ADDED, CHANGED = "removed", "added", "changed"
_KIND_ORDER = {REMOVED: 0, ADDED: 1, CHANGED: 2}
_WORDS = {  # (kind, verdict) -> how a lawyer would say it
    (REMOVED, Verdict.NOT_PERMITTED): "Restriction removed",
    (ADDED, Verdict.NOT_PERMITTED): "Restriction added",
    (CHANGED, Verdict.NOT_PERMITTED): "Restriction reworded",
    (REMOVED, Verdict.CONDITIONAL): "Duty removed",
    (ADDED, Verdict.CONDITIONAL): "Duty added",
    (CHANGED, Verdict.CONDITIONAL): "Duty reworded",
    (REMOVED, Verdict.PERMITTED): "Permission removed",
    (ADDED, Verdict.PERMITTED): "Permission added",
    (CHANGED, Verdict.PERMITTED): "Permission reworded",
    (REMOVED, Verdict.UNCLEAR): "Open question removed",
    (ADDED, Verdict.UNCLEAR): "Open question added",
    (CHANGED, Verdict.UNCLEAR): "Open question reworded",
}


@dataclass(frozen=True)
class RuleChange:
    rule_id: str
    kind: str  # removed | added | changed
    verdict: str
    statement: str
    old_clauses: tuple[str, ...]  # full clause ids grounding the rule in the old document (empty if none)
    new_clauses: tuple[str, ...]
    new_rule_id: str | None = None  # when one version's rule replaces another's on the same clause

    @property
    def headline(self) -> str:
        return _WORDS[(self.kind, Verdict(self.verdict))]


def grounding(rule, doc_id: str) -> tuple[str, ...]:
    """The clauses that ground `rule` for `doc_id`: its own grounds entry, or (for a use policy, which governs
    nothing itself) the rule's clauses that lie in that document."""
    if doc_id in rule.grounds:
        return tuple(rule.grounds[doc_id])
    return tuple(c for c in rule.clauses if c.split(":", 1)[0] == doc_id)


_URL = re.compile(r"\(?https?://\S+|\b[\w.-]+\.(?:com|org|net|ai|dev)/\S*")
_TOKEN = re.compile(r"[\w.]+")
_TYPO = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'", "*": " ", "_": " ", "#": " "})


def name_noise(old_title: str, new_title: str) -> frozenset[str]:
    """Words in which the two titles differ ("Meta", "3", "3.1"): a product renamed between versions, not a change
    of terms, so they are left out when clause texts are compared."""
    a, b = (set(_TOKEN.findall(t.lower().translate(_TYPO))) for t in (old_title, new_title))
    return frozenset(a ^ b)


def substance(text: str, noise: frozenset[str] = frozenset()) -> str:
    """The words that carry the terms: typography, URLs and renamed product words removed."""
    text = _URL.sub(" ", text.lower()).translate(_TYPO)
    return " ".join(t.strip(".") for t in _TOKEN.findall(text) if t.strip(".") and t.strip(".") not in noise)


def rule_changes(rules: RuleTable, old_doc: str, new_doc: str, clause_text,
                 noise: frozenset[str] = frozenset()) -> list[RuleChange]:
    """Every rule whose grounding differs between `old_doc` and `new_doc`, most consequential first.

    `clause_text(clause_id) -> str | None` gives a clause's text (None when not loaded). Two groundings whose texts
    differ only in typography, links or the words in `noise` (see `name_noise`) are the same terms, not a change.
    """
    out = []
    for rule in rules.rules:
        old, new = grounding(rule, old_doc), grounding(rule, new_doc)
        if not old and not new:
            continue
        if old and not new:
            kind = REMOVED
        elif new and not old:
            kind = ADDED
        else:
            old_text = [substance(clause_text(c) or "", noise) for c in old]
            new_text = [substance(clause_text(c) or "", noise) for c in new]
            if old_text == new_text:
                continue
            kind = CHANGED
        out.append(RuleChange(rule.id, kind, rule.verdict.value, rule.statement, old, new))
    out = _pair_replacements(out)
    return sorted(out, key=lambda c: (-Verdict(c.verdict).severity, _KIND_ORDER[c.kind], c.rule_id))


def _paths(ids: tuple[str, ...]) -> frozenset[str]:
    return frozenset(c.split(":", 1)[1] for c in ids)


def _pair_replacements(changes: list[RuleChange]) -> list[RuleChange]:
    """A rule that stops at one version and another that starts at the next, with the same verdict and grounded in
    the same clause numbers, are one idea reworded (the name prefix "Llama 3" became "Llama"), not a restriction
    removed and another added."""
    added = [c for c in changes if c.kind == ADDED]
    used: set[str] = set()
    out = []
    for c in changes:
        if c.kind == ADDED:
            continue
        match = None
        if c.kind == REMOVED:
            match = next((a for a in added if a.rule_id not in used and a.verdict == c.verdict
                          and _paths(a.new_clauses) == _paths(c.old_clauses)), None)
        if match is None:
            out.append(c)
            continue
        used.add(match.rule_id)
        out.append(RuleChange(c.rule_id, CHANGED, c.verdict, match.statement, c.old_clauses, match.new_clauses,
                              new_rule_id=match.rule_id))
    return out + [a for a in added if a.rule_id not in used]
