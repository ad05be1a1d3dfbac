"""Follow-up questions inherit the previous scenario's unsaid facts (retrieval/followup.py), on the real registry."""

from __future__ import annotations

import pytest

from retrieval.followup import CarriedFact, carry_over, names_own_scenario
from retrieval.registry import Registry
from retrieval.scenario import Deployment, Method, read_facts

FIRST = "We did a full fine-tune of Llama 3.1 8B and will publish the weights on Hugging Face under MIT."


@pytest.fixture(scope="module")
def registry() -> Registry:
    return Registry.load()


@pytest.fixture(scope="module")
def first(registry):
    return read_facts(FIRST, registry)


def test_api_follow_up_keeps_model_and_method_and_takes_the_new_deployment(registry, first):
    facts, carried = carry_over(first, read_facts("And if we only serve it through an API?", registry))
    assert carried == (CarriedFact("models", ("Llama 3.1",)), CarriedFact("methods", ("full_finetune",)))
    assert [m.model_id for m in facts.models] == [m.model_id for m in first.models]
    assert "llama-3.1-license" in facts.documents
    assert facts.methods == (Method.FULL_FINETUNE,)
    assert facts.deployments == (Deployment.HOSTED,)
    assert facts.target_licence is None  # a new way of shipping: the release's licence is not carried
    assert "models" not in facts.unknown


def test_a_new_model_starts_a_new_scenario(registry, first):
    current = read_facts("What about Gemma 2 9B instead?", registry)
    assert names_own_scenario(current)
    assert carry_over(first, current) == (current, ())


def test_a_target_licence_alone_is_still_a_follow_up(registry, first):
    current = read_facts("and under Apache 2.0?", registry)
    assert not names_own_scenario(current)
    facts, carried = carry_over(first, current)
    assert [c.field for c in carried] == ["models", "methods", "deployments"]
    assert facts.target_licence == "apache-2.0"
    assert facts.deployments == (Deployment.WEIGHTS_RELEASE,)
    assert "deployment" not in facts.unknown


def test_unsaid_scale_and_target_carry_when_nothing_about_shipping_changes(registry, first):
    facts, carried = carry_over(first, read_facts("What if we have 800 million monthly users?", registry))
    assert [c.field for c in carried] == ["models", "methods", "deployments", "target_licence"]
    assert facts.mau == 800_000_000 and facts.target_licence == "mit"


def test_dropping_a_carried_fact_keeps_what_the_follow_up_said(registry, first):
    current = read_facts("And if we only serve it through an API?", registry)
    facts, carried = carry_over(first, current, dropped=frozenset({"methods"}))
    assert [c.field for c in carried] == ["models"]
    assert facts.methods == (Method.PLAIN_USE,)
    facts, carried = carry_over(first, current, dropped=frozenset({"models"}))
    assert facts.models == () and "models" in facts.unknown
    assert [c.field for c in carried] == ["methods"]


def test_nothing_to_carry_without_a_previous_question(registry):
    current = read_facts("And if we only serve it through an API?", registry)
    assert carry_over(None, current) == (current, ())


def test_place_and_revenue_carry(registry):
    previous = read_facts("We are a Berlin startup with $5M a year revenue fine-tuning Llama 3 8B with LoRA.", registry)
    facts, carried = carry_over(previous, read_facts("Can we put it on Hugging Face?", registry))
    fields = [c.field for c in carried]
    assert fields == ["models", "methods", "revenue", "eu"]
    assert facts.eu is True and facts.revenue == previous.revenue and facts.methods == previous.methods and Method.LORA in facts.methods
    assert facts.deployments == (Deployment.WEIGHTS_RELEASE,)
