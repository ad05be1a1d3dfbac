"""Who gets the model and what was done to it, read from the everyday words people use for them (s4dep): internal use
said as "nobody outside", weights that never go out beside a service that does, someone else's release, a copy that
ends up on a customer's machine, a model trained further, taught from another model's answers or used as a judge,
charging for it, the user's own terms as the release licence and the name a release goes out as."""

from __future__ import annotations

import pytest

from retrieval.rules import Verdict
from retrieval.scenario import Deployment, Method, Role, parse_scenario
from rulecheck import verdict_of


D = Deployment


@pytest.mark.parametrize("question,deployments", [
    # no one outside the organisation receives or reaches it
    ("We tuned Llama 3.1 8B on our runbooks; people outside the firm never get to use it.", {D.INTERNAL}),
    ("Our Gemma 2 fine-tune is reachable only over the company VPN and no client ever sees it.", {D.INTERNAL}),
    ("The Qwen2.5 adapter is used only by our own researchers; nobody outside the lab ever touches it.", {D.INTERNAL}),
    ("We won't hand the tuned Mistral 7B or its data to anyone; it is for a thesis.", {D.INTERNAL}),
    ("I render posters with Stable Diffusion 3.5 just for myself and I don't sell or share any of them.", {D.INTERNAL}),
    ("We distilled Llama 3.1 70B into a 1B model and keep it for ourselves.", {D.INTERNAL}),
    ("An RLHF run on Llama 2 13B: none of it ever leaves our GPU cluster.", {D.INTERNAL}),
    ("We tuned Qwen2.5 7B and are not going to publish it or offer it to anyone outside.", {D.INTERNAL}),
    ("Only our finance team uses the Llama 3.1 tune.", {D.INTERNAL}),
    # a service others reach, while the weights themselves stay
    ("A Gemma 2 fine-tune answers paying subscribers through our API; the weights are never handed to anyone.", {D.HOSTED}),
    ("We run Falcon 7B behind a web-based editor our clients log into; nobody outside gets the checkpoint.", {D.HOSTED}),
    ("We charge developers per token for calls to our Llama 3.3 endpoint.", {D.HOSTED}),
    ("Visitors paste a contract, and the assistant built on Qwen2.5 replies with a summary.", {D.HOSTED}),
    ("Our Gemma 2 model is open to the general public through a help widget.", {D.HOSTED}),
    # "adults only" says who the users are, not that only the organisation uses it
    ("A paid storytelling app, adults only, running on our own servers on a Llama 3.1 tune.", {D.HOSTED}),
    ("On our own servers we run a site built on Llama 3.1 where members write stories with it.", {D.HOSTED}),
    # a copy goes out: handed over, passed on, put out, listed for sale
    ("We'll give the tuned Gemma 2 checkpoint to three partner banks.", {D.WEIGHTS_RELEASE}),
    ("Once our Mistral 7B merge is done we'll put it back out on the Hub.", {D.WEIGHTS_RELEASE}),
    ("I want to pass the quantised Llama 3.1 weights on to a friend's startup.", {D.WEIGHTS_RELEASE}),
    ("We'd list our SD 3.5 LoRA on a marketplace for models for $3.", {D.WEIGHTS_RELEASE}),
    ("We're thinking of licensing the weights of our Llama 3.1 tune to a partner.", {D.WEIGHTS_RELEASE}),
    ("Subscribers will download the Qwen2.5 fine-tune as a package.", {D.WEIGHTS_RELEASE}),
    # the copy ends up on hardware someone else owns
    ("Each kiosk we sell comes with the Llama 3.2 1B weights already installed.", {D.ON_DEVICE}),
    ("Our engineers install the Gemma 2 model on the client's own servers.", {D.ON_DEVICE}),
    ("The product team wants Phi-3 built into our desktop client.", {D.ON_DEVICE}),
    # code or weights copied into what the customer receives, or licensed on to customers
    ("We vendored an Apache-2.0 inference library into the SDK we give to partners.", {D.ON_DEVICE}),
    # linking counts only when static or dynamic, and no word for a device stands in for it here
    ("The MIT tokenizer library is statically linked into the binary we give our customers.", {D.ON_DEVICE}),
    ("Can we sublicense the tuned Qwen2.5 model to our licensees?", {D.ON_DEVICE}),
    ("The Falcon 7B weights go out as part of our product that we sell to hospitals.", {D.ON_DEVICE}),
    ("The SD 3.5 LoRA is packaged in the game we sell.", {D.ON_DEVICE}),
])
def test_deployments_in_everyday_words(reg, question, deployments):
    facts = parse_scenario(question, reg)
    assert deployments <= set(facts.deployments), facts.deployments


@pytest.mark.parametrize("question,absent", [
    # someone else's release, or the hub as where the model card was read, is no release by the user
    ("We host Falcon 7B exactly as TII released it, for our support agents. Anything to do?", D.WEIGHTS_RELEASE),
    ("Hugging Face lists the model as Apache-2.0; we only call it from our own backend.", D.WEIGHTS_RELEASE),
    ("We fine-tuned Mistral 7B on a dataset we pulled from HF and serve it through our API.", D.WEIGHTS_RELEASE),
    ("Customers chat with our Gemma 2 bot online but never get the weights.", D.WEIGHTS_RELEASE),
    # the weights stay, the service does not: outsiders never receiving the weights is no internal-only use
    ("Clients use our Llama 3.1 fine-tune through a REST API; clients never receive the weights.", D.INTERNAL),
    # bundling the licence text is a duty, not a bundle with the model inside
    ("Our Llama 3.1 tune is used only by staff over the VPN. Must we bundle the licence text anywhere?", D.ON_DEVICE),
    # a chatbot for the organisation's own people is no service to others
    ("We're a Lyon startup using Llama 3.1 8B (text only) for an internal chatbot.", D.HOSTED),
    # API access to a model is not a copy of it, and passing the use rules on to users is a flow-down
    ("We want to sell API access to the merged Qwen2.5 model.", D.WEIGHTS_RELEASE),
    ("Our hosted Gemma 2 service: must we pass the prohibited-use rules on to our API users?", D.WEIGHTS_RELEASE),
    # selling something inside an app, or linking to a page, hands over no copy of the model
    ("We sell credits in our Llama 3.1 chat app.", D.ON_DEVICE),
    ("The Gemma 2 assistant on our site links users into the product tour.", D.ON_DEVICE),
])
def test_not_a_deployment(reg, question, absent):
    assert absent not in parse_scenario(question, reg).deployments


@pytest.mark.parametrize("question,method", [
    ("We trained Gemma 2 2B further on our own manuals.", Method.FULL_FINETUNE),
    ("After another round of training on our tickets, the Llama 3.1 model got better.", Method.FULL_FINETUNE),
    ("We're continuing pretraining of Qwen2.5 7B on Swahili web text.", Method.CONTINUED_PRETRAINING),
    ("We gave Llama 3.1 8B a further round of pretraining on raw legal filings.", Method.CONTINUED_PRETRAINING),
    ("We kept training StarCoder2 on raw unlabelled Rust code from our repos.", Method.CONTINUED_PRETRAINING),
    ("Llama 3.1 70B writes our training set and we then tune Mistral 7B on those examples.", Method.DISTILLATION),
    ("We teach a smaller model from Llama 3.1 405B's answers.", Method.DISTILLATION),
    ("We collected 50k chat logs from GPT-4 and used them to train our own bot.", Method.DISTILLATION),
    ("We keep whatever GPT-4 returns and use it as a corpus to build our model.", Method.DISTILLATION),
    ("Gemma 2 27B picks the better of two answers so we can DPO our Qwen2.5.", Method.RLHF),
    ("Qwen2.5-72B grades pairs of responses from our Mistral 7B.", Method.RLHF),
    ("We're doing instruction tuning on Gemma 2 9B with our FAQ.", Method.FULL_FINETUNE),
    ("We averaged the weights of two Llama 3 fine-tunes into one.", Method.MERGE),
])
def test_methods_in_everyday_words(reg, question, method):
    assert method in parse_scenario(question, reg).methods


def test_instruction_tuning_data_is_no_tuning(reg):
    facts = parse_scenario("We cleaned a CC BY 4.0 instruction-tuning dataset and will share it on HF.", reg)
    assert facts.methods == (Method.PLAIN_USE,)


def test_no_plan_to_put_it_out(reg):
    facts = parse_scenario("We don't plan to put our Gemma 2 model on the Hub; only our data team uses it.", reg)
    assert facts.deployments == (Deployment.INTERNAL,)


def test_score_people_is_no_preference_labelling(reg):
    facts = parse_scenario("Can a bank use a DeepSeek-licensed model to score loan applicants' essays?", reg)
    assert Method.RLHF not in facts.methods


@pytest.mark.parametrize("question,roles", [
    ("Qwen2.5-72B-Instruct, under the Qwen licence, produces instruction-tuning examples; we train "
     "meta-llama/Llama-3.1-8B-Instruct on them.", {"qwen2.5-72b": Role.OUTPUT_SOURCE, "llama-3.1": Role.BASE}),
    ("We distilled Llama 3.1 405B into an 8B student.", {"llama-3.1": Role.OUTPUT_SOURCE}),
    ("GPT-4 ranks candidate answers so we can run PPO on Llama 3.1 8B.", {"openai": Role.JUDGE, "llama-3.1": Role.BASE}),
    ("Qwen2.5-72B grades pairs of responses from our Mistral 7B during DPO.", {"qwen2.5-72b": Role.JUDGE, "mistral-7b": Role.BASE}),
])
def test_roles_in_a_pipeline(reg, question, roles):
    facts = parse_scenario(question, reg)
    assert {m.model_id: m.role for m in facts.models if m.model_id in roles} == roles


def test_openai_shaped_api_names_no_openai_model(reg):
    facts = parse_scenario("We serve Llama 3.3 through an endpoint that speaks the OpenAI API format.", reg)
    assert [m.model_id for m in facts.models] == ["llama-3.3"]


@pytest.mark.parametrize("question,flag,present", [
    ("We'd charge $4 a month for the Llama-based app.", "commercial", True),
    ("We charge people for API access to the merged model.", "commercial", True),
    ("The Qwen app is free of charge and we never sell anything.", "commercial", False),
    ("I build LoRAs in my spare time for fun.", "personal", True),
    ("The buyer wants it completely unbranded.", "skips_obligation", True),
    ("In the launch post, Meta is not mentioned anywhere.", "skips_obligation", True),
    ("We'll upload it to HF with none of the usage restrictions.", "skips_obligation", True),
    ("The Phi-3 model runs as-is, untouched, for our staff.", "warranty", False),
    ("The model is provided as-is, and we wonder who is liable.", "warranty", True),
    ("Does the rule against building competing models apply to our spam filter?", "competing", False),
    ("We'd market it as a stand-in for GPT-4.", "competing", True),
    ("We're taking Meta to court over a patent.", "litigation", True),
    ("Is the fine-tune our client built its own property?", "ownership", True),
    ("A tiny in-house model whose sole task is tagging invoices.", "narrow_task", True),
])
def test_flags_in_everyday_words(reg, question, flag, present):
    assert parse_scenario(question, reg).has(flag) is present


@pytest.mark.parametrize("question,target", [
    ("I'm labelling my Gemma 2 2B tune as MIT.", "mit"),
    ("We'll upload the StarCoder fine-tune with just an MIT licence.", "mit"),
    ("Can I put my StarCoder2 tune back out under nothing but Apache-2.0?", "apache-2.0"),
    ("The tune goes to customers under the client's own closed end-user terms.", "proprietary"),
    ("We'll release the checkpoint under a licence we write ourselves.", "proprietary"),
    # the Apache notices carried along are no licence the release goes out under
    ("Our Mistral tune ships to buyers under our own EULA, as long as the Apache notices stay in.", "proprietary"),
])
def test_release_licence(reg, question, target):
    assert parse_scenario(question, reg).target_licence == target


def test_licensors_own_licence_is_no_release_target(reg):
    assert parse_scenario("apple/OpenELM-3B ships with Apple's own sample code license; can we bundle it in an app?",
                          reg).target_licence is None


@pytest.mark.parametrize("question,name", [
    ("We'll hand the weights to clients as 'Falconer-7B', our own brand.", "Falconer-7B"),
    ("We train Qwen2.5 on Llama 3.1 outputs and sell the weights as \"Ridge-8B\".", "Ridge-8B"),
])
def test_release_name(reg, question, name):
    assert parse_scenario(question, reg).release_name == name


def test_outputs_published_leave_the_model_home(reg):
    for question in ("Our brochure copy is written by gemma-2-9b-it and then printed.",
                     "Llama 3.1 70B drafts the text of our help pages, which we then publish.",
                     "Our paid app now includes code that deepseek-coder-6.7b-instruct generated."):
        facts = parse_scenario(question, reg)
        assert facts.has("model_stays") and facts.deployments == (Deployment.INTERNAL,), question


def test_credit_line_is_attribution_not_lending(reg):
    facts = parse_scenario("We ship a Cosmos fine-tune to customers. Which credit lines must we include?", reg)
    assert "credit" not in facts.use_cases and "automated_decisions" not in facts.use_cases


def test_internal_gemma_tune_needs_no_flow_down(reg, table):
    facts = parse_scenario("We trained gemma-2-9b further on our code; only our developers use it and nobody outside the "
                           "company ever gets it. Any licence steps?", reg)
    verdict, rules, clauses = verdict_of(table, facts)
    assert verdict is Verdict.PERMITTED and "gemma-distribution" not in rules


def test_apache_hosted_with_weights_kept_has_no_conditions(reg, table):
    facts = parse_scenario("Hugging Face lists tiiuae/falcon-7b as apache-2.0. Our staff and our SaaS customers use it; "
                           "the weights are never handed to anyone.", reg)
    verdict, rules, _ = verdict_of(table, facts)
    assert verdict is Verdict.PERMITTED and rules == {"no-distribution-no-conditions"}


def test_weights_to_customers_under_own_terms_carry_apache_conditions(reg, table):
    facts = parse_scenario("A client trained Mistral-7B-v0.1 further and wants to sell it to customers under a "
                           "proprietary contract of its own drafting. What does Apache-2.0 require?", reg)
    verdict, rules, clauses = verdict_of(table, facts)
    assert verdict is Verdict.CONDITIONAL and "distribution-conditions" in rules
    assert "apache-2.0:4" in {c.rsplit(".", 1)[0] if c.count(".") > 1 else c for c in clauses} or \
        any(c.startswith("apache-2.0:4") for c in clauses)


def test_box_with_llama_preinstalled_carries_redistribution_duties(reg, table):
    facts = parse_scenario("A client sells an on-prem box to clinics; each box comes with the Llama 4 Scout weights "
                           "already installed. What must go out with every unit?", reg)
    assert Deployment.ON_DEVICE in facts.deployments and Deployment.INTERNAL not in facts.deployments
    verdict, rules, clauses = verdict_of(table, facts)
    assert verdict is Verdict.CONDITIONAL and "llama-redistribution" in rules
    assert "llama-4-license:1.b.i" in clauses


def test_unstated_deployment_branches(fake_services):
    # A fine-tune whose use is not said: the answer branches, the headline is the most restrictive branch.
    answer = fake_services.engine.answer("We fine-tuned Llama 3.1 8B on our sales notes. What does Meta expect from us?")
    assert not answer.facts.deployments
    assert {b.assumption.value for b in answer.branches} >= {"internal", "weights_release"}
    assert answer.verdict == "conditional" and answer.clarify is not None
