"""Load test of the running Streamlit app: N concurrent sessions each asking questions on the Ask page for a fixed
time; reports answers, errors and latency.

Two clients, both real HTTP + WebSocket clients of the server:
- `ws` (default): evals/streamlit_client.py speaks Streamlit's own protocol (the page and health endpoint over HTTP,
  then protobuf BackMsg/ForwardMsg over `/_stcore/stream`), one asyncio task per session; no JavaScript runs, so the
  client costs the server's cores next to nothing.
- `browser`: Playwright pages in Debian's Chromium, each loading Streamlit's JavaScript bundle and typing into the chat
  box; the most faithful, but twenty of them starve the server on a small machine.

A latency is from submitting the question to the new answer's verdict badge reaching the client: what a user waits for.
The same conversation (the same questions in the same order) must get the same verdicts in every session; a difference
is counted as an error, since follow-ups carry facts over and only a fault under load would tell them apart.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections import defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

from evals.bench import percentile
from ingest.errors import ConfigError

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
CLIENTS = ("ws", "browser")
QUESTIONS = (
    "Can I use Llama 3 outputs to improve a Mistral model I will release?",
    "I fine-tuned Gemma 2 9B with LoRA and want to sell API access. What must I do?",
    "May I publish a quantized Llama 3.1 8B on Hugging Face?",
    "Can I use an Apache-2.0 model in a closed-source commercial product?",
    "We merged Qwen2.5 7B with a Llama 3 fine-tune; can we release the weights?",
)
VERDICT = "cw-verdict"  # the class of the verdict badge (ui/render.py)
_VERDICT_CLASS = re.compile(r"\bcw-v-([a-z_]+)")


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
    client: str = "ws"
    verdicts: tuple[tuple[str, int], ...] = ()  # (verdict, how many answers had it), most frequent first
    opened_p50_ms: float = 0.0  # opening a session: page, health, stream, first script run
    opened_max_ms: float = 0.0
    # (question, verdict) for each question some session asked first: no earlier question to carry facts from, so
    # each is the verdict the app gives that question alone
    first_verdicts: tuple[tuple[str, str], ...] = ()

    def to_json(self) -> dict:
        d = asdict(self)
        d["verdicts"] = dict(self.verdicts)
        d["first_verdicts"] = dict(self.first_verdicts)
        return d


@dataclass
class _Tally:
    """What all sessions record; asyncio tasks share it on one thread, so plain lists are safe."""

    latencies: list[float]
    opened: list[float]
    errors: list[str]
    # conversation so far (questions in order) -> the verdicts given to its last question, for the consistency check
    answers: dict[tuple[str, ...], list[str]]

    @classmethod
    def new(cls) -> _Tally:
        return cls([], [], [], defaultdict(list))

    def answered(self, asked: tuple[str, ...], verdict: str, ms: float) -> None:
        self.latencies.append(ms)
        self.answers[asked].append(verdict)

    def inconsistencies(self) -> list[str]:
        out = []
        for asked, verdicts in self.answers.items():
            if len(set(verdicts)) > 1:
                seen = ", ".join(f"{v} x{verdicts.count(v)}" for v in sorted(set(verdicts)))
                out.append(f"question {len(asked)} of the same conversation got different verdicts ({seen}): "
                           f"{asked[-1]!r}")
        return out


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text.splitlines()[0][:200]}" if text else type(exc).__name__


def _question(index: int, n: int) -> str:
    return QUESTIONS[(index + n) % len(QUESTIONS)]


async def _ws_session(url: str, index: int, deadline: float, timeout: float, tally: _Tally, delay: float) -> None:
    import aiohttp

    from evals.streamlit_client import StreamlitSession

    await asyncio.sleep(delay)  # sessions arrive over the ramp-up, as users do, not all in one instant
    async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=timeout)) as http:
        session = StreamlitSession(http, url, timeout)
        try:
            t0 = time.perf_counter()
            first = await session.open()
            tally.opened.append((time.perf_counter() - t0) * 1000)
            if first.exceptions():
                raise RuntimeError("an exception is shown on the page: " + first.exceptions()[0][:200])
            box = first.widget_id("chat_input")
            if box is None:
                raise RuntimeError("the Ask page has no chat input")
            asked: tuple[str, ...] = ()
            while not asked or time.monotonic() < deadline:  # every session asks at least once, however slow the start
                question = _question(index, len(asked))
                asked += (question,)
                t0 = time.perf_counter()
                runs = await session.chat(box, question)
                shown = [e for r in runs for e in r.exceptions()]
                if shown:
                    raise RuntimeError("an exception is shown on the page: " + shown[0][:200])
                last = runs[-1]
                badges = [b for b in last.markdown() if VERDICT in b]
                if len(badges) < len(asked):
                    problem = "; ".join(last.errors())[:200] or "no error shown either"
                    raise RuntimeError(f"question {len(asked)} got no verdict ({problem})")
                match = _VERDICT_CLASS.search(badges[-1])
                tally.answered(asked, match.group(1) if match else "?",
                               (last.last_arrival(VERDICT) - t0) * 1000)
        except Exception as exc:  # noqa: BLE001 - a session's failure is a counted error, not a crash of the test
            tally.errors.append(f"session {index}: {_describe(exc)}")
        finally:
            await session.close()


async def _browser_session(browser, url: str, index: int, deadline: float, timeout: float, tally: _Tally,
                           delay: float) -> None:
    await asyncio.sleep(delay)
    context = await browser.new_context(viewport={"width": 1200, "height": 1600})
    page = await context.new_page()
    page.set_default_timeout(timeout * 1000)
    try:
        # The chat box appearing is the readiness check; waiting for every asset's load event as well only measures
        # how fast the test's own browser parses Streamlit's bundle twenty times on the same cores.
        t0 = time.perf_counter()
        await page.goto(url, wait_until="domcontentloaded")
        box = page.get_by_test_id("stChatInputTextArea")
        await box.wait_for()
        tally.opened.append((time.perf_counter() - t0) * 1000)
        asked: tuple[str, ...] = ()
        while not asked or time.monotonic() < deadline:
            question = _question(index, len(asked))
            asked += (question,)
            t0 = time.perf_counter()
            await box.fill(question)
            await box.press("Enter")
            await page.wait_for_function(f"document.querySelectorAll('.{VERDICT}').length >= {len(asked)}",
                                         timeout=timeout * 1000)
            ms = (time.perf_counter() - t0) * 1000
            if await page.get_by_test_id("stException").count():
                tally.errors.append(f"session {index}: an exception is shown on the page")
                break
            match = _VERDICT_CLASS.search(await page.locator(f".{VERDICT}").last.get_attribute("class") or "")
            tally.answered(asked, match.group(1) if match else "?", ms)
    except Exception as exc:  # noqa: BLE001
        tally.errors.append(f"session {index}: {_describe(exc)}")
    finally:
        await context.close()


async def _run(url: str, sessions: int, seconds: float, timeout: float, ramp_up: float, client: str) -> LoadReport:
    tally = _Tally.new()
    t0 = time.monotonic()
    deadline = t0 + ramp_up + seconds
    delays = [ramp_up * i / sessions for i in range(sessions)]
    if client == "ws":
        await asyncio.gather(*(_ws_session(url, i, deadline, timeout, tally, delays[i]) for i in range(sessions)))
    else:
        from playwright.async_api import async_playwright

        async with async_playwright() as p:
            browser = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            try:
                await asyncio.gather(*(_browser_session(browser, url, i, deadline, timeout, tally, delays[i])
                                       for i in range(sessions)))
            finally:
                await browser.close()
    elapsed = time.monotonic() - t0
    errors = tally.errors + tally.inconsistencies()
    counts: dict[str, int] = defaultdict(int)
    for verdicts in tally.answers.values():
        for v in verdicts:
            counts[v] += 1
    lat = tally.latencies
    first = tuple(sorted((asked[0], verdicts[0]) for asked, verdicts in tally.answers.items() if len(asked) == 1))
    return LoadReport(sessions, round(elapsed, 1), len(lat), len(errors), round(percentile(lat, 50), 1),
                      round(percentile(lat, 95), 1), round(max(lat, default=0.0), 1), tuple(errors), client,
                      tuple(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))),
                      round(percentile(tally.opened, 50), 1), round(max(tally.opened, default=0.0), 1), first)


def run_load_test(url: str, sessions: int = 20, seconds: float = 60.0, timeout_ms: int = 120_000,
                  ramp_up: float = 0.0, client: str = "ws") -> LoadReport:
    """`sessions` sessions asking questions against the app at `url` for `seconds` once all have arrived; with
    `ramp_up`, they arrive evenly over that many seconds first (as locust's spawn rate does). `client` is "ws" (the
    Streamlit protocol client) or "browser" (Playwright pages in Chromium)."""
    if client not in CLIENTS:
        raise ConfigError(f"Unknown load-test client {client!r}; use one of: {', '.join(CLIENTS)}.")
    if client == "browser" and not CHROMIUM.exists():
        raise ConfigError(f"The browser client drives Debian's Chromium at {CHROMIUM}; install it "
                          "(apt-get install chromium), or use the protocol client (--client ws).")
    if sessions < 1 or seconds <= 0 or ramp_up < 0 or timeout_ms <= 0:
        raise ConfigError("Use at least one session, a positive duration and timeout, and a ramp-up of 0 s or more.")
    if not url.startswith(("http://", "https://")):
        raise ConfigError(f"The app URL must start with http:// or https:// (got {url!r}), e.g. http://127.0.0.1:8501.")
    return asyncio.run(_run(url.rstrip("/"), sessions, seconds, timeout_ms / 1000, ramp_up, client))


def format_load_report(r: LoadReport) -> str:
    client = "Streamlit protocol client" if r.client == "ws" else "Chromium pages"
    lines = [f"{r.sessions} sessions ({client}) for {r.seconds:.0f} s: {r.answers} answers, {r.errors} errors",
             f"latency (question sent to verdict received): p50 {r.p50_ms:.0f} ms, p95 {r.p95_ms:.0f} ms, "
             f"max {r.max_ms:.0f} ms",
             f"opening a session (page, health, stream, first run): p50 {r.opened_p50_ms:.0f} ms, "
             f"max {r.opened_max_ms:.0f} ms"]
    if r.verdicts:
        lines.append("verdicts: " + ", ".join(f"{v} {n}" for v, n in r.verdicts))
    lines += [f"  {m}" for m in r.error_messages[:20]]
    return "\n".join(lines)
