"""Many questions at once while an ingest runs: correct answers, no errors; two ingests at once are serialised."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from ingest.embed import HashEmbedding
from ingest.errors import StoreError
from ingest.index import ingest

pytestmark = pytest.mark.integration

QUESTIONS = [
    ("Can we use Llama 3 70B outputs to train a Mistral model and publish it?", "not_permitted"),
    ("We want to publish our fine-tuned Mixtral 8x7B weights on Hugging Face.", "conditional"),
    ("We fine-tuned Mistral 7B and use it only internally.", "permitted"),
    ("Can I fine-tune Claude 3 Haiku outputs into an open model and sell it?", "unclear"),
]


class SlowHash(HashEmbedding):
    """The fake embedder, slowed so that an ingest is still running while questions arrive."""

    def _get_text_embedding(self, text: str) -> list[float]:
        threading.Event().wait(0.002)
        return self._vector(text)


def test_questions_during_ingest_and_a_second_ingest_is_refused(fake_services):
    settings, corpus = fake_services.settings, fake_services.corpus
    slow = SlowHash(model_name="fake-hash")
    started = threading.Event()

    def rebuild():
        started.set()
        return ingest(corpus, settings, slow, rebuild=True, batch_size=16)

    with ThreadPoolExecutor(max_workers=9) as pool:
        job = pool.submit(rebuild)
        started.wait(5)
        threading.Event().wait(0.3)
        with pytest.raises(StoreError, match="Another ingest"):
            ingest(corpus, settings, slow)
        answers = list(pool.map(lambda qv: (fake_services.engine.answer(qv[0]).verdict, qv[1]), QUESTIONS * 10))
        report = job.result(timeout=600)
    assert all(got == want for got, want in answers)
    assert report.embedded == report.chunks  # the rebuild really re-embedded everything while questions ran
