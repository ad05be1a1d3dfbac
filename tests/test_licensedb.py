"""The all-licences collection on a sample of the LicenseDB: built, searched with key/category/clause per hit, resumed
after a crash without embedding anything twice. (The full build is a benchmark, in the README, not a test.)"""

from __future__ import annotations

import json

import pytest

from ingest.embed import FAKE_MODEL, make_embedder
from ingest.index import build_chunks, ingest
from ingest.licensedb import PREFIX, licensedb_corpus
from ingest.settings import Settings
from retrieval.search import Searcher

SAMPLE = ["mit", "apache-2.0", "llama-3.1-license-2024", "gemma-tou-2024-04-01", "bigscience-open-rail-m", "bsd-new",
          "gpl-3.0", "cc-by-nc-4.0"]


@pytest.fixture
def home(tmp_path) -> Settings:
    return Settings.from_env({"CLAUSEWISE_HOME": str(tmp_path / "home"), "CLAUSEWISE_EMBED_MODEL": FAKE_MODEL})


def test_sample_is_read_with_keys_categories_and_clauses():
    corpus, infos = licensedb_corpus(keys=SAMPLE)
    assert sorted(corpus.documents) == sorted(SAMPLE)
    assert infos["mit"].category == "Permissive" and infos["gpl-3.0"].category == "Copyleft"
    assert corpus.documents["apache-2.0"].spec.family == "Permissive"
    assert "apache-2.0:4.d" in {c.clause_id for c in corpus.documents["apache-2.0"].clauses}
    assert len(licensedb_corpus(limit=5)[0].documents) == 5


@pytest.mark.integration
def test_search_across_the_sample_names_key_category_and_clause(home):
    corpus, infos = licensedb_corpus(keys=SAMPLE)
    report = ingest(corpus, home, make_embedder(FAKE_MODEL), prefix=PREFIX)
    assert report.collection == f"{PREFIX}-fake-hash" and report.embedded == report.chunks > 0
    searcher = Searcher(corpus, home, make_embedder(FAKE_MODEL), prefix=PREFIX, extra_prefixes=())
    hits = searcher.search("more than 700 million monthly active users", k=3, steer=False)
    assert (hits[0].doc_id, hits[0].clause_id) == ("llama-3.1-license-2024", "llama-3.1-license-2024:2")
    assert infos[hits[0].doc_id].category == "Proprietary Free"
    hits = searcher.search("military use", k=5, steer=False)
    assert "bigscience-open-rail-m" in {h.doc_id for h in hits}
    only = searcher.search("copyright notice", k=5, family="Permissive", steer=False)
    assert only and {infos[h.doc_id].category for h in only} == {"Permissive"}
    again = ingest(corpus, home, make_embedder(FAKE_MODEL), prefix=PREFIX)
    assert (again.embedded, again.removed) == (0, 0)  # incremental: nothing changed, nothing embedded


@pytest.mark.integration
def test_a_killed_build_resumes_without_embedding_twice(home, monkeypatch):
    import ingest.index as index

    corpus, _ = licensedb_corpus(keys=SAMPLE)
    total = len(build_chunks(corpus, FAKE_MODEL))
    real = index._upsert
    calls = {"n": 0}

    def die_after_two(collection, nodes):
        calls["n"] += 1
        if calls["n"] > 2:
            raise KeyboardInterrupt  # as a Ctrl-C would, part-way
        return real(collection, nodes)

    monkeypatch.setattr(index, "_upsert", die_after_two)
    with pytest.raises(KeyboardInterrupt):
        ingest(corpus, home, make_embedder(FAKE_MODEL), prefix=PREFIX, batch_size=16)
    monkeypatch.setattr(index, "_upsert", real)
    report = ingest(corpus, home, make_embedder(FAKE_MODEL), prefix=PREFIX, batch_size=16)
    assert report.chunks == total and report.embedded == total - 32


@pytest.mark.integration
def test_cli_ingest_and_search_all_licences(home, monkeypatch, capsys):
    from cli import main

    monkeypatch.setenv("CLAUSEWISE_HOME", str(home.home))
    monkeypatch.setenv("CLAUSEWISE_EMBED_MODEL", FAKE_MODEL)
    assert main(["search", "anything", "--all-licences"]) == 2  # no index yet: says to build it
    assert "ingest --all-licences" in capsys.readouterr().err
    assert main(["ingest", "--all-licences", "--limit", "12"]) == 0
    assert "12 licences" in capsys.readouterr().out
    assert main(["search", "permission is hereby granted", "--all-licences", "--json", "--k", "3"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and set(rows[0]) >= {"key", "category", "clause_id", "text", "name"}
    assert rows[0]["clause_id"].startswith(rows[0]["key"] + ":")


@pytest.mark.integration
def test_search_bench_across_the_collection_reports_latency_and_memory(home, monkeypatch, capsys):
    from cli import main
    from evals.licensedb_bench import QUESTIONS, bench_all_licences

    corpus, _ = licensedb_corpus(keys=SAMPLE)
    report = ingest(corpus, home, make_embedder(FAKE_MODEL), prefix=PREFIX)
    figures = bench_all_licences(home, rounds=2)
    assert (figures.licences, figures.chunks, figures.queries, figures.rounds) == (len(SAMPLE), report.chunks,
                                                                                   len(QUESTIONS), 2)
    assert 0 < figures.p50_ms <= figures.p95_ms and len(figures.round_p95_ms) == 2 and figures.peak_rss_mb > 0
    assert figures.to_json()["targets"][0]["target"] == "search p95 <= 50 ms"
    monkeypatch.setenv("CLAUSEWISE_HOME", str(home.home))
    monkeypatch.setenv("CLAUSEWISE_EMBED_MODEL", FAKE_MODEL)
    assert main(["bench", "--all-licences", "--rounds", "1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["chunks"] == report.chunks and out["licences"] == len(SAMPLE)
