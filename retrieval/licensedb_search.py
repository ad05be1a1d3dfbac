"""Search across every ScanCode licence, served from memory (`clausewise search --all-licences`).

The committed all-licences index (`ingest.licensedb_index`) is loaded once: the distinct texts' vectors as one
float32 matrix (a query is one matrix-vector product over ~41,000 rows, then a gather to the ~62,000 passages), and a
bm25s index over the passages' keyword text, saved next to the catalog the first time it is built and memory-mapped
after that. Dense and keyword candidates are fused by reciprocal rank as in the corpus search. Neither the corpus nor
Chroma is read at load: a hit's text is cut from its licence file when it is shown, after checking that the file
still has the sha256 the catalog recorded (a licence changed since the build is reported, never shown).
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ingest.errors import ConfigError, StoreError
from ingest.index import home_collection
from ingest.licensedb_index import PREFIX, load_vectors, passages, read_licence_catalog
from ingest.settings import Settings
from ingest.sources import scancode_licenses_dir, sha256_text, split_scancode
from retrieval.backends import Bm25Keywords, pin_threads
from retrieval.search import CANDIDATES, DENSE_WEIGHT, HEADING_WEIGHT, KEYWORD_WEIGHT, RRF_K, load_expansions

KEYWORD_POOL = 400


@dataclass(frozen=True)
class LicenceHit:
    """One clause of one ScanCode licence, with its verbatim text."""

    rank: int
    score: float
    key: str
    name: str
    category: str
    clause_id: str
    text: str
    start: int
    end: int
    chunk_start: int
    chunk_end: int
    identical_in: int  # how many other licences hold a passage with the very same text


@dataclass(frozen=True)
class LoadFigures:
    catalog_s: float
    vectors_s: float
    keywords_s: float
    keywords_built: bool


class _SavedBm25(Bm25Keywords):
    """Bm25Keywords whose index is saved to and memory-mapped from a folder, so a search process does not tokenize
    62,000 passages at every start."""

    def __init__(self, folder: Path, texts_of=None):
        import bm25s
        import Stemmer

        self._bm25s = bm25s
        self._stemmer = Stemmer.Stemmer("english")
        self.built = False
        if not (folder / "done").is_file():
            if texts_of is None:
                raise StoreError(f"The keyword index {folder} is missing.")
            super().__init__(texts_of())
            tmp = folder.with_name(folder.name + f".tmp-{os.getpid()}")
            shutil.rmtree(tmp, ignore_errors=True)
            self._index.save(str(tmp), show_progress=False)
            (tmp / "done").write_text(str(self._n), encoding="utf-8")
            shutil.rmtree(folder, ignore_errors=True)
            os.replace(tmp, folder)
            self.built = True
            stem = folder.name.rsplit("-", 1)[0] + "-"
            for old in folder.parent.glob(stem + "*"):
                if old != folder and old.is_dir() and ".tmp-" not in old.name:
                    shutil.rmtree(old, ignore_errors=True)  # an index of a superseded catalog
        self._index = bm25s.BM25.load(str(folder), mmap=True, show_progress=False)
        self._n = int((folder / "done").read_text(encoding="utf-8"))


def _keyword_folder(settings: Settings, catalog: dict) -> Path:
    digest = hashlib.sha256(json.dumps([catalog["vectors"]["sha256"], catalog["passages"]["clause"],
                                        catalog["keys"]]).encode("utf-8")).hexdigest()[:16]
    return settings.index_dir / f"{catalog['collection']}-bm25-{digest}"


class LicenceSearcher:
    def __init__(self, settings: Settings, embedder, *, corpus=None):
        """Load the committed index for the embedder's model. `corpus` (the LicenseDB corpus the index was built
        from) is only needed the first time, to build the keyword index; without it, it is read when needed."""
        self.settings = settings
        self.embedder = embedder
        pin_threads(embedder, settings.query_threads)
        self._expansions = load_expansions()
        t0 = time.perf_counter()
        name = home_collection(settings, embedder.model_name, PREFIX)
        catalog = read_licence_catalog(settings, name)
        if catalog is None:
            raise StoreError("No all-licences index yet. Run `clausewise ingest --all-licences` first.")
        self.collection = name
        p = catalog["passages"]
        self.keys: list[str] = catalog["keys"]
        self.documents: dict[str, dict] = catalog["documents"]
        self.clause_ids: list[str] = p["clause"]
        self._key = np.asarray(p["key"], dtype=np.int32)
        self._row = np.asarray(p["row"], dtype=np.int64)
        self._start = p["start"]
        self._end = p["end"]
        self._clause_start = p["clause_start"]
        self._clause_end = p["clause_end"]
        self._weight = np.where(np.asarray(p["heading"], dtype=bool), HEADING_WEIGHT, 1.0)
        # How many licences share each vector row: a hit says in how many others the same words stand.
        pairs = np.unique(np.stack([self._row, self._key.astype(np.int64)]), axis=1)
        self._licences_per_row = np.bincount(pairs[0], minlength=len(catalog["rows"]))
        catalog_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        self.matrix = load_vectors(settings, catalog)
        vectors_s = time.perf_counter() - t0
        t0 = time.perf_counter()

        def texts_of():
            items = passages(corpus if corpus is not None else _corpus(self.keys))
            if [x.clause_id for x in items] != self.clause_ids:
                raise StoreError("The LicenseDB texts differ from the ones the all-licences index was built from; "
                                 "run `clausewise ingest --all-licences`.")
            return [x.keyword_text for x in items]

        self.keywords = _SavedBm25(_keyword_folder(settings, catalog), texts_of)
        self.load = LoadFigures(round(catalog_s, 3), round(vectors_s, 3), round(time.perf_counter() - t0, 3),
                                self.keywords.built)
        self._categories = sorted({d["category"] for d in self.documents.values()})
        self._key_no = {k: i for i, k in enumerate(self.keys)}
        self._sources: dict[str, str | None] = {}
        self.integrity_problems: list[str] = []

    def __len__(self) -> int:
        return len(self.clause_ids)

    @property
    def categories(self) -> list[str]:
        return self._categories

    def _scope(self, keys: list[str] | None, category: str | None) -> np.ndarray | None:
        if category is not None and category not in self._categories:
            raise ConfigError(f"Unknown category {category!r}. Known categories: {', '.join(self._categories)}.")
        if keys:
            unknown = [k for k in keys if k not in self._key_no]
            if unknown:
                raise ConfigError(f"Unknown licence key(s) {', '.join(unknown)}: not in the all-licences index.")
        if not keys and category is None:
            return None
        wanted = [i for i, k in enumerate(self.keys) if (not keys or k in keys)
                  and (category is None or self.documents[k]["category"] == category)]
        return np.isin(self._key, np.asarray(wanted, dtype=np.int32))

    def search(self, query: str, k: int = 5, keys: list[str] | None = None,
               category: str | None = None) -> list[LicenceHit]:
        if not query.strip():
            raise ConfigError("The query is empty. Type a question or a few words from the clause you want.")
        if k < 1 or k > 100:
            raise ConfigError(f"k={k} is out of range; use 1 to 100.")
        scope = self._scope(keys, category)
        extra = [add for pattern, add in self._expansions if pattern.search(query)]
        expanded = " ".join([query, *extra])
        q = np.asarray(self.embedder.get_query_embedding(expanded), dtype=np.float32)
        q /= float(np.linalg.norm(q)) or 1.0
        dense = (self.matrix @ q)[self._row]
        keyword = self.keywords.scores(expanded)
        fused: dict[str, float] = {}
        best: dict[str, int] = {}
        for scores, weight in ((dense, DENSE_WEIGHT), (keyword, KEYWORD_WEIGHT)):
            rank = 0
            seen: set[str] = set()
            for row in _top(scores, scope, CANDIDATES * 3):
                cid = self.clause_ids[row]
                if cid in seen:
                    continue  # a long clause's second passage adds no second vote
                seen.add(cid)
                rank += 1
                if rank > CANDIDATES:
                    break
                fused[cid] = fused.get(cid, 0.0) + weight * self._weight[row] / (RRF_K + rank)
                best.setdefault(cid, row)
        hits: list[LicenceHit] = []
        for cid in sorted(fused, key=lambda c: (-fused[c], c)):
            hit = self._hit(len(hits) + 1, fused[cid], best[cid])
            if hit is not None:
                hits.append(hit)
            if len(hits) >= k:
                break
        return hits

    def _hit(self, rank: int, score: float, row: int) -> LicenceHit | None:
        key = self.keys[self._key[row]]
        text = self._source(key)
        if text is None:
            return None
        start, end = self._clause_start[row], self._clause_end[row]
        info = self.documents[key]
        return LicenceHit(rank, round(float(score), 6), key, info["name"], info["category"], self.clause_ids[row],
                          text[start:end], start, end, self._start[row], self._end[row],
                          int(self._licences_per_row[self._row[row]]) - 1)

    def _source(self, key: str) -> str | None:
        """The licence's text, if it is still the one indexed (same sha256); a changed one is reported once."""
        if key not in self._sources:
            text = _licence_text(self.documents[key].get("origin", ""), key)
            if text is None or sha256_text(text) != self.documents[key]["sha256"]:
                self.integrity_problems.append(f"{key}: the LicenseDB text changed since the all-licences build; "
                                               "run `clausewise ingest --all-licences`")
                text = None
            self._sources[key] = text
        return self._sources[key]


def _top(scores: np.ndarray, scope: np.ndarray | None, n: int) -> list[int]:
    """Rows with a positive score in scope, best first (ties by row), at most n."""
    if scope is not None:
        scores = np.where(scope, scores, 0.0)
    n = min(n, len(scores))
    if n == 0:
        return []
    part = np.argpartition(-scores, n - 1)[:n]
    part = part[scores[part] > 1e-9]
    return part[np.lexsort((part, -scores[part]))].tolist()


def _licence_text(origin: str, key: str) -> str | None:
    folder = scancode_licenses_dir()
    name = origin.removeprefix("scancode:") if origin.startswith("scancode:") else f"{key}.LICENSE"
    path = folder / Path(name).name if folder is not None else None
    if path is None or not path.is_file():
        return None
    return split_scancode(path.read_text(encoding="utf-8", errors="replace"))[1]


def _corpus(keys: list[str]):
    from ingest.licensedb import licensedb_corpus

    return licensedb_corpus(keys=keys)[0]
