"""The cross-check between the rules table's verdict and the clause-grounded verdict, and the headline policy.

The two paths are independent: the rules table reads the facts, the clause path reads only the clauses that rule-free
retrieval ranks, through their annotations. A disagreement is flagged, with a note that names the clause and says in
our words what it does; grounds one path relies on that the answer does not already show are named too. Policy: when
the clause path is more restrictive on strong evidence (a clause triggered by stated facts, ranked near the top), the
headline cannot stay `permitted`: it takes the clause path's verdict and says why.

Calibrated on the blind dev sets (`clausewise eval --set ...` prints the 2x2 table of right/wrong against flagged).
"""

from __future__ import annotations

from dataclasses import dataclass

from ingest.annotations import AnnotationSet
from retrieval.clause_verdict import ClauseVerdict
from retrieval.rules import Verdict


# How much each kind of disagreement weighs; the flag is raised at FLAG_AT. Calibrated on the blind dev sets with the
# default model (see README, "Cross-check calibration"): a strong sign flags alone, weak signs only together.
STRONG = 1.0
WEAK = 0.5
FLAG_AT = 1.0
USE_BAN_RANK = 2  # how high a use-policy ban must rank for its wording alone to decide, with no rule fired
WEIGHTS = {
    # Measured on the blind dev sets (330 questions, default model), as wrong / right answers that show the sign:
    "policy": STRONG,  # 6 / 1: the headline changed (a 'permitted' gave way, or no rule covers and the clauses decide)
    "no_rule": STRONG,  # 6 / 4: no rule covers the scenario and the clauses do not settle it either
    "grounds_unretrieved": STRONG,  # 18 / 2: 'permitted', and retrieval finds none of the clauses the rules rely on
    "stricter": STRONG,  # 2 / 2: the clause reading is more restrictive on strong evidence
    "one_reading": STRONG,  # 22 / 17: 'permitted' or 'conditional' rests on one reading of an unstated shipping mode
    "other_grounds": STRONG,  # 14 / 11: the readings rest on different clauses and the shipping mode is unstated
    "stricter_weak": WEAK,  # 11 / 10: more restrictive on a clause ranked near the top on its wording alone
    "unsettled": WEAK,  # 8 / 4: 'permitted' while the clauses alone do not settle it
}


@dataclass(frozen=True)
class Reconciled:
    verdict: Verdict  # the headline verdict after the policy
    flagged: bool  # the two paths disagree in a way the reader must see
    notes: tuple[str, ...]
    changed: bool  # the policy changed the headline
    why: str  # one sentence for the summary when the headline changed
    strength: float = 0.0  # the weight of the disagreement signs; flagged when it reaches FLAG_AT
    signs: tuple[str, ...] = ()  # the kinds of sign found (keys of WEIGHTS)


def _gloss(annotations: AnnotationSet, cid: str) -> str:
    row = annotations.get(cid)
    return row.gloss if row else ""


def _names_a_use(annotations: AnnotationSet, lead: str, clause: ClauseVerdict) -> bool:
    """The clause reading's first deciding clause is a ban on a named use category, ranked within the top two."""
    step = next((s for s in clause.deciding if s.clause_id == lead), None)
    if step is None or step.rank > USE_BAN_RANK or step.effect != "prohibition":
        return False
    return any("use_categories" in row.acts_on and row.effect.value == "prohibition" and "use_cases" in row.conditions
               for row in annotations.rows_for(lead))


def reconcile(rule_verdict: Verdict, rule_clauses: set[str], clause: ClauseVerdict, annotations: AnnotationSet,
              shown: set[str], rules_fired: bool, *, ranked: list[str], deployment_stated: bool,
              finding_verdicts: set[Verdict] | None = None, weighed: frozenset[str] = frozenset(),
              ruled: bool = True) -> Reconciled:
    """Compare the two verdicts and their grounds; apply the headline policy; flag what may be wrong.

    `ranked` is what rule-free retrieval ranks in the governing documents (best first); `ruled` says whether the
    rules table has rules for any of them. Each sign of a wrong answer
    has a strength, measured on the blind dev sets by how much more often it comes with wrong answers than with right
    ones. Strong: no rule covers the scenario; 'permitted' while none of the clauses the rules rely on is among the
    ten retrieval ranks first; a clause reading more restrictive than the rules on strong evidence (a clause the
    stated facts trigger, ranked near the top). Weak: 'permitted' resting on one reading of an unstated shipping mode;
    'permitted' while the clauses alone do not settle it; the two readings resting on different clauses when the
    question does not say how the model is shipped. A weak sign alone is a note, not a flag.
    """
    cv = Verdict(clause.verdict)
    notes: list[str] = []
    signs: list[tuple[str, str]] = []  # (kind, note); each kind weighs WEIGHTS[kind]
    deciding = [s.clause_id for s in clause.deciding]
    lead = deciding[0] if deciding else ""
    top = set(ranked[:10])
    grounded_ids = sorted(c for c in rule_clauses if c.split(":", 1)[0] in {r.split(":", 1)[0] for r in ranked})
    said = f"{lead} says, in our words: {_gloss(annotations, lead)}" if lead else clause.reason
    stricter = cv.severity > rule_verdict.severity and cv is not Verdict.UNCLEAR
    # The policy is the one the design states: a 'permitted' headline cannot stand against a more restrictive clause
    # reading on strong evidence; a conditional or stricter rules verdict stays, flagged, for the reader to weigh.
    changed = (rules_fired and rule_verdict is Verdict.PERMITTED and stricter and clause.strong
               # A carve-out rule that fired has read this very clause and found that it does not reach the facts
               # (private use deceives no one; people take every decision): the clause ranking high is no evidence.
               and lead not in weighed)
    # With no rule, the clause reading decides only when it restricts on strong evidence: a bare grant ranked first
    # does not turn "no rule covers this" into "permitted" (measured on the blind dev sets: 1 of 4 such were right).
    # A document no rule is written for (your own licence, `ruled` false) is answered from its clauses alone.
    changed = changed or (not rules_fired and cv is not Verdict.UNCLEAR and bool(lead)
                          and (not ruled or (cv.severity > Verdict.PERMITTED.severity and clause.strong)))
    # With no rule, a use-policy ban that retrieval ranks at the very top decides on its wording: the scenario reader
    # recognised no use, yet the question describes one the policy names (measured on the paraphrase set para-1, where
    # such answers were 'unclear' while the gold said 'not_permitted' 11 times in 14). A catch-all lead-in ("any of the
    # uses below") is not such a ban; `_wording_applies` in retrieval.clause_verdict has already left those out.
    use_ban = (not rules_fired and cv is Verdict.NOT_PERMITTED and bool(lead) and not changed
               and _names_a_use(annotations, lead, clause))
    changed = changed or use_ban
    headline = cv if changed else rule_verdict
    why = ""
    if changed and rules_fired:
        why = (f"The clause reading is more restrictive than the rules table ('{rule_verdict.value}') on strong "
               f"evidence: {lead} applies on the facts stated and ranks near the top.")
        signs.append(("policy", f"The rules table gives '{rule_verdict.value}', the clauses read on their own "
                              f"'{cv.value}'. {said}"))
    elif use_ban:
        why = (f"No rule in the table read a use from the question, but the use policy's ban that ranks first for its "
               f"wording is {lead}: if the use described is the one it names, it is not permitted.")
        signs.append(("policy", f"No rule covers this scenario; the verdict comes from the clause reading alone. {said}"))
    elif changed:
        why = f"No rule in the table covers this scenario, so the verdict is read from the clauses: {lead} applies."
        signs.append(("policy", f"No rule covers this scenario; the verdict comes from the clause reading alone. {said}"))
    elif not rules_fired:
        signs.append(("no_rule", "No rule covers this scenario and the clauses read on their own do not settle it: "
                              f"{clause.reason}."))
    else:
        if stricter:
            signs.append(("stricter" if clause.strong else "stricter_weak",
                          f"The clauses read on their own are more restrictive: '{cv.value}' against the rules "
                          f"table's '{rule_verdict.value}'. {said}"))
        if (not deployment_stated and len(finding_verdicts or {rule_verdict}) == 1
                and rule_verdict in (Verdict.PERMITTED, Verdict.CONDITIONAL)):
            signs.append(("one_reading", f"'{rule_verdict.value}' rests on one reading of how the model is "
                                                  "used or shipped, which the question does not say; check that "
                                                  "reading against your plans."))
        if rule_verdict is Verdict.PERMITTED and grounded_ids and not set(grounded_ids) & top:
            signs.append(("grounds_unretrieved", "None of the clauses the rules rely on (" + ", ".join(grounded_ids[:3]) + ") is "
                                  "among those retrieval finds for this wording; the question may have been read "
                                  "wrongly."))
        if rule_verdict is Verdict.PERMITTED and cv is Verdict.UNCLEAR:
            signs.append(("unsettled", f"Read on their own, the clauses do not settle this ({clause.reason})."))
        if not deployment_stated and lead and lead not in rule_clauses and cv is not rule_verdict:
            signs.append(("other_grounds", f"The two readings rest on different clauses, and the question does not say how the "
                                f"model is shipped: the clause reading gives '{cv.value}'. {said}"))
        if cv is not rule_verdict and not signs:
            # A disagreement the calibration does not treat as a warning is still worth one line.
            notes.append(f"For comparison, the clauses read on their own give '{cv.value}'. {said}")
    # Grounds: a restrictive clause the clause reading relies on that no finding cites and the answer does not show.
    if cv.severity >= Verdict.CONDITIONAL.severity:
        for cid in [c for c in deciding if c not in rule_clauses and c not in shown][:2]:
            notes.append(f"Also relevant and not cited above: {cid}, in our words: {_gloss(annotations, cid)}")
    strength = sum(WEIGHTS[kind] for kind, _ in signs)
    return Reconciled(headline, strength >= FLAG_AT, tuple(text for _, text in signs) + tuple(notes), changed, why,
                      round(strength, 2), tuple(kind for kind, _ in signs))
