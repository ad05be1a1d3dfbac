"""all-MiniLM-L6-v2 (or any BERT-style sentence-transformers folder) run by ONNX Runtime instead of torch.

sentence-transformers' own `backend="onnx"` goes through Optimum, and no Optimum release installs beside the
sentence-transformers 6 / transformers 5 this project uses (optimum-onnx 0.1.0 pins transformers < 4.58 and fails to
import with 5.x). So the export is done here, once and offline, with torch's own ONNX exporter from the packaged
weights: the graph is the sentence-transformers pipeline of the model folder (transformer, mean pooling over the
attention mask, L2 normalisation), tokenised with the folder's own `tokenizer.json` through `tokenizers`. The exported
file is cached in a folder of the user's shared by every home (`Settings.onnx_cache_dir`: CLAUSEWISE_ONNX_CACHE, else
`$XDG_CACHE_HOME/clausewise/onnx` or `~/.cache/clausewise/onnx`), keyed by the weights it came from, and written
atomically, so a killed export leaves nothing half-written and a second process, or a second home, simply finds it.

It is the default backend; `CLAUSEWISE_EMBED_BACKEND=torch` selects torch. The figures that decided it are in the
README ("Embedding backends").
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from llama_index.core.base.embeddings.base import BaseEmbedding
from pydantic import PrivateAttr

from ingest.errors import ConfigError

EXPORT_VERSION = 2  # part of the cache key: bump it when the exported graph changes
OPSET = 17
BACKENDS = ("onnx", "torch")


class OnnxUnavailable(ConfigError):
    """The ONNX backend cannot run this model here (a package missing, a model folder it does not export); with the
    backend left at its default, the embedder falls back to torch instead (`ingest.embed.make_embedder`)."""


def _require_runtime():
    try:
        import onnxruntime
    except ImportError as exc:
        raise OnnxUnavailable("The ONNX embedding backend needs onnxruntime (pip install onnxruntime), "
                              "or set CLAUSEWISE_EMBED_BACKEND=torch.") from exc
    return onnxruntime


def _read_json(path: Path) -> dict:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path} is unreadable ({exc}); the model folder is damaged.") from exc


def _check_pipeline(model_dir: Path) -> int:
    """The folder must be the pipeline this export reproduces (transformer, mean pooling, optional normalise);
    returns its max sequence length."""
    modules = _read_json(model_dir / "modules.json")
    kinds = [m.get("type", "").rsplit(".", 1)[-1] for m in modules] if isinstance(modules, list) else []
    pooling = _read_json(model_dir / "1_Pooling" / "config.json")
    if kinds[:2] != ["Transformer", "Pooling"] or set(kinds[2:]) - {"Normalize"} or \
            not pooling.get("pooling_mode_mean_tokens") or \
            any(v for k, v in pooling.items() if k.startswith("pooling_mode_") and k != "pooling_mode_mean_tokens"):
        raise OnnxUnavailable(f"The ONNX backend exports mean-pooled sentence-transformers models; {model_dir} is "
                              f"{kinds or 'not one'}. Use CLAUSEWISE_EMBED_BACKEND=torch for it.")
    if not (model_dir / "tokenizer.json").is_file():
        raise OnnxUnavailable(f"{model_dir} has no tokenizer.json; use CLAUSEWISE_EMBED_BACKEND=torch for this model.")
    return int(_read_json(model_dir / "sentence_bert_config.json").get("max_seq_length") or 256)


def _weights(model_dir: Path) -> Path:
    for name in ("model.safetensors", "pytorch_model.bin"):
        if (model_dir / name).is_file():
            return model_dir / name
    raise ConfigError(f"{model_dir} holds no model weights (model.safetensors); the model folder is damaged.")


def export_key(model_dir: Path) -> str:
    """Names the export: the weights file it came from (path, size, mtime) and the exporter settings."""
    w = _weights(model_dir)
    st = w.stat()
    raw = json.dumps([str(w.resolve()), st.st_size, st.st_mtime_ns, EXPORT_VERSION, OPSET])
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]


def export_path(model_dir: Path, onnx_dir: Path) -> Path:
    """Where the export of `model_dir` lives in the ONNX cache folder `onnx_dir`."""
    return onnx_dir / f"{model_dir.name}-{export_key(model_dir)}" / "model.onnx"


def export_onnx(model_dir: Path, onnx_dir: Path) -> Path:
    """The cached ONNX file for `model_dir`, exported from its weights on first use (offline: only local files).
    `onnx_dir` is the user-level cache folder (`Settings.onnx_cache_dir`), shared by every home."""
    max_len = _check_pipeline(model_dir)
    target = export_path(model_dir, onnx_dir)
    if target.is_file():
        return target
    try:
        import onnx  # noqa: F401 - torch's exporter needs it to serialise the graph
        import torch
        from transformers import AutoModel
    except ImportError as exc:
        raise OnnxUnavailable("Exporting the model to ONNX needs torch and onnx (pip install onnx); it runs once, "
                              "the exported file is cached.") from exc
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(f"Cannot create the ONNX cache folder {target.parent} ({exc}); set CLAUSEWISE_ONNX_CACHE "
                          "to a writable folder, or CLAUSEWISE_EMBED_BACKEND=torch.") from exc

    class Pipeline(torch.nn.Module):
        """transformer -> mean over real tokens -> unit length, as the sentence-transformers modules compute it."""

        def __init__(self, model):
            super().__init__()
            self.model = model

        def forward(self, input_ids, attention_mask, token_type_ids):
            tokens = self.model(input_ids=input_ids, attention_mask=attention_mask,
                                token_type_ids=token_type_ids).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(tokens.dtype)
            mean = (tokens * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2, dim=1)

    model = AutoModel.from_pretrained(str(model_dir), local_files_only=True).eval()
    ids = torch.ones((2, 8), dtype=torch.long)
    mask = torch.ones((2, 8), dtype=torch.long)
    mask[1, 5:] = 0  # a padded row, so no tracing shortcut for an all-ones mask can end up in the graph
    tmp = target.with_suffix(f".tmp-{os.getpid()}")
    info_tmp = target.parent / f"export.json.tmp-{os.getpid()}"
    axes = {"input_ids": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
            "token_type_ids": {0: "batch", 1: "tokens"}, "embedding": {0: "batch"}}
    try:
        with torch.no_grad():
            torch.onnx.export(Pipeline(model), (ids, mask, torch.zeros_like(ids)), str(tmp), dynamo=False,
                              input_names=["input_ids", "attention_mask", "token_type_ids"],
                              output_names=["embedding"], dynamic_axes=axes, opset_version=OPSET)
        info_tmp.write_text(json.dumps({"model_dir": str(model_dir), "max_seq_length": max_len, "opset": OPSET,
                                        "torch": torch.__version__}), encoding="utf-8")
        os.replace(info_tmp, target.parent / "export.json")
        os.replace(tmp, target)  # last: a reader that finds model.onnx finds it whole
    except Exception as exc:  # noqa: BLE001 - the exporter raises many types; the user needs one message
        raise ConfigError(f"Exporting {model_dir} to ONNX failed ({type(exc).__name__}: {exc}); "
                          "use CLAUSEWISE_EMBED_BACKEND=torch.") from exc
    finally:
        tmp.unlink(missing_ok=True)
        info_tmp.unlink(missing_ok=True)
    return target


class OnnxEmbedding(BaseEmbedding):
    """A sentence-transformers model exported to ONNX, behind llama-index's embedding seam.

    `threads` is ONNX Runtime's intra-op pool (0: its default, one per core). A searcher calls `pin_threads(n)` with
    the settings' query threads; a batch worker of the all-licences build pins one (`ingest.licensedb_index`).
    """

    model_dir: str
    onnx_path: str
    max_length: int = 256
    threads: int = 0
    _session = PrivateAttr(default=None)
    _tokenizer = PrivateAttr(default=None)

    @classmethod
    def class_name(cls) -> str:
        return "OnnxEmbedding"

    @classmethod
    def load(cls, model_name: str, model_dir: Path, onnx_dir: Path, *, batch_size: int = 32,
             threads: int = 0) -> "OnnxEmbedding":
        _require_runtime()
        max_len = _check_pipeline(model_dir)
        path = export_onnx(model_dir, onnx_dir)
        emb = cls(model_name=model_name, model_dir=str(model_dir), onnx_path=str(path), max_length=max_len,
                  threads=threads, embed_batch_size=batch_size)
        emb._start()
        return emb

    def _start(self) -> None:
        ort = _require_runtime()
        from tokenizers import Tokenizer

        tok = Tokenizer.from_file(str(Path(self.model_dir) / "tokenizer.json"))
        tok.enable_truncation(max_length=self.max_length)
        pad_id = tok.token_to_id("[PAD]")
        tok.enable_padding(pad_id=0 if pad_id is None else pad_id, pad_token="[PAD]")
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = self.threads
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        # No pool left spinning between questions on a shared machine: with spinning on, two threads beside four busy
        # processes were slower than one (p50 52 ms against 42); with it off, faster (36 ms).
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        try:
            self._session = ort.InferenceSession(self.onnx_path, sess_options=opts, providers=["CPUExecutionProvider"])
        except Exception as exc:  # noqa: BLE001 - onnxruntime's errors are not one type
            raise ConfigError(f"ONNX Runtime cannot load {self.onnx_path} ({type(exc).__name__}: {exc}); delete "
                              "that folder to export again, or set CLAUSEWISE_EMBED_BACKEND=torch.") from exc
        self._tokenizer = tok

    def pin_threads(self, threads: int = 1) -> None:
        if self.threads != threads:
            self.threads = threads
            self._start()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """Unit vectors for `texts` (float32, one row each). Texts are batched by token length, as
        sentence-transformers does, so a batch pads to its own longest text, not to the longest of all."""
        if not texts:
            return np.zeros((0, 0), dtype=np.float32)
        encodings = self._tokenizer.encode_batch(list(texts), add_special_tokens=True)
        out: np.ndarray | None = None
        lengths = np.array([sum(e.attention_mask) for e in encodings])
        order = np.argsort(-lengths, kind="stable")
        step = max(int(self.embed_batch_size), 1)
        for i in range(0, len(order), step):
            rows = order[i:i + step]
            width = int(lengths[rows].max())
            ids = np.array([encodings[r].ids[:width] for r in rows], dtype=np.int64)
            mask = np.array([encodings[r].attention_mask[:width] for r in rows], dtype=np.int64)
            types = np.array([encodings[r].type_ids[:width] for r in rows], dtype=np.int64)
            (vecs,) = self._session.run(["embedding"], {"input_ids": ids, "attention_mask": mask,
                                                        "token_type_ids": types})
            if out is None:
                out = np.empty((len(texts), vecs.shape[1]), dtype=np.float32)
            out[rows] = vecs
        return out

    def get_text_embedding_batch(self, texts: list[str], show_progress: bool = False, **kwargs) -> list[list[float]]:
        """The whole list sorted by length at once (llama-index's own loop would cut it into embed_batch_size
        slices first and sort only within each): the lever that makes a large ingest pad least."""
        return self.embed(texts).tolist()

    def query_vector(self, query: str) -> np.ndarray:
        """The query's unit vector as float32, without llama-index's wrapper (what `get_query_embedding` returns,
        as an array); the in-memory searcher calls this once per question."""
        return self.embed([query])[0]

    def _get_query_embedding(self, query: str) -> list[float]:
        return self.embed([query])[0].tolist()

    async def _aget_query_embedding(self, query: str) -> list[float]:
        return self._get_query_embedding(query)

    def _get_text_embedding(self, text: str) -> list[float]:
        return self.embed([text])[0].tolist()

    def _get_text_embeddings(self, texts: list[str]) -> list[list[float]]:
        return self.embed(texts).tolist()
