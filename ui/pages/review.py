"""Rules review sheet: each rule's statement in our words beside the verbatim clauses that ground it, per document and
version, with the readable cases that exercise it; filterable, and downloadable as the sheet `clausewise rules
--review` writes (Markdown, CSV, HTML)."""

from __future__ import annotations

import streamlit as st

from ingest.errors import ClausewiseError
from retrieval.cases import load_cases
from retrieval.citeform import cite_whole
from retrieval.registry import Registry
from retrieval.review import FORMATS, ReviewRule, build_review, render
from retrieval.review_filter import Filter, apply, documents, families, file_name
from ui import state
from ui.errors import show
from ui.render import small_badge
from ui.text import code_span, html_text, md_escape

ss = st.session_state
app = state.app_state()
corpus, table = app.services.corpus, app.services.rules
PAGE_SIZE = 15
MIMES = {"md": "text/markdown", "csv": "text/csv", "html": "text/html"}
VERDICTS = ("not_permitted", "unclear", "conditional", "permitted")


@st.cache_resource(max_entries=4, show_spinner="Building the review sheet\u2026")
def sheet(_corpus, _table, key: tuple) -> list[ReviewRule]:
    # The CLI's registry (no user documents), so the unfiltered download is exactly `clausewise rules --review`.
    return build_review(_corpus, _table, load_cases(Registry.load()))


@st.cache_data(max_entries=32, show_spinner=False)
def rendered(_rules: list[ReviewRule], fmt: str, key: tuple) -> str:
    return render(_rules, fmt)


def _from_link() -> None:
    """A deep link (?family=llama&doc=llama-3-license&rule=llama-improve-other-llm) sets the filters once."""
    if ss.get("rv-linked"):
        return
    ss["rv-linked"] = True
    q = st.query_params
    if q.get("family") in fams:
        ss["rv-family"] = [q["family"]]
    if q.get("doc") in docs:
        ss["rv-doc"] = [q["doc"]]
    if q.get("rule"):
        ss["rv-text"] = q["rule"]


def clause_card(clause_id: str, text: str) -> None:
    st.markdown(f"{code_span(clause_id)} \u00b7 [open in the corpus](/corpus?clause={clause_id.replace(':', '%3A')})")
    st.markdown(f'<div class="cw-clause">{html_text(text)}</div>', unsafe_allow_html=True)
    try:
        clause = corpus.clause(clause_id)
        doc = corpus.documents[clause.doc_id]
        citation = cite_whole(doc.spec, doc.clauses, doc.text, corpus.section(clause.clause_id))
    except (ClausewiseError, KeyError):
        return  # the text above already says it is not loaded
    st.code(citation, language=None, wrap_lines=True)


def rule_view(r: ReviewRule) -> None:
    with st.container(border=True, key=f"rv-rule-{r.id}"):
        st.markdown(f"{small_badge(r.verdict)} **{code_span(r.id)}** \u00b7 family {code_span(r.family)}")
        left, right = st.columns([2, 3])
        with left:
            st.markdown(md_escape(r.statement))
            st.caption("Conditions: " + md_escape(r.conditions) + ".")
            if r.overrides:
                st.caption("Overrides: " + ", ".join(code_span(o) for o in r.overrides))
            if r.note:
                st.caption("Note: " + md_escape(r.note))
            if r.cases:
                st.markdown(f"**Cases** ({len(r.cases)})")
                for c in r.cases:
                    on = (" on " + ", ".join(code_span(x) for x in c.clauses)) if c.clauses else ""
                    st.markdown(f"- {code_span(c.id)}: {md_escape(c.summary)} Expected {small_badge(c.verdict)}{on}")
            else:
                st.caption("Cases: none yet.")
        with right:
            if not r.documents:
                st.caption("Grounds: none (the rule reports that the governing terms are not in the corpus).")
            for d in r.documents:
                st.markdown(f"**{md_escape(d.title)}** ({code_span(d.doc_id)}, version {md_escape(d.version)})")
                if d.policy:
                    st.caption(f"Plus the clause of {code_span(d.policy)} that forbids the use (see the use-policy "
                               "categories).")
                for c in d.clauses:
                    clause_card(c.clause_id, c.text)


st.title("Rules review sheet")
st.caption("What a lawyer signs off: every rule of the table (corpus/rules/) in our words, the conditions it applies on, "
           "the verbatim text of each clause it rests on per document and version, and the cases that exercise it. "
           "The same sheet comes from `clausewise rules --review --format md|csv|html`.")
try:
    rules = sheet(corpus, table, (id(table), len(corpus.documents)))
except ClausewiseError as exc:
    show(exc)
    st.stop()
fams, docs = families(rules), documents(rules)
_from_link()

c1, c2, c3 = st.columns([2, 3, 2])
chosen_fams = c1.multiselect("Family", fams, key="rv-family", placeholder="every family")
chosen_docs = c2.multiselect("Document", docs, key="rv-doc", placeholder="every document",
                             format_func=lambda d: f"{d} \u00b7 {corpus.documents[d].spec.title}"
                             if d in corpus.documents else d)
chosen_verdicts = c3.multiselect("Verdict", VERDICTS, key="rv-verdict", placeholder="every verdict")
text = st.text_input("Search the sheet", key="rv-text", placeholder="words in a rule, a clause id or a clause's text")
flt = Filter(tuple(chosen_fams), tuple(chosen_docs), tuple(chosen_verdicts), text)
shown = apply(rules, flt)
clauses = sum(len(d.clauses) for r in shown for d in r.documents)
st.markdown(f"**{len(shown)} of {len(rules)} rules** \u00b7 {clauses} grounding clauses \u00b7 "
            f"{sum(len(r.cases) for r in shown)} case references")

what = "the filtered sheet" if flt.active else "the whole sheet"
dl = st.columns(len(FORMATS))
for col, fmt in zip(dl, FORMATS):
    key = (id(table), flt.families, flt.documents, flt.verdicts, flt.text, fmt)
    col.download_button(f"Download {fmt} ({what})", rendered(shown, fmt, key),
                        file_name=file_name(flt, fmt), mime=MIMES[fmt], key=f"rv-dl-{fmt}", icon=":material/download:",
                        disabled=not shown, on_click="ignore")

if not shown:
    st.info("No rule matches these filters.", icon=":material/filter_alt_off:")
    st.stop()
pages = (len(shown) + PAGE_SIZE - 1) // PAGE_SIZE
if pages > 1:
    if ss.get("rv-page", 1) > pages:
        ss["rv-page"] = pages  # the filters shrank the sheet under the page being read
    page = st.number_input(f"Page (of {pages}, {PAGE_SIZE} rules each)", 1, pages, 1, key="rv-page")
else:
    page = 1
for r in shown[(page - 1) * PAGE_SIZE: page * PAGE_SIZE]:
    rule_view(r)
