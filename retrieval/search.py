"""Hybrid clause search: dense vectors and BM25 held in memory, fused by reciprocal rank, at clause level.

Chroma is the durable store the vectors are read from at load (see `retrieval.backends`); queries never go through it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from ingest.corpus import Corpus
from ingest.errors import ConfigError, StoreError
from ingest.index import Chunk, catalog_path, chroma_client, home_collection, read_catalog
from ingest.settings import Settings
from retrieval.backends import Bm25Keywords, DenseIndex, KeywordIndex, VectorMatrix, pin_threads, read_vectors

RRF_K = 60
# Measured on the public eval set (clausewise bench): keyword search with licence-wording expansions finds the
# obligation clauses more often than the small default embedding model, so it gets the larger share of the vote.
DENSE_WEIGHT = 0.7
KEYWORD_WEIGHT = 1.3
PRIOR_WEIGHT = 2.0
# Clauses whose annotation is triggered by the scenario's facts (a use category the question names, the deployment
# it describes) get a vote of their own, ranked among themselves by the hybrid score; it comes from the clause
# annotations, never from the rules table. Measured on the blind dev sets with the default model (see README).
ANNOTATION_WEIGHT = 2.0
MARKED_WEIGHT = 2.0
FACET_WEIGHT = 0.5
CANDIDATES = 40
HEADING_WEIGHT = 0.6  # titles and bare headings match many queries and rarely answer one
# Keyword candidates are the best KEYWORD_POOL rows over all loaded chunks, then cut to the search's scope: the
# rankings the eval figures were measured with (llama-index's BM25Retriever with top-k 400) come out unchanged.
KEYWORD_POOL = 400


@dataclass(frozen=True)
class Hit:
    """One clause found for a query, with its verbatim text."""

    rank: int
    score: float
    clause_id: str
    doc_id: str
    title: str
    version: str
    text: str
    start: int
    end: int
    secondary: bool
    chunk_start: int
    chunk_end: int


@dataclass(frozen=True)
class QueryScores:
    """One question scored once against every loaded chunk: its dense and keyword scores, row for row.

    Every search of an answer (the scenario's documents, the unrestricted cross-check, the background notes) is a cut
    of these arrays, so a question costs one embedding and one BM25 pass however many views of it are ranked.
    """

    query: str
    dense: np.ndarray
    keyword: np.ndarray
    keyword_order: np.ndarray  # the KEYWORD_POOL best keyword rows, best first


class Searcher:
    """Loads the committed catalog once, holds its vectors and BM25 index in memory, and answers queries against them."""

    def __init__(self, corpus: Corpus, settings: Settings, embedder, *, prefix: str = "clauses",
                 extra_prefixes: tuple[str, ...] = ("user",), registry=None):
        self.corpus = corpus
        self.settings = settings
        self.embedder = embedder
        self.registry = registry
        self.prefixes = (prefix, *extra_prefixes)
        self._expansions = load_expansions()
        pin_threads(embedder, settings.query_threads)
        self.reload()

    def reload(self) -> None:
        """(Re)read the committed catalogs (the main one must exist, the user one is optional) and their vectors."""
        chunks: list[Chunk] = []
        vectors: list[np.ndarray] = []
        self.integrity_problems: list[str] = []
        client = None
        for i, prefix in enumerate(self.prefixes):
            name = home_collection(self.settings, self.embedder.model_name, prefix)
            catalog = read_catalog(catalog_path(self.settings, name))
            if catalog is None:
                if i == 0:
                    raise StoreError(f"No search index for model {self.embedder.model_name!r} yet. Run `clausewise ingest` first.")
                continue
            client = client or chroma_client(self.settings)
            try:
                collection = client.get_collection(name)
            except Exception as exc:  # noqa: BLE001 - chromadb raises different types per version for a missing collection
                raise StoreError(f"The Chroma collection {name!r} is missing; run `clausewise ingest --rebuild`.") from exc
            sound: list[Chunk] = []
            for row in catalog["chunks"]:
                chunk = Chunk(**row)
                doc = self.corpus.documents.get(chunk.doc_id)
                if doc is None:
                    continue
                if doc.text[chunk.start:chunk.end] != chunk.text:
                    # A stored chunk that no longer matches its verified source is never searched or shown.
                    self.integrity_problems.append(f"{chunk.clause_id} [{chunk.start}:{chunk.end}] in {name}")
                    continue
                sound.append(chunk)
            # Only the catalog's ids are read, so vectors a crashed ingest left behind are never loaded at all.
            stored = read_vectors(collection, sound)
            self.integrity_problems += [f"{p} in {name}" for p in stored.problems]
            for chunk in sound:
                if chunk.chunk_id in stored.vectors:
                    chunks.append(chunk)
                    vectors.append(stored.vectors[chunk.chunk_id])
        if not chunks:
            raise StoreError("The search index is empty for the loaded documents. Run `clausewise ingest`.")
        if len({v.size for v in vectors}) > 1:
            raise StoreError("The loaded collections hold vectors of different sizes; run `clausewise ingest --rebuild`.")
        self._rows = chunks
        self.chunks: dict[str, Chunk] = {c.chunk_id: c for c in chunks}
        self._chunks_by_clause: dict[str, list[Chunk]] = {}
        for chunk in chunks:
            self._chunks_by_clause.setdefault(chunk.clause_id, []).append(chunk)
        self._doc_numbers = {d: n for n, d in enumerate(dict.fromkeys(c.doc_id for c in chunks))}
        self._row_doc = np.array([self._doc_numbers[c.doc_id] for c in chunks], dtype=np.int32)
        self._scopes: dict[frozenset[str], np.ndarray] = {}
        # Ties in dense scores are broken by chunk id, as the Chroma-backed retriever's results were sorted.
        self._id_rank = np.argsort(np.argsort(np.array([c.chunk_id for c in chunks])))
        self._row_weight = np.array([HEADING_WEIGHT if self._is_heading(c) else 1.0 for c in chunks])
        self.dense: DenseIndex = VectorMatrix(np.stack(vectors))
        # The keyword text is what llama-index's BM25Retriever indexed (metadata header, then the embedded text), so
        # BM25 scores, and with them the fused rankings, are the ones the previous retriever stack produced.
        self.keywords: KeywordIndex = Bm25Keywords(
            [_with_version_tags(f"doc_id: {c.doc_id}\nfamily: {c.family}\n\n{c.embed_text}") for c in chunks])

    def expand(self, query: str) -> str:
        """The keyword query: the question plus the licence wording its everyday words point at."""
        extra = [add for pattern, add in self._expansions if pattern.search(query)]
        return " ".join([query, *extra])

    def _vector(self, query: str) -> np.ndarray:
        # The ONNX embedder's vector straight from the runtime: llama-index's wrapper around it (instrumentation
        # events, a list of Python floats) costs more than the dot products, and the float32 values are the same.
        direct = getattr(self.embedder, "query_vector", None)
        return direct(query) if direct is not None else np.asarray(self.embedder.get_query_embedding(query))

    def score(self, query: str) -> QueryScores:
        """Embed the query once and score it against every chunk, densely and by keyword."""
        expanded = self.expand(query)
        keyword = self.keywords.scores(_with_version_tags(expanded))
        # Only keyword search gets the expansions: they are licence wording for BM25 to match, and embedding them
        # made the one query embedding, most of an answer's time, half as long again (63 tokens at the median
        # against 42) for no gain in recall on the blind dev sets (README, "Embedding the question alone").
        vector = self._vector(query)
        return QueryScores(query, self.dense.scores(vector), keyword, self.keywords.top(keyword, KEYWORD_POOL))

    def families(self) -> set[str]:
        return {d.spec.family for d in self.corpus.documents.values()}

    def _is_heading(self, chunk: Chunk) -> bool:
        clause = self.corpus.clause(chunk.clause_id)
        return clause.kind == "heading" or len(clause.text) < 50

    def steer(self, query: str) -> list[str]:
        """Documents a query points at by naming a model or licence version (empty when it names none)."""
        if self.registry is None:
            return []
        from retrieval.scenario import read_facts

        return [d for d in read_facts(query, self.registry).documents if d in self.corpus.documents]

    def _scope(self, allowed: list[str]) -> np.ndarray:
        key = frozenset(allowed)
        mask = self._scopes.get(key)
        if mask is None:
            if not allowed:
                mask = np.ones(len(self._rows), dtype=bool)
            else:
                wanted = [self._doc_numbers[d] for d in allowed if d in self._doc_numbers]
                mask = np.isin(self._row_doc, np.array(wanted, dtype=np.int32))
            # An answer asks for the same few scopes again and again (the primary documents, a named model's licence
            # and policy); an isin over every row each time was ~1 ms of it.
            if len(self._scopes) >= 256:
                self._scopes.clear()
            mask.flags.writeable = False
            self._scopes[key] = mask
        return mask

    # A zero score carries no evidence; keeping such rows would rank clauses by accident.
    def _dense_rows(self, scores: QueryScores, scope: np.ndarray) -> np.ndarray:
        """Rows in scope with a positive score, best first (rounded to 6 places, ties by chunk id), cut to CANDIDATES."""
        rows = np.flatnonzero(scope & (scores.dense > 1e-9))
        rounded = np.round(scores.dense[rows], 6)
        if len(rows) > 4 * CANDIDATES:
            # Sorting every row costs milliseconds across the whole LicenseDB; only rows at or above the
            # CANDIDATES-th best rounded score can be chosen, ties at that score included, so the cut is exact.
            floor = np.partition(rounded, len(rounded) - CANDIDATES)[len(rounded) - CANDIDATES]
            keep = rounded >= floor
            rows, rounded = rows[keep], rounded[keep]
        order = np.lexsort((self._id_rank[rows], -rounded))
        return rows[order[:CANDIDATES]]

    def _keyword_rows(self, scores: QueryScores, scope: np.ndarray) -> np.ndarray:
        rows = scores.keyword_order
        return rows[scope[rows] & (scores.keyword[rows] > 0)][:CANDIDATES]

    def search(self, query: str, k: int = 5, doc_ids: list[str] | None = None, family: str | None = None,
               steer: bool = True, include_secondary: bool = False, prior: list[str] | None = None,
               scores: QueryScores | None = None, annotated: list[str] | None = None,
               facets: dict[str, int] | None = None,
               distinct_versions: bool = False) -> list[Hit]:
        """Top-k clauses for `query`, restricted to `doc_ids` / `family` when given, else steered by named models.

        `prior` is an ordered list of clause ids known to matter (the clauses the rules table grounds its findings
        in); each gets an extra vote in the fusion, as a third ranked list would. `scores` is this query's
        `score(query)`, passed when one question is searched in several scopes. `annotated` are clause ids whose
        annotation the scenario's facts trigger (`retrieval.freesearch`); they vote as one more ranked list, ordered
        by their hybrid score. `facets` maps clause ids to how many of the things the scenario acts on (distribution,
        hosting, outputs, ...) their annotation names; they vote as a weaker list, most shared first. With
        `distinct_versions`, a clause that repeats one ranked above it in another version
        of the same terms (Llama 3 and Llama 3.1, Gemma 2024 and 2025) moves below the clauses that do not, unless
        the query names its version: five copies of one provision answer one question, not five.
        """
        if not query.strip():
            raise ConfigError("The query is empty. Type a question or a few words from the clause you want.")
        if k < 1 or k > 100:
            raise ConfigError(f"k={k} is out of range; use 1 to 100.")
        if family and family not in self.families():
            raise ConfigError(f"Unknown family {family!r}. Known families: {', '.join(sorted(self.families()))}.")
        self.corpus.require_documents(list(doc_ids or []))
        allowed = list(doc_ids or [])
        if not allowed and steer and not family:
            allowed = self.steer(query)
        if family:
            allowed = [d for d, doc in self.corpus.documents.items() if doc.spec.family == family
                       and (not allowed or d in allowed)]
        if not include_secondary:
            allowed = allowed or [d for d, doc in self.corpus.documents.items() if doc.spec.is_primary]
        if scores is None or scores.query != query:
            scores = self.score(query)
        scope = self._scope(allowed)
        allowed_set = set(allowed)
        fused: dict[str, float] = {}
        best_chunk: dict[str, Chunk] = {}
        for rows, wsys in ((self._dense_rows(scores, scope), DENSE_WEIGHT),
                           (self._keyword_rows(scores, scope), KEYWORD_WEIGHT)):
            seen: set[str] = set()
            rank = 0
            for row in rows.tolist():
                chunk = self._rows[row]
                if chunk.clause_id in seen:
                    continue  # a long clause's second chunk adds no second vote
                seen.add(chunk.clause_id)
                rank += 1
                fused[chunk.clause_id] = fused.get(chunk.clause_id, 0.0) + wsys * self._row_weight[row] / (RRF_K + rank)
                best_chunk.setdefault(chunk.clause_id, chunk)
        if distinct_versions and MARKED_WEIGHT:
            # The documents whose version the query names ("Llama 3.1", "the 2023 terms") vote for their clauses.
            named = _query_marks(query)
            marked = [c for c in sorted(fused, key=lambda c: (-fused[c], c)) if _doc_marks(c.split(":", 1)[0]) & named]
            for rank, cid in enumerate(marked, 1):
                fused[cid] += MARKED_WEIGHT / (RRF_K + rank)
        if annotated:
            wanted = [c for c in dict.fromkeys(annotated) if c in self._chunks_by_clause
                      and (not allowed_set or c.split(":", 1)[0] in allowed_set)]
            for rank, cid in enumerate(sorted(wanted, key=lambda c: (-fused.get(c, 0.0), c)), 1):
                fused[cid] = fused.get(cid, 0.0) + ANNOTATION_WEIGHT / (RRF_K + rank)
                best_chunk.setdefault(cid, self._chunks_by_clause[cid][0])
        if facets:
            wanted = [c for c in facets if c in self._chunks_by_clause
                      and (not allowed_set or c.split(":", 1)[0] in allowed_set)]
            for rank, cid in enumerate(sorted(wanted, key=lambda c: (-facets[c], -fused.get(c, 0.0), c)), 1):
                fused[cid] = fused.get(cid, 0.0) + FACET_WEIGHT / (RRF_K + rank)
                best_chunk.setdefault(cid, self._chunks_by_clause[cid][0])
        for rank, cid in enumerate(dict.fromkeys(prior or []), 1):
            chunk = next((c for c in self._chunks_by_clause.get(cid, ())), None)
            if chunk is None or (allowed_set and chunk.doc_id not in allowed_set):
                continue
            fused[cid] = fused.get(cid, 0.0) + PRIOR_WEIGHT / (RRF_K + rank)
            best_chunk.setdefault(cid, chunk)
        ordered = sorted(fused, key=lambda cid: (-fused[cid], cid))
        if distinct_versions:
            ordered = self._distinct_versions(ordered, query, k)
        ordered = ordered[:k]
        hits = []
        for rank, cid in enumerate(ordered, 1):
            chunk = best_chunk[cid]
            clause = self.corpus.clause(cid)
            spec = self.corpus.documents[chunk.doc_id].spec
            hits.append(Hit(rank, round(float(fused[cid]), 6), cid, chunk.doc_id, spec.title, spec.version, clause.text,
                            clause.start, clause.end, chunk.secondary, chunk.start, chunk.end))
        return hits

    def _signature(self, clause_id: str) -> frozenset[str]:
        cache = self.__dict__.setdefault("_signatures", {})
        sig = cache.get(clause_id)
        if sig is None:
            # The words of the clause without version numbers or names of versions: twins across versions match.
            sig = cache[clause_id] = frozenset(re.findall(r"[a-z]{3,}", self.corpus.clause(clause_id).text.lower()))
        return sig

    def _distinct_versions(self, ordered: list[str], query: str, k: int) -> list[str]:
        named = _query_marks(query)
        kept: list[str] = []
        later: list[str] = []
        for cid in ordered:
            if len(kept) >= k:
                kept.append(cid)
                continue
            doc = cid.split(":", 1)[0]
            family = self.corpus.documents[doc].spec.family
            sig = self._signature(cid)
            twin = any(o.split(":", 1)[0] != doc and self.corpus.documents[o.split(":", 1)[0]].spec.family == family
                       and _similar(sig, self._signature(o)) for o in kept)
            if twin and not _doc_marks(doc) & named:
                later.append(cid)
            else:
                kept.append(cid)
        return kept + later


TWIN_OVERLAP = 0.85  # share of words two clauses of sibling documents must have in common to be the same provision


def _similar(a: frozenset[str], b: frozenset[str]) -> bool:
    if not a or not b:
        return False
    return len(a & b) / len(a | b) >= TWIN_OVERLAP


def _query_marks(query: str) -> set[str]:
    return set(version_tags(query)) | set(re.findall(r"\b(?:19|20)\d\d\b", query))


def _doc_marks(doc_id: str) -> set[str]:
    """How a query names this document's version: its version tag (`llama3p1`) or its year (`2024`)."""
    return set(version_tags(doc_id)) | set(re.findall(r"\b(?:19|20)\d\d\b", doc_id))


# A model or licence version ("Llama 3.1", "llama-3.1-8b", "Meta-Llama-3.1-70B", "Falcon 2") as one keyword token
# (`llama3p1`): the tokenizer keeps only words of two or more characters, so "3.1" and "3" would otherwise vanish and
# every Llama version would look the same to keyword search.
_VERSIONED = re.compile(r"\b([a-z]{3,})[\s_-]?(\d{1,2})(?:\.(\d))?(?![\d.]*\d)(?=\b|[a-z])", re.I)


def version_tags(text: str) -> list[str]:
    return [f"{m.group(1).lower()}{m.group(2)}" + (f"p{m.group(3)}" if m.group(3) else "")
            for m in _VERSIONED.finditer(text)]


def _with_version_tags(text: str) -> str:
    tags = version_tags(text)
    return text + ("\n" + " ".join(tags) if tags else "")


def load_expansions(path=None) -> list[tuple["re.Pattern[str]", str]]:
    """Read corpus/expansions.toml; a bad pattern is a ConfigError naming it."""
    import re
    import tomllib

    from ingest.settings import CORPUS_DIR

    path = path or CORPUS_DIR / "expansions.toml"
    if not path.is_file():
        return []
    try:
        rows = tomllib.loads(path.read_text(encoding="utf-8")).get("expansion", [])
        return [(re.compile(row["when"], re.I), str(row["add"])) for row in rows]
    except (tomllib.TOMLDecodeError, KeyError, re.error) as exc:
        raise ConfigError(f"{path} is invalid ({type(exc).__name__}: {exc}); fix the row it names.") from exc
