"""The fact reader's pattern prefilter (retrieval/patterns.py): the literal words a pattern needs, and proof that
skipping the patterns whose words are absent changes no fact."""

from __future__ import annotations

import json
import re

import pytest

from retrieval import patterns, registry as registry_module, scenario
from retrieval.answer import clean_question, facts_json
from retrieval.patterns import lowered, needles_of, vocab
from retrieval.registry import Registry

from tests.conftest import REPO


def _questions(*names: str) -> list[str]:
    out = []
    for name in names:
        for line in (REPO / "evals" / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                out.append(clean_question(json.loads(line)["question"])[0])
    return out


def _vocabularies() -> list[list[str]]:
    """Every pattern list the reader tries, as it passes them to `_any`."""
    from retrieval.absent import load_absent
    from retrieval.usecases import load_categories

    lists = [*scenario.LICENCE_PATTERNS.values(), *scenario.METHOD_PATTERNS.values(),
             *scenario.DEPLOYMENT_PATTERNS.values(), *scenario.FLAG_PATTERNS.values(),
             scenario.EU_PATTERNS, scenario.NON_EU_PATTERNS]
    lists += [list(c.patterns) for c in load_categories().categories]
    lists += [list(c.unless) for c in load_categories().categories if c.unless]
    lists += [list(d.patterns) for d in load_absent().documents]
    return [list(x) for x in lists if x]


def test_needles_are_the_literal_words_a_match_needs():
    assert needles_of(r"\bmerg") == ("merg",)
    assert set(needles_of(r"\bsu(?:e|es|ing|ed)\b")) == {"sue", "sues", "suing", "sued"}
    assert set(needles_of(r"qwen[\s-]licen[cs]e")) == {"licence", "license"}
    assert set(needles_of(r"\byears?[\s-]old")) == {"years", "year"}
    # the longest required run wins over a shorter one; anchors and lookarounds consume nothing
    assert set(needles_of(r"\b(?:fix|fixed)\b.{0,40}\b(?:the (?:same|next) day|immediately)\b")) == \
        {"the same day", "the next day", "immediately"}
    assert needles_of(r"(?<!non-)commercial") == ("commercial",)
    assert needles_of(r"\bapi\b(?! company)") == ("api",)
    # upper-case letters in a pattern are looked for lower-cased (the text is lower-cased too)
    assert needles_of(r"Llama\s?3", 0) == ("llama",)
    # nothing literal to require: every pattern of this kind is always run
    assert set(needles_of(r"\b\d+\s*(?:k|m)\b")) == {"k", "m"}  # a required alternation is a requirement too
    assert needles_of(r"\b\d+\s*[km]?\b") is None
    assert needles_of(r"(?:a)?b?") is None
    assert needles_of("通义千问") is None  # non-ASCII letters fold in ways str.lower() does not


def test_non_ascii_text_runs_every_pattern():
    assert lowered("Fine-Tune") == "fine-tune"
    # the long s matches "s" case-insensitively, and "ſ".lower() is not "s": such text skips the prefilter
    assert lowered("we ſell it") is None
    assert re.search(r"\bsell\b", "we ſell it", re.I)
    assert vocab(r"\bsell\b").may_match(lowered("we ſell it"))
    assert not vocab(r"\bsell\b").may_match(lowered("we buy it"))


def test_a_pattern_that_matches_always_passes_the_prefilter():
    """Soundness on real text: for every vocabulary pattern and every public question, a match implies the needles."""
    questions = [q for q in _questions("questions.jsonl")[::2] if q.isascii()]
    assert len(questions) > 100
    lows = [q.lower() for q in questions]
    checked = 0
    for plist in _vocabularies():
        for p in plist:
            v = vocab(p)
            for q, low in zip(questions, lows):
                if v.regex.search(q):
                    checked += 1
                    assert v.may_match(low), (p, q)
    assert checked > 500  # the questions do exercise the vocabularies


def _reference_any(plist: list[str], text: str, affirmed: bool = False) -> bool:
    """`_any` as it was: every pattern run, no prefilter."""
    for p in plist:
        for m in vocab(p).regex.finditer(text):  # the same compiled pattern; only the prefilter is left out
            if not affirmed or not scenario._NEGATION.search(text[max(0, m.start() - 40):m.start()]):
                return True
    return False


def test_any_agrees_with_running_every_pattern():
    questions = _questions("questions.jsonl")[::6] + _questions("blind/dev-a.jsonl")[::10]
    lists = _vocabularies()
    agreed = positives = 0
    for q in questions:
        low = q.lower()
        for plist in lists:
            for affirmed in (False, True):
                want = _reference_any(plist, low, affirmed)
                assert scenario._any(plist, low, affirmed) is want, (plist[:2], q, affirmed)
                agreed += 1
                positives += want
    assert positives > 200 and agreed > positives


@pytest.fixture(scope="module")
def registry():
    return Registry.load()


def test_facts_are_the_same_with_the_prefilter_off(registry, monkeypatch):
    """The reference path: the same reader with every pattern run (no needles), on a sample of every eval set."""
    questions = (_questions("questions.jsonl")[::6] + _questions("heldout.jsonl")[::4]
                 + _questions("blind/dev-a.jsonl")[::10] + _questions("blind/dev-b.jsonl")[::10])
    fast = [facts_json(scenario.read_facts(q, registry)) for q in questions]
    monkeypatch.setattr(scenario, "lowered", lambda text: None)
    monkeypatch.setattr(registry_module, "lowered", lambda text: None)
    slow = [facts_json(scenario.read_facts(q, registry)) for q in questions]
    assert len(questions) > 80
    for q, a, b in zip(questions, fast, slow):
        assert a == b, q


def test_exact_facts_of_a_few_questions(registry):
    facts = scenario.read_facts("We fine-tuned Llama 3.1 8B with LoRA and want to publish the adapter on Hugging Face "
                                "under Apache 2.0.", registry)
    assert [m.model_id for m in facts.models] == ["llama-3.1"]
    assert facts.documents == ("llama-3.1-license", "llama-3.1-aup")
    assert [m.value for m in facts.methods] == ["lora", "full_finetune"]
    assert [d.value for d in facts.deployments] == ["weights_release"]
    assert facts.target_licence == "apache-2.0"
    facts = scenario.read_facts("Can we sue Meta for patent infringement and keep using Llama 3?", registry)
    assert facts.flags == ("litigation",) and facts.documents == ("llama-3-license", "llama-3-aup")
    facts = scenario.read_facts("Our startup never releases the weights; we host Gemma 2 behind our API for paying "
                                "customers.", registry)
    assert [d.value for d in facts.deployments] == ["hosted"]
    assert facts.flags == ("commercial",) and facts.documents == ("gemma-terms-2025", "gemma-pup")


def test_registry_find_skips_only_patterns_that_cannot_match(registry, monkeypatch):
    texts = _questions("questions.jsonl")[::2]
    fast = [[(m.entry.id, m.start, m.end) for m in registry.find(t)] for t in texts]
    monkeypatch.setattr(registry_module, "lowered", lambda text: None)
    slow = [[(m.entry.id, m.start, m.end) for m in registry.find(t)] for t in texts]
    assert fast == slow and sum(map(len, fast)) > 100


def test_vocabulary_keeps_the_order_and_the_regexes():
    plist = [r"\bmerg", r"mergekit", r"\bslerp\b"]
    v = patterns.vocabulary(tuple(plist))
    assert [rx.pattern for _, rx in v.pairs] == plist
    assert all(rx.flags & re.I for _, rx in v.pairs)
    assert v.words == {"merg", "mergekit", "slerp"} and not v.always
    assert patterns.vocabulary((r"\bmerg", r"\d+")).always


def test_the_scan_finds_every_registered_needle_in_a_text():
    questions = [q.lower() for q in _questions("questions.jsonl")[::3] if q.isascii()]
    for plist in _vocabularies():
        patterns.vocabulary(tuple(plist))  # registers the reader's needles
    known = set(patterns._KNOWN)
    assert len(known) > 5000
    for low in questions:
        patterns.forget_scans()
        assert patterns.present(low) == {n for n in known if n in low}


def test_a_scan_is_redone_when_new_needles_are_registered():
    low = "we zqxwv the frobnicator and publish it"
    before = patterns.present(low)
    assert "zqxwv" not in before and patterns.present(low) is before  # remembered for the same text
    patterns.register(["zqxwv", "zq"])
    after = patterns.present(low)
    assert {"zqxwv", "zq"} <= after and after >= before
    patterns.forget_scans()
    assert patterns.present(low) == after
