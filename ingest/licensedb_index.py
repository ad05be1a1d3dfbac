"""The all-licences index: every LicenseDB passage, one vector per distinct text, built to finish on two cores.

What it stores (all under CLAUSEWISE_HOME/index, committed by one atomic rename of the catalog):

- Chroma, the durable store: one row per distinct passage text (id = hash of model and text, document = the text,
  tagged with this home's id), written in large batches while the next batch is embedded.
- `<collection>-<digest>.npy`: the same vectors as one unit-normalised float32 matrix, row `i` for `catalog["rows"][i]`,
  so a search loads them in a fraction of a second instead of reading 40,000 rows back from Chroma.
- the catalog: the licences (ScanCode key, name, category, sha256 of the text), the distinct texts' ids, and one
  entry per passage (licence, clause, offsets, which vector row).

Why one vector per distinct text: the LicenseDB repeats itself (MIT, BSD and GPL variants, the same disclaimer in
hundreds of licences), 61,816 passages have 41,217 distinct texts once whitespace runs are collapsed (which no
tokenizer of these models sees anyway), and the licence's title is left out of the embedded text so that identical
clauses of different licences stay identical. The title, key, category and headings still reach the keyword index.

Resumable: every batch written to Chroma stays there, a rerun embeds only what Chroma does not hold yet, and nothing
is searched until the catalog names it.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ingest.corpus import Corpus
from ingest.errors import StoreError
from ingest.index import _split_long, catalog_path, context_suffix, chroma_client, home_collection, home_id, ingest_lock
from ingest.settings import Settings

PREFIX = "licences"
CATALOG_KIND = "licences-v1"
SCHEMA = 1  # part of every row id: bump it when what is embedded for a passage changes
PROGRESS_STEP = 128  # texts per embedding call, and per step of the progress bar
WRITE_BATCH = 1024  # rows per Chroma write; measured ~1,400 rows/s in batches of 2,000 here, vs ~50/s in 256s with metadata
_SPACES = re.compile(r"\s+")

Progress = Callable[[int, int], None]


def normalise(text: str) -> str:
    """The text a passage is embedded as: whitespace runs collapsed (the models' tokenizers split on them anyway)."""
    return _SPACES.sub(" ", text).strip()


def row_id(model_name: str, text: str) -> str:
    return hashlib.sha256(json.dumps([SCHEMA, model_name, text]).encode("utf-8")).hexdigest()[:32]


@dataclass(frozen=True)
class Passage:
    """One searchable piece of a licence: a clause, or a sentence-aligned part of a long one."""

    key: str
    clause_id: str
    start: int
    end: int
    clause_start: int
    clause_end: int
    heading: bool  # a title or bare heading: matches many queries, rarely answers one
    text: str  # normalised, what is embedded
    keyword_text: str  # key, name, category, clause path and headings, then the text: what BM25 reads


def passages(corpus: Corpus) -> list[Passage]:
    """Every passage of the corpus, in document and clause order."""
    out: list[Passage] = []
    for doc in corpus.documents.values():
        spec = doc.spec
        by_id = {c.clause_id: c for c in doc.clauses}
        for clause in doc.clauses:
            if not clause.text.strip():
                continue
            head = f"{spec.doc_id}\n{spec.title}\n{spec.family}\n{clause.path}" + context_suffix(by_id, clause)
            heading = clause.kind == "heading" or len(clause.text) < 50
            for start, end in _split_long(clause):
                text = normalise(doc.text[start:end])
                if text:
                    out.append(Passage(spec.doc_id, clause.clause_id, start, end, clause.start, clause.end, heading,
                                       text, f"{head}\n\n{text}"))
    return out


@dataclass(frozen=True)
class LicenceIndexReport:
    collection: str
    licences: int
    passages: int
    distinct: int
    embedded: int
    removed: int
    seconds: float


def vectors_path(settings: Settings, collection: str, digest: str) -> Path:
    return settings.index_dir / f"{collection}-{digest}.npy"


def read_licence_catalog(settings: Settings, collection: str) -> dict | None:
    path = catalog_path(settings, collection)
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        raise StoreError(f"The all-licences catalog {path} is unreadable ({exc}); "
                         "run `clausewise ingest --all-licences --rebuild`.") from exc
    if data.get("kind") != CATALOG_KIND:
        raise StoreError(f"The all-licences catalog {path} is from another clausewise version; "
                         "run `clausewise ingest --all-licences --rebuild`.")
    return data


def load_vectors(settings: Settings, catalog: dict) -> np.ndarray:
    """The committed vector matrix, checked against the catalog (file digest and shape)."""
    meta = catalog["vectors"]
    path = vectors_path(settings, catalog["collection"], meta["sha256"])
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise StoreError(f"The all-licences vectors {path} are missing ({exc}); "
                         "run `clausewise ingest --all-licences` to write them again from Chroma.") from exc
    if hashlib.sha256(raw).hexdigest()[:16] != meta["sha256"]:
        raise StoreError(f"The all-licences vectors {path} do not match the catalog; "
                         "run `clausewise ingest --all-licences` to write them again from Chroma.")
    import io

    matrix = np.load(io.BytesIO(raw), allow_pickle=False)
    if matrix.shape != (len(catalog["rows"]), meta["dim"]) or matrix.dtype != np.float32:
        raise StoreError(f"The all-licences vectors {path} have shape {matrix.shape}, the catalog expects "
                         f"{(len(catalog['rows']), meta['dim'])}; run `clausewise ingest --all-licences --rebuild`.")
    return matrix


class _Embedder:
    """Embeds lists of texts with all cores: for the ONNX backend, one single-threaded session per worker, each on its
    share of the length-sorted batch (measured here: 19 CPU-s for 800 passages against 23 CPU-s with one session on
    two threads, the intra-op pool's synchronisation saved); any other embedder through its own batch call."""

    def __init__(self, embedder, settings: Settings, workers: int, batch_size: int):
        from ingest.onnx_embed import OnnxEmbedding

        self.base = embedder
        self.sessions = [embedder]
        if isinstance(embedder, OnnxEmbedding) and workers > 1:
            embedder.pin_threads()  # the given session becomes the first single-threaded worker
            self.sessions += [OnnxEmbedding.load(embedder.model_name, Path(embedder.model_dir), settings.cache_dir,
                                                 batch_size=batch_size, threads=1) for _ in range(workers - 1)]
        self.pool = ThreadPoolExecutor(max_workers=len(self.sessions), thread_name_prefix="embed")

    def __call__(self, texts: list[str]) -> np.ndarray:
        if len(self.sessions) == 1:
            out = np.asarray(self.base.get_text_embedding_batch(texts), dtype=np.float32)
        else:
            # Deal the length-sorted texts round-robin, so each session gets as many long ones as the other.
            order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
            shares = [share for w in range(len(self.sessions)) if (share := order[w::len(self.sessions)])]
            futures = [self.pool.submit(s.embed, [texts[i] for i in share]) for s, share in zip(self.sessions, shares)]
            out = None
            for share, fut in zip(shares, futures):
                part = fut.result()
                if out is None:
                    out = np.empty((len(texts), part.shape[1]), dtype=np.float32)
                out[share] = part
        out = np.asarray(out, dtype=np.float32)
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        norms[norms == 0] = 1.0
        return out / norms

    def close(self) -> None:
        self.pool.shutdown(wait=True)


def _write(collection, ids: list[str], texts: list[str], vectors: np.ndarray, home: str) -> None:
    collection.upsert(ids=ids, embeddings=vectors, documents=texts, metadatas=[{"home": home}] * len(ids))


def _read_stored(collection, wanted: dict[str, str], batch: int = 2000) -> dict[str, np.ndarray]:
    """Vectors Chroma holds for `wanted` (id -> text), trusted only when stored with that same text."""
    out: dict[str, np.ndarray] = {}
    ids = list(wanted)
    for i in range(0, len(ids), batch):
        got = collection.get(ids=ids[i:i + batch], include=["embeddings", "documents"])
        for rid, vec, doc in zip(got["ids"], got["embeddings"], got["documents"]):
            arr = np.asarray(vec, dtype=np.float32)
            if doc == wanted[rid] and arr.ndim == 1 and np.isfinite(arr).all() and arr.any():
                out[rid] = arr
    return out


def build_licence_index(corpus: Corpus, settings: Settings, embedder, *, model_name: str | None = None,
                        rebuild: bool = False, batch_size: int = 16, write_batch: int = WRITE_BATCH,
                        workers: int | None = None, progress: Progress | None = None,
                        infos: dict | None = None) -> LicenceIndexReport:
    """Bring the all-licences index in line with `corpus`: embed the distinct texts not stored yet, commit.

    `embedder` is a llama-index embedding or a zero-argument factory for one (only called when something needs
    embedding). `batch_size` is the model's forward batch (small batches of length-sorted texts measured fastest
    here: 16 beat 32, 64 and 128 with ONNX), `write_batch` the rows per Chroma write and per resumable step.
    """
    t0 = time.perf_counter()
    model_name = model_name or embedder.model_name
    name = home_collection(settings, model_name, PREFIX)
    home = home_id(settings)
    workers = workers or min(2, os.cpu_count() or 1)
    with ingest_lock(settings, name):
        items = passages(corpus)
        text_of: dict[str, str] = {}
        row_of_passage: list[str] = []
        for p in items:
            rid = row_id(model_name, p.text)
            text_of.setdefault(rid, p.text)
            row_of_passage.append(rid)
        rows = sorted(text_of)
        previous = read_licence_catalog(settings, name)
        old: dict[str, np.ndarray] = {}
        if previous and previous.get("model") == model_name:
            try:
                matrix = load_vectors(settings, previous)
                old = {rid: matrix[i] for i, rid in enumerate(previous["rows"])}
            except StoreError:
                old = {}  # damaged or missing: Chroma has every row
        if not rebuild and old and set(rows) <= set(old) and set(previous["rows"]) == set(rows):
            # Nothing new and nothing gone: the committed matrix already holds every row, Chroma is not needed
            # (importing its client alone takes seconds).
            _commit(settings, name, model_name, corpus, items, row_of_passage, rows, old, previous, infos)
            if progress:
                progress(0, 0)
            return LicenceIndexReport(name, len(corpus.documents), len(items), len(rows), 0, 0,
                                      time.perf_counter() - t0)
        client = chroma_client(settings)
        _drop_legacy(settings, client, model_name)
        collection = client.get_or_create_collection(name, metadata={"hnsw:space": "cosine"})
        existing = set(collection.get(include=[])["ids"])
        ours = set(collection.get(where={"home": home}, include=[])["ids"])
        if previous:
            ours |= set(previous["rows"])
        todo = rows if rebuild else [r for r in rows if r not in existing]
        vectors: dict[str, np.ndarray] = {}
        if todo:
            vectors = _embed_and_store(todo, text_of, embedder, settings, collection, home, batch_size,
                                       write_batch, workers, progress)
        elif progress:
            progress(0, 0)
        # The rest comes from the previous matrix when it still holds it, else from Chroma (a resumed build).
        for rid in rows:
            if rid not in vectors and rid in old:
                vectors[rid] = old[rid]
        missing = {rid: text_of[rid] for rid in rows if rid not in vectors}
        if missing:
            vectors.update(_read_stored(collection, missing))
        lost = [rid for rid in rows if rid not in vectors]
        if lost:
            raise StoreError(f"{len(lost)} vectors are neither in Chroma nor embedded (first: {lost[0]}); "
                             "run `clausewise ingest --all-licences --rebuild`.")
        _commit(settings, name, model_name, corpus, items, row_of_passage, rows, vectors, previous, infos)
        stale = sorted((existing & ours) - set(rows))
        for i in range(0, len(stale), 500):
            collection.delete(ids=stale[i:i + 500])
    return LicenceIndexReport(name, len(corpus.documents), len(items), len(rows), len(todo), len(stale),
                              time.perf_counter() - t0)


LEGACY_PREFIX = "licensedb"  # the collection of the first all-licences build: one row per chunk, title in the text


def _drop_legacy(settings: Settings, client, model_name: str) -> None:
    """Remove this home's collection of the first all-licences build (superseded, never read), with its catalog."""
    legacy = home_collection(settings, model_name, LEGACY_PREFIX)
    path = catalog_path(settings, legacy)
    if path.is_file():
        try:
            client.delete_collection(legacy)
        except Exception:  # noqa: BLE001 - already gone; chromadb raises different types per version
            pass
        path.unlink(missing_ok=True)


def _embed_and_store(todo, text_of, embedder, settings, collection, home, batch_size, write_batch, workers,
                     progress) -> dict[str, np.ndarray]:
    """Embed `todo` in write batches, longest texts first, each written to Chroma while the next is embedded."""
    if callable(embedder) and not hasattr(embedder, "get_text_embedding_batch"):
        embedder = embedder()
    if hasattr(embedder, "embed_batch_size"):
        embedder.embed_batch_size = batch_size
    todo = sorted(todo, key=lambda r: (-len(text_of[r]), r))
    embed = _Embedder(embedder, settings, workers, batch_size)
    out: dict[str, np.ndarray] = {}
    pending: Future | None = None
    if progress:
        progress(0, len(todo))

    def settle() -> None:
        nonlocal pending
        if pending is not None:
            fut, pending = pending, None
            fut.result()  # the writer's error is raised here, in the build's own thread

    try:
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="chroma-write") as writer:
            for i in range(0, len(todo), write_batch):
                ids = todo[i:i + write_batch]
                texts = [text_of[r] for r in ids]
                parts = []
                for j in range(0, len(texts), PROGRESS_STEP):
                    parts.append(embed(texts[j:j + PROGRESS_STEP]))
                    if progress:  # the bar moves as texts are embedded; what is written is what survives a kill
                        progress(i + j + len(parts[-1]), len(todo))
                vecs = np.concatenate(parts)
                settle()
                out.update(zip(ids, vecs))
                pending = writer.submit(_write, collection, ids, texts, vecs, home)
            settle()
    finally:
        embed.close()
    return out


def _commit(settings, name, model_name, corpus, items, row_of_passage, rows, vectors, previous, infos) -> None:
    """Write the matrix under its digest, then the catalog (atomic rename), then drop the superseded matrix."""
    matrix = np.stack([vectors[r] for r in rows]).astype(np.float32) if rows else np.zeros((0, 0), np.float32)
    import io

    buf = io.BytesIO()
    np.save(buf, matrix, allow_pickle=False)
    raw = buf.getvalue()
    digest = hashlib.sha256(raw).hexdigest()[:16]
    settings.index_dir.mkdir(parents=True, exist_ok=True)
    vpath = vectors_path(settings, name, digest)
    if not vpath.is_file():
        tmp = vpath.with_suffix(f".tmp-{os.getpid()}")
        with open(tmp, "wb") as fh:
            fh.write(raw)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, vpath)
    index = {rid: i for i, rid in enumerate(rows)}
    keys = list(corpus.documents)
    key_no = {k: i for i, k in enumerate(keys)}
    documents = {}
    for key, doc in corpus.documents.items():
        info = (infos or {}).get(key)
        documents[key] = {"sha256": doc.spec.sha256, "name": info.name if info else doc.spec.title,
                          "category": doc.spec.family, "origin": doc.origin}
    catalog = {
        "kind": CATALOG_KIND, "model": model_name, "collection": name, "keys": keys, "documents": documents,
        "rows": rows, "vectors": {"sha256": digest, "dim": int(matrix.shape[1]) if rows else 0},
        "passages": {
            "key": [key_no[p.key] for p in items], "clause": [p.clause_id for p in items],
            "start": [p.start for p in items], "end": [p.end for p in items],
            "clause_start": [p.clause_start for p in items], "clause_end": [p.clause_end for p in items],
            "heading": [int(p.heading) for p in items], "row": [index[r] for r in row_of_passage],
        },
    }
    cpath = catalog_path(settings, name)
    tmp = cpath.with_suffix(f".tmp-{os.getpid()}")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(catalog, fh, separators=(",", ":"))
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, cpath)
    if previous and previous["vectors"]["sha256"] != digest:
        vectors_path(settings, name, previous["vectors"]["sha256"]).unlink(missing_ok=True)
