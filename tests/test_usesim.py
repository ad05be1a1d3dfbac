"""retrieval/usesim.py with a deterministic embedder: a sentence is put in a category only above the threshold, by a
margin over rival categories and the ordinary scenarios, never from a denial, never past a carve-out; the fake-hash
embedder switches it off; prototype vectors are cached."""

from __future__ import annotations

import re

import pytest

from ingest.embed import HashEmbedding
from retrieval.scenario import use_cases_of
from retrieval.usecases import parse_categories
from retrieval.usesim import (Prototype, UseSimilarity, build_similarity, denied, neutral, prototypes_for,
                              sentences)


class KeywordEmbedder:
    """One axis per known word; a text is the sum of its words' axes, so cosine is shared vocabulary."""

    model_name = "keyword-test"

    def __init__(self, words: str):
        self.index = {w: i for i, w in enumerate(words.split())}
        self.calls = 0

    def get_text_embedding_batch(self, texts, **kwargs):
        self.calls += 1
        out = []
        for text in texts:
            vec = [0.0] * len(self.index)
            for word in re.findall(r"[a-z]+", text.lower()):
                if word in self.index:
                    vec[self.index[word]] += 1.0
            out.append(vec)
        return out


WORDS = "kiln burner burners directly controls agent fake reviews invented personas shopper writes fine tune publish " \
        "weights operators approve every change model glowing stars"
DATA = {
    "category": [
        {"id": "kiln", "label": "kiln", "patterns": ["kiln control"],
         "concepts": ["agent controls kiln burners directly"]},
        {"id": "reviews", "label": "reviews", "patterns": ["fake review"],
         "concepts": ["writes fake reviews under invented shopper personas", "writes fake reviews"]},
        {"id": "stars", "label": "stars", "patterns": ["stars"], "concepts": ["writes fake stars"]},
    ],
    "similarity": {
        "background": ["fine tune the model and publish the weights"],
        "carve_outs": {"human": {"categories": ["kiln"], "texts": ["operators approve every change"]}},
    },
}


@pytest.fixture()
def sim():
    cats, problems = parse_categories(DATA, "test")
    assert problems == []
    return UseSimilarity(KeywordEmbedder(WORDS), prototypes_for(cats), background=cats.background,
                         carve_outs=cats.carve_outs, threshold=0.6, margin=0.05, carve_out=0.55)


def ids(hits):
    return [h.category for h in hits]


def test_a_sentence_near_a_concept_falls_in_its_category(sim):
    hits = sim.match("Our new agent controls the kiln burners directly at night.")
    assert ids(hits) == ["kiln"]
    assert hits[0].score > 0.8 and hits[0].source == "concept"


def test_below_the_threshold_nothing_is_added(sim):
    assert sim.match("The agent sends a weekly report about the plant to the managers.") == ()


def test_the_ordinary_scenarios_absorb_a_licence_question(sim):
    # shares "model" and "writes" with nothing but the background; nearer the background than any category
    assert sim.match("We fine tune the model and publish the weights.") == ()


def test_a_denial_is_never_a_use(sim):
    assert sim.match("The agent will not be used to control kiln burners directly.") == ()
    assert denied("we will never be using it for that") and not denied("the agent controls the kiln burners")


def test_a_carve_out_sentence_takes_the_question_out(sim):
    text = "The agent controls kiln burners directly. Operators approve every change."
    assert sim.match(text) == ()
    # the carve-out is per group: it does not take the question out of other categories
    assert ids(sim.match(text + " It also writes fake reviews under invented shopper personas.")) == ["reviews"]


def test_a_tie_between_categories_adds_neither(sim):
    # as near to "reviews" as to "stars": no margin, so no category
    hits = sim.ranked("it writes fake reviews stars")
    assert hits and hits[0].score > 0.8 and hits[0].margin < 0.05
    assert sim.match("it writes fake reviews stars") == ()


def test_excluded_categories_stay_out(sim):
    assert sim.match("Our agent controls the kiln burners directly.", excluded=lambda c: c == "kiln") == ()


def test_sentences_and_names():
    # quoted licence text names a use, it does not describe one; fragments too short to mean anything are dropped
    assert sentences('We ship the app. "Meta may update this policy from time to time." Is that fine for us?') == \
        ["We ship the app.", "Is that fine for us?"]
    assert neutral("Run Llama-3.1-8B under the Llama 3.1 Community License") == "Run under the 3.1"


def test_fake_hash_and_switched_off_mean_no_similarity(corpus):
    assert build_similarity(HashEmbedding(model_name="fake-hash"), corpus) is None
    assert build_similarity(KeywordEmbedder(WORDS), corpus, enabled=False) is None
    assert build_similarity(None, corpus) is None


def test_prototype_vectors_are_cached(tmp_path):
    cats, _ = parse_categories(DATA, "test")
    first = KeywordEmbedder(WORDS)
    UseSimilarity(first, prototypes_for(cats), background=cats.background, cache_dir=tmp_path, model_name="kw")
    assert first.calls == 1 and list(tmp_path.glob("usesim-*.npy"))
    second = KeywordEmbedder(WORDS)
    again = UseSimilarity(second, prototypes_for(cats), background=cats.background, cache_dir=tmp_path, model_name="kw")
    assert second.calls == 0
    assert ids(again.match("the agent controls kiln burners directly")) == ["kiln"]


def test_bad_similarity_rows_are_reported():
    _, problems = parse_categories({"category": [{"id": "a", "label": "a", "patterns": ["x"], "concepts": [""]}],
                                    "similarity": {"background": "no", "carve_outs": {"g": {"categories": ["zz"],
                                                                                           "texts": []}}}}, "t.toml")
    text = "\n".join(problems)
    assert "concepts must be" in text and "background must be" in text and "unknown category 'zz'" in text \
        and "texts must be" in text


def test_the_scenario_reader_adds_a_category_by_meaning_and_keeps_the_unless():
    # a real category with a prototype the test embedder can see; the words of the question match none of its patterns
    words = "tunes the kiln burner robot nightly operators approve each change before"
    emb = KeywordEmbedder(words)
    sim = UseSimilarity(emb, [Prototype("critical_infrastructure", "robot tunes the kiln burner nightly", "concept")],
                        threshold=0.6, margin=0.0)
    question = "Every night our robot tunes the kiln burner."
    assert use_cases_of(question) == ()
    assert use_cases_of(question, sim) == ("critical_infrastructure",)
    # the category's own `unless` (operators who approve each change) still takes the question out
    assert use_cases_of(question + " Operators approve each change before it is applied.", sim) == ()
