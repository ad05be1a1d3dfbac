"""Compare versions: two documents of one family side by side, clause by clause, with changed words highlighted."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import state
from ui.diff import ADDED, CHANGED, FORMATTING, MOVED, REMOVED, UNCHANGED, align, counts, word_diff_html
from ui.text import html_text, md_escape

ss = st.session_state
corpus = state.app_state().services.corpus


@st.cache_data(max_entries=64, show_spinner=False)
def rows_for(old_id: str, old_sha: str, new_id: str, new_sha: str, _corpus) -> list:
    return align(_corpus.documents[old_id].clauses, _corpus.documents[new_id].clauses)


def label(doc_id: str) -> str:
    spec = corpus.documents[doc_id].spec
    return f"{spec.title} ({spec.version}) \u00b7 {doc_id}"


def default_pair(docs: list[str]) -> tuple[int, int]:
    """The first document and the next one of the same kind (licence with licence, policy with policy)."""
    kinds = [corpus.documents[d].spec.kind for d in docs]
    nxt = next((j for j in range(1, len(docs)) if kinds[j] == kinds[0]), 1)
    return 0, nxt


st.title("Compare versions")
st.caption("Clauses are aligned by their pinpoint path (1.b.v with 1.b.v); clauses whose number or heading changed are "
           "paired by wording. Struck-through red text was removed, green text was added.")

families: dict[str, list[str]] = {}
for doc_id, doc in corpus.documents.items():
    if doc.spec.is_primary:
        families.setdefault(doc.spec.family, []).append(doc_id)
families = {f: ids for f, ids in families.items() if len(ids) >= 2}
if not families:
    st.info("No family has two documents to compare.")
    st.stop()

names = sorted(families)
family = st.selectbox("Family", names, index=names.index("llama") if "llama" in names else 0, key="cmp-family")
docs = families[family]
i, j = default_pair(docs)
c1, c2 = st.columns(2)
old_id = c1.selectbox("First (older) document", docs, index=i, format_func=label, key=f"cmp-old-{family}")
new_id = c2.selectbox("Second (newer) document", docs, index=j, format_func=label, key=f"cmp-new-{family}")
if old_id == new_id:
    st.info("Pick two different documents.")
    st.stop()

old, new = corpus.documents[old_id], corpus.documents[new_id]
rows = rows_for(old_id, old.spec.sha256, new_id, new.spec.sha256, corpus)
n = counts(rows)
m = st.columns(6)
for col, (name, key) in zip(m, [("Changed", CHANGED), ("Removed", REMOVED), ("Added", ADDED), ("Renumbered", MOVED),
                                 ("Formatting only", FORMATTING), ("Unchanged", UNCHANGED)]):
    col.metric(name, n[key], help={FORMATTING: "Only quotes, dashes, emphasis or line wrapping differ.",
                                   MOVED: "Paired by wording: the clause number or heading changed."}.get(key))

show_all = st.toggle("Show unchanged and formatting-only clauses too", value=False, key="cmp-all")
visible = [r for r in rows if show_all or r.status not in (UNCHANGED, FORMATTING)]

st.dataframe(pd.DataFrame([{"clause": r.path, "status": r.status, "old path": r.old_path or "", "new path": r.new_path or "",
                            "similarity": r.similarity} for r in visible]),
             hide_index=True, width="stretch", height=min(38 + 35 * len(visible), 320))

head = (f'<div class="cw-diff"><div><b>{html_text(old.spec.title)}</b> ({html_text(old.spec.version)})</div>'
        f'<div><b>{html_text(new.spec.title)}</b> ({html_text(new.spec.version)})</div></div>')
blocks = [head]
for r in visible:
    left, right = word_diff_html(r.old_text, r.new_text)
    if r.status == REMOVED:
        left, right = f"<del>{html_text(r.old_text)}</del>", '<span class="cw-empty">(not in this version)</span>'
    elif r.status == ADDED:
        left, right = '<span class="cw-empty">(not in this version)</span>', f"<ins>{html_text(r.new_text)}</ins>"
    blocks.append(f'<div class="cw-rowhead"><span class="cw-st-{r.status.split()[0]}">{r.status}</span> {html_text(r.path)}</div>'
                  f'<div class="cw-diff"><div>{left}</div><div>{right}</div></div>')
if len(blocks) == 1:
    st.success(f"No differences between {md_escape(old_id)} and {md_escape(new_id)}.")
else:
    st.markdown("".join(blocks), unsafe_allow_html=True)
