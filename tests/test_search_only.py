"""Retrieval on its own: glosses are indexed beside the verbatim clauses, and `eval --search-only` scores the
rule-free search."""

from __future__ import annotations

import json

from evals.runner import Evidence, Question
from evals.search_only import SearchResult, retrieve, search_metrics, write_predictions
from ingest.index import build_chunks, clause_glosses


def test_glosses_are_indexed_and_quotes_stay_verbatim(corpus, settings):
    glosses = clause_glosses(settings, corpus)
    assert "different large language model" in glosses["llama-3-license:1.b.v"]
    assert "llama-3-license:def-meta" not in glosses  # definitions add nothing a search needs
    chunks = [c for c in build_chunks(corpus, "fake-hash", glosses) if c.clause_id == "llama-3-license:1.b.v"]
    assert chunks and all("In plain words: " in c.embed_text for c in chunks)
    assert all(corpus.documents["llama-3-license"].text[c.start:c.end] == c.text for c in chunks)
    assert all("In plain words" not in c.text for c in chunks)


def test_search_metrics_and_predictions(tmp_path):
    q = Question("q1", "text", "conditional", (Evidence("llama-3*", "provide a copy of this Agreement"),), ())
    hit = ("llama-3-license:1.b.i", "llama-3-license", "(A) provide a copy of this Agreement with any such", 0.5)
    miss = ("llama-3-license:1.a", "llama-3-license", "Grant of Rights", 0.4)
    results = [SearchResult(q, [miss, hit], [miss])]
    m = search_metrics(results)
    assert m["steered_recall@1"] == 0.0 and m["steered_recall@3"] == 1.0 and m["unsteered_recall@5"] == 0.0
    out = tmp_path / "pred.jsonl"
    write_predictions(out, results)
    row = json.loads(out.read_text(encoding="utf-8"))
    assert row["id"] == "q1" and [c["clause_id"] for c in row["citations"]] == ["llama-3-license:1.a", "llama-3-license:1.b.i"]


def test_steered_retrieval_has_no_rules_vote(fake_services):
    hits = retrieve(fake_services.engine, "We publish our Gemma 2 fine-tune on Hugging Face", 5, steered=True)
    assert hits and {h.doc_id for h in hits} <= {"gemma-terms-2025", "gemma-pup"}
    wide = retrieve(fake_services.engine, "We publish our Gemma 2 fine-tune on Hugging Face", 5, steered=False)
    assert len(wide) == 5
