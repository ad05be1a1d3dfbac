"""The "Check a release" page in a real browser (Debian Chromium through Playwright), on the server fixture of
test_browser.py: paste a card, check it, see the verdict, the lineage graph, the findings and the downloads."""

from __future__ import annotations

from pathlib import Path

import pytest

from test_browser import ARTIFACTS, WAIT_MS, chromium, page, server  # noqa: F401  (pytest fixtures)

pytestmark = [pytest.mark.integration, pytest.mark.slow]

CARD = Path(__file__).resolve().parent / "fixtures" / "cards" / "own" / "gemma2-apache.md"


def test_check_a_release_in_the_browser(server, page):  # noqa: F811
    from playwright.sync_api import expect

    page.goto(f"{server}/check_release")
    page.get_by_text("Paste a model card", exact=True).click()
    box = page.get_by_placeholder("---")
    box.wait_for()
    box.fill(CARD.read_text(encoding="utf-8"))
    page.get_by_test_id("stBaseButton-primary").filter(has_text="Check").click()
    expect(page.get_by_text("VIOLATION").first).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_text("licence-mismatch").first).to_be_visible()
    expect(page.get_by_text("gemma-terms-2025:3.1.p1.b1").first).to_be_visible()
    expect(page.get_by_test_id("stGraphVizChart").locator("svg")).to_have_count(1, timeout=WAIT_MS)
    for label in ("CycloneDX BOM", "SPDX 3 BOM", "Memo (PDF)", "NOTICE"):
        # The BOMs and memos are built after the findings are drawn; give them the same patience.
        expect(page.get_by_test_id("stDownloadButton").filter(has_text=label)).to_have_count(1, timeout=WAIT_MS)
    expect(page.get_by_test_id("stException")).to_have_count(0)
    page.screenshot(path=str(ARTIFACTS / "browser-check-release.png"), full_page=True)
