"""The figures a threshold reads: user counts and annual revenue, as people write them, and when each was true.

The family licences draw lines with numbers: Llama withholds its rights from a licensee above 700 million monthly
active users "on the ... version release date" (s.2), Qwen above 100 million monthly active users of a product or
service, Stability AI above USD 1,000,000 of annual revenue. A question states the figure in many ways: "140M MAU",
"140 million people use our app each month", "used by 2M people a month", "north of a billion monthly users",
"seven hundred million", "0.7B", "1.2bn", "$800k a year", "a company doing $30M", "far below a million dollars". It
also names the licence's own line ("the 700M rule", "Qwen's 100M-user clause"), which is the licence's figure, not
the user's, and it gives figures for several moments ("50M back then, past 700M this year", "projected 900M by 2027").

Llama's test is pinned to the release date of the version (the dates are the versions in corpus/sources.toml), so a
later or projected figure does not decide it; the other thresholds read the figure as it stands now, not a forecast.
Vocabulary is data here; the functions only combine it.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

_UNITS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
          "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
          "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_SCALES = {"k": 1e3, "thousand": 1e3, "m": 1e6, "mm": 1e6, "mn": 1e6, "mil": 1e6, "mill": 1e6, "million": 1e6,
           "millions": 1e6, "b": 1e9, "bn": 1e9, "billion": 1e9, "billions": 1e9}

_WORD_SMALL = r"(?:" + "|".join(sorted(_TENS, key=len, reverse=True)) + r")(?:[\s-](?:" + "|".join(
    k for k in _UNITS if k not in ("a", "an") and _UNITS[k] < 10) + r"))?|" + "|".join(sorted(_UNITS, key=len, reverse=True))
_WORDS = (r"(?:half an?|a half|a quarter of an?|"
          r"(?:" + _WORD_SMALL + r")(?:\s+hundred(?:\s+(?:and\s+)?(?:" + _WORD_SMALL + r"))?)?)\s+(?:thousand|million|billion)\b")
# A number: digits (with thousands separators or a decimal point) and a scale, or the number written in words.
NUMBER = re.compile(
    r"(?<![\w.,/-])(?P<digits>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)\s?(?P<scale>k|thousand|mm|mn|mil(?:l(?:ion)?s?)?|m|bn|b|billions?)?(?![\w])"
    r"|(?<![\w-])(?P<words>" + _WORDS + r")", re.I)

# Read before a figure: "over", "north of", "well under"; the line is crossed or not reached.
_MORE = re.compile(r"(?:\b(?:well|far|way|comfortably|slightly|just|a bit|somewhat|safely)\s+)?\b(?:over|above|more than|north of|upwards of|"
                   r"in excess of|beyond|past|greater than|exceed(?:s|ed|ing)?|surpass(?:es|ed|ing)?|pass(?:es|ed|ing)?|cross(?:es|ed|ing)?|topp(?:ed|ing)|"
                   r"go(?:es|ing)? over|went over|gone over|"
                   r"bigger than|larger than|higher than)\s+(?:about |around |roughly |approximately |some |~)?[$€£]?\s*$|>\s*$", re.I)
_LESS = re.compile(r"(?:\b(?:well|far|way|comfortably|slightly|just|a bit|safely)\s+)?\b(?:under|below|less than|fewer than|short of|south of|"
                   r"shy of|lower than|smaller than|beneath|not even)\s+(?:about |around |roughly |approximately |~)?[$€£]?\s*$|<\s*$", re.I)

# Who a user count counts. The strong nouns are counts of users whatever follows; the others ("140 million people")
# are a user count when the sentence also says they come each month or use the thing.
_STRONG_USERS = r"(?:(?:monthly|active|unique)[\s-]+){0,2}(?:users?|actives|maus?|mau)\b"
_WEAK_USERS = (r"(?:(?:monthly|active|unique|registered)[\s-]+){0,2}(?:people|persons|individuals|customers|subscribers|members|accounts|"
               r"cardholders|card holders|players|visitors|listeners|readers|viewers|consumers|shoppers|patients|students|"
               r"households|devices|fans|followers)\b")
# ... but not "2 million customer-support tickets" or "50k user prompts": a noun used as an adjective.
_NOT_A_COUNT = r"(?![\s-]+(?:support|service|tickets?|data|emails?|records?|chats?|conversations?|reviews?|prompts?|messages?|queries|requests?|" \
               r"feedback|comments?|posts?|interactions?|sessions?|logs?|questions?|complaints?|calls?|transcripts?|photos?|images?|uploads?|files?|accounts? of))"
_AFTER_USERS = re.compile(r"\+?\s*(?:['\"\u2018\u201c]\s*)?(?:(?:" + _STRONG_USERS + r")|(?P<weak>" + _WEAK_USERS + r"))" + _NOT_A_COUNT, re.I)
_MONTHLY = re.compile(r"\b(?:a|per|each|every|in a|in any)\s+(?:single\s+|given\s+|calendar\s+)?month\b|/\s*mo(?:nth)?\b|\bmonthly\b|\bmaus?\b|"
                      r"\bmonth(?:ly)? active\b|\bmonth after month\b|\bmonth to month\b", re.I)
_USES = re.compile(r"\b(?:use|uses|used|using|visit|visits|visited|log in|logs in|sign in|come|comes|engage|engages|active|sees?|saw|reach(?:es|ed)?|serves?|served)\b", re.I)

# The licence's own line, named rather than the user's figure: "the 700M rule", "Qwen's 100M-user clause", "caps you
# at 100M monthly users", "the $1M limit".
_THRESHOLD_AFTER = re.compile(r"^\s*\+?(?:[\s-]*(?:monthly|active|users?|mau|maus|people|user|revenue|dollars?|usd|a year|annual|"
                              r"['\"\u2019\u201d]|-))*[\s-]*(?:rule|clause|threshold|limit|cap|ceiling|test|restriction|line|bar|mark|"
                              r"trigger|provision|condition|requirement|exception|barrier|tier|figure in the licen[cs]e)\b", re.I)
_THRESHOLD_BEFORE = re.compile(r"(?:\bcaps? (?:you|users|companies|it|licensees|them)? ?at|\bthreshold (?:of|at|is|sits at)|\blimit (?:of|at|is)|\bcap (?:of|at|is)|"
                               r"\bceiling (?:of|at|is)|\bline (?:of|at|is)|\b(?:cut[\s-]?off|trigger) (?:of|at|is))\s*(?:about |around |~)?[$€£]?\s*$", re.I)
# A figure the user only supposes or expects ("if we cross 700M", "projected 900M by 2027") is not a fact of now.
_SUPPOSED = re.compile(r"\b(?:if|suppose|supposing|assuming|should we|whether|what if|in case)\b[^.;?!]{0,40}$|"
                       r"\b(?:projects?|projected|projections?|forecasts?|forecasted|expects?|expected|expecting|plans? to|hope to|"
                       r"aim(?:s|ing)? (?:to|for)|targets?|targeting|could|might|may|would|will)\b[^.;?!]{0,40}$", re.I)

# Money: a currency sign or word; revenue words around it say it is the business's income, not a price or a raise.
_CURRENCY_BEFORE = re.compile(r"(?:[$€£]|\bus\$|\busd|\beur|\bgbp)\s*$", re.I)
_CURRENCY_AFTER = re.compile(r"^\s*(?:(?:us |american )?dollars?|usd|euros?|eur|pounds?|gbp)\b", re.I)
_REVENUE_NEAR_BEFORE = re.compile(r"\b(?:revenue|revenues|turnover|sales|arr|income|earn\w*|mak(?:e|es|ing)|made|doing|does|did|"
                                  r"bring(?:s|ing)? in|brought in|gross(?:es|ed|ing)?|generat(?:e|es|ed|ing)|bill(?:s|ed|ing)|rak(?:e|es|ed|ing) in|"
                                  r"pull(?:s|ed|ing)? in|tak(?:e|es|ing) in|took in|top line|a year of|annual(?:ly)?)\b[^.;?!$€£\d]{0,40}$", re.I)
_REVENUE_NEAR_AFTER = re.compile(r"^\s*(?:(?:us |american )?dollars?|usd|euros?|eur)?\s*(?:\+\s*)?(?:(?:of|in|a|an|per|each|every)\s+)?(?:annual |yearly )?"
                                 r"(?:revenue|revenues|turnover|sales|arr|income|a year|per year|per annum|/\s*y(?:ea)?r|yearly|annual(?:ly)?|"
                                 r"(?:[\w-]+\s+){0,2}(?:company|business|firm|group|retailer|agency|studio|startup|corporation|conglomerate|buyer|"
                                 r"acquirer|saas|enterprise|bank|publisher|brand|shop|outfit|operation|organi[sz]ation))\b", re.I)
_PRICE = re.compile(r"^\s*(?:(?:us )?dollars?|usd|euros?)?\s*(?:per|a|/|each|every)\s*(?:month|mo|seat|user|image|token|call|request|licen[cs]e|hour|day|week)\b", re.I)
FUNDING = re.compile(r"\b(?:raised?|raising|fund(?:ing|ed|raise)|seed|pre-seed|series [a-e]|invest(?:ment|ors?|ed)|round|valuation|valued|"
                     r"grants?|loan|debt|bonus|salary|budget|spend|spent|cost|costs|price|priced|pay|paid|fine|damages)\b", re.I)


@dataclass(frozen=True)
class Figure:
    """One figure a question states: its value (a line crossed reads one more, a line not reached one less) and where."""

    value: int
    start: int
    end: int
    kind: str  # "users" or "money"
    when: str | None = None  # "release" (at the version release date), "later", "earlier", "future", or None: not said


def _word_value(words: str) -> float:
    low = re.sub(r"\s+", " ", words.lower().replace("-", " ")).strip()
    scale_word = low.rsplit(" ", 1)[-1]
    scale = _SCALES[scale_word]
    head = low[: -len(scale_word)].strip()
    if head.startswith("half"):
        return 0.5 * scale
    if head.startswith("a quarter"):
        return 0.25 * scale
    total, current = 0, 0
    for tok in head.replace(" and ", " ").split():
        if tok in _UNITS:
            current += _UNITS[tok]
        elif tok in _TENS:
            current += _TENS[tok]
        elif tok == "hundred":
            current = (current or 1) * 100
    total += current
    return (total or 1) * scale


def _numbers(text: str):
    for m in NUMBER.finditer(text):
        if m.group("words"):
            value = _word_value(m.group("words"))
            scaled = True
        else:
            digits = m.group("digits")
            scale = (m.group("scale") or "").lower()
            if scale == "m" and re.match(r"\s?m\s*(?:\^|²|2\b)", text[m.start("scale"):m.start("scale") + 3]):
                continue
            value = float(digits.replace(",", "")) * _SCALES.get(scale, 1)
            scaled = bool(scale) or "," in digits
        yield m, value, scaled


def _clause(text: str, start: int, end: int) -> tuple[int, int]:
    """The sentence around a span (a list item or a clause after a semicolon counts as one)."""
    left = max(text.rfind(c, 0, start) for c in ".;?!\n")
    rights = [i for i in (text.find(c, end) for c in ";?!\n") if i >= 0]
    dot = re.search(r"\.(?!\d)", text[end:])
    if dot:
        rights.append(end + dot.start())
    return left + 1, (min(rights) if rights else len(text))


def _bound(value: float, before: str) -> int:
    if _MORE.search(before):
        return int(value) + 1
    if _LESS.search(before):
        return int(value) - 1
    return int(value)


def _strip_quotes(text: str) -> str:
    """Licence text the question quotes ("... is greater than 700 million") is blanked out: its figures are the
    licence's, not the user's. Blanked, not removed, so positions stay those of the question."""
    return re.sub(r"[\"\u201c][^\"\u201c\u201d]{25,}[\"\u201d]", lambda m: " " * len(m.group(0)), text)


def names_threshold(text: str, start: int, end: int) -> bool:
    """The figure is the licence's line, named ("the 700M rule", "a 100M MAU cap"), not a figure of the user's."""
    return bool(_THRESHOLD_AFTER.match(text[end:end + 40]) or _THRESHOLD_BEFORE.search(text[max(0, start - 30):start]))


def user_figures(text: str) -> list[Figure]:
    """Every user count the question states, in order: "140M MAU", "140 million people use it each month", "used by
    2M people a month", "over a billion monthly users", and, once a question has given one such count, the further
    figures it gives without repeating the noun ("the group total is 760M", "other apps add 300M")."""
    text = _strip_quotes(text)
    found: list[Figure] = []
    bare: list[tuple[int, int, float]] = []
    for m, value, scaled in _numbers(text):
        start, end = m.span()
        before = text[max(0, start - 40):start]
        if _CURRENCY_BEFORE.search(before) or _CURRENCY_AFTER.match(text[end:end + 12]):
            continue
        if names_threshold(text, start, end):
            continue
        after = _AFTER_USERS.match(text[end:end + 60])
        c0, c1 = _clause(text, start, end)
        sentence = text[c0:c1]
        if after:
            if after.group("weak") and not (_MONTHLY.search(sentence) or re.search(r"\bactive\b", after.group(0), re.I)):
                continue
            if not scaled and value < 1000:
                continue
            found.append(Figure(_bound(value, before), start, end, "users"))
        elif re.match(r"\s*\+?\s*(?:a|per|each|every)\s+month\b|\s*\+?\s*monthly\b(?=\s*(?:[.,;:!?)]|$|and\b|but\b|across\b|in\b|since\b|on\b|for\b))",
                      text[end:end + 20], re.I) and value >= 1e5 and not re.search(r"revenue|\$|dollar|income|sales", sentence, re.I):
            found.append(Figure(_bound(value, before), start, end, "users"))
        elif scaled and value >= 1e6:
            bare.append((start, end, value))
    if found:
        for start, end, value in bare:
            before = text[max(0, start - 40):start]
            after = text[end:end + 40]
            # a figure of the same kind the question goes on giving: after a verb or a word of quantity, and followed
            # by nothing that says what else it counts ("70B parameters", "5M images")
            if not re.search(r"(?:\b(?:has|have|had|having|is|was|are|were|be|been|at|to|of|reach\w*|hit|hits|add|adds|added|adding|"
                             r"total\w*|count\w*|cross\w*|pass\w*|past|exceed\w*|over|above|beyond|about|around|roughly|approximately|"
                             r"nearly|almost|some|circa|more than|up to|sees?|saw|another|extra|grew to|grown to|gone past|went past|"
                             r"north of|upwards of|than)|[:~]|\b(?:\w+)\s*:)\s*$", before, re.I):
                continue
            if not re.match(r"\s*(?:\+|more\b|total\b|combined\b|between\b|across\b|together\b|altogether\b|in total\b|this\b|last\b|now\b|"
                            r"today\b|in\b|by\b|since\b|at\b|and\b|or\b|but\b|so\b|as\b|when\b|for\b|on\b|every\b|each\b|overall\b|"
                            r"group[\s-]wide\b|[.,;:!?)\u2014-]|$)", after, re.I):
                continue
            found.append(Figure(_bound(value, before), start, end, "users"))
        found.sort(key=lambda f: f.start)
    return found


def money_figures(text: str) -> list[Figure]:
    """Every annual revenue the question states in money: "$800k a year", "a $30M company", "a company doing $30M",
    "revenue of roughly $400k", "far below a million dollars". A price, a raise or a grant is not revenue, and
    neither is the licence's own cap ("the $1M limit") or an amount the question points back to ("the $5M")."""
    text = _strip_quotes(text)
    out: list[Figure] = []
    for m, value, scaled in _numbers(text):
        start, end = m.span()
        before = text[max(0, start - 45):start]
        after = text[end:end + 50]
        if not (_CURRENCY_BEFORE.search(before) or _CURRENCY_AFTER.match(after)):
            continue
        if not scaled and value < 1000:
            continue
        if names_threshold(text, start, end) or _PRICE.match(after) or re.search(r"\bthe\s*[$€£]?\s*$", before, re.I):
            continue
        local = re.split(r"[.;,?!]|\band\b|\bbut\b", before)[-1] + " " + re.split(r"[.;,?!]|\band\b|\bbut\b", after)[0]
        if FUNDING.search(local):
            continue
        bare = _CURRENCY_BEFORE.sub("", before)
        if not (_REVENUE_NEAR_BEFORE.search(bare) or _REVENUE_NEAR_AFTER.match(after) or
                re.search(r"\b(?:a|an)\s+(?:[\w-]+\s+)?$", bare)):
            continue
        out.append(Figure(_bound(value, bare), start, end, "money"))
    return out


# --- when a figure was true -------------------------------------------------------------------------------------

_MONTHS = {m: i + 1 for i, m in enumerate(("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))}
_MONTH_RE = r"(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
_DATE = re.compile(r"\b(?P<since>since (?:the )?|from (?:the )?|throughout (?:the )?|(?:in |for )?(?:every|each) (?:single )?month (?:of|in|since) (?:the )?|all of |all through )?"
                   r"(?:(?P<month>" + _MONTH_RE + r")\.?,? (?:of )?(?P<y1>20\d\d)|(?P<part>mid|early|late|end of|the end of|middle of|the middle of|start of|"
                   r"the start of|beginning of|the beginning of|first half of|second half of|h1|h2|q[1-4])[\s-]*(?:of )?(?P<y2>20\d\d)|(?P<y3>20\d\d)(?:-(?P<m3>\d\d))?)\b", re.I)
_PART_MONTH = {"mid": (5, 8), "middle of": (5, 8), "the middle of": (5, 8), "early": (1, 4), "start of": (1, 2), "the start of": (1, 2),
               "beginning of": (1, 2), "the beginning of": (1, 2), "late": (9, 12), "end of": (11, 12), "the end of": (11, 12),
               "first half of": (1, 6), "second half of": (7, 12), "h1": (1, 6), "h2": (7, 12), "q1": (1, 3), "q2": (4, 6), "q3": (7, 9), "q4": (10, 12)}
# The moment of the release, said without a date.
_AT_RELEASE = re.compile(r"\b(?:back then|at the time|at that time|at that point|then|at (?:the )?(?:release|launch)|on (?:the )?(?:\w+ )?release date|"
                         r"when (?:[\w.\s-]{0,40}?)(?:was |were |got |first )?(?:released|came out|launched|shipped|dropped|published)|"
                         r"(?:before|ahead of|just before|right before) (?:the |its )?(?:release|launch)|in the month before|when we (?:started|began|adopted|first)|"
                         r"at (?:the )?(?:outset|start)|originally|initially)\b", re.I)
# A figure of the present, said after the release or growth since.
_NOW = re.compile(r"\b(?:now|today|currently|these days|nowadays|this year|this month|this quarter|since then|lately|recently|at present|"
                  r"at the moment|right now|as of (?:today|now)|so far|by now|since (?:the|its) (?:release|launch)|has since|have since|"
                  r"(?:has|have|had) (?:since )?(?:grown|gone|climbed|risen|jumped|ballooned|shot up)|grew to|went past|gone past|"
                  r"(?:recent|latest|current) (?:figures?|numbers?|count|stats))\b", re.I)
# A figure of some earlier moment, said without a date.
_PAST = re.compile(r"\b(?:last year|a year ago|(?:two|three|\d+) years ago|(?:some )?months ago|previously|used to|in the past|at first|"
                   r"a while (?:ago|back)|back in the day|before that|earlier (?:this|last) year)\b", re.I)
_FUTURE = re.compile(r"\bby (?:20\d\d|next year|the end of)|\b(?:projects?|projected|projections?|forecasts?|forecasted|expects?|expected|"
                     r"plans? to|on track to|will|going to|could|might|eventually|someday|some day|at some point|in the future|next year|"
                     r"if we|suppose|supposing|once we|should we)\b", re.I)


@functools.lru_cache(maxsize=None)
def release_dates() -> dict[str, tuple[int, int]]:
    """(year, month) of each Llama licence version, from the dated versions in corpus/sources.toml: the date the
    version's s.2 user test is taken on."""
    from ingest.sources import load_manifest

    out = {}
    for spec in load_manifest().specs:
        m = re.fullmatch(r"(20\d\d)-(\d\d)-\d\d", str(spec.version))
        if m and spec.doc_id.startswith("llama-") and spec.doc_id.endswith("-license"):
            out[spec.doc_id] = (int(m.group(1)), int(m.group(2)))
    return out


def _months(y: int, m: int) -> int:
    return y * 12 + m - 1


def _date_when(m: re.Match, release: tuple[int, int]) -> str:
    """Where a stated date stands against a release: the test month (the month before release) falls in it or after."""
    test = _months(*release) - 1  # the "preceding calendar month" of the Llama test
    if m.group("y1"):
        month = _MONTHS[m.group("month")[:3].lower()]
        lo = hi = _months(int(m.group("y1")), month)
    elif m.group("y2"):
        a, b = _PART_MONTH[m.group("part").lower()]
        lo, hi = _months(int(m.group("y2")), a), _months(int(m.group("y2")), b)
    else:
        year = int(m.group("y3"))
        if m.group("m3"):
            lo = hi = _months(year, int(m.group("m3")))
        else:
            lo, hi = _months(year, 1), _months(year, 12)
    if m.group("since"):
        word = m.group("since").lower()
        hi = 10 ** 9 if re.search(r"\b(?:since|from)\b", word) else hi
    if lo > test + 1:
        return "later"
    if hi < test - 1:
        return "earlier"
    return "release"


def _when(text: str, fig: Figure, release: tuple[int, int] | None) -> str | None:
    """When the question says a figure was true, from the nearest time word in its sentence."""
    c0, c1 = _clause(text, fig.start, fig.end)
    before = text[c0:fig.start]
    if _SUPPOSED.search(before[-45:]) or re.search(r"\bby (?:20\d\d|next year)\b", text[fig.end:c1][:30], re.I):
        return "future"
    marks: list[tuple[int, str]] = []
    for rx, label in ((_AT_RELEASE, "release"), (_NOW, "later"), (_FUTURE, "future"), (_PAST, "earlier")):
        for m in rx.finditer(text, c0, c1):
            marks.append((m.start(), label))
    for m in _DATE.finditer(text, c0, c1):
        # the year of a model's name ("Llama 3.1 405B (2024)") is no date of a figure; only dates near it count
        marks.append((m.start(), _date_when(m, release) if release else "dated"))
    if not marks:
        return None
    centre = (fig.start + fig.end) // 2
    # A time word past a "but"/"and" that begins a new statement belongs to that statement.
    def distance(pos: int) -> int:
        lo, hi = sorted((pos, centre))
        between = text[lo:hi]
        penalty = 200 if re.search(r"\b(?:but|and|while|whereas|although)\b|[,:]\s+(?:and|but)\b", between) else 0
        return hi - lo + penalty
    pos, label = min(marks, key=lambda mk: distance(mk[0]))
    return label if distance(pos) < 200 else None


def timed(text: str, figures: list[Figure], documents: tuple[str, ...] | list[str]) -> list[Figure]:
    """The figures with when each was true. The release date is the first Llama licence version among the
    documents; with none, dates are not compared and only the words for now, then and later say when."""
    dates = release_dates()
    release = next((dates[d] for d in documents if d in dates), None)
    clean = _strip_quotes(text)
    return [Figure(f.value, f.start, f.end, f.kind, _when(clean, f, release)) for f in figures]


def decisive(figures: list[Figure], documents: tuple[str, ...] | list[str]) -> list[Figure]:
    """The figures a threshold reads. A test taken on the release date (Llama s.2) reads the figures true then, and
    not a later count or a forecast; the other tests read the figures of now, so an earlier count gives way to a
    current one. A forecast never decides a threshold while a stated figure exists, and figures given for different
    moments are never added together (that is for the figures of several companies, `scope.threshold_figure`)."""
    if len(figures) < 2:
        return figures
    at_release = any(d in release_dates() for d in documents)
    keep = [f for f in figures if f.when != "future"] or figures
    if at_release:
        kept = [f for f in keep if f.when not in ("later",)]
        if any(f.when == "release" for f in kept):
            kept = [f for f in kept if f.when != "earlier"]
        return kept or keep
    if any(f.when == "later" for f in keep) and any(f.when in ("release", "earlier") for f in keep):
        return [f for f in keep if f.when not in ("release", "earlier")]
    return keep


def user_phrases(text: str) -> list[tuple[int, int]]:
    """The spans that state a user count, from the figure to the end of what it counts ("50 million people were using
    our social app each month"): the product named there is named for its users, not as a deployment of the model."""
    out = []
    for f in user_figures(text):
        _, c1 = _clause(text, f.start, f.end)
        tail = text[f.end:c1]
        m = _MONTHLY.search(tail)
        if m and m.start() < 70 and not re.search(r"\b(?:and|but|while|so)\b", tail[:m.start()]):
            out.append((f.start, f.end + m.end()))
    return out


# --- how long a breach stood before it was put right (CC 4.0 s.6(b): reinstated automatically when cured within 30
# days of discovering the violation) --------------------------------------------------------------------------------

_COUNT_WORDS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
                "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
                "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "forty-five": 45,
                "sixty": 60, "ninety": 90, "a couple of": 2, "a few": 3, "several": 5, "a couple": 2}
_COUNT = r"(?P<n>\d{1,3}|" + "|".join(sorted((re.escape(k) for k in _COUNT_WORDS), key=len, reverse=True)) + r")"
_INTERVAL = _COUNT + r"[\s-]+(?:(?:full|whole|calendar|working|business)\s+)?(?P<unit>days?|weeks?|months?|years?)"
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}
_CURED = (r"(?:fix(?:ed|ing)?|cured?|corrected|remedied|rectified|restored|repaired|amended|re-?added|put (?:it|them|the [\w-]+) back|"
          r"(?:added|put|included|inserted) (?:back |in )?(?:the |our |a |an |proper |missing )?(?:[\w-]+ )?(?:credits?|attributions?|notices?|licen[cs]e(?: (?:file|text|notice))?|copyright(?: notice)?|author'?s? name)|"
          r"(?:sorted|cleaned) (?:it|this|that) (?:out|up)|(?:was|were|got|had been|been) (?:fixed|corrected|cured|restored|added|put right))")
_DISCOVERED = (r"\b(?:noticed|discovered|found out|found|learned|learnt|realised|realized|spotted|flagged|pointed (?:it |this |that )?out|"
               r"reported|told (?:us|me)|caught|notified|alerted|complained|discovery|forgot|forgotten|left out|omitted|missing|without (?:the |any )?"
               r"(?:credits?|attribution|notice)|breach|violation)\b")
_CURE_FORMS = [
    re.compile(r"\b" + _CURED + r"\b[^.;?]{0,60}?\b(?:within|after|in|inside|about|around|some)\s+" + _INTERVAL + r"\b", re.I),
    re.compile(r"\b" + _INTERVAL + r"\s+(?:later|afterwards?|on|after(?: that| this| discovery| we (?:noticed|found out|learned|realised|realized)| being told)?)\b[^.;?]{0,50}?\b" + _CURED + r"\b", re.I),
    re.compile(r"\b" + _CURED + r"\b[^.;?]{0,30}?\b" + _INTERVAL + r"\s+(?:after|later|from|of|following)\b", re.I),
    # discovered some time ago and put right now: the time since discovery is the delay ("noticed two weeks ago and has
    # now added the credits")
    re.compile(r"\b(?:noticed|discovered|found out|found|learned|learnt|realised|realized|spotted|caught|flagged|told (?:us|me))\b[^.;?]{0,30}?\b" + _INTERVAL
               + r"\s+ago\b[^.;?]{0,40}?\b(?:now|today|just|this week|yesterday|since then)\b[^.;?]{0,20}?\b" + _CURED + r"\b", re.I),
]


def cure_delay_days(text: str) -> int | None:
    """How many days after the violation was discovered it was put right ("eight days later we added the credits",
    "fixed it within two weeks", "it was fixed ten days after we noticed"), when the question says so; None otherwise."""
    if not re.search(_DISCOVERED, text, re.I):
        return None
    for rx in _CURE_FORMS:
        m = rx.search(text)
        if m:
            n = m.group("n").lower()
            count = int(n) if n.isdigit() else _COUNT_WORDS[n]
            return count * _UNIT_DAYS[m.group("unit").lower().rstrip("s")]
    return None
