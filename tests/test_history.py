"""The conversation store (retrieval/history.py) and answers read back from it (retrieval/records.py)."""

from __future__ import annotations

import json
import sqlite3

import pytest

from ingest.errors import ConfigError, NotFound
from retrieval.history import (DB_NAME, SCHEMA_VERSION, History, changed_versions, corpus_version, rules_version,
                               title_from)
from retrieval.records import answer_from_json


def test_store_is_one_wal_file_with_a_schema_version(tmp_path):
    h = History(tmp_path / DB_NAME)
    assert h.journal_mode() == "wal"
    assert h.schema_version() == SCHEMA_VERSION == 1
    assert (tmp_path / DB_NAME).is_file()


def test_create_list_rename_delete_undo(tmp_path):
    h = History(tmp_path / DB_NAME)
    a = h.create("Can I release a LoRA of Llama 3 under MIT?")
    b = h.create("  Second   question  ")
    h.save_turn(a, 1, {"question": "q1"}, "c1", "r1")
    assert [c.id for c in h.list()] == [a, b]  # most recently updated first
    assert h.get(b).title == "Second question"
    assert h.get(a).turns == 1
    h.rename(a, "Memo: Llama 3 LoRA")
    assert h.get(a).title == "Memo: Llama 3 LoRA"
    with pytest.raises(ConfigError, match="needs a name"):
        h.rename(a, "   ")
    h.delete(a)
    assert [c.id for c in h.list()] == [b]
    with pytest.raises(NotFound):
        h.turns(a)
    assert [c.id for c in h.list(include_deleted=True) if c.deleted] == [a]
    h.undelete(a)
    assert {c.id for c in h.list()} == {a, b}
    assert h.turns(a)[0].payload == {"question": "q1"}
    with pytest.raises(NotFound, match="history"):
        h.get("nope")


def test_purge_removes_only_long_deleted(tmp_path):
    h = History(tmp_path / DB_NAME)
    a, b = h.create("a"), h.create("b")
    h.save_turn(a, 1, {"question": "a"}, "c", "r")
    h.delete(a)
    assert h.purge(older_than_days=1) == 0
    assert h.purge(older_than_days=0) == 1
    assert [c.id for c in h.list(include_deleted=True)] == [b]
    with sqlite3.connect(tmp_path / DB_NAME) as db:
        assert db.execute("SELECT COUNT(*) FROM turns").fetchone()[0] == 0  # cascaded


def test_turn_replaced_in_place_and_versions_compared(tmp_path):
    h = History(tmp_path / DB_NAME)
    cid = h.create("q")
    h.save_turn(cid, 1, {"question": "q", "v": 1}, "corpusA", "rulesA")
    h.save_turn(cid, 2, {"question": "q2"}, "corpusA", "rulesA")
    h.save_turn(cid, 1, {"question": "q", "v": 2}, "corpusA", "rulesA")
    turns = h.turns(cid)
    assert [(t.seq, t.payload.get("v")) for t in turns] == [(1, 2), (2, None)]
    assert changed_versions(turns, "corpusA", "rulesA") == (False, False)
    assert changed_versions(turns, "corpusB", "rulesA") == (True, False)
    assert changed_versions(turns, "corpusA", "rulesB") == (False, True)
    exported = h.export(cid)
    assert exported["title"] == "q" and [t["seq"] for t in exported["turns"]] == [1, 2]
    assert exported["turns"][0]["corpus_version"] == "corpusA"


def test_a_newer_schema_is_refused_and_a_broken_file_explained(tmp_path):
    path = tmp_path / DB_NAME
    History(path)
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA user_version = 99")
    with pytest.raises(ConfigError, match="schema version 99"):
        History(path)
    bad = tmp_path / "bad.sqlite3"
    bad.write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(ConfigError, match="cannot be opened"):
        History(bad)


def test_unreadable_payload_does_not_break_the_list(tmp_path):
    h = History(tmp_path / DB_NAME)
    cid = h.create("q")
    with sqlite3.connect(tmp_path / DB_NAME) as db:
        db.execute("INSERT INTO turns VALUES (?, 1, '{not json', 'c', 'r', 'now')", (cid,))
    assert "could not be read" in h.turns(cid)[0].payload["error"]


def test_titles_and_fingerprints(corpus, tmp_path):
    assert title_from("x " * 100).endswith("\u2026") and len(title_from("x " * 100)) == 80
    v = corpus_version(corpus.documents)
    assert len(v) == 12 and v == corpus_version(dict(reversed(list(corpus.documents.items()))))
    fewer = {d: doc for d, doc in corpus.documents.items() if d != "mit"}
    assert corpus_version(fewer) != v
    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "llama.toml").write_text("a = 1\n")
    before = rules_version(tmp_path)
    (tmp_path / "rules" / "llama.toml").write_text("a = 2\n")
    assert rules_version(tmp_path) != before
    assert len(rules_version()) == 12


def test_answers_round_trip_through_json(fake_services):
    answer = fake_services.engine.answer("We fine-tuned Llama 3.1 8B and will release it on Hugging Face under MIT.")
    back = answer_from_json(json.loads(json.dumps(answer.to_json())))
    assert back == answer
    assert back.facts.target_licence == "mit"
    extra = {**answer.to_json(), "branches": [], "some_future_key": 1}
    assert answer_from_json(extra) == answer  # keys from another version are ignored
    with pytest.raises(ValueError, match="lacks 'verdict'"):
        answer_from_json({k: v for k, v in answer.to_json().items() if k != "verdict"})


def test_cli_history_lists_and_exports(fake_services, tmp_path, monkeypatch, capsys):
    import cli
    from ui.conversation import Turn

    monkeypatch.setenv("CLAUSEWISE_HOME", str(tmp_path))
    question = "We fine-tuned Llama 3.1 8B and will release it on Hugging Face under MIT."
    answer = fake_services.engine.answer(question)
    h = History(tmp_path / DB_NAME)
    cid = h.create(question)
    h.save_turn(cid, 1, Turn(1, question, 5, answer=answer).to_payload(), "c", "r")
    assert cli.main(["history"]) == 0
    out = capsys.readouterr().out
    assert cid in out and question[:40] in out and "1 question(s)" in out and str(tmp_path / DB_NAME) in out
    assert cli.main(["history", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [(r["id"], r["turns"]) for r in rows] == [(cid, 1)]
    assert cli.main(["history", "--export", cid]) == 0
    md = capsys.readouterr().out
    assert md.startswith("# clausewise research log: We fine-tuned Llama 3.1 8B")
    assert "Corpus version c, rules version r." in md
    assert f"**Verdict: {answer.verdict.upper().replace('_', ' ')}** (`{answer.verdict}`)" in md
    assert all(f"`{c.clause_id}`" in md and c.text in md for c in answer.citations)
    out_file = tmp_path / "conv.json"
    assert cli.main(["history", "--export", cid, "--format", "json", "--out", str(out_file)]) == 0
    data = json.loads(out_file.read_text())
    assert data["turns"][0]["answer"]["verdict"] == answer.verdict and data["turns"][0]["corpus_version"] == "c"
    assert cli.main(["history", "--export", "nope"]) == 3
    assert "No saved conversation 'nope'" in capsys.readouterr().err
    assert cli.main(["history", "--delete", cid]) == 0 and "--restore" in capsys.readouterr().out
    assert cli.main(["history"]) == 0 and cid not in capsys.readouterr().out
    assert cli.main(["history", "--all"]) == 0 and f"{cid}" in (out := capsys.readouterr().out) and "[deleted]" in out
    assert cli.main(["history", "--restore", cid]) == 0
    assert [c.id for c in h.list()] == [cid]


def test_an_answer_with_branches_and_a_clarifying_question_round_trips(fake_services):
    answer = fake_services.engine.answer("Can we fine-tune Llama 3 8B with LoRA?")  # says nothing about deployment
    assert answer.branches and answer.clarify is not None
    back = answer_from_json(json.loads(json.dumps(answer.to_json())))
    assert back == answer
    assert back.branches[0].assumption.fact == "deployments" and back.clarify.choices[0].value == "weights_release"


def test_two_writers_at_once(tmp_path):
    """The app and the CLI (or two app sessions) write the same file; WAL and the busy timeout keep every write."""
    from concurrent.futures import ThreadPoolExecutor

    a, b = History(tmp_path / DB_NAME), History(tmp_path / DB_NAME)
    cids = [a.create(f"q{i}") for i in range(4)]

    def write(n: int) -> None:
        store = a if n % 2 else b
        for seq in range(1, 11):
            store.save_turn(cids[n], seq, {"question": f"{n}-{seq}"}, "c", "r")

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(write, range(4)))
    assert [a.get(c).turns for c in cids] == [10, 10, 10, 10]
