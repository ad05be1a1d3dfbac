"""A headless client of a running Streamlit app that speaks Streamlit's own protocol, as the browser's frontend does.

It loads the page and the health endpoint over HTTP, then opens `/_stcore/stream` and exchanges the protobuf messages
of the installed `streamlit.proto`: BackMsg.rerun_script (a ClientState: query string, page hash, widget states,
context) up, ForwardMsgs (new_session, navigation, deltas, page_info_changed, script_finished) down. A chat message
is sent the way the frontend sends it: a rerun whose widget states carry the chat input's ChatInputValue (a trigger:
sent once, then cleared). No JavaScript runs, so the one client process stays light enough to hold twenty sessions
beside the server on the same two cores, where twenty Chromium pages starve it.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState, ContextInfo
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates

XSRF_COOKIE = "_streamlit_xsrf"


class ProtocolError(RuntimeError):
    """The server said something a browser would show as a failure (an exception, a closed stream, no answer)."""


@dataclass
class ScriptRun:
    """What one script run sent: the elements by delta path (a later delta at a path replaces the earlier one, as on
    the page), and how the run finished (None while it runs)."""

    elements: dict[tuple[int, ...], object] = field(default_factory=dict)
    arrived: dict[tuple[int, ...], float] = field(default_factory=dict)  # time.perf_counter() of each element
    finished: int | None = None

    def markdown(self) -> list[str]:
        return [e.markdown.body for e in self.elements.values() if e.WhichOneof("type") == "markdown"]

    def count(self, needle: str) -> int:
        return sum(1 for body in self.markdown() if needle in body)

    def last_arrival(self, needle: str) -> float | None:
        """When the last markdown element containing `needle` reached the client (what a user waits for)."""
        times = [self.arrived[p] for p, e in self.elements.items()
                 if e.WhichOneof("type") == "markdown" and needle in e.markdown.body]
        return max(times, default=None)

    def exceptions(self) -> list[str]:
        return [f"{e.exception.type}: {e.exception.message}" for e in self.elements.values()
                if e.WhichOneof("type") == "exception"]

    def errors(self) -> list[str]:
        """st.error banners (Alert with format ERROR): how the Ask page reports a question it could not answer."""
        return [e.alert.body for e in self.elements.values()
                if e.WhichOneof("type") == "alert" and e.alert.format == e.alert.ERROR]

    def widget_id(self, kind: str) -> str | None:
        for e in self.elements.values():
            if e.WhichOneof("type") == kind:
                return getattr(e, kind).id
        return None


class StreamlitSession:
    """One browser-like session: `await open()`, then `await chat(text, until=...)`; `await close()` at the end."""

    def __init__(self, http, url: str, timeout: float):
        self.http = http  # an aiohttp.ClientSession (its own cookie jar: one per simulated browser)
        self.url = url.rstrip("/")
        self.timeout = timeout
        self.ws = None
        self.page_hash = ""
        self.query_string = ""
        self.runs: list[ScriptRun] = []

    async def open(self) -> ScriptRun:
        """What a browser does on opening the URL: the page, the health check, the stream, the first script run."""
        async with self.http.get(self.url + "/") as r:
            if r.status != 200:
                raise ProtocolError(f"GET / returned HTTP {r.status}")
            await r.read()
        async with self.http.get(self.url + "/_stcore/health") as r:
            body = (await r.text()).strip()
            if r.status != 200 or body != "ok":
                raise ProtocolError(f"/_stcore/health returned HTTP {r.status} {body[:80]!r}")
        parts = urlsplit(self.url)
        scheme = "wss" if parts.scheme == "https" else "ws"
        cookie = self.http.cookie_jar.filter_cookies(self.url).get(XSRF_COOKIE)
        # The frontend passes its XSRF token as the second subprotocol entry (the server reads it there).
        protocols = ("streamlit", cookie.value) if cookie else ("streamlit",)
        self.ws = await self.http.ws_connect(f"{scheme}://{parts.netloc}{parts.path.rstrip('/')}/_stcore/stream",
                                             protocols=protocols, origin=f"{parts.scheme}://{parts.netloc}",
                                             heartbeat=None, max_msg_size=0)
        await self._rerun(WidgetStates())
        return await self._until_finished()

    async def chat(self, widget_id: str, text: str) -> list[ScriptRun]:
        """Submit `text` in the chat input `widget_id`; returns the runs it caused, up to the first one that finishes
        without asking for another (the Ask page answers, then reruns itself to draw the new turn in place)."""
        state = WidgetState(id=widget_id)
        state.chat_input_value.data = text
        await self._rerun(WidgetStates(widgets=[state]))
        runs = []
        while True:
            run = await self._until_finished()
            runs.append(run)
            if run.finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                return runs

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()

    async def _rerun(self, widgets: WidgetStates) -> None:
        page_url = self.url + "/" + (f"?{self.query_string}" if self.query_string else "")
        client = ClientState(query_string=self.query_string, widget_states=widgets, page_script_hash=self.page_hash,
                             context_info=ContextInfo(url=page_url, timezone="UTC", timezone_offset=0, locale="en-GB",
                                                      is_embedded=False, color_scheme="light"))
        await self.ws.send_bytes(BackMsg(rerun_script=client).SerializeToString())

    async def _until_finished(self) -> ScriptRun:
        """Read ForwardMsgs until the current script run finishes; the run's elements, as the page would show them."""
        import aiohttp

        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.timeout
        run = ScriptRun()
        started = False
        while True:
            left = deadline - loop.time()
            if left <= 0:
                raise ProtocolError(f"no script run finished within {self.timeout:.0f} s")
            try:
                frame = await asyncio.wait_for(self.ws.receive(), left)
            except asyncio.TimeoutError:
                raise ProtocolError(f"no script run finished within {self.timeout:.0f} s") from None
            if frame.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED, aiohttp.WSMsgType.CLOSING,
                              aiohttp.WSMsgType.ERROR):
                raise ProtocolError(f"the server closed the stream ({frame.type.name}, {frame.data!r})")
            if frame.type != aiohttp.WSMsgType.BINARY:
                continue
            msg = ForwardMsg()
            msg.ParseFromString(frame.data)
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                started = True
                run = ScriptRun()
                if msg.new_session.page_script_hash:
                    self.page_hash = msg.new_session.page_script_hash
            elif kind == "navigation":
                self.page_hash = msg.navigation.page_script_hash or self.page_hash
            elif kind == "page_info_changed":
                self.query_string = msg.page_info_changed.query_string
            elif kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
                path = tuple(msg.metadata.delta_path)
                run.elements[path] = msg.delta.new_element
                run.arrived[path] = time.perf_counter()
            elif kind == "script_finished" and started:
                run.finished = msg.script_finished
                self.runs.append(run)
                return run
