"""A model family named without a model ("a DeepSeek model"): the answer branches over the sets of terms the family's
models come under (corpus/families.toml, retrieval/families.py), never picking one silently."""

from __future__ import annotations

import pytest

from ingest.errors import ConfigError
from retrieval import families
from retrieval.scenario import parse_scenario


def test_the_families_file_is_valid_and_every_provider_has_models(reg):
    loaded = families.load_families()
    assert {f.name for f in loaded} >= {"Llama", "Qwen", "DeepSeek", "Falcon", "Stability AI"}
    assert families.validate(reg, loaded) == []


def test_bad_rows_are_all_reported(tmp_path):
    bad = tmp_path / "families.toml"
    bad.write_text('[[family]]\nprovider = "X"\nname = ""\npatterns = ["(unclosed"]\nexamples = ["nothing"]\n'
                   '[[family]]\nprovider = "Y"\nname = "Y"\npatterns = ["\\\\by\\\\b"]\nexamples = ["a z model"]\n'
                   '[[family]]\nprovider = "Z"\nname = "Z"\npatterns = ["z"]\ncolour = "red"\n', encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        families.load_families(bad)
    text = str(err.value)
    assert "'name' must be a non-empty string" in text and "does not compile" in text
    assert "example 'a z model' is not matched" in text and "unknown key 'colour'" in text


@pytest.mark.parametrize("question,family", [
    ("Our bank scores loan applicants with a DeepSeek model and no human looks at the result.", "DeepSeek"),
    ("We run Qwen on our own servers to tag support tickets.", "Qwen"),
    ("Can a hospital put a llama on its intranet for staff questions?", "Llama"),
    ("Is a Falcon model fine for an internal search tool?", "Falcon"),
])
def test_a_family_named_without_a_model(reg, question, family):
    facts = parse_scenario(question, reg)
    assert facts.family == family and facts.documents == ()


@pytest.mark.parametrize("question", [
    "We fine-tuned DeepSeek-V3 for contract review.",  # a model: its own terms
    "We use Qwen2.5-72B-Instruct internally.",
    "Under the Qwen License, may we add our own terms?",  # the licence itself is named
])
def test_a_named_model_or_licence_is_no_family_question(reg, question):
    assert parse_scenario(question, reg).family is None


def test_the_choices_are_the_family_terms_in_registry_order(reg):
    deepseek = next(f for f in families.load_families() if f.name == "DeepSeek")
    values = [c.value for c in families.choices(deepseek, reg)]
    assert "deepseek-license" in values and "mit" in values
    assert len(values) == len(set(values))


def test_the_answer_branches_over_the_family_terms(fake_services):
    answer = fake_services.engine.answer("A lender lets a DeepSeek model reject credit applications automatically, "
                                         "with nobody reviewing the decisions.")
    by_value = {b.assumption.value: b for b in answer.branches if b.assumption.fact == "documents"}
    assert by_value["deepseek-license"].verdict == "not_permitted"
    assert "deepseek-license:iv.use-restrictions.b8" in by_value["deepseek-license"].clause_ids
    assert by_value["mit"].verdict == "permitted"
    assert answer.verdict == "not_permitted"  # the most restrictive branch
    assert answer.clarify.fact == "documents" and answer.clarify.question == "Which DeepSeek model is it?"
    assert {c.value for c in answer.clarify.choices} == set(by_value)


def test_a_family_whose_terms_agree_does_not_branch(fake_services):
    # every Llama agreement lets a company run the model for its own staff (LLaMA 1 is retired from the bare name)
    answer = fake_services.engine.answer("We run a Llama model on our own servers for our staff only.")
    assert not any(b.assumption.fact == "documents" for b in answer.branches)
    assert answer.verdict == "permitted"


def test_a_family_with_models_outside_the_corpus_has_a_branch_for_them(reg):
    qwen = next(f for f in families.load_families() if f.name == "Qwen")
    assert families.choices(qwen, reg)[-1].value == families.ABSENT


def test_settling_a_clarified_fact_gives_the_facts_of_the_chosen_branch(fake_services):
    engine = fake_services.engine
    answer = engine.answer("A lender lets a DeepSeek model reject credit applications automatically, "
                           "with nobody reviewing the decisions.")
    mit = engine.settle(answer.facts, "documents", "mit")
    assert mit.documents == ("mit",) and "models" not in mit.unknown
    assert engine.answer(answer.question, facts=mit).verdict == "permitted"  # the MIT branch's verdict
    qwen = engine.read_facts("We put a Qwen model in our paid app.")
    absent = engine.settle(qwen, "documents", families.ABSENT)  # Qwen models whose terms the corpus lacks
    assert not absent.documents and len(absent.missing) == len(qwen.missing) + 1 and "models" not in absent.unknown
    # a fact the question does not leave open, or a value that is no choice of it, settles nothing
    assert engine.settle(answer.facts, "revenue", "2000000") is None
    assert engine.settle(answer.facts, "documents", "gemma-terms-2025") is None


def test_settling_the_deployment_of_a_fine_tune(fake_services):
    engine = fake_services.engine
    answer = engine.answer("We fine-tuned Llama 3.1 8B on our sales notes. What does Meta expect from us?")
    inside = engine.settle(answer.facts, "deployments", "internal")
    assert [d.value for d in inside.deployments] == ["internal"] and "deployment" not in inside.unknown
    branch = next(b for b in answer.branches if b.assumption.value == "internal")
    assert engine.answer(answer.question, facts=inside).verdict == branch.verdict
