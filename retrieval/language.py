"""Which language a question is in, and a reading of it the scenario reader understands.

The reader's patterns are English. A question in a language with a glossary (`corpus/glossary.toml`) is read with the
English words its terms stand for appended; a question in any other language is reported as unsupported, so the answer
says so instead of guessing from the few model names it can still recognise.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ingest.errors import ConfigError
from ingest.settings import CORPUS_DIR

GLOSSARY = CORPUS_DIR / "glossary.toml"
_WORDS = re.compile(r"[^\W\d_]+", re.UNICODE)
_HAN = re.compile(r"[\u4e00-\u9fff]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af]")
_OTHER_SCRIPTS = re.compile(r"[\u0400-\u04ff\u0600-\u06ff\u0590-\u05ff\u0900-\u097f\u0e00-\u0e7f]")
_ENGLISH = set("the and is are we our can to of for with my i it this that use do does under may what".split())
_CJK_NUMBER = re.compile(r"(\d+(?:\.\d+)?)\s*(亿|万|千万|百万)")
_CJK_SCALE = {"亿": 1e8, "万": 1e4, "千万": 1e7, "百万": 1e6}


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
    terms: tuple[tuple[str, str], ...]


@lru_cache(maxsize=2)
def load_glossary(path: Path | None = None) -> tuple[Language, ...]:
    path = path or GLOSSARY
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"Cannot read the glossary {path}: {exc}. Restore it from the repository.") from exc
    out = []
    for code, row in data.items():
        terms = tuple(sorted(((k.lower(), v) for k, v in row.get("terms", {}).items()), key=lambda kv: -len(kv[0])))
        out.append(Language(code, row.get("name", code), row.get("script", "latin"),
                            frozenset(w.lower() for w in row.get("markers", ())), terms))
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
    best = max(languages, key=lambda l: sum(w in l.markers for w in words), default=None)
    score = sum(w in best.markers for w in words) if best and best.markers else 0
    if best and score >= 2 and score > english:
        return best.code, best.name
    return "en", "English"


def read_language(text: str, glossary: tuple[Language, ...] | None = None) -> Reading:
    languages = glossary if glossary is not None else load_glossary()
    code, name = _detect(text, languages)
    if code == "en":
        return Reading("en", "English", True, text)
    lang = next((l for l in languages if l.code == code), None)
    if lang is None:
        return Reading(code, name, False, text)
    low = _CJK_NUMBER.sub(lambda m: str(int(float(m.group(1)) * _CJK_SCALE[m.group(2)])), text.lower())
    if lang.script in ("han", "kana"):
        # No spaces between words: put the English words in place, so what is said about a model stays next to it.
        for term, english in lang.terms:
            low = low.replace(term, f" {english} ")
        return Reading(code, name, True, low)
    # Longest phrase first, and a phrase's words are not read again on their own: "sans rien vendre" is "not selling
    # anything", not also "sell".
    glosses, rest = [], low
    for term, english in lang.terms:
        pattern = rf"(?<!\w){re.escape(term)}(?!\w)"
        if re.search(pattern, rest):
            glosses.append(english)
            rest = re.sub(pattern, " ", rest)
    return Reading(code, name, True, low + " . " + " ; ".join(dict.fromkeys(glosses)))


def language_name(code: str) -> str:
    names = {"en": "English", "ko": "Korean", "other": "a language written in another script"}
    return names.get(code) or next((l.name for l in load_glossary() if l.code == code), code)


def is_supported(code: str) -> bool:
    return code == "en" or any(l.code == code for l in load_glossary())
