"""Vocabulary patterns compiled once, each with the literal words any match of it must contain.

The fact reader tries more than a thousand case-insensitive regular expressions on every question, and nearly all of
them fail. Most patterns need some literal text to match at all (`\\bmerg` needs "merg", `\\b(?:sue|suing)\\b` needs
"sue" or "suing"), so a substring test on the lowercased question rules a pattern out for a fraction of the cost of
running it. The test is only a necessary condition: a pattern that passes it is still run, exactly as before, so
what matches is unchanged. It is applied to ASCII text only, where a case-insensitive match of an ASCII letter means
the same letter in `str.lower()`; other text (where Unicode case folding adds equivalents such as the long s) runs
every pattern.
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


def _best(candidates: list[frozenset[str]]) -> frozenset[str] | None:
    """The most selective requirement: the one whose shortest alternative is longest, then the fewest alternatives."""
    if not candidates:
        return None
    return max(candidates, key=lambda alts: (min(len(a) for a in alts), -len(alts)))


def _required(items) -> frozenset[str] | None:
    """What a parsed sequence requires: a set of strings of which every match contains one, or None (nothing known)."""
    candidates: list[frozenset[str]] = []
    run: list[str] = []
    for op, av in items:
        if op is _c.LITERAL and av < 128:
            run.append(chr(av).lower())
            continue
        if run:
            candidates.append(frozenset(["".join(run)]))
            run = []
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
        # anything else (classes, anchors, lookarounds, optional parts, non-ASCII literals) requires nothing known
        if req:
            candidates.append(req)
    if run:
        candidates.append(frozenset(["".join(run)]))
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


@functools.lru_cache(maxsize=4096)
def vocabulary(patterns: tuple[str, ...]) -> tuple[tuple[tuple[str, ...] | None, re.Pattern[str]], ...]:
    """A list of patterns as (needles, regex) pairs, in order: what a reader loops over for every question."""
    return tuple((v.needles, v.regex) for v in map(vocab, patterns))


def lowered(text: str) -> str | None:
    """The text the needles are looked for in: lowercased ASCII text, or None (non-ASCII: run every pattern)."""
    return text.lower() if text.isascii() else None
