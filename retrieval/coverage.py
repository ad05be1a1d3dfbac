"""Coverage of the governing texts by the rules table: every operative clause grounds a rule or is listed, with a
reason, as not decisive for any scenario (`corpus/rules/not-decisive.toml`).

What counts as operative is decided clause by clause, in this order (the first that applies wins):

1. `appended-policy`: in a licence or terms document, everything from a heading that names an acceptable use policy to
   the end of the text (the Llama 3 licence file carries a copy of its AUP); the standalone policy document governs and
   is covered in its own right.
2. `heading`: a clause the parser marks as a heading, or a short caption (at most 10 words) that is not an item of a
   list introduced by a colon and either has no operative word ("shall", "may", "must", "grant", "terminate",
   "warrant", ...) or has sub-clauses and no verb of obligation or permission: "1. License Rights and Redistribution.",
   "3.2 Use Restrictions", "Disclaimer of Warranty." (its text is in the paragraph below), "Last modified: March 24, 2025".
3. `definition`: a clause the parser marks as a definition, or one whose text defines a term ("X" means ..., X shall
   mean ...) or sits under a Definitions heading and says what a term means.
4. `boilerplate`: a clause under (or opening with) a heading on governing law, jurisdiction, venue, severability,
   entire agreement, waiver, notices, arbitration and dispute resolution, interpretation, the relationship of the
   parties, copyright-complaint procedure, a preamble, recital or introductory note, the "how to apply this licence"
   appendix (to the end of the text), or the channels for reporting violations: no scenario question about using, adapting or shipping a model turns on them.
5. `operative`: everything else: grants, conditions, obligations, prohibitions, thresholds, exceptions and
   carve-outs, acceptance, termination, incorporation by reference, warranty, indemnity and liability.

An operative clause is `covered` when a rule grounds it (in `grounds`, or in a use category's clauses for a policy
document), when it introduces a list (ends with a colon) and one of its items is covered (its sub-clauses, or the
numbered or bulleted clauses that follow it, up to the next paragraph, where the items are parsed as siblings), or
`listed` when
not-decisive.toml gives the reason no scenario turns on it; otherwise it is `uncovered`, and the test suite fails.
Items of a use-restriction list (a policy document, or an OpenRAIL "Attachment A") are reported in their own column:
they are covered by the use categories of `use-policies.toml`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from ingest.clauses import Clause
from ingest.corpus import Corpus
from ingest.sources import DocKind
from ingest.tomlfile import read_toml
from retrieval.rules import RULES_DIR, RuleTable

NOT_DECISIVE = RULES_DIR / "not-decisive.toml"

OPERATIVE_WORDS = re.compile(
    r"\b(?:shall|must|may|will|agrees?|grants?|granted|licen[cs]ed? to|terminat\w*|prohibit\w*|not permitted|"
    r"requir\w*|subject to|condition\w*|warrant\w*|liab\w*|indemn\w*|disclaim\w*|as is|bound|accept\w*|comply|"
    r"restrict\w*|retain|distribut\w*|you agree|waive\w*)\b", re.I)
MODAL = re.compile(r"\b(?:shall|must|may|will|agrees?|you are)\b", re.I)
DEFINES = re.compile(r"^\W*(?:\(?[a-z0-9]{1,4}[.)]\s*)?[\"\u201c][^\"\u201d]{1,80}[\"\u201d][^.]{0,80}?\b(?:shall mean|means?|includes)\b"
                     r"|^\W*(?:\(?[a-z0-9]{1,4}[.)]\s*)?[A-Z][\w'\u2019 -]{0,50}? (?:shall mean|means)\b", re.S)
DEFINITIONS_HEADING = re.compile(r"\bdefinitions?\b", re.I)
BOILERPLATE_HEADING = re.compile(
    r"governing law|jurisdiction|\bvenue\b|choice of law|severab|entire agreement|waiver|^\W*notices\W*$|"
    r"arbitration|dispute resolution|^\W*(?:section \d+\W+)?interpretation\W*$|relationship of the parties|"
    r"copyright complaints?|\bpreamble\b|how to apply|federal agency|creative commons is not a party|"
    r"equitable remedies|using creative commons public licenses|delay in enforcing|^\W*exceptions\W*$|introductory note|"
    r"claims concerning copyright infringement|^\W*who we are\W*$", re.I)
BOILERPLATE_TEXT = re.compile(
    r"^\W*(?:\(?[0-9]{1,2}[.)]\s*)?(?:please report|written claims concerning copyright|reporting (?:issues|risky|bugs|violations)|now therefore|appendix: how to apply|"
    r"to apply the .{0,40}licen[cs]e to your work|copyright \[yyyy\]|you may obtain a copy of the license at|"
    r"see the license for the specific|\"?including\"? means|as used in this agreement, \"including\"|"
    r"creative commons may be contacted|creative commons corporation \(\"creative commons\"\) is not a law firm|"
    r"considerations for (?:licensors|the public)|you and openai agree to the following mandatory arbitration|if any provision of this (?:license|agreement)[\w ]{0,20} is held to be invalid)", re.I)
APPENDIX = re.compile(r"^\W*appendix: how to apply", re.I)
APPENDED_POLICY = re.compile(r"acceptable use policy|prohibited use policy", re.I)
USE_LIST = re.compile(r"\battachment a\b", re.I)
LEAD_IN = re.compile(r":\W*$")


class ClauseKind(str, Enum):
    APPENDED_POLICY = "appended-policy"
    HEADING = "heading"
    DEFINITION = "definition"
    BOILERPLATE = "boilerplate"
    OPERATIVE = "operative"


class Status(str, Enum):
    COVERED = "covered"
    LISTED = "listed"
    UNCOVERED = "uncovered"
    NOT_OPERATIVE = "not operative"


@dataclass(frozen=True)
class ClauseCoverage:
    clause_id: str
    kind: ClauseKind
    status: Status
    use_list: bool  # an item of a use-restriction list (policy document or Attachment A)
    grounds: tuple[str, ...] = ()  # the rules (or use categories) it grounds
    reason: str = ""  # why it is not decisive (status listed)
    text: str = ""


@dataclass(frozen=True)
class DocCoverage:
    doc_id: str
    title: str
    version: str
    clauses: tuple[ClauseCoverage, ...]

    def count(self, status: Status, use_list: bool | None = None) -> int:
        return sum(1 for c in self.clauses if c.status is status and (use_list is None or c.use_list is use_list))

    def uncovered(self, use_list: bool | None = None) -> list[str]:
        return [c.clause_id for c in self.clauses if c.status is Status.UNCOVERED
                and (use_list is None or c.use_list is use_list)]

    def by_kind(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for c in self.clauses:
            if c.status is Status.NOT_OPERATIVE:
                out[c.kind.value] = out.get(c.kind.value, 0) + 1
        return out


@dataclass(frozen=True)
class CoverageReport:
    documents: tuple[DocCoverage, ...]
    problems: tuple[str, ...] = field(default=())

    def uncovered(self, use_list: bool | None = None) -> list[str]:
        return [cid for d in self.documents for cid in d.uncovered(use_list)]

    def to_json(self) -> dict:
        return {
            "documents": [{
                "doc_id": d.doc_id, "title": d.title, "version": d.version,
                "covered": d.count(Status.COVERED), "listed": d.count(Status.LISTED),
                "uncovered": d.uncovered(), "not_operative": d.by_kind(),
                "clauses": [{"clause_id": c.clause_id, "kind": c.kind.value, "status": c.status.value,
                             "use_list": c.use_list, "grounds": list(c.grounds), "reason": c.reason}
                            for c in d.clauses],
            } for d in self.documents],
            "totals": {s.value: sum(d.count(s) for d in self.documents) for s in Status},
            "problems": list(self.problems),
        }


def _words(text: str) -> int:
    return len(re.findall(r"[A-Za-z0-9\u00c0-\u024f']+", text))


def classify(doc_clauses: tuple[Clause, ...], is_policy: bool) -> dict[str, tuple[ClauseKind, bool]]:
    """Kind and use-list membership of every clause of one document (see the module docstring for the criterion)."""
    by_id = {c.clause_id: c for c in doc_clauses}
    out: dict[str, tuple[ClauseKind, bool]] = {}
    appended_from = use_list_from = appendix_from = None
    for c in doc_clauses:
        if appendix_from is None and APPENDIX.search(c.text):
            appendix_from = c.start
        if not is_policy and appended_from is None and c.kind == "heading" and APPENDED_POLICY.search(c.text):
            appended_from = c.start
        if use_list_from is None and c.kind == "heading" and USE_LIST.search(c.text):
            use_list_from = c.start

    def ancestors(c: Clause):
        seen = c.parent
        while seen and seen in by_id:
            yield by_id[seen]
            seen = by_id[seen].parent

    has_children = {c.parent for c in doc_clauses if c.parent}
    for c in doc_clauses:
        text = " ".join(c.text.split())
        parent = by_id.get(c.parent) if c.parent else None
        in_list = parent is not None and bool(LEAD_IN.search(parent.text))
        use_list = is_policy or (use_list_from is not None and c.start >= use_list_from)
        run_in = re.match(r"^\W*(?:\(?[a-z0-9]{1,4}[.)]\s*)*([^.:]{2,60})[.:]", text)
        heads = [c.heading, run_in.group(1) if run_in and _words(run_in.group(1)) <= 6 else ""]
        heads += [a.heading or " ".join(a.text.split())[:80] for a in ancestors(c)]
        if appended_from is not None and c.start >= appended_from:
            kind = ClauseKind.APPENDED_POLICY
        elif c.kind == "heading" or (not in_list and _words(text) <= 10 and (
                not OPERATIVE_WORDS.search(text) or (c.clause_id in has_children and not MODAL.search(text)))):
            kind = ClauseKind.HEADING
        elif c.kind == "definition" or DEFINES.search(text) or (
                any(DEFINITIONS_HEADING.search(h or "") for h in heads[2:]) and re.search(r"\bmeans?\b", text)):
            kind = ClauseKind.DEFINITION
        elif (any(BOILERPLATE_HEADING.search(h or "") for h in heads if len(h or "") <= 80) or BOILERPLATE_TEXT.search(text)
              or (appendix_from is not None and c.start >= appendix_from)):
            kind = ClauseKind.BOILERPLATE
        else:
            kind = ClauseKind.OPERATIVE
        out[c.clause_id] = (kind, use_list and kind is ClauseKind.OPERATIVE)
    return out


def grounding(table: RuleTable) -> dict[str, list[str]]:
    """Clause id -> the rules (and use categories) grounded in it."""
    out: dict[str, list[str]] = {}
    for rule in table.rules:
        for cid in rule.clauses:
            out.setdefault(cid, []).append(rule.id)
    for cat in table.categories.categories:
        for ids in cat.clauses.values():
            for cid in ids:
                out.setdefault(cid, []).append(f"use:{cat.id}")
    return out


def load_not_decisive(path: Path | None = None) -> tuple[dict[str, str], list[str]]:
    """Clause id -> reason, and the problems of the file's rows (a missing reason, an id listed twice)."""
    path = path or NOT_DECISIVE
    data = read_toml(path, "The list of clauses that decide nothing", missing={})
    if not data:
        return {}, []
    listed, problems = {}, []
    for n, row in enumerate(data.get("not_decisive", []), 1):
        reason, clauses = row.get("reason", ""), row.get("clauses", [])
        if not isinstance(reason, str) or not reason.strip():
            problems.append(f"{path.name} row #{n}: a reason is required")
        if not isinstance(clauses, list) or not clauses:
            problems.append(f"{path.name} row #{n}: `clauses` must be a non-empty list of clause ids")
            continue
        for cid in clauses:
            if cid in listed:
                problems.append(f"{path.name} row #{n}: {cid} is listed twice")
            listed[cid] = reason
    return listed, problems


def coverage(corpus: Corpus, table: RuleTable, not_decisive: Path | None = None) -> CoverageReport:
    """The coverage of every governing (primary) document in the manifest that is loaded."""
    listed, problems = load_not_decisive(not_decisive)
    grounded = grounding(table)
    known = {c.clause_id for c in corpus.all_clauses()}
    docs = []
    kinds: dict[str, ClauseKind] = {}
    statuses: dict[str, Status] = {}
    for doc in corpus.documents.values():
        if doc.spec.kind in (DocKind.EXPLAINER, DocKind.USER):
            continue
        classes = classify(doc.clauses, doc.spec.kind is DocKind.POLICY)
        children: dict[str, list[str]] = {}
        for c in doc.clauses:
            if c.parent:
                children.setdefault(c.parent, []).append(c.clause_id)

        def items_grounded(cid: str) -> bool:
            return any(k in grounded or items_grounded(k) for k in children.get(cid, ()))

        def next_items_grounded(i: int) -> bool:
            # Where the parser makes a list's items siblings of its lead-in, the items are the numbered or bulleted
            # clauses that follow it, up to the next paragraph or heading.
            for nxt in doc.clauses[i + 1:]:
                if nxt.kind in ("heading", "paragraph", "definition"):
                    return False
                if nxt.clause_id in grounded:
                    return True
            return False

        rows = []
        for i, c in enumerate(doc.clauses):
            kind, use_list = classes[c.clause_id]
            kinds[c.clause_id] = kind
            rules = tuple(dict.fromkeys(grounded.get(c.clause_id, ())))
            if kind is not ClauseKind.OPERATIVE:
                status = Status.NOT_OPERATIVE
            elif rules or (LEAD_IN.search(c.text) and (items_grounded(c.clause_id) or next_items_grounded(i))):
                status = Status.COVERED
            elif c.clause_id in listed:
                status = Status.LISTED
            else:
                status = Status.UNCOVERED
            statuses[c.clause_id] = status
            rows.append(ClauseCoverage(c.clause_id, kind, status, use_list, rules,
                                       listed.get(c.clause_id, "") if status is Status.LISTED else "", c.text))
        docs.append(DocCoverage(doc.spec.doc_id, doc.spec.title, doc.spec.version, tuple(rows)))
    loaded = {d.doc_id for d in docs}
    for cid, _ in listed.items():
        doc = cid.split(":", 1)[0]
        if doc not in loaded:
            if doc not in {s.doc_id for s in (r.spec for r in corpus.reports)}:
                problems.append(f"not-decisive: {cid} names an unknown document")
            continue
        if cid not in known:
            problems.append(f"not-decisive: unknown clause id {cid}")
        elif cid in grounded:
            problems.append(f"not-decisive: {cid} grounds {', '.join(dict.fromkeys(grounded[cid]))}; remove it from the list")
        elif statuses.get(cid) is Status.COVERED:
            problems.append(f"not-decisive: {cid} introduces a list whose items ground a rule, so it is covered; "
                            "remove it from the list")
        elif kinds.get(cid) is not ClauseKind.OPERATIVE:
            problems.append(f"not-decisive: {cid} is not operative ({kinds[cid].value}); it needs no listing")
    return CoverageReport(tuple(docs), tuple(problems))


def format_report(report: CoverageReport, show_listed: bool = False) -> str:
    lines = []
    for d in report.documents:
        kinds = ", ".join(f"{n} {k}" for k, n in sorted(d.by_kind().items())) or "none"
        use = d.count(Status.COVERED, True) + d.count(Status.UNCOVERED, True) + d.count(Status.LISTED, True)
        use_open = len(d.uncovered(True))
        lines.append(f"{d.doc_id} ({d.version}): {d.count(Status.COVERED)} covered, {d.count(Status.LISTED)} listed "
                     f"as not decisive, {len(d.uncovered())} uncovered"
                     + (f" ({use} clauses in use-restriction lists, {use_open} of them uncovered)" if use else "")
                     + f"; not operative: {kinds}")
        for cid in d.uncovered():
            lines.append(f"  uncovered: {cid}")
        if show_listed:
            for c in d.clauses:
                if c.status is Status.LISTED:
                    lines.append(f"  listed: {c.clause_id}: {c.reason}")
    t = report.to_json()["totals"]
    lines.append(f"total: {t['covered']} covered, {t['listed']} listed as not decisive, {t['uncovered']} uncovered, "
                 f"{t['not operative']} not operative")
    for p in report.problems:
        lines.append(f"problem: {p}")
    return "\n".join(lines)
