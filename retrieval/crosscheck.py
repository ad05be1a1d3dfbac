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


@dataclass(frozen=True)
class Reconciled:
    verdict: Verdict  # the headline verdict after the policy
    flagged: bool  # the two paths disagree in a way the reader must see
    notes: tuple[str, ...]
    changed: bool  # the policy changed the headline
    why: str  # one sentence for the summary when the headline changed


def _gloss(annotations: AnnotationSet, cid: str) -> str:
    row = annotations.get(cid)
    return row.gloss if row else ""


def reconcile(rule_verdict: Verdict, rule_clauses: set[str], clause: ClauseVerdict, annotations: AnnotationSet,
              shown: set[str], rules_fired: bool, *, ranked: list[str], deployment_stated: bool,
              finding_verdicts: set[Verdict] | None = None, weighed: frozenset[str] = frozenset()) -> Reconciled:
    """Compare the two verdicts and their grounds; apply the headline policy; flag what may be wrong.

    `ranked` is what rule-free retrieval ranks in the governing documents (best first). Flag conditions, each measured
    on the blind dev sets to fire far more often on wrong answers than on right ones: no rule covers the scenario;
    'permitted' while none of the clauses the rules rely on
    is among the ten retrieval ranks first; 'permitted' while the clauses alone do not settle it; an unstated shipping
    mode with the two readings resting on different clauses, or with every finding pointing the same way; a more
    restrictive clause reading on strong evidence.
    """
    cv = Verdict(clause.verdict)
    notes: list[str] = []
    reasons: list[str] = []
    deciding = [s.clause_id for s in clause.deciding]
    lead = deciding[0] if deciding else ""
    top = set(ranked[:10])
    grounded_ids = sorted(c for c in rule_clauses if c.split(":", 1)[0] in {r.split(":", 1)[0] for r in ranked})
    said = f"{lead} says, in our words: {_gloss(annotations, lead)}" if lead else clause.reason
    # The policy is the one the design states: a 'permitted' headline cannot stand against a more restrictive clause
    # reading on strong evidence; a conditional or stricter rules verdict stays, flagged, for the reader to weigh.
    changed = (rules_fired and rule_verdict is Verdict.PERMITTED and cv.severity > rule_verdict.severity
               and clause.strong and cv is not Verdict.UNCLEAR
               # A carve-out rule that fired has read this very clause and found that it does not reach the facts
               # (private use deceives no one; people take every decision): the clause ranking high is no evidence.
               and lead not in weighed)
    changed = changed or (not rules_fired and cv is not Verdict.UNCLEAR and bool(lead))
    headline = cv if changed else rule_verdict
    why = ""
    if changed and rules_fired:
        why = (f"The clause reading is more restrictive than the rules table ('{rule_verdict.value}') on strong "
               f"evidence: {lead} applies on the facts stated and ranks near the top.")
        reasons.append(f"The rules table gives '{rule_verdict.value}', the clauses read on their own '{cv.value}'. {said}")
    elif changed:
        why = f"No rule in the table covers this scenario, so the verdict is read from the clauses: {lead} applies."
        reasons.append(f"No rule covers this scenario; the verdict comes from the clause reading alone. {said}")
    elif not rules_fired:
        reasons.append("No rule covers this scenario and the clauses read on their own do not settle it: "
                       f"{clause.reason}.")
    else:
        if (not deployment_stated and len(finding_verdicts or {rule_verdict}) == 1
                and rule_verdict in (Verdict.PERMITTED, Verdict.CONDITIONAL)):
            reasons.append(f"'{rule_verdict.value}' rests on one reading of how the model is used or shipped, which "
                           "the question does not say; check that reading against your plans.")
        if rule_verdict is Verdict.PERMITTED and grounded_ids and not set(grounded_ids) & top:
            reasons.append("None of the clauses the rules rely on (" + ", ".join(grounded_ids[:3]) + ") is among those "
                           "retrieval finds for this wording; the question may have been read wrongly.")
        if rule_verdict is Verdict.PERMITTED and cv is Verdict.UNCLEAR:
            reasons.append(f"Read on their own, the clauses do not settle this ({clause.reason}).")
        if not deployment_stated and lead and lead not in rule_clauses and cv is not rule_verdict:
            reasons.append(f"The two readings rest on different clauses, and the question does not say how the model "
                           f"is shipped: the clause reading gives '{cv.value}'. {said}")
        if cv is not rule_verdict and not reasons:
            # A disagreement the calibration does not treat as a warning is still worth one line.
            notes.append(f"For comparison, the clauses read on their own give '{cv.value}'. {said}")
    # Grounds: a restrictive clause the clause reading relies on that no finding cites and the answer does not show.
    if cv.severity >= Verdict.CONDITIONAL.severity:
        for cid in [c for c in deciding if c not in rule_clauses and c not in shown][:2]:
            notes.append(f"Also relevant and not cited above: {cid}, in our words: {_gloss(annotations, cid)}")
    return Reconciled(headline, bool(reasons), tuple(reasons + notes), changed, why)
