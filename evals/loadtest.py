"""Load test of the running Streamlit app: N concurrent browser sessions (Playwright pages in Debian's Chromium, a real
HTTP + WebSocket client) each asking questions on the Ask page for a fixed time; reports answers, errors and latency.

A latency is from pressing Enter to the new answer's verdict badge being on the page: what a user waits for.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from evals.bench import percentile
from ingest.errors import ConfigError

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
QUESTIONS = (
    "Can I use Llama 3 outputs to improve a Mistral model I will release?",
    "I fine-tuned Gemma 2 9B with LoRA and want to sell API access. What must I do?",
    "May I publish a quantized Llama 3.1 8B on Hugging Face?",
    "Can I use an Apache-2.0 model in a closed-source commercial product?",
    "We merged Qwen2.5 7B with a Llama 3 fine-tune; can we release the weights?",
)


@dataclass(frozen=True)
class LoadReport:
    sessions: int
    seconds: float
    answers: int
    errors: int
    p50_ms: float
    p95_ms: float
    max_ms: float
    error_messages: tuple[str, ...]

    def to_json(self) -> dict:
        return asdict(self)


async def _session(browser, url: str, index: int, deadline: float, timeout_ms: int,
                   latencies: list[float], errors: list[str], delay: float = 0.0) -> None:
    await asyncio.sleep(delay)  # sessions arrive over the ramp-up, as users do, not all in one instant
    context = await browser.new_context(viewport={"width": 1200, "height": 1600})
    page = await context.new_page()
    page.set_default_timeout(timeout_ms)
    try:
        # The chat box appearing is the readiness check; waiting for every asset's load event as well only measures
        # how fast the test's own browser parses Streamlit's bundle twenty times on the same cores.
        await page.goto(url, wait_until="domcontentloaded")
        box = page.get_by_test_id("stChatInputTextArea")
        await box.wait_for()
        n = 0
        while n == 0 or time.monotonic() < deadline:  # every session asks at least once, however slow the start
            question = QUESTIONS[(index + n) % len(QUESTIONS)]
            before = await page.locator(".cw-verdict").count()
            t0 = time.perf_counter()
            await box.fill(question)
            await box.press("Enter")
            await page.wait_for_function(f"document.querySelectorAll('.cw-verdict').length > {before}",
                                         timeout=timeout_ms)
            latencies.append((time.perf_counter() - t0) * 1000)
            if await page.get_by_test_id("stException").count():
                errors.append(f"session {index}: an exception is shown on the page")
                break
            n += 1
    except Exception as exc:  # noqa: BLE001 - every failure of a session is a counted error, not a crash of the test
        errors.append(f"session {index}: {type(exc).__name__}: {str(exc).splitlines()[0][:200]}")
    finally:
        await context.close()


async def _run(url: str, sessions: int, seconds: float, timeout_ms: int, ramp_up: float = 0.0) -> LoadReport:
    from playwright.async_api import async_playwright

    latencies: list[float] = []
    errors: list[str] = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            t0 = time.monotonic()
            deadline = t0 + ramp_up + seconds
            await asyncio.gather(*(_session(browser, url, i, deadline, timeout_ms, latencies, errors,
                                            ramp_up * i / sessions) for i in range(sessions)))
            elapsed = time.monotonic() - t0
        finally:
            await browser.close()
    return LoadReport(sessions, round(elapsed, 1), len(latencies), len(errors), round(percentile(latencies, 50), 1),
                      round(percentile(latencies, 95), 1), round(max(latencies, default=0.0), 1), tuple(errors))


def run_load_test(url: str, sessions: int = 20, seconds: float = 60.0, timeout_ms: int = 120_000,
                  ramp_up: float = 0.0) -> LoadReport:
    """`sessions` browser sessions asking questions against the app at `url` for `seconds` once all have arrived;
    with `ramp_up`, they arrive evenly over that many seconds first (as locust's spawn rate does)."""
    if not CHROMIUM.exists():
        raise ConfigError(f"The load test drives Debian's Chromium at {CHROMIUM}; install it (apt-get install chromium).")
    if sessions < 1 or seconds <= 0 or ramp_up < 0:
        raise ConfigError("Use at least one session, a positive duration and a ramp-up of 0 s or more.")
    return asyncio.run(_run(url.rstrip("/"), sessions, seconds, timeout_ms, ramp_up))


def format_load_report(r: LoadReport) -> str:
    lines = [f"{r.sessions} sessions for {r.seconds:.0f} s: {r.answers} answers, {r.errors} errors",
             f"latency (Enter to verdict on the page): p50 {r.p50_ms:.0f} ms, p95 {r.p95_ms:.0f} ms, max {r.max_ms:.0f} ms"]
    lines += [f"  {m}" for m in r.error_messages[:20]]
    return "\n".join(lines)
