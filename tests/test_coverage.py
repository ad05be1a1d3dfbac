"""The coverage report: every operative clause of every governing document grounds a rule or is listed, with a reason,
as not decisive; the criterion for "operative" and the data file's bad rows are tested on the real corpus."""

from __future__ import annotations

import json

import pytest

from retrieval.coverage import ClauseKind, Status, coverage, load_not_decisive
from retrieval.rules import RuleTable


@pytest.fixture(scope="module")
def table(corpus):
    return RuleTable.load(known_clause_ids={c.clause_id for c in corpus.all_clauses()}, known_doc_ids=set(corpus.documents))


@pytest.fixture(scope="module")
def report(corpus, table):
    return coverage(corpus, table)


def _row(report, cid):
    for d in report.documents:
        for c in d.clauses:
            if c.clause_id == cid:
                return c
    raise AssertionError(f"{cid} not in the report")


def test_every_governing_document_is_reported(report, corpus):
    primary = {d for d, doc in corpus.documents.items() if doc.spec.kind.value in ("licence", "policy", "terms")}
    assert {d.doc_id for d in report.documents} == primary
    assert len(primary) == 29


def test_no_operative_clause_outside_use_lists_is_uncovered(report):
    assert report.uncovered(use_list=False) == []


def test_no_use_restriction_is_uncovered(report):
    assert report.uncovered(use_list=True) == []


def test_the_data_file_has_no_bad_rows(report):
    assert report.problems == ()


@pytest.mark.parametrize("cid,kind", [
    ("llama-3-license:1.b.v", ClauseKind.OPERATIVE),
    ("llama-3-license:p1", ClauseKind.OPERATIVE),              # acceptance by use
    ("llama-3-license:7", ClauseKind.BOILERPLATE),             # governing law
    ("llama-3-license:aup.3.e", ClauseKind.APPENDED_POLICY),
    ("llama-3-license:1", ClauseKind.HEADING),
    ("gemma-terms-2025:3.3", ClauseKind.HEADING),              # its sentence is 3.3.p1
    ("gemma-terms-2025:1.1.e", ClauseKind.DEFINITION),
    ("cc-by-4.0:1.a", ClauseKind.DEFINITION),                  # unquoted CC definitions
    ("apache-2.0:9", ClauseKind.OPERATIVE),
    ("apache-2.0:4.b", ClauseKind.OPERATIVE),
    ("apache-2.0:end-of-terms-and.p1.p1", ClauseKind.BOILERPLATE),
    ("falcon-2-license:trademarks.p2", ClauseKind.HEADING),    # "Disclaimer of Warranty." over its paragraph
    ("openai-terms-2024:indemnity.p3", ClauseKind.BOILERPLATE),  # arbitration
    ("deepseek-license:i.p4", ClauseKind.BOILERPLATE),         # preamble
    ("llama-3.2-aup:prohibited-uses.p1", ClauseKind.OPERATIVE),  # a lead-in whose items are parsed as siblings
])
def test_the_operative_criterion(report, cid, kind):
    assert _row(report, cid).kind is kind


@pytest.mark.parametrize("cid,rule", [
    ("apache-2.0:4.b", "distribution-conditions"),
    ("deepseek-license:iii.4.c", "openrail-distribution"),
    ("falcon-2-license:redistribution.p1.p3", "distribution-conditions"),
    ("apache-2.0:9", "offer-warranty-own-behalf"),
    ("bigscience-openrail-m:iv.11", "offer-warranty-own-behalf"),
    ("cc-by-sa-4.0:2.a.5.c", "no-downstream-restrictions"),
    ("gemma-terms-2025:gemma-terms-of-use.p2", "acceptance-by-use"),
    ("falcon-2-license:acceptable-use.p1", "policy-not-in-corpus"),
    ("llama-2-license:1.b.v", "llama-improve-other-llm"),
])
def test_operative_clauses_ground_the_right_rule(report, cid, rule):
    row = _row(report, cid)
    assert row.status is Status.COVERED and rule in row.grounds


def test_a_lead_in_is_covered_by_its_items(report):
    # "You agree you will not use ... Llama 3.2 to:" is followed by numbered items that ground the use categories.
    assert _row(report, "llama-3.2-aup:prohibited-uses.p1").status is Status.COVERED
    assert _row(report, "cc-by-4.0:4.p1").status is Status.COVERED      # its item 4.c grounds cc-attribution-details


def test_listed_clauses_carry_their_reason(report):
    row = _row(report, "apache-2.0:5")
    assert row.status is Status.LISTED and "Contributions" in row.reason


def test_bad_rows_are_all_reported(corpus, table, tmp_path):
    bad = tmp_path / "nd.toml"
    bad.write_text('''
[[not_decisive]]
reason = "x"
clauses = ["apache-2.0:99", "apache-2.0:4.b", "apache-2.0:1.def-work", "apache-2.0:5", "cc-by-4.0:4.p1"]

[[not_decisive]]
reason = ""
clauses = ["apache-2.0:5"]
''')
    problems = coverage(corpus, table, bad).problems
    text = "\n".join(problems)
    assert "unknown clause id apache-2.0:99" in text
    assert "apache-2.0:4.b grounds" in text and "distribution-conditions" in text
    assert "apache-2.0:1.def-work is not operative (definition)" in text
    assert "listed twice" in text and "a reason is required" in text
    assert "cc-by-4.0:4.p1 introduces a list whose items ground a rule" in text


def test_an_uncovered_operative_clause_is_reported(corpus, table, tmp_path):
    empty = tmp_path / "nd.toml"
    empty.write_text("")
    assert "apache-2.0:5" in coverage(corpus, table, empty).uncovered(use_list=False)
    listed, problems = load_not_decisive(empty)
    assert listed == {} and problems == []


def test_cli_coverage_json(sources_dir, tmp_path, capsys, monkeypatch):
    import cli

    monkeypatch.setenv("CLAUSEWISE_SOURCES", str(sources_dir))
    monkeypatch.setenv("CLAUSEWISE_HOME", str(tmp_path / "home"))
    rc = cli.main(["rules", "--coverage", "--json"])
    data = json.loads(capsys.readouterr().out)
    apache = next(d for d in data["documents"] if d["doc_id"] == "apache-2.0")
    assert apache["uncovered"] == [] and apache["covered"] >= 8 and apache["listed"] == 1
    assert data["totals"]["uncovered"] == 0 and rc == 0  # use-restriction items are covered by use categories
    rc = cli.main(["rules", "--coverage"])
    out = capsys.readouterr().out
    assert "apache-2.0 (2.0 (January 2004)):" in out and "llama-2-aup (2023-07-18): 29 covered, 0 listed as not decisive, 0 uncovered" in out
    assert "uncovered: " not in out
