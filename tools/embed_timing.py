"""Time one embedding backend: `python tools/embed_timing.py onnx|torch query` (the public questions embedded one at
a time, one thread, after a warm-up) or `... onnx|torch N` (the first N corpus chunks in batches)."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import numpy as np

from ingest.embed import make_embedder
from ingest.settings import Settings
from retrieval.backends import pin_threads

QUESTIONS = Path(__file__).resolve().parent.parent / "evals" / "questions.jsonl"


def main(backend: str, what: str) -> None:
    settings = Settings.from_env()
    emb = make_embedder(settings.embed_model, settings=settings, backend=backend)
    if what == "query":
        questions = [json.loads(line)["question"] for line in QUESTIONS.read_text(encoding="utf-8").splitlines()]
        pin_threads(emb, settings.query_threads)
        for q in questions[:20]:
            emb.get_query_embedding(q + " (warm-up)")
        ms = []
        for q in questions:
            t = time.perf_counter()
            emb.get_query_embedding(q)
            ms.append((time.perf_counter() - t) * 1000)
        print(f"{backend} query: n={len(ms)} p50 {np.percentile(ms, 50):.2f} ms p95 {np.percentile(ms, 95):.2f} ms")
        return
    from ingest.corpus import load_corpus
    from ingest.index import build_chunks

    texts = [c.embed_text for c in build_chunks(load_corpus(settings), settings.embed_model)][:int(what)]
    t = time.perf_counter()
    emb.get_text_embedding_batch(texts)
    dt = time.perf_counter() - t
    print(f"{backend} batch: {len(texts)} texts {dt:.1f} s, {len(texts) / dt:.1f} texts/s")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else "query")
