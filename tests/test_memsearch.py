"""The in-memory search: vectors and BM25 held in memory give the scores the Chroma / llama-index stack gave, vectors
are checked against their chunks when loaded, and one question is embedded once however many scopes an answer ranks."""

from __future__ import annotations

import numpy as np
import pytest

from ingest.embed import FAKE_MODEL, make_embedder
from ingest.index import catalog_path, chroma_client, collection_name, ingest, read_catalog
from retrieval.backends import Bm25Keywords, VectorMatrix, read_vectors
from retrieval.search import KEYWORD_POOL, Searcher

COLLECTION = collection_name(FAKE_MODEL)


class CountingEmbedder:
    """The fake embedder, counting query embeddings."""

    def __init__(self):
        self.inner = make_embedder(FAKE_MODEL)
        self.model_name = FAKE_MODEL
        self.queries: list[str] = []

    def get_query_embedding(self, text: str):
        self.queries.append(text)
        return self.inner.get_query_embedding(text)


@pytest.fixture(scope="module")
def indexed(sources_dir, tmp_path_factory, corpus):
    from ingest.settings import Settings

    settings = Settings.from_env({"CLAUSEWISE_SOURCES": str(sources_dir),
                                  "CLAUSEWISE_HOME": str(tmp_path_factory.mktemp("memhome"))})
    ingest(corpus, settings, make_embedder(FAKE_MODEL))
    return settings


def test_dense_scores_are_the_chroma_cosine_similarities(indexed, corpus):
    searcher = Searcher(corpus, indexed, make_embedder(FAKE_MODEL))
    query = "use the outputs to improve any other large language model"
    vec = make_embedder(FAKE_MODEL).get_query_embedding(query)
    got = chroma_client(indexed).get_collection(COLLECTION).query(query_embeddings=[vec], n_results=10,
                                                                  include=["distances"])
    scores = searcher.dense.scores(vec)
    row = {c.chunk_id: i for i, c in enumerate(searcher._rows)}
    for cid, distance in zip(got["ids"][0], got["distances"][0]):
        assert scores[row[cid]] == pytest.approx(1 - distance, abs=1e-5)
    top = [searcher._rows[i].chunk_id for i in np.argsort(-scores)[:10]]
    assert top[:5] == got["ids"][0][:5]


def test_keyword_scores_and_order_are_llama_index_bm25_retrievers(indexed, corpus):
    from llama_index.core.schema import TextNode
    from llama_index.retrievers.bm25 import BM25Retriever

    searcher = Searcher(corpus, indexed, make_embedder(FAKE_MODEL))
    from retrieval.search import version_tags

    def keyword_text(c):
        # The indexed keyword text ends with the chunk's version tokens (`llama3p1`), header included.
        tags = version_tags(f"doc_id: {c.doc_id}\nfamily: {c.family}\n\n{c.embed_text}")
        return c.embed_text + ("\n" + " ".join(tags) if tags else "")

    nodes = [TextNode(id_=c.chunk_id, text=keyword_text(c), metadata={"doc_id": c.doc_id, "family": c.family})
             for c in searcher._rows]
    reference = BM25Retriever.from_defaults(nodes=nodes, similarity_top_k=KEYWORD_POOL)
    for query in ("distribute copies of the Llama Materials with a copy of this Agreement",
                  "700 million monthly active users", "military weapons", "the and of"):
        want = [(n.node.node_id, round(n.score, 4)) for n in reference.retrieve(query) if n.score > 0]
        scores = searcher.keywords.scores(query)
        order = searcher.keywords.top(scores, KEYWORD_POOL)
        got = [(searcher._rows[i].chunk_id, round(float(scores[i]), 4)) for i in order if scores[i] > 0]
        assert got == want


def test_empty_keyword_query_scores_zero():
    index = Bm25Keywords(["apache licence notice", "mit permission notice"])
    assert index.scores("the of and").tolist() == [0.0, 0.0]
    assert index.scores("notice").tolist()[0] > 0


def test_vector_matrix_normalises_and_checks_dimensions():
    m = VectorMatrix(np.array([[3.0, 4.0], [0.0, 2.0]]))
    assert m.scores([1.0, 0.0]).tolist() == pytest.approx([0.6, 0.0])
    with pytest.raises(ValueError):
        m.scores([1.0, 0.0, 0.0])


def test_a_vector_stored_with_another_text_is_dropped_and_reported(indexed, corpus, tmp_path):
    import shutil
    from dataclasses import replace

    copy = replace(indexed, home=tmp_path / "home")
    shutil.copytree(indexed.home, copy.home)
    victim = read_catalog(catalog_path(copy, COLLECTION))["chunks"][3]
    collection = chroma_client(copy).get_collection(COLLECTION)
    vec = collection.get(ids=[victim["chunk_id"]], include=["embeddings"])["embeddings"][0]
    collection.update(ids=[victim["chunk_id"]], documents=["some other text"], embeddings=[vec])
    other = read_catalog(catalog_path(copy, COLLECTION))["chunks"][4]
    collection.delete(ids=[other["chunk_id"]])
    searcher = Searcher(corpus, copy, make_embedder(FAKE_MODEL))
    assert victim["chunk_id"] not in searcher.chunks and other["chunk_id"] not in searcher.chunks
    assert any(p.startswith(f"{victim['chunk_id']}: the stored text is not the chunk's") for p in searcher.integrity_problems)
    assert any(p.startswith(f"{other['chunk_id']}: no vector stored") for p in searcher.integrity_problems)
    assert len(searcher.chunks) == len(read_catalog(catalog_path(copy, COLLECTION))["chunks"]) - 2


def test_read_vectors_reports_malformed_rows(indexed, corpus):
    from ingest.index import build_chunks

    chunks = build_chunks(corpus, FAKE_MODEL)[:3]
    stored = read_vectors(chroma_client(indexed).get_collection(COLLECTION), chunks)
    assert set(stored.vectors) == {c.chunk_id for c in chunks} and stored.problems == ()


def test_an_answer_embeds_its_question_once(indexed, corpus):
    from retrieval.answer import Engine
    from retrieval.registry import Registry
    from retrieval.rules import RuleTable
    from ingest.sources import load_manifest

    embedder = CountingEmbedder()
    registry = Registry.load()
    searcher = Searcher(corpus, indexed, embedder, registry=registry)
    rules = RuleTable.load(known_clause_ids={c.clause_id for c in corpus.all_clauses()},
                           known_doc_ids=set(load_manifest().ids()))
    engine = Engine(corpus, registry, searcher, rules)
    answer = engine.answer("I fine-tuned Llama 3 8B and want to publish the weights on Hugging Face")
    assert len(embedder.queries) == 1  # scenario search, cross-check and background notes share one ranking
    assert answer.background and answer.citations
    # the shared ranking cuts give what separate searches give
    text = answer.question
    alone = searcher.search(text, k=2, doc_ids=[d for d, doc in corpus.documents.items() if not doc.spec.is_primary],
                            include_secondary=True)
    assert [h.clause_id for h in alone] == [c.clause_id for c in answer.background]
