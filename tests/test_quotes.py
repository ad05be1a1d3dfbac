"""Quotes cut at sentence ends on every clause of the corpus, sections cited whole, list items with their lead-ins."""

from __future__ import annotations

import re

import pytest

from ingest.sections import is_heading_only
from retrieval.quotes import ABBREVIATIONS, choose_quote, lead_ins, sentence_spans, tokens

QUERIES = ["", "use outputs to improve or train another model", "distribute copies with attribution notice",
           "commercial use more than 700 million monthly active users", "compete with OpenAI"]
_TERMINAL = re.compile(r"[.;!?:][\"\u201d\u2019')\]*]*$")


def _cut_problems(source: str, lo: int, hi: int, a: int, b: int) -> list[str]:
    """Why the quote source[a:b], taken from the block source[lo:hi], is not cut at token and sentence boundaries."""
    problems = []
    if a != lo and not source[a - 1].isspace():
        problems.append(f"starts inside a token: ...{source[max(lo, a - 12):a]}|{source[a:a + 12]}")
    if b != hi and b < len(source) and not source[b].isspace():
        problems.append(f"ends inside a token: {source[b - 12:b]}|{source[b:b + 12]}")
    if b != hi:
        last = source[a:b].split()[-1]
        core = last.rstrip("\"\u201d\u2019')]*").rstrip(".").lstrip("\"\u201c\u2018(['*").lower()
        if core in ABBREVIATIONS or (len(core) == 1 and core.isalpha()):
            problems.append(f"ends on an abbreviation: {source[max(a, b - 30):b]!r}")
        heading_line = source[b:b + 8].lstrip(" \t\u00a0")[:1] == "\n" and len(source[a:b].rsplit("\n", 1)[-1].strip("*# ").split()) <= 9
        if not _TERMINAL.search(source[a:b]) and not heading_line:
            problems.append(f"ends mid-sentence: {source[max(a, b - 30):b]!r}")
    if a != lo:
        before = source[lo:a].rstrip()
        line = before.rsplit("\n", 1)[-1]
        if not (_TERMINAL.search(before) or "\n" in source[lo:a][len(before):] + source[len(before) + lo:a]
                or len(line.strip("*# ").split()) <= 9):
            problems.append(f"starts mid-sentence: {source[max(lo, a - 30):a]!r}|{source[a:a + 20]!r}")
    return problems


def test_no_quote_starts_or_ends_inside_a_token(corpus):
    problems = []
    checked = 0
    for doc in corpus.documents.values():
        for clause in doc.clauses:
            for a, b in sentence_spans(clause.text):
                checked += 1
                problems += [f"{clause.clause_id}: {p}" for p in
                             _cut_problems(doc.text, clause.start, clause.end, clause.start + a, clause.start + b)]
            section = corpus.section(clause.clause_id)
            for query in QUERIES:
                quote = choose_quote(doc.text, doc.clauses, section, tokens(query))
                assert doc.text[quote.start:quote.end] == quote.text
                holder = corpus.clause(quote.clause_id)
                lo, hi = (holder.start, holder.end) if quote.end <= holder.end else (quote.start, section.end)
                problems += [f"{clause.clause_id} quote: {p}" for p in _cut_problems(doc.text, lo, hi, quote.start, quote.end)]
                for span in quote.lead_in:
                    assert doc.text[span.start:span.end] == span.text
    assert checked > 2000
    assert not problems, "\n".join(problems[:40])


def test_version_numbers_abbreviations_and_references_do_not_end_sentences():
    text = ("The Llama 3.1 licence applies, e.g. to the U.S. entity Acme Inc. and under s. 1.b of it. "
            "It costs 2.5 dollars; see ai.google.dev/gemma for more. Next sentence!")
    spans = [text[a:b] for a, b in sentence_spans(text)]
    assert spans == ["The Llama 3.1 licence applies, e.g. to the U.S. entity Acme Inc. and under s. 1.b of it.",
                     "It costs 2.5 dollars;", "see ai.google.dev/gemma for more.", "Next sentence!"]
    item = "1. Violence or terrorism"
    assert [item[a:b] for a, b in sentence_spans(item)] == [item]


def test_llama_31_section_2_quote_starts_at_its_sentence(corpus):
    doc = corpus.documents["llama-3.1-license"]
    quote = choose_quote(doc.text, doc.clauses, corpus.section("llama-3.1-license:2"), tokens("700 million users"))
    assert quote.text.startswith("If, on the Llama 3.1 version release date, the monthly active users")
    assert quote.text.endswith("unless or until Meta otherwise expressly grants you such rights.")


def test_heading_only_sections_are_cited_by_their_body(corpus):
    assert is_heading_only(corpus.clause("gemma-terms-2025:3.3"))
    assert is_heading_only(corpus.clause("llama-3-license:1.b"))
    assert is_heading_only(corpus.clause("gemma-terms-2025:1.2"))
    assert not is_heading_only(corpus.clause("llama-3-license:2"))
    section = corpus.section("gemma-terms-2025:3.3")
    doc = corpus.documents["gemma-terms-2025"]
    assert [m.clause_id for m in section.members] == ["gemma-terms-2025:3.3.p1"]
    assert doc.text[section.start:section.end] == section.text
    assert section.text.startswith("3.3 Generated Output") and "Google claims no rights in Outputs" in section.text
    quote = choose_quote(doc.text, doc.clauses, section, set())
    assert quote.text == ("Google claims no rights in Outputs you generate using Gemma. You and your users are solely "
                          "responsible for Outputs and their subsequent uses.")
    whole = corpus.section("llama-3-license:1")
    assert [m.path for m in whole.members][:3] == ["1.a", "1.b", "1.b.i"] and whole.members[-1].path == "1.b.v"


def test_list_items_carry_their_lead_ins(corpus):
    doc = corpus.documents["openai-terms-2024"]
    item = corpus.clause("openai-terms-2024:using-our-services.p2.b7")
    chain = lead_ins(doc.text, doc.clauses, item)
    assert [s.text for s in chain] == ["For example, you may not:"]
    assert all(doc.text[s.start:s.end] == s.text for s in chain)
    doc = corpus.documents["openai-terms-2023"]
    quote = choose_quote(doc.text, doc.clauses, corpus.section("openai-terms-2023:2.c"), tokens("compete with OpenAI"))
    assert quote.text == "(iii) use output from the Services to develop models that compete with OpenAI;"
    assert [s.text for s in quote.lead_in] == ["You may not"]
    doc = corpus.documents["gemma-terms-2025"]
    quote = choose_quote(doc.text, doc.clauses, corpus.section("gemma-terms-2025:3.1.p1.b1"), set())
    assert [s.text for s in quote.lead_in] == [
        "You may reproduce or Distribute copies of Gemma or Model Derivatives if you meet all of the following conditions:"]


@pytest.mark.parametrize("clause_id", ["llama-3-license:1.b.v", "gemma-terms-2025:2.2.p1", "apache-2.0:3"])
def test_clauses_outside_lists_have_no_lead_in(corpus, clause_id):
    doc = corpus.documents[clause_id.split(":")[0]]
    assert lead_ins(doc.text, doc.clauses, corpus.clause(clause_id)) == ()


def test_an_inline_list_item_keeps_the_words_before_the_list(corpus):
    doc = corpus.documents["llama-3-license"]
    quote = choose_quote(doc.text, doc.clauses, corpus.section("llama-3-license:1.b.i"),
                         tokens("prominently display built with meta llama"))
    assert quote.text.startswith("and (B) prominently display \u201cBuilt with Meta Llama 3\u201d")
    assert [s.text for s in quote.lead_in] == ["i. If you distribute or make available the Llama Materials (or any derivative "
                                               "works thereof), or a product or service that uses any of them, including "
                                               "another AI model, you shall"]


def test_a_list_after_its_lead_in_at_the_same_level_keeps_it(corpus):
    doc = corpus.documents["llama-3.2-aup"]
    item = corpus.clause("llama-3.2-aup:b2")
    assert [s.text for s in lead_ins(doc.text, doc.clauses, item)] == [
        "Please report any violation of this Policy, software \u201cbug,\u201d or other problems that could lead to a "
        "violation of this Policy through one of the following means:"]
