"""Which words of a clause to quote: whole sentences, never a fragment, with the words that govern a list item.

A sentence ends at a terminator followed by white space, so "3.1", "1.b.i" and "ai.google.dev" never split. A full
stop after an abbreviation ("e.g.", "U.S.", "Inc.", "s. 1.b"), after a lone enumerator ("1.", "a.") or before a
lower-case word does not end a sentence either. A list item is quoted with its lead-in ("For example, you may not:"),
because an item read alone can invert its meaning. Every span returned is an offset pair into the source text.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from ingest.clauses import Clause
from ingest.sections import ClauseIndex, Section, clause_index, ends_with_lead_in, is_heading_only

WHOLE_CLAUSE_MAX = 320  # a clause this short is quoted whole: cutting it saves nothing and loses context
MAX_LEAD_INS = 3
_WORD = re.compile(r"[a-z0-9]+")
_STOP = set("the a an of to and or in on for with by is are be this that any your you we our it as at from can do does i my".split())
# A terminator run and any closing quotes, brackets or bold markers, then white space or the end of the text.
_TERMINATOR = re.compile(r"[.;!?]+[\"\u201d\u2019')\]*]*(?=\s|$)")
_CLOSERS = "\"\u201d\u2019')]*"
_OPENERS = "\"\u201c\u2018('[*"
# Abbreviations after which a full stop does not end the sentence (compared lower-case, without the final stop).
ABBREVIATIONS = frozenset({
    "e.g", "i.e", "etc", "cf", "viz", "vs", "al", "approx", "incl", "esp",
    "no", "nos", "sec", "secs", "art", "arts", "para", "paras", "cl", "ch", "pp", "vol", "fig",
    "inc", "ltd", "corp", "co", "bros", "l.l.c", "u.s", "u.k", "e.u", "u.s.a",
    "mr", "mrs", "ms", "dr", "prof", "st", "jr", "sr",
})
_INITIALS = re.compile(r"^(?:[a-z]\.)+[a-z]$")  # u.s, e.g, l.l.c and the like, whatever the list misses
_ENUMERATOR = re.compile(r"^\(?(?:[0-9]{1,3}(?:\.[0-9]{1,3})*|[a-z]{1,4}|[A-Z]{1,4})[.)]?$")
# The first item of a list written inside a sentence: "You may not (i) use ...; (ii) ...".
_INLINE_FIRST = re.compile(r"(?:(?<=\s)|^)\((?:i|a|1|A)\)\s")
_INLINE_ITEM = re.compile(r"(?:(?:and|or)\s+)?\((?:[ivx]{1,5}|[a-z]|[0-9]{1,2}|[A-Z])\)\s")
_PROSE_KINDS = {"paragraph", "heading", "definition"}  # everything else is a numbered or bulleted item
_LOWER_FUNCTION_WORDS = {"and", "or", "the", "of", "to", "a", "an", "in", "for", "by", "with", "on", "as", "any"}


@dataclass(frozen=True)
class Span:
    """A verbatim slice `source[start:end] == text` of one document."""

    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Quote:
    """The words to quote from a clause or section, and the lead-ins that govern them, outermost first."""

    clause_id: str  # the clause the quoted words belong to (a member, when a section is quoted)
    start: int
    end: int
    text: str
    lead_in: tuple[Span, ...]


def tokens(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 2}


def _token_before(text: str, end: int) -> str:
    """The white-space-delimited token that ends at `end`."""
    start = max(text.rfind(" ", 0, end), text.rfind("\n", 0, end), text.rfind("\t", 0, end),
                text.rfind("\u00a0", 0, end)) + 1
    return text[start:end]


def _ends_sentence(text: str, seg_start: int, term_start: int, term_end: int) -> bool:
    """Whether the terminator text[term_start:term_end] closes a sentence begun at seg_start."""
    run = text[term_start:term_end].rstrip(_CLOSERS)
    if not run.endswith("."):
        return True  # ; ! ? always close a sentence part
    token = _token_before(text, term_end)
    core = token.rstrip(_CLOSERS).rstrip(".").lstrip(_OPENERS)
    low = core.lower()
    if low in ABBREVIATIONS or _INITIALS.match(low) or (len(core) == 1 and core.isalpha()):
        return False
    if _ENUMERATOR.match(core) and not text[seg_start:term_end - len(token)].strip(" \t\u00a0*#"):
        return False  # "1." or "a." opening the segment is a list marker, not a sentence
    nxt = re.match(r"\s*(\S)", text[term_end:])
    return not (nxt and nxt.group(1).islower())


def _title_line(line: str, first: bool) -> bool:
    """A heading line inside a block: short, Title Case (or the block's first line), not a wrapped line of capitals."""
    t = line.strip().strip("*#").strip()
    words = t.split()
    if not (0 < len(words) <= 9 and len(t) <= 60 and t[-1] not in ".,;:" and (t[0].isupper() or t[0].isdigit())
            and words[-1].lower() not in _LOWER_FUNCTION_WORDS):
        return False
    return first or (not t.isupper() and all(w[0].isupper() for w in words if len(w) > 3 and w[0].isalpha()))


def sentence_spans(text: str, *, semicolons: bool = True) -> list[tuple[int, int]]:
    """(start, end) of each sentence of `text`, relative to it, white space trimmed, in order; `semicolons=False`
    keeps the parts of a sentence joined by ";" together."""
    return list(_sentence_spans(text, semicolons))


@functools.lru_cache(maxsize=8192)
def _terms(text: str) -> frozenset[str]:
    """`tokens(text)`, cached: the clause texts quotes are chosen from are split again for every answer citing them."""
    return frozenset(tokens(text))


@functools.lru_cache(maxsize=8192)
def _sentence_spans(text: str, semicolons: bool) -> tuple[tuple[int, int], ...]:
    # Cached per clause text: a pure function of the text, asked again for every answer that cites the clause.
    cuts: list[int] = []
    seg_start = 0
    for m in _TERMINATOR.finditer(text):
        if not semicolons and m.group(0).rstrip(_CLOSERS).endswith(";"):
            continue
        if _ends_sentence(text, seg_start, m.start(), m.end()):
            cuts.append(m.end())
            seg_start = m.end()
    # A heading line inside a block ("Prohibited Uses\nWe want everyone ...") ends a sentence too.
    pos = 0
    for n, line in enumerate(text.split("\n")[:-1]):
        pos += len(line) + 1
        nxt = text[pos:].lstrip()
        if _title_line(line, n == 0) and nxt[:1].isupper():
            cuts.append(pos - 1)
    spans = []
    prev = 0
    for cut in sorted(set(cuts)) + [len(text)]:
        if cut <= prev:
            continue
        a, b = prev, cut
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if text[a:b].strip(" \t\n*#.;:-_=\u2014"):
            spans.append((a, b))
        prev = cut
    return tuple(spans)


def _best_span(text: str, terms: set[str]) -> tuple[tuple[int, int], float]:
    """The sentence sharing most words with the query (the whole text if short), and its score."""
    stripped = text.rstrip()
    if len(stripped) <= WHOLE_CLAUSE_MAX:
        lead = len(stripped) - len(stripped.lstrip())
        return (lead, len(stripped)), len(_terms(stripped) & terms) + min(len(stripped), 400) / 4000
    best, best_score = (0, len(stripped)), -1.0
    for a, b in _sentence_spans(text, True):
        seg = text[a:b]
        score = len(_terms(seg) & terms) + min(len(seg), 400) / 4000
        if score > best_score:
            best, best_score = (a, b), score
    return best, best_score


def best_quote(text: str, start: int, query_terms: set[str]) -> tuple[int, int]:
    """Absolute offsets of the sentence in a clause that shares most words with the query (the whole clause if short)."""
    stripped = text.rstrip()
    if len(stripped) <= WHOLE_CLAUSE_MAX:
        return start + len(stripped) - len(stripped.lstrip()), start + len(stripped)
    (a, b), _ = _best_span(text, query_terms)
    return start + a, start + b


def _introducer(index: ClauseIndex, clause: Clause) -> Clause | None:
    """The clause whose closing colon introduces the list `clause` is an item of: its parent, or, for a list written
    after its lead-in at the same level ("Prohibited Uses ... Llama 3.2 to:" then "1.", "2."), the sibling before it."""
    parent = index.by_id.get(clause.parent) if clause.parent else None
    if parent is not None and ends_with_lead_in(parent):
        if parent.kind == "heading" and clause.kind == "paragraph":
            return None  # a paragraph under a heading is text of its own, not an item of the heading's list
        return parent
    if clause.kind in _PROSE_KINDS:
        return None
    siblings = index.children.get(clause.parent, ())
    i = next((n for n, c in enumerate(siblings) if c.clause_id == clause.clause_id), 0)
    while i > 0 and siblings[i - 1].kind not in _PROSE_KINDS:
        i -= 1
    before = siblings[i - 1] if i > 0 else None
    return before if before is not None and ends_with_lead_in(before) else None


def lead_ins(source: str, clauses: tuple[Clause, ...] | list[Clause], clause: Clause) -> tuple[Span, ...]:
    """The colon sentences of the enclosing list items that govern `clause`, outermost first."""
    index = clause_index(clauses)
    chain: list[Span] = []
    current = clause
    while len(chain) < MAX_LEAD_INS:
        intro = _introducer(index, current)
        if intro is None:
            break
        spans = _sentence_spans(intro.text, True)
        if not spans:
            break
        a, b = spans[-1]
        chain.append(Span(source[intro.start + a:intro.start + b], intro.start + a, intro.start + b))
        current = intro
    return tuple(reversed(chain))


def inline_lead_in(source: str, clause: Clause, start: int) -> Span | None:
    """For a quote that opens on an item of a list run into a sentence ("(iii) use output ..."), the words before the
    list's first item ("You may not"), which govern every item."""
    rel = start - clause.start
    if not _INLINE_ITEM.match(clause.text, rel):
        return None
    for a, b in _sentence_spans(clause.text, False):
        if a <= rel < b:
            first = _INLINE_FIRST.search(clause.text, a, rel + 1)
            if first is None or first.start() <= a or first.start() > rel:
                return None
            end = first.start()
            while end > a and clause.text[end - 1].isspace():
                end -= 1
            return Span(source[clause.start + a:clause.start + end], clause.start + a, clause.start + end)
    return None


def _quote(source: str, clauses, clause: Clause, qs: int, qe: int) -> Quote:
    chain = lead_ins(source, clauses, clause)
    inline = inline_lead_in(source, clause, qs)
    return Quote(clause.clause_id, qs, qe, source[qs:qe], chain + ((inline,) if inline else ()))


def choose_quote(source: str, clauses: tuple[Clause, ...] | list[Clause], section: Section,
                 terms: set[str]) -> Quote:
    """What to quote for a cited clause: its best sentence, or for a heading or a list's lead-in, the best of its body."""
    clause = section.clause
    if not section.is_container:
        qs, qe = best_quote(clause.text, clause.start, terms)
        return _quote(source, clauses, clause, qs, qe)
    body_start = section.body_start if section.heading_only else section.start
    body = source[body_start:section.end]
    if len(body.strip()) <= WHOLE_CLAUSE_MAX:
        return Quote(clause.clause_id, body_start, section.end, body, lead_ins(source, clauses, clause))
    best: tuple[float, Clause, tuple[int, int]] | None = None
    candidates = [m for m in section.members if not is_heading_only(m)] or list(section.members)
    for member in candidates:
        span, score = _best_span(member.text, terms)
        if best is None or score > best[0]:
            best = (score, member, span)
    assert best is not None  # a container has members
    _, member, (a, b) = best
    return _quote(source, clauses, member, member.start + a, member.start + b)
