"""Shared fixtures: the real corpus (Llama texts from CLAUSEWISE_SOURCES or ../shared/corpus, the rest from ScanCode)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ingest.corpus import Corpus, load_corpus
from ingest.settings import Settings

REPO = Path(__file__).resolve().parent.parent


def shared_sources() -> Path:
    env = os.environ.get("CLAUSEWISE_SOURCES")
    path = Path(env) if env else REPO.parent / "shared" / "corpus"
    if not (path / "meta-llama").is_dir():
        message = f"no Llama sources at {path}; set CLAUSEWISE_SOURCES to a folder laid out like shared/corpus"
        if os.environ.get("CI"):
            pytest.fail(message)  # in CI a missing corpus is a broken set-up, never a quiet skip
        pytest.skip(message)  # pragma: no cover
    return path


@pytest.fixture(scope="session")
def sources_dir() -> Path:
    return shared_sources()


@pytest.fixture
def settings(tmp_path, sources_dir) -> Settings:
    return Settings.from_env({"CLAUSEWISE_SOURCES": str(sources_dir), "CLAUSEWISE_HOME": str(tmp_path / "home")})


@pytest.fixture(scope="session")
def corpus(sources_dir, tmp_path_factory) -> Corpus:
    home = tmp_path_factory.mktemp("home")
    return load_corpus(Settings.from_env({"CLAUSEWISE_SOURCES": str(sources_dir), "CLAUSEWISE_HOME": str(home)}),
                       strict=True, network=False)


@pytest.fixture(scope="session")
def fake_services(sources_dir, tmp_path_factory):
    """The whole pipeline on the real corpus, indexed with the deterministic fake embedder (seconds, not minutes)."""
    from ingest.embed import make_embedder
    from ingest.index import ingest
    from retrieval.service import Services

    home = tmp_path_factory.mktemp("fakehome")
    settings = Settings.from_env({"CLAUSEWISE_SOURCES": str(sources_dir), "CLAUSEWISE_HOME": str(home),
                                  "CLAUSEWISE_EMBED_MODEL": "fake-hash"})
    corpus = load_corpus(settings, strict=True, network=False)
    embedder = make_embedder("fake-hash")
    ingest(corpus, settings, embedder)
    return Services.load(settings, embedder=embedder, corpus=corpus)


@pytest.fixture(scope="session")
def reg():
    """The model registry as shipped (corpus/models.toml and aliases), shared by the reader tests."""
    from retrieval.registry import Registry

    return Registry.load()


@pytest.fixture(scope="session")
def table():
    """The rules table as shipped (corpus/rules/*.toml)."""
    from retrieval.rules import RuleTable

    return RuleTable.load()
