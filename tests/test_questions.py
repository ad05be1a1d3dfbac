"""The public eval set: well-formed, covering, and every expected phrase really occurs in its document."""

from __future__ import annotations

from collections import Counter

import pytest

from evals.runner import PUBLIC_SET, VERDICTS, doc_matches, load_questions, normalise


@pytest.fixture(scope="module")
def questions():
    return load_questions(PUBLIC_SET)


def test_size_and_verdicts(questions):
    assert len(questions) >= 150
    counts = Counter(q.expected_verdict for q in questions)
    assert all(counts[v] >= 10 for v in VERDICTS)


def test_every_phrase_is_in_its_document(questions, corpus):
    missing = []
    for q in questions:
        for ev in q.expected_evidence:
            docs = [d for d in corpus.documents.values() if doc_matches(ev.doc_id, d.spec.doc_id)]
            if not any(normalise(ev.text) in normalise(d.text) for d in docs):
                missing.append(f"{q.id}: {ev.doc_id}: {ev.text}")
    assert missing == []


def test_every_corpus_document_is_covered(questions, corpus):
    cited = {d for q in questions for ev in q.expected_evidence for d in corpus.documents if doc_matches(ev.doc_id, d)}
    primary = {d for d, doc in corpus.documents.items() if doc.spec.is_primary}
    assert primary - cited == set()


def test_coverage_tags(questions):
    tags = Counter(t for q in questions for t in q.tags)
    for needed in ("lora", "quantization", "merge", "distillation", "continued-pretraining", "rlhf", "internal",
                   "weights-release", "hosted-api", "on-device", "acquisition", "end-user", "version-pair",
                   "paraphrase", "informal", "typo", "pipeline", "out-of-corpus"):
        assert tags[needed] >= 2, needed
