"""Questions about the terms beyond the model-family licences (OpenAI Terms of Use, Creative Commons, Apache-2.0 and
MIT, NVIDIA) and about documents the corpus lacks: read from the question, decided by the rules table, with the exact
clauses. The wordings are our own paraphrases of each clause's scenario, not eval questions."""

from __future__ import annotations

import pytest

from ingest.errors import ConfigError
from retrieval.absent import load_absent, parse_absent
from retrieval.rules import RuleTable, combine
from retrieval.scenario import read_facts
from rulecheck import decide


@pytest.fixture(scope="module")
def table(corpus):
    return RuleTable.load(known_clause_ids={c.clause_id for c in corpus.all_clauses()}, known_doc_ids=set(corpus.documents))


@pytest.mark.parametrize("question,verdict,rule,clause", [
    # OpenAI Terms of Use
    ("We opened three OpenAI accounts so we could use the free trial credits more than once (March 2023 terms).",
     "not_permitted", "openai-free-tier-accounts", "openai-terms-2023:4.e"),
    ("Can my 15-year-old use ChatGPT for her essays if I agree to it?",
     "conditional", "openai-minimum-age", "openai-terms-2024:registration-and-access.p1"),
    ("Our 9 year old wants his own ChatGPT login. We're fine with it, is OpenAI?",
     "not_permitted", "openai-under-minimum-age", "openai-terms-2024:registration-and-access.p1"),
    ("Under the March 2023 OpenAI terms: a larger firm is acquiring our startup. Does our OpenAI agreement go with the company?",
     "not_permitted", "openai-change-of-control", "openai-terms-2023:9.e"),
    ("Using GPT-4 outputs (2023 terms) to train a narrow classifier that only routes support tickets: is that a model that competes with OpenAI?",
     "unclear", "openai-competition-undefined", "openai-terms-2023:2.c"),
    ("Can I use GPT-4 outputs to fine-tune a model that sorts our invoices?",
     "unclear", "openai-output-training-competition-unstated", "openai-terms-2024:using-our-services.p2.b7"),
    ("What disclosure does OpenAI require when I publish a blog post drafted with ChatGPT?",
     "unclear", "openai-publication-policy", "openai-terms-2024:using-our-services.p1"),
    ("Our secondary school wants pupils aged 14-16 to try ChatGPT; what do OpenAI's terms ask of us?",
     "conditional", "openai-minimum-age", "openai-terms-2024:registration-and-access.p1"),
    ("We're merging with a larger company next month; our OpenAI account is on the March 2023 terms. Does it carry over?",
     "not_permitted", "openai-change-of-control", "openai-terms-2023:9.e"),
    ("Can my 15-year-old sign up for ChatGPT without parental consent?",
     "not_permitted", "openai-minor-without-consent", "openai-terms-2024:registration-and-access.p1"),
    ("Under the March 2023 terms, may a client present GPT-4 marketing copy as written by its human staff?",
     "not_permitted", "openai-prohibited-use", "openai-terms-2023:2.c"),
    ("We re-shared a CC BY 4.0 dataset without credits and fixed it 6 weeks later. Are we licensed again?",
     "not_permitted", "cc-breach-cured-late", "cc-by-4.0:6.b.2"),
    # Creative Commons
    ("We license a CC BY 4.0 corpus to customers under terms that prohibit reverse engineering and resale.",
     "not_permitted", "cc-added-restrictions", "cc-by-4.0:2.a.5.b"),
    ("Our CC BY-SA 4.0 credits were missing for three months after a reader told us; we have now fixed it. Are we licensed again automatically?",
     "not_permitted", "cc-breach-cured-late", "cc-by-sa-4.0:6.b.2"),
    ("We trimmed a CC BY-SA 4.0 dataset and want to republish it under CC BY-NC 4.0.",
     "not_permitted", "cc-by-sa-sharealike", "cc-by-sa-4.0:3.b.1"),
    ("Can we publish a cropped version of a CC BY 4.0 image set under CC BY-SA 4.0?",
     "conditional", "cc-by-adapter-licence", "cc-by-4.0:3.a.4"),
    ("We will redistribute a CC BY 4.0 corpus inside our toolkit and add our own field-of-use restrictions on top of it.",
     "not_permitted", "cc-added-restrictions", "cc-by-4.0:2.a.5.b"),
    ("The CC BY-SA 4.0 dataset we shared on the hub lacked the credits; we corrected it within 5 days of noticing. Is our licence back?",
     "permitted", "cc-breach-cured-in-time", "cc-by-sa-4.0:6.b.1"),
    ("We shared a CC BY 4.0 dataset without attribution and only fixed it 3 months after we found out. Are we licensed again?",
     "not_permitted", "cc-breach-cured-late", "cc-by-4.0:6.b.2"),
    ("We added a 'no commercial use' clause when we redistributed a CC BY 4.0 corpus. Is that allowed?",
     "not_permitted", "cc-added-restrictions", "cc-by-4.0:3.a.4"),
    ("We published a CC BY 4.0 dataset without the licence notice by mistake and corrected it the next day. Still in breach?",
     "permitted", "cc-breach-cured-in-time", "cc-by-4.0:6.b.1"),
    # Apache-2.0 and MIT
    ("We install an Apache-2.0 model on-prem for a client. Does the NOTICE file have to go with it?",
     "conditional", "distribution-conditions", "apache-2.0:4.d"),
    ("Our team shipped a Mistral 7B fine-tune to customers inside our appliance without the Apache licence text. How do we fix this going forward?",
     "conditional", "past-omission-remedied", "apache-2.0:4.a"),
    ("I want to publish an MIT-licensed model's weights after deleting the license notice.",
     "not_permitted", "notices-stripped", "mit:p2"),
    ("Can we call our app 'Mistral Helper'? It runs Mistral 7B behind our API.",
     "not_permitted", "no-trademark-licence", "apache-2.0:6"),
    ("We forgot the NOTICE file when we shipped version 1 of our product with an Apache 2.0 model; what now?",
     "conditional", "past-omission-remedied", "apache-2.0:4"),
    # OpenAI, more wordings
    ("Our blog posts come from ChatGPT but go out under a human author's name, saying he wrote them.",
     "not_permitted", "openai-prohibited-use", "openai-terms-2024:using-our-services.p2.b5"),
    ("A ChatGPT Plus account shared by me and my wife: is that allowed?",
     "not_permitted", "openai-prohibited-use", "openai-terms-2024:registration-and-access.p2"),
    ("What are the rules for sharing ChatGPT conversations publicly on social media?",
     "unclear", "openai-publication-policy", "openai-terms-2024:using-our-services.p1"),
    # NVIDIA Open Model License
    ("We'll ship our Cosmos-based model to customers but leave out the 'Built on NVIDIA Cosmos' line.",
     "not_permitted", "notices-stripped", "nvidia-open-model-license:nvidia-open-model-license.p4.p3.p2"),
    ("We plan to sue NVIDIA, claiming their open model infringes our patent. Does our licence survive?",
     "not_permitted", "patent-litigation-termination", "nvidia-open-model-license:nvidia-open-model-license.p4.p2.p1"),
    ("We fine-tuned the refusals out of a model under the NVIDIA Open Model License and plan to post it.",
     "not_permitted", "nvidia-guardrails", "nvidia-open-model-license:nvidia-open-model-license.p4.p2.p1"),
    # The terms' own duties and limits, Sharing, updated terms, names (s3terms); our own wordings of each clause
    ("Can we spread our crawler's requests over ten ChatGPT logins so the rate limit never kicks in?",
     "not_permitted", "openai-prohibited-use", "openai-terms-2024:using-our-services.p2.b6"),
    ("Under the March 2023 terms, may I sell a couple of our unused API keys to another startup?",
     "not_permitted", "openai-prohibited-use", "openai-terms-2023:2.c"),
    ("We send patient names and phone numbers to the OpenAI API for appointment summaries (March 2023 terms). What do we need?",
     "conditional", "openai-personal-data", "openai-terms-2023:5.c"),
    ("Our contractors in Kenya will use our OpenAI API key (March 2023 terms). Allowed?",
     "unclear", "openai-supported-geographies", "openai-terms-2023:2.c"),
    ("I'm in Dublin. Under the December 2024 OpenAI terms can I train a rival chatbot on ChatGPT answers?",
     "unclear", "openai-regional-terms", "openai-terms-2024:thank-you-for-using.p2"),
    ("We generated a logo with ChatGPT's image tool for our bakery. Can we put it on our bags?",
     "permitted", "openai-use-output", "openai-terms-2024:using-our-services.p8"),
    ("Our site shows CC BY 4.0 photos in a public gallery; what must the page carry?",
     "conditional", "cc-share-online", "cc-by-4.0:3.a.1"),
    ("We translated a CC BY-SA 4.0 manual and want to release it under just CC BY 4.0.",
     "not_permitted", "cc-by-sa-sharealike", "cc-by-sa-4.0:3.b.1"),
    ("The author of a CC BY-SA 4.0 text in our corpus told us to remove his name from the credits. Must we?",
     "conditional", "cc-licensor-removal-request", "cc-by-sa-4.0:3.a.3"),
    ("We host a CC BY 4.0 corpus for download behind a gate which forbids resale by downloaders.",
     "not_permitted", "cc-added-restrictions", "cc-by-4.0:2.a.5.b"),
    ("Our Apache-2.0 based assistant will be sold as 'Falcon Legal Pro'. Any issue?",
     "not_permitted", "no-trademark-licence", "apache-2.0:6"),
    ("NVIDIA changed the Open Model License last month; can we keep shipping our derivative under the version we originally accepted?",
     "not_permitted", "updated-terms-bind", "nvidia-open-model-license:nvidia-open-model-license.p4.p2.p1"),
    ("Can we stick with the old version of the Falcon 2 acceptable use policy we downloaded last year?",
     "not_permitted", "updated-terms-bind", "falcon-2-license:def-acceptable-use-policy"),
    ("We host a Falcon 2 11B fine-tune for customers, and our launch post won't mention TII at all. Fine?",
     "not_permitted", "obligation-skipped", "falcon-2-license:publication.p1"),
    ("Our shop makes about $150k a year, but a holding company owns 70% of us and made $40M last year. We use SD 3.5 for paid product shots.",
     "not_permitted", "stability-large-revenue", "stability-ai-community:p5"),
    ("Our app built on Qwen2.5-72B has 30M monthly active users; our parent company's other apps have 250M MAU. Is the Qwen 100M rule triggered?",
     "conditional", "qwen-under-mau", "qwen-license:4"),
    ("We run an NVIDIA Open Model License model behind our paid SaaS; nobody outside gets the weights. What do we owe?",
     "permitted", "no-distribution-no-conditions", "nvidia-open-model-license:nvidia-open-model-license.p4.p2.p4"),
    ("PhD student here: I run SD 3.5 Large on my laptop for dissertation experiments. Do I need to register?",
     "permitted", "stability-non-commercial", "stability-ai-community:p4"),
    ("A government agency runs Qwen2.5-72B (Qwen License Agreement) on its own servers for translation. Does Qwen forbid that?",
     "permitted", "qwen-use", "qwen-license:2"),
    ("We'll fine-tune Falcon 2 11B and publish it from Paris. Is there an EU carve-out like Meta has for Llama 3.2 Vision?",
     "conditional", "distribution-conditions", "falcon-2-license:redistribution.p1.p1"),
    ("Our $400k/yr app runs on SD 3.5 under the Community License, and a $25M firm is acquiring us next month. Can we go on as before?",
     "not_permitted", "stability-large-revenue", "stability-ai-community:p5"),
    ("Provided export control rules are followed, can a defence supplier use a Qwen License Agreement model in-house for document search?",
     "permitted", "qwen-use", "qwen-license:2"),
])
def test_clause_scenarios(table, reg, question, verdict, rule, clause):
    facts, got, rules, clauses = decide(table, reg, question)
    assert rule in rules, (rules, facts.flags, facts.deployments, facts.target_licence)
    assert clause in clauses
    assert got == verdict


@pytest.mark.parametrize("question,title,displaced", [
    ("Is Qwen-14B-Chat, under the Tongyi Qianwen licence, fine for commercial use?", "Tongyi Qianwen", "qwen-license"),
    ("BLOOM is under the BigScience RAIL License v1.0. Can we host it for paying users?", "BigScience RAIL License v1.0", "bigscience-openrail-m"),
    ("We downloaded 01-ai/Yi-6B early on; the Apache licence came later, I think. Commercial use OK?", "Yi Series", "apache-2.0"),
])
def test_a_named_document_the_corpus_lacks_is_unclear_and_no_nearby_licence_stands_in(table, reg, question, title, displaced):
    facts, verdict, rules, _ = decide(table, reg, question)
    assert any(title in m for m in facts.missing)
    assert displaced not in facts.documents
    assert verdict == "unclear" and "document-not-in-corpus" in rules


def test_an_absent_document_beside_a_corpus_licence_keeps_that_licence(table, reg):
    facts, verdict, rules, _ = decide(table, reg, "We fine-tune Mistral 7B on GPL-3.0 code and keep the model internal.")
    assert facts.missing == ("GNU General Public License (GPL)",)
    assert "apache-2.0" in facts.documents and verdict == "unclear"


@pytest.mark.parametrize("question", [
    "We don't use any GPL code; the Mistral 7B fine-tune stays internal.",
    "We fine-tune Llama 3.1 8B on support tickets and release the weights on Hugging Face.",
    "Our brand team wants a new logo for the app built on Gemma 2.",
])
def test_ordinary_questions_name_no_missing_document(reg, question):
    facts = read_facts(question, reg)
    assert facts.missing == ()


def test_new_flags_stay_quiet_on_ordinary_questions(reg):
    quiet = {"multiple_accounts", "minor", "under_13", "publication_rules", "adds_restrictions", "cured_in_time",
             "cured_late", "past_omission"}
    for q in ["We fine-tune Llama 3.1 8B on support tickets and release the weights on Hugging Face.",
              "A 5 year old startup hosts Gemma 2 9B for 300 customers.",
              "We serve Mistral 7B to paying users through our API; what must we do?",
              "Can I sell images I make with Stable Diffusion 3.5?"]:
        assert not quiet & set(read_facts(q, reg).flags), q


def test_a_non_profit_is_not_commercial(reg):
    facts = read_facts("A non-profit lab uses a CC BY-NC 4.0 dataset for a psychology study.", reg)
    assert "commercial" not in facts.flags


def test_the_target_licence_is_not_a_governing_document_beside_the_source(reg):
    facts = read_facts("We relabelled a CC BY 4.0 dataset and want to publish it under CC BY-NC 4.0.", reg)
    assert facts.target_licence == "cc-by-nc-4.0" and facts.documents == ("cc-by-4.0",)


def test_a_plain_cc_by_source_beside_a_cc_by_nc_target_is_the_governing_licence(reg):
    facts = read_facts("Can I combine a CC BY dataset with my own data and license the combined dataset as CC BY-NC?", reg)
    assert facts.target_licence == "cc-by-nc-4.0" and facts.documents == ("cc-by-4.0",) and "cc-by-4.0" in facts.licences


def test_the_absent_documents_file_is_valid(corpus):
    assert load_absent().validate(set(corpus.documents)) == []


def test_bad_absent_rows_are_all_reported():
    table, problems = parse_absent({"document": [
        {"id": "a", "title": "A", "patterns": ["("], "examples": ["x"]},
        {"id": "b", "title": "B", "patterns": ["bee"], "examples": ["wasp"], "instead_of": ["no-such-doc"]},
        {"id": "c"},
    ]}, "t.toml")
    assert any("does not compile" in p for p in problems)
    assert any("'wasp' is not matched" in p for p in problems)
    assert any("missing field" in p for p in problems)
    assert any("no-such-doc" in p for p in table.validate({"mit"}))
    with pytest.raises(ConfigError):
        from pathlib import Path
        bad = Path(__file__).parent / "fixtures" / "__no_such_absent__.toml"
        load_absent(bad)


@pytest.mark.parametrize("question,title,displaced", [
    ("Our scraped forum dataset is CC BY-NC-SA 4.0; can we publish a cleaned copy?", "NonCommercial-ShareAlike", {"cc-by-nc-4.0", "cc-by-sa-4.0"}),
    ("The photos are CC BY 3.0. We'd like to ship them in our app with credits.", "before version 4.0", {"cc-by-4.0"}),
    ("A CC BY-ND 4.0 text collection: may we publish a translated version?", "NoDerivatives", {"cc-by-4.0"}),
    ("What do OpenAI's usage policies say about generating campaign slogans?", "OpenAI Usage Policies", set()),
])
def test_a_named_licence_version_or_policy_the_corpus_lacks_is_not_read_as_its_neighbour(table, reg, question, title, displaced):
    facts, verdict, rules, _ = decide(table, reg, question)
    assert any(title in m for m in facts.missing)
    assert not displaced & set(facts.documents)
    assert verdict == "unclear" and "document-not-in-corpus" in rules


def test_the_gemma_appendix_question_is_unclear(table, reg):
    facts, verdict, rules, clauses = decide(table, reg, 'The 2025 Gemma Terms define "Gemma" by an Appendix. Does that definition cover CodeGemma?')
    assert "model-list-not-in-corpus" in rules and "gemma-terms-2025:1.1.c" in clauses and verdict == "unclear"


def test_an_openai_compatible_endpoint_is_not_openai(reg):
    facts = read_facts("We serve Llama 3.1 70B behind an OpenAI-compatible API to paying developers.", reg)
    assert not {"openai-terms-2023", "openai-terms-2024"} & set(facts.documents) and "openai_api" not in facts.flags
    assert "openai-terms-2024" in read_facts("We call the OpenAI API to label our tickets.", reg).documents


def test_longest_glossary_phrase_wins():
    from retrieval.language import read_language
    reading = read_language("Je fais des images pour mon usage personnel, sans rien vendre à personne. Est-ce que la licence le permet ?")
    glosses = reading.text.split(" . ")[-1]
    assert "not selling anything" in glosses and "personal use" in glosses
    assert "sell" not in glosses.replace("not selling anything", "")


def test_a_model_named_for_comparison_is_not_governing(reg):
    facts = read_facts("Does Falcon 2 11B have an EU exclusion like Meta has for Llama 3.2 Vision?", reg)
    assert facts.documents == ("falcon-2-license",)
    assert [m.role.value for m in facts.models if m.family == "llama"] == ["mentioned"]
