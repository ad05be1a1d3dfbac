"""Licence matrices: method, deployment, dataset, ownership and versions, computed from the rules table; every cell
opens the rules that decided it and the verbatim text of their clauses."""

from __future__ import annotations

import streamlit as st

from ingest.errors import ClausewiseError, NotFound
from retrieval.matrix import KINDS, Cell, Matrix, build, facts_json
from retrieval.matrix_format import cell_text, render
from ui import state
from ui.conversation import VERDICT_LABELS
from ui.errors import show
from ui.render import VERDICT_PILL, small_badge, verdict_badge
from ui.text import code_span, html_text, legal_citation, md_escape

ss = st.session_state
app = state.app_state()
corpus, table, registry = app.services.corpus, app.services.rules, app.services.registry

KIND_LABELS = {"method": "Fine-tuning method \u00d7 licence", "deployment": "Deployment \u00d7 licence (what activates which obligation)",
               "dataset": "Dataset licence \u00d7 base model licence", "ownership": "Ownership by base model and scenario",
               "versions": "Rules by version (Llama, Gemma, OpenAI)"}

# Each cell's button sits in a container keyed by its verdict, so the grid is coloured like the answer badges.
GRID_CSS = "<style>" + "".join(
    f'[class*="st-key-mxv-{v}-"] button {{ background: {bg}; color: {fg}; border-color: {fg}55; }}'
    f'[class*="st-key-mxv-{v}-"] button[data-testid="stBaseButton-primary"] {{ background: {fg}; color: #fff; }}'
    for v, (_, fg, bg) in VERDICT_PILL.items()) + \
    '[class*="st-key-mxv-none-"] button { color: #9ca3af; }' \
    '[class*="st-key-mxv-"] button p { font-size: 0.8rem; line-height: 1.25; }' \
    '[class*="st-key-mxv-"] button[data-testid="stBaseButton-primary"] { outline: 3px solid #1d4ed8; }</style>'


def cell_label(cell: Cell, shown: int = 2) -> str:
    """A short button label: the verdict and the first clause paths ("Not permitted \u00b7 1.b.v, 1.b.i +1"); the
    full ids are in the tooltip and the opened cell."""
    def paths(ids: tuple[str, ...]) -> str:
        short = [c.split(":", 1)[1] if ":" in c else c for c in ids[:shown]]
        return ", ".join(short) + (f" +{len(ids) - shown}" if len(ids) > shown else "")

    if cell.change is not None:
        change = cell.change.value
        if change in ("absent", "removed"):
            return "\u2014" if change == "absent" else "removed"
        return (f"{change} \u00b7 " if change in ("added", "moved") else "") + paths(cell.clauses)
    verdict = VERDICT_LABELS.get(cell.verdict.value, cell.verdict.value) if cell.verdict else ""
    return f"{verdict} \u00b7 {paths(cell.clauses)}" if cell.clauses else f"{verdict} \u00b7 no rule"


@st.cache_data(max_entries=16, show_spinner=False)
def matrices_for(kind: str, _table, _registry, rules_key: int) -> list[Matrix]:
    return build(kind, _table, _registry)


def clause_block(clause_id: str, shown: set[str]) -> None:
    """The clause verbatim with its citation, once per opened cell (later mentions point back to it)."""
    if clause_id in shown:
        st.caption(f"{code_span(clause_id)}: quoted above.")
        return
    shown.add(clause_id)
    try:
        clause = corpus.clause(clause_id)
    except NotFound:
        st.warning(f"{code_span(clause_id)} is not loaded in this corpus; run `clausewise corpus` to see why.",
                   icon=":material/search_off:")
        return
    spec = corpus.documents[clause.doc_id].spec
    st.markdown(f"{code_span(clause.clause_id)} \u00b7 {md_escape(spec.title)} ({md_escape(spec.version)})")
    st.markdown(f'<div class="cw-clause">{html_text(clause.text)}</div>', unsafe_allow_html=True)
    st.code(legal_citation(spec.title, spec.version, clause.clause_id, clause.text, clause.kind, clause.heading),
            language=None, wrap_lines=True)


def open_cell(m: Matrix, cell: Cell) -> None:
    row = next(a.label for a in m.rows if a.id == cell.row)
    col = next(a.label for a in m.columns if a.id == cell.column)
    with st.container(border=True, key="mx-detail"):
        st.subheader(f"{md_escape(row)} \u00d7 {md_escape(col)}")
        shown: set[str] = set()
        if cell.verdict is None:
            st.markdown(f"**{md_escape(cell.row)}** is not in {md_escape(col)}"
                        + (" (removed in this version)." if cell.change and cell.change.value == "removed" else "."))
        else:
            st.markdown(verdict_badge(cell.verdict.value), unsafe_allow_html=True)
        if cell.facts is not None:
            with st.expander("Facts this cell was computed from"):
                st.json(facts_json(cell.facts))
            if not cell.firings:
                st.info("No rule decides this scenario, so the verdict is unclear: read the licence or ask a lawyer.",
                        icon=":material/help:")
            for f in cell.firings:
                rule = table.get(f.rule_id)
                st.markdown(f"{small_badge(f.verdict.value)} **{code_span(f.rule_id)}** on {code_span(f.doc_id or 'any')}"
                            f": {md_escape(rule.statement)}")
                for cid in f.clauses:
                    clause_block(cid, shown)
        else:
            rule = table.get(cell.row)
            st.markdown(f"{small_badge(rule.verdict.value)} {md_escape(rule.statement)}")
            if cell.change is not None:
                st.caption(f"Change from the version before: **{cell.change.value}**")
            for cid in cell.clauses:
                clause_block(cid, shown)
            if cell.previous and cell.change is not None and cell.change.value == "moved":
                st.caption("In the version before:")
                for cid in cell.previous:
                    clause_block(cid, shown)


st.title("Licence matrices")
st.caption("Every cell is computed from the rules table (corpus/rules/), on the facts its row and column name "
           "(corpus/matrices.toml); nothing here is written by hand. Click a cell to read the rules that decided it and "
           "the verbatim clauses. The same tables come from `clausewise matrix --kind KIND`.")
if "mx-kind" not in ss and st.query_params.get("kind") in KINDS:
    ss["mx-kind"] = st.query_params["kind"]  # a deep link (?kind=versions) opens that matrix
kind = st.selectbox("Matrix", KINDS, format_func=KIND_LABELS.get, key="mx-kind")
try:
    matrices = matrices_for(kind, table, registry, id(table))
except ClausewiseError as exc:
    show(exc)
    st.stop()
if len(matrices) > 1:
    m = matrices[[x.id for x in matrices].index(st.selectbox("Family", [x.id for x in matrices], key="mx-family",
                                                             format_func=lambda i: i.removeprefix("versions-").title()))]
else:
    m = matrices[0]
st.markdown(f"**{md_escape(m.title)}** \u00b7 {md_escape(m.caption)}")
st.html(GRID_CSS)

head = st.columns([1.3] + [1] * len(m.columns))
head[0].markdown("**rule**" if m.kind == "versions" else " ")
for c, axis in zip(head[1:], m.columns):
    c.markdown(f"**{md_escape(axis.label)}**")
selected = ss.get("mx-open")
for axis, line in zip(m.rows, m.cells):
    cols = st.columns([1.3] + [1] * len(m.columns))
    if m.kind == "versions":
        cols[0].markdown(code_span(axis.label), help=table.get(axis.id).statement)
    else:
        cols[0].markdown(md_escape(axis.label))
    for c, cell in zip(cols[1:], line):
        here = (m.id, cell.row, cell.column)
        box = c.container(key=f"mxv-{cell.verdict.value if cell.verdict else 'none'}-{m.id}-{cell.row}-{cell.column}")
        if box.button(md_escape(cell_label(cell)), key=f"mx-{m.id}-{cell.row}-{cell.column}", width="stretch",
                      wrap=True, help=md_escape(cell_text(cell)), type="primary" if selected == here else "secondary"):
            ss["mx-open"] = selected = here
            st.rerun()

if selected and selected[0] == m.id:
    open_cell(m, m.cell(selected[1], selected[2]))
else:
    st.caption("Click a cell to open its clauses.")

st.divider()
dl = st.columns(4)
for c, (fmt, mime) in zip(dl, [("md", "text/markdown"), ("csv", "text/csv"), ("html", "text/html"),
                               ("json", "application/json")]):
    c.download_button(f"Download {fmt}", render(matrices, fmt), file_name=f"clausewise-{kind}.{fmt}", mime=mime,
                      key=f"mx-dl-{fmt}", icon=":material/download:")
