"""Which language a question is in, and a reading of it the scenario reader understands.

The reader's patterns are English. A question in a language with a glossary (`corpus/glossary.toml`) is read as a word
by word English rendering: each known term is replaced where it stands by the English words it means, so a negation
stays in front of what it negates ("nicht veröffentlichen" is "not publish") and a name stays next to what is said
about it. Words the glossary does not know (model names, figures, quoted names) are left as they are. A question in
any other language is reported as unsupported, so the answer says so instead of guessing from the few model names it
can still recognise.

How a glossary is applied:
- one pass, left to right; at each position the longest term wins and its words are consumed, so a shorter term never
  reads inside a longer one ("sans rien vendre" is "not selling anything", never also "sell"; 不同 is "different", not
  "not" + 同);
- in languages written with spaces a term matches whole words only, and a key ending in `*` is a stem that matches any
  ending ("veröffentlich*" for veröffentlichen, veröffentlicht, Veröffentlichung);
- `keep` words are matched with their case and left alone (German "mit" is "with", "MIT" stays the licence);
- `scales` are the language's words for thousand, million, billion (and 万, 亿 ...): "700 Mio." is "700 million",
  "1,5 millones" "1.5 million", "1.3亿" "130 million";
- `negation_after` (Japanese) is a negation that follows its verb: 公開しない is "not publish";
- `rewrites` are regular expressions for a word order the English reader cannot follow ("「X」という名前" is
  `named "X"`).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ingest.errors import ConfigError
from ingest.settings import CORPUS_DIR
from ingest.tomlfile import read_toml

GLOSSARY = CORPUS_DIR / "glossary.toml"
_WORDS = re.compile(r"[^\W\d_]+", re.UNICODE)
_HAN = re.compile(r"[\u4e00-\u9fff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_OTHER_SCRIPTS = re.compile(r"[\u0400-\u04ff\u0600-\u06ff\u0590-\u05ff\u0900-\u097f\u0e00-\u0e7f]")
_ENGLISH = set("the and is are we our can to of for with my i it this that use do does under may what".split())
# Quotation marks of other languages, to the plain ones the reader's name patterns expect.
_QUOTES = str.maketrans({"«": '"', "»": '"', "„": '"', "‚": "'", "「": '"', "」": '"', "『": '"', "』": '"', "《": '"', "》": '"',
                         "〈": '"', "〉": '"', "‹": "'", "›": "'", "\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
_SCRIPT_EDGE = re.compile(r"(?<=[A-Za-z0-9._\-])(?=[\u3040-\u30ff\u4e00-\u9fff])|(?<=[\u3040-\u30ff\u4e00-\u9fff])(?=[A-Za-z0-9])")


def _space_scripts(text: str) -> str:
    """A Latin name or figure glued to Chinese or Japanese ("Llama-3.1-8Bを", "EUに") as a word of its own."""
    return _SCRIPT_EDGE.sub(" ", text)


_PINPOINT = re.compile(r"(?<![\w.])(?:s\.\s?)?\d+(?:\.\d+)*(?:\.[a-z]{1,4})+(?![\w.])|(?<![\w.])\d+(?:\.\d+)*\([a-z0-9]{1,4}\)", re.I)
_QUOTED = re.compile(r'"[^"\n]{2,160}"|(?<!\w)\'[^\'\n]{2,80}\'(?!\w)')


def _name_or_english(inside: str) -> bool:
    # a name has a capital or a digit and a few words; a quotation of the licence has English words in it
    words = _WORDS.findall(inside)
    return (len(words) <= 4 and bool(re.search(r"[A-Z0-9]", inside))) or sum(w.lower() in _ENGLISH for w in words) >= 2


_CJK_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_CJK_UNITS = {"十": 10, "百": 100, "千": 1000}


@dataclass(frozen=True)
class Reading:
    language: str  # "en", a glossary key, or a best guess such as "ko" / "other"
    name: str
    supported: bool
    text: str  # what the scenario reader parses


@dataclass(frozen=True)
class Language:
    code: str
    name: str
    script: str
    markers: frozenset[str]
    terms: tuple[tuple[str, str], ...]  # longest first; a key ending in "*" is a stem
    keep: tuple[str, ...] = ()
    scales: tuple[tuple[str, float], ...] = ()
    negation_after: str = ""
    rewrites: tuple[tuple[str, str], ...] = ()
    after: tuple[tuple[str, str], ...] = ()  # rewrites of the English rendering (a figure after the noun it counts)

    @property
    def spaced(self) -> bool:
        return self.script not in ("han", "kana")


def _key_length(term: str) -> int:
    return len(term.rstrip("*"))


@lru_cache(maxsize=2)
def load_glossary(path: Path | None = None) -> tuple[Language, ...]:
    path = path or GLOSSARY
    data = read_toml(path, "The glossary")
    out = []
    for code, row in data.items():
        if not isinstance(row, dict):
            raise ConfigError(f"The glossary {path} has a top-level key {code!r} that is not a language table.")
        spaced = row.get("script", "latin") not in ("han", "kana")
        terms = {}
        for k, v in row.get("terms", {}).items():
            k = unicodedata.normalize("NFKC", k).lower()
            terms[k if spaced else _space_scripts(k)] = v
        # longest first; at the same length a whole word before a stem
        ordered = tuple(sorted(terms.items(), key=lambda kv: (-_key_length(kv[0]), kv[0].endswith("*"))))
        scales = tuple(sorted(((unicodedata.normalize("NFKC", k).lower(), float(v)) for k, v in row.get("scales", {}).items()),
                              key=lambda kv: -len(kv[0])))
        out.append(Language(code, row.get("name", code), row.get("script", "latin"),
                            frozenset(w.lower() for w in row.get("markers", ())), ordered,
                            tuple(row.get("keep", ())), scales, row.get("negation_after", ""),
                            tuple((r[0], r[1]) for r in row.get("rewrites", ())),
                            tuple((r[0], r[1]) for r in row.get("after", ()))))
    return tuple(out)


def _detect(text: str, languages: tuple[Language, ...]) -> tuple[str, str]:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return "en", "English"
    cjk = len(_HAN.findall(text)) + len(_KANA.findall(text))
    if len(_HANGUL.findall(text)) > 0.2 * len(letters):
        return "ko", "Korean"
    if len(_OTHER_SCRIPTS.findall(text)) > 0.2 * len(letters):
        return "other", "a language written in a script the reader does not handle"
    if cjk >= 3 and cjk > 0.15 * len(letters):
        script = "kana" if _KANA.search(text) else "han"
        lang = next((l for l in languages if l.script == script), None)
        return (lang.code, lang.name) if lang else ("other", "an unsupported language")
    words = [w.lower() for w in _WORDS.findall(text)]
    english = sum(w in _ENGLISH for w in words)
    hits = {l.code: sum(w in l.markers for w in words) for l in languages}
    if not any(hits.values()) or max(hits.values()) < 2 or max(hits.values()) <= english:
        return "en", "English"
    # Which of the languages: a marker several languages share ("de", "en", "con") counts for each of them in part, and
    # the letters only one of them writes (¿ ñ for Spanish, ã õ for Portuguese) count too.
    sharing: dict[str, int] = {}
    for l in languages:
        for w in l.markers:
            sharing[w] = sharing.get(w, 0) + 1
    letters_of = {"es": "¿¡ñ", "pt": "ãõ", "fr": "œçèêëû", "de": "äöüß", "it": "ìò"}

    def weight(l: Language) -> float:
        marks = sum(1 / sharing[w] for w in words if w in l.markers)
        return marks + 0.5 * sum(text.count(c) for c in letters_of.get(l.code, ""))
    best = max((l for l in languages if hits[l.code]), key=weight)
    return best.code, best.name


def _cjk_number(token: str) -> float | None:
    """A figure written with digits or with Chinese numerals (一, 十二, 三百, 两千)."""
    if re.fullmatch(r"\d+(?:\.\d+)?", token):
        return float(token)
    total, digit = 0, None
    for ch in token:
        if ch in _CJK_DIGITS:
            digit = _CJK_DIGITS[ch]
        elif ch in _CJK_UNITS:
            total += (digit if digit is not None else 1) * _CJK_UNITS[ch]
            digit = None
        else:
            return None
    return float(total + (digit or 0))


def _latin_number(token: str) -> float:
    """1.300 / 1 300 / 1,300 are thousands, 1,5 / 1.5 a decimal: a separator followed by exactly three digits groups."""
    token = re.sub(r"[\s\u00a0\u202f]", "", token)
    parts = re.split(r"[.,]", token)
    if len(parts) > 1 and all(len(p) == 3 for p in parts[1:]):
        return float("".join(parts))
    if len(parts) == 2:
        return float(parts[0] + "." + parts[1])
    return float(re.sub(r"[.,]", "", token))


def _english_figure(value: float) -> str:
    for factor, word in ((1e9, " billion"), (1e6, " million"), (1e3, "k")):
        if value >= factor:
            return f"{value / factor:g}{word}"
    return f"{value:g}"


@lru_cache(maxsize=16)
def _figures(lang: Language) -> re.Pattern[str] | None:
    if not lang.scales:
        return None
    words = "|".join(re.escape(w) for w, _ in lang.scales)
    if lang.spaced:
        return re.compile(rf"(?<![\w.,])(\d{{1,3}}(?:[.,\s\u00a0\u202f]\d{{3}})+|\d+(?:[.,]\d+)?)\s*({words})(?!\w)"
                          rf"(?:\s+(?:de|di|of)(?=\s)|\s*d')?", re.I)
    return re.compile(rf"(\d+(?:\.\d+)?|[零〇一二两兩三四五六七八九十百千]+)\s*({words})")


@lru_cache(maxsize=16)
def _kept(lang: Language) -> re.Pattern[str]:
    # an all-capitals word keeps its case (German "mit" is "with", "MIT" the licence); any other is matched in any case
    words = [rf"(?-i:{re.escape(w)})" if w.isupper() else re.escape(w) for w in sorted(lang.keep, key=len, reverse=True)]
    body = "|".join(words)
    return re.compile(rf"(?<!\w)(?:{body})(?!\w)" if lang.spaced else body, re.I)


@lru_cache(maxsize=16)
def _terms(lang: Language) -> tuple[re.Pattern[str], dict[str, str], tuple[tuple[str, str], ...]]:
    alts = []
    for term, _ in lang.terms:
        stem = term.endswith("*")
        body = re.escape(term.rstrip("*"))
        if lang.spaced:
            # an elided article or negation ("l'", "n'") is glued to the next word
            if stem:
                body = rf"(?<!\w){body}\w*"
            elif term.endswith("'"):
                body = rf"(?<!\w){body}"
            elif len(term) <= 2:
                # a one- or two-letter word is no part of "e-mail", "s.1.b" or "l'IA"
                body = rf"(?<![\w\-.']){body}(?![\w\-.'])"
            else:
                body = rf"(?<!\w){body}(?!\w)"
        alts.append(body)
    alternation = "|".join(alts)
    negation = f"(?P<neg>{lang.negation_after})?" if lang.negation_after else ""
    regex = re.compile(rf"(?P<term>{alternation}){negation}", re.I)
    exact = {t: e for t, e in lang.terms if not t.endswith("*")}
    stems = tuple((t[:-1], e) for t, e in lang.terms if t.endswith("*"))
    return regex, exact, stems


def _gloss(word: str, exact: dict[str, str], stems: tuple[tuple[str, str], ...]) -> str | None:
    low = word.lower()
    if low in exact:
        return exact[low]
    return next((e for s, e in stems if low.startswith(s)), None)


def translate(text: str, lang: Language) -> str:
    """The question with every glossary term replaced in place by its English words (see the module docstring)."""
    text = re.sub(r"«\s*", "«", re.sub(r"\s*»", "»", unicodedata.normalize("NFKC", text))).translate(_QUOTES)
    # Words kept as they are (a licence called MIT, a model called Stable Diffusion, a company called 零一万物) are set
    # aside first, so neither a figure nor a term is read inside them.
    kept: list[str] = []

    def set_aside(m: re.Match[str]) -> str:
        kept.append(m.group(0))
        return f"\ue000{len(kept) - 1}\ue001"
    if lang.keep:
        text = _kept(lang).sub(set_aside, text)
    # a pinpoint ("s.1.b.i", "3.2(a)") is a name, not words: Italian "i" is no article inside it
    text = _PINPOINT.sub(set_aside, text)
    if not lang.spaced:
        # a Latin name or figure glued to Chinese or Japanese ("Llama-3.1-8Bを", "8亿") is a word of its own
        text = _space_scripts(text)
    for pattern, repl in lang.rewrites:
        text = re.sub(pattern, repl, text, flags=re.I)
    # so is a quoted name ("Nova-8B", 'Qwen Brasil') and a quotation of the (English) licence text
    text = _QUOTED.sub(lambda m: set_aside(m) if _name_or_english(m.group(0)[1:-1]) else m.group(0), text)
    figures = _figures(lang)
    if figures is not None:
        scales = dict(lang.scales)

        def figure(m: re.Match[str]) -> str:
            value = _latin_number(m.group(1)) if lang.spaced else _cjk_number(m.group(1))
            if value is None:
                return m.group(0)
            return f" {_english_figure(value * scales[m.group(2).lower()])} "
        text = figures.sub(figure, text)
    if lang.spaced:
        # figures with thousands separators ("700.000 Nutzer", "700 000 utilisateurs") to plain digits
        text = re.sub(r"(?<![\w.,])\d{1,3}(?:[.\u00a0\u202f ]\d{3})+(?![\w.,])",
                      lambda m: _english_figure(float(re.sub(r"\D", "", m.group(0)))), text)
        text = re.sub(r"(?<![\w.,])(\d+),(\d{1,2})(?![\d])", r"\1.\2", text)
    regex, exact, stems = _terms(lang)

    def replace(m: re.Match[str]) -> str:
        english = _gloss(m.group("term"), exact, stems)
        if english is None:
            return m.group(0)
        if m.groupdict().get("neg"):
            english = f"not {english}"
        if m.group("term").endswith("'"):
            english += " "
        return english if lang.spaced else f" {english} "
    text = regex.sub(replace, text)
    text = re.sub("\ue000(\\d+)\ue001", lambda m: kept[int(m.group(1))], text)
    text = re.sub(r"\$\s+(?=\d)", "$", text)
    for pattern, repl in lang.after:
        text = re.sub(pattern, repl, text, flags=re.I)
    return re.sub(r"[ \t]{2,}", " ", text).strip()


def read_language(text: str, glossary: tuple[Language, ...] | None = None) -> Reading:
    languages = glossary if glossary is not None else load_glossary()
    code, name = _detect(text, languages)
    if code == "en":
        return Reading("en", "English", True, text)
    lang = next((l for l in languages if l.code == code), None)
    if lang is None:
        return Reading(code, name, False, text)
    return Reading(code, name, True, translate(text, lang))


def language_name(code: str) -> str:
    names = {"en": "English", "ko": "Korean", "other": "a language written in another script"}
    return names.get(code) or next((l.name for l in load_glossary() if l.code == code), code)


def is_supported(code: str) -> bool:
    return code == "en" or any(l.code == code for l in load_glossary())

