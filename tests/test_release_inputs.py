"""Reading release inputs: odd but real card shapes, folders, and the one-way import rule for the new package."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from ingest.errors import ConfigError
from release.inputs import Relation, Role, read_release

REPO = Path(__file__).resolve().parent.parent


def _card(tmp_path, front: str, body: str = "# Some-Model\n") -> Path:
    path = tmp_path / "README.md"
    path.write_text(f"---\n{front}\n---\n\n{body}", encoding="utf-8")
    return path


def test_list_valued_fields_and_relations(tmp_path):
    spec = read_release(_card(tmp_path, "license: [llama3.2]\nbase_model:\n- meta-llama/Llama-3.2-3B\n"
                                        "base_model_relation: quantized\nlicense_link: LICENSE"))
    assert (spec.licence, spec.relation, spec.licence_link) == ("llama3.2", Relation.QUANTIZED, "LICENSE")
    assert [s.ref for s in spec.sources] == ["meta-llama/Llama-3.2-3B"]


def test_card_without_front_matter_reads_its_heading(tmp_path):
    path = tmp_path / "README.md"
    path.write_text("# Llama-2-13b-chat-finetuned\n\nSome text.\n", encoding="utf-8")
    spec = read_release(path)
    assert spec.name == "Llama-2-13b-chat-finetuned" and spec.licence is None
    assert [s.ref for s in spec.sources] == ["Llama-2-13b-chat-finetuned"]
    assert "names no base_model" in spec.notes[0]


def test_folder_reads_its_card_and_sees_its_files(tmp_path):
    _card(tmp_path, "license: llama3\nbase_model: meta-llama/Meta-Llama-3-8B")
    (tmp_path / "LICENSE").write_text("x", encoding="utf-8")
    spec = read_release(tmp_path)
    assert spec.kind == "hf-card" and "license" in spec.files
    empty = tmp_path / "empty"
    empty.mkdir()
    with pytest.raises(ConfigError, match="no README.md or lineage.toml"):
        read_release(empty)


def test_peft_card_is_an_adapter_and_mergekit_tags_make_a_merge(tmp_path):
    assert read_release(_card(tmp_path, "library_name: peft\nbase_model: google/gemma-2-2b-it")).relation is Relation.ADAPTER
    spec = read_release(_card(tmp_path, "tags: [mergekit, merge]\nbase_model: [a/x, b/y]"))
    assert spec.relation is Relation.MERGE and {s.role for s in spec.sources} == {Role.MERGE_SOURCE}


def test_unknown_relation_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="Unknown relation 'sideways'"):
        read_release(_card(tmp_path, "base_model: a/b\nbase_model_relation: sideways"))


def test_imports_flow_one_way():
    """ingest -> retrieval -> release -> app/cli: nothing below release imports it, release imports no UI or CLI."""
    below = {"ingest": {"retrieval", "release", "ui", "cli", "app", "evals"},
             "retrieval": {"release", "ui", "cli", "app", "evals"},
             "release": {"ui", "cli", "app", "evals"}}
    for package, banned in below.items():
        for path in (REPO / package).glob("*.py"):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for node in ast.walk(tree):
                names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                    [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
                for name in names:
                    assert name.split(".")[0] not in banned, f"{path.relative_to(REPO)} imports {name}"
