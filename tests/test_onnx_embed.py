"""The ONNX embedding backend (the default; CLAUSEWISE_EMBED_BACKEND=torch selects torch): exported offline from the
packaged model, cached in a user-level folder every home shares, the same vectors and rankings as the torch backend."""

from __future__ import annotations

import importlib.util
import json

import numpy as np
import pytest

from ingest.errors import ConfigError
from ingest.settings import DEFAULT_EMBED_MODEL, Settings

HAVE_RUNTIME = importlib.util.find_spec("onnxruntime") is not None
HAVE_EXPORTER = importlib.util.find_spec("onnx") is not None and importlib.util.find_spec("torch") is not None
needs_onnx = pytest.mark.skipif(not (HAVE_RUNTIME and HAVE_EXPORTER),
                                reason="the ONNX backend needs onnxruntime, and onnx + torch for its one-time export "
                                       "(pip install onnxruntime onnx)")


def test_backend_is_read_from_the_environment_and_checked():
    from ingest.embed import make_embedder

    assert Settings.from_env({}).embed_backend == "onnx"
    assert not Settings.from_env({}).embed_backend_explicit
    assert Settings.from_env({"CLAUSEWISE_EMBED_BACKEND": " ONNX "}).embed_backend == "onnx"
    assert Settings.from_env({"CLAUSEWISE_EMBED_BACKEND": "torch"}).embed_backend == "torch"
    assert Settings.from_env({"CLAUSEWISE_EMBED_BACKEND": "torch"}).embed_backend_explicit
    bad = Settings.from_env({"CLAUSEWISE_EMBED_BACKEND": "tensorflow", "CLAUSEWISE_HOME": "/nonexistent"})
    with pytest.raises(ConfigError, match="Unknown embedding backend 'tensorflow'.*onnx, torch"):
        make_embedder(DEFAULT_EMBED_MODEL, settings=bad)
    # the fake embedder has no backend to choose
    assert make_embedder("fake-hash", settings=bad).model_name == "fake-hash"


def test_query_threads_default_to_two_and_are_checked(monkeypatch):
    monkeypatch.setattr("os.cpu_count", lambda: 8)
    assert Settings.from_env({}).query_threads == 2
    assert Settings.from_env({"CLAUSEWISE_QUERY_THREADS": " 3 "}).query_threads == 3
    monkeypatch.setattr("os.cpu_count", lambda: 1)
    assert Settings.from_env({}).query_threads == 1  # no second core to split a question onto
    for bad in ("0", "two", "-1", "1.5"):
        with pytest.raises(ConfigError, match=f"CLAUSEWISE_QUERY_THREADS must be a whole number.*{bad!r}"):
            Settings.from_env({"CLAUSEWISE_QUERY_THREADS": bad})


def test_a_model_folder_the_export_does_not_reproduce_is_refused(tmp_path):
    from ingest.onnx_embed import export_onnx

    folder = tmp_path / "cls-model"
    (folder / "1_Pooling").mkdir(parents=True)
    (folder / "modules.json").write_text(json.dumps([
        {"idx": 0, "name": "0", "path": "", "type": "sentence_transformers.models.Transformer"},
        {"idx": 1, "name": "1", "path": "1_Pooling", "type": "sentence_transformers.models.Pooling"}]))
    (folder / "1_Pooling" / "config.json").write_text(json.dumps({"pooling_mode_cls_token": True,
                                                                   "pooling_mode_mean_tokens": False}))
    with pytest.raises(ConfigError, match="mean-pooled.*CLAUSEWISE_EMBED_BACKEND=torch"):
        export_onnx(folder, tmp_path / "cache")
    assert not (tmp_path / "cache").exists()


def test_a_hub_id_is_refused_with_the_way_out(tmp_path):
    from ingest.embed import make_embedder

    s = Settings.from_env({"CLAUSEWISE_HOME": str(tmp_path), "CLAUSEWISE_EMBED_BACKEND": "onnx"})
    with pytest.raises(ConfigError, match="local model folder.*CLAUSEWISE_EMBED_BACKEND=torch"):
        make_embedder("someone/some-model", settings=s)


def test_the_onnx_cache_is_per_user_not_per_home(tmp_path):
    a = Settings.from_env({"CLAUSEWISE_HOME": str(tmp_path / "a"), "XDG_CACHE_HOME": str(tmp_path / "xdg")})
    b = Settings.from_env({"CLAUSEWISE_HOME": str(tmp_path / "b"), "XDG_CACHE_HOME": str(tmp_path / "xdg")})
    assert a.onnx_cache_dir == b.onnx_cache_dir == tmp_path / "xdg" / "clausewise" / "onnx"
    mine = Settings.from_env({"CLAUSEWISE_HOME": str(tmp_path / "a"), "XDG_CACHE_HOME": str(tmp_path / "xdg"),
                              "CLAUSEWISE_ONNX_CACHE": str(tmp_path / "exports")})
    assert mine.onnx_cache_dir == tmp_path / "exports"
    from pathlib import Path

    assert Settings.from_env({"HOME": "/ignored"}).onnx_cache_dir == Path.home() / ".cache" / "clausewise" / "onnx"


class _Torch:
    """Stands in for llama-index's HuggingFaceEmbedding: records that the torch backend was built."""

    built: list[str] = []

    def __init__(self, model_name: str, **kwargs):
        self.built.append(model_name)
        self.model_name = model_name


def test_default_backend_gives_way_to_torch_when_onnx_cannot_run(tmp_path, monkeypatch, capsys):
    import llama_index.embeddings.huggingface as hf

    from ingest import onnx_embed
    from ingest.embed import make_embedder

    monkeypatch.setattr(hf, "HuggingFaceEmbedding", _Torch)
    _Torch.built = []

    def missing():
        raise onnx_embed.OnnxUnavailable("The ONNX embedding backend needs onnxruntime (pip install onnxruntime).")

    monkeypatch.setattr(onnx_embed, "_require_runtime", missing)
    default = Settings.from_env({"CLAUSEWISE_HOME": str(tmp_path), "CLAUSEWISE_ONNX_CACHE": str(tmp_path / "x")})
    emb = make_embedder(DEFAULT_EMBED_MODEL, settings=default)
    assert isinstance(emb, _Torch) and emb.model_name == DEFAULT_EMBED_MODEL and len(_Torch.built) == 1
    note = capsys.readouterr().err
    assert "needs onnxruntime" in note and "Using the torch backend instead" in note
    # a hub id goes to torch without a note: ONNX exports local folders only
    assert isinstance(make_embedder("someone/some-model", settings=default), _Torch)
    assert capsys.readouterr().err == ""
    # named explicitly, the backend must run
    chosen = Settings.from_env({"CLAUSEWISE_HOME": str(tmp_path), "CLAUSEWISE_EMBED_BACKEND": "onnx"})
    with pytest.raises(ConfigError, match="needs onnxruntime"):
        make_embedder(DEFAULT_EMBED_MODEL, settings=chosen)
    with pytest.raises(ConfigError, match="needs onnxruntime"):
        make_embedder(DEFAULT_EMBED_MODEL, settings=default, backend="onnx")
    assert len(_Torch.built) == 2
    assert not (tmp_path / "x").exists()


@pytest.fixture(scope="module")
def both(tmp_path_factory):
    """The packaged model on both backends; the ONNX one exported for real into a fresh cache folder."""
    from ingest.embed import make_embedder

    home = tmp_path_factory.mktemp("onnx-home")
    s = Settings.from_env({"CLAUSEWISE_HOME": str(home), "CLAUSEWISE_ONNX_CACHE": str(home / "exports")})
    onnx = make_embedder(DEFAULT_EMBED_MODEL, settings=s, backend="onnx")
    torch = make_embedder(DEFAULT_EMBED_MODEL, settings=s, backend="torch")
    return s, onnx, torch


@needs_onnx
@pytest.mark.slow
def test_export_is_cached_for_the_user_and_reused_by_another_home(both, tmp_path):
    from ingest.embed import default_model_path, make_embedder
    from ingest.onnx_embed import export_key

    s, onnx, _ = both
    path = s.onnx_cache_dir / f"{default_model_path().name}-{export_key(default_model_path())}" / "model.onnx"
    assert onnx.onnx_path == str(path) and path.is_file()
    assert json.loads((path.parent / "export.json").read_text())["opset"] == 17
    stamp = path.stat().st_mtime_ns
    again = make_embedder(DEFAULT_EMBED_MODEL, settings=s, backend="onnx")
    assert again.onnx_path == str(path) and path.stat().st_mtime_ns == stamp  # found, not exported again
    other_home = Settings.from_env({"CLAUSEWISE_HOME": str(tmp_path / "other"),
                                    "CLAUSEWISE_ONNX_CACHE": str(s.onnx_cache_dir)})
    third = make_embedder(DEFAULT_EMBED_MODEL, settings=other_home)  # the default backend
    assert third.onnx_path == str(path) and path.stat().st_mtime_ns == stamp
    assert not (tmp_path / "other" / "cache").exists()
    assert not list(path.parent.glob("*.tmp-*"))


@needs_onnx
@pytest.mark.slow
def test_same_tokens_and_vectors_as_torch_on_the_corpus(both, corpus):
    from ingest.index import build_chunks

    _, onnx, torch = both
    texts = [c.embed_text for c in build_chunks(corpus, DEFAULT_EMBED_MODEL)][::14]  # ~100 of every length
    st_ids = torch._model.preprocess(texts)["input_ids"].tolist()
    ours = onnx._tokenizer.encode_batch(texts)
    assert [[t for t in a if t] for a in st_ids] == [[t for t in e.ids if t] for e in ours]
    a = np.array(onnx.get_text_embedding_batch(texts))
    b = np.array(torch.get_text_embedding_batch(texts))
    assert a.shape == b.shape == (len(texts), 384)
    assert np.abs(a - b).max() < 1e-5
    q = "Can I use Llama 3 outputs to train another model?"
    assert np.abs(np.array(onnx.get_query_embedding(q)) - np.array(torch.get_query_embedding(q))).max() < 1e-5


@needs_onnx
@pytest.mark.slow
def test_same_rankings_as_torch(both, corpus):
    """Dense top 10 over three licences and their policies for a handful of questions: the same clauses in order."""
    from ingest.index import build_chunks
    from retrieval.backends import VectorMatrix

    _, onnx, torch = both
    docs = {"llama-3.1-license", "llama-3.1-aup", "gemma-terms-2024", "gemma-pup", "apache-2.0"}
    chunks = [c for c in build_chunks(corpus, DEFAULT_EMBED_MODEL) if c.doc_id in docs]
    assert len({c.doc_id for c in chunks}) == len(docs)
    texts = [c.embed_text for c in chunks]
    index = VectorMatrix(np.array(torch.get_text_embedding_batch(texts)))
    from retrieval.backends import pin_threads

    pin_threads(onnx, 2)  # what a searcher does with the default settings
    assert onnx.threads == 2
    first = onnx.get_query_embedding("distill Gemma")
    onnx.pin_threads()
    assert onnx.threads == 1
    assert np.allclose(onnx.get_query_embedding("distill Gemma"), first, atol=1e-6)  # threads change speed, not vectors
    for q in ("May I distill Gemma into my own model?", "attribution notice when redistributing Llama 3.1",
              "700 million monthly active users", "use for military purposes"):
        want = np.argsort(-np.round(index.scores(torch.get_query_embedding(q)), 6), kind="stable")[:10]
        got = np.argsort(-np.round(index.scores(onnx.get_query_embedding(q)), 6), kind="stable")[:10]
        assert [chunks[i].clause_id for i in got] == [chunks[i].clause_id for i in want]
