"""Retrieval standing on its own (issue 12): the clause-annotation votes, version tokens, repeated provisions across
versions, the one reading of the condition vocabulary, and the cross-check's strength. Exact clause ids throughout."""

from __future__ import annotations

import pytest

from evals.runner import Evidence, Question
from evals.search_only import SearchResult, search_metrics
from ingest.annotations import AnnotationSet
from ingest.errors import ConfigError
from retrieval.clause_verdict import ClauseStep, ClauseVerdict, compose, governing_documents
from retrieval.crosscheck import reconcile
from retrieval.freesearch import acted_on, facet_clauses, rule_free_search, triggered_clauses
from retrieval.registry import Registry
from retrieval.rules import Verdict, holds
from retrieval.scenario import Facts, ModelRef, Role, read_facts
from retrieval.search import version_tags


@pytest.fixture(scope="module")
def world(corpus):
    return Registry.load(), AnnotationSet.load(), set(corpus.documents)


def test_version_tags():
    assert version_tags("Meta-Llama-3.1-70B-Instruct") == ["llama3p1"]
    assert version_tags("llama 3 8b and Llama 3.2") == ["llama3", "llama3p2"]
    assert version_tags("doc_id: llama-3.1-license") == ["llama3p1"]
    assert version_tags("Falcon 2 11B") == ["falcon2"]
    assert version_tags("Llama") == []


def test_triggered_clauses_follow_the_stated_facts(world):
    registry, annotations, loaded = world
    facts = read_facts("A defense contractor wants a Llama 3.1 fine-tune to help with weapons targeting.", registry)
    docs = governing_documents(facts, annotations, loaded)
    assert "llama-3.1-aup:prohibited-uses.b2.b1" in triggered_clauses(facts, annotations, docs)
    released = read_facts("We will publish our Llama 3.1 70B fine-tune on Hugging Face.", registry)
    ids = triggered_clauses(released, annotations, ["llama-3.1-license"])
    assert {"llama-3.1-license:1.b.i", "llama-3.1-license:1.b.iii"} <= set(ids)
    internal = read_facts("We fine-tune Llama 3.1 8B with LoRA for internal ticket triage; nothing leaves our servers.",
                          registry)
    assert "llama-3.1-license:1.b.iii" not in triggered_clauses(internal, annotations, ["llama-3.1-license"])


def test_facets_name_what_the_scenario_acts_on(world):
    registry, annotations, _ = world
    facts = read_facts("We serve a Llama 3.1 fine-tune to paying customers through our API.", registry)
    assert {"hosting", "modification"} <= acted_on(facts)
    facets = facet_clauses(facts, annotations, ["llama-3.1-license"])
    assert facets["llama-3.1-license:1.b.i"] >= 1  # acts on hosting
    assert acted_on(Facts()) == set()


def test_the_annotation_vote_lifts_a_triggered_clause(fake_services):
    searcher, annotations = fake_services.searcher, fake_services.annotations
    text = "Can a Llama 3.1 model help a defense contractor?"
    plain = [h.clause_id for h in searcher.search(text, k=40, doc_ids=["llama-3.1-aup"], steer=False)]
    voted = [h.clause_id for h in searcher.search(text, k=40, doc_ids=["llama-3.1-aup"], steer=False,
                                                  annotated=["llama-3.1-aup:prohibited-uses.b2.b1"])]
    target = "llama-3.1-aup:prohibited-uses.b2.b1"
    assert target in voted and (target not in plain or voted.index(target) < plain.index(target))
    facts = read_facts("A defense contractor wants a Llama 3.1 fine-tune to help with weapons targeting.",
                       fake_services.registry)
    hits = rule_free_search(searcher, annotations, facts, "A defense contractor wants a Llama 3.1 fine-tune to help "
                            "with weapons targeting.", 5)
    assert {h.doc_id for h in hits} <= {"llama-3.1-license", "llama-3.1-aup"}
    assert target in [h.clause_id for h in hits]


def test_a_provision_repeated_in_another_version_moves_down(fake_services):
    searcher = fake_services.searcher
    ordered = ["llama-3-license:1.b.i", "llama-3.1-license:1.b.i", "llama-3.1-license:1.a"]
    assert searcher._distinct_versions(ordered, "do we include the licence?", 5) == [
        "llama-3-license:1.b.i", "llama-3.1-license:1.a", "llama-3.1-license:1.b.i"]
    # A question that names both versions keeps both where they rank.
    assert searcher._distinct_versions(ordered, "Llama 3 vs Llama 3.1", 5) == ordered


def test_one_reading_of_the_condition_vocabulary():
    mit = ModelRef("m", "M", Role.BASE, ("mit",), True, "mit", "mit", False)
    facts = Facts(models=(mit,), documents=("mit",), target_licence="mit")
    assert holds("has_target", True, facts, "mit")  # the rules table: a target licence is named
    assert not holds("has_target", True, facts, "mit", new_licence_only=True)  # the clauses: same licence, no change
    with pytest.raises(ConfigError):
        holds("no_such_condition", True, facts, "mit")
    assert holds("no_such_condition", True, facts, "mit", strict=False) is False
    llama = ModelRef("l", "L", Role.BASE, ("llama-3.1-license",), True, "x", "llama", False)
    f2 = Facts(models=(llama,), documents=("llama-3.1-license",))
    assert not holds("roles", ["base"], f2, "llama-3.1-aup")
    assert holds("roles", ["base"], f2, "llama-3.1-aup", family_docs={"llama-3.1-license"})


def test_a_duty_the_question_skips_is_a_breach(world):
    registry, annotations, loaded = world
    facts = read_facts("When I redistribute an MIT model's weights I will strip the LICENSE file.", registry)
    assert facts.has("skips_obligation")
    result = compose(facts, [("mit:p2", 1)], annotations, loaded, governing_documents(facts, annotations, loaded))
    assert result.verdict == "not_permitted" and result.clause_ids[0] == "mit:p2"


def test_a_lead_in_condition_does_not_decide(world):
    registry, annotations, loaded = world
    facts = read_facts("We fine-tune on a CC BY 4.0 dataset, only inside the company.", registry)
    governing = governing_documents(facts, annotations, loaded)
    result = compose(facts, [("cc-by-4.0:4.p1", 1)], annotations, loaded, governing, lead_ins={"cc-by-4.0:4.p1"})
    assert [s.verdict for s in result.steps if s.clause_id == "cc-by-4.0:4.p1"] == [None]


def _clause(verdict: str, cid: str, strong: bool, ranked: tuple[str, ...]) -> ClauseVerdict:
    step = ClauseStep(cid, 1, "obligation", verdict, "", "")
    return ClauseVerdict(verdict, (cid,), strong, f"{verdict} on {cid}", (step,), ranked=ranked)


def test_the_flag_carries_a_strength():
    annotations = AnnotationSet.load()
    ranked = ("llama-3.1-license:1.a", "llama-3.1-license:1.b.i")
    # Strong: 'permitted' resting on one reading of an unstated shipping mode.
    r = reconcile(Verdict.PERMITTED, {"llama-3.1-license:1.a"}, _clause("permitted", "llama-3.1-license:1.a", True, ranked),
                  annotations, set(), True, ranked=list(ranked), deployment_stated=False,
                  finding_verdicts={Verdict.PERMITTED})
    assert r.flagged and r.signs == ("one_reading",) and r.strength == 1.0
    # Weak alone: the clauses do not settle a 'permitted' the rules give on stated facts -> a note, no flag.
    unclear = ClauseVerdict("unclear", (), False, "none of the ranked clauses decides", (), ranked=ranked)
    r = reconcile(Verdict.PERMITTED, {"llama-3.1-license:1.a"}, unclear, annotations, set(), True, ranked=list(ranked),
                  deployment_stated=True, finding_verdicts={Verdict.PERMITTED})
    assert not r.flagged and r.signs == ("unsettled",) and r.strength == 0.5 and r.notes
    # A stricter clause reading on strong evidence flags a conditional answer, and the headline stays.
    r = reconcile(Verdict.CONDITIONAL, {"llama-3.1-license:1.b.i"},
                  _clause("not_permitted", "llama-3.1-license:2", True, ("llama-3.1-license:2",) + ranked), annotations,
                  {"llama-3.1-license:1.b.i"}, True, ranked=["llama-3.1-license:2", *ranked], deployment_stated=True,
                  finding_verdicts={Verdict.CONDITIONAL})
    assert r.flagged and "stricter" in r.signs and r.verdict is Verdict.CONDITIONAL and not r.changed
    # With no rule, a bare grant ranked first does not turn 'unclear' into 'permitted'.
    r = reconcile(Verdict.UNCLEAR, set(), _clause("permitted", "llama-3.1-license:1.a", True, ranked), annotations,
                  set(), False, ranked=list(ranked), deployment_stated=True, finding_verdicts=set())
    assert r.verdict is Verdict.UNCLEAR and not r.changed


def test_search_only_credits_the_same_words_in_the_other_version():
    q = Question("q", "text", "conditional", (Evidence("gemma-terms-2024", "a copy of this Agreement"),), ())
    row = ("gemma-terms-2025:3.1.p1.b2", "gemma-terms-2025", "give a copy of this Agreement", 0.5, ("gemma-terms-2024",))
    assert search_metrics([SearchResult(q, [row], [row[:4]])])["steered_recall@1"] == 1.0
    assert search_metrics([SearchResult(q, [row[:4]], [])])["steered_recall@1"] == 0.0
