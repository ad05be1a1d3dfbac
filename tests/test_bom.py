"""AI-BOMs: CycloneDX 1.6 validated against its JSON schema, SPDX 3.0.1 decoded by the SPDX bindings with the AI and
Dataset profile rules checked; unknown licences stay valid as named LicenseRefs with the text's sha256."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

import pytest

from ingest.errors import ConfigError
from release.bom import cyclonedx_json, spdx_jsonld, validate_cyclonedx, validate_spdx
from release.check import Checker
from release.inputs import read_release

CARDS = Path(__file__).resolve().parent / "fixtures" / "cards"
WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
INPUTS = ["own/chain/lineage.toml", "own/nc-data/lineage.toml", "own/unknown-base.md", "own/gpt4-teacher.toml",
          "own/llama2-mistral-merge.yaml", "real/adriansterr-pt-dare-ties.md", "real/olisens-gemmacare-2b.md",
          "real/bigjonp-powell-phi3.md"]


@pytest.fixture(scope="module")
def checker(fake_services):
    return Checker(fake_services)


def _report(checker, rel):
    return checker.check(read_release(CARDS / rel))


@pytest.mark.parametrize("rel", INPUTS)
def test_cyclonedx_validates(checker, rel):
    text = cyclonedx_json(_report(checker, rel), checker.services.corpus, checker.terms, timestamp=WHEN)
    validate_cyclonedx(text)
    data = json.loads(text)
    assert data["specVersion"] == "1.6" and data["metadata"]["component"]["type"] == "machine-learning-model"
    assert "modelCard" in data["metadata"]["component"]


@pytest.mark.parametrize("rel", INPUTS)
def test_spdx_validates(checker, rel):
    text = spdx_jsonld(_report(checker, rel), checker.services.corpus, checker.terms, timestamp=WHEN)
    counts = validate_spdx(text)
    assert counts["SpdxDocument"] == 1 and counts["ai_AIPackage"] >= 2
    assert json.loads(text)["@context"] == "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"


def test_cyclonedx_lineage_licences_and_card(checker):
    data = json.loads(cyclonedx_json(_report(checker, "own/chain/lineage.toml"), checker.services.corpus,
                                     checker.terms, timestamp=WHEN))
    root = data["metadata"]["component"]
    assert root["licenses"] == [{"acknowledgement": "concluded", "expression": "LicenseRef-clausewise-llama-3-license"}]
    sha = checker.services.corpus.documents["llama-3-license"].spec.sha256
    props = {p["name"]: p["value"] for p in root["properties"]}
    assert props["clausewise:licence-sha256:LicenseRef-clausewise-llama-3-license"] == sha
    assert props["clausewise:verdict"] == "compliant" and props["clausewise:relation"] == "quantized"
    (merge,) = root["pedigree"]["ancestors"]
    assert merge["name"] == "acme/Llama-3-Acme-Blend-8B"
    assert sorted(a["name"] for a in merge["pedigree"]["ancestors"]) == ["NousResearch/Hermes-2-Pro-Llama-3-8B",
                                                                         "acme/Llama-3-Acme-Support-8B"]
    names = sorted(c["name"] for c in data["components"])
    assert names == ["NousResearch/Hermes-2-Pro-Llama-3-8B", "acme/Llama-3-Acme-Blend-8B", "acme/Llama-3-Acme-Support-8B",
                     "meta-llama/Meta-Llama-3-8B-Instruct"]
    refs = [c["bom-ref"] for c in data["components"]] + [root["bom-ref"]]
    assert len(refs) == len(set(refs))
    deps = {d["ref"]: d.get("dependsOn", []) for d in data["dependencies"]}
    assert deps["release-llama-3-acme-blend-8b-gguf"] == ["model-acme-llama-3-acme-blend-8b"]


def test_scancode_keys_and_spdx_ids(checker):
    data = json.loads(cyclonedx_json(_report(checker, "own/gpt4-teacher.toml"), checker.services.corpus,
                                     checker.terms, timestamp=WHEN))
    assert data["metadata"]["component"]["licenses"][0]["expression"] == \
        "Apache-2.0 AND LicenseRef-scancode-openai-tou-20241211"
    gemma = json.loads(cyclonedx_json(_report(checker, "real/olisens-gemmacare-2b.md"), checker.services.corpus,
                                      checker.terms, timestamp=WHEN))
    props = {p["name"]: p["value"] for p in gemma["metadata"]["component"]["properties"]}
    assert props["clausewise:declared-licence"] == "apache-2.0"
    assert gemma["metadata"]["component"]["licenses"][0]["expression"] == "LicenseRef-scancode-gemma-tou-2025-03-24"


def test_unknown_terms_still_valid(checker):
    report = _report(checker, "own/unknown-base.md")
    data = json.loads(cyclonedx_json(report, checker.services.corpus, checker.terms, timestamp=WHEN))
    (comp,) = data["components"]
    assert comp["licenses"] == [{"license": {"name": "acme-labs/secret-foundation-7b: terms not in the corpus"}}]
    spdx = json.loads(spdx_jsonld(report, checker.services.corpus, checker.terms, timestamp=WHEN))
    exprs = [e for e in spdx["@graph"] if e["type"] == "simplelicensing_LicenseExpression"]
    assert any(e["simplelicensing_licenseExpression"] == "NOASSERTION" and "terms not in the corpus" in e["comment"]
               for e in exprs)


def test_spdx_dataset_profile_and_custom_ids(checker):
    spdx = json.loads(spdx_jsonld(_report(checker, "own/nc-data/lineage.toml"), checker.services.corpus,
                                  checker.terms, timestamp=WHEN))
    graph = spdx["@graph"]
    (ds,) = [e for e in graph if e["type"] == "dataset_DatasetPackage"]
    assert ds["name"] == "acme/court-opinions-nc"
    trained = [e for e in graph if e.get("relationshipType") == "trainedOn"]
    assert trained and trained[0]["to"] == [ds["spdxId"]]
    exprs = {e["simplelicensing_licenseExpression"] for e in graph if e["type"] == "simplelicensing_LicenseExpression"}
    assert exprs == {"LicenseRef-scancode-llama-3.1-license-2024", "CC-BY-NC-4.0"}
    (doc,) = [e for e in graph if e["type"] == "SpdxDocument"]
    assert set(doc["profileConformance"]) == {"core", "software", "simpleLicensing", "ai", "dataset"}


def test_validators_reject_broken_documents(checker):
    report = _report(checker, "own/llama3-compliant.md")
    cdx = json.loads(cyclonedx_json(report, checker.services.corpus, checker.terms, timestamp=WHEN))
    cdx["metadata"]["component"]["type"] = "spaceship"
    with pytest.raises(ConfigError, match="does not validate"):
        validate_cyclonedx(json.dumps(cdx))
    spdx = json.loads(spdx_jsonld(report, checker.services.corpus, checker.terms, timestamp=WHEN))
    spdx["@graph"] = [e for e in spdx["@graph"] if e.get("relationshipType") != "hasDeclaredLicense"]
    for e in spdx["@graph"]:
        if e["type"] == "SpdxDocument":
            e["element"] = [x for x in e["element"] if any(g.get("spdxId") == x for g in spdx["@graph"])]
    with pytest.raises(ConfigError, match="hasDeclaredLicense"):
        validate_spdx(json.dumps(spdx))
    bad = json.loads(spdx_jsonld(report, checker.services.corpus, checker.terms, timestamp=WHEN))
    for e in bad["@graph"]:
        if e["type"] == "ai_AIPackage":
            e["releaseTime"] = "not a date"
    with pytest.raises(ConfigError, match="does not validate"):
        validate_spdx(json.dumps(bad))


def test_spdx_validation_rejects_what_the_3_0_1_model_forbids(checker):
    """The bindings are generated from the SPDX 3.0.1 SHACL model; with the context and reference checks on top, each
    of these breakages is refused with what is wrong."""
    good = json.loads(spdx_jsonld(_report(checker, "own/llama3-compliant.md"), checker.services.corpus, checker.terms,
                                  timestamp=WHEN))
    validate_spdx(json.dumps(good))

    def broken(change):
        doc = json.loads(json.dumps(good))
        change(doc)
        return json.dumps(doc)

    def first(doc, kind):
        return next(e for e in doc["@graph"] if e["type"] == kind)

    cases = [
        (lambda d: first(d, "ai_AIPackage").__setitem__("fooBar", "x"), "Unknown property 'fooBar'"),
        (lambda d: first(d, "Relationship").__setitem__("relationshipType", "isFriendOf"), "not a valid value"),
        (lambda d: first(d, "ai_AIPackage").__setitem__("software_primaryPurpose", "banana"), "not a valid value"),
        (lambda d: first(d, "CreationInfo").__setitem__("created", "yesterday"), "correctly formatted datetime"),
        (lambda d: first(d, "ai_AIPackage").pop("creationInfo"), "'creationInfo' in ai_AIPackage .* is required"),
        (lambda d: first(d, "Relationship").__setitem__("to", ["https://example.org/nothing"]),
         "refers through `to` to https://example.org/nothing"),
        (lambda d: d.__setitem__("@context", "https://spdx.org/rdf/3.0.0/spdx-context.jsonld"), "@context must be"),
    ]
    for change, message in cases:
        with pytest.raises(ConfigError, match=message):
            validate_spdx(broken(change))


def test_cli_bom_output(fake_services, monkeypatch, tmp_path, capsys):
    import cli

    monkeypatch.setattr(cli, "_checker", lambda settings: Checker(fake_services))
    out = tmp_path / "bom.json"
    assert cli.main(["bom", str(CARDS / "own" / "llama3-compliant.md"), "--format", "cyclonedx", "--output", str(out)]) == 0
    validate_cyclonedx(out.read_text(encoding="utf-8"))
    assert cli.main(["bom", str(CARDS / "own" / "llama3-compliant.md"), "--format", "spdx"]) == 0
    validate_spdx(capsys.readouterr().out)
