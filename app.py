"""clausewise web UI: `streamlit run app.py` (settings from the environment, see ingest/settings.py).

Pages: Ask (verdict and cited clauses for a scenario), Check a release, Licence matrices, Rules review sheet,
Browse the corpus, Compare versions, Add a document, Evals.
The embedding model and the index load once per process; the very first start builds the index with a progress bar.
"""

from __future__ import annotations

import streamlit as st

from ingest.errors import ClausewiseError, StoreError
from ui import state
from ui.conversation import DISCLAIMER
from ui.errors import show
from ui.render import inject_css
from ui.text import md_escape

st.set_page_config(page_title="clausewise", page_icon=":material/gavel:", layout="wide",
                   menu_items={"About": "clausewise: cited, clause-exact answers about AI model licences. " + DISCLAIMER})
inject_css()


def first_start(settings) -> None:
    """No index yet: build it here, with a progress bar, then start the app normally."""
    st.title("clausewise")
    st.info(f"First start: building the search index under `{settings.home}` with the embedding model "
            f"`{settings.embed_model}`. This happens once; later starts are fast.", icon=":material/build:")
    bar = st.progress(0.0, text="Reading the corpus\u2026")
    try:
        report, corpus = state.build_index(settings, state.progress_callback(bar, "Embedding clauses"))
    except ClausewiseError as exc:
        show(exc)
        st.stop()
    st.session_state["flash"] = ("success", f"Search index built: {report.chunks:,} chunks from "
                                 f"{len(corpus.documents)} documents in {report.seconds:.0f} s.")
    st.rerun()


def rebuild_button(settings) -> None:
    if st.button("Rebuild the search index", type="primary", icon=":material/refresh:"):
        bar = st.progress(0.0, text="Rebuilding\u2026")
        try:
            state.build_index(settings, state.progress_callback(bar, "Embedding clauses"), rebuild=True)
        except ClausewiseError as exc:
            show(exc)
            st.stop()
        st.rerun()


def sidebar(app: state.AppState) -> None:
    corpus = app.services.corpus
    with st.sidebar:
        users = sum(1 for d in corpus.documents if d.startswith("user-"))
        st.caption(f"{len(corpus.documents)} documents loaded ({users} yours) \u00b7 {len(corpus.all_clauses()):,} "
                   f"clauses \u00b7 embedding model `{app.settings.embed_model}`")
        if app.problems:
            with st.expander(f"{len(app.problems)} document(s) not loaded", icon=":material/warning:"):
                for r in app.problems:
                    st.caption(f"**{md_escape(r.spec.doc_id)}** ({r.status.value}): " + md_escape(r.message))
        damaged = getattr(app.services.searcher, "integrity_problems", None)
        if damaged:
            with st.expander(f"{len(damaged)} indexed chunk(s) ignored", icon=":material/report:"):
                st.caption("Their stored text no longer matches the source, so they are never cited. Run "
                           "`clausewise ingest --rebuild` (or use Update the index) to refresh them.")
                for line in damaged[:50]:
                    st.caption(md_escape(line))
        if app.stale:
            st.warning(f"{len(app.stale)} document(s) changed since the index was built; answers cite the current "
                       "text but retrieval uses the old index.", icon=":material/sync_problem:")
            if st.button("Update the index", icon=":material/sync:"):
                bar = st.progress(0.0)
                try:
                    state.build_index(app.settings, state.progress_callback(bar, "Embedding"))
                except ClausewiseError as exc:
                    show(exc)
                else:
                    st.rerun()
        st.caption(DISCLAIMER)


def main() -> None:
    settings = state.settings()
    if not state.index_exists(settings):
        first_start(settings)
    try:
        app = state.app_state()
    except StoreError as exc:
        show(exc)
        rebuild_button(settings)
        st.stop()
    except ClausewiseError as exc:
        show(exc)
        st.stop()
    flash = st.session_state.pop("flash", None)
    if flash:
        getattr(st, flash[0])(flash[1])
    pages = {
        "Research": [st.Page("ui/pages/ask.py", title="Ask", icon=":material/gavel:", default=True),
                     st.Page("ui/pages/check_release.py", title="Check a release", icon=":material/fact_check:"),
                     st.Page("ui/pages/matrices.py", title="Licence matrices", icon=":material/grid_on:"),
                     st.Page("ui/pages/review.py", title="Rules review sheet", icon=":material/rule:")],
        "Corpus": [st.Page("ui/pages/corpus.py", title="Browse the corpus", icon=":material/menu_book:"),
                   st.Page("ui/pages/compare.py", title="Compare versions", icon=":material/difference:")],
        "Your documents and quality": [
            st.Page("ui/pages/add_document.py", title="Add a document", icon=":material/upload_file:"),
            st.Page("ui/pages/evals.py", title="Evals", icon=":material/monitoring:")],
    }
    page = st.navigation(pages)
    sidebar(app)
    page.run()


main()
