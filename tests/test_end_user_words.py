"""Someone else's product with the model inside, taken as it comes (family_vocab.DEPLOYMENTS["end_user"]), and where a
licensee is said as an adjective of its city: read from the question and decided by the rules table. Our own sentences."""

from __future__ import annotations

import pytest

from retrieval.rules import RuleTable
from rulecheck import decide


@pytest.fixture(scope="module")
def table(corpus):
    return RuleTable.load(known_clause_ids={c.clause_id for c in corpus.all_clauses()}, known_doc_ids=set(corpus.documents))


@pytest.mark.parametrize("question,verdict,rule,clause", [
    # a large licensee buying a vendor's product is outside section 2 (integrated end-user product)
    ("Our insurer has 900 million monthly users and is rolling out an off-the-shelf helpdesk suite whose chatbot runs "
     "on Llama 3.3. Do we need our own licence from Meta?", "permitted", "end-user-of-product", "llama-3.3-license:1.b.ii"),
    # a person in the EU using a foreign app built on a multimodal Llama
    ("I am in Madrid and, as a private user, caption my holiday photos in a foreign app that uses Llama 3.2 Vision. "
     "Does the EU exclusion apply to me?", "permitted", "llama-eu-end-user", "llama-3.2-aup:p1"),
    # a French company said as "parisienne" is in the EU
    ("Nous sommes une agence parisienne et voulons intégrer Llama 3.2 Vision dans notre application pour nos clients. "
     "Est-ce possible ?", "not_permitted", "llama-eu-multimodal", "llama-3.2-aup:p1"),
])
def test_an_end_user_or_a_city_is_read(table, reg, question, verdict, rule, clause):
    _, value, ids, clauses = decide(table, reg, question)
    assert value == verdict
    assert rule in ids
    assert clause in clauses


@pytest.mark.parametrize("question,verdict,absent", [
    # a vendor's platform that hosts the user's own model is the user's deployment
    ("We use a third-party platform to host our Llama 3.1 fine-tune for paying customers. What do we owe?",
     "conditional", "end-user-of-product"),
    # counting someone as a user is not being one
    ("We count every free account as a user, which gives 800 million monthly active users. Can we keep serving Llama 3.1 in our app?",
     "not_permitted", "end-user-of-product"),
])
def test_own_deployment_is_not_end_use(table, reg, question, verdict, absent):
    _, value, ids, _ = decide(table, reg, question)
    assert value == verdict
    assert absent not in ids


@pytest.mark.parametrize("question,verdict,rule", [
    # a duty asked about is not the act that triggers it: a copy of the licence, distribution paperwork
    ("Our HR team runs Llama 3.3 on our own servers to draft job descriptions, for our employees only. Must we mail anyone a "
     "copy of the licence?", "permitted", "llama-internal-use"),
    ("Gemma 2 9B sorts our internal support tickets on our own servers and no one outside sees it. What distribution "
     "requirements apply?", "permitted", "gemma-run-internally"),
])
def test_a_duty_asked_about_is_not_a_release(table, reg, question, verdict, rule):
    facts, value, ids, _ = decide(table, reg, question)
    assert value == verdict
    assert rule in ids
    assert "weights_release" not in {d.value for d in facts.deployments}


def test_a_copy_of_the_model_still_goes_out(table, reg):
    facts, value, ids, clauses = decide(table, reg, "We will send customers a copy of our Llama 3.1 fine-tune on a USB "
                                                     "stick. What must we include?")
    assert value == "conditional"
    assert "llama-redistribution" in ids and "llama-3.1-license:1.b.iii" in clauses
