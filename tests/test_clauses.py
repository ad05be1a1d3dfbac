"""Pinpoint ids and verbatim text for every required document, and parser properties on arbitrary text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from ingest.appendix import document_clauses
from ingest.clauses import parse_clauses

# (clause id, a phrase the clause must contain)
PINPOINTS = [
    ("llama-2-license:1.b.i", "provide a copy of this Agreement to such third party"),
    ("llama-2-license:1.b.v", "improve any other large language model (excluding Llama 2"),
    ("llama-2-license:2", "700 million monthly active users"),
    ("llama-2-license:5.c", "If you institute litigation"),
    ("llama-2-aup:1.7", "malicious code, malware"),
    ("llama-2-aup:1.3", "discrimination"),
    ("llama-3-license:1.b.i", "Built with Meta Llama 3"),
    ("llama-3-license:1.b.v", "improve any other large language model"),
    ("llama-3-license:2", "700 million monthly active users"),
    ("llama-3-license:5.a", "No trademark licenses are granted"),
    ("llama-3-license:5.b", "you are and will be the owner of such derivative works"),
    ("llama-3-aup:1.4", "unlicensed practice of any profession"),
    ("llama-3-aup:2.4", "Operation of critical infrastructure"),
    ("llama-3.1-license:1.a", "non-transferable and royalty-free limited license"),
    ("llama-3.1-license:1.b.i", "include \u201cLlama\u201d at the beginning of any such AI model name"),
    ("llama-3.1-license:1.b.iii", "Llama 3.1 is licensed under the Llama 3.1 Community License"),
    ("llama-3.1-aup:prohibited-uses.b1.b7", "malicious code"),
    ("llama-3.2-license:1.b.i", "Built with Llama"),
    ("llama-3.2-aup:p1", "principal place of business in, the European Union"),
    ("llama-3.2-aup:1.7", "circumvent or remove usage restrictions"),
    ("llama-3.3-license:1.b.i", "Built with Llama"),
    ("llama-3.3-license:2", "700 million monthly active users"),
    ("llama-3.3-aup:p1", "European Union"),
    ("llama-4-license:1.b.i", "Built with Llama"),
    ("llama-4-license:5.c", "litigation or other proceedings against Meta"),
    ("llama-4-aup:p1", "This restriction does not apply to end users"),
    ("llama-4-aup:1.7", "malicious code"),
    ("gemma-terms-2024:1.1.b", "Hosted Service"),
    ("gemma-terms-2024:1.1.e", "Model Derivatives"),
    ("gemma-terms-2025:1.1.b", "Hosted Service"),
    ("gemma-terms-2025:1.1.e", "distillation methods"),
    ("gemma-terms-2025:3.2", "Use Restrictions"),
    ("gemma-terms-2025:3.3.p1", "Google claims no rights in Outputs"),
    ("gemma-terms-2025:4.2.p1", "trademarks"),
    ("gemma-pup:gemma-prohibited-use-policy.p3", "You may not use nor allow others to use Gemma"),
    ("apache-2.0:3", "patent licenses granted to You under this License for that Work shall terminate"),
    ("apache-2.0:4.a", "a copy of this License"),
    ("apache-2.0:4.d", "NOTICE"),
    ("apache-2.0:4.p1", "may provide additional or different license terms"),
    ("apache-2.0:6", "does not grant permission to use the trade"),
    ("mit:p2", "The above copyright notice and this permission notice shall be"),
    ("cc-by-4.0:3.a.1", "If You Share the Licensed Material"),
    ("cc-by-sa-4.0:3.b", "ShareAlike"),
    ("cc-by-sa-4.0:3.b.1", "BY-SA Compatible License"),
    ("cc-by-nc-4.0:1.i", "NonCommercial means not primarily intended"),
    ("openai-terms-2023:2.c", "develop models that compete with OpenAI"),
    ("openai-terms-2023:3.a", "OpenAI hereby assigns to you all its right, title and interest in and to Output"),
    ("openai-terms-2024:using-our-services.p2.b7", "Use Output to develop models that compete with OpenAI."),
    ("deepseek-license:iii.4.a", "Use-based restrictions"),
    ("deepseek-license:iv.use-restrictions.b2", "For military use in any way"),
    ("qwen-license:1.a", "Qwen LICENSE AGREEMENT"),
    ("bigscience-openrail-m:iii.5", "Use-based restrictions"),
    ("stability-ai-community:introduction", "INTRODUCTION"),
]


@pytest.mark.parametrize("clause_id,phrase", PINPOINTS)
def test_pinpoint_contains_phrase(corpus, clause_id, phrase):
    clause = corpus.clause(clause_id)
    norm = " ".join(clause.text.split())
    assert " ".join(phrase.split()) in norm, f"{clause_id}: {clause.text[:200]!r}"


def test_every_required_document_loads(corpus):
    required = {
        "llama-2-license", "llama-2-aup", "llama-3-license", "llama-3-aup", "llama-3.1-license", "llama-3.1-aup",
        "llama-3.2-license", "llama-3.2-aup", "llama-3.3-license", "llama-3.3-aup", "llama-4-license", "llama-4-aup",
        "gemma-terms-2024", "gemma-terms-2025", "gemma-pup", "apache-2.0", "mit", "cc-by-4.0", "cc-by-sa-4.0",
        "cc-by-nc-4.0", "openai-terms-2023", "openai-terms-2024", "deepseek-license", "qwen-license",
        "nvidia-open-model-license", "bigscience-openrail-m", "stability-ai-community", "falcon-2-license",
    }
    assert required <= set(corpus.documents)
    for doc_id in required:
        assert len(corpus.documents[doc_id].clauses) >= 3, doc_id


def test_every_clause_is_a_verbatim_slice_with_unique_id(corpus):
    for doc in corpus.documents.values():
        ids = [c.clause_id for c in doc.clauses]
        assert len(ids) == len(set(ids)), doc.spec.doc_id
        for c in doc.clauses:
            assert doc.text[c.start:c.end] == c.text
            assert c.clause_id == f"{doc.spec.doc_id}:{c.path}"


def test_ids_are_stable_between_runs(corpus):
    for doc in corpus.documents.values():
        again = document_clauses(doc.spec.doc_id, doc.text, doc.appendices)
        assert [(c.clause_id, c.start, c.end) for c in again] == [(c.clause_id, c.start, c.end) for c in doc.clauses]


def test_parent_links_point_to_existing_clauses(corpus):
    for doc in corpus.documents.values():
        ids = {c.clause_id for c in doc.clauses}
        for c in doc.clauses:
            assert c.parent is None or c.parent in ids


def test_layouts():
    text = "Terms\n\n1. First.\n\ta. Alpha. Text here.\n\t\ti. Roman one.\n\t\tii. Roman two.\n\tb. Beta.\n2. Second.\n"
    ids = [c.path for c in parse_clauses("x", text)]
    assert ids == ["terms", "1", "1.a", "1.a.i", "1.a.ii", "1.b", "2"]
    md = "1. Top\n   1. Nested\n      1. Deeper\n   2. Nested two\n2. Top two\n"
    assert [c.path for c in parse_clauses("m", md)] == ["1", "1.1", "1.1.1", "1.2", "2"]
    gemma = "Section 1: DEFINITIONS\n\n1.1 Definitions\n\n(a) One.\n\n(b) Two.\n\n1.2\n\nText.\n\nSection 2: USE\n\n2.1 Use\n"
    assert [c.path for c in parse_clauses("g", gemma)] == ["1", "1.1", "1.1.a", "1.1.b", "1.2", "1.2.p1", "2", "2.1"]
    h = "a. one\nb. two\nc. three\nd. four\ne. five\nf. six\ng. seven\nh. eight\ni. nine\n"
    assert [c.path for c in parse_clauses("h", h)][-1] == "i"


@hsettings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(list("ab iv1.()-*\t\n:\"\u201cSXM") + ["\n\n", "  ", "1. ", "(a) ", "i. ", "Section 2: ",
                                                                   "1.1 ", "\u201cX\u201d means ", "**", "\n    "]),
                max_size=120).map("".join))
def test_parser_never_crashes_and_is_verbatim(text):
    clauses = parse_clauses("fuzz", text)
    ids = [c.clause_id for c in clauses]
    assert len(ids) == len(set(ids))
    for c in clauses:
        assert text[c.start:c.end] == c.text
        assert c.text.strip()


@hsettings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_parser_on_any_unicode(text):
    for c in parse_clauses("any", text):
        assert text[c.start:c.end] == c.text
