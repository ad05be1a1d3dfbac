"""End to end in a real browser: `streamlit run app.py` as a subprocess, driven by Playwright with Debian's Chromium.

Needs the `chromium` package (/usr/bin/chromium); Playwright's own browser downloads are never used. Screenshots and
the server log go to test-artifacts/.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from ingest.corpus import load_corpus
from ingest.embed import FAKE_MODEL, make_embedder
from ingest.index import ingest
from ingest.settings import Settings

pytestmark = [pytest.mark.integration, pytest.mark.slow]

REPO = Path(__file__).resolve().parent.parent
ARTIFACTS = REPO / "test-artifacts"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
QUESTION = "Can I use Llama 3 outputs to improve a Mistral model I will release?"
WAIT_MS = 90_000


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def chromium() -> Path:
    if not CHROMIUM.exists():
        pytest.skip("Debian's Chromium is not installed at /usr/bin/chromium "
                    "(apt-get install -y chromium chromium-driver)")
    return CHROMIUM


@pytest.fixture(scope="module")
def server(chromium, sources_dir, tmp_path_factory):
    """The app on a free port, over a fake-embedder index of the whole corpus; yields its URL."""
    home = tmp_path_factory.mktemp("browser-home")
    env = {**os.environ, "CLAUSEWISE_SOURCES": str(sources_dir), "CLAUSEWISE_HOME": str(home),
           "CLAUSEWISE_EMBED_MODEL": FAKE_MODEL, "HF_HUB_OFFLINE": "1"}
    env.pop("CLAUSEWISE_CHROMA_URL", None)
    settings = Settings.from_env(env)
    ingest(load_corpus(settings, network=False, user=False), settings, make_embedder(FAKE_MODEL), model_name=FAKE_MODEL)
    ARTIFACTS.mkdir(exist_ok=True)
    port = _free_port()
    log = open(ARTIFACTS / "streamlit.log", "w")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", str(port), "--server.address",
         "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                    if r.read().decode().strip() == "ok":
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"streamlit did not start (exit {proc.poll()}); see {ARTIFACTS / 'streamlit.log'}")
            time.sleep(0.3)
        yield url
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=15)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)
        log.close()


@pytest.fixture
def page(server, chromium):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            pg = browser.new_page(viewport={"width": 1400, "height": 3000})
            pg.set_default_timeout(WAIT_MS)
            # Assertions wait as long as actions do (expect's own default, 5 s, is too short on a loaded machine).
            expect.set_options(timeout=WAIT_MS)
            yield pg
        finally:
            browser.close()


def test_ask_in_the_browser_shows_verdict_clause_and_quote(server, page):
    page.goto(server)
    box = page.get_by_test_id("stChatInputTextArea")
    box.wait_for()
    box.fill(QUESTION)
    box.press("Enter")
    from playwright.sync_api import expect

    expect(page.get_by_text("llama-3-license:1.b.v", exact=True).first).to_be_visible(timeout=WAIT_MS)
    badge = page.locator(".cw-verdict.cw-v-not_permitted")
    expect(badge).to_have_count(1)
    expect(badge).to_contain_text("NOT PERMITTED")
    quote = page.locator(".cw-clause mark").filter(has_text="You will not use the Llama Materials").first
    expect(quote).to_be_visible()
    citation = page.get_by_test_id("stCode").filter(has_text="s. 1.b.v: \u201cYou will not use the Llama Materials").first
    expect(citation).to_be_visible()
    expect(citation.get_by_label("Copy to clipboard")).to_have_count(1)  # the one-click copy
    expect(page.get_by_test_id("stException")).to_have_count(0)
    page.wait_for_timeout(500)  # let the last elements settle before the picture
    page.get_by_test_id("stChatMessage").first.evaluate("e => e.scrollIntoView({block: 'start'})")  # chat scrolls down
    page.wait_for_timeout(300)
    page.screenshot(path=str(ARTIFACTS / "browser-answer.png"))


def test_compare_page_in_the_browser(server, page):
    page.goto(f"{server}/compare")
    from playwright.sync_api import expect

    expect(page.locator(".cw-st-changed").first).to_be_visible(timeout=WAIT_MS)
    expect(page.locator(".cw-diff del").first).to_be_visible()
    expect(page.locator(".cw-diff ins").first).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
    page.screenshot(path=str(ARTIFACTS / "browser-compare.png"))


FIRST = "We did a full fine-tune of Llama 3.1 8B and will publish the weights on Hugging Face."
FOLLOW = "And if we only serve it through an API?"


def _ask(page, question: str, answers: int) -> None:
    from playwright.sync_api import expect

    expect.set_options(timeout=30_000)  # two cores shared with other work: a rerun can take several seconds

    box = page.get_by_test_id("stChatInputTextArea")
    box.wait_for()
    box.fill(question)
    box.press("Enter")
    expect(page.locator(".cw-verdict")).to_have_count(answers, timeout=WAIT_MS)


def test_research_workspace_in_the_browser(server, page):
    """Ask, follow up with carried facts, reload and find the conversation, delete and undo."""
    from playwright.sync_api import expect

    page.goto(server)
    _ask(page, FIRST, 1)
    _ask(page, FOLLOW, 2)
    carried = page.get_by_text("Carried over from question 1: Llama 3.1; Full fine-tune / SFT")
    expect(carried).to_be_visible()
    expect(page.get_by_role("button", name="Full fine-tune / SFT", exact=True)).to_be_visible()  # one click drops it
    expect(page.get_by_test_id("stException")).to_have_count(0)
    page.wait_for_timeout(500)
    page.get_by_test_id("stChatMessage").nth(2).evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(300)
    page.screenshot(path=str(ARTIFACTS / "browser-follow-up.png"))
    page.get_by_test_id("stChatMessage").nth(2).evaluate(
        "e => { e.style.scrollMarginTop = '80px'; e.scrollIntoView({block: 'start'}); }")  # clear of the header
    page.wait_for_timeout(300)
    page.screenshot(path=str(ARTIFACTS / "readme-follow-up.png"), clip={"x": 0, "y": 0, "width": 1400, "height": 1150})
    assert "?c=" in page.url

    page.reload()  # the whole conversation comes back from the store
    expect(page.locator(".cw-verdict")).to_have_count(2, timeout=WAIT_MS)
    expect(page.get_by_text(FOLLOW).first).to_be_visible()
    sidebar = page.get_by_test_id("stSidebar")
    expect(sidebar.get_by_role("button", name=FIRST[:40], exact=False)).to_be_visible()

    sidebar.get_by_role("button", name="Delete").click()
    page.get_by_role("button", name="Delete it").click()
    expect(page.get_by_text("Deleted \u201c")).to_be_visible(timeout=WAIT_MS)
    expect(page.locator(".cw-verdict")).to_have_count(0)
    expect(sidebar.get_by_role("button", name=FIRST[:40], exact=False)).to_have_count(0)
    page.get_by_role("button", name="Undo").click()
    expect(page.locator(".cw-verdict")).to_have_count(2, timeout=WAIT_MS)
    expect(sidebar.get_by_role("button", name=FIRST[:40], exact=False)).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)


def test_compare_summary_names_the_training_ban_first_in_the_browser(server, page):
    from playwright.sync_api import expect

    expect.set_options(timeout=30_000)

    page.goto(f"{server}/compare?old=llama-3-license&new=llama-3.1-license")
    expect(page.locator(".cw-st-moved").first).to_be_visible(timeout=WAIT_MS)  # the page has rendered to the end
    first = page.locator(".st-key-cmp-change-1")
    expect(first).to_contain_text("1. Restriction removed", timeout=WAIT_MS)
    expect(first).to_contain_text("llama-improve-other-llm")
    expect(first).to_contain_text("improve any other large language model")
    expect(first).to_contain_text("llama-3-license:1.b.v", timeout=WAIT_MS)
    expect(first).to_contain_text("You will not use the Llama Materials or any output")
    expect(page.get_by_test_id("stException")).to_have_count(0)
    page.screenshot(path=str(ARTIFACTS / "browser-compare-summary.png"))


def test_clause_link_opens_in_a_fresh_page(server, chromium):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(chromium), args=CHROMIUM_ARGS)
        try:
            fresh = browser.new_context().new_page()  # no cookies, no session: only the URL
            fresh.set_default_timeout(WAIT_MS)
            fresh.goto(f"{server}/corpus?clause=llama-3-license%3A1.b.v")
            expect(fresh.get_by_test_id("stCode").filter(
                has_text='s. 1.b.v: \u201cYou will not use the Llama Materials').first).to_be_visible(timeout=WAIT_MS)
            expect(fresh.get_by_test_id("stException")).to_have_count(0)
        finally:
            browser.close()


def test_matrices_page_in_the_browser_opens_a_cell(server, page):
    page.goto(f"{server}/matrices")
    from playwright.sync_api import expect

    # Streamlit marks each keyed widget with a `st-key-<key>` class.
    cell = page.locator(".st-key-mx-method-outputs_train_other-llama-3").get_by_role("button").first
    expect(cell).to_be_visible()
    expect(cell).to_have_text("Not permitted \u00b7 1.b.v, 1.b.i +1")
    expect(page.get_by_role("button", name="Download json")).to_be_visible()  # the page has finished its run
    cell.click()
    detail = page.locator(".st-key-mx-detail")
    expect(detail).to_be_visible()
    expect(detail.get_by_role("heading", name="Outputs used to train another model \u00d7 Llama 3")).to_be_visible()
    expect(detail.locator(".cw-verdict.cw-v-not_permitted")).to_have_count(1)
    expect(detail.get_by_text("llama-improve-other-llm", exact=True).first).to_be_visible()
    expect(detail.locator(".cw-clause").filter(has_text="improve any other large language model").first).to_be_visible()
    expect(page.get_by_test_id("stException")).to_have_count(0)
    page.wait_for_timeout(300)
    page.screenshot(path=str(ARTIFACTS / "browser-matrices.png"))


OPEN_DEPLOYMENT = "Can we LoRA fine-tune Llama 3.1 8B on our support tickets?"


def test_branches_and_a_clarifying_choice_in_the_browser(server, page):
    """A question that leaves the deployment open: each reading with its verdict and clauses, then a choice settles
    it and the answer comes back with that reading's verdict."""
    from playwright.sync_api import expect

    page.goto(server)
    _ask(page, OPEN_DEPLOYMENT, 1)
    expect(page.locator(".cw-verdict.cw-v-conditional")).to_have_count(1)  # the most restrictive reading leads
    expect(page.get_by_text("It depends on a fact the question does not state")).to_be_visible()
    # Turn ids start at 1 in every session, so the first question's branches are branch-1-0, -1 and -2.
    release, hosted, internal = (page.locator(f".st-key-branch-1-{i}") for i in range(3))
    expect(release).to_contain_text("Conditional")
    expect(release).to_contain_text("the weights leave your organisation")
    expect(release).to_contain_text("llama-3.1-license:1.b.i")
    expect(release).to_contain_text("llama-3.1-license:1.b.iii")
    expect(hosted).to_contain_text("Conditional")
    expect(hosted).to_contain_text("the weights stay with you")
    expect(hosted).to_contain_text("llama-3.1-license:1.b.i")
    expect(hosted).not_to_contain_text("1.b.iii")  # nothing is redistributed, so no licence copy or notice file
    expect(internal).to_contain_text("Permitted")
    expect(internal).to_contain_text("it stays inside your organisation")
    expect(internal).to_contain_text("llama-3.1-license:1.a")
    expect(internal).to_contain_text("llama-internal-use")
    expect(page.get_by_text("How will the model (or what you build with it) be used?")).to_be_visible()
    release.evaluate("e => e.scrollIntoView({block: 'center'})")  # the chat scrolls to its end; show the branches
    page.wait_for_timeout(300)
    page.screenshot(path=str(ARTIFACTS / "browser-branches.png"))

    choice = page.locator(".st-key-settle-1-2").get_by_role("button")
    expect(choice).to_have_text("it stays inside your organisation")
    choice.click()
    expect(page.locator(".cw-verdict")).to_have_count(2, timeout=WAIT_MS)
    expect(page.locator(".cw-verdict").nth(1)).to_have_class("cw-verdict cw-v-permitted")
    expect(page.get_by_text("Re-run of question 1 with corrected facts: deployments: it stays inside your organisation")
           ).to_be_visible()
    expect(page.get_by_text("What the re-run changed:")).to_be_visible()
    expect(page.locator(".st-key-branch-2-0")).to_have_count(0)  # the deployment is settled: no branches any more
    expect(page.locator(".st-key-settle-2-0")).to_have_count(0)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    page.screenshot(path=str(ARTIFACTS / "browser-clarified.png"))


def test_review_sheet_page_in_the_browser(server, page):
    """The review sheet, filtered by a deep link to the Llama 3 licence: the training ban beside its verbatim clause."""
    from playwright.sync_api import expect

    page.goto(f"{server}/review?family=llama&doc=llama-3-license")
    card = page.locator(".st-key-rv-rule-llama-improve-other-llm")
    expect(card).to_be_visible(timeout=WAIT_MS)
    expect(card).to_contain_text("llama-3-license:1.b.v")
    expect(card.locator(".cw-clause").first).to_contain_text("You will not use the Llama Materials or any output")
    expect(card).not_to_contain_text("llama-2-license:1.b.v")
    for fmt in ("md", "csv", "html"):
        expect(page.get_by_test_id("stDownloadButton").filter(has_text=f"Download {fmt} (the filtered sheet)")
               ).to_have_count(1)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    card.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(300)
    page.screenshot(path=str(ARTIFACTS / "browser-review.png"))


def test_conversation_memo_downloads_as_a_docx_built_on_click(server, page):
    """The memo is built when the button is clicked (a deferred download), not on every rerun: the file still arrives
    and is the DOCX of the answer, with its clause."""
    import io
    import zipfile

    page.goto(server)
    _ask(page, QUESTION, 1)
    button = page.get_by_role("button", name="Export memo (DOCX)")
    button.wait_for()
    with page.expect_download(timeout=WAIT_MS) as info:
        button.click()
    download = info.value
    assert download.suggested_filename == "clausewise-memo.docx"
    data = Path(download.path()).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as docx:
        body = docx.read("word/document.xml").decode()
    assert "llama-3-license:1.b.v" in body
