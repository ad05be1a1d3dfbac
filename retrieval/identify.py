"""Which licence is this file? ScanCode's licence matcher names the closest canonical licence, then our clause parser
compares the file with that canonical text clause by clause.

The verdict (`kind`) is one of: identical, formatting-only, modified, truncated, combined, rebranded, unknown. Changed
clauses that matter (a number such as a user threshold, a prohibition removed or added) come first.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import asdict, dataclass, field
from enum import Enum

from ingest.clauses import Clause, parse_clauses
from ingest.corpus import Corpus
from ingest.errors import ConfigError
from ingest.sources import load_manifest, scancode_licenses_dir, split_scancode

FILE_ID = "file"
# Texts the corpus loads from a local folder, not from ScanCode: the LicenseDB keys of the same documents.
LOCAL_SCANCODE_KEYS = {
    "llama-2-license-2023": "llama-2-license",
    "llama-3.1-license-2024": "llama-3.1-license",
    "llama-3.2-license-2024": "llama-3.2-license",
    "llama-3.3-license-2024": "llama-3.3-license",
    "llama-4-license-2025": "llama-4-license",
}
SIGNIFICANT_SHARE = 0.15  # a licence matched on less of the file than this is a mention, not a second licence
WHOLE_TOKENS = 120  # ... unless this many of its tokens match (a whole short licence such as MIT)
MIN_SCORE = 20.0  # below this share of the file matched (percent), the file is not a known licence
PAIR_SIMILARITY = 0.6
PROHIBITIVE = re.compile(r"\b(?:you (?:will|shall|must|may) not|must not|may not|shall not|prohibit\w*|not (?:be )?"
                         r"permitted|restrict\w*|only)\b", re.I)
_NUMBER = re.compile(r"\d[\d,.]*")
_WORD = re.compile(r"\S+")
# A name as it appears in running text: capitalised (Meta, Meta's, "Llama"), a model id (3.1, 8B), or an address
# built on one (LlamaUseReport@meta.com).
_NAME = re.compile(r"^[\"'(\u201c]*(?:[A-Z][\w.@/-]*|[\w.-]*\d[\w.-]*)(?:'s)?[\"')\u201d,.;:]*$")


class Kind(str, Enum):
    IDENTICAL = "identical"
    FORMATTING_ONLY = "formatting-only"
    MODIFIED = "modified"
    TRUNCATED = "truncated"
    COMBINED = "combined"
    REBRANDED = "rebranded"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class ClauseChange:
    clause_id: str  # the canonical clause (for added clauses: the file's, as file:<path>)
    status: str  # changed / added / removed
    reason: str  # why it matters, empty when it is a plain wording change
    diff: str  # word diff: [-removed words-] {+added words+}


@dataclass(frozen=True)
class Identification:
    match: str | None  # our doc id, else the ScanCode key
    scancode_key: str | None
    kind: str
    score: float  # percent of the file ScanCode matched to the licence (for a corpus text ScanCode lacks: words found in it)
    changed: tuple[str, ...]
    added: tuple[str, ...]
    removed: tuple[str, ...]
    details: tuple[ClauseChange, ...] = field(default=())
    licences: tuple[str, ...] = field(default=())  # every licence expression ScanCode found in the file
    note: str = ""

    def to_json(self) -> dict:
        return asdict(self)


# --- ScanCode --------------------------------------------------------------------------------------------------

class ScanCodeMatcher:
    """ScanCode's licensedcode index, loaded once (it takes tens of seconds the first time)."""

    def __init__(self):
        try:
            from licensedcode.cache import get_index
            from licensedcode.tokenize import query_tokenizer
        except Exception as exc:  # noqa: BLE001 - a broken scancode install raises many types at import
            raise ConfigError(f"ScanCode's licence matcher cannot be loaded ({type(exc).__name__}: {exc}). "
                              "Reinstall scancode-toolkit (pip install 'scancode-toolkit>=32' 'pluggy>=1.6,<1.7').") from exc
        self._index = get_index()
        self._tokens = query_tokenizer

    def shares(self, text: str) -> tuple[dict[str, float], dict[str, int]]:
        """Per licence expression, the share of the file's tokens ScanCode matched to it, and the count."""
        total = sum(1 for _ in self._tokens(text)) or 1
        matched: dict[str, set[int]] = {}
        for m in self._index.match(query_string=text):
            expression = m.rule.license_expression
            if expression.startswith(("unknown", "free-unknown")):
                continue
            matched.setdefault(expression, set()).update(m.qspan)
        return {e: len(span) / total for e, span in matched.items()}, {e: len(span) for e, span in matched.items()}


def scancode_text(key: str) -> str | None:
    folder = scancode_licenses_dir()
    path = folder / f"{key}.LICENSE" if folder else None
    if path is None or not path.is_file():
        return None
    return split_scancode(path.read_text(encoding="utf-8"))[1]


# --- comparison ------------------------------------------------------------------------------------------------

def normalise(text: str) -> str:
    """Text with formatting dropped: quotes and dashes unified, Markdown markers and line wrapping removed."""
    text = text.replace("\u201c", '"').replace("\u201d", '"').replace("\u2018", "'").replace("\u2019", "'")
    text = re.sub(r"[\u2013\u2014]", "-", text)
    # Markdown emphasis, headings, quotes, code fences and bullets, wherever re-wrapping has moved them
    text = re.sub(r"[*_#>`]+", " ", text)
    text = re.sub(r"(?:^|\s)[-+\u2022](?=\s)", " ", text)
    return " ".join(text.split())


def word_diff(old: str, new: str) -> str:
    a, b = normalise(old).split(), normalise(new).split()
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            out.append(" ".join(a[i1:i2]) if i2 - i1 <= 6 else " ".join(a[i1:i1 + 3]) + " ... " + " ".join(a[i2 - 3:i2]))
            continue
        if i2 > i1:
            out.append("[-" + " ".join(a[i1:i2]) + "-]")
        if j2 > j1:
            out.append("{+" + " ".join(b[j1:j2]) + "+}")
    return " ".join(out)


def _replaced_words(old: str, new: str) -> list[tuple[list[str], list[str]]]:
    a, b = normalise(old).split(), normalise(new).split()
    return [(a[i1:i2], b[j1:j2]) for op, i1, i2, j1, j2 in
            difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes() if op != "equal"]


def _only_names_changed(pairs: list[tuple[str, str]]) -> bool:
    """Every edit swaps one name for another (capitalised words or model ids), nothing else."""
    edits = [e for old, new in pairs for e in _replaced_words(old, new)]
    return bool(edits) and all(old and new and all(_NAME.match(w) for w in old + new) and not _numbers_differ(
        " ".join(old), " ".join(new), names_ok=True) for old, new in edits)


def _numbers_differ(old: str, new: str, names_ok: bool = False) -> bool:
    strip = (lambda s: re.sub(r"\b[A-Za-z][\w.-]*\d[\w.-]*\b", "", s)) if names_ok else (lambda s: s)
    return sorted(_NUMBER.findall(strip(old))) != sorted(_NUMBER.findall(strip(new)))


def _reason(status: str, old: str, new: str) -> str:
    """Why a change matters, or '' for a wording change."""
    if status == "removed":
        return "a prohibition or restriction removed" if PROHIBITIVE.search(old) else ""
    if status == "added":
        return "a restriction added" if PROHIBITIVE.search(new) else ""
    if _numbers_differ(old, new):
        return "a number changed (" + ", ".join(_NUMBER.findall(old)) + " -> " + ", ".join(_NUMBER.findall(new)) + ")"
    before, after = len(PROHIBITIVE.findall(old)), len(PROHIBITIVE.findall(new))
    if after < before:
        return "a prohibition or restriction removed"
    if after > before:
        return "a restriction added"
    return ""


def _words(text: str) -> set[str]:
    return set(normalise(text).lower().split())


def closeness(text: str, canonical: str) -> tuple[float, float]:
    """(share of the file's words in the canonical text, rounded; words shared over all words)."""
    wa, wb = _words(text), _words(canonical)
    if not wa or not wb:
        return 0.0, 0.0
    return round(len(wa & wb) / len(wa), 2), len(wa & wb) / len(wa | wb)


def _similar(a: str, b: str) -> float:
    wa, wb = _words(a), _words(b)
    return len(wa & wb) / len(wa | wb) if wa | wb else 1.0


def align(canonical: list[Clause], candidate: list[Clause]) -> tuple[list[tuple[Clause, Clause]], list[Clause], list[Clause]]:
    """Pairs of (canonical, candidate) clauses, then the unpaired of each: first by pinpoint path, then the rest by
    word overlap (a renumbered clause still pairs with its original)."""
    by_path = {c.path: c for c in candidate}
    pairs, left = [], []
    used: set[str] = set()
    for c in canonical:
        other = by_path.get(c.path)
        if other is not None and other.path not in used and _similar(c.text, other.text) >= PAIR_SIMILARITY / 2:
            pairs.append((c, other))
            used.add(other.path)
        else:
            left.append(c)
    rest = [c for c in candidate if c.path not in used]
    unmatched_canonical = []
    for c in left:
        best = max(rest, key=lambda o: _similar(c.text, o.text), default=None)
        if best is not None and _similar(c.text, best.text) >= PAIR_SIMILARITY:
            pairs.append((c, best))
            rest.remove(best)
        else:
            unmatched_canonical.append(c)
    order = {c.clause_id: i for i, c in enumerate(canonical)}
    pairs.sort(key=lambda p: order[p[0].clause_id])
    return pairs, unmatched_canonical, rest


def _leaves(clauses: list[Clause]) -> list[Clause]:
    """Clauses whose text is not just the sum of their children (headings with sub-clauses would count twice)."""
    parents = {c.parent for c in clauses if c.parent}
    return [c for c in clauses if c.clause_id not in parents and c.text.strip()]


# --- the whole identification -------------------------------------------------------------------------------------

class Identifier:
    def __init__(self, corpus: Corpus, matcher: ScanCodeMatcher | None = None):
        self.corpus = corpus
        self.matcher = matcher or ScanCodeMatcher()
        manifest = load_manifest()
        self._key_to_doc = dict(LOCAL_SCANCODE_KEYS)
        for doc_id in manifest.ids():
            spec = manifest.get(doc_id)
            if spec.source.startswith("scancode:"):
                self._key_to_doc[spec.source.split(":", 1)[1]] = doc_id

    def _canonical(self, key: str) -> tuple[str | None, str | None]:
        doc_id = self._key_to_doc.get(key)
        if doc_id and doc_id in self.corpus.documents:
            return doc_id, self.corpus.documents[doc_id].text
        return None, scancode_text(key)

    def _closest_in_corpus(self, text: str, family_of: str | None) -> tuple[str | None, tuple[float, float]]:
        """Our document closest to `text` (a licence ScanCode lacks, such as Llama 3, still has one): most of the
        file's words found in it (so a truncated copy still points at its whole), then most words shared overall."""
        best, best_score = None, (0.0, 0.0)
        for doc_id, doc in self.corpus.documents.items():
            if not doc.spec.is_primary or (family_of and doc.spec.family != family_of):
                continue
            score = closeness(text, doc.text)
            if score > best_score:
                best, best_score = doc_id, score
        return best, best_score

    def identify(self, text: str) -> Identification:
        if not text.strip():
            raise ConfigError("The file is empty; give the licence text to identify.")
        shares, counts = self.matcher.shares(text)
        # A licence counts when it covers a good part of the file or is there whole (MIT beside Apache is short).
        significant = sorted((e for e, s in shares.items() if s >= SIGNIFICANT_SHARE or counts[e] >= WHOLE_TOKENS),
                             key=lambda e: -shares[e])
        # Versions of one licence matched piece by piece (Llama 3.1 and Llama 4 for a Llama 3 text) are one licence,
        # not a combination: keys are compared without their version and date parts.
        families = list(dict.fromkeys("-".join(p for p in e.split("-") if not re.search(r"\d", p)) for e in significant))
        licences = tuple(sorted(shares, key=lambda e: -shares[e]))
        key = significant[0] if significant else (licences[0] if licences else None)
        score = round(100 * shares.get(key, 0.0), 1) if key else 0.0
        doc_id, canonical = self._canonical(key) if key and " " not in key else (None, None)
        # ScanCode names a neighbour when our corpus holds the exact version (Llama 3 has no LicenseDB entry): the
        # closest of our documents in the same family is the better canonical text when it is closer.
        family = self.corpus.documents[doc_id].spec.family if doc_id else None
        if family is None and key and key.startswith("llama"):
            family = "llama"
        near, near_score = self._closest_in_corpus(text, family if score >= MIN_SCORE else None)
        near_ok = near is not None and near_score[0] >= 0.8 and near_score[1] >= 0.3
        if near_ok and (canonical is None or near_score > closeness(text, canonical)):
            if near != doc_id:
                # the score then says how much of the file is found in the corpus text ScanCode did not name
                score = round(100 * near_score[0], 1)
            doc_id, canonical = near, self.corpus.documents[near].text
        if canonical is None or (score < MIN_SCORE and not near_ok):
            return Identification(None, key, Kind.UNKNOWN.value, score, (), (), (), (), licences,
                                  "No licence in ScanCode's LicenseDB or the corpus matches most of this file.")
        match = doc_id or key
        if text.strip() == canonical.strip():
            return Identification(match, key, Kind.IDENTICAL.value, score, (), (), (), (), licences)
        if normalise(text) == normalise(canonical):
            return Identification(match, key, Kind.FORMATTING_ONLY.value, score, (), (), (), (), licences,
                                  "Only whitespace, line wrapping, quote marks or Markdown markers differ.")
        cid = doc_id or key
        canon_clauses = _leaves(parse_clauses(cid, canonical))
        file_clauses = _leaves(parse_clauses(FILE_ID, text))
        pairs, removed, added = align(canon_clauses, file_clauses)
        changed = [(a, b) for a, b in pairs if normalise(a.text) != normalise(b.text)]
        details = [ClauseChange(a.clause_id, "changed", _reason("changed", a.text, b.text), word_diff(a.text, b.text))
                   for a, b in changed]
        details += [ClauseChange(c.clause_id, "removed", _reason("removed", c.text, ""), word_diff(c.text, ""))
                    for c in removed]
        details += [ClauseChange(c.clause_id, "added", _reason("added", "", c.text), word_diff("", c.text))
                    for c in added]
        details.sort(key=lambda d: not d.reason)  # the changes that matter first, each group in document order
        kind = self._kind(families, pairs, changed, removed, added, canon_clauses, text)
        note = {Kind.COMBINED: "The file holds more than one licence or policy: " + ", ".join(significant or [match]),
                Kind.TRUNCATED: f"The file stops before the end of {match}: its last {len(removed)} clauses are missing.",
                Kind.REBRANDED: "Names differ (licensor, product), the terms are the same."}.get(kind, "")
        return Identification(match, key, kind.value, score, tuple(d.clause_id for d in details if d.status == "changed"),
                              tuple(d.clause_id for d in details if d.status == "added"),
                              tuple(d.clause_id for d in details if d.status == "removed"), tuple(details), licences, note)

    def _kind(self, families, pairs, changed, removed, added, canon_clauses, text) -> Kind:
        if len(families) > 1:
            return Kind.COMBINED
        added_chars = sum(len(c.text) for c in added)
        if added and added_chars > 0.1 * len(text) and self._belongs_elsewhere(added):
            return Kind.COMBINED
        if removed and not added and len(changed) <= 1:
            order = {c.clause_id: i for i, c in enumerate(canon_clauses)}
            last_kept = max((order[a.clause_id] for a, _ in pairs), default=-1)
            tail = all(order[c.clause_id] > last_kept for c in removed)
            cut_last = not changed or order[changed[0][0].clause_id] == last_kept
            if tail and cut_last:
                return Kind.TRUNCATED
        if changed and not removed and not added and _only_names_changed([(a.text, b.text) for a, b in changed]):
            return Kind.REBRANDED
        return Kind.MODIFIED

    def _belongs_elsewhere(self, added: list[Clause]) -> bool:
        """Most of the added text is clauses of another document of the corpus (a licence with its use policy)."""
        texts = {normalise(c.text) for doc in self.corpus.documents.values() for c in doc.clauses}
        found = sum(len(c.text) for c in added if normalise(c.text) in texts)
        return found >= 0.6 * sum(len(c.text) for c in added)
