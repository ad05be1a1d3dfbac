"""`clausewise check` on real public model cards (tests/fixtures/cards/real, sources in SOURCES.toml) and on cards
written for every finding kind (tests/fixtures/cards/own): exact verdicts, finding kinds and clause ids."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from ingest.errors import ConfigError
from release.check import Checker, FindingKind
from release.inputs import Relation, read_release

CARDS = Path(__file__).resolve().parent / "fixtures" / "cards"
SOURCES = {c["file"]: c for c in tomllib.loads((CARDS / "real" / "SOURCES.toml").read_text())["card"]}

REAL = {
    "jflachman-llama3-8b-gguf.md": ("incomplete", [('missing-attribution', 'llama-3-license:1.b.i'), ('missing-notice', 'llama-3-license:1.b.iii')]),
    "skkjodhpur-llama31-unsloth.md": ("violation", [('licence-mismatch', 'llama-3.1-license:1.b.i'), ('missing-attribution', 'llama-3.1-license:1.b.i'), ('missing-notice', 'llama-3.1-license:1.b.iii'), ('missing-name-prefix', 'llama-3.1-license:1.b.i')]),
    "pranavpradhan-ros2-llama31.md": ("violation", [('licence-mismatch', 'llama-3.1-license:1.b.i'), ('missing-attribution', 'llama-3.1-license:1.b.i'), ('missing-notice', 'llama-3.1-license:1.b.iii'), ('missing-name-prefix', 'llama-3.1-license:1.b.i')]),
    "yaleong-llama31-qlora.md": ("incomplete", [('missing-licence-copy', 'llama-3.1-license:1.b.i'), ('missing-attribution', 'llama-3.1-license:1.b.i'), ('missing-notice', 'llama-3.1-license:1.b.iii')]),
    "datalablife-r1-distill-llama-sql.md": ("violation", [('licence-mismatch', 'llama-3.1-license:1.b.i'), ('missing-attribution', 'llama-3.1-license:1.b.i'), ('missing-notice', 'llama-3.1-license:1.b.iii'), ('missing-licence-copy', 'mit:p2'), ('missing-name-prefix', 'llama-3.1-license:1.b.i')]),
    "arianaazarbal-gemma2-9b-seed1.md": ("incomplete", [('missing-licence-copy', 'gemma-terms-2025:3.1.p1.b2'), ('missing-notice', 'gemma-terms-2025:3.1.p1.b4'), ('use-restrictions-not-passed-on', 'gemma-terms-2025:3.1.p1.b1')]),
    "sukara13-gemma7b-cars.md": ("incomplete", [('missing-licence-copy', 'gemma-terms-2025:3.1.p1.b2'), ('missing-notice', 'gemma-terms-2025:3.1.p1.b4'), ('use-restrictions-not-passed-on', 'gemma-terms-2025:3.1.p1.b1')]),
    "lucasremigio-gemma3n-lora.md": ("incomplete", [('missing-licence-copy', 'gemma-terms-2025:3.1.p1.b2'), ('missing-notice', 'gemma-terms-2025:3.1.p1.b4'), ('use-restrictions-not-passed-on', 'gemma-terms-2025:3.1.p1.b1')]),
    "omborda-gemma-reasoning.md": ("incomplete", [('missing-licence-copy', 'gemma-terms-2025:3.1.p1.b2'), ('missing-notice', 'gemma-terms-2025:3.1.p1.b4'), ('use-restrictions-not-passed-on', 'gemma-terms-2025:3.1.p1.b1')]),
    "olisens-gemmacare-2b.md": ("violation", [('licence-mismatch', 'gemma-terms-2025:3.1.p1.b2'), ('missing-notice', 'gemma-terms-2025:3.1.p1.b4'), ('use-restrictions-not-passed-on', 'gemma-terms-2025:3.1.p1.b1')]),
    "ryanjewik-mistral-test-run.md": ("incomplete", [('missing-licence-copy', 'apache-2.0:4.a')]),
    "naikvatsal-mistral-config-a.md": ("incomplete", [('missing-licence-copy', 'apache-2.0:4.a')]),
    "labv2-mistral-collectivistic.md": ("incomplete", [('missing-licence-copy', 'apache-2.0:4.a')]),
    "smrichards-mistral-dota2.md": ("incomplete", [('missing-licence-copy', 'apache-2.0:4.a')]),
    "vedkcoder-llama2-code.md": ("incomplete", [('missing-licence-copy', 'llama-2-license:1.b.i'), ('missing-notice', 'llama-2-license:1.b.iii')]),
    "leliuga-llama2-70b-orca.md": ("incomplete", [('missing-licence-copy', 'llama-2-license:1.b.i'), ('missing-notice', 'llama-2-license:1.b.iii')]),
    "bigjonp-powell-phi3.md": ("incomplete", [('missing-licence-copy', 'mit:p2')]),
    "corradomio-phi3-yoda.md": ("incomplete", [('missing-licence-copy', 'mit:p2')]),
    "kashewknutt-phi35-personality.md": ("incomplete", [('missing-licence-copy', 'mit:p2')]),
    "adriansterr-pt-gl-task-arithmetic.md": ("violation", [('unknown-base-terms', None), ('unknown-base-terms', None), ('missing-licence-copy', 'llama-3.1-license:1.b.i'), ('missing-attribution', 'llama-3.1-license:1.b.i'), ('missing-notice', 'llama-3.1-license:1.b.iii'), ('missing-name-prefix', 'llama-3.1-license:1.b.i')]),
    "adriansterr-pt-dare-ties.md": ("violation", [('unknown-base-terms', None), ('unknown-base-terms', None), ('missing-licence-copy', 'llama-3.1-license:1.b.i'), ('missing-attribution', 'llama-3.1-license:1.b.i'), ('missing-notice', 'llama-3.1-license:1.b.iii'), ('missing-name-prefix', 'llama-3.1-license:1.b.i')]),
    "adriansterr-dare-linear.md": ("violation", [('unknown-base-terms', None), ('missing-licence-copy', 'llama-3.1-license:1.b.i'), ('missing-attribution', 'llama-3.1-license:1.b.i'), ('missing-notice', 'llama-3.1-license:1.b.iii'), ('missing-name-prefix', 'llama-3.1-license:1.b.i')]),
    "adriansterr-slerp-v-shape.md": ("violation", [('unknown-base-terms', None), ('missing-licence-copy', 'llama-3.1-license:1.b.i'), ('missing-attribution', 'llama-3.1-license:1.b.i'), ('missing-notice', 'llama-3.1-license:1.b.iii'), ('missing-name-prefix', 'llama-3.1-license:1.b.i')]),
    "adriansterr-acree-fusion.md": ("violation", [('unknown-base-terms', None), ('missing-licence-copy', 'llama-3.1-license:1.b.i'), ('missing-attribution', 'llama-3.1-license:1.b.i'), ('missing-notice', 'llama-3.1-license:1.b.iii'), ('missing-name-prefix', 'llama-3.1-license:1.b.i')]),
    "adriansterr-slerp-t05.md": ("violation", [('unknown-base-terms', None), ('missing-licence-copy', 'llama-3.1-license:1.b.i'), ('missing-attribution', 'llama-3.1-license:1.b.i'), ('missing-notice', 'llama-3.1-license:1.b.iii'), ('missing-name-prefix', 'llama-3.1-license:1.b.i')]),
    "naveen-llama3-linear-merge.yaml": ("violation", [('missing-licence-copy', 'llama-3-license:1.b.i'), ('missing-attribution', 'llama-3-license:1.b.i'), ('missing-notice', 'llama-3-license:1.b.iii'), ('missing-name-prefix', 'llama-3-license:1.b.i')]),
    "princeton-gemma-2-9b-it-simpo.md": ("violation", [('licence-mismatch', 'gemma-terms-2025:3.1.p1.b2'), ('missing-notice', 'gemma-terms-2025:3.1.p1.b4'), ('use-restrictions-not-passed-on', 'gemma-terms-2025:3.1.p1.b1')]),
    "nousresearch-hermes-3-llama-3.1-8b.md": ("violation", [('licence-mismatch', 'llama-3.1-license:1.b.i'), ('missing-attribution', 'llama-3.1-license:1.b.i'), ('missing-notice', 'llama-3.1-license:1.b.iii'), ('missing-name-prefix', 'llama-3.1-license:1.b.i')]),
    "thebloke-luna-ai-llama2-gguf.md": ("violation", [('licence-mismatch', 'llama-2-license:1.b.i'), ('missing-notice', 'llama-2-license:1.b.iii')]),
    "aaditya-llama3-openbiollm-8b.md": ("incomplete", [('missing-licence-copy', 'llama-3-license:1.b.i'), ('missing-attribution', 'llama-3-license:1.b.i'), ('missing-notice', 'llama-3-license:1.b.iii')]),
}
OWN = {
    "chain/lineage.toml": ("compliant", []),
    "gemma2-apache.md": ("violation", [('licence-mismatch', 'gemma-terms-2025:3.1.p1.b2'), ('use-restrictions-not-passed-on', 'gemma-terms-2025:3.1.p1.b1')]),
    "gemma2-no-restrictions.md": ("incomplete", [('use-restrictions-not-passed-on', 'gemma-terms-2025:3.1.p1.b1')]),
    "gpt4-teacher.toml": ("violation", [('conflicting-sources', 'openai-terms-2024:using-our-services.p2.b7')]),
    "llama2-mistral-merge.yaml": ("violation", [('missing-licence-copy', 'llama-2-license:1.b.i'), ('missing-notice', 'llama-2-license:1.b.iii'), ('missing-licence-copy', 'apache-2.0:4.a'), ('conflicting-sources', 'llama-2-license:1.b.v')]),
    "llama3-compliant.md": ("compliant", []),
    "llama3-missing-attribution.md": ("incomplete", [('missing-attribution', 'llama-3-license:1.b.i')]),
    "llama3-missing-licence-copy.md": ("incomplete", [('missing-licence-copy', 'llama-3-license:1.b.i')]),
    "llama3-missing-notice.md": ("incomplete", [('missing-notice', 'llama-3-license:1.b.iii')]),
    "llama3-missing-prefix.md": ("violation", [('missing-name-prefix', 'llama-3-license:1.b.i')]),
    "llama3-mit-adapter.md": ("violation", [('licence-mismatch', 'llama-3-license:1.b.i')]),
    "nc-data/lineage.toml": ("violation", [('non-commercial-data', 'cc-by-nc-4.0:2.a.1.b')]),
    "sa-data/lineage.toml": ("unclear", [('conflicting-sources', 'cc-by-sa-4.0:3.b.1')]),
    "unknown-base.md": ("unclear", [('unknown-base-terms', None)]),
    "gemma-hosted/lineage.toml": ("incomplete", [('clause-obligation', 'gemma-terms-2025:3.1.p1.b3')]),
}


@pytest.fixture(scope="module")
def checker(fake_services):
    return Checker(fake_services)


def _name(entry: dict) -> str | None:
    # A repository's own README names the model after the repository, as the Hub does; so does a card collection's
    # org_repo.md file.
    if entry["path"] == "README.md":
        return entry["repository"].split("/")[-1]
    stem = Path(entry["path"]).stem
    return stem.split("_", 1)[1] if "_" in stem and not entry["path"].endswith("README.md") else None


def _summary(report):
    return report.verdict.value, [(f.kind.value, f.clause_ids[0] if f.clause_ids else None) for f in report.findings]


def test_every_real_fixture_has_a_source_and_an_expectation():
    files = {p.name for p in (CARDS / "real").iterdir() if p.name != "SOURCES.toml"}
    assert files == set(SOURCES) == set(REAL)
    assert len(files) >= 25
    for entry in SOURCES.values():
        assert "/" in entry["repository"] and entry["path"]


@pytest.mark.parametrize("file", sorted(REAL))
def test_real_cards(checker, file):
    report = checker.check(read_release(CARDS / "real" / file, name=_name(SOURCES[file])))
    assert _summary(report) == REAL[file]
    for f in report.findings:
        assert f.fix
        for q in f.quotes:
            assert q.quote and q.clause_id in f.clause_ids


@pytest.mark.parametrize("file", sorted(OWN))
def test_own_cards(checker, file):
    assert _summary(checker.check(read_release(CARDS / "own" / file))) == OWN[file]


def test_every_finding_kind_is_exercised():
    from test_check_annotations import KINDS_EXERCISED

    kinds = {k for _, fs in list(REAL.values()) + list(OWN.values()) for k, _ in fs}
    assert kinds | KINDS_EXERCISED == {k.value for k in FindingKind}
    verdicts = {v for v, _ in list(REAL.values()) + list(OWN.values())}
    assert verdicts == {"compliant", "incomplete", "violation", "unclear"}


def test_chain_is_walked_to_the_registry(checker):
    report = checker.check(read_release(CARDS / "own" / "chain" / "lineage.toml"))
    root = report.lineage
    assert root.relation == "quantized"
    (merge,) = root.children
    assert merge.relation == "merge" and merge.resolved_by == "lineage file"
    assert [c.ref for c in merge.children] == ["acme/Llama-3-Acme-Support-8B", "NousResearch/Hermes-2-Pro-Llama-3-8B"]
    finetune = merge.children[0]
    assert finetune.relation == "finetune" and finetune.children[0].model_id == "llama-3"
    assert {m.value for m in report.facts.methods} == {"quantization", "merge", "full_finetune"}
    assert report.documents == ("llama-3-license", "llama-3-aup")


def test_mergekit_card_sources_come_from_its_embedded_config(checker):
    spec = read_release(CARDS / "real" / "adriansterr-slerp-v-shape.md")
    assert spec.relation is Relation.MERGE
    assert len(spec.sources) == 2 and all(s.role.value == "merge_source" for s in spec.sources)
    report = checker.check(spec)
    resolved = {leaf.ref.split("/")[-3] if "snapshots" in leaf.ref else leaf.ref: leaf.model_id
                for leaf in report.lineage.leaves()}
    assert resolved["models--VAGOsolutions--Llama-3.1-SauerkrautLM-8b-Instruct"] == "llama-3.1"
    assert [leaf.resolved_by for leaf in report.lineage.leaves()].count("unresolved") == 1


def test_declaring_an_older_llama_licence_on_a_llama_3_1_base_is_a_mismatch(checker):
    # Hermes 3 declares `license: llama3` on a Llama 3.1 base: the 3.1 agreement is the one that travels.
    entry = SOURCES["nousresearch-hermes-3-llama-3.1-8b.md"]
    report = checker.check(read_release(CARDS / "real" / entry["file"], name=_name(entry)))
    assert report.spec.name == "Hermes-3-Llama-3.1-8B"
    mismatch = report.findings[0]
    assert mismatch.kind is FindingKind.LICENCE_MISMATCH and "license: llama3.1" in mismatch.fix
    prefix = next(f for f in report.findings if f.kind is FindingKind.MISSING_NAME_PREFIX)
    assert prefix.fix == "Rename the model to `Llama-Hermes-3-Llama-3.1-8B`."


def test_licence_mismatch_says_what_to_declare(checker):
    report = checker.check(read_release(CARDS / "own" / "llama3-mit-adapter.md"))
    (f,) = report.findings
    assert "`mit`" in f.message and "license: llama3" in f.fix
    assert f.clause_ids == ("llama-3-license:1.b.i", "llama-3-license:1.b.iii", "llama-3-license:1.b.iv")


def test_name_prefix_fix_names_the_new_name(checker):
    (f,) = checker.check(read_release(CARDS / "own" / "llama3-missing-prefix.md")).findings
    assert f.fix == "Rename the model to `Llama-3-Acme-Support-8B-LoRA`."
    renamed = checker.check(read_release(CARDS / "own" / "llama3-missing-prefix.md", name="Llama-3-Acme-Support-8B-LoRA"))
    assert renamed.verdict.value == "compliant"


def test_notice_fix_quotes_the_notice_verbatim(checker):
    (f,) = checker.check(read_release(CARDS / "own" / "llama3-missing-notice.md")).findings
    assert f.fix.endswith("\u201cMeta Llama 3 is licensed under the Meta Llama 3 Community License, Copyright \u00a9 "
                          "Meta Platforms, Inc. All Rights Reserved.\u201d")


def test_a_notice_file_beside_the_card_counts(checker, tmp_path):
    card = tmp_path / "README.md"
    card.write_text((CARDS / "own" / "llama3-missing-notice.md").read_text(), encoding="utf-8")
    assert checker.check(read_release(card)).verdict.value == "incomplete"
    (tmp_path / "NOTICE").write_text("Meta Llama 3 is licensed under ...", encoding="utf-8")
    assert checker.check(read_release(card)).verdict.value == "compliant"


@pytest.mark.parametrize("text,message", [
    ("---\nlicense: [unclosed\n---\n# x\n", "front matter cannot be read"),
    ("---\nlicense: mit\n---\n# x\n", None),
    ("models: []\n", "no `models`"),
])
def test_bad_inputs_are_refused_with_the_reason(checker, tmp_path, text, message):
    path = tmp_path / ("card.md" if text.startswith("---") else "merge.yaml")
    path.write_text(text, encoding="utf-8")
    if message is None:
        report = checker.check(read_release(path))  # no base model: the name "x" resolves to nothing
        assert report.verdict.value == "unclear"
        assert [f.kind.value for f in report.findings] == ["unknown-base-terms"]
    else:
        with pytest.raises(ConfigError, match=message):
            read_release(path)


def test_lineage_errors(tmp_path):
    bad = tmp_path / "l.toml"
    bad.write_text('name = "x"\nbase_model = ["a"]\ndeployment = ["moon"]\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown deployment"):
        read_release(bad)
    bad.write_text('name = "x"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="needs `name` and `base_model`"):
        read_release(bad)
    with pytest.raises(ConfigError, match="is not a file"):
        read_release(tmp_path / "missing.md")


def test_cli_check_json(fake_services, capsys, monkeypatch):
    import cli

    monkeypatch.setattr(cli, "_checker", lambda settings: Checker(fake_services))
    assert cli.main(["check", str(CARDS / "own" / "gemma2-apache.md"), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["verdict"] == "violation"
    assert [f["kind"] for f in data["findings"]] == ["licence-mismatch", "use-restrictions-not-passed-on"]
    assert all(f["clause_ids"] and f["fix"] and f["quotes"] for f in data["findings"])
    assert data["lineage"]["children"][0]["model_id"] == "gemma-2"
    assert cli.main(["check", str(CARDS / "nope.md")]) == 2
    assert "is not a file" in capsys.readouterr().err


def test_cli_check_many_cards(fake_services, capsys, monkeypatch, tmp_path):
    import cli

    monkeypatch.setattr(cli, "_checker", lambda settings: Checker(fake_services))
    broken = tmp_path / "broken.md"
    broken.write_text("---\nlicense: [x\n---\n", encoding="utf-8")
    paths = [str(CARDS / "own" / "llama3-compliant.md"), str(CARDS / "own" / "unknown-base.md"), str(broken)]
    assert cli.main(["check", *paths]) == 2
    out = capsys.readouterr().out.splitlines()
    assert out[0].endswith("llama3-compliant.md: COMPLIANT (no findings)")
    assert out[1].endswith("unknown-base.md: UNCLEAR (unknown-base-terms)")
    assert "broken.md: ERROR" in out[2] and out[-1] == "3 checked: 1 compliant, 1 unclear, 1 unreadable"
    assert cli.main(["check", *paths[:2], "--json"]) == 0
    assert [r["verdict"] for r in json.loads(capsys.readouterr().out)] == ["compliant", "unclear"]
