"""Browse the corpus: every document as a clause tree with anchors, search inside a document, open a clause by id."""

from __future__ import annotations

import re

import pandas as pd
import streamlit as st

from ingest.errors import NotFound
from ui import state
from ui.errors import guard
from retrieval.citeform import cite_whole, locate
from ui.text import code_span, html_text, md_escape, safe_url

ss = st.session_state
app = state.app_state()
corpus = app.services.corpus


def anchor(clause_id: str) -> str:
    return "cw-" + re.sub(r"[^A-Za-z0-9_-]", "-", clause_id)


def near_ids(exc: NotFound) -> list[str]:
    """The suggestions a NotFound message carries ("Nearest ids: a, b.")."""
    m = re.search(r"Nearest ids: (.+)\.$", str(exc))
    return [s.strip() for s in m.group(1).split(", ")] if m else []


def highlight(text: str, needle: str) -> str:
    """Escaped text with case-insensitive matches of `needle` in <mark> (each piece escaped separately)."""
    if not needle:
        return html_text(text)
    out, pos = [], 0
    low, n = text.lower(), needle.lower()
    while (i := low.find(n, pos)) >= 0:
        out += [html_text(text[pos:i]), "<mark>", html_text(text[i:i + len(n)]), "</mark>"]
        pos = i + len(n)
    out.append(html_text(text[pos:]))
    return "".join(out)


def tree_html(clauses, needle: str = "") -> str:
    parts = ['<div class="cw-tree">']
    for c in clauses:
        indent = max(c.depth - 1, 0) * 1.6
        parts.append(f'<div class="cw-node" id="{anchor(c.clause_id)}" style="margin-left:{indent:.1f}rem">'
                     f'<a class="cw-id" href="#{anchor(c.clause_id)}" title="link to this clause">'
                     f'{html_text(c.clause_id)}</a>&#10;{highlight(c.text, needle)}</div>')
    parts.append("</div>")
    return "".join(parts)


def open_id(clause_id: str) -> None:
    ss["open-id"] = clause_id


def show_clause(clause) -> None:
    doc = corpus.documents[clause.doc_id]
    spec = doc.spec
    with st.container(border=True):
        st.markdown(f"{code_span(clause.clause_id)} \u00b7 {md_escape(spec.title)} ({md_escape(spec.version)})"
                    + (f" \u00b7 *{md_escape(clause.heading)}*" if clause.heading else ""))
        st.caption(f"depth {clause.depth} \u00b7 {clause.kind} \u00b7 characters {clause.start:,}\u2013{clause.end:,} of "
                   "the source text" + (f" \u00b7 within {clause.parent}" if clause.parent else ""))
        url = safe_url(spec.url)
        if url:
            st.link_button("Public source", url, icon=":material/open_in_new:", help=url)
        section = corpus.section(clause.clause_id)
        same_as = corpus.linked(clause.clause_id)
        if same_as:
            st.caption(f"The same words in the standalone policy: {code_span(same_as)}")
        st.caption(f"Cite as: {md_escape(locate(spec, doc.clauses, doc.text, clause))}"
                   + (f" \u00b7 shown with its {len(section.members)} sub-clause(s)" if section.members else ""))
        # The clause with its sub-clauses: "3.3 Generated Output" alone would show a heading and no terms.
        st.markdown(f'<div class="cw-clause">{html_text(section.text)}</div>', unsafe_allow_html=True)
        annotations = app.services.annotations
        for row in (annotations.rows_for(clause.clause_id) if annotations else ()):
            # The gloss is our reading, never shown as a quote: a caption beside the verbatim text.
            meta = f"**{row.effect.value}** \u00b7 acts on {md_escape(', '.join(row.acts_on) or '-')}"
            if row.exception_to:
                meta += f" \u00b7 exception to {md_escape(', '.join(row.exception_to))}"
            if row.status == "proposed":
                meta += " \u00b7 *proposed, not yet accepted*"
            st.info(f"{meta}  \nIn our words: {md_escape(row.gloss)}", icon=":material/gavel:")
        st.caption("Citation, ready to paste:")
        st.code(cite_whole(spec, doc.clauses, doc.text, section), language=None, wrap_lines=True)
        if clause.parent:
            st.button(f"Up to {clause.parent.split(':', 1)[1]}", key=f"parent-{clause.parent}", icon=":material/north:",
                      on_click=open_id, args=(clause.parent,))
        children = [c for c in doc.clauses if c.parent == clause.clause_id]
        if children:
            st.caption("Sub-clauses:")
            cols = st.columns(min(len(children), 6))
            for i, child in enumerate(children):
                cols[i % len(cols)].button(child.clause_id.split(":", 1)[1], key=f"child-{child.clause_id}",
                                           on_click=open_id, args=(child.clause_id,))


st.title("Browse the corpus")

# --- open a clause by id (also reached from the Ask page with ?clause=<id>) ---
wanted = st.query_params.get("clause", "")
if wanted and wanted != ss.get("open-id-from-url"):
    ss["open-id"] = wanted  # a new deep link wins over what was typed before
ss["open-id-from-url"] = wanted
ss.setdefault("open-id", "")
st.subheader("Open a clause by pinpoint id")
typed = st.text_input("Pinpoint id", key="open-id", placeholder="e.g. llama-3-license:1.b.v",
                      help="A document id and a clause path, separated by a colon.").strip()
if typed:
    if st.query_params.get("clause") != typed:
        st.query_params["clause"] = ss["open-id-from-url"] = typed
    try:
        show_clause(corpus.clause(typed))
    except NotFound as exc:
        st.warning(md_escape(str(exc)), icon=":material/search_off:")
        suggestions = near_ids(exc)
        if suggestions:
            cols = st.columns(len(suggestions))
            for col, sid in zip(cols, suggestions):
                col.button(sid, key=f"suggest-{sid}", on_click=open_id, args=(sid,))
elif "clause" in st.query_params:
    del st.query_params["clause"]

st.divider()

# --- browse one document as a clause tree ---
st.subheader("Documents")
with guard():
    ids = list(corpus.documents)
    if "browse-doc" not in ss or ss["browse-doc"] not in ids:
        opened = typed.split(":", 1)[0] if typed else ""
        ss["browse-doc"] = opened if opened in ids else ids[0]
    doc_id = st.selectbox("Document", ids, key="browse-doc",
                          format_func=lambda d: f"{corpus.documents[d].spec.title} ({corpus.documents[d].spec.version}) \u00b7 {d}")
    doc = corpus.documents[doc_id]
    spec = doc.spec
    url = safe_url(spec.url)
    st.markdown(f"**{md_escape(spec.title)}** \u00b7 version {md_escape(spec.version)} \u00b7 {md_escape(spec.publisher)} "
                f"\u00b7 {spec.kind.value} \u00b7 family {code_span(spec.family)} \u00b7 {len(doc.clauses)} clauses"
                + (f" \u00b7 [public source]({url})" if url else " \u00b7 stored locally"))
    needle = st.text_input("Search inside this document", key="browse-filter", placeholder="a word or phrase, e.g. 700 million",
                           help="Case-insensitive substring match on the clause text and its id.")
    shown = [c for c in doc.clauses if not needle or needle.lower() in c.text.lower() or needle.lower() in c.clause_id.lower()]
    if needle:
        st.caption(f"{len(shown)} of {len(doc.clauses)} clauses contain \u201c{md_escape(needle)}\u201d.")
    if shown:
        st.markdown(tree_html(shown, needle), unsafe_allow_html=True)
    else:
        st.info("No clause of this document contains that text.")

with st.expander(f"All documents ({len(corpus.reports)})"):
    st.dataframe(pd.DataFrame([{"doc_id": r.spec.doc_id, "title": r.spec.title, "version": r.spec.version,
                                "family": r.spec.family, "kind": r.spec.kind.value, "status": r.status.value,
                                "clauses": r.clause_count} for r in corpus.reports]), hide_index=True, width="stretch")
