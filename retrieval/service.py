"""Everything a question needs, loaded once: corpus, embedder, registry, searcher, rules and the answer engine."""

from __future__ import annotations

from dataclasses import dataclass

from ingest.annotations import AnnotationSet, load_annotations
from ingest.corpus import Corpus, load_corpus
from ingest.embed import make_embedder
from ingest.settings import Settings
from retrieval.answer import Engine
from retrieval.registry import Registry
from retrieval.rules import RuleTable
from retrieval.search import Searcher


@dataclass
class Services:
    settings: Settings
    corpus: Corpus
    registry: Registry
    searcher: Searcher
    rules: RuleTable
    engine: Engine
    annotations: AnnotationSet | None = None

    @classmethod
    def load(cls, settings: Settings, *, embedder=None, corpus: Corpus | None = None) -> "Services":
        corpus = corpus or load_corpus(settings)
        from ingest.userdocs import UserStore
        from retrieval.registry import with_user_documents

        registry = with_user_documents(Registry.load(), UserStore(settings).list())
        from ingest.sources import load_manifest

        rules = RuleTable.load(known_clause_ids={c.clause_id for c in corpus.all_clauses()},
                               known_doc_ids=set(load_manifest().ids()))
        annotations = load_annotations(corpus, user_dir=settings.user_annotations_dir)
        embedder = embedder or make_embedder(settings.embed_model)
        searcher = Searcher(corpus, settings, embedder, registry=registry)
        from retrieval.obligations import ObligationTable

        from retrieval.usesim import build_similarity

        obligations = ObligationTable.load(corpus)
        # the search embedder, not a second model; None when switched off or when the embedder is the fake one
        similarity = build_similarity(embedder, corpus, annotations, enabled=settings.use_similarity,
                                      cache_dir=settings.cache_dir)
        engine = Engine(corpus, registry, searcher, rules, obligations, annotations=annotations, similarity=similarity)
        return cls(settings, corpus, registry, searcher, rules, engine, annotations)
