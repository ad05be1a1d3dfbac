"""The Ask page's conversation: turns, how facts are described, and the Markdown export (every quote and pinpoint)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone

from retrieval.answer import Answer
from retrieval.scenario import Facts
from ui.engine import DEPLOYMENT_LABELS, EU_LABELS, METHOD_LABELS, eu_key
from ui.text import legal_citation, one_line, safe_url

DISCLAIMER = ("clausewise is a research aid, not legal advice. Verdicts come from a rules table applied to facts read "
              "from your question; the licence text governs. Check every quoted clause in context and ask a lawyer "
              "before relying on it.")
VERDICT_LABELS = {"permitted": "Permitted", "conditional": "Conditional", "unclear": "Unclear",
                  "not_permitted": "Not permitted"}
ROLE_LABELS = {"base": "base model", "merge_source": "merge source", "output_source": "outputs used",
               "judge": "judge / reward model", "mentioned": "mentioned"}


@dataclass
class Turn:
    id: int
    question: str
    k: int
    answer: Answer | None = None
    error: str | None = None
    parent: int | None = None  # the turn whose facts the user corrected to get this one
    changes: tuple[str, ...] = ()
    clause_kinds: dict[str, tuple[str, str]] = field(default_factory=dict)  # clause id -> (kind, heading)
    at: str = field(default_factory=lambda: datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))

    def citation_text(self, c) -> str:
        if getattr(c, "cite", ""):
            return c.cite  # built by retrieval.citeform: the document's own section names, lead-ins kept
        kind, heading = self.clause_kinds.get(c.clause_id, (None, None))
        return legal_citation(c.title, c.version, c.clause_id, c.quote, kind, heading,
                              at_clause_start=c.quote_start == c.start)


def clause_kinds(answer: Answer, corpus) -> dict[str, tuple[str, str]]:
    out = {}
    for c in (*answer.citations, *answer.background):
        try:
            clause = corpus.clause(c.clause_id)
        except Exception:  # noqa: BLE001 - a removed user document: fall back to "s. <path>"
            continue
        out[c.clause_id] = (clause.kind, clause.heading)
    return out


def facts_rows(facts: Facts) -> list[tuple[str, str]]:
    """(label, value) pairs describing what the question was read as; 'not stated' where the question is silent."""
    models = "; ".join(f"{m.name} ({ROLE_LABELS.get(m.role.value, m.role.value)}"
                       + ("" if m.in_corpus else ", terms not in the corpus") + ")" for m in facts.models)
    return [
        ("Models", models or "not stated"),
        ("Governing documents", ", ".join(facts.documents) or "none identified"),
        ("Licences named", ", ".join(facts.licences) or "none"),
        ("Method(s)", ", ".join(METHOD_LABELS.get(m.value, m.value) for m in facts.methods) or "not stated"),
        ("Deployment(s)", ", ".join(DEPLOYMENT_LABELS.get(d.value, d.value) for d in facts.deployments) or "not stated"),
        ("Target licence", facts.target_licence or "none stated"),
        ("Datasets", ", ".join(facts.datasets) or "none named"),
        ("Monthly active users", f"{facts.mau:,}" if facts.mau is not None else "not stated"),
        ("Annual revenue (USD)", f"{facts.revenue:,}" if facts.revenue is not None else "not stated"),
        ("In the EU", EU_LABELS[eu_key(facts.eu)]),
        ("Use cases", ", ".join(u.replace("_", " ") for u in facts.use_cases) or "none flagged"),
        ("Not stated in the question", ", ".join(facts.unknown) or "nothing essential"),
    ]


def _fence(text: str) -> str:
    longest = max((len(m) for m in re.findall(r"~+", text)), default=0)
    return "~" * max(3, longest + 1)


def _quote_block(text: str) -> str:
    return "\n".join("> " + line if line else ">" for line in text.splitlines() or [""])


def turn_markdown(turn: Turn, number: int) -> str:
    lines = [f"## {number}. {one_line(turn.question)}", "", f"*Asked {turn.at}; k = {turn.k}.*", ""]
    if turn.parent is not None:
        lines += [f"Re-run of question {turn.parent} with corrected facts: " + "; ".join(turn.changes) + ".", ""]
    if turn.error or turn.answer is None:
        return "\n".join(lines + [f"**Error:** {turn.error}", ""])
    a = turn.answer
    lines += [f"**Verdict: {VERDICT_LABELS.get(a.verdict, a.verdict).upper()}** (`{a.verdict}`)", "", a.summary, ""]
    lines += ["### Facts as understood", ""] + [f"- {k}: {v}" for k, v in facts_rows(a.facts)] + [""]
    if a.findings:
        lines += ["### Findings", ""]
        lines += [f"- [{f.verdict}] {f.rule_id}: {f.statement} ({', '.join(f.clause_ids)})" for f in a.findings]
        lines.append("")
    lines += ["### Cited clauses", ""]
    for c in a.citations:
        url = safe_url(c.url)
        lines += [f"{c.rank}. `{c.clause_id}`: {c.title} ({c.version})" + (f" <{url}>" if url else "")
                  + (" (secondary source)" if c.secondary else ""), "",
                  _quote_block(turn.citation_text(c)), "", "   Full clause text (verbatim):", "",
                  _fence(c.text) + "text", c.text, _fence(c.text), ""]
    lines += ["### Cross-check", "", "Rules and retrieval agree." if a.cross_check.agrees
              else "**Warning: the rules and the retrieved clauses do not fully agree. Read the clauses.**", ""]
    if not a.cross_check.agrees and a.cross_check.clause_verdict:
        lines += [f"Rules table: `{a.cross_check.rules_verdict}`; clause reading: `{a.cross_check.clause_verdict}`"
                  + (f" on `{a.cross_check.clause_ids[0]}`" if a.cross_check.clause_ids else "") + ".", ""]
    lines += [f"- {n}" for n in a.cross_check.notes] + [""]
    if a.background:
        lines += ["### Background (explanatory notes, not licence text)", ""]
        lines += [f"- `{c.clause_id}`: {c.title}: \"{one_line(c.quote)}\"" for c in a.background] + [""]
    return "\n".join(lines)


def conversation_markdown(turns: list[Turn], model: str, documents: int) -> str:
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    head = ["# clausewise research log", "", f"Exported {stamp}. Index: embedding model `{model}`, {documents} documents "
            "loaded. Quotes are verbatim slices of the source texts (line wraps joined in the citation lines; the full "
            "clause blocks are exact).", "", f"> {DISCLAIMER}", ""]
    body = [turn_markdown(t, i) for i, t in enumerate(turns, 1)]
    return "\n".join(head + body) + "\n"
