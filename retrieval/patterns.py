"""Vocabulary patterns compiled once, each with the literal words any match of it must contain.

The fact reader tries more than a thousand case-insensitive regular expressions on every question, and nearly all of
them fail. Most patterns need some literal text to match at all (`\\bmerg` needs "merg", `\\b(?:sue|suing)\\b` needs
"sue" or "suing"), so a substring test on the lowercased question rules a pattern out for a fraction of the cost of
running it. The test is only a necessary condition: a pattern that passes it is still run, exactly as before, so
what matches is unchanged. It is applied to ASCII text only, where a case-insensitive match of an ASCII letter means
the same letter in `str.lower()`; other text (where Unicode case folding adds equivalents such as the long s) runs
every pattern.

Which needles a question contains is worked out once per text (`present`): every needle is filed under its first three
letters, and the text's own three-letter slices pick out the few worth a substring test. A list of patterns none of
whose needles is present is then ruled out by one set test, and a pattern by another.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

try:  # Python 3.11+
    from re import _constants as _c, _parser as _sre_parse
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants as _c  # type: ignore[no-redef]
    import sre_parse as _sre_parse  # type: ignore[no-redef]

_ZERO_WIDTH = {_c.AT, _c.ASSERT, _c.ASSERT_NOT}
_REPEATS = {_c.MAX_REPEAT, _c.MIN_REPEAT} | ({_c.POSSESSIVE_REPEAT} if hasattr(_c, "POSSESSIVE_REPEAT") else set())


@dataclass(frozen=True)
class Vocab:
    """One compiled pattern and `needles`: lowercase ASCII strings of which any match contains at least one (None when
    the pattern requires no literal text that could be read off it)."""

    regex: re.Pattern[str]
    needles: tuple[str, ...] | None

    def may_match(self, low: str | None) -> bool:
        """False only when the pattern cannot match: `low` is the lowercased text, or None to skip the test."""
        if low is None or self.needles is None:
            return True
        for needle in self.needles:
            if needle in low:
                return True
        return False


_MAX_ALTERNATIVES = 32  # a run of literal choices spelled out beyond this many strings is cut into shorter runs


def _best(candidates: list[frozenset[str]]) -> frozenset[str] | None:
    """The most selective requirement: the one whose shortest alternative is longest, then the fewest alternatives."""
    candidates = [c for c in candidates if c and all(c)]
    if not candidates:
        return None
    return max(candidates, key=lambda alts: (min(len(a) for a in alts), -len(alts)))


def _exact(op, av) -> frozenset[str] | None:
    """The strings an item can match when it matches one of finitely many ASCII strings (a literal, a small class
    of literals, an optional or alternative literal part), else None. The empty string stands for an optional part."""
    if op is _c.LITERAL:
        return frozenset([chr(av).lower()]) if av < 128 else None
    if op is _c.IN:
        if all(o is _c.LITERAL and a < 128 for o, a in av):
            return frozenset(chr(a).lower() for _, a in av)
        return None
    if op is _c.SUBPATTERN:
        return _exact_seq(av[-1].data)
    if op is _c.BRANCH:
        alts = [_exact_seq(branch.data) for branch in av[1]]
        return frozenset().union(*alts) if all(a is not None for a in alts) else None
    if op in _REPEATS and av[0] == 0 and av[1] == 1:
        inner = _exact_seq(av[2].data)
        return inner | {""} if inner is not None else None
    return None


def _exact_seq(items) -> frozenset[str] | None:
    out = frozenset([""])
    for op, av in items:
        if op in _ZERO_WIDTH:
            continue
        part = _exact(op, av)
        if part is None:
            return None
        out = frozenset(a + b for a in out for b in part)
        if len(out) > _MAX_ALTERNATIVES:
            return None
    return out


def _required(items) -> frozenset[str] | None:
    """What a parsed sequence requires: a set of strings of which every match contains one, or None (nothing known).

    Runs of consecutive items that each match one of a few literal strings are spelled out ("licen[cs]e" is "licence"
    or "license"); zero-width items (anchors, lookarounds) consume nothing, so a run goes on across them. A group,
    an alternation or a repeated part that is not literal contributes what it requires itself."""
    candidates: list[frozenset[str]] = []
    run = frozenset([""])

    def flush() -> None:
        nonlocal run
        if run != {""}:
            candidates.append(run)
        run = frozenset([""])

    for op, av in items:
        if op in _ZERO_WIDTH:
            continue
        part = _exact(op, av)
        if part is not None:
            joined = frozenset(a + b for a in run for b in part)
            if len(joined) > _MAX_ALTERNATIVES:
                flush()
                joined = part
            run = joined
            continue
        flush()
        req = None
        if op is _c.SUBPATTERN:
            req = _required(av[-1].data)
        elif op is getattr(_c, "ATOMIC_GROUP", None):
            req = _required(av.data)
        elif op is _c.BRANCH:
            alts = [_required(branch.data) for branch in av[1]]
            req = frozenset().union(*alts) if alts and all(alts) else None
        elif op in _REPEATS and av[0] >= 1:
            req = _required(av[2].data)
        # anything else (classes, wildcards, optional parts, non-ASCII literals) requires nothing known
        if req:
            candidates.append(req)
    flush()
    return _best(candidates)


def needles_of(pattern: str, flags: int = re.I) -> tuple[str, ...] | None:
    """The literal strings (lowercased) of which any match of `pattern` contains one; None when none is known."""
    try:
        parsed = _sre_parse.parse(pattern, flags)
    except Exception:  # noqa: BLE001 - re.compile reports a bad pattern itself
        return None
    req = _required(parsed.data)
    return tuple(sorted(req, key=lambda s: (-len(s), s))) if req else None


@functools.lru_cache(maxsize=None)
def vocab(pattern: str) -> Vocab:
    """`pattern` compiled case-insensitively, once per process, with its needles."""
    return Vocab(re.compile(pattern, re.I), needles_of(pattern))


@dataclass(frozen=True)
class Vocabulary:
    """A list of patterns as the reader loops over it: (needles, regex) pairs in order, every needle of the list, and
    whether some pattern has none (then the list can never be ruled out by its words)."""

    pairs: tuple[tuple[tuple[str, ...] | None, re.Pattern[str]], ...]
    words: frozenset[str]
    always: bool


@functools.lru_cache(maxsize=4096)
def vocabulary(patterns: tuple[str, ...]) -> Vocabulary:
    """The patterns compiled once, with their needles registered in the scan index."""
    pairs = tuple((v.needles, v.regex) for v in map(vocab, patterns))
    words = frozenset(n for needles, _ in pairs if needles for n in needles)
    register(words)
    return Vocabulary(pairs, words, any(needles is None for needles, _ in pairs))


# The scan index: every registered needle under its first three letters (shorter ones apart), so the needles present
# in a text are found from the text's own three-letter slices, a few hundred set and dict look-ups, instead of a
# substring search per needle. A scan records the index version it was made with and is redone after new needles.
_BY_GRAM: dict[str, list[str]] = {}
_SHORT: list[str] = []
_KNOWN: set[str] = set()
_VERSION = [0]
_SCANS: dict[str, tuple[int, frozenset[str]]] = {}
_MAX_SCANS = 16


def register(needles) -> None:
    """Add needles to the scan index (idempotent)."""
    new = [n for n in needles if n not in _KNOWN]
    if not new:
        return
    for n in new:
        _KNOWN.add(n)
        if len(n) >= 3:
            _BY_GRAM.setdefault(n[:3], []).append(n)
        else:
            _SHORT.append(n)
    _VERSION[0] += 1


def present(low: str) -> frozenset[str]:
    """Every registered needle that occurs in `low` (a lowercased text). A needle of three letters or more occurs only
    where the text has its first three letters, so looking those up finds all of them."""
    version = _VERSION[0]
    hit = _SCANS.get(low)
    if hit is not None and hit[0] == version:
        return hit[1]
    found = {n for n in _SHORT if n in low}
    for gram in {low[i:i + 3] for i in range(len(low) - 2)}:
        for n in _BY_GRAM.get(gram, ()):
            if n in low:
                found.add(n)
    out = frozenset(found)
    if len(_SCANS) >= _MAX_SCANS:
        _SCANS.clear()
    _SCANS[low] = (version, out)
    return out


def forget_scans() -> None:
    """Drop the remembered scans: a reader calls it when it starts on a new question, so no scan outlives the
    question it was made for (the texts of one question are scanned once each, however many lists are tried)."""
    _SCANS.clear()


def lowered(text: str) -> str | None:
    """The text the needles are looked for in: lowercased ASCII text, or None (non-ASCII: run every pattern)."""
    return text.lower() if text.isascii() else None
