"""The in-memory indexes a search scores against: a dense vector matrix and a BM25 keyword index.

Chroma stays the durable store; at load the vectors of the chunks the committed catalog lists are read from it once and
held here as one float32 matrix, so a query costs one embedding plus a matrix-vector product and a sparse BM25 pass
(microseconds for a few thousand chunks). Both indexes return one score per chunk row, in the order of the chunk list
they were built from, which is what lets one query's scores be cut into as many scopes as an answer needs.

`DenseIndex` and `KeywordIndex` are the seams: another backend (an ANN index for a much larger collection, another
keyword scorer, extra text per chunk) only has to return a score per row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

TOKEN_PATTERN = r"(?u)\b\w\w+\b"


class DenseIndex(Protocol):
    def __len__(self) -> int: ...

    def scores(self, query_vector: Sequence[float]) -> np.ndarray:
        """Cosine similarity of the query to every row, as float64."""


class KeywordIndex(Protocol):
    def __len__(self) -> int: ...

    def scores(self, text: str) -> np.ndarray:
        """A BM25 score for every row (0 where no query term occurs), as float64."""

    def top(self, scores: np.ndarray, k: int) -> np.ndarray:
        """The rows of the k best scores, best first."""


def pin_threads(embedder=None, query_threads: int = 1) -> None:
    """One BLAS thread for numpy and one intra-op thread for torch, for steady query latency; the ONNX embedder's own
    runtime (when `embedder` is one) gets `query_threads` (`Settings.query_threads`).

    A 1,400 x 384 product takes microseconds, and torch's second thread spins: measured with all-MiniLM-L6-v2 at load
    average ~20, one query embedding p50 1,406 ms with two torch threads, 93 ms with one. ONNX Runtime with spinning
    off splits a question well on an idle second core and degrades gracefully on a busy one (README "Query threads").
    """
    import sys

    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")
    torch = sys.modules.get("torch")  # only when a real model is loaded; the fake embedder never imports torch
    if torch is not None:
        torch.set_num_threads(1)
    pin = getattr(embedder, "pin_threads", None)  # ingest.onnx_embed.OnnxEmbedding: its own ONNX Runtime pool
    if pin is not None:
        pin(query_threads)


class VectorMatrix:
    """Unit-normalised float32 rows; a score is a dot product, the same number Chroma's cosine space reports."""

    def __init__(self, rows: np.ndarray):
        if rows.ndim != 2:
            raise ValueError(f"expected a 2-d matrix, got shape {rows.shape}")
        norms = np.linalg.norm(rows, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        self.matrix = np.ascontiguousarray(rows / norms, dtype=np.float32)

    def __len__(self) -> int:
        return self.matrix.shape[0]

    @property
    def dim(self) -> int:
        return self.matrix.shape[1]

    def scores(self, query_vector: Sequence[float]) -> np.ndarray:
        q = np.asarray(query_vector, dtype=np.float32)
        if q.shape != (self.dim,):
            raise ValueError(f"query vector has {q.size} dimensions, the index {self.dim}")
        n = float(np.linalg.norm(q)) or 1.0
        return (self.matrix @ (q / n)).astype(np.float64)


class Bm25Keywords:
    """bm25s scored directly: the tokens, stemmer and stopwords llama-index's BM25Retriever used, so the scores are the
    ones the previous retriever produced, without its node objects or a top-k cut before scoping."""

    def __init__(self, texts: Sequence[str]):
        import bm25s
        import Stemmer

        self._bm25s = bm25s
        self._stemmer = Stemmer.Stemmer("english")
        tokens = bm25s.tokenize(list(texts), stopwords="en", stemmer=self._stemmer, token_pattern=TOKEN_PATTERN,
                                show_progress=False)
        self._index = bm25s.BM25()
        self._index.index(tokens, show_progress=False)
        self._n = len(texts)

    def __len__(self) -> int:
        return self._n

    def tokens(self, text: str) -> list[str]:
        return self._bm25s.tokenize(text, stemmer=self._stemmer, token_pattern=TOKEN_PATTERN, return_ids=False,
                                    show_progress=False)[0]

    def scores(self, text: str) -> np.ndarray:
        ids = self._index.get_tokens_ids(self.tokens(text))
        if not ids:
            return np.zeros(self._n, dtype=np.float64)
        return np.asarray(self._index.get_scores_from_ids(ids), dtype=np.float64)

    def top(self, scores: np.ndarray, k: int) -> np.ndarray:
        # bm25s's own selection, so rows with equal scores come in the order its retriever returned them.
        from bm25s.selection import topk

        _, rows = topk(scores, k=min(k, self._n), backend="numpy", sorted=True)
        return np.asarray(rows)


@dataclass(frozen=True)
class StoredVectors:
    """What the durable store holds for the catalog's chunks: a vector per found id, and the ids it could not vouch for."""

    vectors: dict[str, np.ndarray]
    problems: tuple[str, ...]


def read_vectors(collection, chunks: Sequence, *, batch: int = 2000) -> StoredVectors:
    """Fetch the vectors of `chunks` from a Chroma collection, each checked against its chunk.

    A vector is trusted only if Chroma stored it with the chunk's own embedded text: a chunk id whose row is missing,
    has another text or a malformed vector is reported and left out, exactly like a chunk whose text no longer matches
    its source.
    """
    expected = {c.chunk_id: c.embed_text for c in chunks}
    ids = list(expected)
    vectors: dict[str, list[float]] = {}
    problems: list[str] = []
    reported: set[str] = set()
    dim = None
    for i in range(0, len(ids), batch):
        got = collection.get(ids=ids[i:i + batch], include=["embeddings", "documents"])
        for cid, vec, doc in zip(got["ids"], got["embeddings"], got["documents"]):
            arr = np.asarray(vec, dtype=np.float32)
            dim = dim or arr.size
            if doc != expected[cid]:
                problems.append(f"{cid}: the stored text is not the chunk's")
                reported.add(cid)
            elif arr.ndim != 1 or arr.size != dim or not np.isfinite(arr).all() or not arr.any():
                problems.append(f"{cid}: malformed vector")
                reported.add(cid)
            else:
                vectors[cid] = arr
    problems += [f"{cid}: no vector stored" for cid in ids if cid not in vectors and cid not in reported]
    return StoredVectors(vectors, tuple(problems))
