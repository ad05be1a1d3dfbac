"""The Streamlit UI, page by page, through `streamlit.testing.v1.AppTest` (no browser).

A session fixture fills a temporary CLAUSEWISE_HOME with a fake-embedder index of the whole corpus (a few seconds);
the app reads it through `Settings.from_env()`. Tests that change the index (adding a document) work on a copy.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import replace
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from ingest.corpus import load_corpus
from ingest.embed import FAKE_MODEL, make_embedder
from ingest.index import ingest
from ingest.settings import Settings

pytestmark = pytest.mark.integration

REPO = Path(__file__).resolve().parent.parent
APP = str(REPO / "app.py")
TIMEOUT = 120
OUTPUTS_Q = "Can I use Llama 3 outputs to improve a Mistral model I will release?"
INTERNAL_Q = "We fine-tuned Llama 3 8B with LoRA and use it internally only."
LICENCE = """Zephyrine Model Licence

1. Grant. Zephyrine Labs grants you a non-exclusive licence to use and modify the Zephyrine weights.

2. Restrictions.
a. You may not use the Zephyrine model or its outputs to train any competing weather forecasting model.
b. You must keep this notice, including the words <b>Zephyrine inside</b> and **not bold**, in every copy.

3. Termination. This licence ends automatically if you breach section 2.
"""
USER_ID = "user-zephyrine-licence"


def _env(home: Path, sources: Path) -> dict[str, str]:
    return {"CLAUSEWISE_SOURCES": str(sources), "CLAUSEWISE_HOME": str(home), "CLAUSEWISE_EMBED_MODEL": FAKE_MODEL,
            "HF_HUB_OFFLINE": "1"}


@pytest.fixture(scope="session")
def indexed_home(sources_dir, tmp_path_factory) -> Path:
    """A CLAUSEWISE_HOME holding a fake-embedder index of the whole corpus."""
    home = tmp_path_factory.mktemp("app-home")
    settings = Settings.from_env(_env(home, sources_dir))
    ingest(load_corpus(settings, network=False, user=False), settings, make_embedder(FAKE_MODEL), model_name=FAKE_MODEL)
    return home


def _use(monkeypatch, home: Path, sources: Path) -> None:
    for key, value in _env(home, sources).items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("CLAUSEWISE_CHROMA_URL", raising=False)


@pytest.fixture
def app_env(indexed_home, sources_dir, monkeypatch) -> Path:
    _use(monkeypatch, indexed_home, sources_dir)
    return indexed_home


@pytest.fixture
def own_home(indexed_home, sources_dir, tmp_path, monkeypatch) -> Path:
    """A private copy of the indexed home, for tests that add documents."""
    home = tmp_path / "home"
    shutil.copytree(indexed_home, home)
    _use(monkeypatch, home, sources_dir)
    return home


def start() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert_clean(at)
    return at


def assert_clean(at: AppTest) -> None:
    """No exception element (a traceback) anywhere on the page."""
    assert not at.exception, [e.value for e in at.exception]


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def ask(at: AppTest, question: str) -> AppTest:
    at.chat_input[0].set_value(question).run()
    assert_clean(at)
    return at


def verdicts(at: AppTest) -> list[str]:
    """The verdict of every answer on the page, in order (from the coloured badge)."""
    return [m.value.split("cw-v-", 1)[1].split('"', 1)[0] for m in at.markdown if 'class="cw-verdict' in m.value]


# --- Ask ---------------------------------------------------------------------------------------------------------

def test_ask_shows_verdict_badge_clause_and_copyable_citation(app_env):
    at = ask(start(), OUTPUTS_Q)
    assert verdicts(at) == ["not_permitted"]
    text = markdown(at)
    assert "NOT PERMITTED" in text
    assert "`llama-3-license:1.b.v`" in text
    assert "Meta Llama 3 Community License Agreement (2024\\-04\\-18)" in text
    # the verbatim clause, escaped, with the quoted sentence highlighted
    assert "<mark>v&#46; You will not use the Llama Materials or any output" in text
    codes = [c.value for c in at.code]
    assert any(c.startswith("Meta Llama 3 Community License Agreement (2024-04-18), s. 1.b.v: \u201cYou will not use the "
                            "Llama Materials or any output or results") for c in codes), codes
    assert any("not legal advice" in c.value for c in at.caption)
    turn = at.session_state["turns"][0]
    assert turn.answer.verdict == "not_permitted"
    if not turn.answer.cross_check.agrees:
        assert any("Cross-check disagreement" in w.value for w in at.warning)
    # the public source link and the deep link into the corpus
    assert any(b.proto.url.startswith("https://") for b in at.get("link_button"))
    assert "clause=llama-3-license%3A1.b.v" in [p.proto.query_string for p in at.get("page_link")]


def test_example_button_asks_it(app_env):
    at = start()
    at.button(key="example-0").click().run()
    assert_clean(at)
    assert verdicts(at) == ["not_permitted"]


def test_correcting_a_fact_reruns_with_the_corrected_facts(app_env):
    at = ask(start(), INTERNAL_Q)
    assert verdicts(at) == ["permitted"]
    deployments = at.multiselect(key="facts-1-deployments")
    assert deployments.value == ["internal"]
    deployments.set_value(["weights_release"])
    at.button(key="facts-1-rerun").click().run()
    assert_clean(at)
    assert verdicts(at) == ["permitted", "conditional"]
    second = at.session_state["turns"][1]
    assert [d.value for d in second.answer.facts.deployments] == ["weights_release"]
    assert second.parent == 1
    assert any("deployment" in i.value and "Weights released" in i.value for i in at.info)
    assert "`llama-3-license:1.b.i`" in markdown(at)  # the redistribution clause now governs
    # the same facts again: nothing to re-run
    at.button(key="facts-2-rerun").click().run()
    assert_clean(at)
    assert len(at.session_state["turns"]) == 2
    assert any("unchanged" in i.value for i in at.info)


def test_correcting_eu_and_target_licence(app_env):
    at = ask(start(), "We fine-tuned Llama 3 and will publish the weights on Hugging Face.")
    first = verdicts(at)[0]
    at.selectbox(key="facts-1-target").set_value("mit")
    at.selectbox(key="facts-1-eu").set_value("yes")
    at.button(key="facts-1-rerun").click().run()
    assert_clean(at)
    second = at.session_state["turns"][1].answer
    assert second.facts.target_licence == "mit" and second.facts.eu is True
    assert verdicts(at) == [first, second.verdict]


def test_export_has_every_quote_and_pinpoint(app_env):
    from ui.conversation import DISCLAIMER, conversation_markdown

    at = ask(start(), OUTPUTS_Q)
    turns = at.session_state["turns"]
    md = conversation_markdown(turns, FAKE_MODEL, 40)
    answer = turns[0].answer
    assert "**Verdict: NOT PERMITTED** (`not_permitted`)" in md
    assert DISCLAIMER in md
    for c in answer.citations:
        assert f"`{c.clause_id}`" in md
        assert c.text in md  # the full verbatim clause
        assert turns[0].citation_text(c) in md
    assert "s. 1.b.v: \u201cYou will not use the Llama Materials" in md
    assert at.get("download_button")  # offered in the sidebar


def test_a_list_item_is_shown_and_cited_with_its_lead_in(app_env):
    at = ask(start(), "Under the OpenAI Terms of Use of December 2024, can I use ChatGPT outputs to train a model "
                      "that competes with OpenAI?")
    from ui.text import md_escape

    lead = "Read with its lead-in: \u201c" + md_escape("For example, you may not:") + "\u201d"
    assert any(c.value.startswith(lead) for c in at.caption), [c.value for c in at.caption]
    assert any(c.value.endswith("item 7: \u201cFor example, you may not: \u2026 Use Output to develop models that "
                                "compete with OpenAI.\u201d") for c in at.code)


def test_empty_and_hostile_questions_do_not_break_the_page(app_env):
    at = ask(start(), "   ")
    assert any("The question is empty" in w.value for w in at.warning)
    assert not at.chat_message and not at.session_state["turns"]  # a message, never an empty bubble
    at = ask(at, "<script>alert(1)</script> **bold** $x$ :red[red] can I fine-tune Llama 3?")
    user_text = [m.value for m in at.markdown if "alert" in m.value]
    assert user_text and all("<script>" not in v for v in user_text)


# --- Corpus ------------------------------------------------------------------------------------------------------

def test_corpus_open_clause_with_suggestions(app_env):
    at = start()
    at.switch_page("ui/pages/corpus.py").run()
    assert_clean(at)
    at.text_input(key="open-id").set_value("llama-3-license:1.b.vi").run()
    assert any("Nearest ids" in w.value for w in at.warning)
    at.button(key="suggest-llama-3-license:1.b.v").click().run()
    assert_clean(at)
    assert any(c.value.startswith("Meta Llama 3 Community License Agreement (2024-04-18), s. 1.b.v: \u201cYou will not use")
               for c in at.code)
    at.button(key="parent-llama-3-license:1.b").click().run()
    assert at.text_input(key="open-id").value == "llama-3-license:1.b"
    at.text_input(key="open-id").set_value("gemma-terms-2025:3.3").run()
    assert_clean(at)  # a heading-only section is shown and cited with its body
    assert "Google claims no rights in Outputs you generate using Gemma" in markdown(at)
    assert any(c.value.startswith("Gemma Terms of Use (2025-03-24), s. 3.3: \u201cGoogle claims no rights in Outputs")
               for c in at.code)
    at.text_input(key="open-id").set_value("no-such-doc:1").run()
    assert_clean(at)
    assert any("No clause with id" in w.value for w in at.warning)


def test_corpus_deep_link_tree_and_search(app_env):
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    at.query_params["clause"] = "gemma-terms-2024:3.2"
    at.run()
    at.switch_page("ui/pages/corpus.py").run()
    assert_clean(at)
    assert at.text_input(key="open-id").value == "gemma-terms-2024:3.2"
    at.selectbox(key="browse-doc").set_value("llama-3-license").run()
    text = markdown(at)
    assert 'id="cw-llama-3-license-1-b-v"' in text and 'href="#cw-llama-3-license-1-b-v"' in text
    assert "margin-left:3.2rem" in text  # depth 3 is indented twice
    at.text_input(key="browse-filter").set_value("700 million").run()
    assert_clean(at)
    assert "<mark>700 million</mark>" in markdown(at)
    assert any("of 61 clauses contain" in c.value or "clauses contain" in c.value for c in at.caption)


# --- Compare versions ----------------------------------------------------------------------------------------------

def test_compare_llama_3_with_3_1_shows_1_b_v_removed(app_env):
    at = start()
    at.switch_page("ui/pages/compare.py").run()
    assert_clean(at)
    at.selectbox(key="cmp-family").set_value("llama").run()
    at.selectbox(key="cmp-old-llama").set_value("llama-3-license").run()
    at.selectbox(key="cmp-new-llama").set_value("llama-3.1-license").run()
    assert_clean(at)
    table = at.dataframe[0].value
    row = table[table["clause"] == "1.b.v"]
    assert list(row["status"]) == ["removed"]
    assert 'class="cw-st-removed">removed</span> 1&#46;b&#46;v' in markdown(at)
    assert "<del>" in markdown(at) and "<ins>" in markdown(at)


def test_compare_gemma_versions(app_env):
    at = start()
    at.switch_page("ui/pages/compare.py").run()
    at.selectbox(key="cmp-family").set_value("gemma").run()
    at.selectbox(key="cmp-old-gemma").set_value("gemma-terms-2024").run()
    at.selectbox(key="cmp-new-gemma").set_value("gemma-terms-2025").run()
    assert_clean(at)
    metrics = {m.label: m.value for m in at.metric}
    assert int(metrics["Changed"]) + int(metrics["Added"]) + int(metrics["Removed"]) > 0


# --- Add a document ----------------------------------------------------------------------------------------------

def _upload(at: AppTest, name: str, data: bytes, mime: str = "text/plain") -> AppTest:
    at.file_uploader[0].set_value((name, data, mime)).run()
    at.button(key="add-go").click().run()
    assert_clean(at)
    return at


def test_add_a_document_then_ask_and_cite_it(own_home):
    at = start()
    at.switch_page("ui/pages/add_document.py").run()
    _upload(at, "zephyrine-licence.txt", LICENCE.encode())
    assert any(USER_ID in s.value for s in at.success), [e.value for e in at.error]
    assert (own_home / "user" / f"{USER_ID}.txt").is_file()
    assert at.dataframe[0].value["doc_id"].tolist() == [USER_ID]
    proposals = at.dataframe[1].value
    assert set(proposals["status"]) == {"proposed"} and "prohibition" in set(proposals["effect"])
    at.button(key=f"accept-{USER_ID}").click().run()
    assert 'status = "proposed"' not in (own_home / "user" / "annotations" / f"{USER_ID}.toml").read_text()
    at.switch_page("ui/pages/ask.py").run()
    ask(at, "Can I use Zephyrine outputs to train a weather forecasting model?")
    assert f"`{USER_ID}:2.a`" in markdown(at)
    turn = at.session_state["turns"][0]
    cited = next(c for c in turn.answer.citations if c.clause_id == f"{USER_ID}:2.a")
    assert "competing weather forecasting model" in cited.quote
    import datetime

    assert cited.cite.startswith(f"{cited.title} (added {datetime.date.today().isoformat()}), s. 2(a)") or \
        cited.cite.startswith(f"{cited.title} (added {datetime.date.today().isoformat()}), s. 2.a"), cited.cite
    assert not any(b.proto.url == cited.url for b in at.get("link_button"))  # a local path is never a link
    # the document's markup is text: escaped in the corpus view
    at.switch_page("ui/pages/corpus.py").run()
    at.text_input(key="open-id").set_value(f"{USER_ID}:2.b").run()
    assert_clean(at)
    shown = [m.value for m in at.markdown if "Zephyrine inside" in m.value]
    assert shown and all("<b>" not in v and "&lt;b&gt;" in v and "**" not in v for v in shown)
    # the same text again is refused with a clear message
    at.switch_page("ui/pages/add_document.py").run()
    _upload(at, "copy.txt", LICENCE.encode())
    assert any("already added" in e.value for e in at.error)
    # remove it: gone from the list and from answers
    at.button(key=f"remove-{USER_ID}").click().run()
    assert_clean(at)
    assert any("Removed" in s.value for s in at.success)
    assert not (own_home / "user" / f"{USER_ID}.txt").exists()
    at.switch_page("ui/pages/ask.py").run()
    ask(at, "Can I use Zephyrine outputs to train a weather forecasting model?")
    assert USER_ID not in "".join(c.clause_id for c in at.session_state["turns"][-1].answer.citations)


@pytest.mark.parametrize("name,data,expected", [
    ("broken.pdf", b"%PDF-1.4 this is not a pdf", "not a readable PDF"),
    ("tool.exe", b"MZ\x90\x00binary", "unsupported file type"),
    ("empty.txt", b"", "is empty"),
    ("latin1.txt", "Lizenz f\u00fcr das Modell, bitte sorgf\u00e4ltig lesen und beachten.".encode("latin-1"), "not UTF-8"),
    ("huge.txt", b"a" * (5 * 1024 * 1024 + 1), "the limit is 5 MB"),
    ("short.md", b"# Hi", "almost no text"),
])
def test_unreadable_uploads_show_a_clear_error(own_home, name, data, expected):
    at = start()
    at.switch_page("ui/pages/add_document.py").run()
    _upload(at, name, data)
    assert any(expected in e.value.replace("\\", "") for e in at.error), [e.value for e in at.error]
    assert not (own_home / "user" / "manifest.json").exists() or "[]" in (own_home / "user" / "manifest.json").read_text()


def test_first_start_builds_the_index_with_progress(sources_dir, tmp_path, monkeypatch):
    _use(monkeypatch, tmp_path / "fresh", sources_dir)
    at = AppTest.from_file(APP, default_timeout=TIMEOUT).run()
    assert_clean(at)
    assert any("Search index built" in s.value for s in at.success)
    assert (tmp_path / "fresh" / "index").is_dir()
    ask(at, OUTPUTS_Q)
    assert verdicts(at) == ["not_permitted"]


# --- Evals -------------------------------------------------------------------------------------------------------

def test_evals_on_an_uploaded_set(app_env):
    rows = [{"id": "q1", "question": OUTPUTS_Q, "expected_verdict": "not_permitted",
             "expected_evidence": [{"doc_id": "llama-3-license", "text": "to improve any other large language model"}],
             "tags": ["outputs"]},
            {"id": "q2", "question": INTERNAL_Q, "expected_verdict": "not_permitted", "expected_evidence": [],
             "tags": ["internal"]}]
    at = start()
    at.switch_page("ui/pages/evals.py").run()
    at.radio(key="eval-source").set_value("Upload a JSONL set").run()
    at.file_uploader[0].set_value(("mini.jsonl", "\n".join(json.dumps(r) for r in rows).encode(), "application/json")).run()
    assert_clean(at)
    at.button(key="eval-run").click().run()
    assert_clean(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Verdict accuracy"] == "50.0%"
    assert metrics["Evidence recall@1"] == "100.0%"
    assert len(at.get("imgs")) == 2 or len(at.image) == 2
    failures = [d.value for d in at.dataframe if "expected" in d.value.columns][0]
    assert failures["id"].tolist() == ["q2"]


def test_evals_bad_set_and_public_set(app_env):
    at = start()
    at.switch_page("ui/pages/evals.py").run()
    at.radio(key="eval-source").set_value("Upload a JSONL set").run()
    at.file_uploader[0].set_value(("bad.jsonl", b'{"id": "x"}\nnot json\n', "application/json")).run()
    assert_clean(at)
    assert any("problem" in e.value and "bad\\.jsonl" in e.value for e in at.error), [e.value for e in at.error]
    at.radio(key="eval-source").set_value("Public set").run()
    at.number_input(key="eval-limit").set_value(5).run()
    at.button(key="eval-run").click().run()
    assert_clean(at)
    assert any("5 questions" in s.value for s in at.subheader)


# --- the corrected-facts path and the helpers --------------------------------------------------------------------

def test_answer_with_facts_matches_the_engine(indexed_home, sources_dir):
    """Guard against drift: re-running an answer on its own facts reproduces Engine.answer exactly."""
    from evals.runner import load_questions
    from retrieval.service import Services
    from ui.engine import answer_with_facts

    services = Services.load(Settings.from_env(_env(indexed_home, sources_dir)))
    for q in load_questions()[::4]:
        a = services.engine.answer(q.question)
        b = answer_with_facts(services.engine, q.question, a.facts)
        assert replace(a, latency_ms=0) == replace(b, latency_ms=0), q.id


def test_correct_facts_reports_only_real_changes():
    from retrieval.scenario import Deployment, Facts, Method
    from ui.engine import correct_facts

    facts = Facts(methods=(Method.LORA, Method.FULL_FINETUNE), deployments=(Deployment.INTERNAL,), unknown=())
    same, changes = correct_facts(facts, methods=["full_finetune", "lora"], deployments=["internal"], eu=None,
                                  target_licence=None, mau=None)
    assert changes == [] and same.methods == facts.methods
    new, changes = correct_facts(facts, methods=["lora"], deployments=[], eu=False, target_licence="apache-2.0",
                                 mau=800_000_000)
    assert new.deployments == () and "deployment" in new.unknown
    assert new.eu is False and new.target_licence == "apache-2.0" and new.mau == 800_000_000
    assert len(changes) == 5


def test_text_helpers_never_let_markup_through():
    from ui.text import html_text, legal_citation, md_escape, safe_url

    hostile = "**b** <img src=x onerror=alert(1)> $x$ :red[r] :material/home: [l](javascript:x)\n\n# h"
    h = html_text(hostile)
    assert "<" not in h and "*" not in h and "$" not in h and ":" not in h and "\n" not in h and "[" not in h
    m = md_escape(hostile)
    assert "<img" not in m and "\\*\\*b\\*\\*" in m and "\\$x\\$" in m and "\\:red\\[r\\]" in m
    assert safe_url("https://ai.google.dev/gemma/terms") and not safe_url("/home/u/x.txt")
    assert not safe_url("javascript:alert(1)") and not safe_url("https://x.org/a b")
    assert legal_citation("T", "1", "doc:1.b.v", "v. You will\n  not", "lower-roman") == 'T (1), s. 1.b.v: "You will not"'
    assert legal_citation("T", "1", "doc:def-x", "\u201cX\u201d means", "definition", "X") == \
        'T (1), definition of "X": "\u201cX\u201d means"'


# --- Licence matrices ----------------------------------------------------------------------------------------------

def label(at: AppTest, key: str) -> str:
    """A button's label as shown (the page escapes Markdown in cell texts)."""
    return at.button(key=key).label.replace("\\", "")


def test_matrices_page_cells_open_their_clauses(app_env):
    at = start()
    at.switch_page("ui/pages/matrices.py").run()
    assert_clean(at)
    assert at.selectbox(key="mx-kind").value == "method"
    assert label(at, "mx-method-outputs_train_other-llama-3") == "Not permitted \u00b7 1.b.v, 1.b.i +1"
    assert at.button(key="mx-method-outputs_train_other-llama-3").help.replace("\\", "").startswith(
        "not_permitted: llama-3-license:1.b.v")
    at.button(key="mx-method-outputs_train_other-llama-3").click().run()
    assert_clean(at)
    text = markdown(at)
    assert "cw-v-not_permitted" in text and "`llama-improve-other-llm`" in text
    assert "improve any other large language model" in text  # the verbatim clause
    assert any('s. 1.b.v: "You will not use the Llama Materials' in c.value for c in at.code)
    # 1.b.i grounds two of the rules that fired: quoted once, pointed back to the second time.
    assert any("`llama-3-license:1.b.i`: quoted above." in c.value for c in at.caption)
    at.button(key="mx-method-outputs_train_other-llama-3.1").click().run()
    text = markdown(at)
    assert "cw-v-conditional" in text and "`llama-derived-model-naming`" in text and "`llama-3.1-license:1.b.i`" in text


def test_matrices_page_deployment_and_versions(app_env):
    at = start()
    at.switch_page("ui/pages/matrices.py").run()
    at.selectbox(key="mx-kind").set_value("deployment").run()
    assert_clean(at)
    assert label(at, "mx-deployment-hosted-llama-2") == "Conditional \u00b7 1.b.i, 1.a"
    assert label(at, "mx-deployment-hosted-llama-3") == "Conditional \u00b7 1.b.i"
    at.selectbox(key="mx-kind").set_value("versions").run()
    assert at.selectbox(key="mx-family").value == "versions-llama"
    assert label(at, "mx-versions-llama-llama-improve-other-llm-llama-3.1-license") == "removed"
    at.button(key="mx-versions-llama-llama-improve-other-llm-llama-3-license").click().run()
    assert_clean(at)
    text = markdown(at)
    assert "`llama-3-license:1.b.v`" in text and "improve any other large language model" in text
    at.selectbox(key="mx-family").set_value("versions-openai").run()
    assert_clean(at)
    assert label(at, "mx-versions-openai-openai-competing-models-openai-terms-2024") == (
        "moved \u00b7 using-our-services.p2.b7")


def test_matrices_page_deep_link_opens_a_kind(app_env):
    at = start()
    at.query_params["kind"] = "ownership"
    at.switch_page("ui/pages/matrices.py").run()
    assert_clean(at)
    assert at.selectbox(key="mx-kind").value == "ownership"
    assert label(at, "mx-ownership-own_terms-llama-3") == "Conditional \u00b7 1.b.i, 1.b.iii +1"
    assert label(at, "mx-ownership-own_terms-openai") == "Unclear \u00b7 no rule"
    at.button(key="mx-ownership-own_terms-openai").click().run()
    assert any("No rule decides this scenario" in i.value for i in at.info)


def test_an_earlier_question_opens_its_facts_for_correction_on_request(app_env):
    """Only the latest answer draws the fact editor; an earlier one shows its facts and opens the editor on a click,
    and the re-run from there answers with the corrected facts."""
    at = ask(ask(start(), INTERNAL_Q), OUTPUTS_Q)
    assert verdicts(at) == ["permitted", "not_permitted"]
    keys = {w.key for w in at.multiselect}
    assert "facts-2-deployments" in keys and "facts-1-deployments" not in keys
    assert any(m.value.startswith("**As read from the question**") for m in at.markdown)
    at.button(key="facts-1-edit").click().run()
    assert_clean(at)
    deployments = at.multiselect(key="facts-1-deployments")
    assert deployments.value == ["internal"]
    deployments.set_value(["weights_release"])
    at.button(key="facts-1-rerun").click().run()
    assert_clean(at)
    assert verdicts(at) == ["permitted", "not_permitted", "conditional"]
    third = at.session_state["turns"][2]
    assert third.parent == 1 and [d.value for d in third.answer.facts.deployments] == ["weights_release"]
