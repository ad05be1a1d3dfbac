"""What changed that matters between versions (retrieval/compare.py) and text moved to another document (ui/diff.py),
on the real corpus and rules table."""

from __future__ import annotations

import pytest

from retrieval.compare import ADDED, CHANGED, REMOVED, grounding, name_noise, rule_changes, substance
from retrieval.rules import RuleTable
from ui.diff import ELSEWHERE, align, companions, find_moved


@pytest.fixture(scope="module")
def rules():
    return RuleTable.load()


def _changes(corpus, rules, old, new):
    def text(cid):
        try:
            return corpus.clause(cid).text
        except Exception:  # noqa: BLE001
            return None

    noise = name_noise(corpus.documents[old].spec.title, corpus.documents[new].spec.title)
    return rule_changes(rules, old, new, text, noise)


def test_llama_3_to_3_1_names_the_training_ban_first(corpus, rules):
    changes = _changes(corpus, rules, "llama-3-license", "llama-3.1-license")
    first = changes[0]
    assert (first.rule_id, first.kind, first.verdict) == ("llama-improve-other-llm", REMOVED, "not_permitted")
    assert first.old_clauses == ("llama-3-license:1.b.v",) and first.new_clauses == ()
    assert first.headline == "Restriction removed"
    by_id = {c.rule_id: c for c in changes}
    # s. 1.b.i gained "Built with Llama" and the naming duty for outputs: a reworded duty, with both clauses
    assert by_id["llama-redistribution"].kind == CHANGED
    assert by_id["llama-redistribution"].new_clauses == ("llama-3.1-license:1.b.i", "llama-3.1-license:1.b.iii")
    # "Meta Llama 3" -> "Llama 3.1" and a new policy URL are not changes of terms
    assert "llama-mau" not in by_id and "patent-litigation-termination" not in by_id and "llama-prohibited-use" not in by_id
    # one rule per version on the same clause (name prefix "Llama 3", then "Llama") is one idea reworded
    prefix = by_id["llama-3-name-prefix-missing"]
    assert (prefix.kind, prefix.new_rule_id) == (CHANGED, "llama-name-prefix-missing")
    assert prefix.new_clauses == ("llama-3.1-license:1.b.i",) and "llama-name-prefix-missing" not in by_id
    assert [c.verdict for c in changes] == sorted((c.verdict for c in changes),
                                                  key=lambda v: -["permitted", "conditional", "unclear",
                                                                  "not_permitted"].index(v))


def test_llama_2_to_3_adds_the_naming_duty_and_3_1_to_3_2_the_eu_restriction(corpus, rules):
    by_id = {c.rule_id: c for c in _changes(corpus, rules, "llama-2-license", "llama-3-license")}
    assert by_id["llama-derived-model-naming"].kind == ADDED
    assert by_id["llama-derived-model-naming"].headline == "Duty added"
    first = _changes(corpus, rules, "llama-3.1-license", "llama-3.2-license")[0]
    assert (first.rule_id, first.kind, first.new_clauses) == ("llama-eu-multimodal", ADDED, ("llama-3.2-aup:p1",))


def test_same_document_has_no_changes_and_use_policies_ground_through_their_clauses(corpus, rules):
    assert _changes(corpus, rules, "llama-3-license", "llama-3-license") == []
    rule = rules.get("llama-licensed-professional")
    assert grounding(rule, "llama-3-aup") == ("llama-3-aup:1.4",)
    assert grounding(rule, "llama-3-license") == ("llama-3-aup:1.4",)
    assert grounding(rule, "mit") == ()


def test_substance_ignores_typography_links_and_renamed_words():
    noise = name_noise("Meta Llama 3 Community License Agreement", "Llama 3.1 Community License Agreement")
    assert noise == {"meta", "3", "3.1"}
    a = "\u201cMeta Llama 3\u201d per https://llama.meta.com/llama3/use-policy), **you** must"
    b = '"Llama 3.1" per https://llama.meta.com/llama3_1/use-policy), you must'
    assert substance(a, noise) == substance(b, noise) == "llama per you must"
    assert substance("you must not", noise) != substance("you must", noise)


def test_the_appended_aup_moved_to_the_3_1_aup(corpus):
    rows = align(corpus.documents["llama-3-license"].clauses, corpus.documents["llama-3.1-license"].clauses)
    family = [d for d, doc in corpus.documents.items() if doc.spec.family == "llama"]
    assert companions("llama-3.1-license", family, "llama-3-license") == ["llama-3.1-aup"]
    others = [(c.clause_id, c.text) for c in corpus.documents["llama-3.1-aup"].clauses]
    moved = {r.old_path: r for r in find_moved(rows, others)}
    assert moved["1.b.v"].status == "removed"  # the training ban is really gone, not moved
    assert moved["aup.1.a.i"].status == ELSEWHERE
    assert moved["aup.1.a.i"].moved_to == "llama-3.1-aup:prohibited-uses.b1.b1.b1"
    assert moved["aup.2.a"].moved_to == "llama-3.1-aup:prohibited-uses.b2.b1"
    assert sum(r.status == ELSEWHERE for r in moved.values()) >= 33
    assert find_moved(rows, []) == rows
