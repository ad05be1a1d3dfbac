"""The rules table (`corpus/rules/*.toml`): deterministic verdicts on Facts, each legal idea stated once.

A rule names the facts it tests (`when`) and, per governing document, the clauses that ground it (`grounds`): the
Llama training ban is one rule grounded in `llama-2-license:1.b.v` and `llama-3-license:1.b.v`, and absent for the
versions that dropped it. A rule fires once for every governing document of the scenario that it has grounds in.
Use-policy rules carry a `policy` map instead of listing every prohibited use: the clause that forbids the use comes
from the category table (`use-policies.toml`). The combined verdict is the most restrictive among the firings.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path
from typing import Any, Mapping

from ingest.errors import ConfigError
from ingest.settings import CORPUS_DIR
from retrieval.scenario import FLAG_PATTERNS, Deployment, Facts, Method, Role
from retrieval.usecases import USE_POLICIES, UseCategories, parse_categories

RULES_DIR = CORPUS_DIR / "rules"


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
TARGETS = {"mit", "apache-2.0", "cc-by-sa-4.0", "cc-by-4.0", "cc-by-nc-4.0", "proprietary"}
LIST_KEYS: dict[str, set[str] | None] = {
    "roles": {r.value for r in Role}, "methods": {m.value for m in Method},
    "deployments": {d.value for d in Deployment}, "not_deployments": {d.value for d in Deployment},
    "use_cases": None, "not_use_cases": None, "flags": set(FLAG_PATTERNS), "not_flags": set(FLAG_PATTERNS),
    "targets": TARGETS, "datasets": None, "not_methods": {m.value for m in Method},
}
BOOL_KEYS = {"distributes", "eu", "multimodal", "other_model", "not_in_corpus", "models_known", "has_target", "use_stated", "missing_document"}
INT_KEYS = {"mau_over", "mau_at_most", "product_mau_over", "product_mau_at_most", "revenue_over", "revenue_at_most"}
STR_KEYS = {"name_lacks"}
# Which fact of a scenario each condition reads: the branches of an answer are built over the deciding facts a
# question leaves open.
DECIDES = {"deployments": "deployment", "not_deployments": "deployment", "distributes": "deployment",
           "mau_over": "mau", "mau_at_most": "mau", "product_mau_over": "mau", "product_mau_at_most": "mau", "revenue_over": "revenue", "revenue_at_most": "revenue",
           "eu": "eu", "multimodal": "multimodal", "targets": "target", "has_target": "target",
           "methods": "method", "not_methods": "method", "roles": "roles", "other_model": "roles",
           "use_cases": "use", "not_use_cases": "use", "flags": "flags", "not_flags": "flags", "datasets": "datasets",
           "not_in_corpus": "models", "models_known": "models", "name_lacks": "name", "use_stated": "use",
           "missing_document": "missing"}


@dataclass(frozen=True)
class Rule:
    id: str
    family: str
    verdict: Verdict
    statement: str
    when: Mapping[str, Any]
    grounds: Mapping[str, tuple[str, ...]]  # governing document -> full clause ids
    policy: Mapping[str, str] = field(default_factory=dict)  # governing document -> its use-policy document
    overrides: tuple[str, ...] = ()
    note: str = ""
    # Use categories this rule takes out of the governing document's use policy when it fires (a carve-out the policy
    # states itself: sexual content for scientific, educational, documentary or artistic purposes is not prohibited).
    excepts: tuple[str, ...] = ()

    @property
    def clauses(self) -> tuple[str, ...]:
        """Every clause the rule is grounded in, over all versions."""
        return tuple(dict.fromkeys(c for ids in self.grounds.values() for c in ids))

    @property
    def depends_on(self) -> frozenset[str]:
        facts = {DECIDES[k] for k in self.when}
        return frozenset(facts | ({"use"} if self.policy else set()))

    @property
    def documents(self) -> tuple[str, ...]:
        return tuple(self.grounds)


@dataclass(frozen=True)
class Firing:
    """One rule applied to one governing document of a scenario."""

    rule: Rule
    doc_id: str | None
    clauses: tuple[str, ...]

    @property
    def id(self) -> str:
        return self.rule.id

    @property
    def verdict(self) -> Verdict:
        return self.rule.verdict

    @property
    def statement(self) -> str:
        return self.rule.statement


def _governed_by(facts: Facts, doc: str | None, family_docs: frozenset[str] | set[str] = frozenset()) -> list:
    if not doc:
        return list(facts.models)
    return [m for m in facts.models if doc in m.documents or set(m.documents) & family_docs]


def holds(key: str, value: Any, facts: Facts, doc: str | None, *, family_docs: frozenset[str] | set[str] = frozenset(),
          new_licence_only: bool = False, strict: bool = True) -> bool:
    """One condition against the facts: the single reading of the condition vocabulary, for the rules table and for
    the clause annotations' triggers alike.

    `family_docs`: documents read together with `doc` (a licence and the use policy it incorporates), so a model
    governed by any of them counts as governed by `doc` (roles, other_model, multimodal). `new_licence_only`:
    `has_target` holds only for a licence other than `doc` itself (re-licensing under the same licence is not a new
    licence). `strict`: an unknown condition is a ConfigError (the rules table validates its rows); otherwise it
    never holds (an annotation trigger the facts cannot express is never applied automatically).
    """
    deployments = {d.value for d in facts.deployments}
    if key == "roles":
        return any(m.role.value in value for m in _governed_by(facts, doc, family_docs))
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
    if key == "not_use_cases":
        return not any(u in facts.use_cases for u in value)
    if key == "flags":
        return all(f in facts.flags for f in value)
    if key == "not_flags":
        return not any(f in facts.flags for f in value)
    if key == "targets":
        return facts.target_licence in value
    if key == "has_target":
        target = facts.target_licence
        return (target is not None and not (new_licence_only and target == doc)) == value
    if key == "datasets":
        return any(d in facts.datasets for d in value)
    if key == "mau_over":
        return facts.mau is not None and facts.mau > value
    if key == "mau_at_most":
        return facts.mau is not None and facts.mau <= value
    if key in ("product_mau_over", "product_mau_at_most"):
        # A threshold on "your product or service" (Qwen) reads the product's own figure, not its group's.
        own = facts.product_mau if facts.product_mau is not None else facts.mau
        return own is not None and (own > value if key == "product_mau_over" else own <= value)
    if key == "revenue_over":
        return facts.revenue is not None and facts.revenue > value
    if key == "revenue_at_most":
        return facts.revenue is None or facts.revenue <= value
    if key == "eu":
        return facts.eu is value
    if key == "multimodal":
        governed = _governed_by(facts, doc, family_docs)
        return any(m.multimodal for m in governed) == value if governed else (bool(facts.multimodal) == value)
    if key == "other_model":
        # Another model (not governed by this document or those read with it) is being trained or improved.
        others = [m for m in facts.models if not (doc in m.documents or set(m.documents) & family_docs)] if doc else []
        trains_own = facts.has("from_scratch") or facts.has("other_model")
        return (bool(others) or trains_own) == value
    if key == "name_lacks":
        # The name the user gives the release must begin with the licence's prefix ("Llama 3-...", "Llama-...").
        if not facts.release_name:
            return False
        name = " ".join(facts.release_name.lower().replace("-", " ").replace("_", " ").split())
        return not name.startswith(value.lower())
    if key == "use_stated":
        # Some use of the model is named (any use category): the question turns on a use policy.
        return bool(facts.use_cases) == value
    if key == "missing_document":
        # The question names a document the corpus does not hold (corpus/absent-documents.toml).
        return bool(facts.missing) == value
    if key == "not_in_corpus":
        return any(not m.in_corpus for m in facts.models) == value
    if key == "models_known":
        return bool(facts.models or facts.licences) == value
    if strict:
        raise ConfigError(f"unknown condition {key!r}")
    return False


_holds = holds  # the name the rules table's callers used


@dataclass(frozen=True)
class RuleTable:
    rules: tuple[Rule, ...]
    categories: UseCategories = field(default_factory=lambda: UseCategories(()))

    @classmethod
    def load(cls, path: Path | None = None, known_clause_ids: set[str] | None = None,
             known_doc_ids: set[str] | None = None) -> "RuleTable":
        """Read every rules file of a folder (or one file) and validate; a ConfigError lists every bad row."""
        path = path or RULES_DIR
        files = sorted(p for p in path.glob("*.toml") if p.name != USE_POLICIES.name) if path.is_dir() else [path]
        if not files:
            raise ConfigError(f"No rules files (*.toml) in {path}. Restore corpus/rules/ from the repository.")
        rules, problems = [], []
        for file in files:
            try:
                data = tomllib.loads(file.read_text(encoding="utf-8"))
            except (OSError, tomllib.TOMLDecodeError) as exc:
                problems.append(f"{file.name}: cannot be read ({exc})")
                continue
            for n, row in enumerate(data.get("rule", []), 1):
                rule, errs = _parse(file.stem, f"{file.name} rule #{n} ({row.get('id', '?')})", row)
                problems.extend(errs)
                if rule:
                    rules.append(rule)
        policies = (path if path.is_dir() else path.parent) / USE_POLICIES.name
        categories = UseCategories(())
        if policies.exists():
            try:
                categories, errs = parse_categories(tomllib.loads(policies.read_text(encoding="utf-8")), policies.name)
                problems.extend(errs)
            except tomllib.TOMLDecodeError as exc:
                problems.append(f"{policies.name}: cannot be read ({exc})")
        table = cls(tuple(rules), categories)
        problems.extend(table.validate(known_clause_ids, known_doc_ids))
        if problems:
            raise ConfigError(f"The rules table {path} has {len(problems)} problem(s):\n  - " + "\n  - ".join(problems))
        return table

    def get(self, rule_id: str) -> Rule:
        for r in self.rules:
            if r.id == rule_id:
                return r
        raise KeyError(rule_id)

    def validate(self, known_clause_ids: set[str] | None = None, known_doc_ids: set[str] | None = None) -> list[str]:
        problems = list(self.categories.validate(known_clause_ids))
        seen: set[str] = set()
        ids = {r.id for r in self.rules}
        category_ids = self.categories.ids()
        loaded = {c.split(":", 1)[0] for c in known_clause_ids} if known_clause_ids is not None else set()
        for rule in self.rules:
            where = f"rule {rule.id} ({rule.family}.toml)"
            if rule.id in seen:
                problems.append(f"{where}: id used twice")
            seen.add(rule.id)
            for o in rule.overrides:
                if o not in ids:
                    problems.append(f"{where}: overrides unknown rule {o!r}")
            for u in tuple(rule.when.get("use_cases", [])) + tuple(rule.when.get("not_use_cases", [])) + rule.excepts:
                if category_ids and u not in category_ids:
                    problems.append(f"{where}: use_cases has unknown category {u!r}; valid: {sorted(category_ids)}")
            for doc, cids in rule.grounds.items():
                if known_doc_ids is not None and doc not in known_doc_ids:
                    problems.append(f"{where}: grounds name unknown document {doc!r}")
                if known_clause_ids is not None:
                    for cid in cids:
                        # Documents that could not be loaded are reported by `clausewise corpus`, not here.
                        if cid.split(":", 1)[0] in loaded and cid not in known_clause_ids:
                            problems.append(f"{where}: unknown clause id {cid!r} in the grounds for {doc}")
                        if cid.startswith("explainer-"):
                            problems.append(f"{where}: explainers are background, never the ground of a verdict ({cid})")
            for doc, pol in rule.policy.items():
                if doc not in rule.grounds:
                    problems.append(f"{where}: policy names {doc!r}, which has no grounds entry")
                if self.categories.categories and pol not in self.categories.policy_docs():
                    problems.append(f"{where}: no use category has clauses in the policy document {pol!r}")
            if not rule.grounds and rule.verdict is not Verdict.UNCLEAR:
                problems.append(f"{where}: a {rule.verdict.value} rule must be grounded in at least one document's clauses")
            w = rule.when
            if w.get("distributes") is True and set(w.get("deployments", [])) and not set(w["deployments"]) & DISTRIBUTING:
                problems.append(f"{where}: unreachable (distributes = true but deployments has no distributing value)")
            if w.get("deployments") and set(w["deployments"]) <= set(w.get("not_deployments", [])):
                problems.append(f"{where}: unreachable (every deployment it needs is also excluded)")
            if set(w.get("flags", [])) & set(w.get("not_flags", [])):
                problems.append(f"{where}: unreachable (a flag is both required and excluded)")
        return problems

    def carved(self, rule: Rule, facts: Facts, doc: str | None) -> set[str]:
        """The categories a carve-out rule takes out for one governing document: those the question falls in whose
        own clauses the rule is grounded in for that document (BigCode (i) has a disclaimer exception, BigScience (h)
        none, so one rule excepts automated obligations for BigCode only)."""
        grounds = set(rule.grounds.get(doc, ())) if doc else set()
        out = set()
        for cid in rule.excepts:
            if cid not in facts.use_cases or cid not in self.categories.ids():
                continue
            own = {c for ids in self.categories.get(cid).clauses.values() for c in ids}
            if not own or own & grounds:
                out.add(cid)
        return out

    def _fire(self, rule: Rule, facts: Facts, excepted: Mapping[str | None, set[str]] | None = None) -> list[Firing]:
        docs: list[str | None] = [d for d in rule.grounds if d in facts.documents] if rule.grounds else [None]
        out = []
        for doc in docs:
            if not all(holds(k, v, facts, doc) for k, v in rule.when.items()):
                continue
            clauses = rule.grounds.get(doc, ()) if doc else ()
            if rule.excepts and self.categories.categories:
                carved = self.carved(rule, facts, doc)
                if not carved:
                    continue  # a carve-out of a clause this document does not have
                own = {c for cid in carved for ids in self.categories.get(cid).clauses.values() for c in ids}
                clauses = tuple(c for c in clauses if c in own) or clauses
            if rule.policy:
                pol = rule.policy.get(doc)
                carved = (excepted or {}).get(doc, set())
                used = [self.categories.get(u) for u in facts.use_cases if u in self.categories.ids() and u not in carved]
                banned = tuple(c for cat in used for c in cat.clause_ids(pol)) if pol else ()
                if not banned:
                    continue
                clauses = tuple(dict.fromkeys(banned + clauses))
            out.append(Firing(rule, doc, clauses))
        return out

    def evaluate(self, facts: Facts) -> list[Firing]:
        excepted: dict[str | None, set[str]] = {}
        for r in self.rules:
            if r.excepts:
                for f in self._fire(r, facts):
                    excepted.setdefault(f.doc_id, set()).update(self.carved(r, facts, f.doc_id) if self.categories.categories else r.excepts)
        fired = [f for r in self.rules for f in self._fire(r, facts, excepted)]
        # A rule may name rules it overrides (a specific exception beats the general rule it refines).
        overridden = {(o, f.doc_id) for f in fired for o in f.rule.overrides}
        return [f for f in fired if (f.id, f.doc_id) not in overridden]


def _full_ids(doc: str, paths: Any, where: str, problems: list[str]) -> tuple[str, ...]:
    if not isinstance(paths, list) or not all(isinstance(p, str) and p for p in paths):
        problems.append(f"{where}: grounds for {doc!r} must be a list of clause paths")
        return ()
    return tuple(p if ":" in p else f"{doc}:{p}" for p in paths)


def _parse(family: str, where: str, row: dict) -> tuple[Rule | None, list[str]]:
    problems = []
    for key in ("id", "verdict", "statement", "when"):
        if key not in row:
            problems.append(f"{where}: missing field {key!r}")
    if problems:
        return None, problems
    try:
        verdict = Verdict(row["verdict"])
    except ValueError:
        problems.append(f"{where}: verdict {row['verdict']!r} is not one of {[v.value for v in Verdict]}")
        verdict = Verdict.UNCLEAR
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
            if not isinstance(value, int) or isinstance(value, bool):
                problems.append(f"{where}: condition {key!r} must be a whole number")
        elif key in STR_KEYS:
            if not isinstance(value, str) or not value.strip():
                problems.append(f"{where}: condition {key!r} must be a non-empty text")
        else:
            valid = sorted(set(LIST_KEYS) | BOOL_KEYS | INT_KEYS | STR_KEYS)
            problems.append(f"{where}: unknown condition {key!r}; valid conditions: {valid}")
    grounds_raw = row.get("grounds", {})
    if not isinstance(grounds_raw, dict):
        problems.append(f"{where}: grounds must be a table of document id = [clause paths]")
        grounds_raw = {}
    grounds = {doc: _full_ids(doc, paths, where, problems) for doc, paths in grounds_raw.items()}
    policy = row.get("policy", {})
    if not isinstance(policy, dict) or not all(isinstance(v, str) for v in policy.values()):
        problems.append(f"{where}: policy must be a table of governing document id = policy document id")
        policy = {}
    excepts = row.get("excepts", [])
    if not isinstance(excepts, list) or not all(isinstance(e, str) for e in excepts):
        problems.append(f"{where}: excepts must be a list of use category ids")
        excepts = []
    rule = Rule(row["id"], family, verdict, row["statement"], dict(row["when"]), grounds, dict(policy),
                tuple(row.get("overrides", ())), row.get("note", ""), tuple(excepts))
    return rule, problems
