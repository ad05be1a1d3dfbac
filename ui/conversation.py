"""The Ask page's conversation: turns, how facts are described, and the Markdown export (every quote and pinpoint)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone

from retrieval.answer import Answer
from retrieval.followup import CarriedFact
from retrieval.records import answer_from_json
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
    carried: tuple[CarriedFact, ...] = ()  # facts this follow-up took from question `carried_from`
    carried_from: int | None = None
    dropped: tuple[str, ...] = ()  # carried fields the user dropped
    notes: tuple[str, ...] = ()  # input notes shown with the question (e.g. only the first 4,000 characters read)
    corpus_version: str = ""
    rules_version: str = ""

    def to_payload(self) -> dict:
        """The JSON stored for this turn (retrieval/history.py); `turn_from_payload` reads it back."""
        return {"id": self.id, "question": self.question, "k": self.k, "error": self.error, "parent": self.parent,
                "changes": list(self.changes), "at": self.at,
                "answer": self.answer.to_json() if self.answer is not None else None,
                "clause_kinds": {cid: list(v) for cid, v in self.clause_kinds.items()},
                "carried": [{"field": c.field, "values": list(c.values)} for c in self.carried],
                "carried_from": self.carried_from, "dropped": list(self.dropped), "notes": list(self.notes)}

    def citation_text(self, c) -> str:
        if getattr(c, "cite", ""):
            return c.cite  # built by retrieval.citeform: the document's own section names, lead-ins kept
        kind, heading = self.clause_kinds.get(c.clause_id, (None, None))
        return legal_citation(c.title, c.version, c.clause_id, c.quote, kind, heading,
                              at_clause_start=c.quote_start == c.start)


def carried_label(c: CarriedFact) -> str:
    """One carried fact as a reader would say it: "Llama 3.1", "Full fine-tune / SFT", "2,000,000 monthly users"."""
    if c.field == "methods":
        return ", ".join(METHOD_LABELS.get(v, v) for v in c.values)
    if c.field == "deployments":
        return ", ".join(DEPLOYMENT_LABELS.get(v, v) for v in c.values)
    if c.field == "target_licence":
        return "target licence " + ", ".join(c.values)
    if c.field == "datasets":
        return "data under " + ", ".join(c.values)
    if c.field == "mau":
        return f"{int(c.values[0]):,} monthly users"
    if c.field == "revenue":
        return f"${int(c.values[0]):,} annual revenue"
    if c.field == "eu":
        return "in the EU" if c.values[0] == "yes" else "outside the EU"
    return ", ".join(c.values)


def carried_sentence(turn: Turn) -> str:
    return (f"Carried over from question {turn.carried_from}: " + "; ".join(carried_label(c) for c in turn.carried)
            if turn.carried else "")


def turn_from_payload(data: dict, corpus_version: str = "", rules_version: str = "") -> Turn:
    """A stored turn; an answer that cannot be read becomes the turn's error instead of failing the conversation."""
    answer, error = None, data.get("error")
    if data.get("answer"):
        try:
            answer = answer_from_json(data["answer"])
        except ValueError as exc:
            error = f"This stored answer could not be read ({exc}); ask the question again."
    return Turn(int(data.get("id", 0)), str(data.get("question", "")), int(data.get("k", 5)), answer=answer, error=error,
                parent=data.get("parent"), changes=tuple(data.get("changes", ())),
                clause_kinds={cid: tuple(v) for cid, v in (data.get("clause_kinds") or {}).items()},
                at=data.get("at", ""), carried=tuple(CarriedFact(c["field"], tuple(c["values"]))
                                                     for c in data.get("carried", ())),
                carried_from=data.get("carried_from"), dropped=tuple(data.get("dropped", ())),
                notes=tuple(data.get("notes", ())), corpus_version=corpus_version, rules_version=rules_version)


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
    versions = (f" Corpus version {turn.corpus_version}, rules version {turn.rules_version}."
                if turn.corpus_version else "")
    lines = [f"## {number}. {one_line(turn.question)}", "", f"*Asked {turn.at}; k = {turn.k}.{versions}*", ""]
    if turn.carried:
        lines += [carried_sentence(turn) + ".", ""]
    lines += [f"*{n}*" for n in turn.notes] + ([""] if turn.notes else [])
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


def conversation_markdown(turns: list[Turn], model: str, documents: int, title: str = "") -> str:
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    index = (f"Index: embedding model `{model}`, {documents} documents loaded. " if documents
             else "Exported from the saved conversation. ")
    head = ["# clausewise research log" + (f": {one_line(title)}" if title else ""), "",
            f"Exported {stamp}. {index}Quotes are verbatim slices of the source texts (line wraps joined in the "
            "citation lines; the full clause blocks are exact).", "", f"> {DISCLAIMER}", ""]
    body = [turn_markdown(t, i) for i, t in enumerate(turns, 1)]
    return "\n".join(head + body) + "\n"
