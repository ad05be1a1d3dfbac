"""Proposed annotations for a document the user adds: effect, what a clause acts on and its trigger, read from the
document's own wording with the scenario reader's vocabulary. Every row is marked `proposed` until the user accepts or
edits it (`clausewise annotate`, or the "Add a document" page); the clause-grounded verdict uses proposed rows too, and
the answer says they are proposals.

The reading is deliberately plain: modal verbs ("you will not", "must", "may"), the words for what is acted on, and the
use-policy categories' own patterns. A clause it cannot read gets no row and is listed as not recognised.
"""

from __future__ import annotations

import re
from pathlib import Path

from ingest.annotations import dump_doc, is_structural, text_sha
from ingest.corpus import Document
from retrieval.usecases import load_categories

_PROHIBIT = re.compile(r"\b(?:you (?:will|shall|must|may) not|(?:must|shall|may) not|agree not to|not (?:be )?permitted|"
                       r"prohibit\w*|forbid\w*|no (?:right|licen[cs]e) to)\b", re.I)
_OBLIGE = re.compile(r"\b(?:you (?:must|shall|will)|must|shall|is required to|are required to)\b", re.I)
_GRANT = re.compile(r"\b(?:grants? (?:to )?you|hereby grants?|you may|permission is (?:hereby )?granted|is permitted)\b", re.I)
_TERMINATE = re.compile(r"\bterminat\w*\b", re.I)
_DISCLAIM = re.compile(r"\b(?:as is|warrant\w*|liab\w*)\b", re.I)
_INCORPORATE = re.compile(r"\b(?:incorporated (?:herein )?by reference|available at|found at)\b", re.I)
_MAU = re.compile(r"(\d[\d,.]*)\s*(million|billion|thousand)?\s*(?:monthly active users|mau)", re.I)
_REVENUE = re.compile(r"(?:usd|us)?\s*\$\s*(\d[\d,.]*)\s*(million|billion|thousand|m|k)?[^.]{0,40}revenue|revenue[^.]{0,40}\$\s*(\d[\d,.]*)\s*(million|billion|thousand|m|k)?", re.I)
_URL = re.compile(r"https?://[^\s)\]>]+|\b[\w-]+(?:\.[\w-]+)+/[\w./-]+")
_SCALE = {"thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "billion": 1e9}

ACTS_ON_WORDS: list[tuple[str, str]] = [
    (r"\b(?:train|improve|distil\w*|fine[\s-]?tun\w*)\b.{0,60}\b(?:other|another|any)\b.{0,30}\bmodels?\b|\bother (?:large language |ai |foundation )?models?\b", "training_other_models"),
    (r"\b(?:distribut\w*|redistribut\w*|publish\w*|share|sublicens\w*|make available)\b", "distribution"),
    (r"\b(?:host\w*|as a service|api|saas|remote access)\b", "hosting"),
    (r"\b(?:modif\w*|derivative|adapt\w*|fine[\s-]?tun\w*)\b", "modification"),
    (r"\b(?:outputs?|generated content)\b", "outputs"),
    (r"\bnotice\b|\battribution\b|\bcopyright notice\b", "notices"),
    (r"\bcopy of (?:this|the) (?:agreement|licen[cs]e)\b", "licence_copy"),
    (r"\bcommercial\w*\b", "commercial_use"),
    (r"\b(?:trademarks?|logos?|trade names?)\b", "trademark"),
    (r"\b(?:monthly active users|revenue)\b", "scale"),
    (r"\b(?:litigation|lawsuit|proceedings)\b", "litigation"),
    (r"\bname\b.{0,40}\b(?:model|derivative)\b|\bprefix\b", "naming"),
]
DISTRIBUTING = ["weights_release", "on_device", "hosted"]
CHANGES = ["full_finetune", "lora", "quantization", "merge", "distillation", "continued_pretraining", "rlhf"]


def _number(value: str, scale: str | None) -> int:
    return int(float(value.replace(",", "")) * _SCALE.get((scale or "").lower(), 1))


def _acts_on(text: str) -> list[str]:
    return [name for pattern, name in ACTS_ON_WORDS if re.search(pattern, text, re.I)]


def _use_cases(text: str) -> list[str]:
    return [c.id for c in load_categories().categories if any(re.search(p, text, re.I) for p in c.patterns)]


def propose_row(text: str) -> dict | None:
    """One proposed annotation for a clause's text, or None when its wording says nothing operative."""
    acts = _acts_on(text)
    uses = _use_cases(text)
    trigger: dict = {}
    mau, revenue = _MAU.search(text), _REVENUE.search(text)
    if (mau or revenue) and re.search(r"\b(?:greater than|more than|exceed\w*|over|above)\b", text, re.I):
        effect = "threshold"
        if mau:
            trigger["mau_over"] = _number(mau.group(1), mau.group(2))
        else:
            trigger["revenue_over"] = _number(revenue.group(1) or revenue.group(3), revenue.group(2) or revenue.group(4))
        acts = sorted(set(acts) | {"scale"})
    elif _PROHIBIT.search(text):
        effect = "prohibition"
        if uses:
            trigger["use_cases"] = uses
            acts = sorted(set(acts) | {"use_categories"})
        elif "training_other_models" in acts:
            trigger["other_model"] = True
        elif "trademark" in acts:
            trigger["flags"] = ["trademark"]
        elif "commercial_use" in acts:
            trigger["flags"] = ["commercial"]
        elif "distribution" in acts:
            trigger["distributes"] = True
        else:
            trigger["text_only"] = True
    elif _TERMINATE.search(text):
        effect = "termination"
        trigger["flags"] = ["litigation"] if "litigation" in acts else ["termination"]
    elif _INCORPORATE.search(text) and _URL.search(text):
        effect = "incorporation"
    elif _GRANT.search(text):
        effect = "grant"
    elif _OBLIGE.search(text):
        effect = "obligation"
        if {"distribution", "licence_copy", "notices"} & set(acts):
            trigger["deployments"] = list(DISTRIBUTING if "hosting" in acts else DISTRIBUTING[:2])
            if re.search(r"\bmodified files\b|\b(?:changed|modified) the files\b|stating that you (?:changed|modified)", text, re.I):
                trigger["methods"] = list(CHANGES)
        else:
            trigger["text_only"] = True
    elif _DISCLAIM.search(text) and text.upper() == text or re.search(r"\bas is\b", text, re.I):
        effect = "disclaimer"
    else:
        return None
    row = {"effect": effect, "acts_on": acts or ["use"], "trigger": trigger, "status": "proposed",
           "gloss": _gloss(effect, acts, trigger)}
    if effect == "incorporation":
        row["incorporates"] = "external:" + _URL.search(text).group(0).rstrip(".,;")
    return row


_EFFECT_WORDS = {"grant": "A permission", "obligation": "A duty", "prohibition": "A prohibition",
                 "threshold": "A limit beyond which the rights need a separate grant", "termination": "An end to the rights",
                 "incorporation": "Another document made part of the terms", "disclaimer": "A disclaimer"}


def _gloss(effect: str, acts: list[str], trigger: dict) -> str:
    """A plain description of the proposal itself; it says what was read, never paraphrases the clause as if reviewed."""
    on = ", ".join(a.replace("_", " ") for a in acts) if acts else "use"
    when = "; ".join(f"{k.replace('_', ' ')} {v if not isinstance(v, list) else ', '.join(map(str, v))}"
                     for k, v in trigger.items() if k != "text_only")
    return (f"Proposed from the wording, not yet reviewed: {_EFFECT_WORDS[effect].lower()} concerning {on}"
            + (f", read as applying when {when}" if when else "") + ".")


def propose(doc: Document) -> tuple[list[dict], dict[str, str]]:
    """Proposed rows (with the clause sha) and the clauses left unannotated, for one document."""
    children = {c.parent for c in doc.clauses if c.parent}
    rows, skipped = [], {}
    for clause in doc.clauses:
        if is_structural(clause, children):
            continue
        row = None if clause.kind == "definition" else propose_row(clause.text)
        if clause.kind == "definition":
            row = {"effect": "definition", "acts_on": ["definitions"], "trigger": {}, "status": "proposed",
                   "gloss": "Proposed from the wording, not yet reviewed: a definition."}
        if row is None:
            skipped[clause.path] = "no operative wording recognised; annotate it by hand if it matters"
            continue
        rows.append({"path": clause.path, "sha": text_sha(clause.text), **row})
    return rows, skipped


def write_proposals(doc: Document, folder: Path) -> Path:
    rows, skipped = propose(doc)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{doc.spec.doc_id}.toml"
    header = ("# Annotations proposed by clausewise from this document's wording. Review each row, then accept or edit\n"
              "# it with `clausewise annotate " + doc.spec.doc_id + "` (or on the Add a document page).")
    path.write_text(dump_doc(doc.spec.doc_id, rows, skipped, header), encoding="utf-8")
    return path
