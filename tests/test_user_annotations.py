"""Your own documents: annotations proposed from their wording, reviewed with `clausewise annotate`, and
`clausewise add --governs` so the clause-grounded verdict answers questions about them."""

from __future__ import annotations

import json

import pytest

from cli import main
from ingest.userdocs import user_document
from retrieval.propose import propose, propose_row

ACME = """# Acme Model License 1.0

1. Grant. Acme grants you a worldwide, royalty-free licence to use, copy, modify and distribute the Acme Model.

2. Redistribution. If you distribute the Acme Model or a derivative, you must include a copy of this licence and keep the attribution notice "Built on Acme".

3. Restrictions. You will not use the Acme Model or its outputs to train or improve any other large language model.

4. You must not use the Acme Model for military purposes or weapons development.

5. Scale. If your products have more than 50 million monthly active users, you must obtain a separate licence from Acme.

6. Termination. If you bring litigation against Acme, your licence terminates automatically.

7. The Acme Model is provided "AS IS" without warranty of any kind.
"""


def test_proposals_read_the_wording():
    rows, skipped = propose(user_document("user-acme", "acme.md", ACME))
    by_path = {r["path"]: r for r in rows}
    assert by_path["1"]["effect"] == "grant"
    assert by_path["2"]["effect"] == "obligation" and by_path["2"]["trigger"] == {"deployments": ["weights_release", "on_device"]}
    assert by_path["3"]["effect"] == "prohibition" and by_path["3"]["trigger"] == {"other_model": True}
    assert set(by_path["4"]["trigger"]["use_cases"]) >= {"military", "weapons"}
    assert by_path["5"]["effect"] == "threshold" and by_path["5"]["trigger"] == {"mau_over": 50_000_000}
    assert by_path["6"]["effect"] == "termination" and by_path["6"]["trigger"] == {"flags": ["litigation"]}
    assert by_path["7"]["effect"] == "disclaimer"
    assert all(r["status"] == "proposed" and r["gloss"].startswith("Proposed from the wording") for r in rows)


def test_unreadable_wording_gets_no_row():
    assert propose_row("Contact us at the address on our website.") is None


@pytest.fixture
def env(monkeypatch, tmp_path, sources_dir):
    monkeypatch.setenv("CLAUSEWISE_SOURCES", str(sources_dir))
    monkeypatch.setenv("CLAUSEWISE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CLAUSEWISE_EMBED_MODEL", "fake-hash")
    monkeypatch.delenv("CLAUSEWISE_CHROMA_URL", raising=False)
    (tmp_path / "acme.md").write_text(ACME, encoding="utf-8")
    return tmp_path


def _ask(capsys, question: str) -> dict:
    assert main(["ask", question, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_added_document_answers_questions_about_the_models_it_governs(env, capsys):
    assert main(["ingest"]) == 0
    capsys.readouterr()
    assert main(["add", str(env / "acme.md"), "--governs", "AcmeLM", "Acme-7B", "--json"]) == 0
    added = json.loads(capsys.readouterr().out)
    assert added["doc_id"] == "user-acme" and added["governs"] == ["AcmeLM", "Acme-7B"]
    assert added["proposed_annotations"] == 7

    train = _ask(capsys, "Can we use AcmeLM outputs to train our own Mistral model?")
    assert train["verdict"] == "not_permitted" and train["clause_verdict"]["clause_ids"][0] == "user-acme:3"
    assert "user-acme" in train["facts"]["documents"]
    publish = _ask(capsys, "We want to publish our Acme-7B fine-tune on Hugging Face.")
    assert publish["verdict"] == "conditional" and publish["clause_verdict"]["clause_ids"][0] == "user-acme:2"
    internal = _ask(capsys, "We run AcmeLM internally for our support tickets.")
    assert internal["verdict"] == "permitted" and internal["clause_verdict"]["clause_ids"][0] == "user-acme:1"

    # Review: edit one row (which accepts it), then accept the rest.
    assert main(["annotate", "user-acme", "--path", "4", "--gloss", "No military or weapons use.", "--json"]) == 0
    edited = json.loads(capsys.readouterr().out)
    row4 = next(a for a in edited["annotations"] if a["clause_id"] == "user-acme:4")
    assert row4["status"] == "reviewed" and row4["gloss"] == "No military or weapons use."
    assert main(["annotate", "user-acme", "--accept"]) == 0
    assert "0 still proposed" in capsys.readouterr().out
    assert main(["clause", "user-acme:4", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["annotation"]["status"] == "reviewed"


def test_annotate_refuses_bad_edits(env, capsys):
    assert main(["ingest"]) == 0
    assert main(["add", str(env / "acme.md")]) == 0
    capsys.readouterr()
    assert main(["annotate", "user-acme", "--path", "3", "--trigger", "weather=rain"]) == 2
    assert "Unknown trigger condition 'weather'" in capsys.readouterr().err
    assert main(["annotate", "user-acme", "--path", "99", "--effect", "grant"]) == 3
    assert main(["annotate", "llama-3-license"]) == 2
    assert main(["remove", "user-acme"]) == 0
    assert not (env / "home" / "user" / "annotations" / "user-acme.toml").exists()
