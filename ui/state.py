"""Loaded once per process: the embedding model and the services (corpus, registry, searcher, rules, engine).

Services are cached under a stamp of the committed index (the main and user catalogs and the user-document list), so
adding or removing a document, here or with the CLI, rebuilds them on the next rerun while the embedding model, the
slow part, stays loaded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import streamlit as st

from ingest.corpus import DocReport, load_corpus
from ingest.errors import ClausewiseError
from ingest.index import catalog_path, home_collection, ingest, read_catalog
from ingest.settings import Settings
from retrieval.service import Services


@dataclass(frozen=True)
class AppState:
    settings: Settings
    services: Services
    stale: tuple[str, ...] = ()  # loaded documents whose text the committed index does not hold (yet)
    problems: tuple[DocReport, ...] = field(default=())


def settings() -> Settings:
    return Settings.from_env()


def _key(s: Settings) -> tuple:
    return (str(s.home), str(s.sources) if s.sources else "", s.chroma_url or "", s.embed_model, s.tenant or "")


def _from_key(key: tuple) -> Settings:
    home, sources, chroma, model, tenant = key
    return Settings.from_env({"CLAUSEWISE_HOME": home, "CLAUSEWISE_SOURCES": sources, "CLAUSEWISE_CHROMA_URL": chroma,
                              "CLAUSEWISE_EMBED_MODEL": model, "CLAUSEWISE_TENANT": tenant})


def main_catalog(s: Settings):
    return catalog_path(s, home_collection(s, s.embed_model))


def user_catalog(s: Settings):
    return catalog_path(s, home_collection(s, s.embed_model, "user"))


def _stat(path) -> tuple | None:
    try:
        st_ = path.stat()
    except OSError:
        return None
    return (st_.st_mtime_ns, st_.st_size)


def index_stamp(s: Settings) -> tuple:
    """Changes whenever a committed index or the user-document list changes."""
    return (_stat(main_catalog(s)), _stat(user_catalog(s)), _stat(s.home / "user" / "manifest.json"))


def index_exists(s: Settings) -> bool:
    return main_catalog(s).is_file()


@st.cache_resource(show_spinner="Loading the embedding model\u2026")
def embedder(model_name: str):
    from ingest.embed import make_embedder

    return make_embedder(model_name)


@st.cache_resource(show_spinner="Loading the corpus and the search index\u2026", max_entries=3)
def _state(key: tuple, stamp: tuple) -> AppState:
    s = _from_key(key)
    corpus = load_corpus(s)
    services = Services.load(s, embedder=embedder(s.embed_model), corpus=corpus)
    recorded: dict[str, str] = {}
    for path in (main_catalog(s), user_catalog(s)):
        try:
            catalog = read_catalog(path) or {}
        except ClausewiseError:
            catalog = {}
        recorded.update({d: row.get("sha256", "") for d, row in catalog.get("documents", {}).items()})
    stale = tuple(d for d, doc in corpus.documents.items() if recorded.get(d) != doc.spec.sha256)
    return AppState(s, services, stale, tuple(corpus.problems()))


def app_state() -> AppState:
    """The services for the current settings and index; raises ClausewiseError (e.g. no index) for a banner."""
    s = settings()
    return _state(_key(s), index_stamp(s))


def build_index(s: Settings, progress: Callable[[int, int], None] | None = None, *, rebuild: bool = False):
    """Embed the corpus into the main collection (incremental unless `rebuild`), then bring user documents in line."""
    from ingest.userdocs import reindex_user

    corpus = load_corpus(s, user=False)
    report = ingest(corpus, s, lambda: embedder(s.embed_model), model_name=s.embed_model, rebuild=rebuild,
                    progress=progress)
    reindex_user(s, lambda: embedder(s.embed_model), s.embed_model)
    return report, corpus


def progress_callback(bar, label: str) -> Callable[[int, int], None]:
    """Drive an st.progress bar from (done, total) callbacks."""

    def update(done: int, total: int) -> None:
        frac = 1.0 if total == 0 else min(done / total, 1.0)
        bar.progress(frac, text=f"{label}: {done:,} of {total:,}" if total else f"{label}: nothing to embed")

    return update


@st.cache_resource(show_spinner=False)
def _history(path: str):
    from retrieval.history import History

    history = History(Path(path))
    history.purge()
    return history


def history(s: Settings):
    """The conversation store under CLAUSEWISE_HOME (opened, migrated and purged once per process)."""
    from retrieval.history import DB_NAME

    return _history(str(s.home / DB_NAME))
