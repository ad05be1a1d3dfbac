"""The scenario parser on the many ways people write the same thing."""

from __future__ import annotations

import pytest
from hypothesis import given, settings as hsettings, strategies as st

from retrieval.registry import Registry
from retrieval.scenario import Deployment, Method, Role, parse_scenario


@pytest.mark.parametrize("question,model,docs", [
    ("Can I fine-tune meta-llama/Meta-Llama-3-8B-Instruct?", "llama-3", {"llama-3-license"}),
    ("what about lama 3.1 405b??", "llama-3.1", {"llama-3.1-license"}),
    ("LLAMA3.2 VISION 11B for OCR", "llama-3.2-vision", {"llama-3.2-license", "llama-3.2-aup"}),
    ("gema 2 9b finetune", "gemma-2", {"gemma-terms-2025"}),
    ("Mixtral 8x7B under apache", "mixtral", {"apache-2.0"}),
    ("Phi-3-mini on my phone", "phi-3", {"mit"}),
])
def test_models_and_documents(reg, question, model, docs):
    facts = parse_scenario(question, reg)
    assert facts.models[0].model_id == model
    assert docs <= set(facts.documents)


@pytest.mark.parametrize("question,method", [
    ("We trained a QLoRA adapter on it", Method.LORA),
    ("converted to GGUF Q4_K_M", Method.QUANTIZATION),
    ("merged two fine-tunes with mergekit SLERP", Method.MERGE),
    ("distilled the 70B teacher into a small student", Method.DISTILLATION),
    ("continued pre-training on Icelandic text", Method.CONTINUED_PRETRAINING),
    ("used it as the reward model for DPO", Method.RLHF),
    ("we finetuned it on tickets", Method.FULL_FINETUNE),
    ("just chatting with it", Method.PLAIN_USE),
])
def test_methods(reg, question, method):
    assert method in parse_scenario("Llama 3.1 8B: " + question, reg).methods


@pytest.mark.parametrize("question,deployment,absent", [
    ("only our staff use it internally, never shared", Deployment.INTERNAL, Deployment.WEIGHTS_RELEASE),
    ("we will publish the weights on Hugging Face", Deployment.WEIGHTS_RELEASE, None),
    ("served to paying customers through our API; the weights never leave our servers", Deployment.HOSTED, Deployment.WEIGHTS_RELEASE),
    ("shipped inside our Android APK, runs on-device", Deployment.ON_DEVICE, None),
    ("our startup is being acquired in a share purchase", Deployment.ACQUISITION, None),
    ("I'm an end user of a vendor's chatbot built on it", Deployment.END_USER, Deployment.HOSTED),
    ("nothing is published or released", None, Deployment.WEIGHTS_RELEASE),
    ("the checkpoint lives on the lab's GPU cluster and nowhere else", Deployment.INTERNAL, None),
    ("it only runs inside our nightly batch job, never exposed to anyone", Deployment.INTERNAL, Deployment.HOSTED),
    ("we'll post only the benchmark results in a paper", Deployment.INTERNAL, Deployment.WEIGHTS_RELEASE),
    ("we publish the adapter on HF together with our eval results", Deployment.WEIGHTS_RELEASE, None),
    ("hosted behind our API; it runs on our servers", Deployment.HOSTED, Deployment.INTERNAL),
    ("our accountants use an off-the-shelf bookkeeping app that embeds it", Deployment.END_USER, Deployment.HOSTED),
    ("we license a vendor's transcription service built on it, under the vendor's own agreement", Deployment.END_USER, None),
])
def test_deployments(reg, question, deployment, absent):
    facts = parse_scenario("Llama 3.1 8B fine-tune: " + question, reg)
    if deployment:
        assert deployment in facts.deployments
    if absent:
        assert absent not in facts.deployments


def test_roles_follow_the_wording(reg):
    facts = parse_scenario("We generate synthetic data with Llama 3.1 70B and fine-tune Mistral 7B on it", reg)
    roles = {m.model_id: m.role for m in facts.models}
    assert roles["llama-3.1"] is Role.OUTPUT_SOURCE and roles["mistral-7b"] is Role.BASE
    judge = parse_scenario("Llama 3.3 70B acts as the judge for our DPO labels", reg)
    assert judge.models[0].role is Role.JUDGE


def test_targets_scale_place_and_use_cases(reg):
    f = parse_scenario("Berlin GmbH, 800M monthly active users, wants to release its Llama 3 fine-tune under MIT "
                       "and use it to screen CVs", reg)
    assert f.target_licence == "mit" and f.mau == 800_000_000 and f.eu is True and "employment" in f.use_cases
    us = parse_scenario("We are a US company selling a Llama 3.2 Vision service to customers in the EU", reg)
    assert us.eu is False
    asked = parse_scenario("Does ShareAlike force the weights under CC BY-SA?", reg)
    assert asked.target_licence is None


def test_unknowns_stay_unknown(reg):
    f = parse_scenario("Is this allowed?", reg)
    assert f.models == () and "models" in f.unknown and "deployment" in f.unknown and f.mau is None and f.eu is None


def test_terms_not_in_corpus(reg):
    f = parse_scenario("Can I train on Claude 3.5 Sonnet outputs?", reg)
    assert f.models and not f.models[0].in_corpus


@hsettings(max_examples=200, deadline=None)
@given(st.text(max_size=600))
def test_parser_never_crashes(text):
    parse_scenario(text, Registry.load())


# ---- Deployment reading (session 3): what leaves the organisation, said in people's own words.
@pytest.mark.parametrize("question, deployments, stays", [
    ("We use Llama 3.1 to write the blog posts we publish every week; nobody else touches the model.", (Deployment.INTERNAL,), True),
    ("Snippets generated with deepseek-coder-1.3b end up in the desktop app we sell.", (Deployment.INTERNAL,), True),
    ("Only our own staff use the Gemma 2 deployment, behind the VPN. Do we need to show any notice or ship the licence?",
     (Deployment.INTERNAL,), False),
    ("Our kiosks are sold to retailers with Llama 3.2 1B preinstalled.", (Deployment.ON_DEVICE,), False),
    ("The DeepSeek model runs locally on users' laptops through our editor extension.", (Deployment.ON_DEVICE,), False),
])
def test_what_leaves_the_organisation(reg, question, deployments, stays):
    facts = parse_scenario(question, reg)
    assert tuple(d for d in facts.deployments if d in deployments) == deployments
    assert set(facts.deployments) <= set(deployments) | {Deployment.HOSTED} - ({Deployment.HOSTED} if stays else set())
    assert facts.has("model_stays") is stays


def test_a_negated_method_names_no_method(reg):
    facts = parse_scenario("We draft manuals with Llama 3.1 70B; we don't train any model on them.", reg)
    assert facts.methods == (Method.PLAIN_USE,)


def test_a_model_named_to_compare_is_not_in_the_scenario(reg):
    facts = parse_scenario("Does the Falcon 2 11B licence have an EU exclusion like Meta has for Llama 3.2 Vision? "
                           "We will fine-tune tiiuae/falcon-11B and publish it.", reg)
    assert facts.documents == ("falcon-2-license",)
    assert [m.role for m in facts.models if m.family == "llama"] == [Role.MENTIONED]


def test_a_group_total_without_the_word_users(reg):
    facts = parse_scenario("Our app has 40M monthly users; with the parent's other apps the group total is 900M. "
                           "Can we ship Llama 3.3 in it?", reg)
    assert (facts.mau, facts.product_mau) == (900_000_000, 40_000_000)


def test_customers_abroad_do_not_make_the_licensee_european(reg):
    facts = parse_scenario("Somos uma empresa de Curitiba e vamos oferecer o Llama 3.2 Vision por API a clientes "
                           "na Espanha e na Itália.", reg)
    assert facts.eu is not True


def test_the_users_own_brand_name_is_not_a_trademark_question(reg):
    own = parse_scenario("We will publish our Llama 3.1 fine-tune under our brand \"Kestrel-8B\". Is the brand name a problem?", reg)
    meta = parse_scenario("We will publish our Llama 3.1 fine-tune under the name \"MetaLlama-Kestrel\" with the Llama logo as app icon.", reg)
    assert not own.has("trademark") and own.release_name == "Kestrel-8B"
    assert meta.has("trademark") and meta.has("meta_branding")


def test_the_policy_model_of_an_rl_step_is_the_base(reg):
    facts = parse_scenario("We use Llama-2-70b-chat-hf as the reward judge for PPO on Mistral-7B-v0.1.", reg)
    roles = {m.model_id: m.role for m in facts.models}
    assert roles["llama-2"] is Role.JUDGE and roles["mistral-7b"] is Role.BASE
    assert Deployment.WEIGHTS_RELEASE not in facts.deployments  # "-hf" in a model id is not Hugging Face publishing
