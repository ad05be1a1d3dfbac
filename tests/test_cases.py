"""Every readable case under corpus/rules/cases runs against the rules table, and bad case rows are all reported."""

from __future__ import annotations

import pytest

from ingest.errors import ConfigError
from retrieval.cases import load_cases, run_case
from retrieval.registry import Registry
from retrieval.rules import RuleTable

REGISTRY = Registry.load()
CASES = load_cases(REGISTRY)


@pytest.fixture(scope="module")
def table(corpus):
    return RuleTable.load(known_clause_ids={c.clause_id for c in corpus.all_clauses()}, known_doc_ids=set(corpus.documents))


def test_there_are_cases_for_every_family():
    files = {c.file for c in CASES}
    assert {"llama.toml", "gemma.toml", "other.toml"} <= files
    assert len(CASES) >= 25


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_case(table, case):
    result = run_case(table, case)
    assert result.passed, f"{case.file} {case.id}: " + "; ".join(result.problems)


def test_a_failing_case_says_why(table):
    case = next(c for c in CASES if c.id == "llama-3-outputs-train-another-model")
    from dataclasses import replace
    from retrieval.rules import Verdict

    wrong = replace(case, verdict=Verdict.PERMITTED, clauses=("llama-3-license:9.z",), rules=("nobody",))
    problems = run_case(table, wrong).problems
    assert any("expected permitted" in p for p in problems)
    assert any("llama-3-license:9.z" in p for p in problems)
    assert any("nobody" in p for p in problems)


def test_bad_case_rows_are_all_reported(tmp_path):
    (tmp_path / "x.toml").write_text('''
[[case]]
id = "a"
[case.facts]
models = [{ name = "no such model anywhere" }]
[case.expect]
verdict = "permitted"

[[case]]
id = "b"
[case.facts]
colour = "red"
[case.expect]
verdict = "permitted"

[[case]]
id = "c"
[case.expect]
verdict = "maybe"

[[case]]
id = "d"
[case.facts]
deployments = ["moon"]
[case.expect]
verdict = "permitted"
''')
    with pytest.raises(ConfigError) as err:
        load_cases(REGISTRY, tmp_path)
    message = str(err.value)
    for needle in ("no such model anywhere", "colour", "'maybe'", "moon", "4 problem"):
        assert needle in message
