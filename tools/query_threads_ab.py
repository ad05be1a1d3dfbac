"""Compare query-embedding thread counts on the full answer path: `python tools/query_threads_ab.py [ROUNDS] [A B]`.

The public questions go through `Engine.answer` with A threads, then B, then B, then A, ... in one loaded process, so
both counts see the same machine; each round starts with a short warm-up on altered questions."""

from __future__ import annotations

import json
import sys
import time

import numpy as np

from ingest.settings import Settings
from retrieval.service import Services

QUESTIONS = "evals/questions.jsonl"


def main(rounds: int = 6, counts: tuple[int, int] = (1, 2)) -> None:
    engine = Services.load(Settings.from_env()).engine
    embedder = engine.searcher.embedder
    if not hasattr(embedder, "pin_threads"):
        raise SystemExit("The loaded embedder has no thread setting; this compares the ONNX backend only.")
    with open(QUESTIONS, encoding="utf-8") as fh:
        questions = [json.loads(line)["question"] for line in fh]
    times: dict[int, list[float]] = {c: [] for c in counts}
    medians: dict[int, list[float]] = {c: [] for c in counts}
    for r in range(rounds):
        for threads in counts if r % 2 == 0 else tuple(reversed(counts)):
            embedder.pin_threads(threads)
            for q in questions[:20]:
                engine.answer(q + " (warm-up)")
            ms = []
            for q in questions:
                t = time.perf_counter()
                engine.answer(q)
                ms.append((time.perf_counter() - t) * 1000)
            times[threads] += ms
            medians[threads].append(round(float(np.percentile(ms, 50)), 1))
    for threads, ms in times.items():
        print(f"{threads} thread(s): answer p50 {np.percentile(ms, 50):.1f} ms, p95 {np.percentile(ms, 95):.1f} ms; "
              f"p50 per round {medians[threads]}")


if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 6
    pair = (int(sys.argv[2]), int(sys.argv[3])) if len(sys.argv) > 3 else (1, 2)
    main(n, pair)
