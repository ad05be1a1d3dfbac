"""The index: chunking, incremental and atomic ingest, the ingest lock, Chroma server mode, real-model retrieval.

Everything uses the fake hashing embedder except the one `slow` test. Tests that start processes or a Chroma server
are marked `integration`. Expected counts are derived from the corpus texts (offsets of an edit), never hard-coded
from the parser, so parser work elsewhere does not break them.
"""

from __future__ import annotations

import dataclasses
import gc
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings as hsettings, strategies as st

from ingest.appendix import document_clauses
from ingest.clauses import Clause
from ingest.corpus import Corpus, Document, load_corpus
from ingest.embed import FAKE_MODEL, make_embedder
from ingest.errors import ConfigError, StoreError
from ingest.index import (MAX_CHUNK, build_chunks, catalog_path, chroma_client, collection_name, home_collection,
                          home_id, ingest, ingest_lock, read_catalog)
from ingest.settings import Settings
from ingest.sources import DocKind, DocumentSpec, load_manifest, sha256_text
from retrieval.search import Searcher

REPO = Path(__file__).resolve().parent.parent
WORKER = Path(__file__).resolve().parent / "helpers" / "ingest_worker.py"
COLLECTION = collection_name(FAKE_MODEL)

# A same-length word swap inside one leaf clause: offsets elsewhere do not move, so exactly one chunk changes.
SWAP = ("llama-3-license", "to improve any other large language model", "to enhance any other large language model")
# An insertion inside clause 1.a of the Llama 3 licence: that chunk and every later one in the document shift.
MARKER = "zanzibarquux"
INSERT = ("llama-3-license", "royalty-free limited license", f"royalty-free {MARKER} limited license")

# (query, doc_ids, include_secondary); include_secondary with no doc_ids is the one search without a metadata filter
QUERIES = [
    ("improve any other large language model", ["llama-3-license"], False),
    ("improve any other large language model", None, True),
    (MARKER, ["llama-3-license"], False),
    (MARKER, None, True),
    (f"{MARKER} royalty-free limited license", None, False),
    ("700 million monthly active users", None, True),
    ("NOTICE text file attribution notices", ["apache-2.0"], False),
]


# --------------------------------------------------------------------------------------------------------- helpers

def fake():
    return make_embedder(FAKE_MODEL)


def catalog(settings: Settings) -> dict:
    data = read_catalog(catalog_path(settings, COLLECTION))
    assert data is not None, "no committed catalog"
    return data


def catalog_ids(settings: Settings) -> set[str]:
    return {c["chunk_id"] for c in catalog(settings)["chunks"]}


def chroma_collection(settings: Settings):
    return chroma_client(settings).get_collection(COLLECTION)


def collection_ids(settings: Settings) -> set[str]:
    return set(chroma_collection(settings).get(include=[])["ids"])


def chunk_ids(corpus: Corpus, doc_id: str | None = None) -> set[str]:
    return {c.chunk_id for c in build_chunks(corpus, FAKE_MODEL) if doc_id is None or c.doc_id == doc_id}


def altered(corpus: Corpus, doc_id: str, old: str, new: str) -> tuple[Corpus, int]:
    """`corpus` with one occurrence of `old` in `doc_id` replaced by `new` (clauses re-parsed), and the edit offset."""
    doc = corpus.documents[doc_id]
    assert doc.text.count(old) == 1, f"{old!r} must occur exactly once in {doc_id}"
    pos = doc.text.index(old)
    text = doc.text.replace(old, new)
    new_doc = dataclasses.replace(doc, spec=dataclasses.replace(doc.spec, sha256=sha256_text(text)), text=text,
                                  clauses=tuple(document_clauses(doc_id, text, doc.appendices)))
    assert [c.clause_id for c in new_doc.clauses] == [c.clause_id for c in doc.clauses], "the edit changed the tree"
    return Corpus({**corpus.documents, doc_id: new_doc}, corpus.reports), pos


def without(corpus: Corpus, *doc_ids: str) -> Corpus:
    return Corpus({k: v for k, v in corpus.documents.items() if k not in doc_ids}, corpus.reports)


def subset(corpus: Corpus, *doc_ids: str) -> Corpus:
    return Corpus({k: corpus.documents[k] for k in doc_ids}, corpus.reports)


def run_queries(searcher: Searcher, queries=QUERIES) -> list[list]:
    return [searcher.search(q, k=5, doc_ids=d, include_secondary=sec) for q, d, sec in queries]


def first_batch(old: Corpus, new: Corpus, size: int = 8) -> list:
    """The chunks an ingest of `new` over an index of `old` embeds first (ingest keeps corpus order)."""
    old_ids = chunk_ids(old)
    return [c for c in build_chunks(new, FAKE_MODEL) if c.chunk_id not in old_ids][:size]


def leftover_queries(batch: list) -> list:
    """Queries whose nearest vectors are the uncommitted chunks of a crashed run: their own embedded texts."""
    return QUERIES + [(c.embed_text, [c.doc_id], False) for c in batch] + [(c.embed_text, None, True) for c in batch]


def assert_nearest_is_uncommitted(settings: Settings, chunk) -> None:
    """The dense store ranks the crashed run's version of `chunk` first, so a Searcher has to skip it on purpose."""
    emb = fake().get_query_embedding(chunk.embed_text)
    top = chroma_collection(settings).query(query_embeddings=[emb], n_results=1, include=[])["ids"][0]
    assert top == [chunk.chunk_id] and chunk.chunk_id not in catalog_ids(settings)


def assert_hits_in_catalog(results: list[list], settings: Settings) -> None:
    committed = {(c["clause_id"], c["start"], c["end"]) for c in catalog(settings)["chunks"]}
    for hits in results:
        for h in hits:
            key = (h.clause_id, h.chunk_start, h.chunk_end)
            assert key in committed, f"{h.clause_id} comes from an uncommitted chunk"


def forget_chroma_clients(settings: Settings) -> None:
    """Drop this process's cached embedded Chroma system for `settings` so the next client re-reads what another
    process wrote (a cached system keeps its in-memory vector index); other tests' systems are left alone."""
    from chromadb.api.shared_system_client import SharedSystemClient

    gc.collect()
    for ident in list(SharedSystemClient._identifier_to_system):
        if ident.startswith(str(settings.home)):
            SharedSystemClient._identifier_to_system.pop(ident, None)
            SharedSystemClient._identifier_to_refcount.pop(ident, None)


def synthetic_doc(parts: list[tuple[str, str | None, str, str]], doc_id: str = "synthetic") -> Document:
    """A document built from (path, parent path, heading, clause text) tuples, clauses separated by blank lines."""
    text, clauses = "", []
    for path, parent, heading, body in parts:
        start = len(text)
        text += body
        clauses.append(Clause(doc_id=doc_id, clause_id=f"{doc_id}:{path}", path=path, heading=heading, text=body,
                              start=start, end=len(text), parent=f"{doc_id}:{parent}" if parent else None,
                              depth=path.count("."), kind="synthetic"))
        text += "\n\n"
    spec = DocumentSpec(doc_id=doc_id, title="Synthetic Licence", publisher="tests", version="v1", kind=DocKind.LICENCE,
                        family="synthetic", source="local:synthetic", sha256=sha256_text(text),
                        url="https://example.invalid/synthetic")
    return Document(spec, text, "tests", tuple(clauses))


def one_doc_corpus(doc: Document) -> Corpus:
    return Corpus({doc.spec.doc_id: doc}, ())


def sentence(i: int, length: int = 99) -> str:
    """A sentence of exactly `length` characters: a capital, lower-case words, a full stop."""
    head = f"Sentence {i:02d} says"
    return head + (" lorem" * 40)[: length - len(head) - 1] + "."


@pytest.fixture
def indexed(settings, corpus):
    """`settings` with the real corpus ingested once using the fake embedder."""
    report = ingest(corpus, settings, fake())
    assert report.embedded == report.chunks == len(build_chunks(corpus, FAKE_MODEL)) and report.removed == 0
    return settings


# -------------------------------------------------------------------------------------------------------- chunking

def test_long_clause_is_split_at_sentence_ends_with_exact_offsets():
    body = "(a) " + " ".join(sentence(i) for i in range(1, 31))  # 4 + 30 * 100 - 1 = 3003 characters
    doc = synthetic_doc([("1", None, "Grants", "1. Grants"), ("1.a", "1", "", body)])
    chunks = [c for c in build_chunks(one_doc_corpus(doc), FAKE_MODEL) if c.clause_id == "synthetic:1.a"]
    base = doc.clauses[1].start
    # Greedy packing: 11 sentences fit with the "(a) " prefix (1103 chars), then 12 (1199), then the last 7 (699).
    assert [(c.start - base, c.end - base) for c in chunks] == [(0, 1103), (1104, 2303), (2304, 3003)]
    assert {c.clause_id for c in chunks} == {"synthetic:1.a"}
    assert len({c.chunk_id for c in chunks}) == 3
    for c in chunks:
        assert c.text == doc.text[c.start:c.end]
        assert c.embed_text == f"Synthetic Licence (v1), 1.a - Grants: {c.text}"
    assert chunks[0].text.startswith("(a) Sentence 01") and chunks[1].text.startswith("Sentence 12")
    assert chunks[-1].text.endswith(" " + sentence(30)) and len(sentence(30)) == 99


def test_clause_of_exactly_max_chunk_stays_whole_and_one_sentence_longer_than_max_is_not_cut():
    exact = "A" + "a" * (MAX_CHUNK - 2) + "."
    run_on = "No sentence end here " * 100  # 2100 characters without a sentence boundary
    doc = synthetic_doc([("p1", None, "", exact), ("p2", None, "", run_on.strip())])
    chunks = build_chunks(one_doc_corpus(doc), FAKE_MODEL)
    assert [(c.clause_id, c.end - c.start) for c in chunks] == [("synthetic:p1", MAX_CHUNK),
                                                                ("synthetic:p2", len(run_on.strip()))]


def test_blank_clauses_make_no_chunks():
    doc = synthetic_doc([("p1", None, "", "Text."), ("p2", None, "", "   ")])
    assert [c.clause_id for c in build_chunks(one_doc_corpus(doc), FAKE_MODEL)] == ["synthetic:p1"]


_words = st.text(alphabet="abcdefghij klmnop", min_size=1, max_size=300).map(lambda s: s.strip() or "x")
_sentences = st.lists(st.tuples(st.sampled_from("ABCXYZ019\"(\u201c"), _words, st.sampled_from(".;:"),
                                st.sampled_from([" ", "\n", "\n   ", "  \t"])), min_size=1, max_size=40)


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_sentences, st.integers(min_value=0, max_value=50))
def test_split_pieces_slice_the_source_and_cover_the_clause(parts, lead):
    body = "".join(f"{first}{words}{end}{gap}" for first, words, end, gap in parts).rstrip()
    doc = synthetic_doc([("p0", None, "", "Lead." + "x" * lead), ("p1", None, "", body)])
    clause = doc.clauses[1]
    chunks = [c for c in build_chunks(one_doc_corpus(doc), FAKE_MODEL) if c.clause_id == clause.clause_id]
    assert chunks[0].start == clause.start and chunks[-1].end == clause.end
    for c in chunks:
        assert c.text == doc.text[c.start:c.end] and c.text.strip() == c.text
    for a, b in zip(chunks, chunks[1:]):
        # only the whitespace between sentences is left out
        assert a.end < b.start and doc.text[a.end:b.start].isspace()
        assert a.text[-1] in ".;:"
    longest_sentence = max(len(f"{f}{w}{e}") for f, w, e, _ in parts)
    if longest_sentence <= MAX_CHUNK:
        assert all(len(c.text) <= MAX_CHUNK for c in chunks)
    if len(body) <= MAX_CHUNK:
        assert len(chunks) == 1


def test_real_long_clauses_are_split_and_cover_the_clause(corpus):
    chunks = build_chunks(corpus, FAKE_MODEL)
    long = [c for c in corpus.all_clauses() if len(c.text) > MAX_CHUNK]
    assert long, "the corpus has clauses longer than MAX_CHUNK"
    for clause in long:
        doc = corpus.documents[clause.doc_id]
        mine = [c for c in chunks if c.clause_id == clause.clause_id]
        assert len(mine) >= 2, clause.clause_id
        assert len({c.chunk_id for c in mine}) == len(mine)
        assert mine[0].start == clause.start and mine[-1].end == clause.end
        for c in mine:
            assert c.text == doc.text[c.start:c.end] and c.doc_id == clause.doc_id
            # The verbatim piece, then (for an annotated clause) our gloss for the search: never inside the text.
            assert c.embed_text.split("\nIn plain words: ")[0].endswith(": " + c.text)
        for a, b in zip(mine, mine[1:]):
            assert a.end < b.start and doc.text[a.end:b.start].isspace()
    # every other clause is exactly one chunk, equal to the clause
    by_clause = {}
    for c in chunks:
        by_clause.setdefault(c.clause_id, []).append(c)
    for clause in corpus.all_clauses():
        if clause.text.strip() and len(clause.text) <= MAX_CHUNK:
            [only] = by_clause[clause.clause_id]
            assert (only.start, only.end, only.text) == (clause.start, clause.end, clause.text)


def test_subclause_embed_text_carries_ancestor_headings_and_text_is_the_clause_alone():
    doc = synthetic_doc([
        ("1", None, "License Grant", "1. License Grant."),
        ("1.b", "1", "", "b. Redistribution and use of the materials, subject to the following."),
        ("1.b.ii", "1.b", "", "ii. You must keep this notice."),
        ("2", None, "Term", "2. Term. This agreement starts today."),
    ])
    chunks = {c.clause_id: c for c in build_chunks(one_doc_corpus(doc), FAKE_MODEL)}
    leaf = chunks["synthetic:1.b.ii"]
    assert leaf.text == "ii. You must keep this notice."
    assert leaf.embed_text == ("Synthetic Licence (v1), 1.b.ii - License Grant > "
                               "b. Redistribution and use of the materials, subject to the following.: "
                               "ii. You must keep this notice.")
    assert chunks["synthetic:1.b"].embed_text == (
        "Synthetic Licence (v1), 1.b - License Grant: "
        "b. Redistribution and use of the materials, subject to the following.")
    assert chunks["synthetic:2"].embed_text == "Synthetic Licence (v1), 2: 2. Term. This agreement starts today."


def test_real_subclauses_carry_ancestor_headings(corpus):
    chunks = build_chunks(corpus, FAKE_MODEL)
    [leaf] = [c for c in chunks if c.clause_id == "llama-3-license:1.b.v"]
    clause = corpus.clause("llama-3-license:1.b.v")
    assert leaf.text == clause.text
    assert leaf.embed_text.startswith("Meta Llama 3 Community License Agreement (2024-04-18), 1.b.v - "
                                      "License Rights and Redistribution > Redistribution and Use: " + clause.text
                                      + "\nIn plain words: You may not use Llama 3 or its outputs")
    assert "improve any other large language model" in leaf.text and "Redistribution" not in leaf.text
    for chunk in chunks:
        doc = corpus.documents[chunk.doc_id]
        clause = corpus.clause(chunk.clause_id)
        assert chunk.text == doc.text[chunk.start:chunk.end]
        assert clause.start <= chunk.start < chunk.end <= clause.end
        by_id = {c.clause_id: c for c in doc.clauses}
        context, parent = [], clause.parent
        while parent in by_id:
            context.append(by_id[parent].heading or by_id[parent].text[:100])
            parent = by_id[parent].parent
        prefix = f"{doc.spec.title} ({doc.spec.version}), {clause.path}"
        if context:
            prefix += " - " + " > ".join(reversed(context))
        assert chunk.embed_text.split("\nIn plain words: ")[0] == f"{prefix}: {chunk.text}", chunk.clause_id


def test_chunk_ids_are_deterministic_and_change_with_text_context_and_model():
    parts = [("1", None, "Grants", "1. Grants."), ("1.a", "1", "", "a. You may copy."),
             ("1.b", "1", "", "b. You may share."), ("2", None, "Term", "2. Term.")]
    base = {c.clause_id: c.chunk_id for c in build_chunks(one_doc_corpus(synthetic_doc(parts)), FAKE_MODEL)}
    again = {c.clause_id: c.chunk_id for c in build_chunks(one_doc_corpus(synthetic_doc(parts)), FAKE_MODEL)}
    assert base == again and len(set(base.values())) == 4

    text_edit = [*parts[:2], ("1.b", "1", "", "b. You may trade."), parts[3]]  # same length: no offset moves
    edited = {c.clause_id: c.chunk_id for c in build_chunks(one_doc_corpus(synthetic_doc(text_edit)), FAKE_MODEL)}
    assert {k for k in base if base[k] != edited[k]} == {"synthetic:1.b"}

    heading_edit = [("1", None, "Rights", "1. Grants."), *parts[1:]]  # the parent's heading is the children's context
    context = {c.clause_id: c.chunk_id for c in build_chunks(one_doc_corpus(synthetic_doc(heading_edit)), FAKE_MODEL)}
    assert {k for k in base if base[k] != context[k]} == {"synthetic:1.a", "synthetic:1.b"}

    other_model = {c.clause_id: c.chunk_id for c in build_chunks(one_doc_corpus(synthetic_doc(parts)), "other-model")}
    assert not set(other_model.values()) & set(base.values())


def test_real_corpus_chunk_ids_are_unique_and_change_only_where_the_text_changed(corpus):
    chunks = build_chunks(corpus, FAKE_MODEL)
    assert len({c.chunk_id for c in chunks}) == len(chunks)
    assert [c.chunk_id for c in build_chunks(corpus, FAKE_MODEL)] == [c.chunk_id for c in chunks]
    changed, _ = altered(corpus, *SWAP)
    diff = chunk_ids(changed) ^ chunk_ids(corpus)
    [old] = [c for c in chunks if c.chunk_id in diff]
    assert old.clause_id == "llama-3-license:1.b.v" and len(diff) == 2


@pytest.mark.integration
def test_chunk_ids_are_stable_across_processes(sources_dir, tmp_path):
    code = ("import json, sys; from ingest.corpus import load_corpus; from ingest.settings import Settings; "
            "from ingest.index import build_chunks; "
            "s = Settings.from_env({'CLAUSEWISE_SOURCES': sys.argv[1], 'CLAUSEWISE_HOME': sys.argv[2]}); "
            "c = load_corpus(s, strict=True, network=False, explainers=False); "
            "print(json.dumps([[k.chunk_id, k.clause_id, k.start, k.end] for k in build_chunks(c, 'fake-hash')]))")
    runs = []
    for seed in ("1", "2"):
        out = subprocess.run([sys.executable, "-c", code, str(sources_dir), str(tmp_path / "home")], cwd=REPO,
                             env={**os.environ, "PYTHONHASHSEED": seed}, capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
        runs.append(json.loads(out.stdout))
    assert runs[0] == runs[1] and len(runs[0]) > 1000


# ------------------------------------------------------------------------------------------------------ incremental

def test_second_ingest_embeds_nothing_and_never_loads_the_model(indexed, corpus):
    before = catalog(indexed)
    assert catalog_ids(indexed) == collection_ids(indexed) == chunk_ids(corpus)
    assert before["model"] == FAKE_MODEL and before["collection"] == COLLECTION
    assert set(before["documents"]) == set(corpus.documents)
    assert before["documents"]["llama-3-license"]["sha256"] == corpus.documents["llama-3-license"].spec.sha256

    def factory():
        raise AssertionError("the embedding model was loaded although nothing changed")

    report = ingest(corpus, indexed, factory, model_name=FAKE_MODEL)
    assert (report.collection, report.chunks, report.embedded, report.removed) == (
        COLLECTION, len(before["chunks"]), 0, 0)
    assert catalog(indexed) == before
    assert collection_ids(indexed) == catalog_ids(indexed)


def test_same_length_edit_reembeds_exactly_the_changed_chunk(indexed, corpus):
    changed, _ = altered(corpus, *SWAP)
    old_ids, new_ids = chunk_ids(corpus), chunk_ids(changed)
    progress = []
    report = ingest(changed, indexed, fake(), progress=lambda done, total: progress.append((done, total)))
    assert (report.embedded, report.removed, report.chunks) == (1, 1, len(old_ids))
    assert progress == [(0, 1), (1, 1)]
    assert catalog_ids(indexed) == collection_ids(indexed) == new_ids
    [gone] = old_ids - new_ids
    [added] = new_ids - old_ids
    assert gone not in collection_ids(indexed) and added in collection_ids(indexed)
    entry = next(c for c in catalog(indexed)["chunks"] if c["chunk_id"] == added)
    assert entry["clause_id"] == "llama-3-license:1.b.v" and "to enhance any other" in entry["text"]
    new_sha = changed.documents["llama-3-license"].spec.sha256
    assert catalog(indexed)["documents"]["llama-3-license"]["sha256"] == new_sha

    hits = Searcher(changed, indexed, fake()).search("enhance any other large language model", k=3,
                                                     doc_ids=["llama-3-license"])
    assert hits[0].clause_id == "llama-3-license:1.b.v" and "to enhance any other" in hits[0].text


def test_edit_that_moves_offsets_reembeds_only_that_documents_later_chunks(indexed, corpus):
    changed, pos = altered(corpus, *INSERT)
    doc_id = INSERT[0]
    old_chunks = [c for c in build_chunks(corpus, FAKE_MODEL) if c.doc_id == doc_id]
    expected = {c.chunk_id for c in old_chunks if c.end > pos}  # the chunk holding the edit and every later one
    assert 1 < len(expected) < len(old_chunks)
    report = ingest(changed, indexed, fake(), batch_size=7)
    assert (report.embedded, report.removed) == (len(expected), len(expected))
    assert chunk_ids(corpus) - chunk_ids(changed) == expected
    added = chunk_ids(changed) - chunk_ids(corpus)
    assert {c.doc_id for c in build_chunks(changed, FAKE_MODEL) if c.chunk_id in added} == {doc_id}
    assert catalog_ids(indexed) == collection_ids(indexed) == chunk_ids(changed)
    # the other documents' chunks are untouched
    assert chunk_ids(corpus) - chunk_ids(corpus, doc_id) <= collection_ids(indexed)


def test_removed_document_disappears_from_catalog_collection_and_search(indexed, corpus):
    gone = "llama-2-license"
    before = Searcher(corpus, indexed, fake()).search("improve any other large language model", k=5)
    assert gone in {h.doc_id for h in before}
    n_gone = len(chunk_ids(corpus, gone))
    assert n_gone > 0

    report = ingest(without(corpus, gone), indexed, fake())
    assert (report.embedded, report.removed, report.chunks) == (0, n_gone, len(chunk_ids(corpus)) - n_gone)
    data = catalog(indexed)
    assert gone not in data["documents"] and all(c["doc_id"] != gone for c in data["chunks"])
    assert not collection_ids(indexed) & chunk_ids(corpus, gone)
    assert collection_ids(indexed) == catalog_ids(indexed) == chunk_ids(without(corpus, gone))

    searcher = Searcher(corpus, indexed, fake())  # even with the document still in the loaded corpus
    after = searcher.search("improve any other large language model", k=5)
    assert after and gone not in {h.doc_id for h in after}
    assert searcher.search("improve any other large language model", k=5, doc_ids=[gone]) == []
    unfiltered = searcher.search("improve any other large language model", k=5, include_secondary=True)
    assert unfiltered and gone not in {h.doc_id for h in unfiltered}


def test_stored_vectors_carry_the_chunk_metadata(indexed, corpus):
    chunks = {c.chunk_id: c for c in build_chunks(corpus, FAKE_MODEL) if c.doc_id == "llama-3-license"}
    got = chroma_collection(indexed).get(ids=sorted(chunks), include=["metadatas", "documents"])
    assert sorted(got["ids"]) == sorted(chunks)
    for cid, meta, document in zip(got["ids"], got["metadatas"], got["documents"]):
        c = chunks[cid]
        assert (meta["clause_id"], meta["family"], meta["doc_kind"], meta["secondary"], meta["start"], meta["end"]) == (
            c.clause_id, c.family, c.doc_kind, c.secondary, c.start, c.end)
        assert document == c.embed_text


def test_stored_vectors_carry_their_doc_id_for_filtering(indexed, corpus):
    got = chroma_collection(indexed).get(where={"doc_id": "llama-3-license"}, include=[])["ids"]
    assert set(got) == chunk_ids(corpus, "llama-3-license")


def test_only_docs_reingests_just_those_documents(indexed, corpus):
    both, _ = altered(corpus, *SWAP)
    both, _ = altered(both, "apache-2.0", "include a readable copy", "include a viewable copy")
    old = chunk_ids(corpus)
    report = ingest(both, indexed, fake(), only_docs=["llama-3-license"])
    assert (report.embedded, report.removed, report.chunks) == (1, 1, len(old))
    data = catalog(indexed)
    assert data["documents"]["llama-3-license"]["sha256"] == both.documents["llama-3-license"].spec.sha256
    assert data["documents"]["apache-2.0"]["sha256"] == corpus.documents["apache-2.0"].spec.sha256
    assert catalog_ids(indexed) == collection_ids(indexed) == chunk_ids(both, "llama-3-license") | (
        old - chunk_ids(corpus, "llama-3-license"))
    assert "include a readable copy" in next(c["text"] for c in data["chunks"] if c["clause_id"] == "apache-2.0:4.d")

    report = ingest(both, indexed, fake())  # a full run then picks up the other changed document
    assert (report.embedded, report.removed) == (1, 1)
    assert catalog_ids(indexed) == collection_ids(indexed) == chunk_ids(both)


def test_only_docs_with_a_partial_corpus_keeps_every_other_document(indexed, corpus):
    # what `clausewise ingest --doc X` does: load only X, ingest with only_docs=[X]
    changed, _ = altered(corpus, *SWAP)
    report = ingest(subset(changed, "llama-3-license"), indexed, fake(), only_docs=["llama-3-license"])
    assert (report.embedded, report.removed, report.chunks) == (1, 1, len(chunk_ids(corpus)))
    assert catalog_ids(indexed) == collection_ids(indexed) == chunk_ids(changed)
    assert set(catalog(indexed)["documents"]) == set(corpus.documents)
    hits = Searcher(corpus, indexed, fake()).search("NOTICE text file attribution notices", k=3, doc_ids=["apache-2.0"])
    assert "apache-2.0:4.d" in [h.clause_id for h in hits]


def test_only_docs_drops_a_document_that_is_no_longer_in_the_corpus(indexed, corpus):
    gone = "mit"
    report = ingest(subset(corpus, "llama-3-license"), indexed, fake(), only_docs=[gone])
    assert (report.embedded, report.removed) == (0, len(chunk_ids(corpus, gone)))
    assert catalog_ids(indexed) == collection_ids(indexed) == chunk_ids(without(corpus, gone))


def test_only_docs_drops_the_catalog_entry_of_a_removed_document(indexed, corpus):
    ingest(subset(corpus, "llama-3-license"), indexed, fake(), only_docs=["mit"])
    assert "mit" not in catalog(indexed)["documents"]


def test_rebuild_reembeds_everything_and_keeps_the_same_ids(indexed, corpus):
    report = ingest(corpus, indexed, fake(), rebuild=True)
    assert (report.embedded, report.removed, report.chunks) == (len(chunk_ids(corpus)), 0, len(chunk_ids(corpus)))
    assert catalog_ids(indexed) == collection_ids(indexed) == chunk_ids(corpus)


# ----------------------------------------------------------------------------------------------------------- atomic

class CrashingEmbedder:
    """The fake model for `good_batches` batches, then an exception, as a dying embedding backend would raise."""

    def __init__(self, good_batches: int = 1):
        self.inner = fake()
        self.model_name = FAKE_MODEL
        self.good_batches = good_batches
        self.calls = 0

    def get_text_embedding_batch(self, texts, **kwargs):
        self.calls += 1
        if self.calls > self.good_batches:
            raise RuntimeError("embedding backend died")
        return self.inner.get_text_embedding_batch(texts, **kwargs)


def test_crash_mid_ingest_leaves_the_previous_index_whole_and_a_rerun_completes(indexed, corpus):
    changed, _ = altered(corpus, *INSERT)
    old_ids, new_ids = chunk_ids(corpus), chunk_ids(changed)
    assert len(new_ids - old_ids) > 16
    batch = first_batch(corpus, changed)
    assert MARKER in batch[0].text
    queries = leftover_queries(batch)
    before_bytes = catalog_path(indexed, COLLECTION).read_bytes()
    before = run_queries(Searcher(corpus, indexed, fake()), queries)

    crasher = CrashingEmbedder(good_batches=1)
    with pytest.raises(RuntimeError, match="embedding backend died"):
        ingest(changed, indexed, crasher, batch_size=8)
    assert crasher.calls == 2
    assert catalog_path(indexed, COLLECTION).read_bytes() == before_bytes
    assert collection_ids(indexed) == old_ids | {c.chunk_id for c in batch}  # the first batch reached Chroma
    assert_nearest_is_uncommitted(indexed, batch[0])

    after = run_queries(Searcher(corpus, indexed, fake()), queries)
    assert after == before
    assert_hits_in_catalog(after, indexed)
    assert all(MARKER not in h.text for hits in after for h in hits)

    report = ingest(changed, indexed, fake(), batch_size=8)
    assert (report.embedded, report.removed) == (len(new_ids - old_ids) - 8, len(old_ids - new_ids))
    assert catalog_ids(indexed) == collection_ids(indexed) == new_ids
    hits = Searcher(changed, indexed, fake()).search(MARKER, k=3, doc_ids=["llama-3-license"])
    assert MARKER in hits[0].text


def test_crash_during_rebuild_keeps_every_committed_vector(indexed, corpus, monkeypatch):
    import ingest.index as index_module

    real_upsert, calls = index_module._upsert, []

    def upsert_then_die(collection, nodes):
        calls.append(len(nodes))
        if len(calls) > 1:
            raise RuntimeError("Chroma went away")
        return real_upsert(collection, nodes)

    monkeypatch.setattr(index_module, "_upsert", upsert_then_die)
    with pytest.raises(RuntimeError, match="Chroma went away"):
        ingest(corpus, indexed, fake(), rebuild=True)
    monkeypatch.undo()
    assert catalog_ids(indexed) <= collection_ids(indexed)


@pytest.fixture
def altered_sources(tmp_path, sources_dir, corpus):
    """A sources folder with the Llama 3 licence edited by INSERT, and manifests for the original and edited texts."""
    doc_id, old, new = INSERT
    root = tmp_path / "sources"
    shutil.copytree(sources_dir / "meta-llama", root / "meta-llama")
    licence = root / "meta-llama" / "llama3" / "LICENSE"
    text = licence.read_bytes().decode("utf-8")
    assert text.count(old) == 1
    licence.write_bytes(text.replace(old, new).encode("utf-8"))
    manifest_text = (REPO / "corpus" / "sources.toml").read_text(encoding="utf-8")
    old_sha = corpus.documents[doc_id].spec.sha256
    assert manifest_text.count(old_sha) == 1
    original = tmp_path / "original.toml"
    original.write_text(manifest_text, encoding="utf-8")
    edited = tmp_path / "edited.toml"
    edited.write_text(manifest_text.replace(old_sha, sha256_text(text.replace(old, new))), encoding="utf-8")
    return root, original, edited


@pytest.mark.integration
def test_sigkill_mid_ingest_leaves_the_previous_index_whole_and_a_rerun_completes(settings, sources_dir,
                                                                                  altered_sources):
    root, original_manifest, edited_manifest = altered_sources
    original = load_corpus(settings, strict=True, network=False, manifest=load_manifest(original_manifest),
                           explainers=False)
    edited_settings = Settings.from_env({"CLAUSEWISE_SOURCES": str(root), "CLAUSEWISE_HOME": str(settings.home)})
    edited = load_corpus(edited_settings, strict=True, network=False, manifest=load_manifest(edited_manifest),
                         explainers=False)
    old_ids, new_ids = chunk_ids(original), chunk_ids(edited)
    todo = len(new_ids - old_ids)
    assert todo > 16

    batch = first_batch(original, edited)
    queries = leftover_queries(batch)
    ingest(original, settings, fake())
    before = run_queries(Searcher(original, settings, fake()), queries)
    before_bytes = catalog_path(settings, COLLECTION).read_bytes()
    forget_chroma_clients(settings)

    progress = settings.home.parent / "progress.txt"
    child = subprocess.Popen(
        [sys.executable, str(WORKER), "--home", str(settings.home), "--sources", str(root),
         "--manifest", str(edited_manifest), "--delay", "0.5", "--batch-size", "8", "--progress", str(progress)],
        cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        deadline = time.monotonic() + 90
        done = 0
        while time.monotonic() < deadline and child.poll() is None:
            text = progress.read_text() if progress.exists() else ""
            complete = text[: text.rfind("\n") + 1].split()  # "<done> <total>" pairs, whole lines only
            done = int(complete[-2]) if complete else 0
            if done >= 8:
                break
            time.sleep(0.02)
        assert child.poll() is None, f"the ingest finished or died before it could be killed: {child.communicate()}"
        assert 8 <= done < todo, f"no batch reached Chroma in time (done={done})"
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            os.kill(child.pid, signal.SIGKILL)
            child.wait(timeout=30)
        child.stdout.close()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL

    forget_chroma_clients(settings)
    assert catalog_path(settings, COLLECTION).read_bytes() == before_bytes
    leftovers = collection_ids(settings) - old_ids
    assert leftovers and leftovers <= new_ids and len(leftovers) % 8 == 0
    assert {c.chunk_id for c in batch} <= leftovers
    assert old_ids <= collection_ids(settings)
    assert_nearest_is_uncommitted(settings, batch[0])

    after = run_queries(Searcher(original, settings, fake()), queries)
    assert after == before
    assert_hits_in_catalog(after, settings)

    report = ingest(edited, settings, fake())  # the dead process's lock is gone with it
    assert (report.embedded, report.removed) == (todo - len(leftovers), len(old_ids - new_ids))
    assert catalog_ids(settings) == collection_ids(settings) == new_ids
    hits = Searcher(edited, settings, fake()).search(MARKER, k=3, doc_ids=["llama-3-license"])
    assert MARKER in hits[0].text


# ------------------------------------------------------------------------------------------------------------- lock

def test_second_ingest_is_refused_while_the_lock_is_held(indexed, corpus):
    before = catalog_path(indexed, COLLECTION).read_bytes()
    changed, _ = altered(corpus, *SWAP)
    with ingest_lock(indexed, COLLECTION):
        with pytest.raises(StoreError) as err:
            ingest(changed, indexed, fake())
        message = str(err.value)
        assert "Another ingest" in message and repr(COLLECTION) in message
        assert str(indexed.index_dir / f"{COLLECTION}.lock") in message and "retry" in message
        assert catalog_path(indexed, COLLECTION).read_bytes() == before
        # another collection has its own lock
        other = ingest(subset(corpus, "mit"), indexed, fake(), prefix="other")
        assert other.collection == "other-fake-hash" and other.embedded == len(chunk_ids(subset(corpus, "mit")))
    report = ingest(changed, indexed, fake())  # released on exit
    assert (report.embedded, report.removed) == (1, 1)


def test_lock_is_released_when_an_ingest_fails(indexed, corpus):
    changed, _ = altered(corpus, *SWAP)
    with pytest.raises(RuntimeError):
        ingest(changed, indexed, CrashingEmbedder(good_batches=0))
    with ingest_lock(indexed, COLLECTION):
        pass


@pytest.mark.integration
def test_lock_held_by_another_process_refuses_then_dies_with_it(settings, corpus):
    code = ("import sys, time; from ingest.index import ingest_lock; from ingest.settings import Settings; "
            "s = Settings.from_env({'CLAUSEWISE_HOME': sys.argv[1]}); "
            "cm = ingest_lock(s, sys.argv[2]); cm.__enter__(); print('locked', flush=True); time.sleep(120)")
    holder = subprocess.Popen([sys.executable, "-c", code, str(settings.home), COLLECTION], cwd=REPO,
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline() == "locked\n"
        with pytest.raises(StoreError, match="Another ingest into 'clauses-fake-hash' is running"):
            ingest(subset(corpus, "mit"), settings, fake())
    finally:
        holder.kill()
        holder.wait(timeout=30)
        holder.stdout.close()
    report = ingest(subset(corpus, "mit"), settings, fake())
    assert report.embedded == report.chunks > 0


# ----------------------------------------------------------------------------------------------------- server mode

def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory):
    exe = Path(sys.executable).parent / "chroma"
    assert exe.exists(), f"no chroma executable next to {sys.executable}"
    port = free_port()
    folder = tmp_path_factory.mktemp("chroma-server")
    log = open(folder / "server.log", "wb")
    proc = subprocess.Popen([str(exe), "run", "--path", str(folder / "db"), "--host", "127.0.0.1", "--port", str(port)],
                            stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"chroma run exited with {proc.returncode}: {(folder / 'server.log').read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{url}/api/v2/heartbeat", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"chroma run did not answer on {url} within 60 s")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=15)
        log.close()


@pytest.mark.integration
def test_server_mode_ingest_search_and_remove(chroma_server, sources_dir, tmp_path):
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    settings = Settings.from_env({"CLAUSEWISE_SOURCES": str(sources_dir), "CLAUSEWISE_HOME": str(tmp_path / "home"),
                                  "CLAUSEWISE_CHROMA_URL": chroma_server})
    docs = ["llama-3-license", "llama-3.1-license", "apache-2.0"]
    corpus = load_corpus(settings, docs=docs, strict=True, network=False)
    assert sorted(corpus.documents) == sorted(docs)
    ids = chunk_ids(corpus)

    report = ingest(corpus, settings, fake())
    name = home_collection(settings, FAKE_MODEL)
    assert name == f"{COLLECTION}--{home_id(settings)}"
    assert (report.collection, report.chunks, report.embedded, report.removed) == (name, len(ids), len(ids), 0)
    assert not (settings.index_dir / "chroma").exists(), "server mode must not create an embedded store"
    port = int(chroma_server.rsplit(":", 1)[1])
    remote = chromadb.HttpClient(host="127.0.0.1", port=port, settings=ChromaSettings(anonymized_telemetry=False)
                                 ).get_collection(name)
    assert set(remote.get(include=[])["ids"]) == home_catalog_ids(settings) == ids
    target = next(c for c in build_chunks(corpus, FAKE_MODEL) if c.clause_id == "apache-2.0:4.d")
    nearest = remote.query(query_embeddings=[fake().get_query_embedding(target.embed_text)], n_results=1, include=[])
    assert nearest["ids"] == [[target.chunk_id]]  # the vectors on the server are the chunks' own embeddings

    again = ingest(corpus, settings, fake())
    assert (again.embedded, again.removed) == (0, 0)

    searcher = Searcher(corpus, settings, fake())
    hits = searcher.search("improve any other large language model", k=3, doc_ids=["llama-3-license"])
    assert "llama-3-license:1.b.v" in [h.clause_id for h in hits]
    assert {h.doc_id for h in hits} == {"llama-3-license"}
    hits = searcher.search("NOTICE text file attribution notices", k=3, doc_ids=["apache-2.0"])
    assert "apache-2.0:4.d" in [h.clause_id for h in hits]
    hits = searcher.search(target.embed_text, k=3, include_secondary=True)  # unfiltered, so dense answers too
    assert hits[0].clause_id == "apache-2.0:4.d"

    smaller = without(corpus, "apache-2.0")
    report = ingest(smaller, settings, fake())
    assert (report.embedded, report.removed) == (0, len(chunk_ids(corpus, "apache-2.0")))
    assert set(remote.get(include=[])["ids"]) == home_catalog_ids(settings) == chunk_ids(smaller)
    assert not set(remote.get(include=[])["ids"]) & chunk_ids(corpus, "apache-2.0")


@pytest.mark.integration
def test_unreachable_server_fails_fast_naming_the_url(sources_dir, tmp_path, corpus):
    url = f"http://127.0.0.1:{free_port()}"
    settings = Settings.from_env({"CLAUSEWISE_SOURCES": str(sources_dir), "CLAUSEWISE_HOME": str(tmp_path / "home"),
                                  "CLAUSEWISE_CHROMA_URL": url})
    t0 = time.monotonic()
    with pytest.raises(StoreError) as err:
        ingest(subset(corpus, "mit"), settings, fake())
    assert time.monotonic() - t0 < 10
    assert url in str(err.value) and "chroma run" in str(err.value)
    assert not catalog_path(settings, home_collection(settings, FAKE_MODEL)).exists()


def test_malformed_chroma_url_is_a_config_error(tmp_path, corpus):
    settings = Settings.from_env({"CLAUSEWISE_HOME": str(tmp_path / "home"), "CLAUSEWISE_CHROMA_URL": "localhost:8000"})
    with pytest.raises(ConfigError, match="localhost:8000"):
        ingest(subset(corpus, "mit"), settings, fake())


# ---------------------------------------------------------------------------------------------- collection names

def home_catalog_ids(settings: Settings) -> set[str]:
    data = read_catalog(catalog_path(settings, home_collection(settings, FAKE_MODEL)))
    assert data is not None, "no committed catalog"
    return {c["chunk_id"] for c in data["chunks"]}


@pytest.mark.integration
def test_two_homes_on_one_server_never_delete_each_others_vectors(chroma_server, sources_dir, tmp_path):
    """The reported loss: a second home's ingest of another corpus removed the first home's chunks."""
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    def home(name: str, **extra) -> Settings:
        return Settings.from_env({"CLAUSEWISE_SOURCES": str(sources_dir), "CLAUSEWISE_HOME": str(tmp_path / name),
                                  "CLAUSEWISE_CHROMA_URL": chroma_server, **extra})

    first, second = home("first"), home("second")
    corpus_a = load_corpus(first, docs=["llama-3-license", "apache-2.0"], strict=True, network=False)
    corpus_b = load_corpus(second, docs=["mit", "apache-2.0"], strict=True, network=False)
    ingest(corpus_a, first, fake())
    report = ingest(corpus_b, second, fake())
    assert report.removed == 0 and home_id(first) != home_id(second)
    assert home_id(first) == home_id(first)  # kept in the home, not drawn again
    port = int(chroma_server.rsplit(":", 1)[1])
    client = chromadb.HttpClient(host="127.0.0.1", port=port, settings=ChromaSettings(anonymized_telemetry=False))
    remote_a = client.get_collection(home_collection(first, FAKE_MODEL))
    assert set(remote_a.get(include=[])["ids"]) == home_catalog_ids(first) == chunk_ids(corpus_a)

    # the first home searches its own corpus, whole, after the second home's ingest and a shrink of the second home
    ingest(without(corpus_b, "apache-2.0"), second, fake())
    hits = Searcher(corpus_a, first, fake()).search("improve any other large language model", k=3,
                                                    doc_ids=["llama-3-license"])
    assert "llama-3-license:1.b.v" in [h.clause_id for h in hits]
    assert set(remote_a.get(include=[])["ids"]) == chunk_ids(corpus_a)
    hits = Searcher(without(corpus_b, "apache-2.0"), second, fake()).search("permission notice", k=2, doc_ids=["mit"])
    assert hits and {h.doc_id for h in hits} == {"mit"}

    # a vector another writer put in this home's collection is not this home's to delete
    foreign = "f" * 32
    vec = fake().get_text_embedding("someone else's vector")
    remote_a.add(ids=[foreign], embeddings=[vec], documents=["someone else's vector"],
                 metadatas=[{"doc_id": "other", "home": "someone-else"}])
    report = ingest(without(corpus_a, "apache-2.0"), first, fake())
    assert report.removed == len(chunk_ids(corpus_a, "apache-2.0"))
    assert set(remote_a.get(include=[])["ids"]) == chunk_ids(without(corpus_a, "apache-2.0")) | {foreign}

    # an explicit tenant names the collections; the same tenant in two homes is one shared set on purpose
    team = home("team", CLAUSEWISE_TENANT="Team-Alpha")
    assert home_id(team) == "team-alpha" and home_collection(team, FAKE_MODEL) == f"{COLLECTION}--team-alpha"
    with pytest.raises(ConfigError, match="CLAUSEWISE_TENANT"):
        home_id(home("bad", CLAUSEWISE_TENANT="no spaces allowed"))


def test_embedded_homes_keep_their_collection_names(tmp_path):
    settings = Settings.from_env({"CLAUSEWISE_HOME": str(tmp_path / "home")})
    assert home_collection(settings, FAKE_MODEL) == COLLECTION == "clauses-fake-hash"
    assert home_collection(settings, FAKE_MODEL, "user") == "user-fake-hash"


def test_collection_names_are_slugs_of_the_model():
    assert collection_name("all-MiniLM-L6-v2") == "clauses-all-minilm-l6-v2"
    assert collection_name("fake-hash", "clauses", "h0123456789") == "clauses-fake-hash--h0123456789"
    assert collection_name("fake-hash", "other") == "other-fake-hash"


def test_collection_name_is_valid_for_chroma_for_a_long_model_name():
    import chromadb
    from chromadb.config import Settings as ChromaSettings

    client = chromadb.EphemeralClient(settings=ChromaSettings(anonymized_telemetry=False))
    client.get_or_create_collection(collection_name("sentence-transformers/paraphrase-albert-small-v2"))


def test_different_models_get_different_collections():
    assert collection_name("sentence-transformers/paraphrase-multilingual-MiniLM-L12-v2") != collection_name(
        "sentence-transformers/paraphrase-multilingual-mpnet-base-v2")


# ------------------------------------------------------------------------------------------------- the real model

@pytest.mark.slow
def test_real_model_finds_the_pinpoint_clauses(sources_dir, tmp_path):
    settings = Settings.from_env({"CLAUSEWISE_SOURCES": str(sources_dir), "CLAUSEWISE_HOME": str(tmp_path / "home")})
    corpus = load_corpus(settings, docs=["llama-3-license", "llama-3.1-license", "apache-2.0"], strict=True,
                         network=False)
    embedder = make_embedder()
    report = ingest(corpus, settings, embedder)
    assert report.collection == "clauses-all-minilm-l6-v2"
    assert report.embedded == report.chunks == len(build_chunks(corpus, "all-MiniLM-L6-v2"))
    searcher = Searcher(corpus, settings, embedder)
    hits = searcher.search("Can I use the outputs to improve another large language model?", k=3,
                           doc_ids=["llama-3-license"])
    assert "llama-3-license:1.b.v" in [h.clause_id for h in hits]
    hits = searcher.search("NOTICE text file attribution notices", k=3, doc_ids=["apache-2.0"])
    assert "apache-2.0:4.d" in [h.clause_id for h in hits]
    assert ingest(corpus, settings, embedder).embedded == 0
