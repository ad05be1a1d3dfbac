"""Answers for the UI: a question as asked, or re-run on facts the user corrected.

`Engine.answer(question, k)` reads the facts from the question itself; when the user corrects them in the
"Facts as understood" panel, `Engine.answer(question, k, facts=...)` answers from the corrected facts instead.
"""

from __future__ import annotations

from dataclasses import replace

from retrieval.answer import Answer
from retrieval.rules import TARGETS
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


def answer_with_facts(engine, question: str, facts: Facts, k: int = 5) -> Answer:
    """The Answer `engine` gives for `question` when its facts are `facts` (the user's corrected reading)."""
    return engine.answer(question, k=k, facts=facts)
