"""The all-licences index on a sample of the LicenseDB: built, searched with key/category/clause per hit, one vector
per distinct text, resumed after a crash without embedding anything twice, rebuilt from Chroma when its matrix is
lost. (The full build is a benchmark, in the README, not a test.)"""

from __future__ import annotations

import json

import numpy as np
import pytest

from ingest.embed import FAKE_MODEL, make_embedder
from ingest.errors import StoreError
from ingest.licensedb import licensedb_corpus
from ingest.licensedb_index import PREFIX, build_licence_index, passages, read_licence_catalog
from ingest.settings import Settings
from retrieval.licensedb_search import LicenceSearcher

SAMPLE = ["mit", "apache-2.0", "llama-3.1-license-2024", "gemma-tou-2024-04-01", "bigscience-open-rail-m", "bsd-new",
          "gpl-3.0", "cc-by-nc-4.0"]
COLLECTION = f"{PREFIX}-fake-hash"


@pytest.fixture
def home(tmp_path) -> Settings:
    return Settings.from_env({"CLAUSEWISE_HOME": str(tmp_path / "home"), "CLAUSEWISE_EMBED_MODEL": FAKE_MODEL})


class CountingEmbedder:
    """The fake embedder, counting the texts it is asked to embed."""

    def __init__(self):
        self.inner = make_embedder(FAKE_MODEL)
        self.model_name = FAKE_MODEL
        self.texts: list[str] = []

    def get_text_embedding_batch(self, texts, **kwargs):
        self.texts += texts
        return self.inner.get_text_embedding_batch(texts)

    def get_query_embedding(self, text):
        return self.inner.get_query_embedding(text)


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
    report = build_licence_index(corpus, home, make_embedder(FAKE_MODEL), infos=infos)
    assert report.collection == COLLECTION and report.embedded == report.distinct > 0
    searcher = LicenceSearcher(home, make_embedder(FAKE_MODEL), corpus=corpus)
    hits = searcher.search("more than 700 million monthly active users", k=3)
    assert (hits[0].key, hits[0].clause_id, hits[0].category) == ("llama-3.1-license-2024", "llama-3.1-license-2024:2",
                                                                  "Proprietary Free")
    assert "700 million monthly active users" in hits[0].text
    assert hits[0].text == corpus.documents["llama-3.1-license-2024"].text[hits[0].start:hits[0].end]
    assert "bigscience-open-rail-m" in {h.key for h in searcher.search("military use", k=5)}
    only = searcher.search("copyright notice", k=5, category="Permissive")
    assert only and {h.category for h in only} == {"Permissive"}
    assert {h.key for h in searcher.search("copyright notice", k=5, keys=["gpl-3.0"])} == {"gpl-3.0"}
    with pytest.raises(Exception, match="Unknown category"):
        searcher.search("copyright notice", category="Permissiv")
    again = build_licence_index(corpus, home, make_embedder(FAKE_MODEL), infos=infos)
    assert (again.embedded, again.removed) == (0, 0)  # incremental: nothing changed, nothing embedded


@pytest.mark.integration
def test_identical_passages_share_one_vector(home):
    corpus, infos = licensedb_corpus(keys=["bsd-new", "bsd-simplified", "mit"])
    embedder = CountingEmbedder()
    report = build_licence_index(corpus, home, embedder, infos=infos)
    items = passages(corpus)
    assert report.passages == len(items) and report.distinct == len({p.text for p in items}) < len(items)
    assert len(embedder.texts) == report.distinct == len(set(embedder.texts))  # each distinct text embedded once
    catalog = read_licence_catalog(home, COLLECTION)
    rows = dict(zip(zip(catalog["passages"]["key"], catalog["passages"]["clause"]), catalog["passages"]["row"]))
    keys = catalog["keys"]
    shared = [p for p in items if p.text.startswith("Redistribution and use in source and binary forms")]
    assert {p.key for p in shared} == {"bsd-new", "bsd-simplified"}
    assert len({rows[(keys.index(p.key), p.clause_id)] for p in shared}) == 1
    searcher = LicenceSearcher(home, make_embedder(FAKE_MODEL))
    hits = searcher.search("Redistribution and use in source and binary forms with or without modification", k=2)
    assert {h.key for h in hits} == {"bsd-new", "bsd-simplified"} and {h.identical_in for h in hits} == {1}


@pytest.mark.integration
def test_a_killed_build_resumes_without_embedding_twice(home, monkeypatch):
    import ingest.licensedb_index as index

    corpus, _ = licensedb_corpus(keys=SAMPLE)
    distinct = len({p.text for p in passages(corpus)})
    real = index._write
    calls = {"n": 0}

    def die_after_two(*args):
        calls["n"] += 1
        if calls["n"] > 2:
            raise KeyboardInterrupt  # as a Ctrl-C would, part-way
        return real(*args)

    monkeypatch.setattr(index, "_write", die_after_two)
    with pytest.raises(KeyboardInterrupt):
        build_licence_index(corpus, home, make_embedder(FAKE_MODEL), write_batch=64)
    assert read_licence_catalog(home, COLLECTION) is None  # nothing committed, nothing searchable yet
    monkeypatch.setattr(index, "_write", real)
    embedder = CountingEmbedder()
    report = build_licence_index(corpus, home, embedder, write_batch=64)
    assert report.distinct == distinct and report.embedded == len(embedder.texts) == distinct - 128
    hits = LicenceSearcher(home, make_embedder(FAKE_MODEL), corpus=corpus).search("700 million monthly active users")
    assert hits[0].clause_id == "llama-3.1-license-2024:2"


@pytest.mark.integration
def test_a_lost_matrix_is_refused_then_rewritten_from_chroma(home):
    corpus, infos = licensedb_corpus(keys=SAMPLE[:4])
    build_licence_index(corpus, home, make_embedder(FAKE_MODEL), infos=infos)
    before = LicenceSearcher(home, make_embedder(FAKE_MODEL), corpus=corpus).matrix.copy()
    [npy] = home.index_dir.glob(f"{COLLECTION}-*.npy")
    raw = npy.read_bytes()
    npy.write_bytes(raw[:-8] + bytes(b ^ 0xFF for b in raw[-8:]))
    with pytest.raises(StoreError, match="do not match the catalog"):
        LicenceSearcher(home, make_embedder(FAKE_MODEL))
    embedder = CountingEmbedder()
    report = build_licence_index(corpus, home, embedder, infos=infos)
    assert report.embedded == 0 and not embedder.texts  # the vectors came back from Chroma, nothing re-embedded
    assert np.allclose(LicenceSearcher(home, make_embedder(FAKE_MODEL)).matrix, before, atol=1e-6)


@pytest.mark.integration
def test_a_licence_changed_since_the_build_is_never_shown(home, monkeypatch):
    import retrieval.licensedb_search as search

    corpus, infos = licensedb_corpus(keys=SAMPLE)
    build_licence_index(corpus, home, make_embedder(FAKE_MODEL), infos=infos)
    searcher = LicenceSearcher(home, make_embedder(FAKE_MODEL), corpus=corpus)
    real = search._licence_text
    monkeypatch.setattr(search, "_licence_text",
                        lambda origin, key: real(origin, key).replace("700", "900") if key.startswith("llama") else
                        real(origin, key))
    hits = searcher.search("more than 700 million monthly active users", k=3)
    assert "llama-3.1-license-2024" not in {h.key for h in hits} and len(hits) == 3
    assert searcher.integrity_problems == ["llama-3.1-license-2024: the LicenseDB text changed since the "
                                           "all-licences build; run `clausewise ingest --all-licences`"]


@pytest.mark.integration
def test_cli_ingest_and_search_all_licences(home, monkeypatch, capsys):
    from cli import main

    monkeypatch.setenv("CLAUSEWISE_HOME", str(home.home))
    monkeypatch.setenv("CLAUSEWISE_EMBED_MODEL", FAKE_MODEL)
    assert main(["search", "anything", "--all-licences"]) == 2  # no index yet: says to build it
    assert "ingest --all-licences" in capsys.readouterr().err
    assert main(["ingest", "--all-licences", "--limit", "12"]) == 0
    out = capsys.readouterr().out
    assert "12 licences" in out and "keyword index built" in out
    assert main(["search", "permission is hereby granted", "--all-licences", "--json", "--k", "3"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows and set(rows[0]) >= {"key", "category", "clause_id", "text", "name", "identical_in"}
    assert rows[0]["clause_id"].startswith(rows[0]["key"] + ":")
    assert main(["ingest", "--all-licences", "--limit", "12"]) == 0
    assert "0 embedded, 0 removed, keyword index unchanged" in capsys.readouterr().out


@pytest.mark.integration
def test_search_bench_across_the_collection_reports_latency_and_memory(home, monkeypatch, capsys):
    from cli import main
    from evals.licensedb_bench import QUESTIONS, bench_all_licences

    corpus, infos = licensedb_corpus(keys=SAMPLE)
    report = build_licence_index(corpus, home, make_embedder(FAKE_MODEL), infos=infos)
    LicenceSearcher(home, make_embedder(FAKE_MODEL), corpus=corpus)  # the keyword index, as the ingest command builds it
    figures = bench_all_licences(home, rounds=2)
    assert (figures.licences, figures.chunks, figures.distinct_vectors, figures.queries, figures.rounds) == (
        len(SAMPLE), report.passages, report.distinct, len(QUESTIONS), 2)
    assert 0 < figures.p50_ms <= figures.p95_ms and len(figures.round_p95_ms) == 2 and figures.peak_rss_mb > 0
    assert figures.load_detail["keywords_built"] is False
    assert figures.to_json()["targets"][0]["target"] == "search p95 <= 50 ms"
    monkeypatch.setenv("CLAUSEWISE_HOME", str(home.home))
    monkeypatch.setenv("CLAUSEWISE_EMBED_MODEL", FAKE_MODEL)
    assert main(["bench", "--all-licences", "--rounds", "1", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["chunks"] == report.passages and out["licences"] == len(SAMPLE)


@pytest.mark.slow
@pytest.mark.integration
def test_the_real_model_on_two_onnx_workers_gives_the_one_session_vectors_and_finds_the_clauses(tmp_path):
    pytest.importorskip("onnxruntime")
    from ingest.licensedb_index import _Embedder

    home = Settings.from_env({"CLAUSEWISE_HOME": str(tmp_path / "real"), "CLAUSEWISE_EMBED_BACKEND": "onnx"})
    corpus, infos = licensedb_corpus(keys=["llama-3.1-license-2024", "bigscience-open-rail-m", "mit", "bsd-new"])
    texts = sorted({p.text for p in passages(corpus)})[:40]
    one = make_embedder(home.embed_model, settings=home)
    expected = np.asarray(one.get_text_embedding_batch(texts))
    two = _Embedder(make_embedder(home.embed_model, settings=home), home, workers=2, batch_size=16)
    try:
        assert len(two.sessions) == 2 and np.allclose(two(texts), expected, atol=1e-5)
        assert np.allclose(two(texts[:1]), expected[:1], atol=1e-5)  # a last slice of one text leaves a worker idle
    finally:
        two.close()
    build_licence_index(corpus, home, make_embedder(home.embed_model, settings=home), infos=infos)
    searcher = LicenceSearcher(home, make_embedder(home.embed_model, settings=home), corpus=corpus)
    assert searcher.search("more than 700 million monthly active users", k=1)[0].clause_id == "llama-3.1-license-2024:2"
    military = searcher.search("which licences forbid military use", k=3)
    assert military[0].key == "bigscience-open-rail-m"


@pytest.mark.integration
def test_the_first_builds_collection_is_removed_with_its_catalog(home):
    from ingest.index import catalog_path, chroma_client

    client = chroma_client(home)
    client.get_or_create_collection("licensedb-fake-hash").add(ids=["x"], embeddings=[[1.0, 0.0]])
    legacy = catalog_path(home, "licensedb-fake-hash")
    legacy.write_text("{}", encoding="utf-8")
    corpus, infos = licensedb_corpus(keys=["mit"])
    build_licence_index(corpus, home, make_embedder(FAKE_MODEL), infos=infos)
    assert not legacy.exists()
    assert [c.name for c in chroma_client(home).list_collections()] == [COLLECTION]
