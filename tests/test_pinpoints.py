"""Pinpoint ids stay stable: every frozen id of the 22 required documents still names the same words."""

from __future__ import annotations

from ingest.pinpoints import REQUIRED_DOCS, Frozen, check, load_frozen, text_sha


def test_frozen_ids_still_name_the_same_text(corpus):
    frozen = load_frozen()
    assert {r.clause_id.split(":", 1)[0] for r in frozen} == set(REQUIRED_DOCS)
    assert len(frozen) > 900
    problems = check(corpus, frozen, corpus.aliases)
    assert not problems, "\n".join(problems[:30])


def test_every_clause_of_a_required_document_is_frozen(corpus):
    frozen = {r.clause_id for r in load_frozen()}
    new = [c.clause_id for d in REQUIRED_DOCS for c in corpus.documents[d].clauses if c.clause_id not in frozen]
    assert not new, f"new ids not frozen yet (run `clausewise pinpoints --add-new`): {new[:20]}"


def test_the_check_fails_when_an_id_vanishes_or_moves(corpus):
    item = corpus.clause("llama-3-license:1.b.v")
    moved = Frozen("llama-3-license:1.b.v", text_sha(corpus.clause("llama-3-license:1.b.iv").text))
    gone = Frozen("llama-3-license:1.b.vi", text_sha(item.text))
    problems = check(corpus, [moved, gone, Frozen(item.clause_id, text_sha(item.text))], {})
    assert len(problems) == 2
    assert problems[0].startswith("llama-3-license:1.b.v: now names other text")
    assert problems[1].startswith("llama-3-license:1.b.vi: no longer exists")


def test_an_alias_row_keeps_a_renamed_id_valid(corpus):
    target = corpus.clause("llama-3-license:aup.1.a")
    old = Frozen("llama-3-license:meta-llama-3-acceptable.1.a", text_sha(target.text))
    assert check(corpus, [old], corpus.aliases) == []
    assert check(corpus, [old], {}) != []
    wrong = {"llama-3-license:meta-llama-3-acceptable.1.a": "llama-3-license:aup.1.b"}
    assert "now names other text" in check(corpus, [old], wrong)[0]
