"""The loaded corpus: every manifest document resolved, verified and parsed into clauses."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from functools import cached_property
from enum import Enum

from ingest.aliases import load_aliases, resolve_alias
from ingest.appendix import Appendix, document_clauses, link_clauses, load_appendices
from ingest.clauses import Clause, parse_clauses
from ingest.errors import NotFound, SourceError
from ingest.sections import Section, section_of
from ingest.settings import Settings
from ingest.sources import DocumentSpec, Manifest, explainer_specs, load_manifest, resolve


class DocStatus(str, Enum):
    LOADED = "loaded"
    MISSING = "missing"
    HASH_MISMATCH = "hash mismatch"


@dataclass(frozen=True)
class Document:
    """A document with its verified text and clauses."""

    spec: DocumentSpec
    text: str
    origin: str
    clauses: tuple[Clause, ...]
    appendices: tuple[Appendix, ...] = ()  # parts printed inside this file that have ids of their own


@dataclass(frozen=True)
class DocReport:
    spec: DocumentSpec
    status: DocStatus
    message: str
    clause_count: int = 0
    origin: str = ""


@dataclass(frozen=True)
class Corpus:
    documents: dict[str, Document]
    reports: tuple[DocReport, ...]
    aliases: dict[str, str] = field(default_factory=dict, hash=False, compare=False)  # old id -> new id

    @cached_property
    def _by_id(self) -> dict[str, Clause]:
        return {c.clause_id: c for d in self.documents.values() for c in d.clauses}

    def get(self, clause_id: str) -> Clause | None:
        """The clause with exactly this id, or None (no alias lookup, no suggestions)."""
        return self._by_id.get(clause_id)

    def canonical(self, clause_id: str) -> str:
        """The current id of a clause cited by an old id (the id itself when it is current or unknown)."""
        return clause_id if clause_id in self._by_id else resolve_alias(self.aliases, clause_id)

    def clause(self, clause_id: str) -> Clause:
        """Look up one clause, by its id or an old id in the alias table; NotFound suggests the nearest ids."""
        found = self._by_id.get(clause_id) or self._by_id.get(self.canonical(clause_id))
        if found is not None:
            return found
        doc = self.documents.get(clause_id.split(":", 1)[0])
        if doc is not None:
            pool = [c.clause_id for c in doc.clauses]
        else:
            pool = [c.clause_id for d in self.documents.values() for c in d.clauses]
        near = difflib.get_close_matches(clause_id, pool, n=5, cutoff=0.6)
        hint = f" Nearest ids: {', '.join(near)}." if near else f" Known documents: {', '.join(sorted(self.documents))}."
        raise NotFound(f"No clause with id {clause_id!r}.{hint}")

    def section(self, clause_id: str) -> Section:
        """The clause with its sub-clauses, as one verbatim span of its document."""
        clause = self.clause(clause_id)
        doc = self.documents[clause.doc_id]
        return section_of(doc.text, doc.clauses, clause)

    @cached_property
    def _links(self) -> dict[str, str]:
        out: dict[str, str] = {}
        for doc in self.documents.values():
            for appendix in doc.appendices:
                linked = self.documents.get(appendix.linked)
                if linked is None:
                    continue
                inside = [c for c in doc.clauses if c.path == appendix.prefix or c.path.startswith(appendix.prefix + ".")]
                out.update(link_clauses(inside, list(linked.clauses)))
        return out

    def linked(self, clause_id: str) -> str | None:
        """For a clause of an appended policy, the same clause in the standalone policy document (if loaded)."""
        return self._links.get(self.canonical(clause_id))

    @cached_property
    def _shown_text(self) -> dict[str, dict[str, list[str]]]:
        # doc id -> normalised text of a clause as cited (a heading-only section with its body) -> clause ids
        out: dict[str, dict[str, list[str]]] = {}
        for doc_id, doc in self.documents.items():
            table: dict[str, list[str]] = {}
            for c in doc.clauses:
                table.setdefault(self._cited_text(c), []).append(c.clause_id)
            out[doc_id] = table
        return out

    def _cited_text(self, clause: Clause) -> str:
        doc = self.documents[clause.doc_id]
        section = section_of(doc.text, doc.clauses, clause)
        text = doc.text[section.start:section.end] if section.is_container else clause.text
        return " ".join(text.replace("\u201c", '"').replace("\u201d", '"').replace("\u2019", "'").split()).lower()

    def same_text_in(self, clause_id: str, doc_ids: tuple[str, ...]) -> tuple[str, ...]:
        """Clauses of other documents (another dated version of the same terms) whose cited text is word for word
        this clause's; a lawyer bound by the other version can cite those instead. The same pinpoint comes first."""
        clause = self.clause(clause_id)
        key = self._cited_text(clause)
        found: list[str] = []
        for doc_id in doc_ids:
            if doc_id == clause.doc_id or doc_id not in self.documents:
                continue
            ids = self._shown_text[doc_id].get(key, [])
            same_path = [i for i in ids if i.split(":", 1)[1] == clause.path]
            found.extend((same_path or ids)[:1])
        return tuple(found)

    def require_documents(self, doc_ids: list[str]) -> None:
        """NotFound for any id that is not a loaded document, naming the loaded ones."""
        unknown = [d for d in doc_ids if d not in self.documents]
        if unknown:
            near = {d: difflib.get_close_matches(d, list(self.documents), n=3, cutoff=0.5) for d in unknown}
            hints = "; ".join(f"{d!r} (did you mean {', '.join(n)}?)" if n else repr(d) for d, n in near.items())
            raise NotFound(f"Unknown or unloaded document(s): {hints}. Loaded: {', '.join(sorted(self.documents))}.")

    def all_clauses(self) -> list[Clause]:
        return [c for d in self.documents.values() for c in d.clauses]

    def problems(self) -> list[DocReport]:
        return [r for r in self.reports if r.status is not DocStatus.LOADED]


def load_corpus(settings: Settings, *, strict: bool = False, docs: list[str] | None = None,
                network: bool = True, manifest: Manifest | None = None, explainers: bool = True,
                user: bool = True) -> Corpus:
    """Resolve and parse every document; missing ones are reported, not fatal, unless `strict`."""
    manifest = manifest or load_manifest()
    appendices = load_appendices()
    wanted = set(docs) if docs else None
    if wanted:
        for doc_id in wanted:
            if not doc_id.startswith(("explainer-", "user-")):
                manifest.get(doc_id)  # raises NotFound with suggestions
    documents: dict[str, Document] = {}
    reports: list[DocReport] = []
    for spec in manifest.specs:
        if wanted and spec.doc_id not in wanted:
            continue
        try:
            src = resolve(spec, settings, network=network)
        except SourceError as exc:
            status = DocStatus.HASH_MISMATCH if "does not match the pinned sha256" in str(exc) else DocStatus.MISSING
            if strict:
                raise
            reports.append(DocReport(spec, status, str(exc)))
            continue
        extra = appendices.get(spec.doc_id, ())
        clauses = tuple(document_clauses(spec.doc_id, src.text, extra))
        documents[spec.doc_id] = Document(spec, src.text, src.origin, clauses, extra)
        reports.append(DocReport(spec, DocStatus.LOADED, "", len(clauses), src.origin))
    if explainers:
        for spec, text in explainer_specs():
            if wanted and spec.doc_id not in wanted:
                continue
            clauses = tuple(parse_clauses(spec.doc_id, text))
            documents[spec.doc_id] = Document(spec, text, spec.url, clauses)
            reports.append(DocReport(spec, DocStatus.LOADED, "", len(clauses), spec.url))
    if user:
        from ingest.userdocs import UserStore

        for doc in UserStore(settings).documents():
            if (wanted and doc.spec.doc_id not in wanted) or doc.spec.doc_id in documents:
                continue
            documents[doc.spec.doc_id] = doc
            reports.append(DocReport(doc.spec, DocStatus.LOADED, "", len(doc.clauses), doc.origin))
    return Corpus(documents, tuple(reports), load_aliases())
