"""Everything a question needs, loaded once: corpus, embedder, registry, searcher (and the rules, once asked for)."""

from __future__ import annotations

from dataclasses import dataclass

from ingest.corpus import Corpus, load_corpus
from ingest.embed import make_embedder
from ingest.settings import Settings
from retrieval.registry import Registry
from retrieval.search import Searcher


@dataclass
class Services:
    settings: Settings
    corpus: Corpus
    registry: Registry
    searcher: Searcher

    @classmethod
    def load(cls, settings: Settings, *, embedder=None, corpus: Corpus | None = None) -> "Services":
        corpus = corpus or load_corpus(settings)
        registry = Registry.load()
        embedder = embedder or make_embedder(settings.embed_model)
        searcher = Searcher(corpus, settings, embedder, registry=registry)
        return cls(settings, corpus, registry, searcher)
