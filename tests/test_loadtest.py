"""The app under concurrent load, in its short CI form: several real browser sessions (Playwright pages over HTTP and
WebSocket) ask questions against one running Streamlit server at once; every one gets its answer, none an error.
The full form (20 sessions for 60 s) is `clausewise loadtest URL`, with figures in the README."""

from __future__ import annotations

import pytest

from evals.loadtest import format_load_report, run_load_test
from test_browser import chromium, server  # noqa: F401 - the same app server fixture as the browser tests

pytestmark = pytest.mark.integration


def test_concurrent_sessions_all_get_answers_without_errors(server):  # noqa: F811
    report = run_load_test(server, sessions=4, seconds=20, timeout_ms=180_000)
    print(format_load_report(report))
    assert report.errors == 0, report.error_messages
    assert report.answers >= 4  # every session got at least one answer
    assert 0 < report.p50_ms <= report.p95_ms <= report.max_ms
