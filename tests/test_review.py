"""The review sheet: each rule's statement next to the verbatim text of every clause that grounds it, per document and
dated version, with its conditions and cases, in Markdown, CSV and escaped HTML."""

from __future__ import annotations

import csv
import io

import pytest

from retrieval.cases import load_cases
from retrieval.registry import Registry
from retrieval.review import build_review, conditions_in_words, csv_rows, render, to_csv
from retrieval.rules import RuleTable


@pytest.fixture(scope="module")
def table(corpus):
    return RuleTable.load(known_clause_ids={c.clause_id for c in corpus.all_clauses()}, known_doc_ids=set(corpus.documents))


@pytest.fixture(scope="module")
def review(corpus, table):
    return build_review(corpus, table, load_cases(Registry.load()))


def test_the_llama_training_ban_shows_llama_2_and_3_and_no_3_1(review, corpus):
    rows = [r for r in csv_rows(review) if r["rule_id"] == "llama-improve-other-llm"]
    assert [(r["doc_id"], r["version"], r["clause_ids"]) for r in rows] == [
        ("llama-2-license", "2023-07-18", "llama-2-license:1.b.v"),
        ("llama-3-license", "2024-04-18", "llama-3-license:1.b.v"),
    ]
    assert rows[0]["title"] == "Llama 2 Community License Agreement"
    assert corpus.clause("llama-3-license:1.b.v").text in rows[1]["clause_texts"]
    assert rows[0]["verdict"] == "not_permitted"
    assert "llama-3-outputs-train-another-model -> not_permitted" in rows[0]["cases"]


def test_one_csv_row_per_rule_and_document(review, table):
    text = to_csv(review)
    rows = list(csv.DictReader(io.StringIO(text)))
    expected = sum(max(1, len(r.grounds)) for r in table.rules)
    assert len(rows) == expected
    assert {r["rule_id"] for r in rows} == {r.id for r in table.rules}


def test_use_policy_rules_say_where_the_prohibited_use_comes_from(review):
    rule = next(r for r in review if r.id == "llama-prohibited-use")
    doc = next(d for d in rule.documents if d.doc_id == "llama-3.1-license")
    assert doc.policy == "llama-3.1-aup" and [c.clause_id for c in doc.clauses] == ["llama-3.1-license:1.b.iv"]
    assert "use policy forbids" in rule.conditions


def test_conditions_in_plain_words(table):
    assert conditions_in_words(table.get("llama-mau")) == (
        "applies when more than 700,000,000 monthly active users; it is not deployed as end user")
    assert conditions_in_words(table.get("offer-warranty-own-behalf")) == (
        "applies when the question is about warranty; it is deployed as weights release or on device or hosted")
    assert conditions_in_words(table.get("policy-not-in-corpus")) == "applies when a use of the model is named"


def test_markdown_quotes_every_clause(review, corpus):
    md = render(review, "md")
    section = md.split("## llama-improve-other-llm (llama): not_permitted", 1)[1].split("\n## ", 1)[0]
    assert "### Meta Llama 3 Community License Agreement (llama-3-license, version 2024-04-18)" in section
    assert "**llama-2-license:1.b.v**" in section and "llama-3.1-license" not in section
    assert "> v. You will not use the Llama Materials or any output or results of the" in section


def test_html_is_self_contained_and_escaped(review):
    page = render(review, "html")
    assert page.startswith("<!DOCTYPE html>") and "<style>" in page
    assert "<script" not in page and "http-equiv" not in page and "<link" not in page
    # a statement with quotation marks is escaped, never raw markup
    assert "&quot;Built with&quot;" in page
    assert '<section id="llama-improve-other-llm">' in page


def test_unknown_format_is_a_clear_error(review):
    from ingest.errors import ConfigError

    with pytest.raises(ConfigError, match="choose one of md, csv, html"):
        render(review, "pdf")


def test_cli_writes_the_sheet(sources_dir, tmp_path, capsys, monkeypatch):
    import cli

    monkeypatch.setenv("CLAUSEWISE_SOURCES", str(sources_dir))
    monkeypatch.setenv("CLAUSEWISE_HOME", str(tmp_path / "home"))
    out = tmp_path / "review.csv"
    assert cli.main(["rules", "--review", "--format", "csv", "--output", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert any(r["rule_id"] == "distribution-conditions" and r["clause_ids"].split() ==
               ["apache-2.0:4.a", "apache-2.0:4.b", "apache-2.0:4.c", "apache-2.0:4.d"] for r in rows)
    assert cli.main(["rules", "--review", "--output", str(tmp_path / "no" / "such" / "dir.md")]) == 2
    assert "Cannot write the review sheet" in capsys.readouterr().err
