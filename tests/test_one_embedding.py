"""An answer costs one query embedding and one scoring pass, however many searches it cuts from them."""

from __future__ import annotations

import numpy as np

from ingest.embed import HashEmbedding
from retrieval.search import Searcher


class _Direct(HashEmbedding):
    """The fake embedder with the ONNX embedder's direct entry point, counting which one the searcher calls."""

    def query_vector(self, query: str) -> np.ndarray:
        type(self).direct += 1
        return np.asarray(self._vector(query), dtype=np.float32)

    def _get_query_embedding(self, query: str) -> list[float]:
        type(self).wrapped += 1
        return self._vector(query)


def test_an_answer_embeds_its_question_once(fake_services, monkeypatch):
    engine = fake_services.engine
    calls = {"embed": 0, "score": 0}
    real_embed = HashEmbedding._get_query_embedding
    real_score = Searcher.score

    def embed(self, query):
        calls["embed"] += 1
        return real_embed(self, query)

    def score(self, query):
        calls["score"] += 1
        return real_score(self, query)

    monkeypatch.setattr(HashEmbedding, "_get_query_embedding", embed)
    monkeypatch.setattr(Searcher, "score", score)
    for question in ("We fine-tuned Llama 3.1 with LoRA and will publish the adapter on Hugging Face.",
                     "Can I use Gemma 2 outputs to train a different model?",
                     "Does s.1.b.v of the Llama 3 licence survive in 3.1?"):
        calls.update(embed=0, score=0)
        answer = engine.answer(question)
        assert answer.citations and answer.background  # the scenario search, the clause reading and the notes ran
        assert calls == {"embed": 1, "score": 1}, question


def test_the_direct_query_vector_gives_the_same_scores(fake_services):
    _Direct.direct = _Direct.wrapped = 0
    direct = Searcher(fake_services.corpus, fake_services.settings, _Direct(model_name="fake-hash"),
                      registry=fake_services.registry)
    q = "May I distill Gemma into my own model and sell access through an API?"
    got, want = direct.score(q), fake_services.searcher.score(q)
    assert (_Direct.direct, _Direct.wrapped) == (1, 0)
    assert np.array_equal(got.dense, want.dense) and np.array_equal(got.keyword, want.keyword)
    assert np.array_equal(got.keyword_order, want.keyword_order)
    hits = direct.search(q, k=5, scores=got)
    assert [h.clause_id for h in hits] == [h.clause_id for h in fake_services.searcher.search(q, k=5, scores=want)]
