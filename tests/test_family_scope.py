"""The family licences' readings (issue 11): whose figures a threshold counts, what leaves the organisation, and the
carve-outs the texts state, from question to facts to verdict and clause ids."""

from __future__ import annotations

import pytest

from retrieval import scope
from retrieval.rules import Verdict
from retrieval.scenario import Deployment, Role, parse_scenario
from rulecheck import verdict_of



def test_group_total_decides_llama_threshold(reg, table):
    facts = parse_scenario("Our subsidiary's app has 5 million monthly active users, but across the group our products "
                           "combined had 800 million MAU when Llama 3.1 came out. May the subsidiary deploy Llama 3.1?", reg)
    assert (facts.mau, facts.product_mau) == (800_000_000, 5_000_000)
    assert facts.has("group_figure")
    verdict, rules, clauses = verdict_of(table, facts)
    assert verdict is Verdict.NOT_PERMITTED
    assert "llama-mau" in rules and "threshold-counts-affiliates" not in rules
    assert "llama-3.1-license:2" in clauses


def test_qwen_threshold_reads_the_product_not_the_group(reg, table):
    facts = parse_scenario("Our app has 30 million monthly active users; our parent company's other apps have 500 million "
                           "MAU combined. We serve Qwen2.5-72B-Instruct to our users through our API.", reg)
    assert facts.product_mau == 30_000_000
    verdict, rules, _ = verdict_of(table, facts)
    assert "qwen-mau" not in rules
    assert verdict is Verdict.CONDITIONAL


def test_one_company_figure_stays_unclear(reg, table):
    facts = parse_scenario("We are a subsidiary of a large media group and our own app has 4 million monthly active users. "
                           "Can we host Llama 3.3 for it?", reg)
    assert facts.mau == 4_000_000 and not facts.has("group_figure")
    _, rules, _ = verdict_of(table, facts)
    assert "threshold-counts-affiliates" in rules


def test_acquirer_revenue_counts_with_ours(reg, table):
    facts = parse_scenario("We make $300k revenue a year selling an app built on Stable Diffusion 3.5, and we are being "
                           "acquired by a firm with $12M in revenue. Does our Community License survive?", reg)
    assert facts.revenue == 12_300_000
    verdict, rules, clauses = verdict_of(table, facts)
    assert verdict is Verdict.NOT_PERMITTED and "stability-large-revenue" in rules
    assert "stability-ai-community:p5" in clauses


def test_funding_is_not_revenue(reg, table):
    facts = parse_scenario("We raised a $4M seed round and have no revenue yet. We use SD 3.5 in our paid product.", reg)
    assert facts.revenue == 0
    verdict, rules, _ = verdict_of(table, facts)
    assert verdict is Verdict.CONDITIONAL and "stability-commercial" in rules


def test_figure_after_the_words(reg):
    assert parse_scenario("our app's MAU is about 250,000,000 and we use Qwen2.5-72B commercially", reg).mau == 250_000_000
    assert parse_scenario("does the MAU threshold of 100 million apply to Qwen2.5-72B?", reg).mau is None


@pytest.mark.parametrize("question", [
    "We only publish the Gemma-generated answers as a dataset on Hugging Face, not the model.",
    "Can I sell the marketing copy that DeepSeek-Coder writes for me to my clients?",
    "We benchmarked a Gemma 2 fine-tune internally and will publish only the eval scores; no weights or API go out.",
])
def test_only_outputs_leave(reg, question):
    facts = parse_scenario(question, reg)
    assert facts.has("model_stays")
    assert Deployment.WEIGHTS_RELEASE not in facts.deployments and Deployment.INTERNAL in facts.deployments


def test_model_and_outputs_leave(reg):
    facts = parse_scenario("We publish the fine-tuned Gemma 2 weights on Hugging Face together with the Gemma-generated "
                           "dataset we trained it on.", reg)
    assert not facts.has("model_stays") and Deployment.WEIGHTS_RELEASE in facts.deployments


def test_gemma_outputs_dataset_is_permitted(reg, table):
    facts = parse_scenario("I only publish the Gemma-generated Q&A dataset on HF (no model). Do I owe Google anything?", reg)
    verdict, rules, clauses = verdict_of(table, facts)
    assert verdict is Verdict.PERMITTED
    assert "gemma-distribution" not in rules and "gemma-terms-2025:3.3.p1" in clauses


def test_integrated_product_customer(reg, table):
    facts = parse_scenario("We are a $2B retailer; our designers use a third-party SaaS tool that embeds a Stability AI "
                           "model. Do we need an enterprise licence?", reg)
    assert Deployment.END_USER in facts.deployments and "stability-ai-community" in facts.documents
    verdict, rules, _ = verdict_of(table, facts)
    assert verdict is Verdict.PERMITTED and "stability-large-revenue" not in rules


@pytest.mark.parametrize("question,flag,present", [
    ("We keep serving the chatbot under our brand after the deal.", "trademark", False),
    ("Can we put the Meta logo on our landing page?", "trademark", True),
    ("Our own app has 2 million users.", "ownership", False),
    ("Do we own the fine-tune we made, as between us and Meta?", "ownership", True),
    ("How big must the 'Built with Llama' line be, and can the llama logo go next to it?", "mark_display", True),
    ("A free, ad-free non-profit reading app uses the model.", "nonprofit", True),
    ("The bot posts the tweets and never tells anyone they are machine-generated.", "undisclosed", True),
    ("Detectives make every decision themselves; the model only summarises.", "human_decides", True),
    ("We sell it under our own EULA instead of the Llama licence.", "replaces_licence", True),
    ("We sell it under an NDA and our own EULA, with the Llama licence attached.", "replaces_licence", False),
])
def test_flags(reg, question, flag, present):
    assert parse_scenario(question, reg).has(flag) is present


def test_outputs_of_a_model_teach_another(reg, table):
    facts = parse_scenario("made 100k synthetic pairs w/ meta-llama/Meta-Llama-3-70B-Instruct, then sft Mistral-7B on "
                           "them and release it", reg)
    roles = {m.model_id: m.role for m in facts.models}
    assert roles["llama-3"] is Role.OUTPUT_SOURCE
    verdict, rules, clauses = verdict_of(table, facts)
    assert verdict is Verdict.NOT_PERMITTED and "llama-3-license:1.b.v" in clauses


def test_llama_weights_sold_under_own_eula(reg, table):
    facts = parse_scenario("We sell our fine-tuned Llama-3.1-8B weights to one customer for a fee under an NDA and our own "
                           "commercial EULA.", reg)
    verdict, rules, clauses = verdict_of(table, facts)
    assert verdict is Verdict.CONDITIONAL and "llama-own-terms" in rules and "llama-relicense" not in rules
    assert {"llama-3.1-license:1.b.i", "llama-3.1-license:1.b.iii"} <= clauses


def test_first_generation_qwen_is_not_in_corpus(reg, table):
    facts = parse_scenario("Can we use Qwen-72B-Chat commercially?", reg)
    assert [m.model_id for m in facts.models] == ["qwen-1"] and not facts.models[0].in_corpus
    assert verdict_of(table, facts)[0] is Verdict.UNCLEAR


def test_funding_window_stays_in_its_clause():
    low = "we closed a seed round last year; revenue is $2m a year"
    start = low.index("$2m")
    assert not scope.is_funding(low, start, start + 3)
    low = "we raised $2m in seed funding"
    assert scope.is_funding(low, low.index("$2m"), low.index("$2m") + 3)


def test_ownership_question_does_not_branch(fake_services):
    answer = fake_services.engine.answer("As between us and Meta, do we own the full fine-tune we made of Llama 3.3 70B?")
    assert answer.verdict == "permitted" and answer.branches == ()
    assert any(f.rule_id == "derivative-ownership" and "llama-3.3-license:5.b" in f.clause_ids for f in answer.findings)


def test_built_with_question_branches_on_deployment(fake_services):
    answer = fake_services.engine.answer("Where does the 'Built with Llama' notice have to appear for Llama 3.1?")
    assert {b.assumption.value: b.verdict for b in answer.branches} == {"hosted": "conditional", "internal": "permitted"}
    assert answer.verdict == "conditional"


def test_unstated_use_of_a_fine_tune_branches_even_when_no_rule_fires_yet(fake_services):
    answer = fake_services.engine.answer("We LoRA-tuned Llama 3.3 70B on our support manuals. What do we owe Meta?")
    by_value = {b.assumption.value: b for b in answer.branches}
    assert set(by_value) == {"weights_release", "hosted", "internal"}
    assert by_value["internal"].verdict == "permitted" and "llama-3.3-license:1.a" in by_value["internal"].clause_ids
    assert by_value["weights_release"].verdict == "conditional"
    assert answer.verdict == "conditional" and answer.clarify is not None


def test_a_vendor_app_user_in_the_eu(reg, table):
    facts = parse_scenario("I live in France and use a photo-captioning app from a US company that runs Llama 3.2 Vision.", reg)
    assert Deployment.END_USER in facts.deployments and facts.eu is True
    verdict, rules, _ = verdict_of(table, facts)
    assert verdict is Verdict.PERMITTED and "llama-eu-end-user" in rules


def test_single_group_total_and_a_replaced_licence(reg):
    facts = parse_scenario("Our parent company's apps together have 1.2 billion monthly users. Can we build on Llama 3.1?", reg)
    assert facts.mau == 1_200_000_000 and facts.has("group_figure") and facts.product_mau is None
    assert parse_scenario("We will replace the Llama 3.1 licence with our own EULA.", reg).has("replaces_licence")


def test_personal_data_is_not_personal_use(reg):
    facts = parse_scenario("Can we use a DeepSeek-licensed model to build profiles of people from scraped personal data?", reg)
    assert Deployment.INTERNAL not in facts.deployments and "deepseek-license" in facts.documents
    assert Deployment.INTERNAL in parse_scenario("It is for my personal use with Gemma 2.", reg).deployments
