"""Question to Answer: facts, rules and retrieved clauses composed deterministically, with a cross-check between them.

No language model is involved: the verdict comes from the rules table, the evidence from hybrid search, and every quote
is a verified verbatim slice of its source.
"""

from __future__ import annotations

import re
import time
from dataclasses import asdict, dataclass, replace

from ingest.corpus import Corpus
from ingest.errors import ConfigError, QuoteError
from retrieval.citeform import cite
from retrieval.quotes import Span, best_quote, choose_quote, tokens  # noqa: F401 - best_quote re-exported
from retrieval.rules import Firing, RuleTable, Verdict, combine
from retrieval.clause_verdict import RANKED, ClauseVerdict, compose, governing_documents
from retrieval.crosscheck import reconcile
from retrieval.language import is_supported, language_name, read_language
from retrieval.scenario import Deployment, Facts, Method, other_versions, read_facts
from retrieval import families, textq

MAX_QUESTION = 4000
SUPPORTED_LANGUAGES = "English, Chinese, Japanese, German, French, Spanish, Portuguese and Italian"


@dataclass(frozen=True)
class Citation:
    rank: int
    clause_id: str
    doc_id: str
    title: str
    version: str
    url: str
    text: str
    quote: str
    start: int
    end: int
    quote_start: int
    quote_end: int
    score: float
    secondary: bool
    cite: str = ""  # the ready-to-paste citation: document, section as the document names it, quoted words
    lead_in: tuple[Span, ...] = ()  # the verbatim words that govern a quoted list item ("you may not:"), outermost first
    section: bool = False  # `text` is the whole section (a heading or a list's lead-in with its sub-clauses)
    same_in: tuple[str, ...] = ()  # the same words in another dated version of these terms (e.g. the 2024 Gemma terms)


@dataclass(frozen=True)
class Finding:
    rule_id: str
    verdict: str
    statement: str
    clause_ids: tuple[str, ...]
    doc_id: str | None = None  # the governing document the rule was applied to


@dataclass(frozen=True)
class Assumption:
    fact: str
    value: str
    label: str


@dataclass(frozen=True)
class Branch:
    """The answer under one plausible value of a deciding fact the question leaves open."""

    assumption: Assumption
    verdict: str
    findings: tuple[Finding, ...]
    clause_ids: tuple[str, ...]


@dataclass(frozen=True)
class Choice:
    label: str
    value: str


@dataclass(frozen=True)
class Clarify:
    """One question that would settle the open fact, with the answers that re-run the scenario."""

    question: str
    fact: str
    choices: tuple[Choice, ...]


@dataclass(frozen=True)
class CrossCheck:
    agrees: bool
    notes: tuple[str, ...]
    # Both readings, so a disagreement can be shown with each side: the rules table's and the clause path's.
    rules_verdict: str = ""
    clause_verdict: str = ""
    clause_ids: tuple[str, ...] = ()
    headline_changed: bool = False


@dataclass(frozen=True)
class Answer:
    question: str
    verdict: str
    summary: str
    facts: Facts
    findings: tuple[Finding, ...]
    citations: tuple[Citation, ...]
    cross_check: CrossCheck
    background: tuple[Citation, ...]
    latency_ms: float
    branches: tuple[Branch, ...] = ()
    clarify: Clarify | None = None
    obligations: tuple = ()  # retrieval.obligations.Obligation items triggered by the conditional findings
    clause_verdict: ClauseVerdict | None = None  # the independent, clause-grounded reading
    alternatives: tuple[str, ...] = ()  # lawful routes the text offers around a not_permitted finding
    text_question: textq.TextQuestion | None = None  # a named section, a quoted clause or a version comparison

    def to_json(self) -> dict:
        out = asdict(self)
        out["facts"] = facts_json(self.facts)
        out["obligations"] = [o.to_json() for o in self.obligations]
        return out


def facts_json(facts: Facts) -> dict:
    data = asdict(facts)
    data["models"] = [{**asdict(m), "role": m.role.value} for m in facts.models]
    data["methods"] = [m.value for m in facts.methods]
    data["deployments"] = [d.value for d in facts.deployments]
    return data


def clean_question(question: str) -> tuple[str, list[str]]:
    """Bound and sanitise a question; returns the text used and notes on what was changed."""
    if not isinstance(question, str) or not question.strip():
        raise ConfigError("The question is empty. Describe the model, what you did with it and how you will use it.")
    notes = []
    text = re.sub(r"[\x00-\x08\x0b-\x1f\x7f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]", " ", question)
    if len(text) > MAX_QUESTION:
        notes.append(f"The question was {len(text):,} characters; only the first {MAX_QUESTION:,} were read.")
        text = text[:MAX_QUESTION]
    return " ".join(text.split()), notes


_tokens = tokens  # the query words a quote is chosen by (kept under its old name for callers)


# When a question does not say how the model will be used, these are the readings an answer must cover; the headline
# is the most restrictive of them, never the internal-use reading by default.
DEPLOYMENT_BRANCHES = (
    (Deployment.WEIGHTS_RELEASE, "the weights leave your organisation (published, sold or shipped to others)"),
    (Deployment.HOSTED, "you offer it to others as a product, app or API, and the weights stay with you"),
    (Deployment.INTERNAL, "it stays inside your organisation"),
)
CLARIFY_DEPLOYMENT = "How will the model (or what you build with it) be used?"


def _findings(fired: list[Firing]) -> tuple[Finding, ...]:
    return tuple(Finding(r.id, r.verdict.value, r.statement, r.clauses, r.doc_id) for r in fired)


class Engine:
    """Answers questions from loaded services; construct once, call `answer` many times (thread-safe reads)."""

    def __init__(self, corpus: Corpus, registry, searcher, rules: RuleTable, obligations=None, annotations=None,
                 similarity=None):
        self.corpus = corpus
        self.registry = registry
        self.searcher = searcher
        self.rules = rules
        self.obligations = obligations  # a retrieval.obligations.ObligationTable; None means no checklist
        self.annotations = annotations
        self.similarity = similarity  # a retrieval.usesim.UseSimilarity: use categories by meaning; None: words only

    def read_facts(self, text: str) -> Facts:
        """The facts of a question as this engine reads them (with similarity reading when it is on)."""
        return read_facts(text, self.registry, self.similarity)

    def search(self, query: str, k: int = 5, **kwargs):
        """Rule-guided search: the clauses the rules ground a scenario in are voted up in the hybrid ranking."""
        text, _ = clean_question(query)
        facts = self.read_facts(text)
        fired = sorted(self.rules.evaluate(facts), key=lambda r: -r.verdict.severity)
        prior = [c for depth in range(4) for r in fired if depth < len(r.clauses) for c in r.clauses[depth:depth + 1]]
        if not kwargs.get("doc_ids") and not kwargs.get("family") and kwargs.get("steer", True):
            # The facts already say which documents the question names; steering would read them a second time.
            kwargs = {**kwargs, "doc_ids": [d for d in facts.documents if d in self.corpus.documents] or None,
                      "steer": False}
        return self.searcher.search(text, k=k, prior=[c for c in prior if c.split(":", 1)[0] in self.corpus.documents],
                                    **kwargs)

    def verify(self, doc_id: str, start: int, end: int, expected: str) -> None:
        """A quote is shown only if it is exactly the source text at its offsets."""
        doc = self.corpus.documents.get(doc_id)
        if doc is None or doc.text[start:end] != expected:
            raise QuoteError(f"Stored text for {doc_id}[{start}:{end}] does not match its source; it was not shown. "
                             "Run `clausewise ingest --rebuild` to refresh the index.")

    def _citation(self, clause_id: str, score: float, terms: set[str], versions: tuple[str, ...] = ()) -> Citation:
        clause = self.corpus.clause(clause_id)
        doc = self.corpus.documents[clause.doc_id]
        section = self.corpus.section(clause.clause_id)
        # A heading or a list's lead-in quoted alone says nothing or misleads: such a clause is cited with its body.
        start, end = (section.start, section.end) if section.is_container else (clause.start, clause.end)
        text = doc.text[start:end]
        self.verify(clause.doc_id, clause.start, clause.end, clause.text)
        quote = choose_quote(doc.text, doc.clauses, section, terms)
        self.verify(clause.doc_id, quote.start, quote.end, quote.text)
        for span in quote.lead_in:
            self.verify(clause.doc_id, span.start, span.end, span.text)
        whole_body = section.is_container and quote.clause_id == clause.clause_id
        located = clause if whole_body else self.corpus.clause(quote.clause_id)
        return Citation(0, clause.clause_id, clause.doc_id, doc.spec.title, doc.spec.version, doc.spec.url, text,
                        quote.text, start, end, quote.start, quote.end, round(score, 6), not doc.spec.is_primary,
                        cite=cite(doc.spec, doc.clauses, doc.text, located, quote), lead_in=quote.lead_in,
                        section=section.is_container, same_in=self.corpus.same_text_in(clause_id, versions) if versions else ())

    def answer(self, question: str, k: int = 5, *, facts: Facts | None = None) -> Answer:
        """Answer a question; `facts` replaces the facts read from it (a user's corrected reading of the scenario)."""
        t0 = time.perf_counter()
        text, notes = clean_question(question)
        if facts is None:
            facts = self.read_facts(text)
        # A question about the text (a named section, a quoted clause, two versions) is answered from those clauses.
        tq = textq.read_text_question(text, facts, self.corpus, self.annotations) if is_supported(facts.language) else None
        fired = self._decide(facts, notes, tq) if is_supported(facts.language) else []
        if not is_supported(facts.language):
            notes.append(f"The question appears to be in {language_name(facts.language)}, which the scenario reader "
                         f"does not read ({SUPPORTED_LANGUAGES}); the verdict is 'unclear' and the clauses shown are only "
                         "the closest matches.")
        # An open deciding fact can leave every rule silent until a branch sets it (a fine-tune whose use is not said);
        # a question about the text alone (a named section, no scenario) does not branch.
        open_facts = self._open_facts(facts) if is_supported(facts.language) else []
        open_scenario = is_supported(facts.language) and not (tq and not tq.scenario) and bool(open_facts)
        branches = self._branches(facts, fired, tq, open_facts) if fired or open_scenario else ()
        clarify = None
        if not branches and open_scenario and facts.family and not facts.documents:
            # every set of terms the named family's models come under gives the same answer: that is the answer
            terms = dict(open_facts).get("documents")
            if terms:
                fired = self._decide(self._assume(facts, Assumption("documents", terms[0][0], terms[0][1]), open_facts),
                                     [], tq)
                notes.append(f"The question names the {facts.family} family but no model; the answer is the same under "
                             f"every set of terms its models come under ({len(terms)}).")
        if branches:
            worst = max(branches, key=lambda b: Verdict(b.verdict).severity)
            fired = self._decide(self._assume(facts, worst.assumption, open_facts), [], tq)
            clarify = self._clarify(facts, branches, open_facts)
        verdict = combine([r.verdict for r in fired])
        scenario_docs = [d for d in facts.documents if d in self.corpus.documents]
        # a question in another language is searched, quoted and read clause by clause in its English rendering, the
        # words the scenario reader read it in
        query = text if facts.language == "en" else read_language(text).text
        scores = self.searcher.score(query)  # one embedding, one BM25 pass: every search below is a cut of it
        hits = self.searcher.search(query, k=max(k, 8), doc_ids=scenario_docs or None, steer=False, scores=scores)
        retrieved = {h.clause_id: h for h in hits}
        terms = _tokens(query)
        ordered: dict[str, float] = {}  # clause id -> score, in citation order
        for cid in tq.clause_ids if tq else ():
            ordered.setdefault(cid, retrieved[cid].score if cid in retrieved else 0.0)  # the named clauses come first
        by_severity = sorted(fired, key=lambda r: -r.verdict.severity)
        # Each rule's first clause comes before any rule's second, so every finding is grounded near the top.
        for depth in range(max((len(r.clauses) for r in fired), default=0)):
            for rule in by_severity:
                if depth < len(rule.clauses):
                    cid = rule.clauses[depth]
                    ordered.setdefault(cid, retrieved[cid].score if cid in retrieved else 0.0)
        for cid in tq.context_ids if tq else ():
            ordered.setdefault(cid, retrieved[cid].score if cid in retrieved else 0.0)
        for h in hits:
            ordered.setdefault(h.clause_id, h.score)
        limit = max(k, sum(len(r.clauses) for r in fired) + (len(tq.clause_ids) if tq else 0))
        # A model released under older dated terms (Gemma 2 under the 2024 terms) may be bound by either version; a
        # clause that reads the same in the version not answered from says so, with its pinpoint there.
        versions = other_versions(tuple(scenario_docs))
        citations = tuple(replace(self._citation(cid, score, terms | _tokens(" ".join(r.statement for r in fired)), versions), rank=i)
                          for i, (cid, score) in enumerate(list(ordered.items())[:limit], 1))
        clause = self.clause_reading(query, facts, scores)
        cross, headline, why = self._cross_check(query, facts, fired, verdict, clause, citations, notes)
        if tq and not fired and cross.headline_changed and (tq.clause_ids or not tq.scenario):
            # A question about named clauses is not answered from other clauses that retrieval happened to rank.
            headline, why = verdict, ""
            cross = replace(cross, headline_changed=False, notes=tuple(n for n in cross.notes if n != cross.notes[0]))
        if tq and not fired and not tq.scenario:
            cross = replace(cross, agrees=True)  # no scenario, so no verdict for the two readings to disagree on
        background = self._background(query, terms, scores)
        findings = _findings(fired)
        summary = _summary(headline, fired, facts, scenario_docs, branches)
        if why:
            summary = summary.replace(_VERDICT_LEAD[headline], _VERDICT_LEAD[headline] + " " + why, 1)
        if tq:
            tq = textq.judge_reading(tq, text, headline.value)
            summary = _text_summary(summary, headline, tq, textq.describe(
                tq, self.corpus, {c for r in fired for c in r.clauses}, textq.unrelated_bans(tq, fired, self.corpus)), bool(fired))
        # With branches the findings are the most restrictive branch's, so its deployment triggers the duties.
        decided = self._assume(facts, worst.assumption, open_facts) if branches else facts
        obligations = self.obligations.items(findings, decided, self.corpus) if self.obligations else ()
        return Answer(question=text, verdict=headline.value, summary=summary, facts=facts, findings=findings,
                      citations=citations, cross_check=cross, background=background,
                      latency_ms=round((time.perf_counter() - t0) * 1000, 1), branches=branches, clarify=clarify,
                      obligations=obligations, clause_verdict=clause,
                      alternatives=self._alternatives(headline, fired, clause, facts, scenario_docs), text_question=tq)

    def clause_reading(self, text: str, facts: Facts, scores=None) -> ClauseVerdict | None:
        """The clause-grounded verdict: rule-free retrieval inside the governing documents, read through the
        clause annotations (None when no annotations are loaded)."""
        if self.annotations is None:
            return None
        from retrieval.freesearch import rule_free_search

        loaded = set(self.corpus.documents)
        governing = governing_documents(facts, self.annotations, loaded)
        hits = (rule_free_search(self.searcher, self.annotations, facts, text, RANKED, scores=scores, docs=governing)
                if governing else [])
        pool = sum(len(self.corpus.documents[d].clauses) for d in governing)
        lead_ins = {h.clause_id for h in hits if h.text.rstrip().endswith(":")}
        return compose(facts, [(h.clause_id, h.rank) for h in hits], self.annotations, loaded, governing, pool,
                       lead_ins=lead_ins)

    def _alternatives(self, verdict: Verdict, fired, clause: ClauseVerdict | None, facts: Facts,
                      docs: list[str]) -> tuple[str, ...]:
        """For a not_permitted answer: the lawful routes the governing text itself offers, each with its clause."""
        if verdict is not Verdict.NOT_PERMITTED or self.annotations is None:
            return ()
        out: list[str] = []
        ids = [c for r in fired if r.verdict is Verdict.NOT_PERMITTED for c in r.clauses]
        ids += [s.clause_id for s in clause.deciding] if clause else []
        for cid in dict.fromkeys(ids):
            for row in self.annotations.rows_for(cid):
                if row.alternative:
                    out.append(f"{row.alternative} ({cid})")
        if facts.target_licence:
            # Relicensing a derivative: where the licence lets you put your own terms on your changes, say so.
            for doc in docs:
                for row in self.annotations.for_doc(doc):
                    if row.effect.value == "grant" and "relicensing" in row.acts_on:
                        out.append(f"Keep the original licence on the base material; {row.gloss[0].lower()}{row.gloss[1:]} ({row.clause_id})")
        return tuple(dict.fromkeys(out))

    def _decide(self, facts: Facts, notes: list[str], tq: textq.TextQuestion | None = None) -> list[Firing]:
        fired = self.rules.evaluate(facts)
        if tq is not None:
            fired = textq.focus(tq, fired, self.corpus, facts, self.annotations)
        unloaded = sorted({c.split(":", 1)[0] for r in fired for c in r.clauses} - set(self.corpus.documents))
        if unloaded:
            # A rule whose grounding text is not loaded cannot be shown, so it cannot decide the verdict either.
            fired = [r for r in fired if not {c.split(":", 1)[0] for c in r.clauses} & set(unloaded)]
            note = "Governing documents not loaded (see `clausewise corpus`): " + ", ".join(unloaded) + "."
            if note not in notes:
                notes.append(note)
        return fired

    def settle(self, facts: Facts, fact: str, value: str) -> Facts | None:
        """The facts with the open fact a clarifying question asked about set to the chosen value: the change the
        branch for that value was decided under. None when `fact` is not open in `facts` or `value` is not one of
        its choices (a stale button, say)."""
        for name, values in self._open_facts(facts):
            if name == fact:
                change = next((c for v, _, c in values if v == value), None)
                return replace(facts, **change) if change is not None else None
        return None

    def _assume(self, facts: Facts, assumption: Assumption, open_facts=None) -> Facts:
        """The facts with one open fact set, and every other open fact at its most restrictive value."""
        changes = {}
        for name, values in self._open_facts(facts) if open_facts is None else open_facts:
            pick = next((v for v in values if v[0] == assumption.value), values[0]) if name == assumption.fact else values[0]
            changes.update(pick[2])
        return replace(facts, **changes)

    def _clarify(self, facts: Facts, branches: tuple[Branch, ...], open_facts) -> Clarify | None:
        for name, values in open_facts:
            verdicts = {b.verdict for b in branches if b.assumption.fact == name}
            if len(verdicts) > 1:
                question = (CLARIFY_DEPLOYMENT if name == "deployments" else f"Which {facts.family} model is it?"
                            if name == "documents" else "What is your organisation's annual revenue?")
                return Clarify(question, name, tuple(Choice(label, value) for value, label, _ in values))
        return None

    def _open_facts(self, facts: Facts) -> list[tuple[str, list[tuple[str, str, dict]]]]:
        """The deciding facts a question leaves open, each with its plausible values (label, and the Facts change)."""
        open_facts = []
        derivative = any(m is not Method.PLAIN_USE for m in facts.methods)
        about_outputs = facts.has("outputs") or facts.has("ownership")
        if not facts.deployments and facts.documents:
            # Someone who changed a model may ship it; someone who only runs it commercially may serve it to others.
            # Who owns a fine-tune, as between the user and the licensor, does not turn on how it is deployed; a
            # question about the "Built with" display presupposes something offered to others.
            if derivative and not facts.has("ownership"):
                values = DEPLOYMENT_BRANCHES
            elif (facts.has("commercial") or facts.has("notice")) and not about_outputs:
                values = DEPLOYMENT_BRANCHES[1:]
            else:
                values = ()
            if values:
                known = tuple(u for u in facts.unknown if u != "deployment")
                open_facts.append(("deployments", [(d.value, label, {"deployments": (d,), "unknown": known})
                                                   for d, label in values]))
        if facts.revenue is None and facts.has("commercial") and not facts.has("personal"):
            limits = sorted({r.when["revenue_over"] for r in self.rules.rules if "revenue_over" in r.when
                             and set(r.grounds) & set(facts.documents)})
            for limit in limits[:1]:
                open_facts.append(("revenue", [
                    (str(limit + 1), f"your organisation's annual revenue is above USD {limit:,}", {"revenue": limit + 1}),
                    (str(limit), f"your organisation's annual revenue is USD {limit:,} or less", {"revenue": limit}),
                ]))
        if facts.family and not facts.documents:
            # A family named without a model: its models come under different terms, so each set is a branch.
            family = next((f for f in families.load_families() if f.name == facts.family), None)
            options = families.choices(family, self.registry) if family else ()
            if len(options) > 1:
                known = tuple(u for u in facts.unknown if u != "models")
                open_facts.append(("documents", [
                    (c.value, c.label, {"documents": c.documents, "unknown": known} if c.documents else
                     {"missing": facts.missing + (c.label,), "unknown": known}) for c in options]))
        return open_facts

    def _branches(self, facts: Facts, fired: list[Firing], tq: textq.TextQuestion | None,
                  open_facts) -> tuple[Branch, ...]:
        """One branch per plausible value of each open deciding fact (`open_facts`, as `_open_facts` gives them), the
        other open facts at their first (most restrictive) value; none when the open facts decide nothing."""
        out = []
        for name, values in open_facts:
            others = {k: v for other, vals in open_facts if other != name for k, v in vals[0][2].items()}
            for value, label, change in values:
                b_fired = self._decide(replace(facts, **others, **change), [], tq)
                out.append(Branch(Assumption(name, value, label), combine([r.verdict for r in b_fired]).value,
                                  _findings(b_fired), tuple(dict.fromkeys(c for r in b_fired for c in r.clauses))))
        if len({(b.verdict, tuple(f.rule_id for f in b.findings)) for b in out}) <= 1:
            return ()  # the open facts decide nothing here
        return tuple(out)

    def _background(self, text: str, terms: set[str], scores=None) -> tuple[Citation, ...]:
        explainers = [d for d, doc in self.corpus.documents.items() if not doc.spec.is_primary]
        if not explainers:
            return ()
        hits = self.searcher.search(text, k=2, doc_ids=explainers, include_secondary=True, scores=scores)
        return tuple(replace(self._citation(h.clause_id, h.score, terms), rank=i) for i, h in enumerate(hits, 1))

    def _cross_check(self, text: str, facts: Facts, fired: list[Firing], verdict: Verdict,
                     clause: ClauseVerdict | None, citations, notes: list[str]) -> tuple[CrossCheck, Verdict, str]:
        """Compare the rules table with the clause-grounded reading; notes only where they tell the reader something
        the answer does not already show."""
        notes = list(notes)
        missing_terms = [m.name for m in facts.models if not m.in_corpus]
        if missing_terms:
            notes.append("Terms not in the corpus for: " + ", ".join(missing_terms) + ".")
        if clause is None:
            return CrossCheck(True, tuple(notes), verdict.value), verdict, ""
        shown = {c.clause_id for c in citations}
        rule_clauses = {c for r in fired for c in r.clauses}
        result = reconcile(verdict, rule_clauses, clause, self.annotations, shown, bool(fired),
                           ranked=list(clause.ranked),
                           deployment_stated=bool(facts.deployments), finding_verdicts={r.verdict for r in fired},
                           weighed=frozenset(c for r in fired if r.rule.excepts for c in r.clauses),
                           ruled=bool({d for r in self.rules.rules for d in r.grounds} & set(facts.documents)))
        notes.extend(result.notes)
        if result.changed:
            notes.insert(0, result.why)
        cross = CrossCheck(agrees=not result.flagged, notes=tuple(notes), rules_verdict=verdict.value,
                           clause_verdict=clause.verdict, clause_ids=clause.clause_ids, headline_changed=result.changed)
        return cross, result.verdict, result.why


_VERDICT_LEAD = {
    Verdict.PERMITTED: "Permitted: the documents allow this and ask for no specific step.",
    Verdict.CONDITIONAL: "Conditional: allowed only if you meet the obligations below.",
    Verdict.NOT_PERMITTED: "Not permitted: the documents forbid this, or it needs a separate grant.",
    Verdict.UNCLEAR: "Unclear: the documents do not settle this.",
}


def _summary(verdict: Verdict, fired: list[Firing], facts: Facts, docs: list[str],
             branches: tuple[Branch, ...] = ()) -> str:
    parts = [_VERDICT_LEAD[verdict]]
    if branches:
        parts.append("The question leaves open a fact the answer depends on: "
                     + "; ".join(f"if {b.assumption.label}: {b.verdict.replace('_', ' ')}" for b in branches)
                     + ". The verdict above is the most restrictive of these.")
    for rule in sorted(fired, key=lambda r: -r.verdict.severity):
        if rule.statement not in parts:
            parts.append(rule.statement)
    if facts.missing:
        parts.append("Not in the corpus: " + "; ".join(facts.missing) + ".")
    if not fired and not is_supported(facts.language):
        parts.append(f"The question appears to be in {language_name(facts.language)}; the scenario reader reads "
                     f"{SUPPORTED_LANGUAGES}, so it cannot say what the question describes.")
    elif not fired:
        if not docs:
            parts.append("The question names no model or licence the corpus holds.")
        parts.append("No rule in the table covers this scenario.")
    parts.append("This is not legal advice; the licence text governs.")
    return " ".join(parts)


def _text_summary(summary: str, verdict: Verdict, tq: textq.TextQuestion, lines: list[str], decided: bool) -> str:
    """The summary of a question about the text: what the named clauses are (and became), after the verdict; a
    question that describes no scenario has nothing to decide, and says so instead of 'the documents do not settle'."""
    lead = _VERDICT_LEAD[verdict]
    if not decided and not tq.scenario:
        summary = summary.replace(lead, "Unclear: this asks about the text and describes no scenario to decide.", 1)
        summary = summary.replace(" No rule in the table covers this scenario.", "", 1)
        lead = "Unclear: this asks about the text and describes no scenario to decide."
    return summary.replace(lead, lead + " " + " ".join(lines), 1) if lines else summary
