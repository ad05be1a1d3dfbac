"""Clause-by-clause comparison of two documents (two versions of a licence), with word-level highlighting.

Clauses are aligned by their path (`1.b.v`); clauses left over on both sides are then paired by text similarity
(a renumbered or re-titled clause), and the rest are added or removed. Highlighting escapes the document text first
(`ui.text.html_text`) and only then wraps the changed words in <del>/<ins> spans.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from ui.text import html_text

UNCHANGED, FORMATTING, CHANGED, MOVED, ADDED, REMOVED = ("unchanged", "formatting only", "changed", "renumbered",
                                                        "added", "removed")
ELSEWHERE = "moved to another document"
STATUSES = (CHANGED, REMOVED, ADDED, ELSEWHERE, MOVED, FORMATTING, UNCHANGED)
_TYPO = str.maketrans({"\u201c": '"', "\u201d": '"', "\u2018": "'", "\u2019": "'", "\u2013": "-", "\u2014": "-",
                       "\u00a0": " ", "*": None, "_": None, "#": None})
_TOKEN = re.compile(r"\s+|\w+|[^\w\s]", re.U)
PAIR_THRESHOLD = 0.6


@dataclass(frozen=True)
class Row:
    status: str
    old_path: str | None
    new_path: str | None
    old_text: str
    new_text: str
    similarity: float
    moved_to: str | None = None  # for ELSEWHERE: the clause id in the other document that now holds this text

    @property
    def path(self) -> str:
        if self.old_path and self.new_path and self.old_path != self.new_path:
            return f"{self.old_path} \u2192 {self.new_path}"
        return self.old_path or self.new_path or ""


def _norm(text: str) -> str:
    return " ".join(text.split())


def _plain(text: str) -> str:
    """Text without typography: curly quotes, dashes, markdown emphasis and line wrapping do not count."""
    return " ".join(text.translate(_TYPO).split())


def similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, _norm(a), _norm(b), autojunk=False).ratio()


def align(old_clauses, new_clauses, threshold: float = PAIR_THRESHOLD) -> list[Row]:
    """Rows in reading order: the old document's order, with added clauses placed after their predecessor."""
    old = list(old_clauses)
    new = list(new_clauses)
    new_by_path = {c.path: j for j, c in enumerate(new)}
    pair: dict[int, int] = {}
    for i, c in enumerate(old):
        j = new_by_path.get(c.path)
        if j is not None and j not in pair.values():
            pair[i] = j
    # Second pass: a clause whose path changed (renumbered, re-slugged heading) pairs with its most similar leftover.
    left_old = [i for i in range(len(old)) if i not in pair]
    taken = set(pair.values())
    left_new = [j for j in range(len(new)) if j not in taken]
    candidates = []
    for i in left_old:
        for j in left_new:
            a, b = _norm(old[i].text), _norm(new[j].text)
            if not a or not b or min(len(a), len(b)) / max(len(a), len(b)) < threshold:
                continue
            ratio = difflib.SequenceMatcher(None, a, b, autojunk=False).quick_ratio()
            if ratio >= threshold:
                candidates.append((ratio, i, j))
    for _, i, j in sorted(candidates, reverse=True):
        if i in pair or j in taken:
            continue
        if similarity(old[i].text, new[j].text) >= threshold:
            pair[i] = j
            taken.add(j)
    keyed: list[tuple[tuple, Row]] = []
    for i, c in enumerate(old):
        if i in pair:
            n = new[pair[i]]
            sim = 1.0 if c.text == n.text else similarity(c.text, n.text)
            if c.path != n.path:
                status = MOVED
            elif _norm(c.text) == _norm(n.text):
                status = UNCHANGED
            elif _plain(c.text) == _plain(n.text):
                status = FORMATTING
            else:
                status = CHANGED
            keyed.append(((i, 0, 0), Row(status, c.path, n.path, c.text, n.text, round(sim, 3))))
        else:
            keyed.append(((i, 0, 0), Row(REMOVED, c.path, None, c.text, "", 0.0)))
    new_to_old = {j: i for i, j in pair.items()}
    anchor = -1
    for j, n in enumerate(new):
        if j in new_to_old:
            anchor = new_to_old[j]
        else:
            keyed.append(((anchor, 1, j), Row(ADDED, None, n.path, "", n.text, 0.0)))
    return [row for _, row in sorted(keyed, key=lambda kv: kv[0])]


def companions(doc_id: str, family_docs: list[str], old_id: str) -> list[str]:
    """Where text leaving `old_id` may have gone when `doc_id` is the newer version: the family's documents of the
    same release ("llama-3.1-aup" beside "llama-3.1-license"), else every other document of the family."""
    stem = doc_id.rsplit("-", 1)[0]
    same_release = [d for d in family_docs if d not in (doc_id, old_id) and d.rsplit("-", 1)[0] == stem]
    return same_release or [d for d in family_docs if d not in (doc_id, old_id)]


def find_moved(rows: list[Row], other_clauses, threshold: float = PAIR_THRESHOLD) -> list[Row]:
    """Removed rows whose text now lives in another document (`other_clauses`: (clause_id, text) pairs) become
    ELSEWHERE rows naming the clause that holds it: the Llama 3 licence's appended use policy is the separate
    Llama 3.1 AUP, not 36 dropped prohibitions."""
    others = [(cid, _norm(text)) for cid, text in other_clauses if text.strip()]
    out = []
    for r in rows:
        if r.status != REMOVED or not others:
            out.append(r)
            continue
        a = _norm(r.old_text)
        best, best_id = 0.0, None
        for cid, b in others:
            if not a or min(len(a), len(b)) / max(len(a), len(b)) < threshold:
                continue
            m = difflib.SequenceMatcher(None, a, b, autojunk=False)
            if m.quick_ratio() < max(threshold, best):
                continue
            ratio = m.ratio()
            if ratio > best:
                best, best_id = ratio, cid
        if best_id is not None and best >= threshold:
            out.append(Row(ELSEWHERE, r.old_path, None, r.old_text, "", round(best, 3), best_id))
        else:
            out.append(r)
    return out


def word_diff_html(old: str, new: str) -> tuple[str, str]:
    """Escaped HTML for both sides, with removed words in <del> on the left and added words in <ins> on the right."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    left, right = [], []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        old_part, new_part = html_text("".join(a[i1:i2])), html_text("".join(b[j1:j2]))
        if op == "equal":
            left.append(old_part)
            right.append(new_part)
        else:
            if old_part:
                left.append(f"<del>{old_part}</del>")
            if new_part:
                right.append(f"<ins>{new_part}</ins>")
    return "".join(left), "".join(right)


def counts(rows: list[Row]) -> dict[str, int]:
    out = {s: 0 for s in STATUSES}
    for r in rows:
        out[r.status] += 1
    return out
