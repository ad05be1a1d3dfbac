"""The clause-grounded verdict: a second verdict composed only from the clauses retrieval ranks and their annotations.

No rule of the rules table is read here and no rule votes in the search that feeds it, so the two verdicts are
independent readings and their agreement carries information. Each ranked clause of a governing document is applied to
the facts through its annotation's trigger: a triggered prohibition, threshold or termination gives `not_permitted`
(unless a triggered exception names it), a triggered obligation or condition `conditional`, a triggered incorporation of
a document the corpus lacks `unclear`, and a ranked grant with nothing against it `permitted`. The most restrictive
wins, as in the rules table.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass

from ingest.annotations import Annotation, AnnotationSet, Effect
from retrieval.rules import Verdict, combine
from retrieval.rules import holds as rule_holds
from retrieval.scenario import Deployment, Facts

RANKED = 15   # how many ranked clauses of the governing documents the clause path reads
STRONG_RANK = 5  # a deciding clause this high in the ranking, triggered by stated facts, is strong evidence
MIN_POOL = 20  # ...and only when the governing documents hold at least this many clauses
TEXT_RANK = 2  # a restrictive clause this high, not contradicted by any stated fact, applies on its wording alone
RESTRICTIVE = {Effect.PROHIBITION, Effect.THRESHOLD, Effect.TERMINATION}
TRAVELS = {"licence_copy", "use_policy"}  # what an obligation makes travel with the model
SKIPPABLE = {"notices", "licence_copy", "attribution", "use_policy", "naming"}  # duties a question can say it skips
DISTRIBUTING = {Deployment.WEIGHTS_RELEASE.value, Deployment.ON_DEVICE.value}
CHANGES = {"full_finetune", "lora", "quantization", "merge", "distillation", "continued_pretraining", "rlhf"}

_EFFECT_VERDICT = {
    Effect.PROHIBITION: Verdict.NOT_PERMITTED,
    Effect.THRESHOLD: Verdict.NOT_PERMITTED,
    Effect.TERMINATION: Verdict.NOT_PERMITTED,
    Effect.OBLIGATION: Verdict.CONDITIONAL,
    Effect.CONDITION: Verdict.CONDITIONAL,
    Effect.GRANT: Verdict.PERMITTED,
}


@dataclass(frozen=True)
class ClauseStep:
    """One ranked, annotated clause applied to the facts."""

    clause_id: str
    rank: int
    effect: str
    verdict: str | None  # what it contributes; None when it was not triggered or was excepted
    gloss: str
    reason: str


@dataclass(frozen=True)
class ClauseVerdict:
    verdict: str
    clause_ids: tuple[str, ...]  # the clauses the verdict rests on, deciding ones first
    strong: bool  # the deciding clause is triggered by stated facts and ranked in the top STRONG_RANK
    reason: str
    steps: tuple[ClauseStep, ...]
    alternatives: tuple[str, ...] = ()  # lawful routes the text offers when the verdict is not_permitted
    ranked: tuple[str, ...] = ()  # what rule-free retrieval ranked in the governing documents, best first

    def to_json(self) -> dict:
        return asdict(self)

    @property
    def deciding(self) -> list[ClauseStep]:
        return [s for s in self.steps if s.verdict == self.verdict]


def holds(key: str, value, facts: Facts, doc_id: str, family_docs: set[str], deployments: set[str] | None = None) -> bool:
    """One trigger condition against the facts, read exactly as the rules table reads its conditions
    (`retrieval.rules.holds`), with the documents read together counted as one and a re-licensing under the same
    licence not counted as a new licence; a condition the facts cannot express (`text_only`) never holds here.
    `deployments` is accepted for the callers that pass it; the facts carry the same values."""
    if key == "text_only":
        return False
    return rule_holds(key, value, facts, doc_id, family_docs=frozenset(family_docs), new_licence_only=True,
                      strict=False)


def unstated(key: str, facts: Facts, deployments: set[str]) -> bool:
    """The fact a condition reads was not stated at all (as opposed to stated otherwise)."""
    return {"text_only": True, "use_cases": not facts.use_cases, "eu": facts.eu is None, "mau_over": facts.mau is None,
            "revenue_over": facts.revenue is None, "flags": True, "deployments": not deployments,
            "distributes": not deployments}.get(key, False)


def triggered(a: Annotation, facts: Facts, family_docs: set[str], deployments: set[str]) -> tuple[str, str]:
    """"yes" when the trigger holds on the facts, "open" when it does not fail on any stated fact but rests on one the
    question does not state (or on wording the facts cannot express), "no" otherwise."""
    cond = a.conditions
    if not cond:
        return "no", "it applies generally"
    open_keys, failed = [], []
    for k, v in cond.items():
        if k == "text_only":
            open_keys.append(k)
        elif not holds(k, v, facts, a.doc_id, family_docs, deployments):
            (open_keys if unstated(k, facts, deployments) else failed).append(k)
    if failed:
        return "no", "not triggered (" + ", ".join(failed) + ")"
    if open_keys:
        return "open", "its wording matches the question, but the facts do not state " + ", ".join(open_keys)
    return "yes", "triggered by " + ", ".join(cond)


def governing_documents(facts: Facts, annotations: AnnotationSet, loaded: set[str]) -> list[str]:
    """The scenario's documents plus the corpus documents they incorporate (a licence pulls in its use policy)."""
    docs = [d for d in facts.documents if d in loaded]
    for doc in list(docs):
        for a in annotations.for_doc(doc):
            if a.effect is Effect.INCORPORATION and a.incorporates in loaded and a.incorporates not in docs:
                docs.append(a.incorporates)
    return docs


def compose(facts: Facts, ranked: list[tuple[str, int]], annotations: AnnotationSet, loaded: set[str],
            governing: list[str], pool: int | None = None, lead_ins: set[str] | frozenset[str] = frozenset()) -> ClauseVerdict:
    """The clause-grounded verdict from ranked clause ids (clause id, rank) of the governing documents. `lead_ins` are
    ranked clauses whose text only introduces what follows (it ends in a colon)."""
    if not governing:
        missing = [m.name for m in facts.models if not m.in_corpus]
        why = ("terms not in the corpus for " + ", ".join(missing)) if missing else "the question names no document the corpus holds"
        return ClauseVerdict(Verdict.UNCLEAR.value, (), False, why, ())
    family = set(governing)
    deployments = {d.value for d in facts.deployments}
    steps: list[ClauseStep] = []
    contributions: list[tuple[Verdict, str, int, bool]] = []  # verdict, clause id, rank, rests on stated facts
    excepted: set[str] = set()
    rows = [(cid, rank, a) for cid, rank in ranked for a in annotations.rows_for(cid)]
    for cid, rank, a in rows:
        if a.effect is Effect.EXCEPTION and triggered(a, facts, family, deployments)[0] == "yes":
            excepted.update(a.exception_to)
    parents = annotations.parents(governing)
    # Ranking near the top says something only when there were many clauses to rank: in a short document every
    # clause is near the top, so there only the stated facts trigger a clause.
    by_wording = (pool if pool is not None else len(ranked)) >= MIN_POOL
    relicensing_allowed = {a.doc_id for _, _, a in rows if a.effect is Effect.GRANT
                           and {"relicensing", "sublicensing"} & set(a.acts_on)}
    for cid, rank, a in rows:
        state, why = triggered(a, facts, family, deployments)
        hit = state == "yes" or (state == "open" and by_wording and rank <= TEXT_RANK and _wording_applies(a, parents, rank))
        if state == "open" and hit:
            why = f"ranked {rank} and {why}"
        verdict: Verdict | None = None
        if a.effect is Effect.INCORPORATION:
            if a.incorporates and a.incorporates not in loaded and state == "yes":
                verdict, why = Verdict.UNCLEAR, f"incorporates {a.incorporates.removeprefix('external:')}, which the corpus lacks"
        elif a.effect is Effect.GRANT:
            if state == "yes" or not a.conditions or (state == "open" and rank <= TEXT_RANK):
                verdict = Verdict.PERMITTED
        elif a.effect is Effect.CONDITION and (cid in parents or cid in lead_ins):
            why = "it leads in to a list; its sub-clauses say what applies"
        elif a.effect in _EFFECT_VERDICT and hit:
            verdict = _EFFECT_VERDICT[a.effect]
            if (verdict is Verdict.CONDITIONAL and facts.target_licence and facts.target_licence != a.doc_id
                    and TRAVELS & set(a.acts_on)
                    and ("use_policy" in a.acts_on or a.doc_id not in relicensing_allowed)):
                # The licence the user wants in its place would drop what this clause makes travel with the model.
                verdict, why = Verdict.NOT_PERMITTED, f"putting it under {facts.target_licence} instead drops what this clause requires"
            if (verdict is Verdict.CONDITIONAL and a.effect is Effect.OBLIGATION and state == "yes"
                    and facts.has("skips_obligation") and SKIPPABLE & set(a.acts_on)):
                # The question says this duty will not be met (a white label, the notice stripped): a breach.
                verdict, why = Verdict.NOT_PERMITTED, "the question says this duty will not be met"
            if cid in excepted and verdict is not Verdict.PERMITTED:
                verdict, why = None, "an exception that applies takes it away"
        steps.append(ClauseStep(cid, rank, a.effect.value, verdict.value if verdict else None, a.gloss, why))
        if verdict is not None:
            contributions.append((verdict, cid, rank, state == "yes"))
    missing_terms = [m.name for m in facts.models if not m.in_corpus and m.role.value != "mentioned"]
    if missing_terms:
        contributions.append((Verdict.UNCLEAR, "", 0, True))
    if not contributions:
        return ClauseVerdict(Verdict.UNCLEAR.value, (), False,
                             "none of the ranked clauses decides this scenario on the facts stated", tuple(steps),
                             ranked=tuple(c for c, _ in ranked))
    verdict = combine([v for v, *_ in contributions])
    deciding = [(cid, rank, on) for v, cid, rank, on in contributions if v is verdict and cid]
    strong = any(on and rank <= STRONG_RANK for _, rank, on in deciding)
    ids = tuple(dict.fromkeys([cid for cid, *_ in sorted(deciding, key=lambda d: d[1])]
                              + [cid for v, cid, *_ in contributions if cid and v is not verdict]))
    if missing_terms and not deciding:
        reason = "terms not in the corpus for " + ", ".join(missing_terms)
    else:
        reason = f"{verdict.value} on " + ", ".join(cid for cid, *_ in deciding[:3])
    return ClauseVerdict(verdict.value, ids, strong, reason, tuple(steps),
                         alternatives(verdict, [cid for cid, *_ in deciding], annotations) if verdict is Verdict.NOT_PERMITTED else (),
                         tuple(c for c, _ in ranked))


def _wording_applies(a: Annotation, parents: set[str], rank: int) -> bool:
    """A clause retrieval ranks at the very top applies on its wording when no stated fact contradicts it: a
    use-policy prohibition (not a lead-in to a list, not a catch-all that matches any question), an obligation whose
    trigger is how the model is shipped when the question does not say, or, ranked first, a threshold or termination."""
    if a.clause_id in parents:
        return False
    if a.effect is Effect.PROHIBITION:
        return "use_categories" in a.acts_on and "copyright" not in a.acts_on and not _CATCH_ALL.search(a.gloss)
    if a.effect is Effect.OBLIGATION:
        return not {"flags", "text_only"} & set(a.conditions)
    return a.effect in (Effect.THRESHOLD, Effect.TERMINATION) and rank == 1


_CATCH_ALL = re.compile(r"\b(?:illegal|unlawful|law|laws|crimes?|criminal)\b", re.I)


def alternatives(verdict: Verdict, deciding: list[str], annotations: AnnotationSet) -> tuple[str, ...]:
    """The lawful routes the text itself offers around the deciding prohibitions: each annotation's `alternative`."""
    out: list[str] = []
    for cid in deciding:
        for a in annotations.rows_for(cid):
            if a.alternative:
                out.append(a.alternative)
    return tuple(dict.fromkeys(out))
