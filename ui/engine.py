"""Answers for the UI: a question as asked, or re-run on facts the user corrected.

`Engine.answer(question, k)` reads the facts from the question itself. When the user corrects the facts in the
"Facts as understood" panel, the verdict and the citations must follow the corrected facts, so `answer_with_facts`
composes an Answer from given Facts. If the engine grows an `answer(..., facts=...)` override it is used as is;
until then the composition below mirrors `Engine.answer` step for step after its fact-reading step (rules, unloaded
documents, search restricted to the scenario documents, rule-first citation order, cross-check, background, summary).
"""

from __future__ import annotations

import inspect
import time
from dataclasses import replace

from retrieval.answer import Answer, Finding, _summary, _tokens, clean_question
from retrieval.rules import TARGETS, combine
from retrieval.scenario import Deployment, Facts, Method

METHOD_LABELS: dict[str, str] = {
    Method.FULL_FINETUNE.value: "Full fine-tune / SFT",
    Method.LORA.value: "LoRA / adapters (PEFT)",
    Method.QUANTIZATION.value: "Quantization / format conversion",
    Method.MERGE.value: "Model merge",
    Method.DISTILLATION.value: "Distillation / training on outputs",
    Method.CONTINUED_PRETRAINING.value: "Continued pre-training",
    Method.RLHF.value: "RLHF / DPO / judge or reward model",
    Method.PLAIN_USE.value: "Plain use (no training)",
}
DEPLOYMENT_LABELS: dict[str, str] = {
    Deployment.INTERNAL.value: "Internal use only",
    Deployment.WEIGHTS_RELEASE.value: "Weights released / distributed",
    Deployment.HOSTED.value: "Hosted service or API",
    Deployment.ON_DEVICE.value: "Shipped on device / in an app",
    Deployment.ACQUISITION.value: "Acquisition or transfer",
    Deployment.END_USER.value: "End user of someone else's product",
}
TARGET_LABELS: dict[str | None, str] = {None: "None stated", **{t: t for t in sorted(TARGETS)}}
EU_LABELS: dict[str, str] = {"unknown": "Not stated", "yes": "Yes (EU/EEA)", "no": "No"}


def eu_key(value: bool | None) -> str:
    return "unknown" if value is None else ("yes" if value else "no")


def eu_value(key: str) -> bool | None:
    return {"unknown": None, "yes": True, "no": False}[key]


def _labels(values, labels: dict) -> str:
    return ", ".join(labels.get(v, v) for v in values) or "none"


def _ordered(current: tuple, enum, chosen: list[str]) -> tuple:
    """The chosen values: those already in the facts keep their order, new ones follow in the enum's order."""
    wanted = set(chosen)
    kept = [v for v in current if v.value in wanted]
    return tuple(kept + [v for v in enum if v.value in wanted and v not in kept])


def correct_facts(facts: Facts, *, methods: list[str], deployments: list[str], eu: bool | None,
                  target_licence: str | None, mau: int | None) -> tuple[Facts, list[str]]:
    """Facts with the user's corrections applied, and one line per change (empty when nothing changed)."""
    if target_licence is not None and target_licence not in TARGETS:
        raise ValueError(f"unknown target licence {target_licence!r}")
    new_methods = _ordered(facts.methods, Method, methods) or (Method.PLAIN_USE,)
    new_deployments = _ordered(facts.deployments, Deployment, deployments)
    unknown = [u for u in facts.unknown if u != "deployment"]
    if not new_deployments:
        unknown.append("deployment")
    corrected = replace(facts, methods=new_methods, deployments=new_deployments, eu=eu, target_licence=target_licence,
                        mau=mau, unknown=tuple(unknown))
    changes = []
    old_m, new_m = [m.value for m in facts.methods], [m.value for m in new_methods]
    if set(old_m) != set(new_m):
        changes.append(f"method: {_labels(old_m, METHOD_LABELS)} \u2192 {_labels(new_m, METHOD_LABELS)}")
    old_d, new_d = [d.value for d in facts.deployments], [d.value for d in new_deployments]
    if set(old_d) != set(new_d):
        changes.append(f"deployment: {_labels(old_d, DEPLOYMENT_LABELS)} \u2192 {_labels(new_d, DEPLOYMENT_LABELS)}")
    if facts.eu != eu:
        changes.append(f"EU: {EU_LABELS[eu_key(facts.eu)]} \u2192 {EU_LABELS[eu_key(eu)]}")
    if facts.target_licence != target_licence:
        changes.append(f"target licence: {TARGET_LABELS.get(facts.target_licence, facts.target_licence)} \u2192 "
                       f"{TARGET_LABELS.get(target_licence, target_licence)}")
    if facts.mau != mau:
        changes.append(f"monthly active users: {facts.mau if facts.mau is not None else 'not stated'} \u2192 "
                       f"{mau if mau is not None else 'not stated'}")
    return corrected, changes


def engine_takes_facts(engine) -> bool:
    try:
        return "facts" in inspect.signature(engine.answer).parameters
    except (TypeError, ValueError):
        return False


def answer_with_facts(engine, question: str, facts: Facts, k: int = 5) -> Answer:
    """The Answer `engine` gives for `question` when its facts are `facts` (the user's corrected reading)."""
    if engine_takes_facts(engine):
        return engine.answer(question, k=k, facts=facts)
    t0 = time.perf_counter()
    text, notes = clean_question(question)
    fired = engine.rules.evaluate(facts)
    unloaded = sorted({c.split(":", 1)[0] for r in fired for c in r.clauses} - set(engine.corpus.documents))
    if unloaded:
        fired = [r for r in fired if not {c.split(":", 1)[0] for c in r.clauses} & set(unloaded)]
        notes.append("Governing documents not loaded (see `clausewise corpus`): " + ", ".join(unloaded) + ".")
    verdict = combine([r.verdict for r in fired])
    scenario_docs = [d for d in facts.documents if d in engine.corpus.documents]
    hits = engine.searcher.search(text, k=max(k, 8), doc_ids=scenario_docs or None)
    retrieved = {h.clause_id: h for h in hits}
    terms = _tokens(text)
    ordered: list[tuple[str, float]] = []
    by_severity = sorted(fired, key=lambda r: -r.verdict.severity)
    for depth in range(max((len(r.clauses) for r in fired), default=0)):
        for rule in by_severity:
            if depth < len(rule.clauses) and rule.clauses[depth] not in [c for c, _ in ordered]:
                cid = rule.clauses[depth]
                ordered.append((cid, retrieved[cid].score if cid in retrieved else 0.0))
    for h in hits:
        if h.clause_id not in [c for c, _ in ordered]:
            ordered.append((h.clause_id, h.score))
    limit = max(k, sum(len(r.clauses) for r in fired))
    rule_terms = terms | _tokens(" ".join(r.statement for r in fired))
    citations = tuple(replace(engine._citation(cid, score, rule_terms), rank=i)
                      for i, (cid, score) in enumerate(ordered[:limit], 1))
    cross = engine._cross_check(text, facts, fired, verdict, hits, scenario_docs, notes)
    background = engine._background(text, terms)
    findings = tuple(Finding(r.id, r.verdict.value, r.statement, r.clauses) for r in fired)
    summary = _summary(verdict, fired, facts, scenario_docs)
    return Answer(question=text, verdict=verdict.value, summary=summary, facts=facts, findings=findings,
                  citations=citations, cross_check=cross, background=background,
                  latency_ms=round((time.perf_counter() - t0) * 1000, 1))
