"""Retrieval on its own: the clauses hybrid search returns for each question with no rules-table vote, scored against
the questions' expected evidence. Steered = restricted to the documents the question names (and those they
incorporate); unsteered = the whole corpus."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable

from evals.runner import KS, Question, evidence_found


@dataclass
class SearchResult:
    question: Question
    steered: list[tuple]  # (clause id, doc id, text, score[, same_in doc ids]), best first
    unsteered: list[tuple]


def retrieve(engine, question: str, k: int, *, steered: bool) -> list:
    """Rule-free hits for one question (the same search the clause-grounded verdict reads when steered)."""
    from retrieval.answer import clean_question
    from retrieval.freesearch import rule_free_search
    from retrieval.scenario import read_facts

    text, _ = clean_question(question)
    facts = read_facts(text, engine.registry)
    return rule_free_search(engine.searcher, engine.annotations, facts, text, k, steered=steered)


def cited_text(corpus, hit) -> str:
    """The text an answer shows for a hit: the clause, or for a heading or a list's lead-in the whole section (as
    `Engine._citation` cites it), so retrieval is scored on what the reader gets."""
    section = corpus.section(hit.clause_id)
    return section.text if section.is_container else hit.text


def same_in(corpus, hit) -> tuple[str, ...]:
    """The other dated versions of the hit's terms where the clause reads word for word the same (as answers cite
    them, `Citation.same_in`); the eval counts such a hit for either version."""
    from retrieval.scenario import other_versions

    return tuple(i.split(":", 1)[0] for i in corpus.same_text_in(hit.clause_id, other_versions((hit.doc_id,))))


def run_search_only(engine, questions: list[Question], *, k: int = 5,
                    progress: Callable[[int, int], None] | None = None) -> list[SearchResult]:
    out = []
    depth = max(max(KS), k)
    for i, q in enumerate(questions, 1):
        rows = {}
        for mode in ("steered", "unsteered"):
            hits = retrieve(engine, q.question, depth, steered=mode == "steered")
            rows[mode] = [(h.clause_id, h.doc_id, cited_text(engine.corpus, h), h.score, same_in(engine.corpus, h))
                          for h in hits]
        out.append(SearchResult(q, rows["steered"], rows["unsteered"]))
        if progress:
            progress(i, len(questions))
    return out


def search_metrics(results: list[SearchResult]) -> dict:
    """Evidence recall@1/3/5, steered and unsteered, over questions that have expected evidence."""
    metrics: dict = {"questions": len(results)}
    for mode in ("steered", "unsteered"):
        for kk in KS:
            found = total = 0
            for r in results:
                cites = [(row[1], row[2], row[4] if len(row) > 4 else ()) for row in getattr(r, mode)[:kk]]
                for ev in r.question.expected_evidence:
                    total += 1
                    found += evidence_found(ev, cites)
            metrics[f"{mode}_recall@{kk}"] = round(found / total, 4) if total else 0.0
    metrics["evidence_items"] = sum(len(r.question.expected_evidence) for r in results)
    return metrics


def write_predictions(path, results: list[SearchResult]) -> None:
    """One JSON line per question in the shape of `clausewise eval --predictions`: citations are the steered hits."""
    with open(path, "w", encoding="utf-8") as fh:
        for r in results:
            fh.write(json.dumps({"id": r.question.id, "question": r.question.question, "verdict": None,
                                 "citations": [{"rank": i, "clause_id": row[0], "doc_id": row[1], "text": row[2],
                                                "score": row[3], "same_in": list(row[4]) if len(row) > 4 else []}
                                               for i, row in enumerate(r.steered, 1)],
                                 "unsteered": [c for c, *_ in r.unsteered]}, ensure_ascii=False) + "\n")
