"""The app under concurrent load, in its short CI form: sessions of real HTTP + WebSocket clients ask questions against
one running Streamlit server at once; every one gets its answer, none an error, and the same conversation gets the same
verdicts in every session. The default client speaks Streamlit's own protocol (evals/streamlit_client.py); the browser
client (Chromium pages) runs in a smaller form so it keeps working. The full form (20 sessions for 60 s) is
`clausewise loadtest URL`, with figures in the README."""

from __future__ import annotations

import pytest

from evals.loadtest import CHROMIUM, QUESTIONS, format_load_report, run_load_test
from ingest.errors import ConfigError
from test_browser import server  # noqa: F401 - the same app server fixture as the browser tests

pytestmark = pytest.mark.integration

# What the app answers each load-test question alone (fake-hash index of the whole corpus; the verdicts come from the
# rules table, see tests/test_app.py for the first one).
EXPECTED = {
    QUESTIONS[0]: "not_permitted",  # Llama 3 outputs to improve another family's model
    QUESTIONS[1]: "conditional",    # a Gemma 2 LoRA sold as an API: the use restrictions pass on
    QUESTIONS[2]: "conditional",    # a quantized Llama 3.1 published: the redistribution duties
    QUESTIONS[3]: "permitted",      # an Apache-2.0 model in a closed product
    QUESTIONS[4]: "not_permitted",  # a Qwen2.5 + Llama 3 merge released
}


@pytest.fixture(scope="module")
def chromium():
    """The protocol client needs no browser: the app server starts without one (the browser test checks its own)."""
    return CHROMIUM


def test_protocol_client_sessions_all_get_answers_without_errors(server):  # noqa: F811
    report = run_load_test(server, sessions=10, seconds=20, timeout_ms=180_000)
    print(format_load_report(report))
    assert report.errors == 0, report.error_messages
    assert report.client == "ws"
    assert report.answers >= 10  # every session got at least one answer
    assert 0 < report.p50_ms <= report.p95_ms <= report.max_ms
    assert dict(report.first_verdicts) == EXPECTED  # ten sessions start on each of the five questions twice


def test_browser_client_still_drives_chromium_pages(server):  # noqa: F811
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not installed (apt-get install -y chromium)")
    report = run_load_test(server, sessions=2, seconds=5, timeout_ms=180_000, client="browser")
    print(format_load_report(report))
    assert report.errors == 0, report.error_messages
    assert report.client == "browser" and report.answers >= 2
    assert dict(report.first_verdicts) == {QUESTIONS[0]: "not_permitted", QUESTIONS[1]: "conditional"}


def test_a_server_that_is_not_there_is_an_error_per_session():
    report = run_load_test("http://127.0.0.1:9", sessions=2, seconds=1, timeout_ms=5_000)
    assert report.errors == 2 and report.answers == 0
    assert all("ClientConnectorError" in m or "Connect" in m for m in report.error_messages), report.error_messages


def test_bad_arguments_are_refused():
    with pytest.raises(ConfigError, match="client"):
        run_load_test("http://127.0.0.1:8501", client="locust")
    with pytest.raises(ConfigError, match="http://"):
        run_load_test("127.0.0.1:8501")
    with pytest.raises(ConfigError, match="at least one session"):
        run_load_test("http://127.0.0.1:8501", sessions=0)
