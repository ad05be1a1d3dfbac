"""The obligations checklist on the Ask page and the "Check a release" page, through AppTest (no browser)."""

from __future__ import annotations

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
CARDS = REPO / "tests" / "fixtures" / "cards"
TIMEOUT = 120


def _env(home: Path, sources: Path) -> dict[str, str]:
    return {"CLAUSEWISE_SOURCES": str(sources), "CLAUSEWISE_HOME": str(home), "CLAUSEWISE_EMBED_MODEL": FAKE_MODEL,
            "HF_HUB_OFFLINE": "1"}


@pytest.fixture(scope="module")
def app_env(sources_dir, tmp_path_factory):
    home = tmp_path_factory.mktemp("release-ui-home")
    settings = Settings.from_env(_env(home, sources_dir))
    ingest(load_corpus(settings, network=False, user=False), settings, make_embedder(FAKE_MODEL), model_name=FAKE_MODEL)
    mp = pytest.MonkeyPatch()
    for key, value in _env(home, sources_dir).items():
        mp.setenv(key, value)
    mp.delenv("CLAUSEWISE_CHROMA_URL", raising=False)
    yield home
    mp.undo()


def clean(at: AppTest) -> AppTest:
    assert not at.exception, [e.value for e in at.exception]
    return at


def markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def check_page() -> AppTest:
    at = clean(AppTest.from_file(APP, default_timeout=TIMEOUT).run())
    return clean(at.switch_page("ui/pages/check_release.py").run())


def test_ask_page_shows_a_copyable_checklist(app_env):
    at = clean(AppTest.from_file(APP, default_timeout=TIMEOUT).run())
    at.chat_input[0].set_value("We fine-tuned Llama 3 8B with LoRA and publish the weights on Hugging Face").run()
    clean(at)
    labels = [c.label for c in at.checkbox]
    assert any(label.startswith("Notice file: Ship a text file named Notice") and
               "Meta Llama 3 is licensed under the Meta Llama 3 Community License" in label for label in labels)
    assert any(label.startswith("Name prefix:") and "\u201cLlama 3\u201d" in label for label in labels)
    codes = [c.value for c in at.code]
    checklist = next(c for c in codes if c.startswith("- [ ] Licence copy"))
    assert "(llama-3-license:1.b.iii)" in checklist and "  > iii. You must retain" in checklist
    assert "**What to do** (4 obligations)" in markdown(at)


def test_check_page_pasted_card(app_env):
    at = check_page()
    at.radio(key="check-mode").set_value("Paste a model card").run()
    at.text_area(key="check-paste").set_value((CARDS / "own" / "gemma2-apache.md").read_text(encoding="utf-8")).run()
    clean(at.button(key="check-paste-go").click().run())
    text = markdown(at)
    assert ":red-badge[VIOLATION] support\\-gemma\\-9b" in text
    assert "**licence-mismatch** (violation)" in text and "**use-restrictions-not-passed-on** (violation)" in text
    assert "`gemma-terms-2025:3.1.p1.b1`" in text
    charts = at.get("graphviz_chart")
    assert charts and "google/gemma-2-9b-it" in charts[0].proto.spec
    labels = {b.proto.label for b in at.get("download_button")}
    assert {"NOTICE", "LICENSE", "MODEL_CARD_LICENSE.md", "CycloneDX BOM", "SPDX 3 BOM", "Memo (Markdown)",
            "Memo (DOCX)", "Memo (PDF)"} <= labels


def test_check_page_upload_and_registry_pick(app_env):
    at = check_page()
    at.radio(key="check-mode").set_value("Pick a model from the registry").run()
    at.selectbox(key="check-pick").set_value("llama-3.1").run()
    at.selectbox(key="check-method").set_value("merge").run()
    at.text_input(key="check-name").set_value("Blend-8B").run()
    clean(at.button(key="check-pick-go").click().run())
    text = markdown(at)
    assert ":red-badge[VIOLATION] Blend\\-8B" in text and "**missing-name-prefix** (violation)" in text
    assert "Rename the model to \\`Llama\\-Blend\\-8B\\`" in text
    assert any(c.label.startswith("Name prefix:") for c in at.checkbox)


def test_check_page_refuses_a_bad_file(app_env):
    at = check_page()
    at.radio(key="check-mode").set_value("Paste a model card").run()
    at.text_area(key="check-paste").set_value("---\nlicense: [broken\n---\n# x").run()
    clean(at.button(key="check-paste-go").click().run())
    assert any("front matter cannot be read" in e.value for e in at.error)


def test_ask_page_offers_the_conversation_memo(app_env):
    at = clean(AppTest.from_file(APP, default_timeout=TIMEOUT).run())
    (before,) = [b for b in at.get("download_button") if b.proto.label == "Export memo (DOCX)"]
    assert before.proto.disabled  # nothing asked yet
    at.chat_input[0].set_value("We fine-tuned Gemma 2 9B and release the weights on Hugging Face").run()
    clean(at)
    (after,) = [b for b in at.get("download_button") if b.proto.label == "Export memo (DOCX)"]
    assert not after.proto.disabled  # its contents are checked in test_memo.py (memo_for_answers, DOCX opened)


def test_check_page_shows_the_clause_annotations_applied(app_env):
    """A hosted Gemma 3 fine-tune: the modified-files notice comes from the clause annotations alone, and the expander
    lists every triggered clause with what covers it."""
    at = check_page()
    at.radio(key="check-mode").set_value("Pick a model from the registry").run()
    at.selectbox(key="check-pick").set_value("gemma-3").run()
    at.selectbox(key="check-method").set_value("full_finetune").run()
    at.multiselect(key="check-deploy").set_value(["hosted"]).run()
    clean(at.button(key="check-pick-go").click().run())
    text = markdown(at)
    assert "**clause-obligation** (incomplete)" in text
    assert "`gemma-terms-2025:3.1.p1.b3` \u00b7 *obligation* \u00b7 **new finding above**" in text
    assert "`gemma-terms-2025:3.1.p1.b1` \u00b7 *obligation* \u00b7 finding use\\-restrictions\\-not\\-passed\\-on" in text
    (box,) = [e for e in at.expander if e.label.startswith("Clause annotations triggered by this release")]
    assert "1 reported only by them" in box.label
