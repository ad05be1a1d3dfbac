"""Citations a lawyer can paste: sections named the way the document names them, never our internal path segments.

`gemma-terms-2025:3.1.p1.b1` becomes "s. 3.1, first paragraph, item 1"; `cc-by-4.0:3.a.1` becomes "s. 3(a)(1)" because
the CC licences refer to their own sections that way, while the Llama licences write "Section 1.b.i" and keep dots.
Headings without numbers are named by their words, definitions by their term, and a user's document by its title and
the date it was added. The quoted words follow, with their lead-ins, nested quotation marks turned single.
"""

from __future__ import annotations

import functools

import re
from functools import lru_cache

from ingest.clauses import Clause
from ingest.sources import DocKind, DocumentSpec
from ingest.sections import Section, clause_index, is_heading_only
from retrieval.quotes import Quote, Span, lead_ins

_NUMBERED = {"section", "dotted", "decimal", "paren-decimal", "paren-lower", "paren-upper", "lower", "upper",
             "lower-roman", "upper-roman", "paren-lower-roman", "paren-upper-roman"}
_ORDINALS = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth",
             "eleventh", "twelfth"]
# A document's references to its own sections; "Section 1(a) of the Llama 3.2 Community License" names another one.
_PAREN_REF = re.compile(r"\bSections?\s+[0-9]+(?:\.[0-9]+)*\([0-9A-Za-z]{1,4}\)(?!\s+of\s+the\b)")
_DOT_REF = re.compile(r"\bSections?\s+[0-9]+\.[a-z]{1,4}\b(?!\s+of\s+the\b)")
_LABEL = re.compile(r"\s*(?:\*\*|#{1,6}\s+)?\s*(?:(?:Section|SECTION|Article|ARTICLE)\s+([0-9]+|[IVXL]+)"
                    r"|([0-9]{1,2}(?:\.[0-9]{1,2})+)|\(?([0-9A-Za-z]{1,4})\\?[.)])")
_LEADING_MARKER = re.compile(r"^\s*(?:\*\*)?(?:[-*\u2022\u00b7\u25cf\u25aa](?=\s)|\(?[0-9]{1,2}\)|\([a-zA-Z]{1,4}\)|[0-9]{1,2}(?:\.[0-9]{1,2})*\.?"
                             r"|[a-z]{1,4}[.)]|[A-Z][.)])(?:\*\*)?[ \t\u00a0]+")
_RUN_IN = re.compile(r"([A-Z][^.:\n]{0,50}?)\.\s+\S")


@lru_cache(maxsize=256)
@functools.lru_cache(maxsize=512)
def reference_style(text: str) -> str:
    """"paren" when the document cites its own sub-sections as 3(a)(1), else "dot" (1.b.i). Cached: it reads the
    whole document, and every citation of an answer asks it again for the same text."""
    return "paren" if len(_PAREN_REF.findall(text)) > len(_DOT_REF.findall(text)) else "dot"


def ordinal(n: int) -> str:
    return _ORDINALS[n - 1] if 0 < n <= len(_ORDINALS) else f"{n}th"


def _label(clause: Clause) -> str:
    """The number as printed ("A", "iv", "3.1"), not the lower-cased path segment."""
    m = _LABEL.match(clause.text)
    if m:
        return next(g for g in m.groups() if g)
    return clause.path.rsplit(".", 1)[-1]


def _counter(clause: Clause) -> int:
    m = re.search(r"[pb]([0-9]+)(?:-[0-9]+)?$", clause.path)
    return int(m.group(1)) if m else 1


def _run_in(text: str) -> str:
    """A short run-in heading that opens a paragraph ("What you cannot do. You may not ..."), or ""."""
    m = _RUN_IN.match(text.strip())
    return m.group(1) if m and len(m.group(1).split()) <= 5 else ""


def pinpoint(clauses: tuple[Clause, ...] | list[Clause], clause: Clause, source: str) -> str:
    """Where `clause` is, in the document's own terms: "s. 1.b.v", "s. 3.1, second paragraph, item 1"."""
    index = clause_index(clauses)
    by_id = index.by_id
    chain = [clause]
    while chain[-1].parent and chain[-1].parent in by_id:
        chain.append(by_id[chain[-1].parent])
    chain.reverse()
    numbered_root = index.numbered_root
    paren = reference_style(source) == "paren"
    parts: list[str] = []
    number = ""
    list_depth = 0

    def flush() -> None:
        nonlocal number
        if number:
            parts.append("s. " + number)
            number = ""

    for node in chain:
        if node.kind in _NUMBERED:
            label = _label(node)
            if node.kind == "dotted" or not number:
                number = label
            elif node.kind.startswith("paren") or paren:
                number += f"({label})"
            else:
                number += "." + label
        elif node.kind == "heading":
            flush()
            parts.append("preamble" if node is clauses[0] else f"\u201c{node.heading}\u201d")
        elif node.kind == "definition":
            flush()
            parts.append(f"definition of \u201c{node.heading}\u201d")
        else:
            had_number = bool(number)
            flush()
            n = _counter(node)
            if node.kind == "paragraph" and list_depth == 0 and not (parts and parts[-1].startswith(("item", "sub-item"))):
                parent = by_id.get(node.parent or "")
                only = parent is not None and is_heading_only(parent) and sum(
                    1 for c in index.children.get(node.parent, ()) if c.kind == "paragraph") == 1
                if only:
                    list_depth = 1  # "3.3 Generated Output" has one paragraph: it is simply s. 3.3
                    continue
                if node.parent is None and numbered_root and not had_number:
                    text = f"unnumbered paragraph {n}"
                else:
                    text = f"{ordinal(n)} paragraph"
                run_in = _run_in(node.text)
                parts.append(text + (f" (\u201c{run_in}\u201d)" if run_in else ""))
                list_depth = 1
            else:
                parts.append(("item " if list_depth <= 1 else "sub-item ") + str(n))
                list_depth += 1
    flush()
    return ", ".join(parts) or "s. " + clause.path


def source_name(spec: DocumentSpec) -> str:
    """"Title (version)", or for a user's own document "Title (added YYYY-MM-DD)"."""
    if spec.kind is DocKind.USER:
        dated = re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", spec.version)
        return f"{spec.title} (added {spec.version})" if dated else spec.title
    return f"{spec.title} ({spec.version})"


def strip_marker(text: str) -> str:
    stripped = _LEADING_MARKER.sub("", text, count=1)
    return stripped if stripped.strip() else text


def _display(text: str, at_clause_start: bool) -> str:
    text = strip_marker(text) if at_clause_start else text
    text = text.replace("**", "")
    return " ".join(text.split())


_CURLY_TO_SINGLE = str.maketrans({"\u201c": "\u2018", "\u201d": "\u2019"})
_STRAIGHT = re.compile(r'(^|(?<=[\s(\[{\u2014\u2013/-]))"|"')


def single_quotes(text: str) -> str:
    """Double quotation marks inside a quotation become single ones, so the marks are never doubled."""
    text = text.translate(_CURLY_TO_SINGLE)
    if '"' not in text:
        return text
    # A straight mark opens after a space or a bracket and closes anywhere else.
    return _STRAIGHT.sub(lambda m: "\u2018" if m.group(1) is not None else "\u2019", text)


def quoted_words(source: str, starts: frozenset[int] | set[int], quote: Quote) -> str:
    """The lead-ins and the quote as one quotation; " … " marks words left out between them."""
    pieces: list[str] = []
    prev_end: int | None = None
    for span in (*quote.lead_in, Span(quote.text, quote.start, quote.end)):
        text = _display(span.text, span.start in starts)
        if prev_end is not None:
            gap = source[prev_end:span.start]
            pieces.append(" " if not gap.strip() else " \u2026 ")
        pieces.append(text)
        prev_end = span.end
    return "\u201c" + single_quotes("".join(pieces)) + "\u201d"


def locate(spec: DocumentSpec, clauses: tuple[Clause, ...] | list[Clause], source: str, clause: Clause) -> str:
    """The document and the pinpoint without a quotation: `Gemma Terms of Use (2025-03-24), s. 3.3`."""
    return f"{source_name(spec)}, {pinpoint(clauses, clause, source)}"


def cite(spec: DocumentSpec, clauses: tuple[Clause, ...] | list[Clause], source: str, located: Clause,
         quote: Quote) -> str:
    """The ready-to-paste citation: `Title (version), s. 1.b.v: “You will not use …”`."""
    starts = clause_index(clauses).starts
    return f"{source_name(spec)}, {pinpoint(clauses, located, source)}: {quoted_words(source, starts, quote)}"


def cite_whole(spec: DocumentSpec, clauses: tuple[Clause, ...] | list[Clause], source: str, section: Section) -> str:
    """The citation of a whole clause (a heading-only section quotes its body), for browsing rather than answers."""
    clause = section.clause
    start = section.body_start if section.heading_only and section.members else clause.start
    end = section.end if section.is_container else clause.end
    quote = Quote(clause.clause_id, start, end, source[start:end], lead_ins(source, clauses, clause))
    return cite(spec, clauses, source, clause, quote)
