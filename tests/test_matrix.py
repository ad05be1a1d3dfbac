"""The licence matrices: cells computed from the rules, asserted exactly; the spec file validated; every format."""

from __future__ import annotations

import csv
import io
import json

import pytest

from cli import main
from ingest.errors import ConfigError
from retrieval.matrix import KINDS, Change, build, load_spec, validate
from retrieval.matrix_format import render
from retrieval.registry import Registry
from retrieval.rules import RuleTable, Verdict

REGISTRY = Registry.load()


@pytest.fixture(scope="module")
def table(corpus):
    return RuleTable.load(known_clause_ids={c.clause_id for c in corpus.all_clauses()}, known_doc_ids=set(corpus.documents))


@pytest.fixture(scope="module")
def matrices(table):
    return {kind: build(kind, table, REGISTRY) for kind in KINDS}


def one(matrices, kind):
    (m,) = matrices[kind]
    return m


def test_outputs_used_to_train_another_model(matrices):
    m = one(matrices, "method")
    llama3 = m.cell("outputs_train_other", "llama-3")
    assert llama3.verdict is Verdict.NOT_PERMITTED
    assert llama3.clauses[0] == "llama-3-license:1.b.v"
    assert "llama-improve-other-llm" in llama3.rules
    llama31 = m.cell("outputs_train_other", "llama-3.1")
    assert llama31.verdict is Verdict.CONDITIONAL
    assert "llama-3.1-license:1.b.i" in llama31.clauses
    assert not any(c.endswith(":1.b.v") for c in llama31.clauses)
    assert "llama-derived-model-naming" in llama31.rules and "llama-improve-other-llm" not in llama31.rules
    assert m.cell("outputs_train_other", "llama-2").verdict is Verdict.NOT_PERMITTED
    assert m.cell("outputs_train_other", "llama-2").clauses[0] == "llama-2-license:1.b.v"
    # The facts travel with the cell: the column's model, in the row's role.
    (model,) = llama3.facts.models
    assert (model.model_id, model.role.value) == ("llama-3", "output_source")
    assert [d.value for d in llama3.facts.deployments] == ["weights_release"]


def test_method_rows_for_a_permissive_licence(matrices):
    m = one(matrices, "method")
    lora = m.cell("lora", "apache-2.0")
    assert lora.verdict is Verdict.CONDITIONAL
    assert lora.clauses == ("apache-2.0:4.a", "apache-2.0:4.b", "apache-2.0:4.c", "apache-2.0:4.d")
    assert m.cell("full_finetune", "mit").clauses == ("mit:p2",)


def test_deployment_cells(matrices):
    m = one(matrices, "deployment")
    hosted2 = m.cell("hosted", "llama-2")
    assert hosted2.verdict is Verdict.CONDITIONAL and hosted2.rules == ("llama-hosted-service",)
    hosted3 = m.cell("hosted", "llama-3")
    assert hosted3.verdict is Verdict.CONDITIONAL and hosted3.clauses == ("llama-3-license:1.b.i",)
    release = m.cell("weights_release", "apache-2.0")
    # The modified-file notice (4.b) is one of the redistribution conditions, not a rule of its own.
    assert release.verdict is Verdict.CONDITIONAL and release.rules == ("apache-redistribution",)
    assert {"apache-2.0:4.b", "apache-2.0:4.d"} <= set(release.clauses)
    assert m.cell("internal", "gemma-3").verdict is Verdict.PERMITTED
    assert m.cell("hosted", "gemma-3").clauses[0] == "gemma-terms-2025:1.1.b"
    assigned = m.cell("acquisition_assets", "llama-3")
    assert assigned.verdict is Verdict.NOT_PERMITTED and assigned.rules == ("llama-licence-transfer",)
    assert m.cell("acquisition_shares", "llama-3").clauses == ("llama-3-license:6",)


def test_dataset_cells_carry_both_licences(matrices):
    m = one(matrices, "dataset")
    sa = m.cell("cc-by-sa-4.0", "llama-3")
    assert sa.verdict is Verdict.UNCLEAR
    assert {"cc-by-sa-4.0:3.b.1", "llama-3-license:1.b.i"} <= set(sa.clauses)
    assert {f.doc_id for f in sa.firings} == {"cc-by-sa-4.0", "llama-3-license"}
    assert m.cell("mit", "apache-2.0").verdict is Verdict.CONDITIONAL
    assert "mit:p2" in m.cell("mit", "apache-2.0").clauses


def test_ownership_cells(matrices):
    m = one(matrices, "ownership")
    weights = m.cell("fine_tuned_weights", "llama-3")
    assert weights.verdict is Verdict.PERMITTED and "llama-3-license:5.b" in weights.clauses
    assert m.cell("outputs", "gemma-3").clauses == ("gemma-terms-2025:3.3.p1",)
    own = m.cell("own_terms", "llama-3")
    # Own terms beside the Llama licence are allowed on its conditions; an open licence in its place is not.
    assert own.verdict is Verdict.CONDITIONAL and "llama-own-terms" in own.rules and "llama-relicense" not in own.rules
    mit = m.cell("relicensed_mit", "llama-3")
    assert mit.verdict is Verdict.NOT_PERMITTED and "llama-relicense" in mit.rules
    assert m.cell("own_terms", "apache-2.0").verdict is Verdict.CONDITIONAL
    assert m.cell("own_terms", "openai").verdict is Verdict.UNCLEAR and m.cell("own_terms", "openai").rules == ()


def test_versions_show_where_the_training_ban_lives(matrices):
    llama = next(m for m in matrices["versions"] if m.id == "versions-llama")
    ban = {c.column: c for c in llama.cells[[a.id for a in llama.rows].index("llama-improve-other-llm")]}
    assert ban["llama-2-license"].clauses == ("llama-2-license:1.b.v",)
    assert ban["llama-2-license"].change is Change.PRESENT
    assert ban["llama-3-license"].clauses == ("llama-3-license:1.b.v",) and ban["llama-3-license"].change is Change.SAME
    assert ban["llama-3.1-license"].change is Change.REMOVED and ban["llama-3.1-license"].verdict is None
    for later in ("llama-3.2-license", "llama-3.3-license", "llama-4-license"):
        assert ban[later].clauses == () and ban[later].change is Change.ABSENT
    naming = llama.cell("llama-derived-model-naming", "llama-3-license")
    assert naming.change is Change.ADDED and naming.clauses == ("llama-3-license:1.b.i",)
    openai = next(m for m in matrices["versions"] if m.id == "versions-openai")
    moved = openai.cell("openai-competing-models", "openai-terms-2024")
    assert moved.change is Change.MOVED and moved.previous == ("openai-terms-2023:2.c",)
    assert moved.clauses == ("openai-terms-2024:using-our-services.p2.b7",)
    assert {m.id for m in matrices["versions"]} == {"versions-llama", "versions-gemma", "versions-openai"}


def test_every_cited_clause_exists(matrices, corpus):
    known = {c.clause_id for c in corpus.all_clauses()}
    cited = {cid for ms in matrices.values() for m in ms for line in m.cells for c in line for cid in c.clauses}
    assert cited and cited <= known


def test_the_shipped_spec_validates(table, corpus):
    assert validate(table, REGISTRY, known_docs=set(corpus.documents)) == []


def test_bad_spec_rows_are_all_reported(table):
    spec = load_spec()
    spec["method"]["column"] = spec["method"]["column"] + [{"id": "x", "label": "X", "model": "no-such-model"},
                                                           {"id": "y", "label": "Y"}]
    spec["method"]["row"] = spec["method"]["row"] + [{"id": "z", "label": "Z", "facts": {"deployments": ["moon"]}}]
    with pytest.raises(ConfigError) as err:
        build("method", table, REGISTRY, spec)
    text = str(err.value)
    assert "column y: needs `model`" in text
    spec["method"]["column"] = spec["method"]["column"][:-1]
    with pytest.raises(ConfigError) as err:
        build("method", table, REGISTRY, spec)
    text = str(err.value)
    assert "no-such-model" in text and "moon" in text
    spec["dataset"]["row"] = spec["dataset"]["row"] + [{"id": "w", "label": "W", "fact": {}}]
    with pytest.raises(ConfigError, match=r"unknown key\(s\) \['fact'\]"):
        build("dataset", table, REGISTRY, spec)
    spec["versions"]["family"][0]["columns"].append({"doc": "llama-9-license", "label": "Llama 9"})
    with pytest.raises(ConfigError, match="llama-9-license"):
        build("versions", table, REGISTRY, spec)
    with pytest.raises(ConfigError, match="Unknown matrix kind"):
        build("sideways", table, REGISTRY, spec)


def test_a_new_column_is_data(table):
    spec = load_spec()
    spec["deployment"]["column"].append({"id": "qwen", "label": "Qwen 2.5 72B", "model": "qwen2.5-72b"})
    (m,) = build("deployment", table, REGISTRY, spec)
    assert m.columns[-1].label == "Qwen 2.5 72B"
    assert m.cell("weights_release", "qwen").verdict is Verdict.CONDITIONAL
    assert "qwen-distribution" in m.cell("weights_release", "qwen").rules


def test_formats(matrices):
    ms = matrices["method"]
    md = render(ms, "md")
    assert "| Outputs used to train another model | not_permitted: llama-2-license:1.b.v, 1.b.i, 1.b.iii |" in md
    rows = list(csv.DictReader(io.StringIO(render(ms, "csv"))))
    cell = next(r for r in rows if r["row"] == "outputs_train_other" and r["column"] == "llama-3.1")
    assert cell["verdict"] == "conditional" and "llama-3.1-license:1.b.i" in cell["clauses"].split()
    data = json.loads(render(ms, "json"))
    jcell = next(c for c in data[0]["cells"] if c["row"] == "outputs_train_other" and c["column"] == "llama-3")
    assert jcell["verdict"] == "not_permitted" and jcell["clauses"][0] == "llama-3-license:1.b.v"
    assert jcell["facts"]["models"] == [{"id": "llama-3", "role": "output_source"}]
    html = render(ms, "html")
    assert html.startswith("<!DOCTYPE html>") and 'class="not_permitted"' in html
    versions = render(matrices["versions"], "md")
    assert "| llama-improve-other-llm | 1.b.v | 1.b.v | removed | \u2014 | \u2014 | \u2014 |" in versions
    assert "moved: 2.c \u2192 using-our-services.p2.b7" in versions


def test_cli_matrix(tmp_path, capsys, monkeypatch, sources_dir):
    monkeypatch.setenv("CLAUSEWISE_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CLAUSEWISE_SOURCES", str(sources_dir))
    assert main(["matrix", "--kind", "deployment", "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    cell = next(c for c in data[0]["cells"] if c["row"] == "hosted" and c["column"] == "llama-3")
    assert cell["verdict"] == "conditional" and cell["clauses"] == ["llama-3-license:1.b.i"]
    out = tmp_path / "m.html"
    assert main(["matrix", "--kind", "versions", "--format", "html", "--output", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "Rules by version: Gemma" in page
    # Every cited id links to its verbatim clause in the appendix.
    assert '<a href="#c-llama-3-license_3a_1_2e_b_2e_v">llama-3-license:1.b.v</a>' in page
    assert ('<div class="clause">v. You will not use the Llama Materials or any output or results of the Llama '
            'Materials to improve any other large language model') in page
    assert "wrote" in capsys.readouterr().err
    assert main(["matrix", "--output", str(tmp_path / "missing" / "m.md")]) == 2
    err = capsys.readouterr().err
    assert "Cannot write" in err and "Traceback" not in err


def test_the_readme_matrix_is_what_the_command_prints(capsys, tmp_path, monkeypatch):
    """The README pastes one matrix between markers that name the command; it must equal that command's output."""
    import re
    import shlex
    from pathlib import Path

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    found = re.search(r"<!-- matrix: clausewise (.+?) -->\n(.*?)\n<!-- /matrix -->", readme, re.S)
    assert found, "README.md lost its generated matrix (the <!-- matrix: ... --> block)"
    command, pasted = found.group(1), found.group(2)
    assert f"`clausewise {command}`" in readme  # the command is shown to the reader, not only in the marker
    monkeypatch.setenv("CLAUSEWISE_HOME", str(tmp_path / "home"))
    assert main(["matrix", *shlex.split(command)[1:]]) == 0
    printed = capsys.readouterr().out.strip()
    assert pasted.strip() == printed, (f"README.md's matrix is out of date: run `clausewise {command}` and paste its "
                                       "output between the markers")
