"""`clausewise check` applies the clause annotations (corpus/annotations) to the release, not only the rules: every
triggered clause is listed with what covers it, and one that no finding, obligation or rule reports is a finding of its
own (`clause-obligation`, `clause-prohibition`). Exact clause ids, covers and severities."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cli import main
from ingest.errors import ConfigError
from release.check import Checker
from release.inputs import read_release
from test_check import CARDS, REAL, SOURCES, _name

ACME = """# Acme Model License 1.0

1. Grant. Acme grants you a worldwide, royalty-free licence to use, copy, modify and distribute the Acme Model.

2. Redistribution. If you distribute the Acme Model or a derivative, you must include a copy of this licence and keep the attribution notice "Built on Acme".

3. Restrictions. You will not use the Acme Model or its outputs to train or improve any other large language model.

4. You must not use the Acme Model for military purposes or weapons development.

5. Scale. If your products have more than 50 million monthly active users, you must obtain a separate licence from Acme.

6. Termination. If you bring litigation against Acme, your licence terminates automatically.

7. The Acme Model is provided "AS IS" without warranty of any kind.
"""
ACME_LINEAGE = """name = "Acme-7B-Targeting"
relation = "finetune"
base_model = ["Acme-7B"]
deployment = ["weights_release"]
monthly_users = 80_000_000
intended_use = "target selection for weapons development at a defence contractor"
"""
# Kinds only a document the rules table does not know can show on its own: kept here, counted by test_check.
KINDS_EXERCISED = {"clause-prohibition", "clause-obligation"}


@pytest.fixture(scope="module")
def checker(fake_services):
    return Checker(fake_services)


def _clauses(report):
    return [(c.clause_id, c.effect, c.covered_by) for c in report.clauses]


def _real(checker, file):
    return checker.check(read_release(CARDS / "real" / file, name=_name(SOURCES[file])))


def test_real_cards_every_triggered_clause_is_covered(checker):
    """On the 30 real cards the rules and obligations already report every clause the annotations trigger: the
    annotation pass adds no finding there, and says what covers each clause."""
    for file in sorted(REAL):
        report = _real(checker, file)
        assert report.clauses, file  # every card ships weights, so some duty is always triggered
        assert [c.clause_id for c in report.clauses if c.new] == [], file


def test_real_apache_card_clauses_and_covers(checker):
    assert _clauses(_real(checker, "labv2-mistral-collectivistic.md")) == [
        ("apache-2.0:4", "condition", "its items: apache-2.0:4.a, apache-2.0:4.b, apache-2.0:4.c, apache-2.0:4.d"),
        ("apache-2.0:4.a", "obligation", "finding missing-licence-copy"),
        ("apache-2.0:4.b", "obligation", "obligation modification_notice"),
        ("apache-2.0:4.c", "obligation", "obligation attribution"),
        ("apache-2.0:4.d", "obligation", "obligation notice_file")]


def test_real_gemma_and_llama_cards_clauses_and_covers(checker):
    assert _clauses(_real(checker, "arianaazarbal-gemma2-9b-seed1.md")) == [
        ("gemma-terms-2025:3.1.p1", "condition", "rule gemma-distribution (conditional)"),
        ("gemma-terms-2025:3.1.p1.b1", "obligation", "finding use-restrictions-not-passed-on"),
        ("gemma-terms-2025:3.1.p1.b2", "obligation", "finding missing-licence-copy"),
        ("gemma-terms-2025:3.1.p1.b3", "obligation", "obligation modification_notice"),
        ("gemma-terms-2025:3.1.p1.b4", "obligation", "finding missing-notice")]
    assert _clauses(_real(checker, "aaditya-llama3-openbiollm-8b.md")) == [
        ("llama-3-license:1.b.i", "obligation", "finding missing-licence-copy"),
        ("llama-3-license:1.b.iii", "obligation", "finding missing-notice")]


def test_hosted_gemma_release_gets_the_modified_files_notice(checker):
    """Gemma counts a hosted service as Distribution; the obligations table models the notice on modified files for
    shipped weights only, the annotation of s. 3.1 item 3 for hosting too."""
    report = checker.check(read_release(CARDS / "own" / "gemma-hosted" / "lineage.toml"))
    assert report.verdict.value == "incomplete"
    (f,) = report.findings
    assert f.kind.value == "clause-obligation" and f.severity.value == "incomplete"
    assert f.clause_ids == ("gemma-terms-2025:3.1.p1.b3",)
    assert f.quotes[0].quote == "You must cause any modified files to carry prominent notices stating that you modified the files."
    assert "triggered by deployments, methods" in f.message
    new = [c for c in report.clauses if c.new]
    assert [(c.clause_id, c.effect, c.status) for c in new] == [("gemma-terms-2025:3.1.p1.b3", "obligation", "reviewed")]
    rows = {c["clause_id"]: c for c in report.to_json()["clause_annotations"]}
    assert rows["gemma-terms-2025:3.1.p1.b3"]["covered_by"] is None
    assert rows["gemma-terms-2025:3.1.p1.b1"]["covered_by"] == "obligation use_restrictions"


def test_lineage_states_users_revenue_eu_and_intended_use(tmp_path):
    path = tmp_path / "lineage.toml"
    path.write_text(ACME_LINEAGE + "revenue = 3_000_000\neu = true\n", encoding="utf-8")
    spec = read_release(path)
    assert (spec.monthly_users, spec.revenue, spec.eu) == (80_000_000, 3_000_000, True)
    assert spec.intended_use.startswith("target selection")
    path.write_text(ACME_LINEAGE.replace("80_000_000", '"lots"'), encoding="utf-8")
    with pytest.raises(ConfigError, match="monthly_users` must be a whole number"):
        read_release(path)
    path.write_text(ACME_LINEAGE + 'eu = "yes"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="`eu` must be true or false"):
        read_release(path)


@pytest.fixture
def acme(monkeypatch, tmp_path, sources_dir, fake_services):
    # A copy of the session's fake-embedder home: the index is there, and adding a document changes only the copy.
    shutil.copytree(fake_services.settings.home, tmp_path / "home")
    monkeypatch.setenv("CLAUSEWISE_SOURCES", str(sources_dir))
    monkeypatch.setenv("CLAUSEWISE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CLAUSEWISE_EMBED_MODEL", "fake-hash")
    monkeypatch.delenv("CLAUSEWISE_CHROMA_URL", raising=False)
    (tmp_path / "acme.md").write_text(ACME, encoding="utf-8")
    (tmp_path / "lineage.toml").write_text(ACME_LINEAGE, encoding="utf-8")
    return tmp_path


def _check(capsys, path: Path) -> dict:
    capsys.readouterr()
    assert main(["check", str(path), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_a_licence_only_the_annotations_know(acme, capsys):
    """A model under a document you added: no rule covers it, so its clauses' annotations are what the check applies.
    Proposed rows give `unclear` prohibitions; once accepted they are violations."""
    assert main(["add", str(acme / "acme.md"), "--governs", "AcmeLM", "Acme-7B", "--json"]) == 0
    report = _check(capsys, acme / "lineage.toml")
    assert report["documents"] == ["user-acme"]
    got = [(f["kind"], f["severity"], f["clause_ids"]) for f in report["findings"]]
    assert got == [("clause-obligation", "incomplete", ["user-acme:2"]),
                   ("clause-prohibition", "unclear", ["user-acme:4"]),
                   ("clause-prohibition", "unclear", ["user-acme:5"])]
    assert report["verdict"] == "unclear"
    assert all("not yet reviewed" in f["message"] for f in report["findings"])
    assert [(c["clause_id"], c["effect"], c["covered_by"], c["status"]) for c in report["clause_annotations"]] == [
        ("user-acme:2", "obligation", None, "proposed"), ("user-acme:4", "prohibition", None, "proposed"),
        ("user-acme:5", "threshold", None, "proposed")]
    assert main(["annotate", "user-acme", "--accept"]) == 0
    accepted = _check(capsys, acme / "lineage.toml")
    assert [(f["kind"], f["severity"], f["clause_ids"]) for f in accepted["findings"]] == [
        ("clause-obligation", "incomplete", ["user-acme:2"]),
        ("clause-prohibition", "violation", ["user-acme:4"]),
        ("clause-prohibition", "violation", ["user-acme:5"])]
    assert accepted["verdict"] == "violation"
    # Below the threshold and for another use, only the redistribution duty is left.
    (acme / "lineage.toml").write_text(ACME_LINEAGE.replace("80_000_000", "2_000_000").replace(
        "target selection for weapons development at a defence contractor", "customer support for a bakery"),
        encoding="utf-8")
    calm = _check(capsys, acme / "lineage.toml")
    assert [(f["kind"], f["clause_ids"]) for f in calm["findings"]] == [("clause-obligation", ["user-acme:2"])]
    assert calm["verdict"] == "incomplete"


def test_alternative_items_joined_by_or_cover_each_other(checker):
    """BigCode s. 5.1: pass on "a. Paragraph 4 and the restrictions in Attachment A ..., or," "b. Use conditions
    similar ...": the second is another way of meeting the reported duty, not a duty of its own."""
    from release.ship import spec_from_args

    report = checker.check(spec_from_args(["bigcode/starcoder2-15b"], "full_finetune", ["weights_release"],
                                          "Acme-StarCoder2-SQL"))
    assert [c.clause_id for c in report.clauses if c.new] == []
    covers = dict((c.clause_id, c.covered_by) for c in report.clauses)
    assert covers["bigcode-openrail-m:iii.5.1.a"] == "finding use-restrictions-not-passed-on"
    assert covers["bigcode-openrail-m:iii.5.1.b"] == ("finding use-restrictions-not-passed-on (the same duty, met "
                                                      "another way: bigcode-openrail-m:iii.5.1.a)")
    assert covers["bigcode-openrail-m:iii.5.1"] == "its items: bigcode-openrail-m:iii.5.1.a"
