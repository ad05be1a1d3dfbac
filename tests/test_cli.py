"""The `clausewise` command as a user meets it: exit codes, messages, JSON shapes, never a traceback."""

from __future__ import annotations

import json
import socket
import time

import pytest

from cli import main


@pytest.fixture
def env(monkeypatch, tmp_path, sources_dir):
    monkeypatch.setenv("CLAUSEWISE_SOURCES", str(sources_dir))
    monkeypatch.setenv("CLAUSEWISE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CLAUSEWISE_EMBED_MODEL", "fake-hash")
    monkeypatch.delenv("CLAUSEWISE_CHROMA_URL", raising=False)
    return tmp_path


def test_corpus_json(env, capsys):
    assert main(["corpus", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    byid = {r["doc_id"]: r for r in rows}
    assert byid["llama-3-license"]["status"] == "loaded" and byid["llama-3-license"]["clauses"] > 20


def test_clause_found_and_unknown(env, capsys):
    assert main(["clause", "llama-3-license:1.b.v"]) == 0
    assert "improve any other large language model" in capsys.readouterr().out
    assert main(["clause", "llama-3-license:1.b.x"]) == 3
    err = capsys.readouterr().err
    assert "llama-3-license:1.b.v" in err and "Traceback" not in err


def test_search_before_ingest_says_what_to_do(env, capsys):
    assert main(["search", "notice file"]) == 2
    assert "clausewise ingest" in capsys.readouterr().err


@pytest.mark.integration
def test_ingest_ask_add_remove(env, capsys, tmp_path):
    assert main(["ingest"]) == 0
    capsys.readouterr()
    assert main(["ask", "Can I publish my Llama 3.1 fine-tune on Hugging Face?", "--json"]) == 0
    answer = json.loads(capsys.readouterr().out)
    assert answer["verdict"] == "conditional"
    assert "llama-3.1-license:1.b.i" in [c["clause_id"] for c in answer["citations"]]
    assert main(["ask", "   "]) == 2
    assert "empty" in capsys.readouterr().err
    doc = tmp_path / "widget.md"
    doc.write_text("Widget Licence\n\n1. Grant. You may use Widget.\n\n2. No redistribution of the Widget weights is allowed.\n")
    assert main(["add", str(doc), "--json"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["doc_id"] == "user-widget" and info["clauses"] >= 3
    assert main(["search", "redistribution of the Widget weights", "--doc", "user-widget", "--json"]) == 0
    hits = json.loads(capsys.readouterr().out)
    assert hits[0]["clause_id"] == "user-widget:2"
    assert main(["add", str(doc)]) == 2  # duplicate
    assert main(["remove", "user-widget"]) == 0
    assert main(["remove", "user-widget"]) == 3


def test_unreachable_chroma_server_fails_fast(env, monkeypatch, capsys):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("CLAUSEWISE_CHROMA_URL", f"http://127.0.0.1:{port}")
    t0 = time.monotonic()
    assert main(["ingest"]) == 2
    assert time.monotonic() - t0 < 20
    err = capsys.readouterr().err
    assert f"127.0.0.1:{port}" in err and "chroma run" in err


def test_bad_chroma_url(env, monkeypatch, capsys):
    monkeypatch.setenv("CLAUSEWISE_CHROMA_URL", "not a url")
    assert main(["ingest"]) == 2
    assert "not a URL" in capsys.readouterr().err


def test_clause_prints_a_heading_only_section_whole(env, capsys):
    assert main(["clause", "gemma-terms-2025:3.3"]) == 0
    out = capsys.readouterr().out
    assert "Cite as: Gemma Terms of Use (2025-03-24), s. 3.3" in out
    assert "3.3 Generated Output" in out and "Google claims no rights in Outputs you generate using Gemma." in out
    assert main(["clause", "gemma-terms-2025:3.3", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["text"] == "3.3 Generated Output" and data["section"]["heading_only"] is True
    assert data["section"]["clause_ids"] == ["gemma-terms-2025:3.3.p1"]
    assert data["section"]["text"].startswith("3.3 Generated Output") and "Google claims no rights" in data["section"]["text"]


def test_pinpoints_check_passes_and_old_ids_resolve(env, capsys):
    assert main(["pinpoints"]) == 0
    assert "all still name the same text" in capsys.readouterr().out
    assert main(["clause", "llama-3-license:meta-llama-3-acceptable.1.a", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["clause_id"] == "llama-3-license:aup.1.a" and data["same_as"] == "llama-3-aup:1.1"
    assert data["cite_as"] == ("Meta Llama 3 Community License Agreement (2024-04-18), "
                               "\u201cMeta Llama 3 Acceptable Use Policy\u201d, s. 1.a")
