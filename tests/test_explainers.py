"""Explanatory notes: at least ten, each grounded, and every clause id they cite exists."""

from __future__ import annotations

import re

from ingest.sources import EXPLAINERS


def test_explainers_cite_real_clauses(corpus):
    notes = sorted(EXPLAINERS.glob("*.md"))
    assert len(notes) >= 10
    known = {c.clause_id for c in corpus.all_clauses()}
    docs = {d for d, doc in corpus.documents.items() if doc.spec.is_primary}
    id_re = re.compile(r"\b([a-z0-9][a-z0-9.\-]*):([a-z0-9][a-z0-9.\-]*[a-z0-9])")
    for note in notes:
        text = note.read_text(encoding="utf-8")
        grounded = [line for line in text.splitlines() if line.startswith("Grounded in:")]
        assert grounded, f"{note.name} has no 'Grounded in:' line"
        cited = [f"{d}:{p}" for d, p in id_re.findall(text) if d in docs]
        assert len(set(cited)) >= 3, note.name
        unknown = sorted(set(cited) - known)
        assert unknown == [], f"{note.name} cites unknown clauses {unknown}"


def test_explainers_are_secondary(corpus):
    explainers = [d for d in corpus.documents.values() if d.spec.doc_id.startswith("explainer-")]
    assert explainers and all(not d.spec.is_primary for d in explainers)
