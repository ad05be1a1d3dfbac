"""The Ask page as a research workspace (issue 15), through AppTest: saved conversations, links, rename, delete and
undo, follow-ups with carried facts, input limits, the complete facts panel."""

from __future__ import annotations

import sqlite3

import pytest
from streamlit.testing.v1 import AppTest

from retrieval.history import DB_NAME, History
from test_app import (APP, INTERNAL_Q, TIMEOUT, app_env, ask, assert_clean, indexed_home, markdown, own_home,  # noqa: F401
                      start, verdicts)

pytestmark = pytest.mark.integration

FIRST = "We did a full fine-tune of Llama 3.1 8B and will publish the weights on Hugging Face."
FOLLOW = "And if we only serve it through an API?"


@pytest.fixture
def home(app_env):
    """The shared indexed home with an empty conversation store."""
    History(app_env / DB_NAME)
    with sqlite3.connect(app_env / DB_NAME) as db:
        db.execute("PRAGMA foreign_keys = ON")
        db.execute("DELETE FROM conversations")
    return app_env


def store(home) -> History:
    return History(home / DB_NAME)


def sidebar_conversations(at: AppTest) -> list[str]:
    return [b.label.replace("\\", "") for b in at.sidebar.button if (b.key or "").startswith("conv-") and b.key != "conv-new"]


def test_a_question_is_saved_and_a_link_reopens_it(home):
    at = ask(start(), INTERNAL_Q)
    saved = store(home).list()
    assert len(saved) == 1 and saved[0].title == INTERNAL_Q and saved[0].turns == 1
    cid = saved[0].id
    assert at.query_params["c"] == cid
    assert any(INTERNAL_Q in label for label in sidebar_conversations(at))
    assert any(str(home / DB_NAME) in c.value for c in at.sidebar.caption)  # where conversations are stored
    # a reload, a restart or a pasted link: a fresh session with ?c=<id>
    again = AppTest.from_file(APP, default_timeout=TIMEOUT)
    again.query_params["c"] = cid
    again.run()
    assert_clean(again)
    assert verdicts(again) == ["permitted"]
    turn = again.session_state["turns"][0]
    assert turn.question == INTERNAL_Q and turn.answer.verdict == "permitted"
    assert "`llama-3-license:1.a`" in markdown(again) or any(c.clause_id.startswith("llama-3-license")
                                                            for c in turn.answer.citations)
    # a second question goes into the same conversation
    ask(again, "And if we publish the weights?")
    assert store(home).get(cid).turns == 2


def test_an_unknown_conversation_link_says_so(home):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["c"] = "nope"
    at.run()
    assert_clean(at)
    assert any("No saved conversation 'nope'" in w.value.replace("\\", "") for w in at.warning)
    assert not at.session_state["turns"]


def test_rename_delete_with_confirmation_and_undo(home):
    at = ask(start(), INTERNAL_Q)
    cid = at.session_state["conv_id"]
    at.text_input(key="rename-title").set_value("Memo: internal LoRA").run()
    at.button(key="rename-go").click().run()
    assert store(home).get(cid).title == "Memo: internal LoRA"
    assert any("Memo: internal LoRA" in label for label in sidebar_conversations(at))
    # the delete button sits behind a confirmation popover; nothing is deleted before "Delete it"
    assert store(home).list()
    at.button(key="delete-go").click().run()
    assert_clean(at)
    assert store(home).list() == [] and not at.session_state["turns"]
    assert any("Deleted" in i.value and "Memo: internal LoRA" in i.value.replace("\\", "") for i in at.info)
    assert "c" not in at.query_params
    at.button(key="undo-delete").click().run()
    assert_clean(at)
    assert [c.id for c in store(home).list()] == [cid]
    assert verdicts(at) == ["permitted"] and at.session_state["conv_id"] == cid


def test_new_conversation_and_switching_between_saved_ones(home):
    at = ask(start(), INTERNAL_Q)
    first = at.session_state["conv_id"]
    at.button(key="conv-new").click().run()
    assert not at.session_state["turns"]
    ask(at, FIRST)
    second = at.session_state["conv_id"]
    assert second != first and len(store(home).list()) == 2
    assert at.multiselect(key="facts-1-methods").value == ["full_finetune"]
    at.button(key=f"conv-{first}").click().run()
    assert_clean(at)
    assert [t.question for t in at.session_state["turns"]] == [INTERNAL_Q]
    shown = at.multiselect(key="facts-1-methods").value  # the reopened question's facts, not the other one's
    assert shown == [m.value for m in at.session_state["turns"][0].answer.facts.methods] and "lora" in shown
    assert at.query_params["c"] == first


def test_reopening_after_the_corpus_changed_says_so(home):
    at = ask(start(), INTERNAL_Q)
    cid = at.session_state["conv_id"]
    with sqlite3.connect(home / DB_NAME) as db:
        db.execute("UPDATE turns SET corpus_version = 'old000000000' WHERE conversation_id = ?", (cid,))
    again = AppTest.from_file(APP, default_timeout=TIMEOUT)
    again.query_params["c"] = cid
    again.run()
    assert_clean(again)
    assert any("the corpus changed" in w.value for w in again.warning)
    assert any("earlier corpus (version old000000000" in c.value for c in again.caption)


def test_follow_up_carries_model_and_method_visibly_and_one_click_drops_them(home):
    at = ask(ask(start(), FIRST), FOLLOW)
    second = at.session_state["turns"][1]
    assert [c.field for c in second.carried] == ["models", "methods"] and second.carried_from == 1
    facts = second.answer.facts
    assert [m.model_id for m in facts.models] == ["llama-3.1"] and "llama-3.1-license" in facts.documents
    assert [d.value for d in facts.deployments] == ["hosted"]
    assert all(c.doc_id.startswith("llama-3.1") for c in second.answer.citations[:2])
    assert not any(c.doc_id.startswith("openai") for c in second.answer.citations)
    assert any("Carried over from question 1: Llama 3.1; Full fine-tune / SFT" in c.value.replace("\\", "")
               for c in at.caption)
    assert store(home).turns(at.session_state["conv_id"])[1].payload["carried"][0]["field"] == "models"
    assert at.multiselect(key="facts-2-methods").value == ["full_finetune"]
    at.button(key="drop-2-methods").click().run()
    assert_clean(at)
    assert at.multiselect(key="facts-2-methods").value == ["plain_use"]  # the panel shows the new facts
    second = at.session_state["turns"][1]
    assert [c.field for c in second.carried] == ["models"] and second.dropped == ("methods",)
    assert [m.value for m in second.answer.facts.methods] == ["plain_use"]
    assert len(at.session_state["turns"]) == 2  # answered again in place
    at.button(key="drop-2-models").click().run()
    second = at.session_state["turns"][1]
    assert second.carried == () and second.answer.facts.models == ()
    assert second.answer.verdict == "unclear"


def test_a_question_naming_a_new_model_carries_nothing(home):
    at = ask(ask(start(), FIRST), "What about Gemma 2 9B, used internally?")
    assert at.session_state["turns"][1].carried == ()
    assert not any("Carried over" in c.value for c in at.caption)


def test_an_over_long_question_is_kept_and_the_limit_said(home):
    long_q = "We fine-tuned Llama 3 8B with LoRA and use it internally only. " + "background " * 600
    assert len(long_q) > 4000
    at = ask(start(), long_q)
    turn = at.session_state["turns"][0]
    assert turn.question == long_q  # the whole text is kept
    assert any(f"{len(long_q):,} characters long; the first 4,000 are read" in w.value.replace("\\", "")
               for w in at.warning)
    assert verdicts(at) == ["permitted"]


def test_facts_panel_has_every_fact_and_the_summary_follows_edits(home):
    at = ask(start(), INTERNAL_Q)
    p = "facts-1-"
    for key in ("models", "documents", "licences", "methods", "deployments", "datasets", "use_cases", "flags"):
        assert at.multiselect(key=p + key) is not None
    for key in ("target", "eu", "multimodal", "role-llama-3"):
        assert at.selectbox(key=p + key) is not None
    assert at.number_input(key=p + "mau") is not None and at.number_input(key=p + "revenue") is not None
    targets = at.selectbox(key=p + "target").options
    assert targets[0] == "Keep the base terms (no other licence)"
    for lic in ("mit", "apache-2.0", "cc-by-4.0", "cc-by-nc-4.0", "llama-3.1-license", "gemma-terms-2025",
                "deepseek-license", "falcon-2-license"):
        assert lic in targets, lic
    # the summary updates before any re-run
    at.multiselect(key=p + "deployments").set_value(["weights_release"]).run()
    assert_clean(at)
    assert any("Your corrections" in i.value and "Weights released" in i.value for i in at.info)
    assert any("The facts the re-run will use" in m.value for m in at.markdown)
    assert len(at.session_state["turns"]) == 1
    # methods are exclusive: plain use clears the training methods, a training method clears plain use
    at.multiselect(key=p + "methods").set_value(["lora", "full_finetune", "plain_use"]).run()
    assert at.multiselect(key=p + "methods").value == ["plain_use"]
    at.multiselect(key=p + "methods").set_value(["plain_use", "merge"]).run()
    assert at.multiselect(key=p + "methods").value == ["merge"]
    # a model swapped for another brings its own governing documents
    at.multiselect(key=p + "models").set_value(["gemma-2"]).run()
    docs = at.multiselect(key=p + "documents").value
    assert "gemma-terms-2025" in docs and "llama-3-license" not in docs
    at.button(key=p + "rerun").click().run()
    assert_clean(at)
    second = at.session_state["turns"][1]
    assert second.parent == 1 and [m.model_id for m in second.answer.facts.models] == ["gemma-2"]
    assert any(c.startswith("models: Meta Llama 3 (base) \u2192 Gemma 2 (base)") for c in second.changes)
    changed = [i.value.replace("\\", "") for i in at.info if "What the re-run changed" in i.value]
    assert changed and "verdict: permitted \u2192 conditional" in changed[0]
    assert "rules now applying: gemma-distribution" in changed[0]
    assert "rules no longer applying: llama-internal-use" in changed[0]


def test_facts_panel_targets_users_revenue_and_flags(home):
    at = ask(start(), FIRST)
    p = "facts-1-"
    at.selectbox(key=p + "target").set_value("cc-by-nc-4.0")
    at.number_input(key=p + "mau").set_value(800_000_000)
    at.number_input(key=p + "revenue").set_value(5_000_000)
    at.multiselect(key=p + "flags").set_value(["commercial"])
    at.multiselect(key=p + "use_cases").set_value(["malware"]).run()
    at.button(key=p + "rerun").click().run()
    assert_clean(at)
    facts = at.session_state["turns"][1].answer.facts
    assert facts.target_licence == "cc-by-nc-4.0" and facts.mau == 800_000_000 and facts.revenue == 5_000_000
    assert facts.flags == ("commercial",) and facts.use_cases == ("malware",)
    assert at.session_state["turns"][1].answer.verdict == "not_permitted"


# --- Compare versions ----------------------------------------------------------------------------------------------

def _compare(query: dict[str, str]) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    at.switch_page("ui/pages/compare.py").run()
    assert_clean(at)
    return at


def test_compare_summary_names_the_training_ban_first_with_both_clauses(app_env):
    at = _compare({"old": "llama-3-license", "new": "llama-3.1-license"})
    assert at.selectbox(key="cmp-old-llama").value == "llama-3-license"
    assert at.selectbox(key="cmp-new-llama").value == "llama-3.1-license"
    heads = [m.value for m in at.markdown if m.value.startswith("**") and "rule `" in m.value]
    assert heads[0].startswith("**1. Restriction removed**") and "`llama-improve-other-llm`" in heads[0]
    assert "improve any other large language model" in heads[0]
    links = [p.proto.query_string for p in at.get("page_link")]
    assert links[0] == "clause=llama-3-license%3A1.b.v"  # the old clause, linked; the new side has none
    assert any("Not grounded in this version" in m.value and "The clause is gone" in m.value for m in at.markdown)
    # a reworded duty: the redistribution clause 1.b.i, both versions shown
    assert any("Duty reworded" in h and "`llama-redistribution`" in h for h in heads)
    assert "clause=llama-3.1-license%3A1.b.i" in links
    # renamed product words alone ("Meta Llama 3" -> "Llama 3.1") are not a change: s. 2 (700 million MAU) is not listed
    assert not any("`llama-mau`" in h for h in heads)


def test_compare_shows_the_appended_aup_as_moved_with_links(app_env):
    at = _compare({"old": "llama-3-license", "new": "llama-3.1-license"})
    table = at.dataframe[0].value
    moved = table[table["status"] == "moved to another document"]
    assert len(moved) >= 30
    assert list(table[table["clause"] == "1.b.v"]["status"]) == ["removed"]
    row = table[table["clause"] == "aup.1.a.i"]
    assert list(row["moved to"]) == ["llama-3.1-aup:prohibited-uses.b1.b1.b1"]
    html = markdown(at)
    assert 'href="corpus?clause=llama-3.1-aup%3Aprohibited-uses.b1.b1.b1"' in html
    assert any("are not gone" in i.value and "llama\\-3\\.1\\-aup" in i.value for i in at.info)
    assert int({m.label: m.value for m in at.metric}["Removed"]) < 5


def test_compare_keyword_filter_and_link_round_trip(app_env):
    at = _compare({"old": "llama-3-license", "new": "llama-3.1-license", "q": "output"})
    assert at.text_input(key="cmp-filter").value == "output"
    filtered = list(at.dataframe[0].value["clause"])
    assert "1.b.v" in filtered and "aup.2.a" not in filtered  # no "output" in the weapons clause
    at.text_input(key="cmp-filter").set_value("").run()
    assert len(at.dataframe[0].value) > len(filtered)
    at.text_input(key="cmp-filter").set_value("output").run()
    assert any("contain \u201coutput\u201d" in c.value for c in at.caption)
    assert at.query_params["old"] == "llama-3-license" and at.query_params["q"] == "output"
    assert any("old=llama-3-license&new=llama-3.1-license&q=output" in c.value for c in at.code)
    at.text_input(key="cmp-filter").set_value("zzzz-no-such-word").run()
    assert any("No differing clause contains" in i.value for i in at.info)


def test_compare_selection_survives_leaving_the_page(app_env):
    at = start()
    at.switch_page("ui/pages/compare.py").run()
    at.selectbox(key="cmp-family").set_value("gemma").run()
    at.selectbox(key="cmp-old-gemma").set_value("gemma-terms-2024").run()
    at.selectbox(key="cmp-new-gemma").set_value("gemma-terms-2025").run()
    at.switch_page("ui/pages/corpus.py").run()
    at.switch_page("ui/pages/compare.py").run()
    assert_clean(at)
    assert at.selectbox(key="cmp-family").value == "gemma"
    assert at.selectbox(key="cmp-old-gemma").value == "gemma-terms-2024"
    assert at.selectbox(key="cmp-new-gemma").value == "gemma-terms-2025"


def test_a_clause_link_opens_the_clause_in_a_fresh_session(app_env):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["clause"] = "llama-3-license:1.b.v"
    at.run()
    at.switch_page("ui/pages/corpus.py").run()
    assert_clean(at)
    assert at.text_input(key="open-id").value == "llama-3-license:1.b.v"
    assert any(c.value.startswith('Meta Llama 3 Community License Agreement (2024-04-18), s. 1.b.v: \u201cYou will not use')
               for c in at.code)


def test_a_store_from_a_newer_version_is_reported_and_answers_still_work(own_home):
    with sqlite3.connect(own_home / DB_NAME) as db:
        db.execute("CREATE TABLE IF NOT EXISTS x (a)")
        db.execute("PRAGMA user_version = 99")
    at = ask(start(), INTERNAL_Q)
    assert any("Conversations are not being saved" in e.value and "schema version 99" in e.value for e in at.error)
    assert verdicts(at) == ["permitted"]
    assert any("could not be saved" in w.value for w in at.warning)


def test_exclusive_choices_and_contradictions():
    from retrieval.scenario import Facts, Method
    from ui.engine import EXCLUSIVE_DEPLOYMENTS, contradictions, correct_facts, exclusive

    plain = {"plain_use": set()}
    assert exclusive(["lora"], ["lora", "plain_use"], plain) == ["plain_use"]
    assert exclusive(["plain_use"], ["plain_use", "merge"], plain) == ["merge"]
    assert exclusive(["lora"], ["lora", "merge"], plain) == ["lora", "merge"]
    assert exclusive(["hosted"], ["hosted", "end_user"], EXCLUSIVE_DEPLOYMENTS) == ["end_user"]
    assert exclusive(["end_user"], ["end_user", "acquisition"], EXCLUSIVE_DEPLOYMENTS) == ["end_user", "acquisition"]
    assert exclusive(["end_user"], ["end_user", "hosted"], EXCLUSIVE_DEPLOYMENTS) == ["hosted"]
    assert contradictions(["plain_use", "lora"], []) and contradictions([], ["end_user", "hosted"])
    assert contradictions(["lora"], ["end_user", "acquisition"]) == []
    facts = Facts(methods=(Method.LORA,))
    with pytest.raises(ValueError, match="Plain use"):
        correct_facts(facts, methods=["plain_use", "lora"])
    same, changes = correct_facts(facts)
    assert same.methods == facts.methods and changes == []


def test_branches_are_shown_and_a_clarifying_choice_answers_again(home):
    """A question that leaves the deployment open shows each reading with its verdict; a choice settles it."""
    at = ask(start(), "Can we LoRA fine-tune Llama 3.1 8B on our support tickets?")
    turn = at.session_state["turns"][-1]
    assert turn.answer.verdict == "conditional"
    assert [(b.assumption.value, b.verdict) for b in turn.answer.branches] == [
        ("weights_release", "conditional"), ("hosted", "conditional"), ("internal", "permitted")]
    text = markdown(at)
    assert "It depends on a fact the question does not state" in text
    # Each reading names its rules and the clauses it rests on.
    assert ("if the weights leave your organisation \\(published, sold or shipped to others\\)  \n<small>rule "
            "`llama-redistribution`") in text
    assert "grounded in `llama-3.1-license:1.b.i`, `llama-3.1-license:1.b.iii`</small>" in text
    assert "if it stays inside your organisation  \n<small>rule `llama-internal-use` \u00b7 grounded in " \
           "`llama-3.1-license:1.a`</small>" in text
    inside = next(b for b in at.button if (b.key or "").startswith(f"settle-{turn.id}-") and "inside" in b.label)
    inside.click().run()
    assert_clean(at)
    again = at.session_state["turns"][-1]
    assert again.parent is not None and again.answer.verdict == "permitted"
    assert [d.value for d in again.answer.facts.deployments] == ["internal"]
    assert [f.rule_id for f in again.answer.findings] == ["llama-internal-use"]
    # What settling it changed, as after a corrected fact.
    assert any(i.value.replace("\\", "").startswith("**What the re-run changed:** verdict: conditional \u2192 "
                                                    "permitted; rules now applying: llama-internal-use")
               for i in at.info), [i.value for i in at.info]


def test_an_open_revenue_is_settled_by_its_clarifying_choice(home):
    """Stability's community licence turns on annual revenue: both readings with their clauses, then the lower one."""
    at = ask(start(), "Can our company use Stable Diffusion 3.5 Large commercially to sell generated images?")
    turn = at.session_state["turns"][-1]
    assert turn.answer.verdict == "not_permitted"
    assert [(b.assumption.value, b.verdict, b.clause_ids) for b in turn.answer.branches] == [
        ("1000001", "not_permitted", ("stability-ai-community:p5",)),
        ("1000000", "conditional", ("stability-ai-community:p5", "stability-ai-community:p6"))]
    assert "grounded in `stability-ai-community:p5`, `stability-ai-community:p6`</small>" in markdown(at)
    assert "**What is your organisation\\'s annual revenue?**" in markdown(at)  # as md_escape writes it
    lower = next(b for b in at.button if (b.key or "").startswith(f"settle-{turn.id}-") and "or less" in b.label)
    lower.click().run()
    assert_clean(at)
    again = at.session_state["turns"][-1]
    assert again.parent is not None and again.answer.verdict == "conditional"
    assert again.answer.facts.revenue == 1_000_000 and not again.answer.branches
    assert again.changes == ("revenue: your organisation's annual revenue is USD 1,000,000 or less",)


def test_a_family_named_without_a_model_is_settled_by_choosing_its_terms(home):
    """'A DeepSeek model': one reading per set of terms its models come under; choosing MIT answers again under MIT."""
    at = ask(start(), "A lender lets a DeepSeek model reject credit applications automatically, with nobody reviewing "
                      "the decisions.")
    turn = at.session_state["turns"][-1]
    assert turn.answer.verdict == "not_permitted"
    by_value = {b.assumption.value: b.verdict for b in turn.answer.branches}
    assert by_value["deepseek-license"] == "not_permitted" and by_value["mit"] == "permitted"
    assert "**Which DeepSeek model is it?**" in markdown(at)
    mit = next(b for b in at.button if (b.key or "").startswith(f"settle-{turn.id}-") and b.label == "MIT License")
    mit.click().run()
    assert_clean(at)
    again = at.session_state["turns"][-1]
    assert again.parent is not None and again.answer.facts.documents == ("mit",)
    assert again.answer.verdict == "permitted" and not again.answer.branches
