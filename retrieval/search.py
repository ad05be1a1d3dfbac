"""Hybrid clause search: dense (Chroma through llama-index) and BM25, fused by reciprocal rank, at clause level."""

from __future__ import annotations

from dataclasses import dataclass

from ingest.corpus import Corpus
from ingest.errors import ConfigError, StoreError
from ingest.index import Chunk, catalog_path, chroma_client, collection_name, read_catalog
from ingest.settings import Settings

RRF_K = 60
# Measured on the public eval set (clausewise bench): keyword search with licence-wording expansions finds the
# obligation clauses more often than the small default embedding model, so it gets the larger share of the vote.
DENSE_WEIGHT = 0.7
KEYWORD_WEIGHT = 1.3
PRIOR_WEIGHT = 2.0
CANDIDATES = 40
HEADING_WEIGHT = 0.6  # titles and bare headings match many queries and rarely answer one


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


class Searcher:
    """Loads the committed catalog once and answers queries against it."""

    def __init__(self, corpus: Corpus, settings: Settings, embedder, *, prefix: str = "clauses",
                 extra_prefixes: tuple[str, ...] = ("user",), registry=None):
        self.corpus = corpus
        self.settings = settings
        self.embedder = embedder
        self.registry = registry
        self.prefixes = (prefix, *extra_prefixes)
        self._query_cache: dict[str, list[float]] = {}
        self._expansions = load_expansions()
        self.reload()

    def reload(self) -> None:
        """(Re)read the committed catalogs: the main one must exist, the user one is optional."""
        from llama_index.core import VectorStoreIndex
        from llama_index.core.schema import TextNode
        from llama_index.retrievers.bm25 import BM25Retriever
        from llama_index.vector_stores.chroma import ChromaVectorStore

        self.chunks: dict[str, Chunk] = {}
        self.integrity_problems: list[str] = []
        self._indexes = []
        client = None
        for i, prefix in enumerate(self.prefixes):
            name = collection_name(self.embedder.model_name, prefix)
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
            for row in catalog["chunks"]:
                chunk = Chunk(**row)
                doc = self.corpus.documents.get(chunk.doc_id)
                if doc is None:
                    continue
                if doc.text[chunk.start:chunk.end] != chunk.text:
                    # A stored chunk that no longer matches its verified source is never searched or shown.
                    self.integrity_problems.append(f"{chunk.clause_id} [{chunk.start}:{chunk.end}] in {name}")
                    continue
                self.chunks[chunk.chunk_id] = chunk
            # Vectors a crashed ingest left behind are not in the catalog; fetching that many more candidates keeps
            # them from pushing committed chunks out of the dense top-N.
            leftovers = max(0, collection.count() - len(catalog["chunks"]))
            self._indexes.append((VectorStoreIndex.from_vector_store(ChromaVectorStore(chroma_collection=collection),
                                                                     embed_model=self.embedder), min(leftovers, 5000)))
        if not self.chunks:
            raise StoreError("The search index is empty for the loaded documents. Run `clausewise ingest`.")
        self._chunks_by_clause: dict[str, list[Chunk]] = {}
        for chunk in self.chunks.values():
            self._chunks_by_clause.setdefault(chunk.clause_id, []).append(chunk)
        nodes = [TextNode(id_=c.chunk_id, text=c.embed_text, metadata={"doc_id": c.doc_id, "family": c.family})
                 for c in self.chunks.values()]
        self._bm25 = BM25Retriever.from_defaults(nodes=nodes, similarity_top_k=min(len(nodes), 400))

    def _embed(self, query: str) -> list[float]:
        """Query embeddings are cached: one question is searched several ways (scenario, unrestricted, background)."""
        vec = self._query_cache.get(query)
        if vec is None:
            vec = self.embedder.get_query_embedding(query)
            if len(self._query_cache) > 512:
                self._query_cache.clear()
            self._query_cache[query] = vec
        return vec

    def expand(self, query: str) -> str:
        """The keyword query: the question plus the licence wording its everyday words point at."""
        extra = [add for pattern, add in self._expansions if pattern.search(query)]
        return " ".join([query, *extra])

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

    def search(self, query: str, k: int = 5, doc_ids: list[str] | None = None, family: str | None = None,
               steer: bool = True, include_secondary: bool = False, prior: list[str] | None = None) -> list[Hit]:
        """Top-k clauses for `query`, restricted to `doc_ids` / `family` when given, else steered by named models.

        `prior` is an ordered list of clause ids known to matter (the clauses the rules table grounds its findings
        in); each gets an extra vote in the fusion, as a third ranked list would.
        """
        from llama_index.core.schema import QueryBundle
        from llama_index.core.vector_stores import FilterOperator, MetadataFilter, MetadataFilters

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
        filters = MetadataFilters(filters=[MetadataFilter(key="doc_id", operator=FilterOperator.IN, value=allowed)]) \
            if allowed else None
        allowed_set = set(allowed)
        bundle = QueryBundle(query_str=query, embedding=self._embed(self.expand(query)))
        # A search inside a few documents ranks all of their chunks, so equal scores cannot be cut arbitrarily.
        in_scope = sum(1 for c in self.chunks.values() if c.doc_id in allowed_set) if allowed else 0
        wanted = CANDIDATES if in_scope > 600 else max(CANDIDATES, in_scope)
        dense = sorted((n for index, extra in self._indexes
                        for n in index.as_retriever(similarity_top_k=wanted + extra, filters=filters).retrieve(bundle)
                        if n.node.node_id in self.chunks and (n.score or 0.0) > 1e-9),
                       key=lambda n: (-round(n.score or 0.0, 6), n.node.node_id))[:CANDIDATES]  # ties in a fixed order
        # A zero score carries no evidence; keeping such hits would rank clauses by accident.
        sparse = [n for n in self._bm25.retrieve(self.expand(query))
                  if (n.score or 0.0) > 0 and (not allowed_set or n.node.metadata["doc_id"] in allowed_set)]
        scores: dict[str, float] = {}
        best_chunk: dict[str, Chunk] = {}
        for ranked, wsys in ((dense, DENSE_WEIGHT), (sparse[:CANDIDATES], KEYWORD_WEIGHT)):
            seen: set[str] = set()
            rank = 0
            for result in ranked:
                chunk = self.chunks.get(result.node.node_id)
                if chunk is None or chunk.clause_id in seen:
                    continue  # not in the committed catalog (a crashed ingest's leftovers), or clause already counted
                seen.add(chunk.clause_id)
                rank += 1
                weight = wsys * (HEADING_WEIGHT if self._is_heading(chunk) else 1.0)
                scores[chunk.clause_id] = scores.get(chunk.clause_id, 0.0) + weight / (RRF_K + rank)
                best_chunk.setdefault(chunk.clause_id, chunk)
        for rank, cid in enumerate(dict.fromkeys(prior or []), 1):
            chunk = next((c for c in self._chunks_by_clause.get(cid, ())), None)
            if chunk is None or (allowed_set and chunk.doc_id not in allowed_set):
                continue
            scores[cid] = scores.get(cid, 0.0) + PRIOR_WEIGHT / (RRF_K + rank)
            best_chunk.setdefault(cid, chunk)
        ordered = sorted(scores, key=lambda cid: (-scores[cid], cid))[:k]
        hits = []
        for rank, cid in enumerate(ordered, 1):
            chunk = best_chunk[cid]
            clause = self.corpus.clause(cid)
            spec = self.corpus.documents[chunk.doc_id].spec
            hits.append(Hit(rank, round(scores[cid], 6), cid, chunk.doc_id, spec.title, spec.version, clause.text,
                            clause.start, clause.end, chunk.secondary, chunk.start, chunk.end))
        return hits


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
