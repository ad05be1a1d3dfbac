"""Concepts the third-round dev set showed missing, each in sentences of our own written from the clause, with near
misses that must stay out: safety training tuned away with the particle first, model output posted under invented
people or credited to "community experts", prompts handed to a tool built for non-consensual images, the NVIDIA
licence or the Qwen licence named by its title or its own attribution line, and the Falcon policy held at the version
that was live at download."""

from __future__ import annotations

import pytest

from retrieval.scenario import use_cases_of
from rulecheck import decide


@pytest.mark.parametrize("sentence,category", [
    ("we tune out the refusal behaviour so the assistant handles any prompt", "circumvent_safety"),
    ("the plan is to train away its safety layers with a small DPO run", "circumvent_safety"),
    ("after the LoRA it just stops refusing things", "circumvent_safety"),
    ("the forum bot's replies go up from invented member profiles so the board looks busy", "undisclosed_ai"),
    ("the model drafts the reviews and we post them as fictional customers with made-up names", "undisclosed_ai"),
    ("readers are told the columns are written by our volunteer experts, though the model drafts them", "undisclosed_ai"),
    ("our agent passes prompts to a nudify app that strips clothes from photos", "unlawful_tools"),
    ("the planner forwards each request to an image service built for revenge porn", "unlawful_tools"),
])
def test_new_wording_reads_as_the_use(sentence, category):
    assert category in use_cases_of(sentence)


@pytest.mark.parametrize("sentence,category", [
    # training away from something, or adding safety, is no removal
    ("we fine-tune away from toxic replies by training on safety data", "circumvent_safety"),
    ("we tune the model to add more guardrails before launch", "circumvent_safety"),
    # people's own writing used as data is not output passed off as theirs
    ("we fine-tune on answers written by our community experts", "undisclosed_ai"),
    ("we use a few fake accounts to load-test the chatbot", "undisclosed_ai"),
    # a tool that detects such images is not one built to make them
    ("our app sends images to a classifier made for nonconsensual imagery detection", "unlawful_tools"),
])
def test_near_miss_stays_out(sentence, category):
    assert category not in use_cases_of(sentence)


@pytest.mark.parametrize("question,verdict,rule,clause", [
    ("We plan to tune away the built-in guardrails of an NVIDIA Open Model License checkpoint so it stops refusing "
     "things. Any problem?",
     "not_permitted", "nvidia-guardrails", "nvidia-open-model-license:nvidia-open-model-license.p4.p2.p1"),
    ("Our client wants to sue NVIDIA, saying a model released under the Open Model License infringes its patents. Can "
     "it keep using the model meanwhile?",
     "not_permitted", "patent-litigation-termination", "nvidia-open-model-license:nvidia-open-model-license.p4.p2.p1"),
    ("A ranking model we distilled from qwen answers only runs on our own servers. Must we show 'Built with Qwen'?",
     "permitted", "qwen-use", "qwen-license:2"),
    ("Our Llama 3.3 assistant hands prompts to a third-party deepfake generator made for nonconsensual nude images. "
     "Llama itself outputs only text, so is that fine?",
     "not_permitted", "llama-prohibited-use", "llama-3.3-aup:5"),
    ("Suppose TII revises the Falcon AUP next year. Can we carry on under the policy version that was current when we "
     "first downloaded Falcon 2?",
     "not_permitted", "updated-terms-bind", "falcon-2-license:acceptable-use.p1"),
])
def test_concept_decides_with_its_clause(table, reg, question, verdict, rule, clause):
    _, got, ids, clauses = decide(table, reg, question)
    assert (got, rule in ids, clause in clauses) == (verdict, True, True)


def test_open_model_licence_is_not_any_open_licence(reg):
    # "open model" alone, or another licence's title, must not pull in NVIDIA's terms
    from retrieval.scenario import read_facts

    for question in ("We want to release an open model under Apache-2.0. What applies?",
                     "Is the Qwen licence an open licence like MIT?"):
        assert "nvidia-open-model-license" not in read_facts(question, reg).documents


@pytest.mark.parametrize("question", [
    "Does the Databricks Open Model License for DBRX cap monthly users?",
    "Jamba 1.5 is under AI21's Jamba Open Model License. Is there a revenue threshold?",
    "databricks/dbrx-instruct ships under the Open Model License of Databricks. What must a fine-tune carry?",
])
def test_other_publishers_open_model_licences_stay_theirs(reg, question):
    from retrieval.scenario import read_facts

    assert "nvidia-open-model-license" not in read_facts(question, reg).documents


@pytest.mark.parametrize("question,verdict,rule,clause", [
    # a copy sold inside a product, in each language the reader handles: distribution, with the licence's conditions
    ("Verkaufen wir ein Apache-2.0-Modell als Bestandteil unserer Software an Kunden, was müssen wir tun?",
     "conditional", "distribution-conditions", "apache-2.0:4.a"),
    ("Vendemos un modelo MIT como parte de nuestra aplicación a clientes: ¿qué hay que hacer?",
     "conditional", "distribution-conditions", "mit:p2"),
    ("Nous vendons un modèle MIT comme partie de notre logiciel à nos clients. Que faut-il faire ?",
     "conditional", "distribution-conditions", "mit:p2"),
    ("Vendiamo un modello MIT come parte del nostro software ai clienti. Cosa dobbiamo fare?",
     "conditional", "distribution-conditions", "mit:p2"),
    ("我们把一个MIT许可的模型作为我们软件的一部分卖给客户，需要做什么？", "conditional", "distribution-conditions", "mit:p2"),
    ("MITライセンスのモデルを当社アプリの一部として顧客に販売します。", "conditional", "distribution-conditions", "mit:p2"),
    # the vendor the question is about hosts the model: hosting is Sharing under OpenRAIL, not an end user's use
    ("A logistics software vendor will host a StarCoder-based assistant for its customers. What applies?",
     "conditional", "openrail-distribution", "bigcode-openrail-m:iii.5.1.a"),
    # someone else's vendor hosting for us leaves us an end user
    ("Our vendor hosts a Llama 3.1 chatbot that our staff use. Do we owe Meta anything?",
     "permitted", "end-user-of-product", "llama-3.1-license:1.b.ii"),
    # staff only, said as "no outside users": a chat assistant is then no hosted service
    ("We run Llama 3.1 8B internally as a chat assistant for employees, no outside users. Anything to do?",
     "permitted", "llama-internal-use", "llama-3.1-license:1.a"),
    ("We run Llama 3.1 8B as a chat assistant for employees and for customers. Anything to do?",
     "conditional", "llama-hosted-service-2", "llama-3.1-license:1.b.i"),
])
def test_who_gets_the_model(table, reg, question, verdict, rule, clause):
    _, got, ids, clauses = decide(table, reg, question)
    assert (got, rule in ids, clause in clauses) == (verdict, True, True)


def test_part_of_words_without_a_product_are_no_distribution(reg):
    from retrieval.scenario import read_facts

    facts = read_facts("このツールはチームの一部として社内で使います。Llama 3.1です。", reg)
    assert "on_device" not in {d.value for d in facts.deployments}


@pytest.mark.parametrize("question,also", [
    ("The GitHub repo for this adapter has Apache-2.0 code, but the checkpoint itself has no licence at all. Can we ship "
     "it in our product?", "distribution-conditions"),
    ("We got a Llama 3.1 merge from a colleague; one of its parts has an unknown license. Can we host it?",
     "llama-hosted-service-2"),
    ("The Gemma 2 fine-tune bundles a tokenizer whose licence terms are not available to us. May we redistribute it?",
     "gemma-distribution"),
])
def test_terms_the_question_says_it_lacks_leave_it_unclear(table, reg, question, also):
    facts, got, ids, _ = decide(table, reg, question)
    assert (got, "document-not-in-corpus" in ids, also in ids) == ("unclear", True, True)
    assert facts.missing == ("The terms of a file or component whose licence is not stated or not provided",)


@pytest.mark.parametrize("question", [
    "We publish the MIT model on HF; no license fee is charged. Fine?",
    "Gemma 2 has no licence fee and no revenue cap, right? We host it for customers.",
])
def test_no_fee_is_no_missing_licence(reg, question):
    from retrieval.scenario import read_facts

    assert read_facts(question, reg).missing == ()


@pytest.mark.parametrize("question,verdict,rule,clause", [
    # an EU resident who only uses another company's app with the multimodal model inside is outside the EU clause
    ("I'm based in Milan. There's a translation app by a Canadian startup that is built on Llama 3.2 Vision; may I use it?",
     "permitted", "end-user-of-product", "llama-3.2-license:1.b.ii"),
    # a lab that publishes papers and keeps the weights: research use, no distribution duty
    ("Our lab fine-tunes SD3.5 for academic research only and will publish papers but not the weights. Does "
     "Stability's $1M threshold apply to us?", "permitted", "research-licence", "stability-ai-community:p2"),
])
def test_who_gets_the_model_in_other_words(table, reg, question, verdict, rule, clause):
    _, got, ids, clauses = decide(table, reg, question)
    assert (got, rule in ids, clause in clauses) == (verdict, True, True)


@pytest.mark.parametrize("question,deployment,present", [
    # folding the other company's app into one's own product is no end user's use
    ("We are integrating a chatbot from a US startup that runs on Llama 3.2 Vision into our own product; can we use it?",
     "end_user", False),
    # the paper and the weights both go out
    ("We publish the paper and the weights of our Llama 3.1 fine-tune.", "weights_release", True),
    ("We publish only the paper with the benchmark scores of our Llama 3.1 fine-tune.", "weights_release", False),
])
def test_deployment_reading(reg, question, deployment, present):
    from retrieval.scenario import read_facts

    assert (deployment in {d.value for d in read_facts(question, reg).deployments}) is present


@pytest.mark.parametrize("text,days", [
    ("we published the cc by photos without credits, spotted it ten days ago and have now put the credits in", 10),
    ("we noticed the missing credits two months ago and have now added the credits back", 60),
    # discovered but not yet put right: no delay to measure
    ("we noticed it two weeks ago but have not fixed anything yet", None),
])
def test_cure_delay_counted_from_discovery_to_now(text, days):
    from retrieval import figures

    assert figures.cure_delay_days(text) == days


@pytest.mark.parametrize("question,verdict,rule,clause", [
    ("Our lab cleaned a CC BY-NC 4.0 speech corpus and wants to share the cleaned version with partner universities, "
     "free of charge. What must we do?", "conditional", "cc-share-dataset", "cc-by-nc-4.0:3.a.1.b"),
])
def test_creative_commons_sharing(table, reg, question, verdict, rule, clause):
    _, got, ids, clauses = decide(table, reg, question)
    assert (got, rule in ids, clause in clauses) == (verdict, True, True)


def test_a_copy_for_ones_own_team_is_not_shared(reg):
    from retrieval.scenario import read_facts

    facts = read_facts("We keep a copy of the CC BY-NC dataset and share a copy with our own team only.", reg)
    assert "weights_release" not in {d.value for d in facts.deployments}


@pytest.mark.integration
def test_breach_cured_within_thirty_days_keeps_sharing_on_conditions(fake_services):
    # the rights come back by themselves (s.6(b)(1)); sharing on still carries the attribution duty
    answer = fake_services.engine.answer("We posted a CC BY 4.0 photo set with no credits, spotted it ten days ago and have "
                                         "now put the credits in. Can we keep distributing it without asking the photographer?")
    fired = {f.rule_id: f.clause_ids for f in answer.findings}
    assert answer.verdict == "conditional", answer.summary
    assert "cc-by-4.0:6.b.1" in fired.get("cc-breach-cured-in-time", ()), fired
