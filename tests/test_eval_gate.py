"""The regression gate: the full public eval with the real default model must meet evals/thresholds.json."""

from __future__ import annotations

import json

import pytest

from evals.runner import PUBLIC_SET, THRESHOLDS, check_thresholds, compute_metrics, load_questions, run_eval

pytestmark = [pytest.mark.slow, pytest.mark.integration]


@pytest.fixture(scope="module")
def real_services(sources_dir, tmp_path_factory):
    from ingest.corpus import load_corpus
    from ingest.embed import make_embedder
    from ingest.index import ingest
    from ingest.settings import Settings
    from retrieval.service import Services

    home = tmp_path_factory.mktemp("realhome")
    settings = Settings.from_env({"CLAUSEWISE_SOURCES": str(sources_dir), "CLAUSEWISE_HOME": str(home)})
    corpus = load_corpus(settings, strict=True, network=False)
    embedder = make_embedder(settings.embed_model)
    ingest(corpus, settings, embedder)
    return Services.load(settings, embedder=embedder, corpus=corpus)


def test_public_set_meets_thresholds(real_services):
    results = run_eval(real_services.engine, load_questions(PUBLIC_SET))
    metrics = compute_metrics(results)
    print(json.dumps({k: v for k, v in metrics.items() if k not in ("per_tag", "confusion", "per_verdict")}, indent=1))
    assert check_thresholds(metrics) == []
    assert metrics["quote_fidelity"] == 1.0


def test_thresholds_file_is_sane():
    gate = json.loads(THRESHOLDS.read_text())
    assert gate["verdict_accuracy"] >= 0.97 and gate["evidence_recall@5"] >= 0.94 and gate["quote_fidelity"] == 1.0
