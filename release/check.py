"""`clausewise check`: does a release (model card, mergekit config or lineage file) meet the terms it inherits?

The lineage is walked to the governing documents, the facts of the release are answered by the same engine as `ask`
(`Engine.answer(question, facts=...)`), the triggered obligations come from retrieval.obligations, and each duty is
compared with what the card shows. Findings use a fixed vocabulary, each with clause ids, verbatim quotes and a fix.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from enum import Enum

from ingest.annotations import Effect
from ingest.errors import NotFound
from release.clause_check import RESTRICTIVE, ClauseApplied, apply_annotations
from release.inputs import ReleaseSpec, Relation, Role
from release.lineage import LineageNode, walk
from release.terms import LicenceTerms
from retrieval.obligations import Obligation, ObligationKind, ObligationTable, apply_name_prefix
from retrieval.rules import TARGETS
from retrieval.scenario import Facts, Method, ModelRef, Role as FactRole, resolve_versions


class FindingKind(str, Enum):
    LICENCE_MISMATCH = "licence-mismatch"
    MISSING_NAME_PREFIX = "missing-name-prefix"
    MISSING_ATTRIBUTION = "missing-attribution"
    MISSING_LICENCE_COPY = "missing-licence-copy"
    MISSING_NOTICE = "missing-notice"
    USE_RESTRICTIONS_NOT_PASSED_ON = "use-restrictions-not-passed-on"
    NON_COMMERCIAL_DATA = "non-commercial-data"
    CONFLICTING_SOURCES = "conflicting-sources"
    UNKNOWN_BASE_TERMS = "unknown-base-terms"
    # From the clause annotations: a triggered clause that no rule, obligation item or finding above reports.
    CLAUSE_PROHIBITION = "clause-prohibition"
    CLAUSE_OBLIGATION = "clause-obligation"


class Severity(str, Enum):
    VIOLATION = "violation"
    INCOMPLETE = "incomplete"
    UNCLEAR = "unclear"


class CardVerdict(str, Enum):
    COMPLIANT = "compliant"
    INCOMPLETE = "incomplete"
    VIOLATION = "violation"
    UNCLEAR = "unclear"


@dataclass(frozen=True)
class Quote:
    clause_id: str
    quote: str


@dataclass(frozen=True)
class CheckFinding:
    kind: FindingKind
    severity: Severity
    message: str
    clause_ids: tuple[str, ...]
    quotes: tuple[Quote, ...]
    fix: str

    def to_json(self) -> dict:
        return {"kind": self.kind.value, "severity": self.severity.value, "message": self.message,
                "clause_ids": list(self.clause_ids), "quotes": [{"clause_id": q.clause_id, "quote": q.quote} for q in self.quotes],
                "fix": self.fix}


@dataclass(frozen=True)
class CheckReport:
    spec: ReleaseSpec
    verdict: CardVerdict
    lineage: LineageNode
    documents: tuple[str, ...]  # governing documents, most important first
    findings: tuple[CheckFinding, ...]
    obligations: tuple[Obligation, ...]
    answer: object  # retrieval.answer.Answer for the release's facts
    facts: Facts
    notes: tuple[str, ...]
    clauses: tuple[ClauseApplied, ...] = ()  # the annotated clauses the release's facts trigger, each with its cover

    def to_json(self) -> dict:
        return {"path": self.spec.path, "kind": self.spec.kind, "name": self.spec.name, "verdict": self.verdict.value,
                "declared_licence": {"license": self.spec.licence, "license_name": self.spec.licence_name,
                                     "license_link": self.spec.licence_link},
                "lineage": self.lineage.to_json(), "documents": list(self.documents),
                "datasets": [{"ref": d.ref, "licence": d.licence} for d in self.spec.datasets],
                "findings": [f.to_json() for f in self.findings],
                "obligations": [o.to_json() for o in self.obligations],
                "rule_findings": [{"rule_id": f.rule_id, "verdict": f.verdict, "statement": f.statement,
                                   "clause_ids": list(f.clause_ids)} for f in self.answer.findings],
                "clause_annotations": [c.to_json() for c in self.clauses],
                "notes": list(self.notes)}


_METHOD = {Relation.FINETUNE: Method.FULL_FINETUNE, Relation.ADAPTER: Method.LORA, Relation.MERGE: Method.MERGE,
           Relation.QUANTIZED: Method.QUANTIZATION, Relation.DISTILLED: Method.DISTILLATION}
_ROLE = {Role.BASE: FactRole.BASE, Role.MERGE_SOURCE: FactRole.MERGE_SOURCE, Role.TEACHER: FactRole.OUTPUT_SOURCE}
_RESTRICTIONS = re.compile(r"use[- ]based restrictions|use restrictions|prohibited use|acceptable use policy|attachment a",
                           re.I)


def _norm(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u201c", '"').replace("\u201d", '"')
    return " ".join(text.split()).lower()


def _relations(node: LineageNode) -> list[Relation]:
    out = [Relation(node.relation)] if node.relation in {r.value for r in Relation} else []
    for c in node.children:
        out.extend(_relations(c))
    return out


def release_facts(spec: ReleaseSpec, lineage: LineageNode, registry, corpus, terms: LicenceTerms) -> Facts:
    """The release as Facts for the rules: who is what, how it was made, how it ships, what licence it claims."""
    models, seen = [], set()
    for leaf in lineage.leaves():
        if leaf.model_id and leaf.model_id not in seen:
            seen.add(leaf.model_id)
            entry = registry.get(leaf.model_id)
            models.append(ModelRef(entry.id, entry.name, _ROLE[leaf.role], tuple(entry.documents), entry.in_corpus,
                                   entry.licence, entry.family, entry.modality.value == "multimodal"))
    methods = [_METHOD[r] for r in _relations(lineage) if r in _METHOD]
    if any(s.role is Role.TEACHER for s in spec.sources):
        methods.append(Method.DISTILLATION)
    documents = resolve_versions(tuple(d for d in lineage.documents if d in corpus.documents), "")
    declared = terms.declared_docs(spec.licence, spec.licence_name)
    target = None
    if spec.licence and declared and not set(declared) & set(documents):
        lic = declared[0]
        target = lic if lic in TARGETS else "proprietary"
    flags = tuple(dict.fromkeys(spec.flags + (("commercial",) if spec.commercial else ())))
    uses: tuple[str, ...] = ()
    if spec.intended_use:
        from retrieval.scenario import read_facts

        uses = read_facts(spec.intended_use, registry).use_cases
    return Facts(models=tuple(models), documents=documents, methods=tuple(dict.fromkeys(methods)) or (Method.PLAIN_USE,),
                 deployments=spec.deployments, target_licence=target, flags=flags, mau=spec.monthly_users,
                 revenue=spec.revenue, eu=spec.eu, use_cases=uses, unknown=() if models else ("models",))


def _question(spec: ReleaseSpec) -> str:
    bases = ", ".join(s.ref for s in spec.sources)
    licence = spec.licence_name or spec.licence or "no stated licence"
    how = {"weights_release": "publish the weights", "hosted": "serve it as an API", "on_device": "ship it on devices",
           "internal": "use it internally"}
    ship = " and ".join(how.get(d.value, d.value) for d in spec.deployments)
    return f"We {ship} of {spec.name}, a {spec.relation.value} of {bases}, under {licence}."


class Checker:
    """Checks releases against the loaded corpus; construct once from Services."""

    def __init__(self, services, terms: LicenceTerms | None = None, obligations: ObligationTable | None = None):
        self.services = services
        self.terms = terms or LicenceTerms.load()
        self.table = obligations or services.engine.obligations or ObligationTable.load(services.corpus)

    def _quotes(self, clause_ids, answer) -> tuple[Quote, ...]:
        cited = {c.clause_id: c.quote for c in answer.citations}
        out = []
        for cid in dict.fromkeys(clause_ids):
            try:
                text = self.services.corpus.clause(cid).text
            except NotFound:  # a clause of an unloaded document: the id stays, the quote cannot be shown
                continue
            # A short clause is quoted whole; a long one by the sentence the answer verified.
            out.append(Quote(cid, text if len(text) <= 700 or cid not in cited else cited[cid]))
        return tuple(out)

    def obligations_for(self, facts: Facts, answer) -> tuple[Obligation, ...]:
        """Obligations of every governing licence as if the release kept its inherited terms (what it must do)."""
        rule_ids: dict[str, list[str]] = {d: [] for d in facts.documents}
        for f in answer.findings:
            if f.verdict == "conditional":
                for cid in f.clause_ids:
                    rule_ids.setdefault(cid.split(":", 1)[0], [])
                    if f.rule_id not in rule_ids[cid.split(":", 1)[0]]:
                        rule_ids[cid.split(":", 1)[0]].append(f.rule_id)
        return self.table.items_for(rule_ids, replace(facts, target_licence=None), self.services.corpus)

    def check(self, spec: ReleaseSpec) -> CheckReport:
        s = self.services
        lineage = walk(spec, s.registry)
        facts = release_facts(spec, lineage, s.registry, s.corpus, self.terms)
        question = _question(spec)
        answer = s.engine.answer(question, facts=facts)
        kept = answer if facts.target_licence is None else s.engine.answer(question, facts=replace(facts, target_licence=None))
        obligations = self.obligations_for(facts, kept)
        findings: list[CheckFinding] = []
        notes = list(spec.notes)
        declared = set(self.terms.declared_docs(spec.licence, spec.licence_name))
        licences = [d for d in facts.documents if self.terms.get(d)]
        passing = [d for d in licences if self.terms.get(d).passes_through]
        text = _norm(spec.card_text)
        by_doc: dict[str, list[str]] = {}
        for leaf in lineage.leaves():
            for d in leaf.documents:
                by_doc.setdefault(d, []).append(leaf.ref)

        for leaf in lineage.leaves():
            if not leaf.in_corpus:
                why = ("is not in the model registry" if leaf.resolved_by == "unresolved"
                       else f"is governed by {leaf.licence}, which is not in the corpus")
                findings.append(CheckFinding(
                    FindingKind.UNKNOWN_BASE_TERMS, Severity.UNCLEAR, f"{leaf.ref} {why}, so its terms cannot be checked.",
                    (), (), "Name the source by its Hugging Face id (base_model), or describe the chain in a lineage "
                            "TOML; if its licence is missing, add it with `clausewise add FILE`."))

        mismatched = set()
        if spec.licence and spec.licence.strip().lower() != "other" or spec.licence_name:
            for d in passing:
                if d in declared:
                    continue
                mismatched.add(d)
                info = self.terms.get(d)
                title = s.corpus.documents[d].spec.title
                copy = [o.clause_id for o in obligations if o.doc_id == d and o.kind is ObligationKind.LICENCE_COPY]
                ruled = [c for f in answer.findings if f.verdict == "not_permitted" for c in f.clause_ids
                         if c.split(":", 1)[0] == d]
                ids = tuple(dict.fromkeys(copy + ruled)) or tuple(c for f in answer.findings for c in f.clause_ids
                                                                  if c.startswith(d + ":"))[:2]
                label = spec.licence_name or spec.licence
                findings.append(CheckFinding(
                    FindingKind.LICENCE_MISMATCH, Severity.VIOLATION,
                    f"The card declares `{label}`, but {title} governs this {spec.relation.value} through "
                    f"{', '.join(by_doc.get(d, [])) or 'its sources'}; a derivative must stay under those terms.",
                    ids, self._quotes(ids, answer),
                    f"Declare `license: {info.card_licences[0]}` (or `license: other` with `license_name: "
                    f"{info.card_licences[0]}`), ship {title} as LICENSE, and add your own terms only for your changes."))

        has_file = any(f.startswith(("license", "licence", "copying")) for f in spec.files) or bool(spec.licence_link)
        for o in obligations:
            if o.kind is ObligationKind.LICENCE_COPY and o.doc_id not in mismatched and not has_file:
                findings.append(CheckFinding(
                    FindingKind.MISSING_LICENCE_COPY, Severity.INCOMPLETE,
                    f"No copy of {o.title} is shipped or linked (no LICENSE file beside the card, no license_link).",
                    (o.clause_id,), (Quote(o.clause_id, o.quote),),
                    f"Ship the text of {o.title} as a LICENSE file with the weights and set `license_link: LICENSE` "
                    "(`clausewise obligations PATH` writes it, with its sha256)."))
            elif o.kind is ObligationKind.NOTICE_FILE and o.text:
                if not any(f.startswith("notice") for f in spec.files) and _norm(o.text) not in text:
                    findings.append(CheckFinding(
                        FindingKind.MISSING_NOTICE, Severity.INCOMPLETE,
                        f"The Notice required by {o.clause_id} is not visible (no NOTICE file, not on the card).",
                        (o.clause_id,), (Quote(o.clause_id, o.quote),),
                        f"Ship a text file named NOTICE containing exactly: \u201c{' '.join(o.text.split())}\u201d"))
            elif o.kind is ObligationKind.BUILT_WITH and o.text:
                wanted = [o.text, *o.alternatives]
                tails = [re.sub(r"^\[[^\]]*\]\s*", "", w) for w in wanted]  # Falcon's "[name] is built using ..."
                if not any(_norm(t) in text for t in tails):
                    shown = " or ".join(f"\u201c{w}\u201d" for w in wanted)
                    findings.append(CheckFinding(
                        FindingKind.MISSING_ATTRIBUTION, Severity.INCOMPLETE,
                        f"The card does not display {shown}, which {o.clause_id} requires.",
                        (o.clause_id,), (Quote(o.clause_id, o.quote),),
                        f"Add {shown} to the model card (for example in its licence section)."))
            elif o.kind is ObligationKind.USE_RESTRICTIONS and o.doc_id not in declared:
                severity = Severity.VIOLATION if o.doc_id in mismatched else Severity.INCOMPLETE
                if severity is Severity.INCOMPLETE and _RESTRICTIONS.search(spec.card_text):
                    continue
                findings.append(CheckFinding(
                    FindingKind.USE_RESTRICTIONS_NOT_PASSED_ON, severity,
                    (f"The card's licence `{spec.licence_name or spec.licence}` does not carry the use restrictions "
                     if o.doc_id in mismatched else "The card does not pass on the use restrictions ")
                    + f"that {o.clause_id} requires to be enforceable on every recipient.",
                    (o.clause_id,), (Quote(o.clause_id, o.quote),),
                    f"Keep {o.title} as the licence (it carries them), or put its use restrictions into your own "
                    "licence as an enforceable provision and tell users the model is subject to them."))

        copies = {o.doc_id for o in obligations if o.kind is ObligationKind.LICENCE_COPY}
        for o in obligations:
            # MIT's "permission notice" is the licence text itself: keeping it means shipping the licence.
            if o.kind is ObligationKind.ATTRIBUTION and o.doc_id == "mit" and o.doc_id not in copies and not has_file:
                findings.append(CheckFinding(
                    FindingKind.MISSING_LICENCE_COPY, Severity.INCOMPLETE,
                    f"No copy of the {o.title} (its copyright and permission notice) is shipped or linked.",
                    (o.clause_id,), (Quote(o.clause_id, o.quote),),
                    "Ship the upstream LICENSE file (copyright line and MIT permission notice) with the weights."))

        prefix = [o for o in obligations if o.kind is ObligationKind.NAME_PREFIX]
        conversion_only = set(facts.methods) <= {Method.QUANTIZATION}
        if prefix:
            ok, fixed, needed = apply_name_prefix(spec.name, prefix)
            if not ok and conversion_only:
                # A format conversion that keeps the original's name ("Meta-Llama-3-8B-Instruct-GGUF") names the
                # same model; only a name that drops the model's name is a problem then.
                ok = all(re.sub(r"[\s\-_./]+", "", p).lower() in re.sub(r"[\s\-_./]+", "", spec.name).lower()
                         for p in needed)
            if not ok:
                ids = tuple(dict.fromkeys(o.clause_id for o in prefix))
                findings.append(CheckFinding(
                    FindingKind.MISSING_NAME_PREFIX, Severity.VIOLATION,
                    f"The model name `{spec.name}` does not begin with " + " and ".join(f"\u201c{p}\u201d" for p in needed) + ".",
                    ids, tuple(Quote(o.clause_id, o.quote) for o in prefix), f"Rename the model to `{fixed}`."))

        for ds in spec.datasets:
            docs = self.terms.declared_docs(ds.licence)
            if "cc-by-nc-4.0" in docs:
                commercial = bool(spec.commercial)
                ids = ("cc-by-nc-4.0:2.a.1.b", "cc-by-nc-4.0:1.i")
                findings.append(CheckFinding(
                    FindingKind.NON_COMMERCIAL_DATA, Severity.VIOLATION if commercial else Severity.UNCLEAR,
                    f"Dataset {ds.ref} is licensed CC BY-NC 4.0: adapted material may be shared for non-commercial "
                    "purposes only" + (", and this release is commercial." if commercial else
                                       "; whether trained weights are adapted material is not settled by the text."),
                    ids, self._quotes(ids, answer),
                    "Train on data whose licence allows commercial use, get a commercial licence from the dataset's "
                    "rights holder, or release the model for non-commercial use only."))
            if "cc-by-sa-4.0" in docs and passing:
                ids = ("cc-by-sa-4.0:3.b.1",) + tuple(o.clause_id for o in obligations
                                                      if o.kind is ObligationKind.LICENCE_COPY and o.doc_id in passing)[:1]
                findings.append(CheckFinding(
                    FindingKind.CONFLICTING_SOURCES, Severity.UNCLEAR,
                    f"Dataset {ds.ref} is CC BY-SA 4.0, whose share-alike clause asks adapted material to carry a BY-SA "
                    f"licence, while {', '.join(passing)} must govern the model: both cannot hold if the weights "
                    "are adapted material.", ids, self._quotes(ids, answer),
                    "Get legal advice on whether the weights are adapted material, or replace the share-alike data."))

        sources = {leaf.model_id for leaf in lineage.leaves() if leaf.model_id}
        for f in kept.findings:
            if f.verdict != "not_permitted":
                continue
            kind = FindingKind.CONFLICTING_SOURCES if len(sources) > 1 else FindingKind.LICENCE_MISMATCH
            findings.append(CheckFinding(kind, Severity.VIOLATION, f.statement + f" (rule {f.rule_id})", f.clause_ids,
                                         self._quotes(f.clause_ids, kept),
                                         "Remove the source whose terms forbid this combination or use, or get a "
                                         "separate licence from its licensor."))
        teachers = [leaf for leaf in lineage.leaves() if leaf.role is Role.TEACHER and leaf.in_corpus]
        if teachers and "competing" not in facts.flags:
            notes.append("Teacher terms apply (" + ", ".join(t.ref for t in teachers) + "): say in the lineage file "
                         "(flags = [\"competing\"]) whether the model competes with the teacher's provider.")
        for f in kept.findings:
            if f.verdict == "unclear":
                notes.append(f"Open question ({f.rule_id}): {f.statement}")

        clauses = self._annotated(facts, findings, obligations, (answer, kept))
        for c in clauses:
            if c.new:
                findings.append(self._clause_finding(c, kept))

        severities = {f.severity for f in findings}
        verdict = (CardVerdict.VIOLATION if Severity.VIOLATION in severities else
                   CardVerdict.UNCLEAR if Severity.UNCLEAR in severities else
                   CardVerdict.INCOMPLETE if Severity.INCOMPLETE in severities else CardVerdict.COMPLIANT)
        if not lineage.leaves() or not facts.models:
            verdict = CardVerdict.UNCLEAR if verdict is not CardVerdict.VIOLATION else verdict
        return CheckReport(spec, verdict, lineage, facts.documents, tuple(findings), obligations, answer, facts,
                           tuple(dict.fromkeys(notes)), tuple(clauses))

    def _annotated(self, facts: Facts, findings, obligations, answers) -> list[ClauseApplied]:
        reported: dict[str, str] = {}
        prohibited: dict[str, str] = {}
        for a in answers:
            for f in a.findings:
                if f.verdict == "not_permitted":
                    for cid in f.clause_ids:
                        prohibited.setdefault(cid.split(":", 1)[0], f"rule {f.rule_id} (not_permitted)")
        for f in findings:
            for cid in f.clause_ids:
                reported.setdefault(cid, f"finding {f.kind.value}")
        for o in obligations:
            reported.setdefault(o.clause_id, f"obligation {o.kind.value}")
        for a in answers:
            for f in a.findings:
                for cid in f.clause_ids:
                    reported.setdefault(cid, f"rule {f.rule_id} ({f.verdict})")
        s = self.services
        def text_of(clause_id: str) -> str:
            try:
                return s.corpus.clause(clause_id).text
            except NotFound:
                return ""

        return apply_annotations(facts, s.annotations, set(s.corpus.documents), reported, s.corpus.linked, prohibited,
                                 text_of)

    def _clause_finding(self, c: ClauseApplied, answer) -> CheckFinding:
        rows = self.services.annotations.rows_for(c.clause_id) if self.services.annotations else ()
        row = next((r for r in rows if r.effect.value == c.effect), None)
        quotes = self._quotes((c.clause_id,), answer)
        proposed = "; the annotation is a proposal, not yet reviewed" if c.status == "proposed" else ""
        if row is not None and row.effect is Effect.INCORPORATION:
            name = row.incorporates.removeprefix("external:")
            return CheckFinding(
                FindingKind.UNKNOWN_BASE_TERMS, Severity.UNCLEAR,
                f"{c.clause_id} incorporates {name}, which the corpus lacks, so the terms it adds cannot be checked.",
                (c.clause_id,), quotes, f"Get the current text of {name} and check the release against it (add it with "
                                        "`clausewise add FILE` to have it applied).")
        if row is not None and row.effect in RESTRICTIVE:
            return CheckFinding(
                FindingKind.CLAUSE_PROHIBITION, Severity.VIOLATION if c.status == "reviewed" else Severity.UNCLEAR,
                f"{c.clause_id} ({c.effect}) applies to this release ({c.reason}{proposed}), and no rule reports "
                f"it: {c.gloss}",
                (c.clause_id,), quotes,
                row.alternative or "Change the release so the clause no longer applies (its use, how it ships, who "
                                   "uses it), or get a separate licence from the licensor.")
        return CheckFinding(
            FindingKind.CLAUSE_OBLIGATION, Severity.INCOMPLETE,
            f"{c.clause_id} ({c.effect}) applies to this release ({c.reason}{proposed}), and nothing on the card "
            f"shows it met: {c.gloss}", (c.clause_id,), quotes,
            "Meet the duty and say so in the card's licence section (or ship the file it asks for).")
