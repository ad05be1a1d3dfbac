"""Compare versions: first what changed that matters (the rules whose grounding differs, with both clauses), then the
full clause-by-clause diff with a keyword filter. Text that moved to another document is shown as moved, with a link.

`?old=<doc>&new=<doc>&q=<keyword>` opens a comparison; the selection also survives leaving the page and coming back.
"""

from __future__ import annotations

from urllib.parse import quote, urlencode

import pandas as pd
import streamlit as st

from retrieval.compare import ADDED as RULE_ADDED, REMOVED as RULE_REMOVED, name_noise, rule_changes
from ui import state
from ui.diff import (ADDED, CHANGED, ELSEWHERE, FORMATTING, MOVED, REMOVED, UNCHANGED, align, companions, counts,
                     find_moved, word_diff_html)
from ui.render import CORPUS_PAGE, clause_html, small_badge
from ui.text import code_span, html_text, md_escape

ss = st.session_state
services = state.app_state().services
corpus = services.corpus


@st.cache_data(max_entries=64, show_spinner=False)
def rows_for(old_id: str, old_sha: str, new_id: str, new_sha: str, family: str, _corpus) -> list:
    rows = align(_corpus.documents[old_id].clauses, _corpus.documents[new_id].clauses)
    fam = [d for d, doc in _corpus.documents.items() if doc.spec.family == family]
    others = [(c.clause_id, c.text) for d in companions(new_id, fam, old_id) for c in _corpus.documents[d].clauses]
    return find_moved(rows, others)


def label(doc_id: str) -> str:
    spec = corpus.documents[doc_id].spec
    return f"{spec.title} ({spec.version}) \u00b7 {doc_id}"


def default_pair(docs: list[str]) -> tuple[str, str]:
    """The first document and the next one of the same kind (licence with licence, policy with policy)."""
    kinds = [corpus.documents[d].spec.kind for d in docs]
    nxt = next((j for j in range(1, len(docs)) if kinds[j] == kinds[0]), 1)
    return docs[0], docs[nxt]


def clause_text(cid: str) -> str | None:
    try:
        return corpus.clause(cid).text
    except Exception:  # noqa: BLE001 - a grounding in a document that is not loaded
        return None


def clause_link(cid: str) -> str:
    return f'<a href="corpus?clause={quote(cid, safe="")}" target="_self">{html_text(cid)}</a>'


st.title("Compare versions")
st.caption("What changed that matters comes first: the rules whose grounding differs between the two versions. Below, "
           "every clause aligned by its pinpoint path (clauses renumbered or re-titled are paired by wording); "
           "struck-through red text was removed, green text was added.")

families: dict[str, list[str]] = {}
for doc_id, doc in corpus.documents.items():
    if doc.spec.is_primary:
        families.setdefault(doc.spec.family, []).append(doc_id)
families = {f: ids for f, ids in families.items() if len(ids) >= 2}
if not families:
    st.info("No family has two documents to compare.")
    st.stop()
names = sorted(families)

# --- the selection: from a link, else as left when the page was last open, else a sensible default ---
qp = st.query_params
from_url = (qp.get("old", ""), qp.get("new", ""), qp.get("q", ""))
saved = ss.get("cmp-saved")
if from_url[0] and from_url != ss.get("cmp-url-seen"):
    fam = corpus.documents[from_url[0]].spec.family if from_url[0] in corpus.documents else None
    if fam in families:
        saved = {"family": fam, "old": from_url[0],
                 "new": from_url[1] if from_url[1] in families[fam] else default_pair(families[fam])[1],
                 "q": from_url[2]}
        for key in ("cmp-family", f"cmp-old-{fam}", f"cmp-new-{fam}", "cmp-filter"):
            ss.pop(key, None)
    else:
        st.warning(f"The link names a document that is not loaded or has no other version: {code_span(from_url[0])}.")
ss["cmp-url-seen"] = from_url
if saved:
    ss.setdefault("cmp-family", saved["family"])
ss.setdefault("cmp-family", "llama" if "llama" in names else names[0])
family = st.selectbox("Family", names, key="cmp-family")
docs = families[family]
d_old, d_new = default_pair(docs)
if saved and saved["family"] == family:
    d_old, d_new = saved["old"], saved["new"]
ss.setdefault(f"cmp-old-{family}", d_old)
ss.setdefault(f"cmp-new-{family}", d_new)
c1, c2 = st.columns(2)
old_id = c1.selectbox("First (older) document", docs, format_func=label, key=f"cmp-old-{family}")
new_id = c2.selectbox("Second (newer) document", docs, format_func=label, key=f"cmp-new-{family}")
ss.setdefault("cmp-filter", saved["q"] if saved else "")
keyword = st.text_input("Filter the full diff by a keyword", key="cmp-filter", placeholder="e.g. output, 700 million, AUP",
                        help="Case-insensitive; matches clause text on either side and clause paths.").strip()
ss["cmp-saved"] = {"family": family, "old": old_id, "new": new_id, "q": keyword}
params = {"old": old_id, "new": new_id} | ({"q": keyword} if keyword else {})
if dict(qp.to_dict()) != params:
    qp.from_dict(params)
ss["cmp-url-seen"] = (old_id, new_id, keyword)
if old_id == new_id:
    st.info("Pick two different documents.")
    st.stop()

base = (st.context.url or "").split("?", 1)[0]
st.caption("Link to this comparison (paste it into a memo):")
st.code((base or "compare") + "?" + urlencode(params), language=None)

old, new = corpus.documents[old_id], corpus.documents[new_id]

# --- what changed that matters -------------------------------------------------------------------------------------
st.subheader("What changed that matters")
changes = rule_changes(services.rules, old_id, new_id, clause_text, name_noise(old.spec.title, new.spec.title))
if not changes:
    st.info("No rule in the rules table is grounded differently in these two versions; the full diff below shows "
            "every textual change.", icon=":material/info:")
for n, ch in enumerate(changes, 1):
    with st.container(border=True, key=f"cmp-change-{n}"):
        rule = code_span(ch.rule_id) + (f" \u2192 {code_span(ch.new_rule_id)}" if ch.new_rule_id else "")
        st.markdown(f"**{n}. {md_escape(ch.headline)}** {small_badge(ch.verdict)} \u00b7 rule {rule}  \n"
                    + md_escape(ch.statement))
        left, right = st.columns(2)
        for col, spec, ids, missing in ((left, old.spec, ch.old_clauses, "Not grounded in this version."),
                                        (right, new.spec, ch.new_clauses, "Not grounded in this version.")):
            with col:
                st.caption(f"{md_escape(spec.title)} ({md_escape(spec.version)})")
                if not ids:
                    st.markdown(f"*{missing}*" + (" The clause is gone." if ch.kind == RULE_REMOVED and col is right
                                                   else " The clause is new." if ch.kind == RULE_ADDED else ""))
                for cid in ids:
                    st.page_link(CORPUS_PAGE, label=cid, icon=":material/menu_book:", query_params={"clause": cid})
                    text = clause_text(cid)
                    st.markdown(clause_html(text) if text is not None else f"*{md_escape(cid)} is not loaded.*",
                                unsafe_allow_html=True)

# --- the full diff -------------------------------------------------------------------------------------------------
rows = rows_for(old_id, old.spec.sha256, new_id, new.spec.sha256, family, corpus)
moved = [r for r in rows if r.status == ELSEWHERE]
if moved:
    targets = sorted({r.moved_to.split(":", 1)[0] for r in moved})
    st.info(f"{len(moved)} clause(s) of {code_span(old_id)} are not gone: their text is now in "
            + ", ".join(f"[{md_escape(t)}](corpus?clause={quote(corpus.documents[t].clauses[0].clause_id, safe='')})"
                        for t in targets if t in corpus.documents)
            + ", a separate document. They are marked *moved to another document* below, with the clause that holds "
              "each one now.", icon=":material/drive_file_move:")

st.subheader("Every clause")
n = counts(rows)
m = st.columns(7)
for col, (name, key) in zip(m, [("Changed", CHANGED), ("Removed", REMOVED), ("Added", ADDED),
                                 ("Moved elsewhere", ELSEWHERE), ("Renumbered", MOVED), ("Formatting only", FORMATTING),
                                 ("Unchanged", UNCHANGED)]):
    col.metric(name, n[key], help={FORMATTING: "Only quotes, dashes, emphasis or line wrapping differ.",
                                   MOVED: "Paired by wording: the clause number or heading changed.",
                                   ELSEWHERE: "The text now lives in another document of the family."}.get(key))

show_all = st.toggle("Show unchanged and formatting-only clauses too", value=False, key="cmp-all")
visible = [r for r in rows if show_all or r.status not in (UNCHANGED, FORMATTING)]
if keyword:
    low = keyword.lower()
    visible = [r for r in visible if low in r.old_text.lower() or low in r.new_text.lower() or low in r.path.lower()
               or (r.moved_to and low in r.moved_to.lower())]
    st.caption(f"{len(visible)} clause(s) contain \u201c{md_escape(keyword)}\u201d.")

st.dataframe(pd.DataFrame([{"clause": r.path, "status": r.status, "old path": r.old_path or "", "new path": r.new_path or "",
                            "moved to": r.moved_to or "", "similarity": r.similarity} for r in visible],
                          columns=["clause", "status", "old path", "new path", "moved to", "similarity"]),
             hide_index=True, width="stretch", height=min(38 + 35 * max(len(visible), 1), 320))

head = (f'<div class="cw-diff"><div><b>{html_text(old.spec.title)}</b> ({html_text(old.spec.version)})</div>'
        f'<div><b>{html_text(new.spec.title)}</b> ({html_text(new.spec.version)})</div></div>')
blocks = [head]
for r in visible:
    left, right = word_diff_html(r.old_text, r.new_text)
    if r.status == REMOVED:
        left, right = f"<del>{html_text(r.old_text)}</del>", '<span class="cw-empty">(not in this version)</span>'
    elif r.status == ADDED:
        left, right = '<span class="cw-empty">(not in this version)</span>', f"<ins>{html_text(r.new_text)}</ins>"
    elif r.status == ELSEWHERE:
        left = html_text(r.old_text)
        right = (f'<span class="cw-empty">moved to </span>{clause_link(r.moved_to)}'
                 f'<span class="cw-empty"> ({r.similarity:.0%} the same wording)</span>')
    blocks.append(f'<div class="cw-rowhead"><span class="cw-st-{r.status.split()[0]}">{r.status}</span> {html_text(r.path)}</div>'
                  f'<div class="cw-diff"><div>{left}</div><div>{right}</div></div>')
if len(blocks) == 1:
    if keyword:
        st.info(f"No differing clause contains \u201c{md_escape(keyword)}\u201d.")
    else:
        st.success(f"No differences between {md_escape(old_id)} and {md_escape(new_id)}.")
else:
    st.markdown("".join(blocks), unsafe_allow_html=True)
