"""Two versions of one document, clause by clause: what a clause became in the other version.

A clause's counterpart is the clause under the same number or, where the numbering moved, the one whose words are
closest (word-sequence similarity over the wording, the product names in which the two titles differ left out); it is
`present` (the same words), `changed` (with a word diff), or `removed` / `added` when there is none, and then the
clauses of the other version whose sentences take up its subject are named (Llama 3 s.1.b.v, the ban on improving
other models, has no counterpart in 3.1; its subject is taken up by the naming condition of s.1.b.i).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from ingest.clauses import Clause
from ingest.corpus import Corpus, Document
from ingest.sections import MARKER
from retrieval.citeform import pinpoint
from retrieval.compare import name_noise, substance

SAME = 0.6  # word-sequence similarity at which two clauses are the same provision, renumbered or reworded
SAME_NUMBER = 0.35  # ...and, under the same number with the same opening words, at this similarity
TAKEN_UP = 0.45  # a sentence of the other version this close to a removed clause takes up its subject
PRESENT, CHANGED, REMOVED, ADDED = "present", "changed", "removed", "added"
GENERIC_SUBJECTS = {"use", "definitions", "interpretation"}


@dataclass(frozen=True)
class VersionStatus:
    """One clause of one version against the other version."""

    clause_id: str  # the clause compared (in `from_doc`)
    from_doc: str
    to_doc: str
    status: str  # present | changed | removed | added
    counterpart: str | None  # the same provision in `to_doc`
    similarity: float
    diff: str = ""  # the words that changed: [-old words-] {+new words+}
    taken_up_by: tuple[str, ...] = ()  # for a removed clause: clauses of `to_doc` that take up its subject
    note: str = ""


def series(corpus: Corpus, doc_id: str) -> list[str]:
    """The versions of a document in the corpus, oldest first: same family and kind (the Llama licences 2 ... 4)."""
    spec = corpus.documents[doc_id].spec
    stem = _stem(doc_id)
    same = [d for d in corpus.documents.values()
            if d.spec.family == spec.family and d.spec.kind == spec.kind and d.spec.is_primary
            and version_label(d.spec.doc_id) is not None and _stem(d.spec.doc_id) == stem]
    if len(same) < 2 or version_label(doc_id) is None:
        return [doc_id]
    return [d.spec.doc_id for d in sorted(same, key=lambda d: d.spec.version)]


def _stem(doc_id: str) -> str:
    """The id without its version ("llama--license"): CC BY 4.0 and CC BY-SA 4.0 are two licences, not versions."""
    return re.sub(r"-[0-9]{1,4}(?:\.[0-9])?(?=-|$)", "-", doc_id, count=1)


def version_label(doc_id: str) -> str | None:
    m = re.search(r"-([0-9]{1,4}(?:\.[0-9])?)(?:-|$)", doc_id)
    return m.group(1) if m else None


def _words(text: str, noise: frozenset[str]) -> list[str]:
    text = MARKER.sub("", text, count=1).lower()  # the clause's own number is not its wording
    return substance(text, noise).split()


def _ratio(a: list[str], b: list[str], floor: float = 0.0) -> float:
    """Word-sequence similarity; below `floor` the cheap upper bounds answer 0 without the full comparison."""
    if not a or not b:
        return 0.0
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    if floor and (sm.real_quick_ratio() < floor or sm.quick_ratio() < floor):
        return 0.0
    return sm.ratio()


def similarity(a: str, b: str, noise: frozenset[str] = frozenset()) -> float:
    return _ratio(_words(a, noise), _words(b, noise))


def word_diff(old: str, new: str) -> str:
    """The words that differ, in place: unchanged runs kept, "[-removed-]" and "{+added+}" marked."""
    a, b = old.split(), new.split()
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b, autojunk=False).get_opcodes():
        if op == "equal":
            run = a[i1:i2]
            out.append(" ".join(run) if len(run) <= 8 else " ".join(run[:3]) + " ... " + " ".join(run[-3:]))
        else:
            if i2 > i1:
                out.append("[-" + " ".join(a[i1:i2]) + "-]")
            if j2 > j1:
                out.append("{+" + " ".join(b[j1:j2]) + "+}")
    return " ".join(out)


def _sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.;])\s+(?=[A-Z(\u201c\"])", " ".join(text.split())) if len(s.split()) >= 5]


def _operative(doc: Document) -> list[Clause]:
    """The clauses with words to compare; a policy printed inside a licence file (the Llama 3 AUP) is a document of
    its own, compared with the other version's policy, not with its licence."""
    inside = tuple(a.prefix for a in doc.appendices)
    return [c for c in doc.clauses if c.kind != "heading" and len(c.text.split()) >= 4
            and not any(c.path == p or c.path.startswith(p + ".") for p in inside)]


@dataclass(frozen=True)
class _Words:
    """One document's comparable clauses as word lists, whole and by sentence (built once per pair of titles)."""

    clauses: tuple[tuple[Clause, tuple[str, ...], tuple[tuple[str, ...], ...]], ...]


_WORDS_CACHE: dict[tuple[str, frozenset[str]], tuple[object, _Words]] = {}


def _doc_words(doc: Document, noise: frozenset[str]) -> _Words:
    key = (doc.spec.doc_id, noise)
    hit = _WORDS_CACHE.get(key)
    if hit and hit[0] is doc.clauses:
        return hit[1]
    rows = []
    for c in _operative(doc):
        whole = tuple(_words(c.text, noise))
        sents = tuple(tuple(_words(x, noise)) for x in _sentences(c.text)) or (whole,)
        rows.append((c, whole, sents))
    words = _Words(tuple(rows))
    if len(_WORDS_CACHE) > 256:
        _WORDS_CACHE.clear()
    _WORDS_CACHE[key] = (doc.clauses, words)
    return words


def compare_clause(corpus: Corpus, clause_id: str, to_doc: str, annotations=None) -> VersionStatus:
    """The named clause against another version: its counterpart by pinpoint, else by text; present, changed or
    removed (added when the clause is only in the newer version), with where a removed clause's subject went."""
    clause = corpus.clause(clause_id)
    src, dst = corpus.documents[clause.doc_id], corpus.documents[to_doc]
    noise = name_noise(src.spec.title, dst.spec.title)
    older = src.spec.version <= dst.spec.version
    mine = _words(clause.text, noise)
    other_words = _doc_words(dst, noise).clauses
    same_path = corpus.get(f"{to_doc}:{clause.path}")
    best, score = None, 0.0
    if same_path is not None:
        best, score = same_path, _ratio(mine, _words(same_path.text, noise))
    if score < SAME:
        for other, whole, _ in other_words:
            s = _ratio(mine, list(whole), max(score + 0.05, TAKEN_UP))
            if s > score + 0.05 or (best is None and s > score):
                best, score = other, s
    # Under the same number, a short clause that kept its first words is the same provision with new particulars
    # ("Last modified: April 1, 2024" and "... March 24, 2025").
    kept = best is same_path and same_path is not None and score >= SAME_NUMBER \
        and mine[:2] == _words(same_path.text, noise)[:2]
    if best is not None and (score >= SAME or kept):
        same = mine == _words(best.text, noise)
        status = PRESENT if same else CHANGED
        moved = "" if best.path == clause.path else f"numbered {best.path} there"
        diff = "" if clause.text.split() == best.text.split() else (
            word_diff(clause.text, best.text) if older else word_diff(best.text, clause.text))
        note = "only the product name or typography differs" if same and diff else moved
        return VersionStatus(clause_id, clause.doc_id, to_doc, status, best.clause_id, round(score, 3), diff, (),
                             "; ".join(n for n in (note, moved if note != moved else "") if n))
    # No counterpart: the subject may live on in another clause's sentence (a ban turned into a condition), or the
    # clause may have been split into clauses of its own or merged into a longer one (its sentences found elsewhere).
    subjects = _subjects(annotations, clause_id)
    own = [_words(x, noise) for x in _sentences(clause.text)] or [mine]
    found = [False] * len(own)
    taken: list[tuple[float, str]] = []
    for other, _, sents in other_words:
        shared = bool(subjects & _subjects(annotations, other.clause_id))
        floor = TAKEN_UP - 0.15 if shared else TAKEN_UP
        best_s = 0.0
        for i, words in enumerate(own):
            for sent in sents:
                r = _ratio(words, list(sent), floor)
                best_s = max(best_s, r)
                found[i] = found[i] or r >= SAME
        if best_s >= floor:
            taken.append((best_s, other.clause_id))
    taken_up = tuple(cid for _, cid in sorted(taken, reverse=True)[:3])
    n_found = sum(found)
    if n_found and taken_up:
        # The provision is there, reorganised.
        return VersionStatus(clause_id, clause.doc_id, to_doc, CHANGED, taken_up[0], round(score, 3), "", taken_up,
                             f"reorganised: {n_found} of its {len(own)} sentence(s) found in " + ", ".join(
                                 pin(corpus, c) for c in taken_up))
    status = REMOVED if older else ADDED
    note = (f"not in {dst.spec.title}" if older else f"new in {src.spec.title}; not in {dst.spec.title}")
    if taken_up:
        note += "; its subject is taken up in " + ", ".join(pin(corpus, c) for c in taken_up)
    return VersionStatus(clause_id, clause.doc_id, to_doc, status, None, round(score, 3), "", taken_up, note)


def _subjects(annotations, clause_id: str) -> set[str]:
    if annotations is None:
        return set()
    return {s for a in annotations.rows_for(clause_id) for s in a.acts_on} - GENERIC_SUBJECTS


def pin(corpus: Corpus, clause_id: str) -> str:
    clause = corpus.clause(clause_id)
    doc = corpus.documents[clause.doc_id]
    return f"{pinpoint(doc.clauses, clause, doc.text)} ({clause_id})"


def topic_statuses(corpus: Corpus, old: str, new: str, topics: tuple[str, ...], annotations=None) -> list[VersionStatus]:
    """Every clause of either version on the topics (by its annotation), compared with the other version; with no
    topic, every clause that differs."""
    out: list[VersionStatus] = []
    seen: set[str] = set()
    for doc_id, other in ((old, new), (new, old)):
        for c in _operative(corpus.documents[doc_id]):
            if c.clause_id in seen:
                continue
            subjects = _subjects(annotations, c.clause_id) | ({"definitions"} & {
                s for a in (annotations.rows_for(c.clause_id) if annotations else ()) for s in a.acts_on})
            if topics and not subjects & set(topics):
                continue
            st = compare_clause(corpus, c.clause_id, other, annotations)
            if st.counterpart:
                seen.add(st.counterpart)
            if doc_id == new and st.status != ADDED:
                continue  # a provision both versions have is reported once, from the older one
            if not topics and st.status == PRESENT:
                continue  # asked what changed, without a subject: only what did
            out.append(st)
    return out
