"""The obligations checklist: the duties an answer triggers, as typed items each with its clause and verbatim quote.

`corpus/obligations.toml` says, per obligation clause, what kind of duty it is and when it is triggered. A document's
rows are considered when a `conditional` finding is grounded in that document (the rules decided that the scenario is
allowed on conditions); a row becomes an item when its conditions hold for the facts. Quotes and the texts a user must
reproduce (the Notice text, "Built with ...", the name prefix) are cut from the loaded source at their offsets, never
stored: the table holds only regexes that find them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from ingest.corpus import Corpus
from ingest.errors import ConfigError, NotFound, QuoteError
from ingest.settings import CORPUS_DIR
from ingest.tomlfile import read_toml
from retrieval.scenario import Deployment, Facts, Method

OBLIGATIONS = CORPUS_DIR / "obligations.toml"
DISTRIBUTING = {Deployment.WEIGHTS_RELEASE.value, Deployment.ON_DEVICE.value}
_QUOTED = re.compile(r"[\u201c\"]([^\u201c\u201d\"]+)[\u201d\"]")
_BOUNDARY = re.compile(r"[.;][\"\u201d')]*(?=\s)")
_WHEN_KEYS = {"distributes", "deployments", "methods", "not_methods", "flags"}


class ObligationKind(str, Enum):
    LICENCE_COPY = "licence_copy"
    BUILT_WITH = "built_with"
    NAME_PREFIX = "name_prefix"
    NOTICE_FILE = "notice_file"
    USE_RESTRICTIONS = "use_restrictions"
    ATTRIBUTION = "attribution"
    MODIFICATION_NOTICE = "modification_notice"
    SHARE_ALIKE = "share_alike"

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    ObligationKind.LICENCE_COPY: "Licence copy",
    ObligationKind.BUILT_WITH: "\u201cBuilt with\u201d display",
    ObligationKind.NAME_PREFIX: "Name prefix",
    ObligationKind.NOTICE_FILE: "Notice file",
    ObligationKind.USE_RESTRICTIONS: "Use restrictions passed on",
    ObligationKind.ATTRIBUTION: "Attribution",
    ObligationKind.MODIFICATION_NOTICE: "Modification notices",
    ObligationKind.SHARE_ALIKE: "Share-alike licence",
}


@dataclass(frozen=True)
class ObligationRow:
    clause_id: str
    kind: ObligationKind
    instruction: str
    find: re.Pattern[str] | None
    quoted: re.Pattern[str] | None
    when: dict[str, Any]

    @property
    def doc_id(self) -> str:
        return self.clause_id.split(":", 1)[0]

    def applies(self, facts: Facts) -> bool:
        deployments = {d.value for d in facts.deployments}
        methods = {m.value for m in facts.methods}
        for key, value in self.when.items():
            if key == "distributes" and bool(deployments & DISTRIBUTING) != value:
                return False
            if key == "deployments" and not deployments & set(value):
                return False
            if key == "methods" and not methods & set(value):
                return False
            # A release whose method is not said is treated as modified: the safer reading for a checklist.
            if key == "not_methods" and methods and methods <= set(value):
                return False
            if key == "flags" and not all(facts.has(f) for f in value):
                return False
        return True


@dataclass(frozen=True)
class Obligation:
    """One checklist item: a triggered duty with the clause that imposes it."""

    kind: ObligationKind
    label: str
    clause_id: str
    doc_id: str
    title: str
    version: str
    instruction: str
    quote: str
    quote_start: int
    quote_end: int
    text: str | None  # the words to reproduce verbatim (Notice text, "Built with ...", name prefix), when the clause has them
    alternatives: tuple[str, ...]  # other accepted wordings ("Built with Qwen" or "Improved using Qwen")
    rule_ids: tuple[str, ...]

    def to_json(self) -> dict:
        out = asdict(self)
        out["kind"] = self.kind.value
        return out

    def checklist_line(self) -> str:
        words = f" \u201c{self.text}\u201d" if self.text else ""
        return f"- [ ] {self.label}: {self.instruction}{words} ({self.clause_id})"


def _compile(pattern: Any, where: str, field: str, problems: list[str]) -> re.Pattern[str] | None:
    if pattern is None:
        return None
    if not isinstance(pattern, str) or not pattern:
        problems.append(f"{where}: {field} must be a non-empty regex string")
        return None
    try:
        return re.compile(pattern, re.I)
    except re.error as exc:
        problems.append(f"{where}: {field} {pattern!r} is not a valid regex ({exc})")
        return None


@dataclass(frozen=True)
class ObligationTable:
    rows: tuple[ObligationRow, ...]

    @classmethod
    def load(cls, corpus: Corpus | None = None, path: Path | None = None) -> "ObligationTable":
        """Read and validate (against the corpus when given); a ConfigError lists every bad row."""
        path = path or OBLIGATIONS
        data = read_toml(path, "The obligations table")
        rows, problems = [], []
        for n, raw in enumerate(data.get("obligation", []), 1):
            where = f"obligation #{n} ({raw.get('clause', '?')}, {raw.get('kind', '?')})"
            missing = [k for k in ("clause", "kind", "instruction") if not raw.get(k)]
            if missing:
                problems.append(f"{where}: missing field(s) {missing}")
                continue
            unknown = set(raw) - {"clause", "kind", "instruction", "find", "quoted", "when"}
            if unknown:
                problems.append(f"{where}: unknown field(s) {sorted(unknown)}")
            try:
                kind = ObligationKind(raw["kind"])
            except ValueError:
                problems.append(f"{where}: kind must be one of {[k.value for k in ObligationKind]}")
                continue
            when = dict(raw.get("when", {}))
            bad = set(when) - _WHEN_KEYS
            if bad:
                problems.append(f"{where}: unknown condition(s) {sorted(bad)}; valid: {sorted(_WHEN_KEYS)}")
            for key in ("deployments",):
                bad_values = [v for v in when.get(key, []) if v not in {d.value for d in Deployment}]
                if bad_values:
                    problems.append(f"{where}: unknown deployment(s) {bad_values}")
            for key in ("methods", "not_methods"):
                bad_values = [v for v in when.get(key, []) if v not in {m.value for m in Method}]
                if bad_values:
                    problems.append(f"{where}: unknown method(s) {bad_values}")
            rows.append(ObligationRow(raw["clause"], kind, raw["instruction"],
                                      _compile(raw.get("find"), where, "find", problems),
                                      _compile(raw.get("quoted"), where, "quoted", problems), when))
        table = cls(tuple(rows))
        if corpus is not None:
            problems.extend(table.validate(corpus))
        if problems:
            raise ConfigError(f"The obligations table {path} has {len(problems)} problem(s):\n  - " + "\n  - ".join(problems))
        return table

    def validate(self, corpus: Corpus) -> list[str]:
        """Every row's clause exists, its `find` matches the clause and its `quoted` finds exactly the spans it means."""
        problems = []
        seen = set()
        for row in self.rows:
            where = f"obligation {row.clause_id} ({row.kind.value})"
            if (row.clause_id, row.kind) in seen:
                problems.append(f"{where}: listed twice")
            seen.add((row.clause_id, row.kind))
            if row.doc_id not in corpus.documents:
                continue  # an unloaded document is reported by `clausewise corpus`
            try:
                clause = corpus.clause(row.clause_id)
            except NotFound as exc:
                problems.append(f"{where}: {exc}")
                continue
            if row.find and not row.find.search(clause.text):
                problems.append(f"{where}: find {row.find.pattern!r} does not match the clause text")
            if row.quoted and not _spans(clause.text, row.quoted):
                problems.append(f"{where}: quoted {row.quoted.pattern!r} matches no quoted span of the clause")
        return problems

    def for_documents(self, doc_ids: Iterable[str]) -> list[ObligationRow]:
        wanted = set(doc_ids)
        return [r for r in self.rows if r.doc_id in wanted]

    def items(self, findings: Iterable, facts: Facts, corpus: Corpus) -> tuple[Obligation, ...]:
        """The checklist for an answer's findings (anything with `verdict` and `clause_ids`, and `rule_id`)."""
        triggered: dict[str, list[str]] = {}
        for f in findings:
            if getattr(f, "verdict", None) != "conditional":
                continue
            for cid in f.clause_ids:
                triggered.setdefault(cid.split(":", 1)[0], [])
                rule_id = getattr(f, "rule_id", "")
                if rule_id and rule_id not in triggered[cid.split(":", 1)[0]]:
                    triggered[cid.split(":", 1)[0]].append(rule_id)
        return self.items_for(triggered, facts, corpus)

    def items_for(self, documents: dict[str, list[str]] | Iterable[str], facts: Facts,
                  corpus: Corpus) -> tuple[Obligation, ...]:
        """The checklist for these governing documents (doc id -> rule ids behind it, or just doc ids)."""
        docs = documents if isinstance(documents, dict) else {d: [] for d in documents}
        out = []
        for row in self.for_documents(docs):
            if row.doc_id in corpus.documents and row.applies(facts):
                out.append(make_item(row, corpus, tuple(docs[row.doc_id])))
        order = {d: i for i, d in enumerate(docs)}
        kinds = list(ObligationKind)
        return tuple(sorted(out, key=lambda o: (order.get(o.doc_id, 99), kinds.index(o.kind))))


def _spans(text: str, pattern: re.Pattern[str]) -> list[tuple[int, int]]:
    """Offsets (inside `text`) of the quoted spans that `pattern` matches."""
    return [(m.start(1), m.end(1)) for m in _QUOTED.finditer(text) if pattern.search(m.group(1).strip())]


def _sentence_around(text: str, a: int, b: int) -> tuple[int, int]:
    """The smallest run of whole sentences of `text` covering [a, b); a quoted span never ends a sentence, so a notice
    such as "... Ltd. All Rights Reserved" stays whole."""
    if len(text) <= 400:
        return 0, len(text)
    inside = [(m.start(), m.end()) for m in _QUOTED.finditer(text)]
    cuts = [m.end() for m in _BOUNDARY.finditer(text) if not any(s < m.start() < e for s, e in inside)]
    start = max([c for c in cuts if c <= a], default=0)
    end = min([c for c in cuts if c >= b], default=len(text))
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def make_item(row: ObligationRow, corpus: Corpus, rule_ids: tuple[str, ...] = ()) -> Obligation:
    clause = corpus.clause(row.clause_id)
    doc = corpus.documents[clause.doc_id]
    text, alternatives = None, ()
    spans = _spans(clause.text, row.quoted) if row.quoted else []
    if spans:
        words = [clause.text[a:b].strip() for a, b in spans]
        text, alternatives = words[0], tuple(dict.fromkeys(w for w in words[1:] if w != words[0]))
        a, b = spans[0][0], spans[-1][1]
    elif row.find and (m := row.find.search(clause.text)):
        a, b = m.start(), m.end()
    else:
        a, b = 0, len(clause.text)
    qa, qb = _sentence_around(clause.text, a, b)
    quote = clause.text[qa:qb]
    start = clause.start + qa
    if doc.text[start:start + len(quote)] != quote:
        raise QuoteError(f"Stored text for {row.clause_id} does not match its source; the obligation was not shown.")
    return Obligation(row.kind, row.kind.label, row.clause_id, clause.doc_id, doc.spec.title, doc.spec.version,
                      row.instruction, quote, start, start + len(quote), text, alternatives, rule_ids)


def _normal(name: str) -> str:
    # Repository names cannot hold spaces, so "Llama-3-Bot", "Llama_3 Bot" and "Llama3Bot" all begin with "Llama 3".
    return re.sub(r"[\s\-_./:]+", "", name).lower()


def apply_name_prefix(name: str, items: Iterable[Obligation]) -> tuple[bool, str, tuple[str, ...]]:
    """Check a model name against every name-prefix duty: (ok, a name that meets them, the prefixes required).

    The licences say the prefix goes "at the beginning" of the name; separators (space, '-', '_', '.') are ignored, so
    "Llama-3-MyBot" and "Llama3-MyBot" meet "Llama 3". An org in front ("acme/Llama-3-MyBot") is not part of the name.
    """
    prefixes = tuple(dict.fromkeys(o.text for o in items if o.kind is ObligationKind.NAME_PREFIX and o.text))
    bare = name.rsplit("/", 1)[-1].strip()
    if not prefixes:
        return True, bare, ()
    ok = all(_normal(bare).startswith(_normal(p)) for p in prefixes)
    if ok:
        return True, bare, prefixes
    longest = max(prefixes, key=len)  # "Llama 3" also begins with "Llama"
    return False, longest.replace(" ", "-") + "-" + bare, prefixes


def checklist_markdown(items: Iterable[Obligation]) -> str:
    """The checklist as Markdown task items, with each clause's quote below it: ready to paste into an issue or a PR."""
    lines = []
    for o in items:
        lines.append(o.checklist_line())
        if o.alternatives:
            lines.append("  - or: " + " / ".join(f"\u201c{a}\u201d" for a in o.alternatives))
        lines.append(f"  > {' '.join(o.quote.split())} ({o.title}, {o.version}, {o.clause_id})")
    return "\n".join(lines)
