"""Eval sets, the runner (same path as `clausewise ask`) and its metrics."""

from __future__ import annotations

import json
import statistics
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ingest.errors import ConfigError

VERDICTS = ("permitted", "conditional", "not_permitted", "unclear")
PUBLIC_SET = Path(__file__).resolve().parent / "questions.jsonl"
THRESHOLDS = Path(__file__).resolve().parent / "thresholds.json"
KS = (1, 3, 5)


@dataclass(frozen=True)
class Evidence:
    doc_id: str
    text: str


@dataclass(frozen=True)
class Question:
    id: str
    question: str
    expected_verdict: str
    expected_evidence: tuple[Evidence, ...]
    tags: tuple[str, ...]


def normalise(text: str) -> str:
    """Case, whitespace runs and curly quotes do not count when matching evidence phrases."""
    text = text.replace("\u201c", '"').replace("\u201d", '"').replace("\u2018", "'").replace("\u2019", "'")
    return " ".join(text.split()).lower()


def doc_matches(pattern: str, doc_id: str) -> bool:
    return doc_id.startswith(pattern[:-1]) if pattern.endswith("*") else doc_id == pattern


def _docs(citation: tuple) -> tuple[str, ...]:
    # (doc_id, text) or (doc_id, text, other documents where the same words stand: another dated version)
    return (citation[0], *citation[2]) if len(citation) > 2 else (citation[0],)


def evidence_found(ev: Evidence, citations: list[tuple]) -> bool:
    """True when a (doc_id, text[, same_in_docs]) citation from a matching document contains the phrase; a citation
    that names the identical clause of another dated version (Gemma 2025 with its 2024 twin) counts for both."""
    phrase = normalise(ev.text)
    return any(any(doc_matches(ev.doc_id, d) for d in _docs(c)) and phrase in normalise(c[1]) for c in citations)


def load_questions(path: Path | None = None) -> list[Question]:
    """Read a JSONL eval set; a ConfigError lists every bad line."""
    path = path or PUBLIC_SET
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"Cannot read the eval set {path} as UTF-8 JSONL: {exc}") from exc
    questions, problems, seen = [], [], set()
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            q = Question(row["id"], row["question"], row["expected_verdict"],
                         tuple(Evidence(e["doc_id"], e["text"]) for e in row.get("expected_evidence", [])),
                         tuple(row.get("tags", [])))
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            problems.append(f"line {n}: not a valid question object ({type(exc).__name__}: {exc})")
            continue
        if q.expected_verdict not in VERDICTS:
            problems.append(f"line {n} ({q.id}): expected_verdict {q.expected_verdict!r} is not one of {list(VERDICTS)}")
        if q.id in seen:
            problems.append(f"line {n}: id {q.id!r} is used twice")
        seen.add(q.id)
        questions.append(q)
    if problems:
        raise ConfigError(f"The eval set {path} has {len(problems)} problem(s):\n  - " + "\n  - ".join(problems))
    if not questions:
        raise ConfigError(f"The eval set {path} has no questions.")
    return questions


@dataclass
class Result:
    question: Question
    verdict: str
    citations: list[tuple]  # (doc_id, text, same_in doc ids)
    fidelity: list[bool]
    latency_ms: float
    answer: dict = field(default_factory=dict)


def _ratio(a: float, b: float) -> float:
    return round(a / b, 4) if b else 0.0


def cross_check_table(results):
    from evals.calibration import cross_check_table as table

    return table(results)


def compute_metrics(results: list[Result], k: int = 5) -> dict:
    """Verdict accuracy, per-verdict precision/recall and confusion, per-tag accuracy, evidence recall@1/3/5 and more."""
    n = len(results)
    correct = sum(r.verdict == r.question.expected_verdict for r in results)
    confusion = {e: {p: 0 for p in VERDICTS} for e in VERDICTS}
    for r in results:
        confusion[r.question.expected_verdict][r.verdict] += 1
    per_verdict = {}
    for v in VERDICTS:
        tp = confusion[v][v]
        predicted = sum(confusion[e][v] for e in VERDICTS)
        actual = sum(confusion[v].values())
        per_verdict[v] = {"precision": _ratio(tp, predicted), "recall": _ratio(tp, actual), "support": actual}
    recall = {}
    for kk in KS:
        found = total = 0
        for r in results:
            for ev in r.question.expected_evidence:
                total += 1
                found += evidence_found(ev, r.citations[:kk])
        recall[f"recall@{kk}"] = _ratio(found, total)
    tag_stats: dict[str, list] = defaultdict(lambda: [0, 0, 0, 0])
    for r in results:
        ok = r.verdict == r.question.expected_verdict
        evs = r.question.expected_evidence
        hit = sum(evidence_found(ev, r.citations[:k]) for ev in evs)
        for tag in r.question.tags:
            s = tag_stats[tag]
            s[0] += 1
            s[1] += ok
            s[2] += hit
            s[3] += len(evs)
    per_tag = {t: {"n": s[0], "accuracy": _ratio(s[1], s[0]), f"recall@{k}": _ratio(s[2], s[3]) if s[3] else None}
               for t, s in sorted(tag_stats.items())}
    precision_num = precision_den = 0
    for r in results:
        wanted = [ev.doc_id for ev in r.question.expected_evidence]
        if not wanted:
            continue
        for c in r.citations[:k]:
            precision_den += 1
            precision_num += any(doc_matches(w, doc) for w in wanted for doc in _docs(c))
    # The defect that matters most for a tool lawyers cite: telling the user more is allowed than the gold says.
    order = {"permitted": 0, "conditional": 1, "unclear": 2, "not_permitted": 3}
    looser = sum(order.get(r.verdict, 0) < order[r.question.expected_verdict] for r in results)
    abstain = [r for r in results if r.question.expected_verdict == "unclear" and not r.question.expected_evidence]
    fidelity = [ok for r in results for ok in r.fidelity]
    latencies = sorted(r.latency_ms for r in results)
    return {
        "questions": n,
        "verdict_accuracy": _ratio(correct, n),
        "more_permissive_than_gold": _ratio(looser, n),
        "per_verdict": per_verdict,
        "confusion": confusion,
        **{f"evidence_{key}": value for key, value in recall.items()},
        "citation_precision": _ratio(precision_num, precision_den),
        "abstention_accuracy": _ratio(sum(r.verdict == "unclear" for r in abstain), len(abstain)) if abstain else None,
        "quote_fidelity": _ratio(sum(fidelity), len(fidelity)) if fidelity else 1.0,
        "latency_p50_ms": round(statistics.median(latencies), 1) if latencies else 0.0,
        "latency_p95_ms": round(latencies[min(len(latencies) - 1, int(0.95 * len(latencies)))], 1) if latencies else 0.0,
        "per_tag": per_tag,
        "cross_check": cross_check_table(results),
    }


def run_eval(engine, questions: list[Question], *, k: int = 5, progress: Callable[[int, int], None] | None = None) -> list[Result]:
    """Answer every question with the engine (the same call `clausewise ask` makes) and check every quote."""
    results = []
    for i, q in enumerate(questions, 1):
        ans = engine.answer(q.question, k=k)
        fidelity = []
        for c in ans.citations:
            doc = engine.corpus.documents.get(c.doc_id)
            fidelity.append(bool(doc) and doc.text[c.quote_start:c.quote_end] == c.quote and doc.text[c.start:c.end] == c.text)
        data = ans.to_json()
        results.append(Result(q, ans.verdict, [(c.doc_id, c.text, tuple(i.split(":", 1)[0] for i in c.same_in)) for c in ans.citations], fidelity, ans.latency_ms, data))
        if progress:
            progress(i, len(questions))
    return results


def failures(results: list[Result], k: int = 5) -> list[dict]:
    out = []
    for r in results:
        missing = [f"{ev.doc_id}: {ev.text}" for ev in r.question.expected_evidence if not evidence_found(ev, r.citations[:k])]
        if r.verdict != r.question.expected_verdict or missing:
            out.append({"id": r.question.id, "question": r.question.question, "expected": r.question.expected_verdict,
                        "actual": r.verdict, "missing_evidence": missing,
                        "rules": [f["rule_id"] for f in r.answer.get("findings", [])],
                        "cited": [c["clause_id"] for c in r.answer.get("citations", [])][:k]})
    return out


def check_thresholds(metrics: dict, path: Path | None = None) -> list[str]:
    """Metrics below the regression gate, one message each."""
    path = path or THRESHOLDS
    gate = json.loads(path.read_text(encoding="utf-8"))
    return [f"{name} = {metrics.get(name)} is below the threshold {minimum}"
            for name, minimum in gate.items() if not name.startswith("_") and (metrics.get(name) or 0) < minimum]
