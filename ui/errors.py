"""Errors become banners: a ClausewiseError shows its message (what went wrong and how to fix it); anything else shows
a short generic message while the traceback goes to the server log only."""

from __future__ import annotations

import logging
from contextlib import contextmanager

import streamlit as st

from ingest.errors import ClausewiseError, NotFound
from ui.text import md_escape

log = logging.getLogger("clausewise.ui")


def message(exc: BaseException) -> str:
    if isinstance(exc, ClausewiseError):
        return str(exc)
    return (f"Something went wrong inside clausewise ({type(exc).__name__}). Nothing was changed; try again, and if it "
            "persists, check the server log.")


def show(exc: BaseException, where=None) -> None:
    where = where or st
    if not isinstance(exc, ClausewiseError):
        log.exception("unexpected error in the UI", exc_info=exc)
    text = md_escape(message(exc))  # messages quote user input (file names, ids): shown as text, not markdown
    if isinstance(exc, NotFound):
        where.warning(text, icon=":material/search_off:")
    else:
        where.error(text, icon=":material/error:")


@contextmanager
def guard(where=None):
    """Run a block; any error becomes a banner instead of a traceback. Streamlit's own control flow passes through."""
    try:
        yield
    except Exception as exc:  # noqa: BLE001 - the point is that no traceback reaches the user
        if type(exc).__module__.startswith("streamlit"):
            raise  # st.rerun / st.stop use exceptions
        show(exc, where)
