"""Answers for the UI: a question as asked, or re-run on facts the user corrected.

`Engine.answer(question, k)` reads the facts from the question itself; when the user corrects them in the
"Facts as understood" panel, `Engine.answer(question, k, facts=...)` answers from the corrected facts instead.
"""

from __future__ import annotations

from dataclasses import replace

from retrieval.answer import Answer
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
TARGET_LABELS: dict[str | None, str] = {None: "Keep the base terms (no other licence)",
                                         "proprietary": "Our own / proprietary licence"}


def target_label(value: str | None) -> str:
    return TARGET_LABELS.get(value, value)


def target_options(corpus) -> list[str | None]:
    """Every licence the corpus holds (standard and model licences), plus "keep the base terms" and proprietary."""
    from ingest.sources import DocKind

    kinds = (DocKind.LICENCE, DocKind.TERMS)
    docs = [d for d, doc in corpus.documents.items() if doc.spec.is_primary and doc.spec.kind in kinds]
    return [None, "proprietary"] + sorted(docs)
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


class _Keep:
    def __repr__(self) -> str:
        return "KEEP"


KEEP = _Keep()  # an edit not given: the fact stays as read
EXCLUSIVE_METHODS = {Method.PLAIN_USE.value}  # "no training" cannot go with any training method
EXCLUSIVE_DEPLOYMENTS = {Deployment.END_USER.value: {Deployment.ACQUISITION.value}}  # a mere end user ships nothing


def exclusive(previous: list[str], chosen: list[str], exclusive_values: dict[str, set[str]]) -> list[str]:
    """The chosen values with contradictions resolved in favour of what was just picked: picking "plain use" clears
    every training method, picking a training method clears "plain use"."""
    added = [v for v in chosen if v not in previous]
    for v in added:
        if v in exclusive_values:
            return [c for c in chosen if c == v or c in exclusive_values[v]]
    blockers = [v for v in chosen if v in exclusive_values]
    if added and blockers:
        return [c for c in chosen if c not in blockers or any(a in exclusive_values[c] for a in added)]
    return chosen


def contradictions(methods: list[str], deployments: list[str]) -> list[str]:
    """What cannot be true together (shown, and the re-run refused, until it is resolved)."""
    problems = []
    if Method.PLAIN_USE.value in methods and len(methods) > 1:
        problems.append("\u201cPlain use (no training)\u201d cannot go with a training method; keep one or the other.")
    if Deployment.END_USER.value in deployments and set(deployments) - {Deployment.END_USER.value,
                                                                         Deployment.ACQUISITION.value}:
        problems.append("An end user of someone else\u2019s product does not also host or ship the model.")
    return problems


def _num(v: int | None) -> str:
    return f"{v:,}" if v is not None else "not stated"


def _tri(v: bool | None) -> str:
    return "not stated" if v is None else ("yes" if v else "no")


def correct_facts(facts: Facts, *, models=KEEP, documents=KEEP, licences=KEEP, methods=KEEP, deployments=KEEP,
                  eu=KEEP, target_licence=KEEP, datasets=KEEP, mau=KEEP, revenue=KEEP, use_cases=KEEP, flags=KEEP,
                  multimodal=KEEP) -> tuple[Facts, list[str]]:
    """Facts with the user's corrections applied, and one line per change (empty when nothing changed).

    `models` is a tuple of ModelRef (roles included); list-valued facts take lists of values; KEEP leaves one as read.
    """
    chosen_methods = [m.value for m in facts.methods] if methods is KEEP else list(methods)
    chosen_deps = [d.value for d in facts.deployments] if deployments is KEEP else list(deployments)
    problems = contradictions(chosen_methods, chosen_deps)
    if problems:
        raise ValueError(" ".join(problems))
    new_methods = _ordered(facts.methods, Method, chosen_methods) or (Method.PLAIN_USE,)
    new_deployments = _ordered(facts.deployments, Deployment, chosen_deps)
    new = {
        "models": facts.models if models is KEEP else tuple(models),
        "documents": facts.documents if documents is KEEP else tuple(documents),
        "licences": facts.licences if licences is KEEP else tuple(licences),
        "methods": new_methods, "deployments": new_deployments,
        "eu": facts.eu if eu is KEEP else eu,
        "target_licence": facts.target_licence if target_licence is KEEP else target_licence,
        "datasets": facts.datasets if datasets is KEEP else tuple(datasets),
        "mau": facts.mau if mau is KEEP else mau,
        "revenue": facts.revenue if revenue is KEEP else revenue,
        "use_cases": facts.use_cases if use_cases is KEEP else tuple(use_cases),
        "flags": facts.flags if flags is KEEP else tuple(flags),
        "multimodal": facts.multimodal if multimodal is KEEP else multimodal,
    }
    unknown = [u for u in facts.unknown if u not in ("deployment", "models")]
    if not new["models"] and not new["licences"]:
        unknown.insert(0, "models")
    if not new_deployments:
        unknown.append("deployment")
    corrected = replace(facts, **new, unknown=tuple(unknown))
    changes = []

    def listed(name: str, old, new_, fmt=lambda v: v) -> None:
        if set(old) != set(new_):
            changes.append(f"{name}: {', '.join(fmt(v) for v in old) or 'none'} \u2192 "
                           f"{', '.join(fmt(v) for v in new_) or 'none'}")

    def model_label(m) -> str:
        return f"{m.name} ({m.role.value.replace('_', ' ')})"

    listed("models", facts.models, new["models"], model_label)
    listed("governing documents", facts.documents, new["documents"])
    listed("licences named", facts.licences, new["licences"])
    listed("method", [m.value for m in facts.methods], [m.value for m in new_methods], lambda v: METHOD_LABELS.get(v, v))
    listed("deployment", [d.value for d in facts.deployments], [d.value for d in new_deployments],
           lambda v: DEPLOYMENT_LABELS.get(v, v))
    if facts.target_licence != new["target_licence"]:
        changes.append(f"target licence: {target_label(facts.target_licence)} \u2192 {target_label(new['target_licence'])}")
    listed("datasets", facts.datasets, new["datasets"])
    if facts.mau != new["mau"]:
        changes.append(f"monthly active users: {_num(facts.mau)} \u2192 {_num(new['mau'])}")
    if facts.revenue != new["revenue"]:
        changes.append(f"annual revenue (USD): {_num(facts.revenue)} \u2192 {_num(new['revenue'])}")
    if facts.eu != new["eu"]:
        changes.append(f"EU: {EU_LABELS[eu_key(facts.eu)]} \u2192 {EU_LABELS[eu_key(new['eu'])]}")
    listed("use cases", facts.use_cases, new["use_cases"], lambda v: v.replace("_", " "))
    listed("flags", facts.flags, new["flags"], lambda v: v.replace("_", " "))
    if facts.multimodal != new["multimodal"]:
        changes.append(f"multimodal: {_tri(facts.multimodal)} \u2192 {_tri(new['multimodal'])}")
    return corrected, changes


def outcome_changes(old: Answer, new: Answer) -> list[str]:
    """What the re-run changed in the answer: the verdict, the rules that fired, the clauses cited."""
    out = []
    if old.verdict != new.verdict:
        out.append(f"verdict: {old.verdict} \u2192 {new.verdict}")
    old_rules = list(dict.fromkeys(f.rule_id for f in old.findings))
    new_rules = list(dict.fromkeys(f.rule_id for f in new.findings))
    added = [r for r in new_rules if r not in old_rules]
    gone = [r for r in old_rules if r not in new_rules]
    if added:
        out.append("rules now applying: " + ", ".join(added))
    if gone:
        out.append("rules no longer applying: " + ", ".join(gone))
    old_c, new_c = [c.clause_id for c in old.citations], [c.clause_id for c in new.citations]
    if [c for c in new_c if c not in old_c]:
        out.append("newly cited: " + ", ".join(c for c in new_c if c not in old_c))
    if not out:
        out.append("the verdict, the rules that apply and the clauses cited are the same")
    return out


def answer_with_facts(engine, question: str, facts: Facts, k: int = 5) -> Answer:
    """The Answer `engine` gives for `question` when its facts are `facts` (the user's corrected reading)."""
    return engine.answer(question, k=k, facts=facts)
