"""Citations a lawyer can paste: the document's own section names, lead-ins kept, no internal ids, old ids still work."""

from __future__ import annotations

import re

import pytest

from ingest.corpus import load_corpus
from ingest.settings import Settings
from ingest.userdocs import UserStore
from retrieval.citeform import cite_whole, locate, pinpoint
from ingest.pinpoints import REQUIRED_DOCS as REQUIRED


@pytest.mark.parametrize("clause_id,expected", [
    ("llama-3-license:1.b.v", "s. 1.b.v"),
    ("llama-3.1-license:2", "s. 2"),
    ("llama-3-license:def-llama-materials", "definition of \u201cLlama Materials\u201d"),
    ("llama-3-license:p1", "unnumbered paragraph 1"),
    ("llama-3-license:aup.1.a", "\u201cMeta Llama 3 Acceptable Use Policy\u201d, s. 1.a"),
    ("llama-3-license:aup.p1.b2", "\u201cMeta Llama 3 Acceptable Use Policy\u201d, first paragraph, item 2"),
    ("gemma-terms-2025:3.3", "s. 3.3"),
    ("gemma-terms-2025:3.1.p1.b1", "s. 3.1, first paragraph, item 1"),
    ("gemma-terms-2025:3.1.p2", "s. 3.1, second paragraph"),
    ("gemma-terms-2025:1.1.d", "s. 1.1(d)"),
    ("cc-by-4.0:3.a.1", "s. 3(a)(1)"),
    ("apache-2.0:4.d", "s. 4(d)"),
    ("mit:p2", "second paragraph"),
    ("openai-terms-2024:using-our-services.p2.b7",
     "\u201cUsing our Services\u201d, second paragraph (\u201cWhat you cannot do\u201d), item 7"),
    ("openai-terms-2023:2.c", "s. 2(c)"),
])
def test_sections_are_named_the_way_the_document_names_them(corpus, clause_id, expected):
    clause = corpus.clause(clause_id)
    doc = corpus.documents[clause.doc_id]
    assert pinpoint(doc.clauses, clause, doc.text) == expected


def test_the_openai_item_is_cited_with_its_lead_in(corpus):
    doc = corpus.documents["openai-terms-2024"]
    section = corpus.section("openai-terms-2024:using-our-services.p2.b7")
    assert cite_whole(doc.spec, doc.clauses, doc.text, section) == (
        "OpenAI Terms of Use (2024-12-11), \u201cUsing our Services\u201d, second paragraph (\u201cWhat you cannot do\u201d), "
        "item 7: \u201cFor example, you may not: \u2026 Use Output to develop models that compete with OpenAI.\u201d")


def test_nested_quotation_marks_are_not_doubled(corpus):
    doc = corpus.documents["gemma-terms-2025"]
    text = cite_whole(doc.spec, doc.clauses, doc.text, corpus.section("gemma-terms-2025:1.1.d"))
    assert text == "Gemma Terms of Use (2025-03-24), s. 1.1(d): \u201c\u2018Google\u2019 means Google LLC.\u201d"


def test_no_citation_names_an_internal_segment_or_doubles_quotes(corpus):
    problems = []
    for doc_id in REQUIRED:
        doc = corpus.documents[doc_id]
        for clause in doc.clauses:
            where = pinpoint(doc.clauses, clause, doc.text)
            bare = re.sub(r"\u201c[^\u201d]*\u201d", "", where)  # headings and terms are quoted words, not ids
            if re.search(r"\b[pb][0-9]+\b|def-|[a-z0-9]+-[a-z0-9]+-[a-z0-9]+", bare):
                problems.append(f"{clause.clause_id}: {where}")
            full = cite_whole(doc.spec, doc.clauses, doc.text, corpus.section(clause.clause_id))
            quoted = full[len(locate(doc.spec, doc.clauses, doc.text, clause)) + 2:]
            inner = quoted[1:-1]
            if not (quoted.startswith("\u201c") and quoted.endswith("\u201d")) or re.search('["\u201c\u201d]', inner):
                problems.append(f"{clause.clause_id}: quotation marks in {quoted[:80]!r}")
    assert not problems, "\n".join(problems[:30])


def test_the_appended_llama_3_policy_has_its_own_ids_linked_to_the_policy(corpus):
    ids = [c.clause_id for c in corpus.documents["llama-3-license"].clauses]
    assert not [i for i in ids if "acceptable" in i]
    assert "llama-3-license:aup.1.a.i" in ids and "llama-3-license:aup.3.g" in ids and "llama-3-license:aup.p1.b4" in ids
    assert corpus.clause("llama-3-license:aup.3.g").parent == "llama-3-license:aup.3"
    assert corpus.linked("llama-3-license:aup.1.a.i") == "llama-3-aup:1.1.1"
    assert corpus.linked("llama-3-license:aup.3.g") == "llama-3-aup:4"  # the licence file letters it 3.g
    assert corpus.linked("llama-3-license:aup.2.d") == "llama-3-aup:2.4"
    assert corpus.linked("llama-3-license:1.b.v") is None


def test_old_ids_resolve_through_the_alias_table(corpus):
    clause = corpus.clause("llama-3-license:meta-llama-3-acceptable.1.a")
    assert clause.clause_id == "llama-3-license:aup.1.a"
    assert corpus.clause("llama-3-license:p2.b1").clause_id == "llama-3-license:aup.p1.b1"
    assert corpus.canonical("llama-3-license:1.b.v") == "llama-3-license:1.b.v"
    for old, new in corpus.aliases.items():
        if old.split(":")[0] in corpus.documents:
            assert corpus.clause(new).clause_id == new, f"alias {old} points at a missing id {new}"
            assert old not in {c.clause_id for c in corpus.all_clauses()}, f"alias {old} shadows a live id"


def test_a_user_document_is_cited_by_title_and_date(tmp_path, sources_dir):
    import datetime

    settings = Settings.from_env({"CLAUSEWISE_SOURCES": str(sources_dir), "CLAUSEWISE_HOME": str(tmp_path)})
    text = "Acme Model Licence\n\n1. Grant. You may use the model.\n\n2. Outputs. You may not sell outputs.\n"
    UserStore(settings).add("acme.txt", text.encode())
    corpus = load_corpus(settings, docs=["user-acme"], network=False, explainers=False)
    doc = corpus.documents["user-acme"]
    clause = corpus.clause("user-acme:2")
    today = datetime.date.today().isoformat()
    assert locate(doc.spec, doc.clauses, doc.text, clause) == f"Acme Model Licence (added {today}), s. 2"
    assert doc.spec.sha256[:12] not in cite_whole(doc.spec, doc.clauses, doc.text, corpus.section("user-acme:2"))


def test_answers_carry_the_paste_ready_citation(fake_services):
    answer = fake_services.engine.answer(
        "Under the OpenAI Terms of Use of December 2024, can I use ChatGPT outputs to train a model that competes with OpenAI?")
    cited = {c.clause_id: c for c in answer.citations}
    c = cited["openai-terms-2024:using-our-services.p2.b7"]
    assert c.cite.endswith("item 7: \u201cFor example, you may not: \u2026 Use Output to develop models that compete with OpenAI.\u201d")
    assert [s.text for s in c.lead_in] == ["For example, you may not:"]
    text = fake_services.corpus.documents["openai-terms-2024"].text
    assert all(text[s.start:s.end] == s.text for s in c.lead_in)
    assert all(x.cite and "p1" not in x.cite.split(":")[0] for x in answer.citations)
