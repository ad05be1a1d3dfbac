"""Answers back from their JSON (`Answer.to_json()`), for saved conversations.

Unknown keys are ignored and missing ones take their defaults, so an answer stored by an older or newer clausewise
still opens; anything that cannot be read raises ValueError, which the caller shows as an unreadable stored answer.
"""

from __future__ import annotations

from dataclasses import MISSING, fields
from typing import Any

from retrieval.answer import Answer, Assumption, Branch, Choice, Citation, Clarify, CrossCheck, Finding
from retrieval.clause_verdict import ClauseStep, ClauseVerdict
from retrieval.obligations import Obligation, ObligationKind
from retrieval.quotes import Span
from retrieval.scenario import Deployment, Facts, Method, ModelRef, Role
from retrieval.textq import text_question_from_json


def _kwargs(cls, data: dict[str, Any], **nested) -> dict[str, Any]:
    out = {}
    for f in fields(cls):
        if f.name in nested:
            out[f.name] = nested[f.name]
        elif f.name in data:
            value = data[f.name]
            out[f.name] = tuple(value) if isinstance(value, list) else value
        elif f.default is MISSING and f.default_factory is MISSING:  # type: ignore[misc]
            raise ValueError(f"stored {cls.__name__} lacks {f.name!r}")
    return out


def facts_from_json(data: dict[str, Any]) -> Facts:
    try:
        models = tuple(ModelRef(**{**_kwargs(ModelRef, m), "role": Role(m["role"])}) for m in data.get("models", []))
        return Facts(**_kwargs(Facts, data, models=models,
                               methods=tuple(Method(m) for m in data.get("methods", [])),
                               deployments=tuple(Deployment(d) for d in data.get("deployments", []))))
    except (KeyError, TypeError) as exc:
        raise ValueError(f"stored facts cannot be read: {exc}") from exc


def _citation(c: dict[str, Any]) -> Citation:
    return Citation(**_kwargs(Citation, c, lead_in=tuple(Span(**_kwargs(Span, x)) for x in c.get("lead_in", []))))


def _finding(f: dict[str, Any]) -> Finding:
    return Finding(**_kwargs(Finding, f))


def _branch(b: dict[str, Any]) -> Branch:
    return Branch(**_kwargs(Branch, b, assumption=Assumption(**_kwargs(Assumption, b["assumption"])),
                            findings=tuple(_finding(f) for f in b.get("findings", []))))


def _clarify(c: dict[str, Any] | None) -> Clarify | None:
    if not c:
        return None
    return Clarify(**_kwargs(Clarify, c, choices=tuple(Choice(**_kwargs(Choice, x)) for x in c.get("choices", []))))


def _obligation(o: dict[str, Any]) -> Obligation:
    return Obligation(**_kwargs(Obligation, o, kind=ObligationKind(o["kind"])))


def _clause_verdict(c: dict[str, Any] | None) -> ClauseVerdict | None:
    if not c:
        return None
    return ClauseVerdict(**_kwargs(ClauseVerdict, c, steps=tuple(ClauseStep(**_kwargs(ClauseStep, s))
                                                                   for s in c.get("steps", []))))


def answer_from_json(data: dict[str, Any]) -> Answer:
    try:
        nested = {
            "branches": tuple(_branch(b) for b in data.get("branches", [])),
            "clarify": _clarify(data.get("clarify")),
            "obligations": tuple(_obligation(o) for o in data.get("obligations", [])),
            "clause_verdict": _clause_verdict(data.get("clause_verdict")),
            "facts": facts_from_json(data.get("facts", {})),
            "findings": tuple(_finding(f) for f in data.get("findings", [])),
            "citations": tuple(_citation(c) for c in data.get("citations", [])),
            "background": tuple(_citation(c) for c in data.get("background", [])),
            "text_question": text_question_from_json(data.get("text_question")),
            "cross_check": CrossCheck(**_kwargs(CrossCheck, data.get("cross_check", {"agrees": True, "notes": []}))),
        }
        return Answer(**_kwargs(Answer, data, **nested))
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"stored answer cannot be read: {exc}") from exc
