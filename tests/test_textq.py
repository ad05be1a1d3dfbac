"""Questions about the text itself: named sections resolved to real clause ids, version comparisons with exact
statuses, and answers whose verdict rests on the named clauses, never on an unrelated scenario rule."""

from __future__ import annotations

import pytest

from ingest.annotations import load_annotations
from retrieval.records import answer_from_json
from retrieval.registry import Registry
from retrieval.scenario import read_facts
from retrieval.textq import read_text_question, resolve_label
from retrieval.versions import ADDED, CHANGED, PRESENT, REMOVED, compare_clause, series, topic_statuses


@pytest.fixture(scope="module")
def registry():
    return Registry.load()


@pytest.fixture(scope="module")
def annotations(corpus):
    return load_annotations(corpus)


def tq_of(question, corpus, registry, annotations):
    return read_text_question(question, read_facts(question, registry), corpus, annotations)


@pytest.mark.parametrize("doc_id, label, scope, expected", [
    ("llama-3-license", "1.b.v", "", "llama-3-license:1.b.v"),
    ("llama-3-license", "1(b)(v)", "", "llama-3-license:1.b.v"),
    ("llama-3.3-license", "2", "", "llama-3.3-license:2"),
    ("llama-3.3-license", "3", "", "llama-3.3-license:p2"),  # "3**. Disclaimer": the parser read it as a paragraph
    ("gemma-terms-2025", "1.1(e)", "", "gemma-terms-2025:1.1.e"),
    ("gemma-terms-2025", "3.2", "", "gemma-terms-2025:3.2"),
    ("deepseek-license", "6", "", "deepseek-license:iii.6"),  # "Section III" wraps paragraph 6
    ("deepseek-license", "4(a)", "", "deepseek-license:iii.4.a"),
    ("bigcode-openrail-m", "5.1", "", "bigcode-openrail-m:iii.5.1"),
    ("bigcode-openrail-m", "m", "attachment", "bigcode-openrail-m:iv.m"),
    ("bigscience-openrail-m", "h", "attachment", "bigscience-openrail-m:iv.attachment-a.h"),
    ("llama-3.2-aup", "8", "", "llama-3.2-aup:2.8"),  # the 3.2 policy numbers its items 1-19 across sections
])
def test_labels_resolve_to_real_clause_ids(corpus, doc_id, label, scope, expected):
    assert resolve_label(corpus, doc_id, label, scope=scope) == expected


@pytest.mark.parametrize("doc_id, label, scope", [
    ("llama-3-license", "1.b.vi", ""), ("llama-3.1-license", "1.b.v", ""), ("gemma-terms-2025", "5.1", ""),
    ("deepseek-license", "m", "attachment"),  # DeepSeek's Attachment A is a bulleted list: no (m)
])
def test_labels_that_name_no_clause_resolve_to_nothing(corpus, doc_id, label, scope):
    assert resolve_label(corpus, doc_id, label, scope=scope) is None


def test_old_ids_resolve_through_the_alias_table(corpus):
    assert resolve_label(corpus, "llama-3-license", "meta-llama-3-acceptable.1.a") is None  # a slug is not a label
    assert corpus.canonical("llama-3-license:meta-llama-3-acceptable.1.a") == "llama-3-license:aup.1.a"


@pytest.mark.parametrize("question, written, clause_id", [
    ("does s.1.b.v of the Llama 3 licence survive in 3.1?", "s.1.b.v", "llama-3-license:1.b.v"),
    ("Is §1(b)(v) of the Llama 2 license the same as in Llama 3?", "§1(b)(v)", "llama-2-license:1.b.v"),
    ("the Section 2 threshold in the Llama 3.3 licence: does it count affiliates?", "Section 2", "llama-3.3-license:2"),
    ("Gemma ToU 1.1(e) says outputs are not derivatives, right?", "1.1(e)", "gemma-terms-2025:1.1.e"),
    ("What does clause 3.2 of the Gemma terms forbid?", "clause 3.2", "gemma-terms-2025:3.2"),
    ("Under para 4(a) of the DeepSeek License, what must a hosted service include?", "para 4(a)", "deepseek-license:iii.4.a"),
    ("Does Attachment A (m) of the BigCode OpenRAIL-M cover a triage bot?", "Attachment A (m)", "bigcode-openrail-m:iv.m"),
    ("Does restriction (h) of the BigScience OpenRAIL-M cover credit scoring?", "restriction (h)",
     "bigscience-openrail-m:iv.attachment-a.h"),
    ("Llama 3.1 许可证第2条如何计算月活跃用户?", "第2条", "llama-3.1-license:2"),
])
def test_named_sections_are_read_in_the_governing_document(corpus, registry, annotations, question, written, clause_id):
    tq = tq_of(question, corpus, registry, annotations)
    assert tq is not None
    assert [(s.written, s.clause_id) for s in tq.sections][:1] == [(written, clause_id)]


def test_version_numbers_are_not_sections(corpus, registry, annotations):
    assert tq_of("We fine-tuned Llama 3.1 8B and Qwen2.5 and host them behind an API.", corpus, registry, annotations) is None
    assert tq_of("can I release a Gemma 2 fine-tune like 3.x does?", corpus, registry, annotations) is None


def test_an_unknown_pinpoint_is_reported_never_guessed(corpus, registry, annotations):
    tq = tq_of("Is s.1.b.vi of the Llama 3 licence still in Llama 3.1?", corpus, registry, annotations)
    assert tq.kind == "comparison" and tq.versions == ("llama-3-license", "llama-3.1-license")
    assert [(s.written, s.doc_id, s.clause_id) for s in tq.sections] == [("s.1.b.vi", "llama-3-license", None)]
    assert tq.statuses == () and tq.clause_ids == ()
    assert "no section 1.b.vi" in tq.sections[0].note


def test_a_quoted_clause_is_found_by_its_words(corpus, registry, annotations):
    q = ('Llama 2 licence: "You will not use the Llama Materials or any output or results of the Llama Materials to '
         'improve any other large language model". Is my reading right that a judge model is barred?')
    tq = tq_of(q, corpus, registry, annotations)
    assert "llama-2-license:1.b.v" in [s.clause_id for s in tq.sections]
    assert tq.form == "premise"


def test_llama_3_1_b_v_is_removed_in_3_1_and_taken_up_by_the_naming_condition(corpus, annotations):
    st = compare_clause(corpus, "llama-3-license:1.b.v", "llama-3.1-license", annotations)
    assert (st.status, st.counterpart, st.taken_up_by) == (REMOVED, None, ("llama-3.1-license:1.b.i",))
    back = compare_clause(corpus, "llama-3.1-license:1.b.i", "llama-3-license", annotations)
    assert (back.status, back.counterpart) == (CHANGED, "llama-3-license:1.b.i")
    assert "If you use {+the Llama Materials or any outputs or results of+} the Llama Materials" in back.diff


def test_llama_2_to_3_mau_threshold_is_kept_with_only_the_name_changed(corpus, annotations):
    st = compare_clause(corpus, "llama-2-license:2", "llama-3-license", annotations)
    assert (st.status, st.counterpart) == (PRESENT, "llama-3-license:2")
    assert "[-2-] {+3+}" in st.diff and st.note == "only the product name or typography differs"
    assert compare_clause(corpus, "llama-3.3-license:2", "llama-4-license", annotations).status == PRESENT


def test_gemma_2024_to_2025_by_section(corpus, annotations):
    c = compare_clause(corpus, "gemma-terms-2024:1.1.c", "gemma-terms-2025", annotations)
    assert (c.status, c.counterpart) == (CHANGED, "gemma-terms-2025:1.1.c")
    assert "[-at ai.google.dev/gemma,-] {+in the Appendix,+}" in c.diff
    for path in ("1.1.e", "3.1.p1.b4", "3.3.p1", "2.2.p1"):
        st = compare_clause(corpus, f"gemma-terms-2024:{path}", "gemma-terms-2025", annotations)
        assert (st.status, st.counterpart, st.diff) == (PRESENT, f"gemma-terms-2025:{path}", "")
    changed = {(s.clause_id, s.status) for s in topic_statuses(corpus, "gemma-terms-2024", "gemma-terms-2025", (), annotations)}
    assert changed == {("gemma-terms-2024:gemma-terms-of-use.p1", CHANGED), ("gemma-terms-2024:1.1.c", CHANGED)}


def test_a_clause_new_in_the_later_version_is_added(corpus, annotations):
    st = compare_clause(corpus, "llama-2-license:1.b.v", "llama-3.1-license", annotations)
    assert st.status == REMOVED
    first = corpus.documents["llama-3.2-aup"].clauses
    eu = next(c.clause_id for c in first if c.path == "p1")  # the EU multimodal paragraph, new in 3.2
    assert compare_clause(corpus, eu, "llama-3.1-aup", annotations).status == ADDED


def test_series_are_versions_of_one_document_not_sibling_licences(corpus):
    assert series(corpus, "llama-3-license") == ["llama-2-license", "llama-3-license", "llama-3.1-license",
                                                  "llama-3.2-license", "llama-3.3-license", "llama-4-license"]
    assert series(corpus, "gemma-terms-2025") == ["gemma-terms-2024", "gemma-terms-2025"]
    assert series(corpus, "cc-by-sa-4.0") == ["cc-by-sa-4.0"]


@pytest.mark.parametrize("question, versions", [
    ("does s.1.b.v of the Llama 3 licence survive in 3.1?", ("llama-3-license", "llama-3.1-license")),
    ("what changed between Llama 3 and 3.1 on training other models?", ("llama-3-license", "llama-3.1-license")),
    ("Did the March 2025 revision of the Gemma Terms of Use change the distribution conditions?",
     ("gemma-terms-2024", "gemma-terms-2025")),
    ("Is the Llama 2 section 2 threshold still in the Llama 3 licence?", ("llama-2-license", "llama-3-license")),
])
def test_comparisons_name_both_versions(corpus, registry, annotations, question, versions):
    tq = tq_of(question, corpus, registry, annotations)
    assert tq.kind == "comparison" and tq.versions == versions


@pytest.mark.parametrize("question", [
    "we cleaned up a cc-by-sa-4.0 qa dataset (fixed labels, dropped dupes) and want to re-release it. what do we need?",
    "We'll offer a Gemma-2-27B fine-tune through our API. What has to change in the paperwork before launch?",
    "Can our client say it owns the fine-tune it made from Llama 3.3 70B, as between itself and Meta?",
    "generated synthetic pairs with Llama 3 70B (the april llama 3, not 3.1) to sft qwen2.5. ok?",
])
def test_scenarios_with_change_words_are_not_comparisons(corpus, registry, annotations, question):
    tq = tq_of(question, corpus, registry, annotations)
    assert tq is None or tq.kind != "comparison"


# --- answers -------------------------------------------------------------------------------------------------------

def test_survival_question_answers_from_both_clauses_not_from_a_scenario_rule(fake_services):
    ans = fake_services.engine.answer("does s.1.b.v of the Llama 3 licence survive in 3.1?")
    tq = ans.text_question
    assert ans.verdict == "unclear" and ans.findings == ()  # llama-internal-use no longer answers it
    assert [(s.clause_id, s.status, s.taken_up_by) for s in tq.statuses] == [
        ("llama-3-license:1.b.v", REMOVED, ("llama-3.1-license:1.b.i",))]
    assert [c.clause_id for c in ans.citations[:2]] == ["llama-3-license:1.b.v", "llama-3.1-license:1.b.i"]
    assert ans.citations[0].text == fake_services.corpus.clause("llama-3-license:1.b.v").text
    assert "is removed" in ans.summary and "s. 1.b.i" in ans.summary
    data = ans.to_json()
    assert data["text_question"]["statuses"][0]["status"] == "removed"
    assert answer_from_json(data).text_question == tq


def test_topic_comparison_reports_the_ban_removed(fake_services):
    ans = fake_services.engine.answer("what changed between Llama 3 and 3.1 on training other models?")
    statuses = {s.clause_id: s.status for s in ans.text_question.statuses}
    assert statuses == {"llama-3-license:1.b.v": REMOVED}
    assert ans.verdict == "unclear" and not ans.findings


def test_named_section_with_a_scenario_keeps_only_rules_grounded_in_it(fake_services):
    ans = fake_services.engine.answer("Under s.1.b.i of the Llama 3.1 licence, must a model trained on Llama 3.1 "
                                      "outputs and published on Hugging Face carry the Llama prefix?")
    assert ans.citations[0].clause_id == "llama-3.1-license:1.b.i"
    assert ans.findings and all("llama-3.1-license:1.b.i" in f.clause_ids for f in ans.findings)
    assert ans.verdict == "conditional"


def test_threshold_question_is_answered_from_section_2(fake_services):
    ans = fake_services.engine.answer("the Section 2 threshold in the Llama 3.3 licence: does it count affiliates?")
    assert ans.citations[0].clause_id == "llama-3.3-license:2"
    assert {f.rule_id for f in ans.findings} == {"threshold-counts-affiliates"}  # not llama-internal-use
    assert ans.verdict == "unclear"


def test_reading_check_says_which_reading_the_clause_supports(fake_services):
    ans = fake_services.engine.answer(
        'Llama 2 licence 1.b.v: "You will not use the Llama Materials or any output or results of the Llama Materials '
        'to improve any other large language model (excluding Llama 2 or derivative works thereof)." We want '
        'Llama-2-70b-chat as the judge in RLHF for tiiuae/falcon-7b. Is my reading right that this is barred?')
    assert ans.verdict == "not_permitted"
    assert ans.citations[0].clause_id == "llama-2-license:1.b.v"
    assert (ans.text_question.reading.claim, ans.text_question.reading.supported) == ("restrictive", "yes")
    assert "llama-improve-other-llm" in {f.rule_id for f in ans.findings}


def test_premise_clause_does_not_hide_the_rule_that_decides_the_conclusion(fake_services):
    ans = fake_services.engine.answer("pretty sure since 5.b says I own my derivative, I can release my "
                                      "llama-3.1-8b fine-tune under MIT and drop the Meta license entirely.")
    assert ans.verdict == "not_permitted"
    assert "llama-relicense" in {f.rule_id for f in ans.findings}
    assert ans.text_question.reading.supported == "no"
    assert "llama-3.1-license:5.b" in [c.clause_id for c in ans.citations]


def test_named_clause_that_does_not_reach_the_scenario_says_so(fake_services):
    ans = fake_services.engine.answer(
        "A hospital wants to use a StarCoder model (BigCode OpenRAIL-M) inside its clinical informatics team to "
        "draft explanations of lab-result trends for its physicians, who make all the decisions. The tool is "
        "explicitly not a substitute for their judgement. Does Attachment A(m) prohibit that?")
    assert ans.citations[0].clause_id == "bigcode-openrail-m:iv.m"
    assert ans.verdict == "permitted"


def test_unknown_pinpoint_answer_names_it(fake_services):
    ans = fake_services.engine.answer("What does s.1.b.vi of the Llama 3 licence say about outputs?")
    assert ans.verdict == "unclear" and ans.findings == ()
    assert ans.text_question.unknown[0].written == "s.1.b.vi"
    assert "'s.1.b.vi' names no clause" in ans.summary


def test_plain_scenarios_carry_no_text_question(fake_services):
    ans = fake_services.engine.answer("We fine-tuned Llama 3.1 8B with LoRA and will publish the adapter on Hugging Face.")
    assert ans.text_question is None
    assert ans.to_json()["text_question"] is None


@pytest.mark.parametrize("question", [
    "Under Article 50 of the EU AI Act, must our Llama 3.1 chatbot tell users it is an AI?",
    "Is training Llama 3.1 on scraped news fair use under section 107 of the Copyright Act?",
])
def test_sections_of_laws_are_not_licence_sections(corpus, registry, annotations, question):
    assert tq_of(question, corpus, registry, annotations) is None


def test_sections_written_in_other_languages(corpus, registry, annotations):
    q = ("Wir möchten ein aus Gemma 2 destilliertes Modell unter unserer eigenen Lizenz vertreiben. Müssen die "
         "Nutzungsbeschränkungen aus Abschnitt 3.2 trotzdem in unseren Lizenzvertrag?")
    assert [s.clause_id for s in tq_of(q, corpus, registry, annotations).sections] == ["gemma-terms-2025:3.2"]


def test_roman_sections_and_plain_words(corpus, registry, annotations):
    tq = tq_of("What does Section III of the BigCode OpenRAIL-M require when sharing?", corpus, registry, annotations)
    assert [s.clause_id for s in tq.sections] == ["bigcode-openrail-m:iii"]
    assert tq_of("which items i need to ship with my Llama 3.1 fine-tune on HF?", corpus, registry, annotations) is None


@pytest.mark.parametrize("question", [
    "Does our Llama 3.1 licence survive if our startup is acquired?",
    "Does the Llama 3.3 licence still apply after we stop distributing the model?",
    "We changed the tokenizer of our Llama 3.1 fine-tune and dropped two layers. Can we publish it?",
])
def test_survival_of_a_licence_and_changes_to_a_model_are_not_version_comparisons(corpus, registry, annotations, question):
    tq = tq_of(question, corpus, registry, annotations)
    assert tq is None or tq.kind != "comparison"


def test_openai_2023_restrictions_list_is_reorganised_not_removed(corpus, annotations):
    st = compare_clause(corpus, "openai-terms-2023:2.c", "openai-terms-2024", annotations)
    assert st.status == CHANGED and st.counterpart == "openai-terms-2024:using-our-services.p2.b7"  # the compete ban
    assert "openai-terms-2024:using-our-services.p2.b5" in st.taken_up_by  # "human-generated" output


def test_the_policy_printed_in_the_llama_3_licence_is_not_compared_with_the_3_1_licence(corpus, annotations):
    statuses = topic_statuses(corpus, "llama-3-license", "llama-3.1-license", ("training_other_models", "outputs"),
                              annotations)
    assert not [s for s in statuses if ":aup" in s.clause_id]
    assert ("llama-3-license:1.b.v", REMOVED) in {(s.clause_id, s.status) for s in statuses}


def test_definitions_lists_of_sections_and_quotes_across_a_lead_in(corpus, registry, annotations):
    tq = tq_of('What is the definition of "Output" in the Gemma terms?', corpus, registry, annotations)
    assert [(s.clause_id, s.via) for s in tq.sections] == [("gemma-terms-2025:1.1.f", "definition")]
    tq = tq_of("§§ 3 and 4 of the Qwen license: do they apply to a 50M MAU app?", corpus, registry, annotations)
    assert [s.clause_id for s in tq.sections] == ["qwen-license:3", "qwen-license:4"]
    tq = tq_of("the DeepSeek license says \u201cYou agree not to use the Model or Derivatives of the Model: For military "
               "use in any way\u201d - does that cover a defence contractor's HR chatbot?", corpus, registry, annotations)
    assert [s.clause_id for s in tq.sections] == ["deepseek-license:iv.use-restrictions.b2"]  # the item, not the lead-in


def test_a_short_question_about_what_we_may_do_is_a_scenario(corpus, registry, annotations):
    assert tq_of("Under s.1.b.i of Llama 3.1, do I need to credit Meta in my app?", corpus, registry, annotations).scenario
    assert not tq_of("does s.1.b.v of the Llama 3 licence survive in 3.1?", corpus, registry, annotations).scenario


def test_a_named_duty_waiting_only_on_an_unstated_deployment_applies(fake_services):
    ans = fake_services.engine.answer("Under s.1.b.i of Llama 3.1, do I need to credit Meta in my app?")
    assert ans.verdict == "conditional"
    assert [(f.rule_id, f.clause_ids) for f in ans.findings] == [
        ("clause:llama-3.1-license:1.b.i", ("llama-3.1-license:1.b.i",))]


def test_asking_under_one_clause_never_hides_a_ban_elsewhere(fake_services):
    ans = fake_services.engine.answer("Under s.1.b.i of the Llama 3.1 licence, may we publish on Hugging Face a "
                                      "fine-tune built to create malware and computer viruses?")
    assert ans.verdict == "not_permitted"
    rules = {f.rule_id for f in ans.findings}
    assert "llama-prohibited-use" in rules and "llama-internal-use" not in rules
    assert ans.citations[0].clause_id == "llama-3.1-license:1.b.i"
    assert "Apart from the clauses you named, the terms forbid this" in ans.summary
