"""The clause-grounded verdict on 44 scenarios: real facts from the scenario reader, a given retrieval ranking, the
real annotations; exact verdicts and deciding clause ids."""

from __future__ import annotations

import pytest

from ingest.annotations import AnnotationSet
from retrieval.clause_verdict import compose, governing_documents
from retrieval.registry import Registry
from retrieval.scenario import read_facts

L3, L31, L32, L2 = "llama-3-license", "llama-3.1-license", "llama-3.2-license", "llama-2-license"

# question, ranked clause ids (as rule-free retrieval might return them), expected verdict, first deciding clause
SCENARIOS = [
    ("We fine-tune Llama 3.1 8B with LoRA for internal ticket triage; nothing leaves our servers.",
     [f"{L31}:1.a", f"{L31}:1.b.i", f"{L31}:5.b"], "permitted", f"{L31}:1.a"),
    ("We will publish our Llama 3.1 70B fine-tune on Hugging Face.",
     [f"{L31}:1.b.i", f"{L31}:1.a", f"{L31}:1.b.iii"], "conditional", f"{L31}:1.b.i"),
    ("Can I upload GGUF quants of Llama 3.1 8B to the hub?",
     [f"{L31}:1.b.iii", f"{L31}:1.b.i"], "conditional", f"{L31}:1.b.iii"),
    ("We serve a Llama 3.1 fine-tune to paying customers through our API.",
     [f"{L31}:1.b.i", f"{L31}:1.b.iii", f"{L31}:1.a"], "conditional", f"{L31}:1.b.i"),
    ("Can we use Llama 3 70B outputs to train a Mistral model and publish it?",
     [f"{L3}:1.b.v", f"{L3}:1.b.i"], "not_permitted", f"{L3}:1.b.v"),
    ("We use Llama 2 70B chat as a judge to score DPO pairs for our Falcon model.",
     [f"{L2}:1.b.v", f"{L2}:1.a"], "not_permitted", f"{L2}:1.b.v"),
    ("We distil Llama 3 70B into a smaller Llama 3 8B for internal use only.",
     [f"{L3}:1.b.v", f"{L3}:1.a"], "permitted", f"{L3}:1.a"),
    ("Our app has 800 million monthly active users and we want to ship Llama 3.1 in it.",
     [f"{L31}:2", f"{L31}:1.a"], "not_permitted", f"{L31}:2"),
    ("Our app has 2 million monthly active users and runs Llama 3.1 internally.",
     [f"{L31}:2", f"{L31}:1.a"], "permitted", f"{L31}:1.a"),
    ("We want Llama 3.1 to write malware for our red team exercise.",
     ["llama-3.1-aup:prohibited-uses.b1.b7", f"{L31}:1.b.iv"], "not_permitted", "llama-3.1-aup:prohibited-uses.b1.b7"),
    ("A defense contractor wants a Llama 3.1 fine-tune to help with weapons targeting.",
     ["llama-3.1-aup:prohibited-uses.b2.b1", f"{L31}:1.a"], "not_permitted", "llama-3.1-aup:prohibited-uses.b2.b1"),
    ("We run power grid substation breakers with a Llama 3.3 agent.",
     ["llama-3.3-aup:2.4", "llama-3.3-license:1.a"], "not_permitted", "llama-3.3-aup:2.4"),
    ("We generate fake reviews with Llama 3.1 for our app store page.",
     ["llama-3.1-aup:prohibited-uses.b3.b6"], "not_permitted", "llama-3.1-aup:prohibited-uses.b3.b6"),
    ("We uncensor Llama 3.2 3B by removing the safety refusals and release it.",
     ["llama-3.2-aup:1.7", f"{L32}:1.b.i"], "not_permitted", "llama-3.2-aup:1.7"),
    ("A Berlin GmbH wants to fine-tune Llama 3.2 11B Vision for its own product.",
     ["llama-3.2-aup:p1", f"{L32}:1.a"], "not_permitted", "llama-3.2-aup:p1"),
    ("Our users in Paris use a US vendor's chatbot app built on Llama 3.2 11B Vision as end users.",
     ["llama-3.2-aup:p1", f"{L32}:1.a"], "permitted", f"{L32}:1.a"),
    ("If we sue Meta claiming Llama 3.1 infringes our patent, what happens to our licence?",
     [f"{L31}:5.c", f"{L31}:1.a"], "not_permitted", f"{L31}:5.c"),
    ("We want to release our Llama 3.1 fine-tune under the MIT licence instead of the Llama licence.",
     [f"{L31}:1.b.i", f"{L31}:1.a"], "not_permitted", f"{L31}:1.b.i"),
    ("We host Gemma 2 9B behind an API for our customers.",
     ["gemma-terms-2025:3.1.p1.b1", "gemma-terms-2025:3.1.p1.b2"], "conditional", "gemma-terms-2025:3.1.p1.b1"),
    ("We publish a Gemma 2 2B fine-tune on Hugging Face.",
     ["gemma-terms-2025:3.1.p1.b4", "gemma-terms-2025:3.1.p1.b3"], "conditional", "gemma-terms-2025:3.1.p1.b4"),
    ("Can I relicense my Gemma 2 fine-tune as plain MIT and drop the Gemma terms when I release it?",
     ["gemma-terms-2025:3.1.p2", "gemma-terms-2025:3.1.p1.b1", "gemma-terms-2025:3.1.p1.b2"], "not_permitted",
     "gemma-terms-2025:3.1.p1.b1"),
    ("We jailbreak Gemma to bypass its safety filters in our hosted app.",
     ["gemma-pup:gemma-prohibited-use-policy.p3.p2.p4", "gemma-terms-2025:3.1.p1.b1"], "not_permitted",
     "gemma-pup:gemma-prohibited-use-policy.p3.p2.p4"),
    ("Our Gemma bot makes automated decisions to deny loans with no human review.",
     ["gemma-pup:gemma-prohibited-use-policy.p3.p3.b4"], "not_permitted", "gemma-pup:gemma-prohibited-use-policy.p3.p3.b4"),
    ("We fine-tune an Apache 2.0 model and release the weights on GitHub.",
     ["apache-2.0:4.a", "apache-2.0:4.b", "apache-2.0:2"], "conditional", "apache-2.0:4.a"),
    ("We use an Apache 2.0 model internally on our own servers.",
     ["apache-2.0:2", "apache-2.0:4.a"], "permitted", "apache-2.0:2"),
    ("We fine-tune an Apache 2.0 model and ship it under our own proprietary licence to customers who download it.",
     ["apache-2.0:4.p1", "apache-2.0:4.a"], "conditional", "apache-2.0:4.a"),
    ("We ship a MIT licensed model inside our desktop app installer.",
     ["mit:p2", "mit:p1"], "conditional", "mit:p2"),
    ("We release a model trained on a CC BY-NC 4.0 dataset and sell commercial access.",
     ["cc-by-nc-4.0:2.a.1.b", "cc-by-nc-4.0:3.a.1"], "not_permitted", "cc-by-nc-4.0:2.a.1.b"),
    ("We publish a translation of a CC BY 4.0 dataset on Hugging Face.",
     ["cc-by-4.0:3.a.1", "cc-by-4.0:2.a.1.b"], "conditional", "cc-by-4.0:3.a.1"),
    ("We re-release a cleaned CC BY-SA 4.0 dataset under CC BY-SA 4.0 on Hugging Face.",
     ["cc-by-sa-4.0:2.a.5.c", "cc-by-sa-4.0:3.b.1", "cc-by-sa-4.0:3.a.1"], "conditional", "cc-by-sa-4.0:3.b.1"),
    ("We use GPT-4 outputs to train a general purpose chat assistant that competes with ChatGPT.",
     ["openai-terms-2024:using-our-services.p2.b7", "openai-terms-2024:using-our-services.p8"], "not_permitted",
     "openai-terms-2024:using-our-services.p2.b7"),
    ("Can we sell the images we make with DALL-E commercially?",
     ["openai-terms-2024:using-our-services.p8"], "permitted", "openai-terms-2024:using-our-services.p8"),
    ("We call the OpenAI API from our SaaS backend; which terms apply?",
     ["openai-terms-2024:thank-you-for-using.p3", "openai-terms-2024:using-our-services.p1"], "unclear",
     "openai-terms-2024:thank-you-for-using.p3"),
    ("We use a DeepSeek License model for military logistics planning.",
     ["deepseek-license:iv.use-restrictions.b2", "deepseek-license:iii.5"], "not_permitted",
     "deepseek-license:iv.use-restrictions.b2"),
    ("We offer a DeepSeek License model as a hosted API to customers.",
     ["deepseek-license:iii.4.a", "deepseek-license:iii.4.b"], "conditional", "deepseek-license:iii.4.a"),
    ("Our product with 150 million monthly active users is commercial and runs Qwen2.5 72B.",
     ["qwen-license:4", "qwen-license:2"], "not_permitted", "qwen-license:4"),
    ("We release a Qwen2.5 7B fine-tune on Hugging Face.",
     ["qwen-license:3.a", "qwen-license:3.c", "qwen-license:5.b"], "conditional", "qwen-license:3.a"),
    ("We use StarCoder2 to write ransomware payloads.",
     ["bigcode-openrail-m:iv.c", "bigcode-openrail-m:iii.4"], "not_permitted", "bigcode-openrail-m:iv.c"),
    ("We share our StarCoder2 fine-tune on Hugging Face.",
     ["bigcode-openrail-m:iii.5.2.a", "bigcode-openrail-m:iii.5.1.a"], "conditional", "bigcode-openrail-m:iii.5.2.a"),
    ("Our symptom checker built on BLOOM gives medical advice and interprets lab results for patients.",
     ["bigscience-openrail-m:iv.attachment-a.l"], "not_permitted", "bigscience-openrail-m:iv.attachment-a.l"),
    ("Our company earns $5M a year and uses Stable Diffusion 3.5 under the Stability AI Community License commercially.",
     ["stability-ai-community:p5", "stability-ai-community:p4"], "not_permitted", "stability-ai-community:p5"),
    ("We generate images with SD3.5 under the Stability AI Community License to train our own foundation model from scratch.",
     ["stability-ai-community:p6"], "not_permitted", "stability-ai-community:p6"),
    ("We fine-tune Falcon 2 11B and release it on Hugging Face.",
     ["falcon-2-license:redistribution.p1.p1", "falcon-2-license:redistribution.p1.p2"], "conditional",
     "falcon-2-license:redistribution.p1.p1"),
    ("We fine-tune Claude 3 Opus for our support bot.", [], "unclear", None),
]


@pytest.fixture(scope="module")
def world(corpus):
    return Registry.load(), AnnotationSet.load(), set(corpus.documents), corpus


@pytest.mark.parametrize("question,ranked,verdict,first", SCENARIOS, ids=[s[0][:50] for s in SCENARIOS])
def test_clause_verdict(world, question, ranked, verdict, first):
    registry, annotations, loaded, corpus = world
    facts = read_facts(question, registry)
    governing = governing_documents(facts, annotations, loaded)
    pool = sum(len(corpus.documents[d].clauses) for d in governing)
    result = compose(facts, [(c, i) for i, c in enumerate(ranked, 1)], annotations, loaded, governing, pool)
    assert result.verdict == verdict, result.reason
    if first:
        assert result.clause_ids[0] == first
    assert set(result.clause_ids) <= set(ranked)


def test_trigger_values_are_the_readers_vocabulary():
    """Every use category, method, deployment and role an annotation triggers on is one the scenario reader emits."""
    from retrieval.scenario import Deployment, Method, Role
    from retrieval.usecases import load_categories

    known = {"use_cases": load_categories().ids(), "methods": {m.value for m in Method},
             "not_methods": {m.value for m in Method}, "deployments": {d.value for d in Deployment},
             "not_deployments": {d.value for d in Deployment}, "roles": {r.value for r in Role}}
    bad = [(a.clause_id, k, v) for d in AnnotationSet.load().docs.values() for a in d.rows
           for k, vals in a.conditions.items() if k in known for v in vals if v not in known[k]]
    assert bad == []


def test_enough_scenarios():
    assert len(SCENARIOS) >= 40


def test_an_exception_takes_the_threshold_away(world):
    registry, annotations, loaded, _ = world
    facts = read_facts("We are end users of a product that builds in Llama 2 and has 900 million monthly active users.",
                       registry)
    result = compose(facts, [(f"{L2}:2", 1), (f"{L2}:1.b.ii", 2), (f"{L2}:1.a", 3)], annotations, loaded,
                     governing_documents(facts, annotations, loaded))
    assert result.verdict == "permitted"
    assert any(s.clause_id == f"{L2}:2" and s.verdict is None and "exception" in s.reason for s in result.steps)


def test_not_permitted_offers_the_lawful_route(world):
    registry, annotations, loaded, _ = world
    facts = read_facts("Our app has 800 million monthly active users and we want to ship Llama 3.1 in it.", registry)
    result = compose(facts, [(f"{L31}:2", 1)], annotations, loaded, governing_documents(facts, annotations, loaded))
    assert result.verdict == "not_permitted"
    assert result.alternatives and "separate licence" in result.alternatives[0]


def test_top_rank_means_nothing_in_a_short_document(world):
    """A use-policy item ranked first applies on its wording only when there were many clauses to rank."""
    registry, annotations, loaded, corpus = world
    facts = read_facts("We run Llama 3.3 70B to schedule our overnight maintenance tasks.", registry)
    assert not facts.use_cases  # nothing stated: only the ranking can make the policy item apply
    governing = governing_documents(facts, annotations, loaded)
    ranked = [("llama-3.3-aup:2.4", 1), ("llama-3.3-license:1.a", 2)]
    assert compose(facts, ranked, annotations, loaded, governing, pool=66).verdict == "not_permitted"
    assert compose(facts, ranked, annotations, loaded, governing, pool=8).verdict == "permitted"


def test_governing_documents_pull_in_the_use_policy(world):
    registry, annotations, loaded, _ = world
    facts = read_facts("We fine-tune Gemma 2 9B.", registry)
    assert "gemma-pup" in governing_documents(facts, annotations, loaded)
