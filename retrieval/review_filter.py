"""The review sheet narrowed to what a reviewer is signing off today: some families, some documents, verdicts, words.

Pure functions over `retrieval.review.ReviewRule`, shared by `clausewise rules --review --family/--doc/--verdict/--grep`
and the app's review page, so both show exactly the same rules; with no filter the sheet is unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ingest.errors import ConfigError
from retrieval.review import ReviewRule


@dataclass(frozen=True)
class Filter:
    families: tuple[str, ...] = ()   # empty: every family
    documents: tuple[str, ...] = ()  # empty: every document; else rules grounded in one, only their clauses/cases
    verdicts: tuple[str, ...] = ()   # empty: every verdict
    text: str = ""                   # words in the rule id, statement, conditions, a clause id or a clause's text

    @property
    def active(self) -> bool:
        return bool(self.families or self.documents or self.verdicts or self.text.strip())


def families(rules: list[ReviewRule]) -> list[str]:
    return sorted({r.family for r in rules})


def documents(rules: list[ReviewRule]) -> list[str]:
    """Every document some rule is grounded in, sorted by id."""
    return sorted({d.doc_id for r in rules for d in r.documents})


def _words(rule: ReviewRule) -> str:
    parts = [rule.id, rule.statement, rule.conditions, rule.note]
    for d in rule.documents:
        parts += [d.doc_id, d.title]
        parts += [c.clause_id + " " + c.text for c in d.clauses]
    parts += [c.id + " " + c.summary for c in rule.cases]
    return "\n".join(parts).lower()


def apply(rules: list[ReviewRule], f: Filter) -> list[ReviewRule]:
    """The rules the filter keeps, in the sheet's order; with a document filter each keeps only those documents."""
    words = [w for w in f.text.lower().split() if w]
    out = []
    for r in rules:
        if f.families and r.family not in f.families:
            continue
        if f.verdicts and r.verdict not in f.verdicts:
            continue
        if f.documents:
            docs = tuple(d for d in r.documents if d.doc_id in f.documents)
            if not docs:
                continue
            # Cases follow the documents: those citing a chosen one, and those that cite no clause at all.
            cases = tuple(c for c in r.cases if not c.clauses
                          or any(x.split(":", 1)[0] in f.documents for x in c.clauses))
            r = replace(r, documents=docs, cases=cases)
        if words:
            hay = _words(r)
            if not all(w in hay for w in words):
                continue
        out.append(r)
    return out


def file_name(f: Filter, fmt: str) -> str:
    """`clausewise-review.md` for the whole sheet; the filter's families and documents in the name otherwise."""
    if not f.active:
        return f"clausewise-review.{fmt}"
    bits = list(f.families) + list(f.documents) + list(f.verdicts) + (["search"] if f.text.strip() else [])
    stem = "-".join(bits)[:80].strip("-") or "filtered"
    return f"clausewise-review-{stem}.{fmt}"


def check(rules: list[ReviewRule], f: Filter) -> None:
    """ConfigError naming any family, document or verdict the sheet does not have (a typo would show nothing)."""
    known = {"family": families(rules), "document": documents(rules),
             "verdict": ["not_permitted", "unclear", "conditional", "permitted"]}
    for what, given in (("family", f.families), ("document", f.documents), ("verdict", f.verdicts)):
        bad = [g for g in given if g not in known[what]]
        if bad:
            raise ConfigError(f"Unknown {what} {', '.join(map(repr, bad))} for the review sheet; known: "
                              f"{', '.join(known[what])}.")
