"""`clausewise obligations`: the files to ship, the Notice verbatim, licence copies with their sha256, the name rule."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from ingest.errors import ConfigError
from release.check import Checker
from release.inputs import read_release
from release.ship import build_pack, spec_from_args, write_pack

CARDS = Path(__file__).resolve().parent / "fixtures" / "cards"


@pytest.fixture(scope="module")
def checker(fake_services):
    return Checker(fake_services)


def _pack(checker, spec, name=None):
    return build_pack(checker.check(spec), checker.services.corpus, checker.terms, name=name)


def test_llama3_adapter_pack(checker, tmp_path):
    pack = _pack(checker, spec_from_args(["meta-llama/Meta-Llama-3-8B-Instruct"], "lora", ["weights_release"],
                                         "SupportBot-8B"))
    assert (pack.name_ok, pack.suggested_name, pack.prefixes) == (False, "Llama-3-SupportBot-8B", ("Llama 3",))
    files = {f.name: f for f in pack.files}
    assert list(files) == ["NOTICE", "LICENSE", "USE_POLICY.md", "MODEL_CARD_LICENSE.md"]
    assert files["NOTICE"].content == ("Meta Llama 3 is licensed under the Meta Llama 3 Community License, Copyright "
                                       "\u00a9 Meta Platforms, Inc. All Rights Reserved.\n")
    assert files["NOTICE"].sources == ("llama-3-license:1.b.iii",)
    corpus = checker.services.corpus
    assert files["LICENSE"].content == corpus.documents["llama-3-license"].text
    assert files["LICENSE"].sha256 == corpus.documents["llama-3-license"].spec.sha256
    assert files["USE_POLICY.md"].sources == ("llama-3-aup",)
    section = files["MODEL_CARD_LICENSE.md"].content
    assert section.startswith("## License\n\nLlama-3-SupportBot-8B is an adapter of `meta-llama/Meta-Llama-3-8B-Instruct`")
    assert "Built with Meta Llama 3." in section and "> Meta Llama 3 is licensed under" in section
    written = write_pack(pack, tmp_path / "ship")
    assert sorted(p.name for p in written) == sorted(files)
    for path in written:
        assert hashlib.sha256(path.read_bytes()).hexdigest() == files[path.name].sha256


def test_merge_of_two_licences_ships_both(checker):
    pack = _pack(checker, spec_from_args(["meta-llama/Llama-3.1-8B-Instruct", "google/gemma-2-9b-it"], "merge",
                                         ["weights_release"], "Llama-Blend-9B"))
    names = [f.name for f in pack.files]
    assert names == ["NOTICE", "LICENSE-llama-3.1-license", "LICENSE-gemma-terms-2025", "USE_POLICY-llama-3.1-aup.md",
                     "USE_POLICY-gemma-pup.md", "MODEL_CARD_LICENSE.md"]
    notice = pack.files[0]
    assert notice.sources == ("llama-3.1-license:1.b.iii", "gemma-terms-2025:3.1.p1.b4")
    assert "Gemma is provided under and subject to the Gemma Terms of Use found at ai.google.dev/gemma/terms" in notice.content
    assert pack.name_ok and pack.prefixes == ("Llama",)


def test_falcon_statement_gets_the_model_name(checker):
    pack = _pack(checker, spec_from_args(["tiiuae/falcon-11B"], "full_finetune", ["weights_release"], "Falcon-Acme"))
    section = next(f for f in pack.files if f.name == "MODEL_CARD_LICENSE.md").content
    assert "Falcon-Acme is built using Falcon LLM technology from the Technology Innovation Institute." in section
    assert [o.clause_id for o in pack.obligations if o.kind.value == "use_restrictions"] == ["falcon-2-license:redistribution.p1.p1"]


def test_hosted_only_ships_no_notice(checker):
    pack = _pack(checker, spec_from_args(["google/gemma-2-9b-it"], "lora", ["hosted"], "x"))
    assert [o.clause_id for o in pack.obligations] == ["gemma-terms-2025:3.1.p1.b1"]
    assert "NOTICE" not in [f.name for f in pack.files]


def test_pack_from_a_card(checker):
    pack = _pack(checker, read_release(CARDS / "real" / "olisens-gemmacare-2b.md"))
    assert [(o.kind.value, o.clause_id) for o in pack.obligations] == [
        ("licence_copy", "gemma-terms-2025:3.1.p1.b2"), ("notice_file", "gemma-terms-2025:3.1.p1.b4"),
        ("use_restrictions", "gemma-terms-2025:3.1.p1.b1"), ("modification_notice", "gemma-terms-2025:3.1.p1.b3")]


@pytest.mark.parametrize("args,message", [
    (([], "lora", ["weights_release"], None), "Give a model card PATH"),
    ((["x"], "dreaming", ["weights_release"], None), "Unknown --method"),
    ((["x"], "lora", ["moon"], None), "Unknown --deploy"),
])
def test_bad_arguments(args, message):
    with pytest.raises(ConfigError, match=message):
        spec_from_args(*args)


def test_cli_obligations_json(fake_services, capsys, monkeypatch, tmp_path):
    import cli

    monkeypatch.setattr(cli, "_checker", lambda settings: Checker(fake_services))
    assert cli.main(["obligations", "--base", "Qwen/Qwen2.5-72B-Instruct", "--method", "lora", "--name", "Acme-72B",
                     "--format", "json", "--output-dir", str(tmp_path / "out")]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [o["clause_id"] for o in data["obligations"]] == ["qwen-license:3.a", "qwen-license:5.b", "qwen-license:3.c",
                                                             "qwen-license:3.b"]
    assert (tmp_path / "out" / "NOTICE").read_text(encoding="utf-8").startswith("Qwen is licensed under the Qwen LICENSE")
    assert cli.main(["obligations", str(CARDS / "own" / "llama3-compliant.md")]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# What to ship with Llama-3-Acme-Support-8B-LoRA") and "begins with \u201cLlama 3\u201d. OK." in out
    assert cli.main(["obligations"]) == 2
