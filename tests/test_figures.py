"""Threshold figures as people write them (retrieval/figures.py), and the carve-outs of the threshold clauses: user
counts and revenue in words and shorthand, the licence's own line named, when a figure was true, change of control,
end users of an integrated product, research use, the 30-day cure, the EU clause named. From question to facts, and
to verdicts and clause ids through the rules table. The questions are written for these tests."""

from __future__ import annotations

import pytest

from retrieval import figures
from retrieval.rules import Verdict
from retrieval.scenario import Deployment, parse_scenario
from rulecheck import verdict_of



@pytest.mark.parametrize("text,value", [
    ("Roughly 230 million people open our messaging app every month.", 230_000_000),
    ("The app is used by 3.5M people a month.", 3_500_000),
    ("We have seven hundred million monthly users.", 700_000_000),
    ("Our platform is at 0.7B MAU.", 700_000_000),
    ("The group sits north of a billion monthly active users.", 1_000_000_001),
    ("We serve 1.2bn users.", 1_200_000_000),
    ("Around half a billion people visit our sites each month.", 500_000_000),
    ("Our games have 12,500,000 monthly active players.", 12_500_000),
    ("We have well under 2 million users.", 1_999_999),
])
def test_user_counts_in_words_and_shorthand(text, value):
    assert [f.value for f in figures.user_figures(text)] == [value]


@pytest.mark.parametrize("text", [
    "Does the 700M rule apply to a hospital chain?",
    "Is a charity caught by Qwen's 100M-user clause?",
    "The licence caps you at 100M monthly users, right?",
    "We push 2 million customer-support tickets through the model.",
    "We fine-tuned Llama 3.1 70B for our analysts.",
    "We will generate 5 million images a month with it.",
])
def test_no_user_count_where_none_is_stated(text):
    assert figures.user_figures(text) == []


@pytest.mark.parametrize("text,values", [
    ("Our studio brings in about $800k a year.", [800_000]),
    ("A company doing $45M is buying us.", [45_000_000]),
    ("Revenue of roughly $250k, all from consulting.", [250_000]),
    ("Our revenue is far below a million dollars.", [999_999]),
    ("We are a $3B bank.", [3_000_000_000]),
])
def test_revenue_in_money(text, values):
    assert [f.value for f in figures.money_figures(text)] == values


@pytest.mark.parametrize("text", [
    "We raised a $4M seed round last month.",
    "Does the $1M limit count our grants?",
    "The API costs $20 per month per seat.",
])
def test_no_revenue_in_prices_raises_or_the_cap(text):
    assert figures.money_figures(text) == []


def test_llama_reads_the_count_at_the_release_date(reg, table):
    facts = parse_scenario("Our chat app had about 300 million monthly users in March 2024, when we adopted Llama 3. "
                           "Today we are at 820 million. Do we now need a licence from Meta for the Llama 3 model we "
                           "run on our own servers?", reg)
    assert facts.mau == 300_000_000
    verdict, rules, clauses = verdict_of(table, facts)
    assert "llama-mau" not in rules and "llama-under-mau" in rules
    assert "llama-3-license:2" in clauses


def test_a_forecast_does_not_decide_the_llama_test(reg):
    facts = parse_scenario("Our app had 25 million monthly active users when Llama 3.3 came out; our plan projects "
                           "750 million by 2028. Can we keep using Llama 3.3 internally?", reg)
    assert facts.mau == 25_000_000


def test_figures_of_two_moments_are_not_added_as_a_group(reg):
    facts = parse_scenario("Our group had 610M monthly users in March 2024 and has passed 780M this year. We run "
                           "Llama 3 only internally.", reg)
    assert facts.mau == 610_000_000 and not facts.has("group_figure")


def test_a_group_count_stated_without_the_noun_again(reg, table):
    facts = parse_scenario("Our subsidiary's own app is used by 15 million people a month, and across the group the "
                           "count is about 910 million. Can the subsidiary add Llama 3.1 to its app?", reg)
    assert (facts.mau, facts.product_mau) == (910_000_000, 15_000_000)
    verdict, rules, clauses = verdict_of(table, facts)
    assert verdict is Verdict.NOT_PERMITTED and "llama-3.1-license:2" in clauses


def test_qwen_user_count_said_in_people(reg, table):
    facts = parse_scenario("Some 180 million people use our shopping app each month and we want Qwen2.5-72B behind its "
                           "assistant. Is attaching the licence enough?", reg)
    assert facts.mau == 180_000_000
    _, rules, clauses = verdict_of(table, facts)
    assert "qwen-mau" in rules and "qwen-license:4" in clauses


def test_being_taken_over_joins_the_buyers_revenue(reg, table):
    facts = parse_scenario("Our design tool on Stable Diffusion 3.5 makes about $500k a year. A firm doing $25M is "
                           "taking us over next month. What changes for our licence?", reg)
    assert facts.revenue == 25_500_000 and Deployment.ACQUISITION in facts.deployments
    verdict, rules, _ = verdict_of(table, facts)
    assert "stability-large-revenue" in rules and verdict is Verdict.NOT_PERMITTED


def test_change_of_control_under_the_2023_openai_terms(reg, table):
    facts = parse_scenario("A private-equity fund is buying our company. Our OpenAI account runs on the March 2023 "
                           "terms. Does it pass to the new owner with the rest of the business?", reg)
    assert Deployment.ACQUISITION in facts.deployments and facts.has("company_acquired")
    verdict, rules, _ = verdict_of(table, facts)
    assert verdict is Verdict.NOT_PERMITTED and "openai-change-of-control" in rules


@pytest.mark.parametrize("question,doc", [
    ("An airline group with about 900M monthly users across its affiliates is buying kiosks from a vendor with a "
     "Llama 3.1 derivative inside; the airline just operates the kiosks. Does Section 2 catch it?", "llama-3.1-license"),
    ("A retailer with revenue far above $1M takes a licence to a photo-editing suite from an outside supplier that has "
     "a Stability AI model built in. Does the retailer need an enterprise licence?", "stability-ai-community"),
])
def test_end_user_of_an_integrated_product_is_outside_the_threshold(reg, table, question, doc):
    facts = parse_scenario(question, reg)
    assert Deployment.END_USER in facts.deployments
    verdict, rules, _ = verdict_of(table, facts)
    assert "llama-mau" not in rules and "stability-large-revenue" not in rules
    assert verdict is Verdict.PERMITTED
    assert doc in facts.documents


def test_research_is_outside_the_stability_revenue_cap(reg, table):
    facts = parse_scenario("A national lab with annual revenue well above $1M wants Stable Diffusion 3.5 for a research "
                           "study of image provenance. Nothing commercial is planned and no weights leave the lab.", reg)
    assert facts.revenue == 1_000_001 and not facts.has("commercial")
    verdict, rules, clauses = verdict_of(table, facts)
    assert "research-licence" in rules and "stability-large-revenue" not in rules
    assert verdict is Verdict.PERMITTED and "stability-ai-community:p4" in clauses


@pytest.mark.parametrize("text,days", [
    ("a reader told us the credits were missing, and twelve days later we put the attribution back.", 12),
    ("we noticed the omission and fixed it within three weeks.", 21),
    ("we found out in may; it was fixed two months after we noticed.", 60),
])
def test_cure_delay(text, days):
    assert figures.cure_delay_days(text) == days


def test_cure_within_thirty_days_reinstates_cc(reg, table):
    facts = parse_scenario("We shared a CC BY 4.0 image set but left out the attribution. A reader told us, and twelve "
                           "days later we put the attribution back. Are our rights restored without asking anyone?", reg)
    assert facts.has("cured_in_time") and facts.has("past_omission") and not facts.has("skips_obligation")
    verdict, rules, clauses = verdict_of(table, facts)
    assert "cc-breach-cured-in-time" in rules and "cc-by-4.0:6.b" in clauses


def test_cure_after_two_months_does_not(reg, table):
    facts = parse_scenario("We posted a CC BY-SA 4.0 corpus but left out the licence notice. Someone flagged it and "
                           "two months later we added the notice. Is the licence back?", reg)
    assert facts.has("cured_late")
    _, rules, _ = verdict_of(table, facts)
    assert "cc-breach-cured-late" in rules


def test_naming_the_eu_clause_is_no_place(reg):
    facts = parse_scenario("We're a startup in Seoul running Llama 3.2 11B Vision on our own servers for internal "
                           "document search. Does the EU-related restriction concern us?", reg)
    assert facts.eu is not True


def test_customers_in_eu_countries_are_no_place_of_the_licensee(reg):
    facts = parse_scenario("Our company in Mexico City sells API access to Llama 4 Scout, with customers in Spain and "
                           "Italy. Does the EU exclusion reach us?", reg)
    assert facts.eu is not True


def test_school_assignments_are_no_licence_assignment(reg):
    facts = parse_scenario("My son is 15 and wants ChatGPT for his school assignments. Is that allowed?", reg)
    assert facts.has("minor") and not facts.has("assign_licence")
    assert Deployment.ACQUISITION not in facts.deployments


def test_disclosure_said_as_making_it_clear(reg):
    facts = parse_scenario("Our memorial app lets families chat with a Gemma fine-tune that writes like a late relative; "
                           "the chat window makes it clear that this is an AI simulation.", reg)
    assert facts.has("disclosed")


def test_qwen_reads_the_figure_of_now(reg, table):
    facts = parse_scenario("Our Qwen2.5-72B-Instruct assistant had 60M MAU a year ago; today it has 140M MAU. Is the "
                           "licence copy all we need?", reg)
    assert facts.mau == 140_000_000
    _, rules, _ = verdict_of(table, facts)
    assert "qwen-mau" in rules


@pytest.mark.parametrize("text,value", [
    ("We expect sales passing $2M this autumn.", 2_000_001),
    ("Turnover is going over $1M now that the second product sells.", 1_000_001),
    ("Once our revenue crosses $1M, what changes?", 1_000_001),
    ("Revenue went over $1M in May.", 1_000_001),
])
def test_a_line_passed_or_crossed_reads_one_more(text, value):
    assert [f.value for f in figures.money_figures(text)] == [value]


@pytest.mark.parametrize("question,verdict,rule", [
    ("Our studio is on the Stability Community License and revenue is passing $1M this quarter. May we go on selling "
     "the images to clients after that?", Verdict.NOT_PERMITTED, "stability-large-revenue"),
    ("A two-person shop ($150k a year) sells posters made with a Stability AI Community-licensed model.",
     Verdict.CONDITIONAL, "stability-commercial"),
])
def test_the_stability_licence_named_by_its_licensor_alone(reg, table, question, verdict, rule):
    facts = parse_scenario(question, reg)
    assert facts.documents == ("stability-ai-community",)
    got, rules, clauses = verdict_of(table, facts)
    assert got is verdict and rule in rules and "stability-ai-community:p5" in clauses


def test_a_stability_model_without_its_licence_is_not_read_as_the_community_licence(reg):
    # Stability's older models (SD 1.5, SDXL) are under OpenRAIL licences, so "a Stability model" names no document.
    facts = parse_scenario("We use a Stability model internally to mock up slides; revenue is about $2M.", reg)
    assert "stability-ai-community" not in facts.documents


@pytest.mark.parametrize("question", [
    "Does the Qwen user test count our sister app's users too?",
    "Which requirement of Qwen's licence conditions applies above 100M monthly users?",
])
def test_the_qwen_licence_named_by_one_of_its_tests_or_conditions(reg, question):
    assert "qwen-license" in parse_scenario(question, reg).documents
