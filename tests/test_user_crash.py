"""A `clausewise add` killed part-way leaves no half-added document, search keeps working, and a rerun completes."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ingest.corpus import load_corpus
from ingest.embed import make_embedder
from ingest.index import ingest
from ingest.settings import Settings
from ingest.userdocs import UserStore
from retrieval.search import Searcher

pytestmark = pytest.mark.integration
WORKER = Path(__file__).resolve().parent / "helpers" / "add_worker.py"
DOC = "Gizmo Licence\n\n1. Grant. You may use Gizmo.\n\n2. You may not redistribute the Gizmo weights.\n"


def run_worker(home: Path, doc: Path, delay: float) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, str(WORKER), "--home", str(home), "--file", str(doc), "--delay", str(delay)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "HF_HUB_OFFLINE": "1"})


def test_sigkill_during_add(tmp_path, sources_dir):
    home = tmp_path / "home"
    settings = Settings.from_env({"CLAUSEWISE_SOURCES": str(sources_dir), "CLAUSEWISE_HOME": str(home),
                                  "CLAUSEWISE_EMBED_MODEL": "fake-hash"})
    fake = make_embedder("fake-hash")
    ingest(load_corpus(settings, docs=["mit"], network=False), settings, fake)
    doc = tmp_path / "gizmo.md"
    doc.write_text(DOC, encoding="utf-8")

    child = run_worker(home, doc, delay=30.0)
    stored = home / "user" / "user-gizmo.txt"
    deadline = time.monotonic() + 60
    while not stored.exists() and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.05)
    assert stored.exists() and child.poll() is None, child.communicate()
    child.send_signal(signal.SIGKILL)
    child.wait(30)

    assert UserStore(settings).list() == []  # never registered: nothing half-added is visible
    corpus = load_corpus(settings, network=False)
    assert "user-gizmo" not in corpus.documents
    hits = Searcher(corpus, settings, fake).search("copyright notice permission notice", k=2, doc_ids=["mit"])
    assert hits and hits[0].doc_id == "mit"

    rerun = run_worker(home, doc, delay=0.0)
    assert rerun.wait(120) == 0, rerun.communicate()
    corpus = load_corpus(settings, network=False)
    hits = Searcher(corpus, settings, fake).search("redistribute the Gizmo weights", k=1, doc_ids=["user-gizmo"])
    assert hits[0].clause_id == "user-gizmo:2"
