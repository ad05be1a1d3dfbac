"""A plan that leaves out what a licence sends with the copies, or adds terms it forbids (retrieval/duty_vocab.py): read
from the question, decided by the rules table, with the exact clauses. The sentences are our own."""

from __future__ import annotations

import pytest

from retrieval.rules import RuleTable
from rulecheck import decide


@pytest.fixture(scope="module")
def table(corpus):
    return RuleTable.load(known_clause_ids={c.clause_id for c in corpus.all_clauses()}, known_doc_ids=set(corpus.documents))


@pytest.mark.parametrize("question,verdict,rule,clause", [
    # the notice named first, its removal after
    ("Our team will publish a cleaned-up copy of an Apache-2.0 model's repository, with the licence headers removed from "
     "every source file. Acceptable?", "not_permitted", "notices-stripped", "apache-2.0:4.c"),
    ("I want to mirror an MIT-licensed checkpoint on my site with the copyright notice taken out of the README. OK?",
     "not_permitted", "notices-stripped", "mit:p2"),
    # the removal first, with other names for the notice
    ("We'd scrub the copyright banner from the MIT inference script before bundling it into the SDK we sell. Allowed?",
     "not_permitted", "notices-stripped", "mit:p2"),
    ("Planning to redistribute an Apache-2.0 model and get rid of the attribution comments in its code. Is that fine?",
     "not_permitted", "notices-stripped", "apache-2.0:4.c"),
    # the author's name replaced by the user's own
    ("We will republish an Apache-2.0 model with the copyright holder's name swapped for our startup's in each file.",
     "not_permitted", "notices-stripped", "apache-2.0:4.c"),
    # the attribution never placed
    ("We serve a Llama 3.3 fine-tune to paying customers through an API and have not added the Built with Llama line "
     "to any page. Is that a breach?", "not_permitted", "obligation-skipped", "llama-3.3-license:1.b.i"),
    ("Our hosted Llama 3.1 tutor app is live; the Built with Llama notice appears nowhere on the site or in the docs.",
     "not_permitted", "obligation-skipped", "llama-3.1-license:1.b.i"),
    # a clause of the user's own terms forbidding what the licence allows
    ("We share a CC BY 4.0 speech corpus on our portal and want the portal terms to include a rule that bars resale of "
     "the recordings. Can we?", "not_permitted", "cc-added-restrictions", "cc-by-4.0:2.a.5.b"),
])
def test_a_left_out_duty_is_read(table, reg, question, verdict, rule, clause):
    _, value, ids, clauses = decide(table, reg, question)
    assert value == verdict
    assert rule in ids
    assert clause in clauses


@pytest.mark.parametrize("question,verdict,absent", [
    # asking whether the notice must stay is not removing it
    # a model mirrored for others, its notices intact, is passed on with its conditions
    ("We'd like to mirror the MIT-licensed checkpoint on our university server, notices and all. What do we owe?",
     "conditional", "notices-stripped"),
    ("Do we have to keep the copyright headers when we redistribute an Apache-2.0 model's training code in our fork?",
     "conditional", "notices-stripped"),
    # a negated removal
    ("We will not delete any copyright lines from the MIT model we re-upload to the hub. What else is needed?",
     "conditional", "notices-stripped"),
    # the badge shown
    ("Our Llama 3.1 chatbot shows the Built with Llama line on its about page and we host it for customers. Anything else?",
     "conditional", "obligation-skipped"),
    # a clause that asks for credit restricts nothing
    ("Can the terms of our portal for a CC BY 4.0 image collection we redistribute add a clause requiring users to "
     "credit the photographers?", "conditional", "cc-added-restrictions"),
])
def test_keeping_or_asking_is_not_leaving_out(table, reg, question, verdict, absent):
    _, value, ids, _ = decide(table, reg, question)
    assert value == verdict
    assert absent not in ids


@pytest.mark.parametrize("question,verdict,rule,clause", [
    # a language model of the user's own making trained on Llama 3 outputs (a bracketed aside after the name, and two
    # verbs for the reworking)
    ("Our analysts used Meta-Llama-3-8B-Instruct (the first 2024 version) to paraphrase and tag training samples, then "
     "trained our home-grown SLM on them. It stays in the company. Any issue?", "not_permitted", "llama-improve-other-llm",
     "llama-3-license:1.b.v"),
    # API keys named first, sold by a pronoun after
    ("I ended up with a few unused OpenAI API keys under the 2024 terms and want to auction them to strangers. OK?",
     "not_permitted", "openai-prohibited-use", "openai-terms-2024:registration-and-access.p2"),
])
def test_other_models_and_keys_are_read(table, reg, question, verdict, rule, clause):
    _, value, ids, clauses = decide(table, reg, question)
    assert value == verdict
    assert rule in ids
    assert clause in clauses


@pytest.mark.parametrize("question,absent", [
    # the user's own LLM said to be a Llama 3 fine-tune is a derivative, not another model
    ("We use Llama 3 70B outputs to distil knowledge into our in-house LLM, which is itself a Llama 3 fine-tune. Allowed?",
     "llama-improve-other-llm"),
    # keys kept and rotated are not passed on
    ("Our company pays for OpenAI API keys under the 2024 terms; we keep them in a vault and rotate them monthly. Fine?",
     "openai-prohibited-use"),
])
def test_derivatives_and_kept_keys_are_not_read_as_such(table, reg, question, absent):
    _, _, ids, _ = decide(table, reg, question)
    assert absent not in ids
