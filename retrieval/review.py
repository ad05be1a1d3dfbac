"""The review sheet a lawyer signs off (`clausewise rules --review`): each rule's statement in our words, its conditions in
plain words, the verbatim text of every clause that grounds it per document and dated version, and its readable cases.

Formats: Markdown (default), CSV (one row per rule x governing document) and a self-contained, escaped HTML page.
"""

from __future__ import annotations

import csv
import html
import io
from dataclasses import dataclass

from ingest.corpus import Corpus
from ingest.errors import ConfigError
from retrieval.cases import Case, run_case
from retrieval.rules import Rule, RuleTable

FORMATS = ("md", "csv", "html")

_LISTS = {
    "roles": "the model's role is {}", "methods": "the method is {}", "not_methods": "the method is not {}",
    "deployments": "it is deployed as {}", "not_deployments": "it is not deployed as {}", "use_cases": "the use is {}",
    "not_use_cases": "the use is not {}",
    "flags": "the question is about {}", "not_flags": "the question is not about {}", "targets": "the target licence is {}",
    "datasets": "a dataset under {} is used",
}
_BOOLS = {
    "distributes": ("the weights are distributed (released or shipped on devices)", "nothing is distributed"),
    "eu": ("the licensee is in the EU", "the licensee is outside the EU"),
    "multimodal": ("the model is multimodal", "the model is text-only"),
    "other_model": ("another model is trained or improved", "no other model is trained"),
    "not_in_corpus": ("a model's terms are not in the corpus", "every model's terms are in the corpus"),
    "models_known": ("the models are known", "no model is recognised"),
    "has_target": ("a target licence is named", "no target licence is named"),
    "use_stated": ("a use of the model is named", "no use is named"),
    "missing_document": ("the question names a document the corpus does not hold", "every document named is in the corpus"),
}
_INTS = {"mau_over": "more than {:,} monthly active users", "mau_at_most": "at most {:,} monthly active users",
         "revenue_over": "annual revenue above USD {:,}", "revenue_at_most": "annual revenue of at most USD {:,} (or not stated)"}


def conditions_in_words(rule: Rule) -> str:
    """The `when` table as one plain sentence ("applies whenever" for a rule with no condition)."""
    parts = []
    for key, value in rule.when.items():
        if key in _LISTS:
            # Every flag a rule lists must hold (rules._holds); any one of the other lists' values is enough.
            joiner = " and " if key == "flags" else " or "
            parts.append(_LISTS[key].format(joiner.join(str(v).replace("_", " ") for v in value)))
        elif key in _BOOLS:
            parts.append(_BOOLS[key][0 if value else 1])
        elif key in _INTS:
            parts.append(_INTS[key].format(value))
        else:
            parts.append(f"{key} = {value}")
    if rule.policy:
        parts.append("the use falls in a category the governing use policy forbids")
    return ("applies when " + "; ".join(parts)) if parts else "applies whenever the document governs the scenario"


@dataclass(frozen=True)
class GroundClause:
    clause_id: str
    text: str


@dataclass(frozen=True)
class GroundDoc:
    doc_id: str
    title: str
    version: str
    clauses: tuple[GroundClause, ...]
    policy: str = ""  # the use-policy document whose category clauses add to these


@dataclass(frozen=True)
class ReviewCase:
    id: str
    summary: str
    verdict: str
    clauses: tuple[str, ...]


@dataclass(frozen=True)
class ReviewRule:
    id: str
    family: str
    verdict: str
    statement: str
    conditions: str
    documents: tuple[GroundDoc, ...]
    cases: tuple[ReviewCase, ...]
    overrides: tuple[str, ...] = ()
    note: str = ""


def build_review(corpus: Corpus, table: RuleTable, cases: list[Case]) -> list[ReviewRule]:
    fired_by: dict[str, list[Case]] = {}
    for case in cases:
        for rid in dict.fromkeys(run_case(table, case).fired + case.rules):
            fired_by.setdefault(rid, []).append(case)
    out = []
    for rule in table.rules:
        docs = []
        for doc_id, cids in rule.grounds.items():
            doc = corpus.documents.get(doc_id)
            title, version = (doc.spec.title, doc.spec.version) if doc else (doc_id, "not loaded")
            clauses = []
            for cid in cids:
                try:
                    clauses.append(GroundClause(cid, corpus.clause(cid).text))
                except Exception:  # a document that could not be loaded: say so rather than drop the row
                    clauses.append(GroundClause(cid, "(text not loaded: run `clausewise corpus` to see why)"))
            docs.append(GroundDoc(doc_id, title, version, tuple(clauses), rule.policy.get(doc_id, "")))
        rcases = tuple(ReviewCase(c.id, c.summary, c.verdict.value, c.clauses) for c in fired_by.get(rule.id, []))
        out.append(ReviewRule(rule.id, rule.family, rule.verdict.value, rule.statement, conditions_in_words(rule),
                              tuple(docs), rcases, rule.overrides, rule.note))
    return out


def _policy_line(d: GroundDoc) -> str:
    return (f"plus the clause of {d.policy} that forbids the use (see the use-policy categories)" if d.policy else "")


def to_markdown(rules: list[ReviewRule]) -> str:
    lines = ["# clausewise rules: review sheet", "",
             f"{len(rules)} rules. Each shows our statement, when it applies, and the verbatim text of every clause that "
             "grounds it, per document and version, with the readable cases that exercise it.", ""]
    for r in rules:
        lines += [f"## {r.id} ({r.family}): {r.verdict}", "", r.statement, "", f"*Conditions:* {r.conditions}.", ""]
        if r.overrides:
            lines += [f"*Overrides:* {', '.join(r.overrides)}", ""]
        if not r.documents:
            lines += ["*Grounds:* none (the rule reports that the governing terms are not in the corpus).", ""]
        for d in r.documents:
            lines += [f"### {d.title} ({d.doc_id}, version {d.version})", ""]
            if d.policy:
                lines += [f"_{_policy_line(d)}_", ""]
            for c in d.clauses:
                quoted = "\n".join("> " + ln for ln in c.text.splitlines())
                lines += [f"**{c.clause_id}**", "", quoted, ""]
        if r.cases:
            lines += ["Cases:", ""]
            for c in r.cases:
                cl = f" on {', '.join(c.clauses)}" if c.clauses else ""
                lines.append(f"- `{c.id}`: {c.summary} Expected: {c.verdict}{cl}.")
            lines.append("")
        else:
            lines += ["Cases: none yet.", ""]
    return "\n".join(lines)


CSV_FIELDS = ["rule_id", "family", "verdict", "statement", "conditions", "doc_id", "title", "version", "clause_ids",
              "clause_texts", "cases"]


def csv_rows(rules: list[ReviewRule]) -> list[dict[str, str]]:
    rows = []
    for r in rules:
        cases = "; ".join(f"{c.id} -> {c.verdict}" for c in r.cases)
        for d in r.documents or (GroundDoc("", "", "", ()),):
            rows.append({"rule_id": r.id, "family": r.family, "verdict": r.verdict, "statement": r.statement,
                         "conditions": r.conditions, "doc_id": d.doc_id, "title": d.title, "version": d.version,
                         "clause_ids": " ".join(c.clause_id for c in d.clauses),
                         "clause_texts": "\n\n".join(f"[{c.clause_id}] {c.text}" for c in d.clauses)
                         + (f"\n\n({_policy_line(d)})" if d.policy else ""),
                         "cases": cases})
    return rows


def to_csv(rules: list[ReviewRule]) -> str:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=CSV_FIELDS)
    writer.writeheader()
    writer.writerows(csv_rows(rules))
    return buf.getvalue()


_CSS = ("body{font-family:system-ui,sans-serif;max-width:70rem;margin:2rem auto;padding:0 1rem;color:#222}"
        "section{border-top:1px solid #ccc;padding:1rem 0}.v{font-weight:bold;text-transform:uppercase;font-size:.8rem}"
        "blockquote{white-space:pre-wrap;background:#f6f6f6;border-left:3px solid #999;margin:.4rem 0;padding:.5rem}"
        "code{background:#eee;padding:0 .2rem}.conditional{color:#8a5a00}.not_permitted{color:#a00}"
        ".permitted{color:#060}.unclear{color:#555}")


def to_html(rules: list[ReviewRule]) -> str:
    e = html.escape
    parts = ["<!DOCTYPE html>", "<html lang=\"en\"><head><meta charset=\"utf-8\">",
             "<title>clausewise rules: review sheet</title>", f"<style>{_CSS}</style></head><body>",
             "<h1>clausewise rules: review sheet</h1>", f"<p>{len(rules)} rules.</p>"]
    for r in rules:
        parts.append(f"<section id=\"{e(r.id)}\"><h2>{e(r.id)} <small>({e(r.family)})</small> "
                     f"<span class=\"v {e(r.verdict)}\">{e(r.verdict)}</span></h2>")
        parts.append(f"<p>{e(r.statement)}</p><p><em>Conditions:</em> {e(r.conditions)}.</p>")
        for d in r.documents:
            parts.append(f"<h3>{e(d.title)} <small>({e(d.doc_id)}, version {e(d.version)})</small></h3>")
            if d.policy:
                parts.append(f"<p><em>{e(_policy_line(d))}</em></p>")
            for c in d.clauses:
                parts.append(f"<p><code>{e(c.clause_id)}</code></p><blockquote>{e(c.text)}</blockquote>")
        if r.cases:
            parts.append("<p>Cases:</p><ul>")
            for c in r.cases:
                cl = f" on {e(', '.join(c.clauses))}" if c.clauses else ""
                parts.append(f"<li><code>{e(c.id)}</code>: {e(c.summary)} Expected: "
                             f"<span class=\"{e(c.verdict)}\">{e(c.verdict)}</span>{cl}.</li>")
            parts.append("</ul>")
        else:
            parts.append("<p>Cases: none yet.</p>")
        parts.append("</section>")
    parts.append("</body></html>")
    return "\n".join(parts)


def render(rules: list[ReviewRule], fmt: str) -> str:
    if fmt not in FORMATS:
        raise ConfigError(f"Unknown review format {fmt!r}; choose one of {', '.join(FORMATS)}.")
    return {"md": to_markdown, "csv": to_csv, "html": to_html}[fmt](rules)
