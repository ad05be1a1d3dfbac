"""The ContractNLI benchmark: its span metrics on hand-made ranges, and one small end-to-end run with the fake embedder."""

from __future__ import annotations

import json
from argparse import Namespace

import pytest

import evals.contractnli as cnli
from evals.contractnli import (Query, average_precision, char_precision, char_recall, covers, found_at, merge, overlap,
                               queries_for, score)
from ingest.errors import ConfigError
from ingest.settings import Settings
from ingest.sources import DocKind

G = [(0, 10), (20, 30)]  # two gold spans of 10 characters


# ------------------------------------------------------------------------------------------------------ unit tests

def test_overlap_and_half_cover():
    assert overlap((0, 10), (5, 20)) == 5
    assert overlap((0, 10), (10, 20)) == 0  # half-open: touching is not overlapping
    assert overlap((0, 10), (30, 40)) == 0
    assert covers((0, 5), (0, 10))  # exactly half the span's characters is enough
    assert not covers((0, 4), (0, 10))
    assert covers((-100, 100), (0, 10))  # a long clause that holds the whole sentence
    assert not covers((0, 10), (5, 5))  # an empty gold span is never found


def test_found_at_counts_gold_spans_within_k():
    ranked = [(0, 10), (40, 50), (20, 30)]
    assert [found_at(ranked, G, k) for k in (1, 2, 3)] == [1, 1, 2]
    assert found_at([(0, 30)], G, 1) == 2  # one clause holding both sentences finds both
    assert found_at([], G, 5) == 0


def test_average_precision_exact_values():
    assert average_precision([(0, 10), (40, 50), (20, 30)], G) == pytest.approx((1 + 2 / 3) / 2)
    assert average_precision([(0, 30)], G) == 1.0  # both spans in the first item: capped at 1, not 2
    assert average_precision([(0, 10)], G) == 0.5  # the missing span scores 0
    # A second chunk re-covering a found span is relevant for precision but adds no gain.
    assert average_precision([(40, 50), (0, 10), (0, 12), (20, 30)], G) == pytest.approx((1 / 2 + 3 / 4) / 2)
    assert average_precision([(40, 50)] * 10 + [(0, 30)], G) == 0.0  # beyond depth 10
    assert average_precision([(0, 10)], []) == 0.0


def test_char_precision_and_recall_exact_values():
    ranked = [(0, 20), (100, 110)]
    gold = [(10, 30)]
    assert char_precision(ranked, gold, 1) == 0.5  # 10 of 20 retrieved characters are gold
    assert char_precision(ranked, gold, 2) == pytest.approx(10 / 30)
    assert char_recall(ranked, gold, 1) == 0.5  # 10 of 20 gold characters retrieved
    assert char_recall(ranked, gold, 2) == 0.5
    overlapping = [(0, 20), (10, 30)]
    assert char_recall(overlapping, gold, 2) == 1.0  # union: overlapping chunks are not counted twice
    assert char_precision(overlapping, gold, 2) == 0.75  # (10 + 20) / (20 + 20)
    assert char_precision([], gold, 5) == 0.0 and char_recall([], gold, 5) == 0.0
    assert merge([(5, 8), (0, 6), (10, 12), (12, 14), (3, 3)]) == [(0, 8), (10, 14)]


def test_score_micro_recall_and_means():
    queries = [Query("d", "d/a", "h", tuple(G)), Query("d", "d/b", "h", ((40, 50),))]
    ranked = {"d/a": [(0, 10), (40, 50), (20, 30)], "d/b": [(40, 50)]}
    out = score(queries, ranked)
    assert out["evidence_recall@1"] == pytest.approx(round(2 / 3, 4))  # 2 of 3 gold spans, not a mean of 1/2 and 1
    assert out["evidence_recall@3"] == 1.0
    assert out["map@10"] == pytest.approx(round(((1 + 2 / 3) / 2 + 1) / 2, 4))
    assert out["char_precision@1"] == 1.0 and out["char_recall@1"] == 0.75
    assert out["char_precision@5"] == pytest.approx(round((20 / 30 + 1) / 2, 4))
    assert (out["mean_chars@1"], out["mean_chars@5"]) == (10, 20)  # characters handed to the reader


def test_queries_skip_not_mentioned_and_trim_whitespace():
    raw = {"id": 7, "text": "  Alpha.\n Beta. ", "spans": [[0, 9], [9, 16]],
           "annotation_sets": [{"annotations": {"nda-1": {"choice": "Entailment", "spans": [0, 1]},
                                                "nda-2": {"choice": "NotMentioned", "spans": []},
                                                "nda-3": {"choice": "Contradiction", "spans": [1]}}}]}
    labels = {k: {"hypothesis": f"hyp {k}"} for k in ("nda-1", "nda-2", "nda-3")}
    assert queries_for(raw, labels) == [Query("cnli-7", "cnli-7/nda-1", "hyp nda-1", ((2, 8), (10, 15))),
                                        Query("cnli-7", "cnli-7/nda-3", "hyp nda-3", ((10, 15),))]


def test_missing_data_says_where_it_looked(tmp_path, monkeypatch):
    monkeypatch.setattr(cnli, "__file__", str(tmp_path / "a" / "evals" / "contractnli.py"))
    settings = Settings.from_env({"CLAUSEWISE_SOURCES": str(tmp_path / "corpus"), "CLAUSEWISE_HOME": str(tmp_path)})
    with pytest.raises(ConfigError) as err:
        cnli.data_dir(settings, "dev")
    assert str(tmp_path / "benchmarks" / "contractnli") in str(err.value) and "CLAUSEWISE_SOURCES" in str(err.value)


# --------------------------------------------------------------------------------------------- end to end (fake)

@pytest.fixture
def fake_settings(tmp_path, sources_dir) -> Settings:
    settings = Settings.from_env({"CLAUSEWISE_SOURCES": str(sources_dir), "CLAUSEWISE_HOME": str(tmp_path / "home"),
                                  "CLAUSEWISE_EMBED_MODEL": "fake-hash"})
    try:
        cnli.data_dir(settings, "dev")
    except ConfigError as exc:  # pragma: no cover - the shared benchmark files are absent
        pytest.skip(str(exc))
    return settings


def test_nda_becomes_a_user_document(fake_settings):
    raws, _ = cnli.load_split(fake_settings, "dev", 1)
    doc = cnli.to_document(raws[0])
    assert doc.spec.doc_id == f"cnli-{raws[0]['id']}" and doc.spec.kind is DocKind.USER
    assert doc.spec.family == "contractnli" and doc.text == raws[0]["text"]
    assert doc.clauses and all(c.text == doc.text[c.start:c.end] for c in doc.clauses)


@pytest.mark.integration
def test_dev_limit_2_end_to_end(fake_settings, capsys):
    raws, _ = cnli.load_split(fake_settings, "dev", 2)
    labelled = sum(a["choice"] in ("Entailment", "Contradiction")
                   for raw in raws for a in raw["annotation_sets"][0]["annotations"].values())
    assert cnli.run_contractnli(Namespace(split="dev", limit=2, json=True, k=5), fake_settings) == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["split"], result["documents"], result["queries"]) == ("dev", 2, labelled)
    assert set(result["systems"]) == {"clausewise", "baseline"}
    for figures in result["systems"].values():
        assert figures["chunks"] > 0 and figures["mean_chars@1"] <= figures["mean_chars@5"]
        metrics = {k: v for k, v in figures.items() if k != "chunks" and not k.startswith("mean_chars")}
        assert set(metrics) == {"evidence_recall@1", "evidence_recall@3", "evidence_recall@5", "map@10",
                                "char_precision@1", "char_recall@1", "char_precision@5", "char_recall@5"}
        assert all(0.0 <= v <= 1.0 for v in metrics.values())
        assert metrics["evidence_recall@1"] <= metrics["evidence_recall@3"] <= metrics["evidence_recall@5"]
    assert fake_settings.home.joinpath("bench", "contractnli").is_dir()
    assert not fake_settings.index_dir.exists()  # the user's own index is untouched

    # A re-run embeds nothing new and gives the same figures.
    again = cnli.evaluate(fake_settings, split="dev", limit=2, k=5)
    assert again == result
