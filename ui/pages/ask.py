"""Ask: a scenario question in, a verdict with verbatim cited clauses out; a saved, linkable research conversation.

Every turn is written to the conversation store (retrieval/history.py) as it is answered; `?c=<id>` reopens a
conversation after a reload, a restart or from a pasted link. Follow-ups inherit the unsaid facts of the previous
question, shown and droppable; the facts of any answer can be corrected and re-run.
"""

from __future__ import annotations

import logging

import streamlit as st

from ingest.errors import ClausewiseError
from retrieval.answer import MAX_QUESTION, clean_question
from retrieval.followup import carry_over
from retrieval.history import changed_versions, corpus_version, rules_version
from ui import state
from ui.checklist import conversation_memo_button
from ui.conversation import (DISCLAIMER, Turn, carried_label, carried_sentence, clause_kinds, conversation_markdown,
                             turn_from_payload)
from ui.engine import answer_with_facts, outcome_changes
from ui.errors import message
from ui.facts_panel import panel, read_edits
from ui.render import answer_view
from ui.text import md_escape

log = logging.getLogger("clausewise.ui")
EXAMPLES = [
    "Can I use Llama 3 outputs to improve a Mistral model I will release?",
    "We fine-tuned Llama 3 8B with LoRA and use it internally only. Is that allowed?",
    "Can we release a Gemma 2 fine-tune on Hugging Face under Apache 2.0?",
    "We are a Berlin startup serving a Llama 3.1 fine-tune through a paid API to 2 million monthly users.",
]
EMPTY = "The question is empty. Describe the model, what you did with it and how you will use it."
SIDEBAR_LIMIT = 30



class Unsaved:
    """Stands in for a conversation store that cannot be opened: the page keeps answering, nothing is saved."""

    def __init__(self, problem: ClausewiseError):
        self.problem = problem
        self.path = "(not available)"

    def list(self):
        return []

    def __getattr__(self, name):
        def refuse(*args, **kwargs):
            raise self.problem
        return refuse


ss = st.session_state
app = state.app_state()
services = app.services
try:
    history = state.history(app.settings)
except ClausewiseError as exc:
    history = Unsaved(exc)
CORPUS_VERSION = corpus_version(services.corpus.documents)
RULES_VERSION = rules_version()
turns: list[Turn] = ss.setdefault("turns", [])
ss.setdefault("next_turn_id", 1)
ss.setdefault("conv_id", None)


# --- the conversation store ----------------------------------------------------------------------------------------

def forget_widgets(prefix: str = "facts-") -> None:
    """Drop the panel widgets' state: turn ids restart in every conversation, and a turn answered again in place has
    new facts, so what the widgets held belongs to something else."""
    for key in [k for k in ss if isinstance(k, str) and (k.startswith(prefix) or k == "rename-title")]:
        del ss[key]


def load_conversation(cid: str) -> None:
    """Replace the page's conversation with a saved one (from a link, a reload or the sidebar)."""
    try:
        info = history.get(cid)
        stored = history.turns(cid)
    except ClausewiseError as exc:
        ss["flash"] = ("warning", message(exc))
        ss["conv_id"] = None
        turns.clear()
        return
    forget_widgets()
    turns.clear()
    turns.extend(turn_from_payload(t.payload, t.corpus_version, t.rules_version) for t in stored)
    ss["conv_id"] = info.id
    ss["next_turn_id"] = max((t.id for t in turns), default=0) + 1
    corpus_changed, rules_changed = changed_versions(stored, CORPUS_VERSION, RULES_VERSION)
    ss["version_notice"] = (corpus_changed, rules_changed)


def persist(turn: Turn) -> None:
    try:
        if ss["conv_id"] is None:
            ss["conv_id"] = history.create(turn.question)
        history.save_turn(ss["conv_id"], turn.id, turn.to_payload(), turn.corpus_version, turn.rules_version)
        st.query_params["c"] = ss["conv_id"]
    except Exception as exc:  # noqa: BLE001 - the answer is shown either way; saving is reported, not fatal
        log.exception("saving the conversation failed")
        ss["flash"] = ("warning", "This answer is shown but could not be saved: " + message(exc))


def open_conversation(cid: str) -> None:
    load_conversation(cid)
    if ss["conv_id"]:
        st.query_params["c"] = cid


def new_conversation() -> None:
    forget_widgets()
    turns.clear()
    ss["conv_id"] = None
    ss["next_turn_id"] = 1
    ss.pop("version_notice", None)
    st.query_params.pop("c", None)


def rename_conversation() -> None:
    try:
        history.rename(ss["conv_id"], ss.get("rename-title", ""))
    except ClausewiseError as exc:
        ss["flash"] = ("error", message(exc))


def delete_conversation() -> None:
    cid = ss["conv_id"]
    try:
        title = history.get(cid).title
        history.delete(cid)
    except ClausewiseError as exc:
        ss["flash"] = ("error", message(exc))
        return
    new_conversation()
    ss["undo"] = (cid, title)


def undo_delete() -> None:
    cid, _ = ss.pop("undo")
    history.undelete(cid)
    open_conversation(cid)


# --- answering -----------------------------------------------------------------------------------------------------

def _number(turn: Turn) -> int:
    return next(i for i, t in enumerate(turns, 1) if t.id == turn.id)


def _previous(before: int | None = None) -> tuple[int, object] | None:
    """(question number, facts) of the last answered question before position `before` (default: the end)."""
    upto = turns[:before] if before is not None else turns
    for i in range(len(upto) - 1, -1, -1):
        if upto[i].answer is not None:
            return i + 1, upto[i].answer.facts
    return None


def _answer(turn: Turn, facts=None) -> None:
    """Fill `turn` with an answer (errors become the turn's message, never a traceback)."""
    turn.corpus_version, turn.rules_version = CORPUS_VERSION, RULES_VERSION
    try:
        if facts is None:
            answer = services.engine.answer(turn.question, k=turn.k)
        else:
            answer = answer_with_facts(services.engine, turn.question, facts, k=turn.k)
        turn.answer, turn.error = answer, None
        turn.clause_kinds = clause_kinds(answer, services.corpus)
    except Exception as exc:  # noqa: BLE001 - shown as a banner in the conversation
        if not isinstance(exc, ClausewiseError):
            log.exception("answering failed")
        turn.answer, turn.error = None, message(exc)


def _follow_up(turn: Turn, previous, dropped: frozenset[str]):
    """The facts for `turn` with what it leaves unsaid carried from `previous` = (number, facts); None: as read."""
    turn.carried, turn.carried_from, turn.dropped = (), None, tuple(sorted(dropped))
    if previous is None:
        return None
    text, _ = clean_question(turn.question)
    read = services.engine.read_facts(text)  # the engine's reading: use categories by meaning too, when switched on
    facts, carried = carry_over(previous[1], read, dropped=dropped)
    if not carried:
        return None
    turn.carried, turn.carried_from = carried, previous[0]
    return facts


def ask(question: str, k: int, *, facts=None, parent: int | None = None, changes=()) -> Turn | None:
    if not question.strip():
        ss["flash"] = ("warning", EMPTY)
        return None
    turn = Turn(ss["next_turn_id"], question, k, parent=parent, changes=tuple(changes))
    ss["next_turn_id"] += 1
    if len(question) > MAX_QUESTION:
        turn.notes = (f"Your question is {len(question):,} characters long; the first {MAX_QUESTION:,} are read and "
                      f"the rest is kept here but not used. Put the facts that matter first, or ask in parts.",)
    if facts is None:
        try:
            facts = _follow_up(turn, _previous(), frozenset())
        except ClausewiseError:
            facts = None  # the answer below reports the problem with the question itself
    _answer(turn, facts)
    turns.append(turn)
    persist(turn)
    return turn


def drop_carried(turn_id: int, field: str) -> None:
    """Answer a follow-up again without one carried fact (in place: it stays the same question)."""
    turn = next((t for t in turns if t.id == turn_id), None)
    if turn is None:
        return
    pos = _number(turn)
    previous = _previous(pos - 1)
    facts = _follow_up(turn, previous, frozenset(turn.dropped) | {field})
    _answer(turn, facts)
    forget_widgets(f"facts-{turn.id}-")
    persist(turn)
    verdict = turn.answer.verdict if turn.answer else "error"
    ss["flash"] = ("toast", f"Question {pos} answered again without the carried fact: verdict {verdict}.")


def rerun_with_facts(turn_id: int) -> None:
    turn = next((t for t in turns if t.id == turn_id), None)
    if turn is None or turn.answer is None:
        return
    corrected, changes, problem = read_edits(turn, services)
    if problem:
        ss["flash"] = ("error", problem)
        return
    if not changes:
        ss["flash"] = ("info", "The facts are unchanged, so the answer would be the same; change a fact first.")
        return
    new = ask(turn.question, turn.k, facts=corrected, parent=_number(turn), changes=changes)
    if new is not None and new.answer is not None:
        new.notes = new.notes + tuple("Result: " + c for c in outcome_changes(turn.answer, new.answer))
        persist(new)
        ss["flash"] = ("toast", f"Re-ran question {_number(turn)} with corrected facts: verdict {new.answer.verdict}.")


def settle(turn_id: int, fact: str, value: str, label: str) -> None:
    """Answer a question again with the open fact its clarifying question asked about set to the chosen value."""
    turn = next((t for t in turns if t.id == turn_id), None)
    if turn is None or turn.answer is None:
        return
    facts = services.engine.settle(turn.answer.facts, fact, value)  # the change the chosen branch was decided under
    if facts is None:
        return
    new = ask(turn.question, turn.k, facts=facts, parent=_number(turn), changes=[f"{fact}: {label}"])
    if new is not None and new.answer is not None:
        # As after a corrected fact: say what settling it changed against the headline that hedged over it.
        new.notes = new.notes + tuple("Result: " + c for c in outcome_changes(turn.answer, new.answer))
        persist(new)
        ss["flash"] = ("toast", f"Answered question {_number(turn)} again with {label}: verdict {new.answer.verdict}.")


def set_pending(question: str) -> None:
    ss["pending_question"] = question


# --- rendering -----------------------------------------------------------------------------------------------------

def show_turn(turn: Turn, latest: bool) -> None:
    with st.chat_message("user", avatar=":material/person:"):
        st.markdown(md_escape(turn.question if len(turn.question) <= 1500 else turn.question[:1500] + "\u2026"))
        if len(turn.question) > 1500:
            with st.expander(f"The whole question ({len(turn.question):,} characters)"):
                st.text(turn.question)
        for note in turn.notes:
            if not note.startswith("Result: "):
                st.warning(md_escape(note), icon=":material/content_cut:")
        if turn.parent is not None:
            st.caption(f"Question {turn.parent} again, with the facts corrected.")
        if turn.carried:
            st.caption(md_escape(carried_sentence(turn)) + ". A fact that does not apply can be dropped:")
            cols = st.columns(min(len(turn.carried), 4))
            for i, c in enumerate(turn.carried):
                cols[i % len(cols)].button(carried_label(c), key=f"drop-{turn.id}-{c.field}", icon=":material/close:",
                                           help="Answer this question again without this carried fact",
                                           on_click=drop_carried, args=(turn.id, c.field))
        elif turn.dropped:
            st.caption("Answered without the facts carried from the previous question.")
    with st.chat_message("assistant", avatar=":material/gavel:"):
        if turn.error or turn.answer is None:
            st.error(md_escape(turn.error or "No answer."), icon=":material/error:")
            return
        if turn.corpus_version and turn.corpus_version != CORPUS_VERSION:
            st.caption(f"Answered with an earlier corpus (version {turn.corpus_version}; now {CORPUS_VERSION}).")
        answer_view(turn, latest)
        clarify = turn.answer.clarify
        if clarify and latest:
            st.markdown(f"**{md_escape(clarify.question)}**")
            cols = st.columns(len(clarify.choices))
            for i, (col, choice) in enumerate(zip(cols, clarify.choices)):
                col.button(choice.label, key=f"settle-{turn.id}-{i}", on_click=settle,
                           args=(turn.id, clarify.fact, choice.value, choice.label), width="stretch")
        results = [n[len("Result: "):] for n in turn.notes if n.startswith("Result: ")]
        if results:
            st.info("**What the re-run changed:** " + md_escape("; ".join(results)) + ".", icon=":material/compare:")
        panel(turn, latest, services, rerun_with_facts)


def sidebar() -> None:
    with st.sidebar:
        st.slider("Clauses to cite (k)", 3, 10, 5, key="ask-k", help="At least every clause a rule relies on is cited.")
        st.button("New conversation", icon=":material/add_comment:", on_click=new_conversation, key="conv-new",
                  disabled=not turns)
        if ss["conv_id"]:
            base = (st.context.url or "").split("?", 1)[0]
            st.caption("Link to this conversation:")
            st.code(f"{base}?c={ss['conv_id']}", language=None)
            info = next((c for c in saved if c.id == ss["conv_id"]), None)
            with st.popover("Rename", icon=":material/edit:"):
                st.text_input("Name", value=info.title if info else "", key="rename-title")
                st.button("Save the name", key="rename-go", on_click=rename_conversation)
            with st.popover("Delete", icon=":material/delete:"):
                st.markdown(f"Delete this conversation and its {len(turns)} question(s)? You can undo it right after.")
                st.button("Delete it", key="delete-go", type="primary", on_click=delete_conversation)
        st.download_button("Export conversation (Markdown)", data=conversation_markdown(
            turns, app.settings.embed_model, len(services.corpus.documents),
            title=next((c.title for c in saved if c.id == ss["conv_id"]), "")),
            file_name="clausewise-research-log.md", mime="text/markdown", icon=":material/download:",
            disabled=not turns, on_click="ignore")
        conversation_memo_button(turns, services.corpus)
        st.markdown("**Saved conversations**")
        if not saved:
            st.caption("None yet: every question you ask is saved here.")
        for c in saved[:SIDEBAR_LIMIT]:
            st.button(f"{c.created[5:10]} {c.created[11:16]} \u00b7 " + md_escape(c.title), key=f"conv-{c.id}", width="stretch",
                      type="primary" if c.id == ss["conv_id"] else "tertiary",
                      help=f"{c.turns} question(s), started {c.created[:16].replace('T', ' ')} UTC",
                      on_click=open_conversation, args=(c.id,))
        if len(saved) > SIDEBAR_LIMIT:
            st.caption(f"{len(saved) - SIDEBAR_LIMIT} older conversation(s): `clausewise history` lists them all.")
        st.caption(f"Stored in `{history.path}`.")


# --- the page ------------------------------------------------------------------------------------------------------

wanted = st.query_params.get("c")
if wanted and wanted != ss["conv_id"]:
    load_conversation(wanted)
    if ss["conv_id"] is None:
        st.query_params.pop("c", None)
elif not wanted and ss["conv_id"]:
    st.query_params["c"] = ss["conv_id"]  # back on this page from another one: keep the link in the address bar

st.title("Ask about a model licence")
if isinstance(history, Unsaved):
    st.error("Conversations are not being saved: " + md_escape(message(history.problem)), icon=":material/error:")
st.caption("Describe the model, what you did with it (fine-tune, LoRA, merge, distil \u2026) and how you will use it "
           "(internal, hosted, released weights \u2026). Follow-up questions keep the facts they leave unsaid. "
           + DISCLAIMER)

flash = ss.pop("flash", None)
if flash:
    kind, text = flash
    if kind == "toast":
        st.toast(md_escape(text), icon=":material/info:")
    else:
        getattr(st, kind)(md_escape(text))
if "undo" in ss:
    cid, title = ss["undo"]
    c1, c2 = st.columns([4, 1])
    c1.info(f"Deleted \u201c{md_escape(title)}\u201d.", icon=":material/delete:")
    c2.button("Undo", key="undo-delete", icon=":material/undo:", on_click=undo_delete)
notice = ss.get("version_notice")
if notice and any(notice) and turns:
    what = " and ".join(w for w, changed in zip(("the corpus", "the rules table"), notice) if changed)
    st.warning(f"Since some answers in this conversation were given, {what} changed. They are shown as they were "
               "computed; ask a question again for an answer on the current texts and rules.",
               icon=":material/history:")

saved = history.list()
sidebar()
k = ss["ask-k"]

if not turns:
    st.markdown("**Try an example:**")
    cols = st.columns(2)
    for i, example in enumerate(EXAMPLES):
        cols[i % 2].button(example, key=f"example-{i}", on_click=set_pending, args=(example,), width="stretch")

for i, turn in enumerate(turns):
    show_turn(turn, latest=i == len(turns) - 1)

prompt = st.chat_input("Describe your scenario, e.g. \u201cCan I release a LoRA of Llama 3 under MIT?\u201d", key="ask-input")
question = prompt if prompt is not None else ss.pop("pending_question", None)
if question is not None:
    if not question.strip():
        st.warning(EMPTY, icon=":material/edit:")
    else:
        if "undo" in ss:
            del ss["undo"]
        with st.chat_message("user", avatar=":material/person:"):
            st.markdown(md_escape(question[:1500]))
        with st.spinner("Reading the facts, applying the rules, retrieving clauses\u2026"):
            ask(question, k)
        st.rerun()  # render the new turn in place, with the export and the sidebar up to date
