"""Every committed eval set loads, and every gold evidence phrase stands verbatim in a document of the corpus.

A phrase the corpus does not hold can never be retrieved, so it would count against recall forever and hide real
misses; the blind writers checked their phrases against dumps of the texts, and this keeps that true as parsing changes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evals.runner import doc_matches, load_questions, normalise

EVALS = Path(__file__).resolve().parent.parent / "evals"
SETS = sorted([EVALS / "questions.jsonl", EVALS / "heldout.jsonl", *(EVALS / "blind").glob("*.jsonl")])


@pytest.fixture(scope="module")
def texts(corpus) -> dict[str, str]:
    return {doc_id: normalise(doc.text) for doc_id, doc in corpus.documents.items()}


@pytest.mark.parametrize("path", SETS, ids=lambda p: p.name)
def test_every_evidence_phrase_is_in_its_document(path, texts):
    missing = []
    for q in load_questions(path):
        for ev in q.expected_evidence:
            docs = [d for d in texts if doc_matches(ev.doc_id, d)]
            if not any(normalise(ev.text) in texts[d] for d in docs):
                missing.append(f"{q.id}: {ev.doc_id}: {ev.text[:60]!r}" + ("" if docs else " (no such document)"))
    assert not missing, f"{len(missing)} evidence phrase(s) of {path.name} not found:\n" + "\n".join(missing)


def test_the_blind_sets_are_all_checked():
    assert {"test.jsonl", "test-2.jsonl", "test-3.jsonl", "para-2.jsonl"} <= {p.name for p in SETS}
