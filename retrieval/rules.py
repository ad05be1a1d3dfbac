"""The rules table (`corpus/rules.toml`): deterministic verdicts on Facts, each grounded in clause ids.

A rule fires when every condition it states holds (conditions it does not state are ignored). The combined verdict is
the most restrictive verdict among the rules that fired.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from ingest.errors import ConfigError
from ingest.settings import CORPUS_DIR
from retrieval.scenario import USE_CASES, Deployment, Facts, Method, Role, FLAG_PATTERNS

RULES = CORPUS_DIR / "rules.toml"


class Verdict(str, Enum):
    PERMITTED = "permitted"
    CONDITIONAL = "conditional"
    UNCLEAR = "unclear"
    NOT_PERMITTED = "not_permitted"

    @property
    def severity(self) -> int:
        return {"permitted": 0, "conditional": 1, "unclear": 2, "not_permitted": 3}[self.value]


def combine(verdicts: list[Verdict]) -> Verdict:
    """Most restrictive wins: not_permitted > unclear > conditional > permitted; nothing fired means unclear."""
    return max(verdicts, key=lambda v: v.severity) if verdicts else Verdict.UNCLEAR


DISTRIBUTING = {Deployment.WEIGHTS_RELEASE.value, Deployment.ON_DEVICE.value}
TARGETS = {"mit", "apache-2.0", "cc-by-sa-4.0", "proprietary"}
LIST_KEYS = {
    "docs": None, "roles": {r.value for r in Role}, "methods": {m.value for m in Method},
    "deployments": {d.value for d in Deployment}, "not_deployments": {d.value for d in Deployment},
    "use_cases": set(USE_CASES), "flags": set(FLAG_PATTERNS), "not_flags": set(FLAG_PATTERNS),
    "targets": TARGETS, "datasets": None, "not_methods": {m.value for m in Method},
}
BOOL_KEYS = {"distributes", "eu", "multimodal", "other_model", "not_in_corpus", "models_known", "has_target"}
INT_KEYS = {"mau_over", "mau_at_most", "revenue_over", "revenue_at_most"}


@dataclass(frozen=True)
class Rule:
    id: str
    verdict: Verdict
    statement: str
    clauses: tuple[str, ...]
    when: dict[str, Any]
    priority: int = 0

    def fires(self, facts: Facts) -> bool:
        return all(_holds(key, value, facts, self) for key, value in self.when.items())


def _governed_by(facts: Facts, docs: list[str]) -> list:
    return [m for m in facts.models if any(d in docs for d in m.documents)]


def _holds(key: str, value: Any, facts: Facts, rule: Rule) -> bool:
    deployments = {d.value for d in facts.deployments}
    docs = rule.when.get("docs", [])
    if key == "docs":
        return any(d in facts.documents for d in value)
    if key == "roles":
        models = _governed_by(facts, docs) if docs else list(facts.models)
        return any(m.role.value in value for m in models)
    if key == "methods":
        return any(m.value in value for m in facts.methods)
    if key == "not_methods":
        return not any(m.value in value for m in facts.methods)
    if key == "deployments":
        return bool(deployments & set(value))
    if key == "not_deployments":
        return not deployments & set(value)
    if key == "distributes":
        return bool(deployments & DISTRIBUTING) == value
    if key == "use_cases":
        return any(u in facts.use_cases for u in value)
    if key == "flags":
        return all(f in facts.flags for f in value)
    if key == "not_flags":
        return not any(f in facts.flags for f in value)
    if key == "targets":
        return facts.target_licence in value
    if key == "has_target":
        return (facts.target_licence is not None) == value
    if key == "datasets":
        return any(d in facts.datasets for d in value)
    if key == "mau_over":
        return facts.mau is not None and facts.mau > value
    if key == "mau_at_most":
        return facts.mau is not None and facts.mau <= value
    if key == "revenue_over":
        return facts.revenue is not None and facts.revenue > value
    if key == "revenue_at_most":
        return facts.revenue is None or facts.revenue <= value
    if key == "eu":
        return facts.eu is value
    if key == "multimodal":
        governed = _governed_by(facts, docs) if docs else list(facts.models)
        return any(m.multimodal for m in governed) == value if governed else (bool(facts.multimodal) == value)
    if key == "other_model":
        # Another model (not governed by the rule's documents) is being trained or improved.
        others = [m for m in facts.models if not any(d in docs for d in m.documents)]
        trains_own = facts.has("from_scratch") or facts.has("other_model")
        return (bool(others) or trains_own) == value
    if key == "not_in_corpus":
        return any(not m.in_corpus for m in facts.models) == value
    if key == "models_known":
        return bool(facts.models or facts.licences) == value
    raise ConfigError(f"rule {rule.id}: unknown condition {key!r}")


@dataclass(frozen=True)
class RuleTable:
    rules: tuple[Rule, ...]

    @classmethod
    def load(cls, path: Path | None = None, known_clause_ids: set[str] | None = None,
             known_doc_ids: set[str] | None = None) -> "RuleTable":
        """Read and validate; a ConfigError lists every bad row."""
        path = path or RULES
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"Cannot read the rules table {path}: {exc}") from exc
        rules, problems = [], []
        for n, row in enumerate(data.get("rule", []), 1):
            rule, errs = _parse(n, row)
            problems.extend(errs)
            if rule:
                rules.append(rule)
        table = cls(tuple(rules))
        problems.extend(table.validate(known_clause_ids, known_doc_ids))
        if problems:
            raise ConfigError(f"The rules table {path} has {len(problems)} problem(s):\n  - " + "\n  - ".join(problems))
        return table

    def validate(self, known_clause_ids: set[str] | None = None, known_doc_ids: set[str] | None = None) -> list[str]:
        problems = []
        seen: set[str] = set()
        for rule in self.rules:
            if rule.id in seen:
                problems.append(f"rule {rule.id}: id used twice")
            seen.add(rule.id)
            if known_clause_ids is not None:
                loaded = {c.split(":", 1)[0] for c in known_clause_ids}
                for cid in rule.clauses:
                    # Documents that could not be loaded are reported by `clausewise corpus`, not here.
                    if cid.split(":", 1)[0] in loaded and cid not in known_clause_ids:
                        problems.append(f"rule {rule.id}: unknown clause id {cid!r}")
                for doc in rule.when.get("docs", []):
                    if known_doc_ids is not None and doc not in known_doc_ids:
                        problems.append(f"rule {rule.id}: unknown document {doc!r} in docs")
            w = rule.when
            if w.get("distributes") is True and set(w.get("deployments", [])) and not set(w["deployments"]) & DISTRIBUTING:
                problems.append(f"rule {rule.id}: unreachable (distributes = true but deployments has no distributing value)")
            if set(w.get("deployments", [])) & set(w.get("not_deployments", [])) == set(w.get("deployments", [])) and w.get("deployments"):
                problems.append(f"rule {rule.id}: unreachable (every deployment it needs is also excluded)")
            if set(w.get("flags", [])) & set(w.get("not_flags", [])):
                problems.append(f"rule {rule.id}: unreachable (a flag is both required and excluded)")
        return problems

    def evaluate(self, facts: Facts) -> list[Rule]:
        fired = [r for r in self.rules if r.fires(facts)]
        # A rule may name rules it overrides (a specific exception beats the general rule it refines).
        overridden = {o for r in fired for o in r.when.get("_overrides", [])}
        return [r for r in fired if r.id not in overridden]


def _parse(n: int, row: dict) -> tuple[Rule | None, list[str]]:
    where = f"rule #{n} ({row.get('id', '?')})"
    problems = []
    for key in ("id", "verdict", "statement", "clauses", "when"):
        if key not in row:
            problems.append(f"{where}: missing field {key!r}")
    if problems:
        return None, problems
    try:
        verdict = Verdict(row["verdict"])
    except ValueError:
        problems.append(f"{where}: verdict {row['verdict']!r} is not one of {[v.value for v in Verdict]}")
        verdict = Verdict.UNCLEAR
    when = dict(row["when"])
    if "overrides" in row:
        when["_overrides"] = list(row["overrides"])
    for key, value in row["when"].items():
        if key in LIST_KEYS:
            if not isinstance(value, list) or not value:
                problems.append(f"{where}: condition {key!r} must be a non-empty list")
                continue
            allowed = LIST_KEYS[key]
            bad = [v for v in value if allowed is not None and v not in allowed]
            if bad:
                problems.append(f"{where}: {key} has unknown value(s) {bad}; valid: {sorted(allowed)}")
        elif key in BOOL_KEYS:
            if not isinstance(value, bool):
                problems.append(f"{where}: condition {key!r} must be true or false")
        elif key in INT_KEYS:
            if not isinstance(value, int):
                problems.append(f"{where}: condition {key!r} must be a whole number")
        else:
            valid = sorted(set(LIST_KEYS) | BOOL_KEYS | INT_KEYS)
            problems.append(f"{where}: unknown condition {key!r}; valid conditions: {valid}")
    if not row["clauses"] and verdict is not Verdict.UNCLEAR:
        problems.append(f"{where}: a {verdict.value} rule must cite at least one clause")
    rule = Rule(row["id"], verdict, row["statement"], tuple(row["clauses"]), when, int(row.get("priority", 0)))
    return rule, problems
