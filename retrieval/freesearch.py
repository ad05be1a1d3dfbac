"""Retrieval that stands on its own: the search the clause-grounded verdict reads and `clausewise eval --search-only`
scores. No rule of the rules table votes in it. What it knows about the scenario comes from the facts the question
states (which documents govern, how the model is changed and shipped, which uses it names) and from the clause
annotations, which say what each clause does and when it is triggered.
"""

from __future__ import annotations

from ingest.annotations import AnnotationSet, Effect
from retrieval.clause_verdict import governing_documents, triggered
from retrieval.scenario import Facts

# Effects whose trigger, once it holds on the stated facts, makes a clause an answer to the scenario. A definition
# or a disclaimer carries no trigger of its own.
VOTING = {Effect.PROHIBITION, Effect.OBLIGATION, Effect.CONDITION, Effect.THRESHOLD, Effect.EXCEPTION,
          Effect.TERMINATION, Effect.INCORPORATION, Effect.GRANT}


def triggered_clauses(facts: Facts, annotations: AnnotationSet, docs: list[str]) -> list[str]:
    """Clause ids of `docs` whose annotation is triggered by the stated facts, in document order."""
    deployments = {d.value for d in facts.deployments}
    family = set(docs)
    out: list[str] = []
    for doc in docs:
        for a in annotations.for_doc(doc):
            if a.effect in VOTING and triggered(a, facts, family, deployments)[0] == "yes":
                out.append(a.clause_id)
    return list(dict.fromkeys(out))


FACETS = True
CHANGES = {"full_finetune", "lora", "quantization", "merge", "continued_pretraining", "rlhf"}


def acted_on(facts: Facts) -> set[str]:
    """What the scenario acts on, in the annotations' `acts_on` vocabulary: the stated method, deployment, flags and
    uses, read as the subjects a clause can govern."""
    out: set[str] = set()
    methods = {m.value for m in facts.methods}
    deployments = {d.value for d in facts.deployments}
    if methods & CHANGES:
        out.add("modification")
    if "distillation" in methods:
        out |= {"training_other_models", "outputs"}
    if deployments & {"weights_release", "on_device"}:
        out |= {"distribution", "licence_copy", "notices"}
    if "hosted" in deployments:
        out.add("hosting")
    if "internal" in deployments:
        out.add("use")
    if "acquisition" in deployments:
        out.add("assignment")
    flags = set(facts.flags)
    for flag, subjects in FLAG_SUBJECTS.items():
        if flag in flags:
            out |= subjects
    if facts.target_licence:
        out |= {"relicensing", "sublicensing"}
    if facts.use_cases:
        out.add("use_categories")
    if facts.mau is not None or facts.revenue is not None:
        out.add("scale")
    return out


FLAG_SUBJECTS = {"outputs": {"outputs", "ownership"}, "ownership": {"ownership"}, "commercial": {"commercial_use"},
                 "naming": {"naming"}, "notice": {"notices"}, "other_model": {"training_other_models"},
                 "competing": {"training_other_models"}, "termination": {"termination"},
                 "litigation": {"litigation", "patents"}, "trademark": {"trademark"}, "export": {"export"},
                 "warranty": {"warranty", "liability"}, "safety_removal": {"safety", "technical_measures"},
                 "assign_licence": {"assignment"}}


def facet_clauses(facts: Facts, annotations: AnnotationSet, docs: list[str]) -> dict[str, int]:
    """Clause ids of `docs` whose annotation acts on what the scenario acts on, with how many of those subjects."""
    wanted = acted_on(facts)
    out: dict[str, int] = {}
    if not wanted:
        return out
    for doc in docs:
        for a in annotations.for_doc(doc):
            shared = len(wanted & set(a.acts_on))
            if shared and a.effect is not Effect.DISCLAIMER:
                out[a.clause_id] = max(out.get(a.clause_id, 0), shared)
    return out


def scope(facts: Facts, annotations: AnnotationSet | None, loaded: set[str]) -> list[str]:
    """The documents a steered rule-free search reads: the governing documents and those they incorporate. (Another
    dated version of the same terms is not searched: a hit names its word-for-word twin there, `same_in`; searching
    both measured lower, the twins crowding each other out of the top five.)"""
    if annotations is None:
        return [d for d in facts.documents if d in loaded]
    return governing_documents(facts, annotations, loaded)


def rule_free_search(searcher, annotations: AnnotationSet | None, facts: Facts, text: str, k: int, *,
                     steered: bool = True, scores=None, docs: list[str] | None = None):
    """Hybrid search with the clause-annotation vote and no rules vote; `steered` restricts it to the scenario's
    documents (`docs` when the caller already resolved them). Unsteered, the same provision repeated in other versions
    of the terms is moved down (see `Searcher.search`); steered, the scope holds only the versions the facts
    resolve, and where a model is described by two versions both stay, so the reader sees each."""
    loaded = set(searcher.corpus.documents)
    if steered:
        docs = docs if docs is not None else scope(facts, annotations, loaded)
    else:
        docs = []
    voted_docs = docs or [d for d, doc in searcher.corpus.documents.items() if doc.spec.is_primary]
    annotated = triggered_clauses(facts, annotations, voted_docs) if annotations is not None else []
    facets = facet_clauses(facts, annotations, voted_docs) if annotations is not None and FACETS else {}
    return searcher.search(text, k=k, doc_ids=docs or None, steer=False, scores=scores, annotated=annotated,
                           facets=facets,
                           distinct_versions=not steered)
