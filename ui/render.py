"""Streamlit rendering of answers: verdict badge, findings, citation cards (verbatim text, pinpoint, source, copy box)."""

from __future__ import annotations

import streamlit as st

from retrieval.answer import Answer, Citation
from ui.checklist import checklist_view
from ui.conversation import VERDICT_LABELS, Turn
from ui.text import code_span, html_text, md_escape, safe_url

VERDICT_STYLE = {  # colour, icon
    "permitted": ("green", ":material/check_circle:"),
    "conditional": ("orange", ":material/rule:"),
    "unclear": ("gray", ":material/help:"),
    "not_permitted": ("red", ":material/block:"),
}
CORPUS_PAGE = "ui/pages/corpus.py"

CSS = """
<style>
.cw-verdict { display: inline-block; font-weight: 700; font-size: 1.35rem; letter-spacing: 0.04em;
  padding: 0.3rem 1rem; border: 2px solid; border-radius: 999px; margin: 0.1rem 0 0.3rem 0; }
.cw-verdict .cw-mark { font-size: 1.2rem; margin-right: 0.25rem; }
.cw-clause { white-space: pre-wrap; font-family: "Source Serif Pro", Georgia, serif; font-size: 0.95rem;
  line-height: 1.45; border-left: 3px solid #c9ced6; padding: 0.4rem 0.8rem; margin: 0.2rem 0 0.6rem 0;
  max-height: 18rem; overflow-y: auto; background: rgba(127,127,127,0.04); }
.cw-clause mark { background: #fff1a8; color: inherit; padding: 0 1px; }
.cw-tree { font-size: 0.92rem; }
.cw-node { white-space: pre-wrap; margin: 0.1rem 0; padding: 0.15rem 0.5rem; border-left: 2px solid #e3e6ea; }
.cw-node .cw-id { font-family: monospace; font-size: 0.78rem; color: #6b7280; text-decoration: none; }
.cw-node .cw-head { font-weight: 600; }
.cw-diff { display: flex; gap: 0.8rem; margin: 0.2rem 0 0.8rem 0; }
.cw-diff > div { flex: 1 1 0; white-space: pre-wrap; font-size: 0.9rem; padding: 0.35rem 0.6rem;
  border: 1px solid #e3e6ea; border-radius: 4px; min-height: 1.6rem; overflow-wrap: anywhere; }
.cw-diff del { background: #ffd7d5; color: #82071e; text-decoration: line-through; }
.cw-diff ins { background: #ccffd8; color: #055d20; text-decoration: none; }
.cw-diff .cw-empty { color: #9ca3af; font-style: italic; }
.cw-rowhead { font-family: monospace; font-size: 0.85rem; margin-top: 0.6rem; }
.cw-st-removed { color: #b42318; font-weight: 600; } .cw-st-added { color: #067647; font-weight: 600; }
.cw-st-changed { color: #b54708; font-weight: 600; } .cw-st-renumbered { color: #5925dc; font-weight: 600; }
.cw-st-moved { color: #026aa2; font-weight: 600; }
.cw-st-unchanged, .cw-st-formatting { color: #6b7280; }
</style>
"""


def inject_css() -> None:
    st.html(CSS)


VERDICT_PILL = {"permitted": ("\u2713", "#067647", "#dcfae6"), "conditional": ("!", "#93370d", "#fef0c7"),
                "unclear": ("?", "#344054", "#eaecf0"), "not_permitted": ("\u2715", "#b42318", "#fee4e2")}


def verdict_badge(verdict: str) -> str:
    """A large coloured pill (HTML; the label is a fixed verdict name, escaped anyway)."""
    mark, fg, bg = VERDICT_PILL.get(verdict, VERDICT_PILL["unclear"])
    label = html_text(VERDICT_LABELS.get(verdict, verdict).upper())
    css = verdict if verdict in VERDICT_PILL else "unknown"
    return (f'<div class="cw-verdict cw-v-{css}" style="color:{fg};background:{bg};border-color:{fg}">'
            f'<span class="cw-mark">{mark}</span> {label}</div>')


def small_badge(verdict: str) -> str:
    colour, icon = VERDICT_STYLE.get(verdict, ("gray", ":material/help:"))
    return f":{colour}-badge[{icon} {VERDICT_LABELS.get(verdict, verdict)}]"


def clause_html(text: str, quote_from: int | None = None, quote_to: int | None = None) -> str:
    """The verbatim clause, escaped, with the quoted sentence (relative offsets) highlighted."""
    if quote_from is None or quote_to is None or not (0 <= quote_from <= quote_to <= len(text)):
        return f'<div class="cw-clause">{html_text(text)}</div>'
    return ('<div class="cw-clause">' + html_text(text[:quote_from]) + "<mark>" + html_text(text[quote_from:quote_to])
            + "</mark>" + html_text(text[quote_to:]) + "</div>")


def citation_card(c: Citation, turn: Turn) -> None:
    with st.container(border=True):
        head = f"**[{c.rank}]** {code_span(c.clause_id)} \u00b7 {md_escape(c.title)} ({md_escape(c.version)})"
        if c.secondary:
            head += " \u00b7 *explanatory note, not licence text*"
        st.markdown(head)
        links = st.columns([1, 1, 3])
        url = safe_url(c.url)
        if url:
            links[0].link_button("Public source", url, icon=":material/open_in_new:", help=url)
        else:
            links[0].caption("Your document (stored locally)" if c.doc_id.startswith("user-") else "Local note")
        links[1].page_link(CORPUS_PAGE, label="Open in corpus", icon=":material/menu_book:",
                           query_params={"clause": c.clause_id})
        if c.lead_in:
            # The words that govern a list item ("you may not:") sit in the clause above; the item alone can mislead.
            st.caption("Read with its lead-in: " + " \u2026 ".join(f"\u201c{md_escape(' '.join(s.text.split()))}\u201d"
                                                                  for s in c.lead_in))
        if c.same_in:
            st.caption("The same words stand in " + ", ".join(code_span(i) for i in c.same_in)
                       + " (another dated version of these terms, which may be the one your copy was obtained under).")
        st.markdown(clause_html(c.text, c.quote_start - c.start, c.quote_end - c.start), unsafe_allow_html=True)
        st.caption("Citation, ready to paste (the highlighted sentence; copy with the button at the right):")
        st.code(turn.citation_text(c), language=None, wrap_lines=True)


def answer_view(turn: Turn, latest: bool) -> None:
    a: Answer = turn.answer
    st.markdown(verdict_badge(a.verdict), unsafe_allow_html=True)
    meta = f"verdict {code_span(a.verdict)} \u00b7 {len(a.citations)} clauses cited \u00b7 {a.latency_ms:.0f} ms"
    st.caption(meta)
    if turn.parent is not None:
        st.info(f"Re-run of question {turn.parent} with corrected facts: " + md_escape("; ".join(turn.changes)) + ".",
                icon=":material/edit_note:")
    st.markdown(md_escape(a.summary))
    if not a.cross_check.agrees:
        cc = a.cross_check
        readings = ""
        if cc.rules_verdict and cc.clause_verdict:
            # Both readings side by side, with the clause the clause reading rests on: the reader decides.
            lead = f" on {code_span(cc.clause_ids[0])}" if cc.clause_ids else ""
            readings = (f"\n\n**Rules table:** {code_span(cc.rules_verdict)} \u00b7 "
                        f"**clause reading:** {code_span(cc.clause_verdict)}{lead}"
                        + (" \u00b7 *the headline follows the clause reading*" if cc.headline_changed else ""))
        st.error("**Check before relying on this verdict.** The two independent readings of the licence do not "
                 "support it equally." + readings + "\n\n"
                 + "\n".join(f"- {md_escape(n)}" for n in cc.notes), icon=":material/warning:")
    elif a.cross_check.notes:
        st.info("\n".join(f"- {md_escape(n)}" for n in a.cross_check.notes), icon=":material/info:")
    if getattr(a, "alternatives", ()):
        st.success("**What the text does allow:**\n\n" + "\n".join(f"- {md_escape(x)}" for x in a.alternatives),
                   icon=":material/alt_route:")
    if getattr(a, "branches", ()):
        # The question leaves a deciding fact open: each plausible value with its own verdict and rules.
        st.markdown("**It depends on a fact the question does not state**")
        for i, b in enumerate(a.branches):
            rules = ", ".join(dict.fromkeys(code_span(f.rule_id) for f in b.findings)) or "no rule"
            clauses = ", ".join(code_span(c) for c in b.clause_ids) or "no clause"
            # Keyed per turn and branch so a reader (or a browser test) can find each reading on its own.
            with st.container(key=f"branch-{turn.id}-{i}"):
                st.markdown(f"{small_badge(b.verdict)} if {md_escape(b.assumption.label)}  \n"
                            f"<small>rule {rules} \u00b7 grounded in {clauses}</small>", unsafe_allow_html=True)
    if a.findings:
        st.markdown("**Findings**")
        order = {"not_permitted": 0, "unclear": 1, "conditional": 2, "permitted": 3}
        for f in sorted(a.findings, key=lambda f: order.get(f.verdict, 4)):
            st.markdown(f"{small_badge(f.verdict)} {md_escape(f.statement)}  \n"
                        f"<small>rule {code_span(f.rule_id)} \u00b7 grounded in "
                        + ", ".join(code_span(cid) for cid in f.clause_ids) + "</small>", unsafe_allow_html=True)
    checklist_view(a, key=f"turn-{turn.id}")
    st.markdown(f"**Cited clauses** ({len(a.citations)})")
    for c in a.citations:
        citation_card(c, turn)
    if a.background:
        with st.expander("Background: explanatory notes (not licence text)"):
            for c in a.background:
                st.markdown(f"{code_span(c.clause_id)} \u00b7 {md_escape(c.title)}")
                st.markdown(clause_html(c.text, c.quote_start - c.start, c.quote_end - c.start), unsafe_allow_html=True)
