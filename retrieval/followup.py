"""Follow-up questions: facts a question leaves unsaid are carried over from the previous question's scenario.

"And if we only serve it through an API?" names no model and no method, so it keeps the model, governing documents and
method of the question before, and only the deployment changes. A question that names a model or a licence of its own
starts a new scenario and carries nothing. Every carried fact is reported (`CarriedFact`) so the reader sees it and can
drop it; a dropped field keeps what the follow-up itself said (or "not stated").
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from retrieval.scenario import Facts, Method

# The fields a follow-up can inherit, in the order they are shown.
FIELDS = ("models", "methods", "deployments", "target_licence", "datasets", "mau", "revenue", "eu")


@dataclass(frozen=True)
class CarriedFact:
    field: str  # one of FIELDS
    values: tuple[str, ...]  # model names, method / deployment values, a licence id, a number as text, "yes"/"no"


def names_own_scenario(facts: Facts) -> bool:
    """True when the question names a model or a governing licence itself (a target or a dataset licence does not
    count: "and under Apache 2.0?" is still about the previous model)."""
    own = set(facts.licences) - {facts.target_licence} - set(facts.datasets)
    return bool(facts.models or own)


def _method_unstated(facts: Facts) -> bool:
    # The scenario reader falls back to plain use when no method is named.
    return tuple(facts.methods) in ((), (Method.PLAIN_USE,))


def carry_over(previous: Facts | None, current: Facts, *,
               dropped: frozenset[str] = frozenset()) -> tuple[Facts, tuple[CarriedFact, ...]]:
    """`current` with what it leaves unsaid taken from `previous`, and the list of what was taken."""
    if previous is None or names_own_scenario(current):
        return current, ()
    out, carried = current, []
    unknown = list(current.unknown)

    def take(name: str, values: tuple[str, ...], **changes) -> None:
        nonlocal out
        if name in dropped or not values:
            return
        out = replace(out, **changes)
        carried.append(CarriedFact(name, values))

    if previous.models or previous.licences:
        own = tuple(d for d in previous.licences if d != previous.target_licence and d not in previous.datasets)
        take("models", tuple(m.name for m in previous.models) or own, models=previous.models,
             documents=previous.documents, licences=tuple(dict.fromkeys(own + current.licences)),
             multimodal=previous.multimodal if current.multimodal is None else current.multimodal)
        if "models" not in dropped:
            unknown = [u for u in unknown if u != "models"]
    if _method_unstated(current) and not _method_unstated(previous):
        take("methods", tuple(m.value for m in previous.methods), methods=previous.methods)
    deployments_carried = False
    if not current.deployments and previous.deployments:
        take("deployments", tuple(d.value for d in previous.deployments), deployments=previous.deployments)
        if "deployments" not in dropped:
            unknown = [u for u in unknown if u != "deployment"]
            deployments_carried = True
    # A target licence belongs to a release plan: a follow-up that states a new way of shipping drops it.
    if current.target_licence is None and previous.target_licence is not None and (deployments_carried
                                                                                    or not current.deployments):
        take("target_licence", (previous.target_licence,), target_licence=previous.target_licence)
    if not current.datasets and previous.datasets:
        take("datasets", previous.datasets, datasets=previous.datasets)
    if current.mau is None and previous.mau is not None:
        take("mau", (str(previous.mau),), mau=previous.mau)
    if current.revenue is None and previous.revenue is not None:
        take("revenue", (str(previous.revenue),), revenue=previous.revenue)
    if current.eu is None and previous.eu is not None:
        take("eu", ("yes" if previous.eu else "no",), eu=previous.eu)
    if not carried:
        return current, ()
    return replace(out, unknown=tuple(unknown)), tuple(carried)
