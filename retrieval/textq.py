"""Questions about the text itself: a named section ("s.1.b.v", "§1(b)(v)", "Attachment A (m)", "第2条"), a quoted
clause, and a comparison of two versions ("does s.1.b.v of the Llama 3 licence survive in 3.1?").

A reference is resolved against the governing documents of the question to a real clause id, through the clause
parser's own numbering (and the printed numbers where a document's paths carry extra segments); an alias of an old id
resolves too, and a reference that names no clause is reported as unknown, never guessed. A comparison names the two
versions and, through `retrieval.versions`, what each named clause became (present, changed with a word diff, removed
or added, and where a removed clause's subject went). `focus` then keeps the verdict on the rules grounded in the named
clauses, so an unrelated scenario rule never answers a question about a clause.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, replace

from ingest.clauses import Clause
from ingest.corpus import Corpus, Document
from ingest.sections import descendants
from ingest.sources import DocKind
from retrieval.citeform import pinpoint
from retrieval.clause_verdict import holds, triggered, unstated
from retrieval.rules import Firing, Rule, Verdict
from retrieval.versions import (CHANGED, PRESENT, REMOVED, VersionStatus, compare_clause, pin, series, topic_statuses,
                                version_label)

_EFFECTS = {"prohibition": Verdict.NOT_PERMITTED, "threshold": Verdict.NOT_PERMITTED, "termination": Verdict.NOT_PERMITTED,
            "obligation": Verdict.CONDITIONAL, "condition": Verdict.CONDITIONAL, "grant": Verdict.PERMITTED}
# Someone who acts: a question about what "we" or "the client" may do describes a scenario, however short.
_ACTOR = re.compile(r"\b(?:i|i'm|we|we're|my|our|us|me|client|licensee|company|startup|customer|employer)s?\b|我们|我", re.I)
SCENARIO_WORDS = 25  # a question longer than this, quotes aside, describes a situation and not only wording

# A reference introduced by a word: s.1.b.v, §1(b)(v), Section 2, clause 3.2, para 4(a), Art. 5, item 8.
_LABEL = r"(?:[0-9]{1,2}(?![0-9]))(?:\.[0-9]{1,2}(?![0-9])|\.[a-z]{1,4}(?![a-z0-9])|\s?\([0-9a-z]{1,4}\))*"
_WORDED = re.compile(r"(?<![\w])(?:ss?\.\s?|§{1,2}\s?|sec(?:tion)?s?\.?\s|clauses?\s|cl\.\s?|para(?:graph)?s?\.?\s|items?\s|"
                     r"abschnitt\s|ziffer\s|klausel\s|secci[oó]n\s|cl[aá]usula\s|apartado\s|se[cç][aã]o\s|al[ií]n[eé]a\s)"
                     r"\s*(?P<label>" + _LABEL + r")", re.I)
_MORE = re.compile(r"\s*(?:,|and|or|&)\s*(?P<label>" + _LABEL + r")(?![\w.])")
# "Section III" of the OpenRAIL licences: upper-case Roman numerals only, so "items I need" is no reference.
_ROMAN_SECTION = re.compile(r"\b[Ss]ection\s+(?P<label>[IVX]{1,4})\b")
# A section of a law or of another instrument ("Article 50 of the EU AI Act", "section 107 of the Copyright Act").
_FOREIGN = re.compile(r"^\s*(?:of|in|under)\s+(?:the\s+)?(?:eu\s+|us\s+|u\.s\.\s+)?(?:ai act|gdpr|dmca|ccpa|[\w\s]{0,30}?\b(?:act|"
                      r"regulation|directive|code|constitution|treaty|convention|statute|law|u\.?s\.?c\.?)\b)", re.I)
# Bare labels that cannot be a version number: 1.1(e), 4(a), 1.b.v, 5.b; and 5.1 only when the text says what it says.
_BARE = re.compile(r"(?<![\w.\-/])(?P<label>[0-9]{1,2}(?:\.[0-9]{1,2})?(?:\([0-9a-z]{1,4}\))+"
                   r"|[0-9]{1,2}\.[a-z]{1,4}(?:\.[ivx]{1,4})?(?![\w.])"
                   r"|[0-9]{1,2}\.[0-9]{1,2}(?=\s+(?:says|states|provides|reads|requires|allows|permits|forbids|bans)\b))",
                   re.I)
_SCOPED = re.compile(r"\b(?:attachment\s+a|use[\s-]restrictions?|restrictions?)\s*(?:,\s*)?(?:item\s*|para(?:graph)?\s*)?"
                     r"\((?P<label>[a-z]{1,3})\)", re.I)
_CHINESE = re.compile(r"第\s*(?P<label>[0-9一二三四五六七八九十]{1,4})\s*[条條款节節]")
_DEFINITION = re.compile(r"\bdefinition of\s+(?:the\s+)?[\"\u201c']?(?P<term>[A-Za-z][\w .\-]{1,40}?)[\"\u201d']?(?=[\s,.;:?)]|$)",
                         re.I)
_QUOTED = re.compile(r"[\"\u201c](?P<q>[^\"\u201c\u201d]{16,600})[\"\u201d]|(?:(?<=\s)|^)'(?P<s>[^']{16,300})'(?=[\s.,;:?!)]|$)")
# A version number that follows a model family is a version, not a section ("Llama 3.1", "gemma 2", "qwen2.5").
_AFTER_FAMILY = re.compile(r"(?:llama|gemma|qwen|mistral|phi|gpt|falcon|deepseek|version|v|sd|stable diffusion)[\s\-]*$", re.I)
_ROMAN = {"i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii"}
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}

# A comparison of versions, in the ways people ask it; a mere negation ("Llama 3, not 3.1") is not one.
_COMPARE = re.compile(
    r"\b(?:what(?:'s| has| have)? changed|what are the changes|changes? (?:between|from)|"
    r"changes? in (?:the )?(?:new |latest |later )?(?:version|revision|v?[0-9])|differences? (?:between|from)|"
    r"differ\w* (?:from|between|in)|compared? (?:with|to)|versus|vs\.?|surviv\w* (?:in|into)\b|"
    r"still (?:in|there|present|have|has|contain\w*|say\w*|require\w*|include\w*)|same as (?:in|under)|is (?:it|that|this) the same|carr(?:y|ied|ies) over|"
    r"between (?:the )?(?:[\w.\-]+ ){0,3}?(?:v?[0-9]{1,4}(?:\.[0-9])?|20[0-9]{2})\b[\w .\-]{0,30}? and|"
    r"(?:did|does|has|have|was|were)\s+(?:the\s+)?(?:[\w.*\-]+\s+){0,6}?(?:licen[cs]es?|terms|tou|agreement|polic(?:y|ies)|aup|pup|"
    r"version|revision|update|text|wording)\s+(?:\w+\s+){0,3}?(?:drop|remove|change|keep|retain|survive|rewrite|reword)\w*|"
    r"revision|removed in|added in)\b", re.I)
# With only one version named, the question must say that something changed, for the other to be its neighbour.
_ONE_VERSION = re.compile(r"\b(?:what(?:'s| has| have)? changed|changes? in|(?:did|does|has|have|was|were|is)\b[^?.]{0,80}\b(?:chang|drop|"
                          r"remov|surviv|rewr|rewor|revis)\w*|surviv\w* (?:in|into)\b|still (?:in|there|present|have|has|"
                          r"contain\w*|say\w*|require\w*|include\w*)|revision|revised|new version|old version|previous version|"
                          r"earlier version|carr(?:y|ied|ies) over)\b", re.I)
_POLICY_WORDS = re.compile(r"\b(?:aup|acceptable[\s-]use|use policy|prohibited[\s-]use|pup|policy)\b", re.I)
# The question takes the clause as a premise and asks whether a conclusion follows (rather than asking under it).
_PREMISE = re.compile(r"\b(?:says?|said|states?|provides?|reads?|according to|is my reading|my reading|am i reading|"
                      r"read(?:ing)? (?:it|this|that) right|so (?:i|we) can|right\?|correct\?)\b|\bsince\b", re.I)
_CLAIM_PERMISSIVE = re.compile(r"\b(?:can|may|allowed|fine|ok(?:ay)?|free to|no strings|nothing (?:to do|owed)|"
                               r"(?:don'?t|do not|doesn'?t|does not) (?:owe|need|have to|apply|require)|"
                               r"not (?:required|needed|bound|owed))\b(?!'t|not)", re.I)
_NO_DUTY = re.compile(r"\b(?:don'?t|do not|doesn'?t|no)\s+(?:\w+\s+)?(?:owe|need|have to)\b", re.I)
# The user's conclusion against the verdict: (claim, verdict) -> (supported, explanation).
_READINGS = {
    ("permissive", "permitted"): ("yes", "The clause supports your reading: this is allowed and asks for no specific step."),
    ("permissive", "conditional"): ("partly", "Only in part: it is allowed, but on the conditions listed below."),
    ("permissive", "not_permitted"): ("no", "The clause does not support your reading: the terms forbid this (see the findings)."),
    ("restrictive", "not_permitted"): ("yes", "The clause supports your reading: the terms forbid this."),
    ("restrictive", "conditional"): ("partly", "Only in part: it is not barred, but allowed only on the conditions listed below."),
    ("restrictive", "permitted"): ("no", "The clause does not support your reading: the terms allow this."),
}
_CLAIM_RESTRICTIVE = re.compile(r"\b(?:barred|banned|forbidden|prohibited|not allowed|can'?t|cannot|may not|must not|"
                                r"non-?compliant|breach\w*|violat\w*|must|have to|need to|required)\b", re.I)

# Words for the subject of a comparison, mapped to what the clause annotations say a clause acts on.
TOPICS: dict[str, str] = {
    r"train\w* (?:an?other|other|a different|third[\s-]party|competing|non-\w+) (?:\w+ )?models?|improv\w* (?:an?other|other|any other)|"
    r"distil\w*|synthetic data|training other": "training_other_models",
    r"\boutputs?\b": "outputs",
    r"\bnam(?:e|es|ing)\b|\bprefix\b": "naming",
    r"\battribution\b|built with": "attribution",
    r"\bnotice": "notices",
    r"threshold|monthly active|\bmau\b|\b700\s?m": "scale",
    r"\bredistribut\w*|\bdistribut\w*|\bsharing\b|\bshare\b": "distribution",
    r"\bhost(?:ed|ing)?\b|\bapi\b|\bservice\b": "hosting",
    r"trademark|\bbrand": "trademark",
    r"terminat": "termination",
    r"acceptable[\s-]use|use polic|prohibited use|use restrictions?": "use_policy",
    r"litigat|\bsue\b|lawsuit": "litigation",
    r"licen[cs]e copy|copy of (?:the|this) (?:agreement|licen[cs]e|terms)": "licence_copy",
    r"\bown(?:ership|s)?\b": "ownership",
    r"warrant": "warranty",
    r"liabilit": "liability",
    r"\beu\b|europe|multimodal": "geography",
    r"\bdefinition|\bdefine[sd]?\b|\bscope\b|\bcover(?:s|ed)?\b": "definitions",
}


@dataclass(frozen=True)
class SectionRef:
    """A section as the question wrote it, and the clause it names (None: no such clause in that document)."""

    written: str
    doc_id: str | None
    clause_id: str | None
    pinpoint: str = ""  # how the document names it ("s. 1.b.v"), when resolved
    via: str = "pinpoint"  # pinpoint | alias | quote | definition
    note: str = ""


@dataclass(frozen=True)
class Reading:
    """For "is my reading right?": what the user concludes, and whether the answer supports it."""

    claim: str  # permissive | restrictive | unstated
    supported: str  # yes | partly | no | unsettled
    explanation: str


@dataclass(frozen=True)
class TextQuestion:
    kind: str  # section | comparison
    form: str  # frame ("under s.1.b.i, ...") | premise ("s.1.b.i says ..., so ...?")
    sections: tuple[SectionRef, ...]
    versions: tuple[str, ...] = ()  # for a comparison: (older doc, newer doc)
    topics: tuple[str, ...] = ()  # the subject of a comparison, as acts_on values
    statuses: tuple[VersionStatus, ...] = ()
    reading: Reading | None = None
    scenario: bool = False  # the question also describes facts to decide (a model, a use, a release ...)
    notes: tuple[str, ...] = field(default=())

    @property
    def clause_ids(self) -> tuple[str, ...]:
        """The clauses the answer must cite first: the named ones with their counterparts and successors, and in a
        comparison by subject, the clauses that changed."""
        named = {s.clause_id for s in self.sections if s.clause_id}
        out = [s.clause_id for s in self.sections if s.clause_id]
        for st in self.statuses:
            if st.clause_id in named or st.status != PRESENT:
                out += [st.clause_id] + ([st.counterpart] if st.counterpart else []) + list(st.taken_up_by)
        return tuple(dict.fromkeys(out))

    @property
    def context_ids(self) -> tuple[str, ...]:
        """Clauses on the subject of a comparison that both versions share: cited after the deciding ones."""
        out = [c for st in self.statuses if st.status == PRESENT for c in (st.clause_id, st.counterpart) if c]
        return tuple(c for c in dict.fromkeys(out) if c not in self.clause_ids)

    @property
    def unknown(self) -> tuple[SectionRef, ...]:
        return tuple(s for s in self.sections if not s.clause_id)

    def to_json(self) -> dict:
        return asdict(self)


def text_question_from_json(data: dict | None) -> TextQuestion | None:
    """The stored form back (saved conversations); unknown keys are ignored."""
    if not data:
        return None

    def pick(cls, row: dict) -> dict:
        names = set(cls.__dataclass_fields__)
        return {k: tuple(v) if isinstance(v, list) else v for k, v in row.items() if k in names}

    return TextQuestion(**{**pick(TextQuestion, data),
                           "sections": tuple(SectionRef(**pick(SectionRef, s)) for s in data.get("sections", [])),
                           "statuses": tuple(VersionStatus(**pick(VersionStatus, s)) for s in data.get("statuses", [])),
                           "reading": Reading(**pick(Reading, data["reading"])) if data.get("reading") else None})


# --- resolving a label against a document -------------------------------------------------------------------------

def _tokens(label: str) -> tuple[str, ...]:
    """"1.b.v", "1(b)(v)", "1.1(e)", "III" -> ("1", "b", "v") ... lower-cased."""
    return tuple(t.lower() for t in re.findall(r"[0-9]+|[A-Za-z]+", label))


def _chinese_number(label: str) -> str:
    if label.isdigit():
        return label
    if label == "十":
        return "10"
    tens, _, units = label.partition("十") if "十" in label else ("", "", label)
    value = (_CN_DIGITS.get(tens, 1) * 10 if "十" in label else 0) + sum(_CN_DIGITS.get(u, 0) for u in units)
    return str(value) if value else label


def _path_keys(clause: Clause) -> tuple[str, ...] | None:
    """The numbering of a clause as a key; None when its path has a segment no one would cite (p1, b2, a slug)."""
    out = []
    for seg in clause.path.split("."):
        m = re.fullmatch(r"([0-9]+)-[a-z0-9-]+", seg)  # "1-definitions": the parser kept the heading's words
        if m:
            out.append(m.group(1))
        elif re.fullmatch(r"[0-9]{1,3}|[a-z]{1,4}|[0-9]+-[0-9]+", seg) and not re.fullmatch(r"[pb][0-9]+", seg):
            out.append(seg)
        else:
            return None
    return tuple(out)


_PRINTED = re.compile(r"^\W{0,4}([0-9]{1,2})\W{0,4}\.\s")


@dataclass(frozen=True)
class _Index:
    primary: dict[tuple[str, ...], str]
    alternative: dict[tuple[str, ...], str]
    attachment: dict[str, str]  # letter -> clause id, for the items of a use-restrictions attachment


_INDEX_CACHE: dict[str, tuple[object, _Index]] = {}


def _index(doc: Document) -> _Index:
    hit = _INDEX_CACHE.get(doc.spec.doc_id)
    if hit and hit[0] is doc.clauses:
        return hit[1]
    primary: dict[tuple[str, ...], str] = {}
    alt: dict[tuple[str, ...], list[str]] = {}
    for c in doc.clauses:
        key = _path_keys(c)
        if key is not None and c.kind not in ("heading", "definition", "paragraph", "bullet"):
            primary.setdefault(key, c.clause_id)
            if len(key) > 1 and key[0] in _ROMAN and c.kind != "section":
                alt.setdefault(key[1:], []).append(c.clause_id)  # "Section III" wraps 5.1: people cite "5.1"
            if len(key) > 1:
                alt.setdefault(key[-1:], []).append(c.clause_id)  # the printed item number ("item 8")
        elif c.parent is None and c.kind == "paragraph":
            m = _PRINTED.match(c.text.replace("\\", "").replace("*", " "))
            if m:  # a numbered section the parser read as a paragraph ("3**. Disclaimer")
                alt.setdefault((m.group(1),), []).append(c.clause_id)
    alternative = {k: v[0] for k, v in alt.items() if len(set(v)) == 1 and k not in primary}
    attachment: dict[str, str] = {}
    start = next((c.start for c in doc.clauses if c.kind == "heading" and re.search(r"\battachment\s+a\b", c.text, re.I)), None)
    if start is not None:
        for c in doc.clauses:
            if c.start >= start and c.kind in ("paren-lower", "lower"):
                attachment.setdefault(c.path.rsplit(".", 1)[-1], c.clause_id)
    idx = _Index(primary, alternative, attachment)
    _INDEX_CACHE[doc.spec.doc_id] = (doc.clauses, idx)
    return idx


def resolve_label(corpus: Corpus, doc_id: str, label: str, *, scope: str = "") -> str | None:
    """The clause id a printed label names in a document, or None; `scope="attachment"` reads it in Attachment A."""
    doc = corpus.documents.get(doc_id)
    if doc is None:
        return None
    idx = _index(doc)
    key = _tokens(label)
    if not key:
        return None
    if scope == "attachment":
        return idx.attachment.get(key[-1]) if len(key) == 1 else None
    found = idx.primary.get(key) or idx.alternative.get(key)
    if found:
        return found
    cid = corpus.canonical(f"{doc_id}:{'.'.join(key)}")  # an old id from the alias table
    return cid if corpus.get(cid) else None


def _family_ids(corpus: Corpus, clause_id: str) -> set[str]:
    clause = corpus.get(clause_id)
    if clause is None:
        return set()
    doc = corpus.documents[clause.doc_id]
    return {clause_id} | {c.clause_id for c in descendants(doc.clauses, clause)}


# --- reading the question ------------------------------------------------------------------------------------------

def _refs(text: str) -> list[tuple[str, str, str, int]]:
    """(written, label, scope, position) for each section reference in the question."""
    out: list[tuple[str, str, str, int]] = []
    taken: list[tuple[int, int]] = []

    def add(m: re.Match, label: str, scope: str = "") -> None:
        if any(s <= m.start() < e or s < m.end() <= e for s, e in taken):
            return
        taken.append((m.start(), m.end()))
        out.append((m.group(0).strip(), label, scope, m.start()))

    for m in _SCOPED.finditer(text):
        add(m, m.group("label"), "attachment")
    for m in _WORDED.finditer(text):
        label = m.group("label").rstrip(".")
        if _AFTER_FAMILY.search(text[max(0, m.start() - 12):m.start()]) or _FOREIGN.match(text[m.end():m.end() + 50]):
            continue
        add(m, label)
        at = m.end()
        while (more := _MORE.match(text, at)) is not None:  # "sections 3 and 4", "§§ 2, 3 or 5"
            add(more, more.group("label"))
            at = more.end()
    for m in _ROMAN_SECTION.finditer(text):
        add(m, m.group("label"))
    for m in _BARE.finditer(text):
        if _AFTER_FAMILY.search(text[max(0, m.start() - 14):m.start()]) or re.fullmatch(r"[0-9]\.x", m.group("label"), re.I):
            continue
        add(m, m.group("label"))
    for m in _CHINESE.finditer(text):
        add(m, _chinese_number(m.group("label")))
    return sorted(out, key=lambda r: r[3])


def _norm_quote(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    text = re.sub(r"[*_\\]", "", text)
    return " ".join(re.sub(r"[^\w'\" ]+", " ", text.lower()).split())


def _find_quote(corpus: Corpus, docs: list[str], quote: str) -> str | None:
    """The clause of the documents whose text contains the quoted words: the whole quote, else each part of it
    (split at an ellipsis, a colon or a semicolon, as a quote that joins a lead-in to its item is), keeping the
    deepest clause found, so "You agree not to use the Model: For military use" names the item, not the lead-in."""
    whole = _norm_quote(quote)
    parts = [whole] if len(whole.split()) >= 3 else []
    parts += [n for p in re.split(r"\.\.\.|\u2026|:|;", quote) if len((n := _norm_quote(p)).split()) >= 3 and n != whole]
    found: list[Clause] = []
    for needle in parts:
        hits = [c for d in docs for c in corpus.documents[d].clauses if needle in _norm_quote(c.text)]
        if hits:
            found.append(min(hits, key=lambda c: len(c.text)))
            if needle == whole:
                break
    if not found:
        return None
    deepest = [c for c in found if not any(o is not c and o.clause_id.startswith(c.clause_id + ".") for o in found)]
    return max(deepest, key=lambda c: (c.depth, c.start)).clause_id


def _candidate_docs(corpus: Corpus, facts_docs: list[str], near: str, scope: str) -> list[str]:
    """The governing documents to read a reference in, best first: the policy when the words say so, else the
    licence; the documents that have an attachment for an attachment item."""
    docs = [d for d in facts_docs if d in corpus.documents]
    policy = bool(_POLICY_WORDS.search(near))
    order = {d: i for i, d in enumerate(docs)}
    docs.sort(key=lambda d: (0 if (corpus.documents[d].spec.kind is DocKind.POLICY) == policy else 1, order[d]))
    if scope == "attachment":
        docs = [d for d in docs if _index(corpus.documents[d]).attachment] or docs
    return docs


def _comparison_docs(corpus: Corpus, text: str, docs: list[str]) -> tuple[str, str] | None:
    """The two versions a comparison question is about: two of one series named, or one named and its
    predecessor (or the version the question says it survives in)."""
    if not _COMPARE.search(text):
        return None
    low = text.lower()
    policy = bool(_POLICY_WORDS.search(text))
    docs = sorted((d for d in docs if d in corpus.documents),
                  key=lambda d: 0 if (corpus.documents[d].spec.kind is DocKind.POLICY) == policy else 1)
    for doc_id in docs:
        if doc_id not in corpus.documents:
            continue
        chain = series(corpus, doc_id)
        if len(chain) < 2:
            continue
        named = [d for d in chain if d in docs]
        # Versions written bare after the comparison words: "survive in 3.1", "between Llama 3 and 3.1".
        for d in chain:
            label = re.escape(version_label(d) or "")
            if d not in named and re.search(r"(?:\b(?:in|into|to|and|vs\.?|versus|with|from|under|than)\s+(?:the\s+)?"
                                            r"(?:\w+\s+){0,2}?)(?<![\d.])" + label + r"(?![\d.]|\s*(?:b|m|k)\b)", low):
                named.append(d)
        named = sorted(dict.fromkeys(named), key=chain.index)
        if len(named) >= 2:
            return named[0], named[-1]
        if len(named) == 1 and _ONE_VERSION.search(text):
            i = chain.index(named[0])
            if i > 0:
                return chain[i - 1], named[0]
            return named[0], chain[1]
    return None


def _topics(text: str) -> tuple[str, ...]:
    low = text.lower()
    low = _WORDED.sub(" ", low)
    return tuple(dict.fromkeys(v for pat, v in TOPICS.items() if re.search(pat, low)))


def _has_scenario(facts, text: str) -> bool:
    """The question describes facts to decide, beyond naming a clause or a version: a method, a deployment, a use,
    a figure, or (short of those) a description longer than a question about wording."""
    methods = [m for m in facts.methods if m.value != "plain_use"]
    if methods or facts.deployments or facts.use_cases or facts.target_licence or facts.release_name \
            or facts.mau is not None or facts.revenue is not None:
        return True
    rest = _QUOTED.sub(" ", text)
    return bool(_ACTOR.search(rest)) or len(re.findall(r"[A-Za-z\u4e00-\u9fff]+", rest)) >= SCENARIO_WORDS


def read_text_question(text: str, facts, corpus: Corpus, annotations=None) -> TextQuestion | None:
    """The text question in `text` (named sections, quoted clauses, a version comparison), or None."""
    docs = [d for d in facts.documents if d in corpus.documents]
    pair = _comparison_docs(corpus, text, docs)
    scope_docs = list(dict.fromkeys(([*pair] if pair else []) + docs))
    sections: list[SectionRef] = []
    notes: list[str] = []
    for written, label, scope, pos in _refs(text):
        near = text[max(0, pos - 30):pos + len(written) + 60]
        cands = _candidate_docs(corpus, scope_docs, near, scope)
        if pair:
            cands = [d for d in pair if d in cands] + [d for d in cands if d not in pair]
        if not cands:
            sections.append(SectionRef(written, None, None, note="the question names no document the corpus holds"))
            continue
        found = next(((d, cid) for d in cands if (cid := resolve_label(corpus, d, label, scope=scope))), None)
        if found is None:
            title = corpus.documents[cands[0]].spec.title
            sections.append(SectionRef(written, cands[0], None,
                                       note=f"{title} has no section {label}" + (" in Attachment A" if scope else "")))
            continue
        doc_id, cid = found
        direct = f"{doc_id}:{'.'.join(_tokens(label))}"
        via = "alias" if not scope and corpus.get(direct) is None and corpus.canonical(direct) == cid else "pinpoint"
        sections.append(_ref(corpus, written, cid, via))
    for m in _DEFINITION.finditer(text):
        term = m.group("term").strip()
        slug = re.sub(r"[^a-z0-9]+", "-", term.lower()).strip("-")
        # A definition has its own id ("def-output") or is a lettered item that opens with the quoted term.
        opens = re.compile(r"^[\s(a-z0-9.)]{0,8}[\"\u201c]\**" + re.escape(term) + r"s?\**[\"\u201d]", re.I)
        for d in scope_docs:
            hit = next((c.clause_id for c in corpus.documents[d].clauses
                        if (c.kind == "definition" and c.path.rsplit(".", 1)[-1] == f"def-{slug}") or opens.match(c.text)),
                       None)
            if hit:
                sections.append(_ref(corpus, m.group(0), hit, "definition"))
                break
    quoted = False
    for m in _QUOTED.finditer(text):
        q = m.group("q") or m.group("s")
        if len(q.split()) < 4:
            continue
        cid = _find_quote(corpus, scope_docs, q)
        if cid and cid not in {s.clause_id for s in sections}:
            sections.append(_ref(corpus, m.group(0), cid, "quote"))
            quoted = True
    if not sections and pair is None:
        return None
    statuses: list[VersionStatus] = []
    topics: tuple[str, ...] = ()
    if pair:
        old, new = pair
        named = [s for s in sections if s.clause_id and s.doc_id in pair]
        for s in named:
            statuses.append(compare_clause(corpus, s.clause_id, new if s.doc_id == old else old, annotations))
        if not sections:
            topics = _topics(text)
            statuses.extend(topic_statuses(corpus, old, new, topics, annotations))
    premise = quoted or bool(_PREMISE.search(text))
    scenario = _has_scenario(facts, text)
    kind = "comparison" if pair else "section"
    for s in sections:
        if not s.clause_id:
            notes.append(f"Unknown section: {s.written!r}: {s.note}.")
    return TextQuestion(kind, "premise" if premise else "frame", tuple(sections), tuple(pair or ()), topics,
                        tuple(statuses), None, scenario, tuple(notes))


def _ref(corpus: Corpus, written: str, clause_id: str, via: str) -> SectionRef:
    clause = corpus.clause(clause_id)
    doc = corpus.documents[clause.doc_id]
    return SectionRef(written, clause.doc_id, clause.clause_id, pinpoint(doc.clauses, clause, doc.text), via)


# --- answering from the named clauses ------------------------------------------------------------------------------

def related_ids(tq: TextQuestion, corpus: Corpus) -> set[str]:
    """The named clauses with their sub-clauses and, in a comparison, their counterparts and successors."""
    out: set[str] = set()
    for cid in tq.clause_ids + tq.context_ids:
        out |= _family_ids(corpus, cid)
    return out


def _open_on_shipping(a, facts, family: set[str], deployments: set[str]) -> bool:
    """The annotation's trigger fails on nothing stated and waits only on how the model is shipped, which the
    question does not say: a duty on distribution is then read as applying (unknown is never the permissive case)."""
    waiting = []
    for key, value in a.conditions.items():
        if not holds(key, value, facts, a.doc_id, family, deployments):
            if key not in ("deployments", "distributes") or not unstated(key, facts, deployments):
                return False
            waiting.append(key)
    return bool(waiting)


def clause_firings(tq: TextQuestion, facts, corpus: Corpus, annotations) -> list[Firing]:
    """The named clauses read through their own annotations, as firings: a prohibition, obligation or grant whose
    trigger the stated facts meet (a grant with no trigger always), and an obligation that waits only on an unstated
    deployment, so the verdict can rest on the clause itself when no rule of the table grounded in it fires."""
    if annotations is None:
        return []
    out: list[Firing] = []
    named = set(tq.clause_ids)
    deployments = {d.value for d in facts.deployments}
    related = sorted(related_ids(tq, corpus))
    # An exception the stated facts trigger (an end user of an integrated product, for the user threshold) lifts
    # the clause it is an exception to: that clause does not fire, the exception answers in its place.
    lifted: dict[str, str] = {}
    for doc_id in dict.fromkeys(cid.split(":", 1)[0] for cid in related):
        family = set(series(corpus, doc_id)) if doc_id in corpus.documents else {doc_id}
        for a in annotations.for_doc(doc_id):
            if a.effect.value == "exception" and set(a.exception_to) & set(related) and \
                    triggered(a, facts, family, deployments)[0] == "yes":
                for target in a.exception_to:
                    lifted[target] = a.clause_id
                rule = Rule(f"clause:{a.clause_id}", "text", Verdict.PERMITTED, a.gloss, {}, {doc_id: (a.clause_id,)})
                out.append(Firing(rule, doc_id, (a.clause_id,)))
    for cid in related:
        if cid in lifted:
            continue
        doc_id = cid.split(":", 1)[0]
        family = set(series(corpus, doc_id)) if doc_id in corpus.documents else {doc_id}
        for a in annotations.rows_for(cid):
            verdict = _EFFECTS.get(a.effect.value)
            if verdict is None:
                continue
            state, _ = triggered(a, facts, family, deployments)
            # A grant that names no condition answers for the clause that was named, not for each of its items.
            applies = state == "yes" or (a.effect.value == "grant" and not a.conditions and cid in named)
            if not applies and cid in named and verdict is Verdict.CONDITIONAL and _open_on_shipping(a, facts, family, deployments):
                applies = True
            if applies:
                rule = Rule(f"clause:{cid}", "text", verdict, a.gloss, {}, {doc_id: (cid,)})
                out.append(Firing(rule, doc_id, (cid,)))
    return out


def focus(tq: TextQuestion, fired: list[Firing], corpus: Corpus, facts=None, annotations=None) -> list[Firing]:
    """The firings a question about a clause is answered from.

    Asked under a clause ("under s.1.b.i, must ..."), the rules grounded in the named clauses decide and an unrelated
    rule never does, except a prohibition elsewhere in the terms (a ban is never hidden by the way a question is put);
    where none of them fires, the clause's own annotation does, when the stated facts trigger it; failing both, the
    scenario's own rules stand (the clause does not reach it). A question that describes no
    scenario ("does s.1.b.v survive in 3.1?") has nothing else to decide, so only rules grounded in the named clauses
    count. A clause quoted as the premise of a conclusion ("s.5.b says I own it, so I can relicense?") is judged by
    what decides the conclusion: every firing stays, with the clause's own reading beside them."""
    named = related_ids(tq, corpus)
    resolved = [s for s in tq.sections if s.clause_id]
    grounded = [f for f in fired if set(f.clauses) & named]
    if not tq.scenario:
        return grounded if resolved else []  # a comparison by subject alone has nothing to decide
    if not named or not resolved:
        return fired  # a comparison by subject with a scenario: the scenario's rules answer it, the statuses inform
    own = [] if grounded or facts is None else clause_firings(tq, facts, corpus, annotations)
    if tq.form == "premise":
        return fired + own
    if not (grounded or own):
        return fired
    # A prohibition elsewhere in the terms still forbids the scenario: it is kept (and named as such), so that
    # asking under one clause never hides a ban; every other unrelated rule is left out.
    bans = [f for f in fired if f not in grounded and f.verdict is Verdict.NOT_PERMITTED]
    return (grounded or own) + bans


def unrelated_bans(tq: TextQuestion, fired: list[Firing], corpus: Corpus) -> set[str]:
    """The rules that forbid the scenario on clauses other than the named ones (kept by `focus` in a frame question)."""
    named = related_ids(tq, corpus)
    if not named or not [s for s in tq.sections if s.clause_id]:
        return set()
    return {f.id for f in fired if f.verdict is Verdict.NOT_PERMITTED and not set(f.clauses) & named}


def judge_reading(tq: TextQuestion, text: str, verdict: str) -> TextQuestion:
    """For a premise question, which reading the clause supports: the user's conclusion against the verdict."""
    if tq.form != "premise":
        return tq
    tail = text
    for s in tq.sections:
        at = text.find(s.written)
        if at >= 0:
            tail = text[at + len(s.written):] or text
    permissive = bool(_CLAIM_PERMISSIVE.search(tail))
    restrictive = bool(_CLAIM_RESTRICTIVE.search(tail)) and not _NO_DUTY.search(tail)
    claim = "restrictive" if restrictive and not permissive else ("permissive" if permissive else "unstated")
    if claim == "unstated":
        reading = Reading(claim, "unsettled", "The question states no conclusion to check; the clause and the verdict are below.")
    elif verdict == Verdict.UNCLEAR.value:
        reading = Reading(claim, "unsettled", "The texts do not settle the conclusion either way.")
    else:
        reading = Reading(claim, *_READINGS[(claim, verdict)])
    return replace(tq, reading=reading)


def describe(tq: TextQuestion, corpus: Corpus, cited: set[str] | None = None,
             banned: set[str] | frozenset[str] = frozenset()) -> list[str]:
    """Sentences for the summary: what each named section is, what became of it in the other version, and (given
    the clauses the findings rest on) whether the named clauses decided the verdict at all."""
    out: list[str] = []
    compared = {st.clause_id for st in tq.statuses}
    for s in tq.sections:
        if s.clause_id and s.clause_id not in compared:
            out.append(f"You asked about {corpus.documents[s.doc_id].spec.title}, {s.pinpoint} ({s.clause_id}).")
        elif not s.clause_id:
            out.append(f"{s.written!r} names no clause: {s.note}; nothing was assumed about it.")
    for st in tq.statuses[:8]:
        src, dst = corpus.documents[st.from_doc].spec.title, corpus.documents[st.to_doc].spec.title
        head = f"{src}, {pin(corpus, st.clause_id)}"
        if st.status == PRESENT:
            line = f"{head} is kept in {dst} as {pin(corpus, st.counterpart)}" + (
                ", with only the product name or typography changed" if st.diff else ", word for word")
        elif st.status == CHANGED:
            line = f"{head} is changed in {dst} ({pin(corpus, st.counterpart)})" + (
                f"; the words that changed: {st.diff.rstrip('.')}" if st.diff else f"; {st.note}")
        elif st.status == REMOVED:
            line = f"{head} is removed: {dst} has no such clause"
        else:
            line = f"{head} is new: {dst} has no such clause"
        if st.taken_up_by and st.status != CHANGED:
            line += "; its subject is taken up in " + ", ".join(pin(corpus, c) for c in st.taken_up_by)
        out.append(line + ".")
    named = related_ids(tq, corpus)
    if cited is not None and banned and tq.form == "frame":
        out.append("Apart from the clauses you named, the terms forbid this: see the findings on "
                   + ", ".join(sorted(banned)) + ".")
    if cited is not None and tq.scenario and named and cited and not cited & named:
        pins = ", ".join(s.pinpoint for s in tq.sections if s.clause_id) or "the named clauses"
        out.append(f"No rule grounded in {pins} decides this scenario on the facts stated, and the clause's own "
                   "conditions are not met by them; the verdict comes from the other terms below.")
    if tq.kind == "comparison" and not tq.statuses and not tq.sections:
        names = " and ".join(corpus.documents[d].spec.title for d in tq.versions)
        out.append(f"No clause on that subject differs between {names}.")
    if tq.reading is not None:
        out.append(tq.reading.explanation)
    return out
