"""The obligations checklist of an answer: one tick box per triggered duty, and the same list as copyable Markdown."""

from __future__ import annotations

import streamlit as st

from retrieval.obligations import checklist_markdown
from ui.text import code_span, md_escape


def checklist_view(answer, key: str) -> None:
    items = getattr(answer, "obligations", ())
    if not items:
        return
    st.markdown(f"**What to do** ({len(items)} obligations)")
    for i, o in enumerate(items):
        words = f" \u201c{o.text}\u201d" if o.text else ""
        st.checkbox(f"{o.label}: {o.instruction}{words}", key=f"{key}-ob-{i}",
                    help=f"{o.clause_id}: {' '.join(o.quote.split())}")
        st.markdown(f"<small>{code_span(o.clause_id)} \u00b7 \u201c{md_escape(' '.join(o.quote.split()))}\u201d</small>",
                    unsafe_allow_html=True)
    st.caption("The checklist, ready to paste (copy with the button at the right):")
    st.code(checklist_markdown(items), language="markdown", wrap_lines=True)


def conversation_memo_button(turns, corpus) -> None:
    """The due-diligence memo of the conversation (every answer's findings, obligations and open questions), as DOCX."""
    from release.memo import memo_for_answers, render

    answers = [t.answer for t in turns if getattr(t, "answer", None) is not None]  # a refused question has none

    def memo() -> bytes:
        return render(memo_for_answers(answers, corpus), "docx")

    # Built when the button is clicked, not on every rerun: the DOCX of a five-answer conversation takes over a second
    # to write, and the Ask page reruns twice per question in every open session.
    st.download_button("Export memo (DOCX)", data=memo if answers else b"", file_name="clausewise-memo.docx",
                       mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                       icon=":material/description:", disabled=not answers, on_click="ignore", key="ask-memo")
