"""Ask: a scenario question in, a verdict with verbatim cited clauses out; facts can be corrected and re-run."""

from __future__ import annotations

import logging

import streamlit as st

from ingest.errors import ClausewiseError
from retrieval.answer import MAX_QUESTION
from ui import state
from ui.checklist import conversation_memo_button
from ui.conversation import DISCLAIMER, Turn, clause_kinds, conversation_markdown, facts_rows
from ui.engine import (DEPLOYMENT_LABELS, EU_LABELS, METHOD_LABELS, TARGET_LABELS, answer_with_facts, correct_facts,
                       eu_key, eu_value)
from ui.errors import message
from ui.render import answer_view
from ui.text import md_escape

log = logging.getLogger("clausewise.ui")
EXAMPLES = [
    "Can I use Llama 3 outputs to improve a Mistral model I will release?",
    "We fine-tuned Llama 3 8B with LoRA and use it internally only. Is that allowed?",
    "Can we release a Gemma 2 fine-tune on Hugging Face under Apache 2.0?",
    "We are a Berlin startup serving a Llama 3.1 fine-tune through a paid API to 2 million monthly users.",
]

ss = st.session_state
turns: list[Turn] = ss.setdefault("turns", [])
ss.setdefault("next_turn_id", 1)


def ask(question: str, k: int, *, facts=None, parent: int | None = None, changes=()) -> Turn:
    """Answer and record a turn; errors are recorded as the turn's message, never raised."""
    turn = Turn(ss["next_turn_id"], question, k, parent=parent, changes=tuple(changes))
    ss["next_turn_id"] += 1
    try:
        services = state.app_state().services
        if facts is None:
            answer = services.engine.answer(question, k=k)
        else:
            answer = answer_with_facts(services.engine, question, facts, k=k)
        turn.answer = answer
        turn.clause_kinds = clause_kinds(answer, services.corpus)
    except Exception as exc:  # noqa: BLE001 - shown as a banner in the conversation
        if not isinstance(exc, ClausewiseError):
            log.exception("answering failed")
        turn.error = message(exc)
    turns.append(turn)
    return turn


def _number(turn: Turn) -> int:
    return next(i for i, t in enumerate(turns, 1) if t.id == turn.id)


def rerun_with_facts(turn_id: int) -> None:
    turn = next((t for t in turns if t.id == turn_id), None)
    if turn is None or turn.answer is None:
        return
    p = f"facts-{turn_id}-"
    try:
        corrected, changes = correct_facts(
            turn.answer.facts, methods=ss[p + "methods"], deployments=ss[p + "deployments"], eu=eu_value(ss[p + "eu"]),
            target_licence=ss[p + "target"], mau=None if ss[p + "mau"] is None else int(ss[p + "mau"]))
    except (KeyError, ValueError) as exc:
        ss["flash"] = ("error", f"The corrected facts could not be read ({exc}).")
        return
    if not changes:
        ss["flash"] = ("info", "The facts are unchanged, so the answer would be the same; change a fact first.")
        return
    new = ask(turn.question, turn.k, facts=corrected, parent=_number(turn), changes=changes)
    if new.answer is not None:
        ss["flash"] = ("toast", f"Re-ran question {_number(turn)} with corrected facts: verdict {new.answer.verdict}.")


def facts_panel(turn: Turn, latest: bool) -> None:
    facts = turn.answer.facts
    with st.expander("Facts as understood: check them, correct them, re-run", expanded=latest,
                     icon=":material/fact_check:"):
        left, right = st.columns([1.15, 1], gap="large")
        with left:
            st.markdown("\n".join(f"- **{label}:** {md_escape(value)}" for label, value in facts_rows(facts)))
        with right, st.form(key=f"facts-{turn.id}", border=False):
            p = f"facts-{turn.id}-"
            st.multiselect("Method(s)", list(METHOD_LABELS), default=[m.value for m in facts.methods],
                           format_func=METHOD_LABELS.get, key=p + "methods")
            st.multiselect("Deployment(s)", list(DEPLOYMENT_LABELS), default=[d.value for d in facts.deployments],
                           format_func=DEPLOYMENT_LABELS.get, key=p + "deployments",
                           placeholder="Not stated: choose how the model is used")
            c1, c2 = st.columns(2)
            c1.selectbox("Based in / serving the EU?", list(EU_LABELS), index=list(EU_LABELS).index(eu_key(facts.eu)),
                         format_func=EU_LABELS.get, key=p + "eu")
            targets = list(TARGET_LABELS)
            c2.selectbox("Target licence of your release", targets,
                         index=targets.index(facts.target_licence) if facts.target_licence in targets else 0,
                         format_func=TARGET_LABELS.get, key=p + "target")
            st.number_input("Monthly active users", min_value=0, value=facts.mau, step=1_000_000, key=p + "mau",
                            placeholder="not stated")
            st.form_submit_button("Re-run with these facts", type="primary", icon=":material/replay:",
                                  on_click=rerun_with_facts, args=(turn.id,))


def show_turn(turn: Turn, latest: bool) -> None:
    with st.chat_message("user", avatar=":material/person:"):
        st.markdown(md_escape(turn.question))
        if turn.parent is not None:
            st.caption(f"Question {turn.parent} again, with the facts corrected.")
    with st.chat_message("assistant", avatar=":material/gavel:"):
        if turn.error or turn.answer is None:
            st.error(md_escape(turn.error or "No answer."), icon=":material/error:")
            return
        answer_view(turn, latest)
        facts_panel(turn, latest)


def set_pending(question: str) -> None:
    ss["pending_question"] = question


def clear() -> None:
    turns.clear()


st.title("Ask about a model licence")
st.caption("Describe the model, what you did with it (fine-tune, LoRA, merge, distil \u2026) and how you will use it "
           "(internal, hosted, released weights \u2026). " + DISCLAIMER)

flash = ss.pop("flash", None)
if flash:
    kind, text = flash
    if kind == "toast":
        st.toast(text, icon=":material/info:")
    else:
        getattr(st, kind)(text)

with st.sidebar:
    k = st.slider("Clauses to cite (k)", 3, 10, 5, key="ask-k", help="At least every clause a rule relies on is cited.")
    app = state.app_state()
    st.download_button("Export conversation (Markdown)", data=conversation_markdown(
        turns, app.settings.embed_model, len(app.services.corpus.documents)), file_name="clausewise-research-log.md",
        mime="text/markdown", icon=":material/download:", disabled=not turns, on_click="ignore")
    conversation_memo_button(turns, app.services.corpus)
    st.button("Clear conversation", icon=":material/delete_sweep:", on_click=clear, disabled=not turns)

if not turns:
    st.markdown("**Try an example:**")
    cols = st.columns(2)
    for i, example in enumerate(EXAMPLES):
        cols[i % 2].button(example, key=f"example-{i}", on_click=set_pending, args=(example,), width="stretch")

for i, turn in enumerate(turns):
    show_turn(turn, latest=i == len(turns) - 1)

prompt = st.chat_input("Describe your scenario, e.g. \u201cCan I release a LoRA of Llama 3 under MIT?\u201d",
                       max_chars=MAX_QUESTION, key="ask-input")
question = prompt or ss.pop("pending_question", None)
if question:
    with st.chat_message("user", avatar=":material/person:"):
        st.markdown(md_escape(question))
    with st.spinner("Reading the facts, applying the rules, retrieving clauses\u2026"):
        ask(question, k)
    st.rerun()  # render the new turn in place, with the export and the sidebar up to date
