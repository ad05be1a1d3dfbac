"""The obligations checklist: exact clause ids and kinds per scenario, verbatim required texts, the loader's checks."""

from __future__ import annotations

import pytest

from ingest.errors import ConfigError
from retrieval.obligations import ObligationKind, ObligationTable, apply_name_prefix
from retrieval.scenario import Deployment, Facts, Method

L3, L31, L32, L4, G25 = "llama-3-license", "llama-3.1-license", "llama-3.2-license", "llama-4-license", "gemma-terms-2025"
NV = "nvidia-open-model-license:nvidia-open-model-license.p4.p3.p1"

SCENARIOS = [
    ("We fine-tuned Llama 3 8B with LoRA and will publish the weights on Hugging Face",
     [("licence_copy", f"{L3}:1.b.i"), ("built_with", f"{L3}:1.b.i"), ("name_prefix", f"{L3}:1.b.i"), ("notice_file", f"{L3}:1.b.iii")]),
    ("We quantized Llama 3.1 70B to GGUF and upload it to Hugging Face",
     [("licence_copy", f"{L31}:1.b.i"), ("built_with", f"{L31}:1.b.i"), ("name_prefix", f"{L31}:1.b.i"), ("notice_file", f"{L31}:1.b.iii")]),
    ("We serve a fine-tuned Llama 3.1 8B behind our API for customers",
     [("built_with", f"{L31}:1.b.i"), ("name_prefix", f"{L31}:1.b.i")]),
    ("We use Llama 3.3 70B internally only, nothing is shared", []),
    ("We fine-tuned Llama 2 13B and release the weights",
     [("licence_copy", "llama-2-license:1.b.i"), ("notice_file", "llama-2-license:1.b.iii")]),
    ("We fine-tuned Llama 4 Scout and release the weights publicly",
     [("licence_copy", f"{L4}:1.b.i"), ("built_with", f"{L4}:1.b.i"), ("name_prefix", f"{L4}:1.b.i"), ("notice_file", f"{L4}:1.b.iii")]),
    ("We fine-tuned Llama 3.2 3B and ship it in our mobile app on device",
     [("licence_copy", f"{L32}:1.b.i"), ("built_with", f"{L32}:1.b.i"), ("name_prefix", f"{L32}:1.b.i"), ("notice_file", f"{L32}:1.b.iii")]),
    ("We fine-tuned Gemma 2 9B and release the weights on Hugging Face",
     [("licence_copy", f"{G25}:3.1.p1.b2"), ("notice_file", f"{G25}:3.1.p1.b4"), ("use_restrictions", f"{G25}:3.1.p1.b1"),
      ("modification_notice", f"{G25}:3.1.p1.b3")]),
    ("We run a fine-tuned Gemma 2 9B as a hosted API for customers", [("use_restrictions", f"{G25}:3.1.p1.b1")]),
    ("We fine-tuned Mistral 7B and release the weights",
     [("licence_copy", "apache-2.0:4.a"), ("notice_file", "apache-2.0:4.d"), ("attribution", "apache-2.0:4.c"),
      ("modification_notice", "apache-2.0:4.b")]),
    ("We fine-tune Phi-3-mini and publish the weights", [("attribution", "mit:p2")]),
    ("We fine-tune BLOOM and publish the weights",
     [("licence_copy", "bigscience-openrail-m:iii.4.b"), ("use_restrictions", "bigscience-openrail-m:iii.4.a"),
      ("attribution", "bigscience-openrail-m:iii.4.c"), ("modification_notice", "bigscience-openrail-m:iii.4.c")]),
    ("We fine-tune StarCoder and release the weights",
     [("licence_copy", "bigcode-openrail-m:iii.5.2.a"), ("use_restrictions", "bigcode-openrail-m:iii.5.1.a"),
      ("modification_notice", "bigcode-openrail-m:iii.5.2.b")]),
    ("We fine-tune Qwen2.5-72B and publish the weights on Hugging Face",
     [("licence_copy", "qwen-license:3.a"), ("built_with", "qwen-license:5.b"), ("notice_file", "qwen-license:3.c"),
      ("modification_notice", "qwen-license:3.b")]),
    ("We fine-tune DeepSeek-V3 and release the weights",
     [("licence_copy", "deepseek-license:iii.4.b"), ("use_restrictions", "deepseek-license:iii.4.a"),
      ("attribution", "deepseek-license:iii.4.d"), ("modification_notice", "deepseek-license:iii.4.c")]),
    ("We fine-tune Stable Diffusion 3.5 Large and release it to a third party, revenue under $1M a year",
     [("licence_copy", "stability-ai-community:p6"), ("built_with", "stability-ai-community:p6"),
      ("notice_file", "stability-ai-community:p6")]),
    ("We fine-tune Falcon 2 11B and release the weights",
     [("built_with", "falcon-2-license:publication.p2"), ("use_restrictions", "falcon-2-license:redistribution.p1.p1")]),
    # Not permitted as asked (relicensing), but a release under the Llama terms still carries its duties.
    ("We fine-tuned Llama 3 8B and relicense the result under MIT",
     [("licence_copy", f"{L3}:1.b.i"), ("built_with", f"{L3}:1.b.i"), ("name_prefix", f"{L3}:1.b.i"), ("notice_file", f"{L3}:1.b.iii")]),
    ("We release a dataset of Wikipedia text under CC-BY-SA",
     [("licence_copy", "cc-by-sa-4.0:3.a.1.c"), ("attribution", "cc-by-sa-4.0:3.a.1.a.i"),
      ("modification_notice", "cc-by-sa-4.0:3.a.1.b"), ("share_alike", "cc-by-sa-4.0:3.b.1")]),
    ("We fine-tuned Nemotron and release the weights", [("licence_copy", NV), ("notice_file", NV)]),
]


@pytest.mark.parametrize("question,expected", SCENARIOS, ids=[q[:50] for q, _ in SCENARIOS])
def test_checklist_per_scenario(fake_services, question, expected):
    answer = fake_services.engine.answer(question)
    assert [(o.kind.value, o.clause_id) for o in answer.obligations] == expected
    conditional = {f.rule_id for f in answer.findings if f.verdict == "conditional"}
    for o in answer.obligations:
        assert set(o.rule_ids) <= conditional and o.rule_ids
        doc = fake_services.corpus.documents[o.doc_id]
        assert doc.text[o.quote_start:o.quote_end] == o.quote  # every quote is a verified slice of its source
        if o.text:
            assert o.text in o.quote


@pytest.mark.parametrize("question,doc,text", [
    ("We fine-tuned Llama 3 8B and publish the weights", "llama-3-license",
     "Meta Llama 3 is licensed under the Meta Llama 3 Community License, Copyright \u00a9 Meta Platforms, Inc. All Rights Reserved."),
    ("We fine-tuned Gemma 2 9B and release the weights", "gemma-terms-2025",
     "Gemma is provided under and subject to the Gemma Terms of Use found at ai.google.dev/gemma/terms"),
    ("We fine-tune Qwen2.5-72B and publish the weights", "qwen-license",
     "Qwen is licensed under the Qwen LICENSE AGREEMENT, Copyright (c) Alibaba Cloud. All Rights Reserved."),
    ("We fine-tune Stable Diffusion 3.5 Large and release it, revenue under $1M a year", "stability-ai-community",
     "This Stability AI Model is licensed under the Stability AI Community License, Copyright \u00a9 Stability AI Ltd. All Rights Reserved"),
])
def test_notice_text_is_verbatim_from_the_corpus(fake_services, question, doc, text):
    notice = [o for o in fake_services.engine.answer(question).obligations if o.kind is ObligationKind.NOTICE_FILE]
    assert len(notice) == 1 and notice[0].text == text and notice[0].doc_id == doc
    assert text in fake_services.corpus.documents[doc].text


def test_required_wordings(fake_services):
    items = {o.kind: o for o in fake_services.engine.answer("We fine-tuned Llama 3 8B and publish the weights").obligations}
    assert items[ObligationKind.BUILT_WITH].text == "Built with Meta Llama 3"
    assert items[ObligationKind.NAME_PREFIX].text == "Llama 3"
    qwen = {o.kind: o for o in fake_services.engine.answer("We fine-tune Qwen2.5-72B and publish the weights").obligations}
    assert qwen[ObligationKind.BUILT_WITH].text == "Built with Qwen"
    assert qwen[ObligationKind.BUILT_WITH].alternatives == ("Improved using Qwen",)
    stab = fake_services.engine.answer("We fine-tune Stable Diffusion 3.5 Large and release it, revenue under $1M a year")
    built = next(o for o in stab.obligations if o.kind is ObligationKind.BUILT_WITH)
    assert built.text == "Powered by Stability AI" and "Ltd. All Rights Reserved" not in built.quote.split("(iii)")[-1]


def test_answer_json_has_obligations(fake_services):
    data = fake_services.engine.answer("We fine-tuned Llama 3.1 8B and publish the weights").to_json()
    kinds = [(o["kind"], o["clause_id"]) for o in data["obligations"]]
    assert ("notice_file", "llama-3.1-license:1.b.iii") in kinds
    item = next(o for o in data["obligations"] if o["kind"] == "notice_file")
    assert set(item) >= {"kind", "label", "clause_id", "quote", "text", "instruction", "rule_ids"}
    assert list(item["rule_ids"]) == ["llama-redistribution"]


def test_conditions_gate_rows(corpus):
    table = ObligationTable.load(corpus)
    hosted = Facts(deployments=(Deployment.HOSTED,), methods=(Method.LORA,))
    plain_release = Facts(deployments=(Deployment.WEIGHTS_RELEASE,), methods=(Method.PLAIN_USE,))
    kinds = lambda facts, doc: [(o.kind.value, o.clause_id) for o in table.items_for([doc], facts, corpus)]
    assert kinds(hosted, "gemma-terms-2024") == [("use_restrictions", "gemma-terms-2024:3.1.p1.b1")]
    # A plain re-upload creates no new model: no name prefix, no modification notices.
    assert kinds(plain_release, "llama-3-license") == [("licence_copy", "llama-3-license:1.b.i"),
                                                       ("built_with", "llama-3-license:1.b.i"),
                                                       ("notice_file", "llama-3-license:1.b.iii")]
    assert ("modification_notice", "apache-2.0:4.b") not in kinds(plain_release, "apache-2.0")
    cosmos = Facts(deployments=(Deployment.HOSTED,), flags=("cosmos",))
    assert kinds(cosmos, "nvidia-open-model-license") == [
        ("built_with", "nvidia-open-model-license:nvidia-open-model-license.p4.p3.p2")]


@pytest.mark.parametrize("name,ok,fixed", [
    ("acme/Llama-3-8B-Support", True, "Llama-3-8B-Support"),
    ("Llama 3 Support Bot", True, "Llama 3 Support Bot"),
    ("SupportBot-8B", False, "Llama-3-SupportBot-8B"),
    ("Meta-Llama-3-8B-Support", False, "Llama-3-Meta-Llama-3-8B-Support"),
    ("llama3-support", True, "llama3-support"),
    ("L3-Support-8B", False, "Llama-3-L3-Support-8B"),
])
def test_name_prefix_rule(corpus, name, ok, fixed):
    table = ObligationTable.load(corpus)
    items = table.items_for(["llama-3-license"], Facts(deployments=(Deployment.WEIGHTS_RELEASE,), methods=(Method.LORA,)), corpus)
    assert apply_name_prefix(name, items) == (ok, fixed, ("Llama 3",))


def test_name_prefix_of_a_merge_meets_every_prefix(corpus):
    table = ObligationTable.load(corpus)
    facts = Facts(deployments=(Deployment.WEIGHTS_RELEASE,), methods=(Method.MERGE,))
    items = table.items_for(["llama-3-license", "llama-3.1-license"], facts, corpus)
    assert apply_name_prefix("Blend-8B", items) == (False, "Llama-3-Blend-8B", ("Llama 3", "Llama"))


def test_loader_reports_every_bad_row(tmp_path, corpus):
    bad = tmp_path / "obligations.toml"
    bad.write_text("""
[[obligation]]
clause = "llama-3-license:9.z"
kind = "licence_copy"
instruction = "x"
[[obligation]]
clause = "llama-3-license:1.b.i"
kind = "tattoo"
instruction = "x"
[[obligation]]
clause = "llama-3-license:1.b.i"
kind = "built_with"
instruction = "x"
quoted = "^Built with Gemma"
when = { deployments = ["moon"], colour = true }
[[obligation]]
clause = "mit:p2"
kind = "attribution"
instruction = "x"
find = "(unclosed"
""", encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        ObligationTable.load(corpus, path=bad)
    msg = str(err.value)
    assert "6 problem(s)" in msg
    for part in ("No clause with id 'llama-3-license:9.z'", "kind must be one of", "unknown deployment(s) ['moon']",
                 "unknown condition(s) ['colour']", "'(unclosed' is not a valid regex", "matches no quoted span"):
        assert part in msg
    # the quoted check runs too once the row is otherwise well-formed
    bad.write_text('[[obligation]]\nclause = "llama-3-license:1.b.i"\nkind = "built_with"\ninstruction = "x"\n'
                   'quoted = "^Built with Gemma"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="matches no quoted span"):
        ObligationTable.load(corpus, path=bad)


def test_shipped_table_is_valid(corpus):
    table = ObligationTable.load(corpus)
    assert len(table.rows) >= 60
    assert {r.kind for r in table.rows} == set(ObligationKind)
