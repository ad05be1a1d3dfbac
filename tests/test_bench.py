"""The benchmark: its evidence matcher, and one small end-to-end run with the fake embedder."""

from __future__ import annotations

import json

import pytest

from evals.bench import (DEFAULT_QUESTIONS, SYSTEMS, BenchReport, RoundTimes, SystemFigures, _figures,
                         evidence_found, evidence_recall, format_report, normalise, percentile, report_json,
                         round_order, run_bench)
from ingest.errors import ConfigError


def test_normalise_quotes_case_and_whitespace():
    assert normalise("  Built with\n\t\u201cMeta  Llama 3\u201d  ") == 'built with "meta llama 3"'
    assert normalise("Licensee\u2019s") == "licensee's"


def test_evidence_matcher_prefix_quotes_and_whitespace():
    chunk = ("gemma-terms-2025", "You must  prominently display\n\u201cBuilt with Gemma\u201d on the Licensee\u2019s site.")
    item = {"doc_id": "gemma-terms-*", "text": 'prominently display "Built with gemma" on the licensee\'s'}
    assert evidence_found(item, [chunk])
    assert evidence_found({**item, "doc_id": "gemma-terms-2025"}, [chunk])
    assert not evidence_found({**item, "doc_id": "gemma-terms-2024"}, [chunk])  # exact id must be equal
    assert not evidence_found({**item, "doc_id": "gemma-terms"}, [chunk])  # no `*`: not a prefix match
    assert not evidence_found({**item, "doc_id": "llama-*"}, [chunk])
    assert not evidence_found({**item, "text": "display Built with Gemma"}, [chunk])  # quotes still matter
    assert not evidence_found(item, [])
    # a citation that names the identical clause of the other dated version counts for that version too
    twin = (*chunk, ("gemma-terms-2024",))
    assert evidence_found({**item, "doc_id": "gemma-terms-2024"}, [twin])
    assert not evidence_found({**item, "doc_id": "gemma-terms-2023"}, [twin])


def test_evidence_recall_counts_items_within_k():
    questions = [
        {"id": "q1", "expected_evidence": [{"doc_id": "a", "text": "alpha"}, {"doc_id": "a", "text": "beta"}]},
        {"id": "q2", "expected_evidence": [{"doc_id": "b*", "text": "gamma"}]},
    ]
    results = {"q1": [("a", "xx alpha"), ("a", "beta")], "q2": [("c", "gamma"), ("b-2", "GAMMA ray")]}
    assert evidence_recall(questions, results, 1) == (1 / 3, ["q1#1", "q2#0"])
    assert evidence_recall(questions, results, 5) == (1.0, [])


def test_percentile_interpolates():
    assert percentile([], 95) == 0.0
    assert percentile([5.0], 95) == 5.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 50) == 2.5
    assert percentile(list(map(float, range(1, 101))), 95) == pytest.approx(95.05)


def test_run_bench_rejects_an_empty_question_file(settings, tmp_path):
    empty = tmp_path / "q.jsonl"
    empty.write_text("\n")
    with pytest.raises(ConfigError):
        run_bench(settings, empty, model_name="fake-hash")


def _check(fig: SystemFigures, queries: int) -> None:
    assert fig.cold_ingest_s > 0 and fig.reingest_s > 0
    assert fig.index_bytes > 0 and fig.peak_rss_mb > 0 and fig.chunks > 0
    assert 0 < fig.p50_ms <= fig.p95_ms
    assert 0.0 <= fig.recall_at_1 <= fig.recall_at_5 <= 1.0
    assert fig.queries == queries


def test_rounds_alternate_which_system_goes_first():
    assert round_order(4) == [SYSTEMS, SYSTEMS[::-1], SYSTEMS, SYSTEMS[::-1]]


def test_latency_is_the_median_of_the_rounds_so_one_noisy_round_does_not_move_it():
    questions = [{"id": f"q{i}", "expected_evidence": [{"doc_id": "a", "text": "x"}]} for i in range(20)]
    results = {q["id"]: [("a", "x")] for q in questions}
    calm = RoundTimes(tuple(float(i) for i in range(1, 21)), tuple(float(i) for i in range(1, 21)), results, 1.0)
    spike = RoundTimes(tuple([1.0] * 19 + [290.0]), tuple([1.0] * 19 + [290.0]), results, 9.0)
    setup = dict(cold_ingest_s=1.0, reingest_s=0.1, index_bytes=1, chunks=1, reembedded=0, peak_rss_mb=1.0)
    fig = _figures("clausewise", questions, [calm, spike, calm], setup)
    assert fig.p95_ms == pytest.approx(percentile(calm.search_ms, 95))
    assert fig.answer_p95_ms == pytest.approx(percentile(calm.answer_ms, 95))
    assert fig.rounds == 3 and fig.round_p95_ms[1] == pytest.approx(percentile(spike.search_ms, 95))
    assert fig.load_avg == 9.0 and fig.recall_at_5 == 1.0


def test_run_bench_rejects_a_bad_round_count(settings):
    with pytest.raises(ConfigError):
        run_bench(settings, DEFAULT_QUESTIONS, model_name="fake-hash", rounds=0)


@pytest.mark.integration
def test_run_bench_small_with_fake_embedder(settings):
    stages: list[str] = []
    report = run_bench(settings, DEFAULT_QUESTIONS, model_name="fake-hash", limit=10, rounds=2,
                       progress=stages.append)
    assert isinstance(report, BenchReport)
    assert report.questions == 10 and report.model == "fake-hash"
    _check(report.clausewise, 10)
    _check(report.baseline, 10)
    assert report.clausewise.reembedded == 0  # nothing changed, nothing embedded again
    assert any(s.startswith("clausewise:") for s in stages) and any(s.startswith("baseline:") for s in stages)
    assert [s for s in stages if s.startswith("round")] == ["round 1/2: clausewise", "round 1/2: baseline",
                                                             "round 2/2: baseline", "round 2/2: clausewise"]
    assert report.clausewise.rounds == 2 and len(report.clausewise.round_p95_ms) == 2
    assert 0 < report.clausewise.answer_p50_ms <= report.clausewise.answer_p95_ms
    assert report.baseline.answer_p50_ms == 0.0
    text = format_report(report)
    assert "clausewise" in text and "baseline" in text and "recall@5" in text
    data = report_json(report)
    json.dumps(data)
    assert {t["target"] for t in data["targets"]} and data["clausewise"]["name"] == "clausewise"
    assert data["answer_p50_ms"] == report.clausewise.answer_p50_ms > 0 and data["answer_p95_ms"] > 0
    assert "answer p95 <= 25 ms" in {t["target"] for t in data["targets"]}
    assert not list((settings.home / "bench").iterdir())  # the temporary homes are gone


@pytest.mark.integration
def test_a_failing_child_raises_store_error_with_its_stderr(settings):
    from ingest.errors import StoreError

    with pytest.raises(StoreError, match="clausewise benchmark process failed") as info:
        run_bench(settings, DEFAULT_QUESTIONS, model_name=str(settings.home / "no-such-model"), limit=1)
    assert "no-such-model" in str(info.value)
    assert not list((settings.home / "bench").iterdir())


def test_warm_up_never_repeats_a_timed_query_and_each_round_times_search_and_answer():
    from evals.bench import Bench, _warm_up

    seen: list[str] = []
    answered: list[str] = []

    def run(q: str):
        seen.append(q)
        return [("doc", q)]

    questions = [{"id": "a", "question": "one"}, {"id": "b", "question": "two"}]
    _warm_up(run, questions)
    times = Bench({}, run, answered.append).run(questions)
    assert len(times.search_ms) == len(times.answer_ms) == 2 and times.results == {"a": [("doc", "one")], "b": [("doc", "two")]}
    assert len(seen) == 4 and seen[2:] == ["one", "two"] and not set(seen[:2]) & {"one", "two"}
    assert answered == ["one", "two"]
    assert Bench({}, run).run(questions).answer_ms == ()  # the baseline has no answer path
