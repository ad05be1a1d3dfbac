"""Text to a tree of clauses with stable pinpoint ids and verbatim offsets.

The parser reads a licence line by line. A block starts at a numbered or bulleted marker, at an unnumbered heading, or
at a paragraph after a blank line; continuation lines (hard-wrapped text) join the open block. Nesting comes from the
marker style (Section > 1. > a. > i. ...), learned per document in order of appearance, and from indentation where a
style repeats inside itself (markdown lists that restart at "1." one level down). Every clause is `source[start:end]`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

ROMAN = {"i": 1, "v": 5, "x": 10, "l": 50}
_ROMAN_RE = re.compile(r"^(?=[ivxl])(l?x{0,3})(ix|iv|v?i{0,3})$")

# Marker grammar. Each alternative yields (style, label); order matters: longer forms first.
_LEAD = r"[ \t\u00a0]*(?:\*\*|#{1,6}[ \t]+)?[ \t]*"
_MARKERS: list[tuple[str, re.Pattern[str]]] = [
    ("section", re.compile(_LEAD + r"(?:Section|SECTION|Article|ARTICLE)[ \t]+([0-9]+|[IVXL]+)(?=[ \t]*(?:[:.\-\u2013\u2014]|$|\*\*|[ \t]+[A-Z]))")),
    ("dotted", re.compile(_LEAD + r"([0-9]{1,2}(?:\.[0-9]{1,2})+)\.?(?=[ \t]|$|\*\*)")),
    ("decimal", re.compile(_LEAD + r"([0-9]{1,2})\\?[.)](?=[ \t\u00a0]|$|\*\*)")),
    ("paren-decimal", re.compile(_LEAD + r"\(([0-9]{1,2})\)(?=[ \t]|$)")),
    ("paren-lower", re.compile(_LEAD + r"\(([a-z]{1,4})\)\.?(?=[ \t]|$)")),
    ("paren-upper", re.compile(_LEAD + r"\(([A-Z]{1,4})\)(?=[ \t]|$)")),
    ("lower", re.compile(_LEAD + r"([a-z]{1,4})[.)](?=[ \t\u00a0]|$)")),
    ("upper", re.compile(_LEAD + r"([A-Z]{1,4})[.)](?=[ \t\u00a0]|$)")),
    ("bullet", re.compile(r"[ \t\u00a0]*([-*\u2022\u00b7\u25cf\u25aa])(?=[ \t])")),
]
_DEF_RE = re.compile(r"^[ \t]*(?:\*\*)?[\"\u201c](?:\*\*)?([^\"\u201d]{1,60}?)(?:\*\*)?[\"\u201d]")
_HEADING_MAX = 72


@dataclass(frozen=True)
class Clause:
    """One clause: a verbatim slice `source[start:end]` of its document, with a stable pinpoint id."""

    doc_id: str
    clause_id: str
    path: str
    heading: str
    text: str
    start: int
    end: int
    parent: str | None
    depth: int
    kind: str  # marker style, "paragraph", "heading" or "definition"


@dataclass
class _Node:
    style: str
    label: str
    indent: int
    text_col: int
    start: int
    end: int
    heading_like: bool
    parent: "_Node | None" = None
    children: list["_Node"] = field(default_factory=list)
    heading: str = ""
    nests: bool = False  # an unnumbered heading groups the numbered clauses after it only once numbering has begun


def _expand_indent(line: str) -> int:
    col = 0
    for ch in line:
        if ch == " " or ch == "\u00a0":
            col += 1
        elif ch == "\t":
            col += 4
        else:
            break
    return col


def _roman_value(label: str) -> int | None:
    if not label or not _ROMAN_RE.match(label):
        return None
    total, prev = 0, 0
    for ch in reversed(label):
        v = ROMAN[ch]
        total = total - v if v < prev else total + v
        prev = max(prev, v)
    return total


def _ordinal(style: str, label: str) -> int | None:
    """Numeric position of a label in its sequence, used to tell siblings from new nested lists."""
    low = label.lower()
    if style in ("decimal", "paren-decimal", "dotted"):
        return int(low.split(".")[-1]) if low.split(".")[-1].isdigit() else None
    if style.endswith("roman"):
        return _roman_value(low)
    if len(low) == 1 and low.isalpha():
        return ord(low) - ord("a") + 1
    return None


def _match_marker(line: str) -> tuple[str, str, int] | None:
    """Return (style, label, end of marker) for a line that opens a numbered or bulleted clause."""
    for style, pattern in _MARKERS:
        m = pattern.match(line)
        if m:
            label = m.group(1)
            if style in ("lower", "upper", "paren-lower", "paren-upper"):
                low = label.lower()
                roman = _roman_value(low) is not None
                if len(label) > 1 and not roman:
                    continue  # "etc." or a word, not a list marker
                if style in ("upper", "lower") and len(label) > 1 and label != label.lower() and label != label.upper():
                    continue
            return style, label, m.end()
    return None


def _refine_alpha_roman(style: str, label: str, stack: list[_Node]) -> str:
    """Decide whether a lower/upper label such as "i", "v" or "ii" is alphabetic or roman from the open siblings."""
    if style not in ("lower", "upper", "paren-lower", "paren-upper"):
        return style
    low = label.lower()
    roman_val = _roman_value(low)
    if roman_val is None:
        return style
    roman_style = style + "-roman"
    if len(low) > 1:
        return roman_style
    for node in reversed(stack):
        if node.style == style and _ordinal(style, node.label) == ord(low) - ord("a"):
            return style  # "i" right after "h"
        if node.style == roman_style and _roman_value(node.label.lower()) == roman_val - 1:
            return roman_style
    return roman_style if low == "i" else style


def _starts_unmarked_item(block: _Node, block_text: str, indent: int, unwrapped: bool) -> bool:
    """True when a line under an indented block is the next item of an unmarked list, not a wrapped continuation."""
    if indent < 2 or block.indent != indent or block.style not in ("paragraph", "bullet"):
        return False
    last = block_text.rsplit("\n", 1)[-1].strip()
    if unwrapped:
        return True  # a document whose paragraphs are one line each breaks lines only between items
    return len(last) >= 90 and last[-1:] in ".;:"


def _starts_new_paragraph(block_text: str, line: str) -> bool:
    """In an unwrapped document, a full sentence followed by a capitalised line is two paragraphs, not one."""
    last = block_text.rsplit("\n", 1)[-1].strip()
    return (len(last) >= 60 and len(line) >= 30 and last[-1:] in ".;:!?\"\u201d)"
            and (line[:1].isupper() or line[:1] in "\"\u201c("))


def _is_heading_line(text: str) -> bool:
    t = text.strip().strip("*#").strip()
    if not t or len(t) > _HEADING_MAX or t[-1] in ".:;,)" or ":" in t:
        return False
    if not (t[0].isupper() or t[0].isdigit()) or t.startswith(("\u201c", '"')):
        return False
    return len(t.split()) <= 9 and not re.search(r"[=]{3,}|[-]{3,}", t)


def _slug(text: str, limit: int = 5) -> str:
    words = re.findall(r"[a-z0-9]+", text.lower().replace("\u2019", "").replace("'", ""))
    return "-".join(words[:limit]) or "x"


def _run_in_heading(body: str) -> str:
    """The short heading that opens a clause ("Grant of Rights." or "**Trademarks**"), or ""."""
    body = body.strip().lstrip("*").strip()
    m = re.match(r"([A-Z][^.:\n]{0,70}?)(?:\*\*)?[.:](?:\s|$)", body)
    if m and len(m.group(1).split()) <= 8:
        return m.group(1).strip("* ")
    if len(body) <= _HEADING_MAX and "\n" not in body:
        return body.strip("*. ")
    return ""


def parse_clauses(doc_id: str, source: str) -> list[Clause]:
    """Parse `source` into clauses in document order; ids are unique and depend only on the text."""
    lines: list[tuple[int, str]] = []
    pos = 0
    for raw in source.splitlines(keepends=True):
        body = raw.rstrip("\r\n")
        lines.append((pos, body))
        pos += len(raw)

    long_lines = sum(1 for _, body in lines if len(body) > 100)
    unwrapped = long_lines > 0.05 * max(1, sum(1 for _, body in lines if body.strip()))
    root = _Node("root", "", -1, -1, 0, 0, True)
    stack: list[_Node] = []
    current: _Node | None = None
    blank_before = True
    numbered_seen = False

    def parent_of(node: _Node | None) -> _Node:
        return node if node is not None else root

    def attach(node: _Node, parent: _Node) -> None:
        node.parent = parent
        parent.children.append(node)

    for offset, line in lines:
        stripped = line.strip(" \t\u00a0\u200b")
        if not stripped or not stripped.strip("*#=_-\u2014 "):
            blank_before = True
            continue
        lead = len(line) - len(line.lstrip(" \t\u00a0\u200b"))
        start = offset + lead
        end = offset + len(line.rstrip(" \t\u00a0\u200b"))
        indent = _expand_indent(line)
        marker = _match_marker(line)
        is_def = marker is None and bool(_DEF_RE.match(line)) and bool(re.search(r"\bmeans?\b|\bshall mean\b", line[:220]))
        if marker is None and current is not None and not blank_before and not is_def:
            if _starts_unmarked_item(current, source[current.start:current.end], indent, unwrapped):
                # Items written one per line with no bullet character (Gemma 3.1, OpenAI's lists).
                if current.style == "paragraph" and current.indent == indent:
                    current.style = "bullet"
                node = _Node("bullet", "", indent, indent, start, end, heading_like=False)
                stack.pop()
                attach(node, parent_of(stack[-1] if stack else None))
                stack.append(node)
                current = node
                continue
            if unwrapped and _starts_new_paragraph(source[current.start:current.end], stripped):
                # One paragraph per line with no blank lines between (common in pasted contracts).
                node = _Node("paragraph", "", indent, indent, start, end, heading_like=False)
                while stack and not (stack[-1].indent < indent or (stack[-1].heading_like and stack[-1].indent <= indent)):
                    stack.pop()
                attach(node, parent_of(stack[-1] if stack else None))
                stack.append(node)
                current = node
                continue
            current.end = end  # hard-wrapped continuation of the open block
            current.heading_like = False
            continue
        blank_before = False
        if marker is not None:
            style, label, mend = marker
            style = _refine_alpha_roman(style, label, stack)
            text_col = indent + (mend - lead)
            body = line[mend:]
            node = _Node(style, label, indent, text_col, start, end,
                         heading_like=len(body.strip()) <= _HEADING_MAX)
            node.heading = _run_in_heading(body)
            parent = _place_marker(node, stack)
            if style != "bullet":
                numbered_seen = True
        else:
            kind = "paragraph"
            if _is_heading_line(stripped):
                kind = "heading"
            elif is_def:
                kind = "definition"
            node = _Node(kind, "", indent, indent, start, end, heading_like=(kind == "heading"))
            node.nests = numbered_seen
            if kind == "heading":
                node.heading = stripped.strip("*# ")
                while stack and stack[-1].style not in ("section",):
                    stack.pop()
                parent = stack[-1] if stack else None
            else:
                if kind == "definition":
                    node.heading = _DEF_RE.match(line).group(1).strip("* ")  # type: ignore[union-attr]
                while stack and not (stack[-1].indent < indent or (stack[-1].heading_like and stack[-1].indent <= indent)):
                    stack.pop()
                if kind == "definition":
                    while stack and stack[-1].style == "heading" and not stack[-1].nests:
                        stack.pop()
                parent = stack[-1] if stack else None
        attach(node, parent_of(parent))
        stack.append(node)
        current = node

    clauses: list[Clause] = []
    _assign_ids(doc_id, root, "", clauses, source)
    return clauses


def _place_marker(node: _Node, stack: list[_Node]) -> _Node | None:
    """Pop the stack to where `node` belongs and return its parent (None for top level)."""
    if node.style == "dotted":
        for i in range(len(stack) - 1, -1, -1):
            other = stack[i]
            if other.style == "dotted" and node.label.startswith(other.label + "."):
                del stack[i + 1:]
                return other
            if other.style == "dotted" and node.label.count(".") == other.label.count("."):
                del stack[i:]
                return stack[-1] if stack else None
            if other.style == "section" and node.label.split(".")[0] == other.label:
                del stack[i + 1:]
                return other
    if node.style == "section":
        del stack[:]
        return None
    same = [i for i in range(len(stack) - 1, -1, -1) if stack[i].style == node.style]
    near = [i for i in same if abs(stack[i].indent - node.indent) <= 1 or abs(stack[i].text_col - node.text_col) <= 1]
    follows = [i for i in same if _follows(stack[i], node)]
    pick = None
    if near and (node.style == "bullet" or not follows or near[0] in follows or stack[near[0]].indent <= node.indent):
        pick = near[0]
    elif follows:
        pick = follows[0]
    if pick is not None:
        del stack[pick:]
    else:
        # A new list one level down: close open paragraphs it does not belong to.
        while stack and stack[-1].style in ("paragraph", "definition") and stack[-1].indent >= node.indent:
            stack.pop()
    if node.style != "bullet":
        # Numbered clauses take their path from the numbering, not from an intro paragraph or a title line above them.
        while stack and (stack[-1].style in ("paragraph", "definition", "bullet")
                         or (stack[-1].style == "heading" and not stack[-1].nests)):
            stack.pop()
    return stack[-1] if stack else None


def _follows(prev: _Node, node: _Node) -> bool:
    a, b = _ordinal(prev.style, prev.label), _ordinal(node.style, node.label)
    return a is not None and b is not None and b == a + 1


def _assign_ids(doc_id: str, parent: _Node, parent_path: str, out: list[Clause], source: str,
                depth: int = 1, seen: set[str] | None = None) -> None:
    seen = set() if seen is None else seen
    counters: dict[str, int] = {}
    for child in parent.children:
        if child.style == "definition":
            base = "def-" + _slug(child.heading, 4)
        elif child.style == "heading":
            base = _slug(child.heading, 4)
        elif child.style in ("paragraph", "bullet"):
            prefix = "b" if child.style == "bullet" else "p"
            counters[prefix] = counters.get(prefix, 0) + 1
            base = f"{prefix}{counters[prefix]}"
        else:
            base = child.label.lower()
        path = f"{parent_path}.{base}" if parent_path else base
        if child.style == "dotted":
            # "1.1" under "Section 1" is written 1.1, not 1.1.1: the label already carries its parent's number.
            prefix = base.rsplit(".", 1)[0]
            if parent_path == prefix or parent_path.endswith("." + prefix):
                path = parent_path[: len(parent_path) - len(prefix)] + base
        unique, n = path, 2
        while unique in seen:
            unique = f"{path}-{n}"
            n += 1
        seen.add(unique)
        out.append(Clause(
            doc_id=doc_id,
            clause_id=f"{doc_id}:{unique}",
            path=unique,
            heading=child.heading,
            text=source[child.start:child.end],
            start=child.start,
            end=child.end,
            parent=f"{doc_id}:{parent_path}" if parent_path else None,
            depth=depth,
            kind=child.style,
        ))
        _assign_ids(doc_id, child, unique, out, source, depth + 1, seen)
