"""The rules table: it validates against the corpus, every rule can fire, and verdicts combine most-restrictive-first."""

from __future__ import annotations

import pytest

from ingest.errors import ConfigError
from retrieval.rules import DISTRIBUTING, RuleTable, Verdict, combine
from retrieval.scenario import Deployment, Facts, Method, ModelRef, Role


@pytest.fixture(scope="module")
def table(corpus):
    return RuleTable.load(known_clause_ids={c.clause_id for c in corpus.all_clauses()},
                          known_doc_ids=set(corpus.documents))


def facts_for(when: dict) -> Facts:
    """Facts that satisfy every condition a rule states (the smallest scenario that should fire it)."""
    docs = list(when.get("docs", []))
    role = Role(when["roles"][0]) if "roles" in when else Role.BASE
    models = [ModelRef("m", "M", role, tuple(docs), True, "", "x", bool(when.get("multimodal", False)))]
    flags = list(when.get("flags", []))
    if when.get("other_model") is True:
        flags.append("other_model")
    if when.get("not_in_corpus"):
        models.append(ModelRef("n", "N", Role.BASE, (), False, "elsewhere", "y", False))
    banned = set(when.get("not_deployments", []))
    if "deployments" in when:
        pool = [d for d in when["deployments"] if d not in banned]
        if when.get("distributes") is True:
            pool = [d for d in pool if d in DISTRIBUTING] or pool
        if when.get("distributes") is False:
            pool = [d for d in pool if d not in DISTRIBUTING] or pool
        deployments = [Deployment(pool[0])]
    elif when.get("distributes") is True:
        deployments = [Deployment.WEIGHTS_RELEASE]
    else:
        choice = next(d for d in (Deployment.INTERNAL, Deployment.END_USER, Deployment.HOSTED) if d.value not in banned)
        deployments = [choice]
    methods = [Method(when["methods"][0])] if "methods" in when else \
        [next(m for m in Method if m.value not in when.get("not_methods", []))]
    return Facts(
        models=tuple(models), documents=tuple(docs), methods=tuple(methods), deployments=tuple(deployments),
        target_licence=when["targets"][0] if "targets" in when else None,
        datasets=tuple(when.get("datasets", [])),
        mau=when["mau_over"] + 1 if "mau_over" in when else when.get("mau_at_most"),
        revenue=when["revenue_over"] + 1 if "revenue_over" in when else when.get("revenue_at_most"),
        eu=when.get("eu"), multimodal=when.get("multimodal"),
        use_cases=tuple(when.get("use_cases", [])[:1]), flags=tuple(flags),
    )


def test_shipped_table_is_valid(table):
    assert len(table.rules) > 250
    assert table.validate() == []


def test_every_rule_can_fire(table):
    dead = [r.id for r in table.rules if not r.fires(facts_for(r.when))]
    assert dead == []


def test_every_rule_is_grounded(table, corpus):
    for rule in table.rules:
        if rule.verdict is not Verdict.UNCLEAR:
            assert rule.clauses, rule.id
        for cid in rule.clauses:
            corpus.clause(cid)
            assert not cid.startswith("explainer-"), f"{rule.id}: explainers are background, never the ground of a verdict"


@pytest.mark.parametrize("verdicts,expected", [
    ([], Verdict.UNCLEAR),
    ([Verdict.PERMITTED], Verdict.PERMITTED),
    ([Verdict.PERMITTED, Verdict.CONDITIONAL], Verdict.CONDITIONAL),
    ([Verdict.CONDITIONAL, Verdict.UNCLEAR], Verdict.UNCLEAR),
    ([Verdict.UNCLEAR, Verdict.NOT_PERMITTED, Verdict.PERMITTED], Verdict.NOT_PERMITTED),
])
def test_most_restrictive_wins(verdicts, expected):
    assert combine(verdicts) is expected


def test_version_sensitive_rules(table):
    outputs_to_other = dict(docs=["llama-3-license"], roles=["output_source"], other_model=True, deployments=["weights_release"])
    fired = {r.id for r in table.evaluate(facts_for(outputs_to_other))}
    assert "llama-3-improve-other-llm" in fired
    fired_31 = {r.id for r in table.evaluate(facts_for({**outputs_to_other, "docs": ["llama-3.1-license"]}))}
    assert "llama-3.1-derived-model-naming" in fired_31
    assert not any(r.endswith("improve-other-llm") for r in fired_31)


def test_bad_rows_are_all_reported(tmp_path):
    path = tmp_path / "rules.toml"
    path.write_text('''
[[rule]]
id = "a"
verdict = "maybe"
statement = "x"
clauses = ["llama-3-license:9.z"]
when = { docs = ["llama-3-license"], deployments = ["moon"], colour = "red" }

[[rule]]
id = "a"
verdict = "permitted"
statement = "y"
clauses = []
when = { flags = ["trademark"], not_flags = ["trademark"] }
''')
    with pytest.raises(ConfigError) as err:
        RuleTable.load(path, known_clause_ids={"llama-3-license:1.a"}, known_doc_ids={"llama-3-license"})
    message = str(err.value)
    for needle in ("'maybe'", "moon", "colour", "llama-3-license:9.z", "used twice", "must cite at least one clause", "unreachable"):
        assert needle in message
