"""Safe rendering of document text and lawyer-ready citation strings.

Licence and user-document text is data, never markup: anything that reaches `st.markdown` goes through `md_escape`
(markdown) or `html_text` (HTML), and verbatim clause text is otherwise shown with `st.code` / `st.text`.
"""

from __future__ import annotations

import re

_MD_SPECIAL = set("\\`*_{}[]()#+-.!|<>$~:&=\"'^")
_HTML_SPECIAL = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}
# Characters that markdown, Streamlit directives (:red[..], :material/..:) or LaTeX ($..$) could act on.
_HTML_MD_SPECIAL = set("\\`*_{}[]()#+-.!|$~:=^")
_URL = re.compile(r"^https?://[A-Za-z0-9.-]+(?::\d+)?(?:/[A-Za-z0-9._~!$&'*+,;=:@%/-]*)?(?:\?[A-Za-z0-9._~!$&'*+,;=:@%/?-]*)?(?:#[A-Za-z0-9._~!$&'*+,;=:@%/?-]*)?$")
_NUMBERED_KINDS = {"section", "dotted", "decimal", "paren-decimal", "paren-lower", "paren-upper", "lower", "upper",
                   "lower-roman", "upper-roman"}


def md_escape(text: str) -> str:
    """Text that st.markdown shows literally: every markdown/directive/LaTeX character backslash-escaped, HTML
    characters as entities, line breaks kept as hard breaks."""
    out = []
    for ch in str(text):
        if ch in "<>&":
            out.append(_HTML_SPECIAL[ch])
        elif ch in _MD_SPECIAL:
            out.append("\\" + ch)
        elif ch == "\n":
            out.append("  \n")
        else:
            out.append(ch)
    return "".join(out)


def html_text(text: str) -> str:
    """Text for use inside an HTML fragment given to st.markdown(unsafe_allow_html=True).

    HTML characters become entities; markdown and directive characters become numeric entities too, and line breaks
    become `&#10;` (render with `white-space: pre-wrap`), so the fragment never contains a blank line and stays one raw
    HTML block that markdown does not touch.
    """
    out = []
    for ch in str(text):
        if ch in _HTML_SPECIAL:
            out.append(_HTML_SPECIAL[ch])
        elif ch in _HTML_MD_SPECIAL:
            out.append(f"&#{ord(ch)};")
        elif ch == "\n":
            out.append("&#10;")
        elif ch == "\r":
            continue
        else:
            out.append(ch)
    return "".join(out)


def safe_url(url: str | None) -> str | None:
    """The URL when it is a plain public http(s) address, else None (local paths and odd schemes are never linked)."""
    if not url or not _URL.match(url):
        return None
    return url


def code_span(text: str) -> str:
    """An inline code span for ids (backticks removed, so the span cannot be broken out of)."""
    return "`" + str(text).replace("`", "'").replace("\n", " ") + "`"


def clause_path(clause_id: str) -> str:
    return clause_id.split(":", 1)[1] if ":" in clause_id else clause_id


def pinpoint(clause_id: str, kind: str | None = None, heading: str | None = None) -> str:
    """How a lawyer would point at the clause: `s. 1.b.v`, `definition of "Agreement"`, `para. p1`."""
    path = clause_path(clause_id)
    if kind == "definition" and heading:
        return f'definition of "{heading}"'
    if kind in ("paragraph", "heading", "bullet"):
        return f"para. {path}"
    return f"s. {path}"


def one_line(text: str) -> str:
    """Whitespace runs (hard line wraps of the source) collapsed to single spaces; every other character is kept."""
    return " ".join(text.split())


_LEADING_MARKER = re.compile(r"^\s*(?:\*\*)?(?:\(?[0-9]{1,2}\)|\([a-zA-Z]{1,4}\)|[0-9]{1,2}(?:\.[0-9]{1,2})*\.|[a-z]{1,4}[.)]|[A-Z][.)])"
                             r"(?:\*\*)?[ \t\u00a0]+")


def strip_marker(quote: str) -> str:
    """A quote that starts where its clause starts, without the clause's own number ("v. You will not" -> "You will
    not"): the pinpoint already says where it is."""
    stripped = _LEADING_MARKER.sub("", quote, count=1)
    return stripped if stripped.strip() else quote


def legal_citation(title: str, version: str, clause_id: str, quote: str, kind: str | None = None,
                   heading: str | None = None, *, at_clause_start: bool = True) -> str:
    """`Meta Llama 3 Community License Agreement (2024-04-18), s. 1.b.v: "You will not use ..."`."""
    if at_clause_start and kind not in ("paragraph", "heading", "definition"):
        quote = strip_marker(quote)
    return f'{title} ({version}), {pinpoint(clause_id, kind, heading)}: "{one_line(quote)}"'
