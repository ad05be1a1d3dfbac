"""The everyday words for the family licences' ideas (retrieval/family_vocab.py): read from the question, decided by the
rules table, with the exact clauses. The wordings are our own, written from each clause, not eval questions."""

from __future__ import annotations

import re

import pytest

from retrieval import family_vocab
from retrieval.rules import RuleTable
from retrieval.scenario import read_facts
from rulecheck import decide


@pytest.fixture(scope="module")
def table(corpus):
    return RuleTable.load(known_clause_ids={c.clause_id for c in corpus.all_clauses()}, known_doc_ids=set(corpus.documents))


@pytest.mark.parametrize("question,verdict,rule,clause", [
    # staying on the version first accepted, with a later one out
    ("NVIDIA pushed a new Open Model License last month. We'd rather keep shipping our fine-tune under the licence we "
     "agreed to when we downloaded the checkpoint. Is that allowed?",
     "not_permitted", "updated-terms-bind", "nvidia-open-model-license:nvidia-open-model-license.p4.p2.p1"),
    ("The Falcon acceptable use policy got revised after we went live. Can we disregard the updated policy and keep "
     "following the one we read at launch?",
     "not_permitted", "updated-terms-bind", "falcon-2-license:def-acceptable-use-policy"),
    ("I printed the OpenAI terms in 2023 and want to follow that printed copy forever, whatever OpenAI changes later. Fine?",
     "not_permitted", "updated-terms-bind", "openai-terms-2023:9.f"),
    ("The OpenAI terms were updated in December 2024; we intend to stick with the OpenAI terms from March 2023. Can we?",
     "not_permitted", "updated-terms-bind", "openai-terms-2023:9.f"),
    ("We took out the refusal behaviour of an NVIDIA Open Model License model and we run it on our API. Fine?",
     "not_permitted", "nvidia-guardrails", "nvidia-open-model-license:nvidia-open-model-license.p4.p2.p1"),
    # a derivative put under another licence
    ("We want to tag our Gemma 2 fine-tune as Apache-2.0 on the hub, with nothing but Apache-2.0 and no Gemma terms. OK?",
     "not_permitted", "derivative-relicense", "gemma-terms-2025:3.1.p2"),
    ("Our BLOOM fine-tune will be released to partners under terms we drafted ourselves. What must those terms contain?",
     "conditional", "own-terms-for-modifications", "bigscience-openrail-m:iii.4.a"),
    # terms added on shared material that restrict its recipients
    ("We distribute a CC BY 4.0 image set, but users must first sign a form promising they will not redistribute it. "
     "Allowed since we credit the photographers?",
     "not_permitted", "cc-added-restrictions", "cc-by-4.0:2.a.5.b"),
    # a model built to stand against OpenAI's service
    ("Our plan: have GPT-4 (2023 terms) write 2 million dialogues and use them to train an open assistant that takes on "
     "ChatGPT. Legal?",
     "not_permitted", "openai-competing-models", "openai-terms-2023:2.c"),
    # a public statement that names no one
    ("TII isn't credited anywhere in the launch announcement for the hosted chatbot we built on our Falcon 2 11B "
     "fine-tune. Is that acceptable?",
     "not_permitted", "obligation-skipped", "falcon-2-license:publication.p1"),
    # a model run unmodified is no warranty question
    ("We run Phi-3 (MIT) exactly as-is on our own servers for staff. Anything to do?",
     "permitted", "no-distribution-no-conditions", "mit:p1"),
    # personal use, and money asked for a LoRA on a marketplace
    ("I generate desktop backgrounds with Stable Diffusion 3.5 purely for myself and never share them. Do I need to register?",
     "permitted", "stability-non-commercial", "stability-ai-community:p4"),
    ("I trained a LoRA on Stable Diffusion 3.5 Large as a hobby and will charge $3 per download on a LoRA marketplace. "
     "What do I owe Stability?",
     "conditional", "stability-commercial", "stability-ai-community:p5"),
    # what the model wrote goes out, the model stays
    ("The marketing copy on our website was written by gemma-2-9b-it and then published. Does the Gemma licence attach "
     "anything to that copy?",
     "permitted", "gemma-run-internally", "gemma-terms-2025:2.2.p1"),
    # shared without attribution, asked what became of the rights
    ("We shared a corpus including a CC BY 4.0 dataset last week and omitted its attribution. Is our licence gone for good?",
     "conditional", "cc-past-omission", "cc-by-4.0:6.b.1"),
    # guardrails taken out
    ("Can we yank the safety guardrails out of an NVIDIA Open Model License checkpoint and keep serving it?",
     "not_permitted", "nvidia-guardrails", "nvidia-open-model-license:nvidia-open-model-license.p4.p2.p1"),
])
def test_family_idea_in_everyday_words(table, reg, question, verdict, rule, clause):
    _, got, rules, clauses = decide(table, reg, question)
    assert rule in rules, rules
    assert got == verdict
    assert clause in clauses


def test_accepted_terms_without_a_later_version_are_not_a_frozen_reading(reg):
    facts = read_facts("We continue to use our Llama 3.1 fine-tune under the licence we accepted. Anything to do?", reg)
    assert not facts.has("frozen_version")


@pytest.mark.parametrize("question,target", [
    ("Can we put our Mistral fine-tune out with just an MIT license?", "mit"),
    ("We'll sell the checkpoint to clients under a licence of our own drafting.", "proprietary"),
    ("Our client ships the tuned model to its customers under the client's own closed end-user terms.", "proprietary"),
    ("I want to make my Qwen2.5-7B fine-tune MIT so anyone can use it.", "mit"),
    ("Can we put an Apache licence on our deepseek-coder-6.7b fine-tune and ship it?", "apache-2.0"),
    ("We'll distribute our BLOOM fine-tune under our company's standard EULA.", "proprietary"),
    ("Could we hand our Llama 3.1 fine-tune to clients on bespoke commercial terms?", "proprietary"),
    ("We serve it under the standard Llama licence.", None),
    ("HF lists tiiuae/falcon-7b as apache-2.0; the weights are never handed to anyone.", None),
    # the licence named as an adjective of something else, or as the licence of the material the user started from
    ("Can a fine-tune of an Apache-2.0 model go to customers, as long as the Apache notices stay in?", None),
    ("tiiuae/falcon-7b is tagged apache-2.0; we only serve it internally.", None),
    ("Some of our training text was forum posts under CC BY-SA. Must the model be released under share-alike?", None),
    ("We re-release the cleaned dataset under CC BY 4.0 instead of CC BY-SA.", "cc-by-4.0"),
    ("The vendor supplies it under its own Community License.", None),
    # the release verb after the licence name, as a question read from Japanese puts it
    ("our annotated dataset を under CC BY-NC 4.0 publish したい", "cc-by-nc-4.0"),
])
def test_target_licence(reg, question, target):
    assert read_facts(question, reg).target_licence == target


def test_credit_line_is_attribution_and_a_line_of_credit_is_lending(reg):
    attribution = read_facts("Which credit line must our Llama 3.1 fine-tune show on the model page?", reg)
    assert attribution.has("notice") and "credit" not in attribution.use_cases
    lending = read_facts("Our bank lets Llama 3.1 set credit lines for small business customers automatically.", reg)
    assert "credit" in lending.use_cases and not lending.has("notice")


def test_naming_the_rule_is_not_doing_what_it_forbids(reg):
    facts = read_facts("Does the rule against developing competing models bite if we use GPT-4 (2023 terms) outputs to "
                       "train a tiny spam filter that stays on our servers?", reg)
    assert not facts.has("competing") and facts.has("narrow_task")
    assert read_facts("We train a ChatGPT competitor on GPT-4 outputs; is the no-competing rule a problem?", reg).has("competing")


def test_original_llama_3_is_llama_3(reg):
    assert [m.model_id for m in read_facts("We fine-tuned the original Llama 3 8B from April 2024.", reg).models] == ["llama-3"]
    assert [m.model_id for m in read_facts("Was the original LLaMA non-commercial?", reg).models] == ["llama-1"]


def test_vocabulary_compiles():
    for pats in [*family_vocab.FLAGS.values(), *family_vocab.LICENCES.values(), *family_vocab.DEPLOYMENTS.values(),
                 *family_vocab.METHODS.values()]:
        for p in pats:
            re.compile(p)
    for p in (family_vocab.TARGET_GATE, family_vocab.NOT_A_TARGET_AFTER, family_vocab.NOT_A_TARGET_BEFORE,
              family_vocab.RELEASED_BEFORE, family_vocab.DATASET_WORDS, *family_vocab.NOT_SAID.values(),
              *(t for t, _ in family_vocab.TARGETS)):
        re.compile(p)


def test_model_used_to_make_training_data_is_an_output_source(reg):
    facts = read_facts("We used Llama-3-70B-Instruct (the April release, not 3.1) to make ~50k synthetic Q&A pairs and "
                       "fine-tune Qwen2.5-7B on them for release.", reg)
    roles = {m.model_id: m.role.value for m in facts.models}
    assert roles == {"llama-3": "output_source", "qwen2.5": "base"}


@pytest.mark.parametrize("question,flag", [
    ("We'll offer the CC BY dataset only to people who agree not to use it for commercial purposes.", "adds_restrictions"),
    ("We share the CC BY 4.0 corpus, but our download terms forbid any commercial reuse.", "adds_restrictions"),
    ("Do we have to mention Stability anywhere when we sell prints made with SD3.5?", "notice"),
    ("OpenAI changed their terms; can we keep relying on the old ones?", "frozen_version"),
    ("We'd rather train our assistant on GPT-4 answers and take on ChatGPT directly.", "competing"),
])
def test_flag_in_everyday_words(reg, question, flag):
    assert read_facts(question, reg).has(flag)
