"""The whole ScanCode LicenseDB as a secondary, search-only collection (`clausewise ingest --all-licences`).

Every non-deprecated licence text the installed scancode-toolkit ships becomes a document (doc id = its ScanCode key,
family = its ScanCode category), split into clauses by the same parser as the corpus and embedded into a collection of
its own. The curated corpus stays the only ground of answers; this collection only answers searches across all
licences ("which licences forbid military use?"). The index itself is `ingest.licensedb_index`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ingest.clauses import parse_clauses
from ingest.corpus import Corpus, DocReport, DocStatus, Document
from ingest.errors import ConfigError
from ingest.sources import DocKind, DocumentSpec, scancode_licenses_dir, sha256_text, split_scancode


@dataclass(frozen=True)
class LicenceInfo:
    key: str
    name: str
    category: str


def licensedb_corpus(limit: int | None = None, keys: Iterable[str] | None = None) -> tuple[Corpus, dict[str, LicenceInfo]]:
    """The LicenseDB texts as a Corpus (sorted by key; the first `limit`, or only `keys`), with each key's metadata."""
    folder = scancode_licenses_dir()
    if folder is None:
        raise ConfigError("ScanCode's LicenseDB is not installed; pip install 'scancode-toolkit>=32'.")
    wanted = set(keys) if keys is not None else None
    documents: dict[str, Document] = {}
    infos: dict[str, LicenceInfo] = {}
    for path in sorted(folder.glob("*.LICENSE")):
        if limit is not None and len(documents) >= limit:
            break
        if wanted is not None and path.stem not in wanted:
            continue
        meta, text = split_scancode(path.read_text(encoding="utf-8", errors="replace"))
        if meta.get("is_deprecated", "").lower() in ("yes", "true") or not text.strip():
            continue  # deprecated keys point at another licence; some entries carry no text at all
        key = meta.get("key", path.stem)
        info = LicenceInfo(key, meta.get("name") or meta.get("short_name") or key, meta.get("category") or "Unknown")
        spec = DocumentSpec(doc_id=key, title=info.name, publisher=meta.get("owner", ""), version="", kind=DocKind.LICENCE,
                            family=info.category, source=f"scancode:{key}", sha256=sha256_text(text),
                            url=meta.get("homepage_url", ""))
        documents[key] = Document(spec, text, f"scancode:{path.name}", tuple(parse_clauses(key, text)))
        infos[key] = info
    reports = tuple(DocReport(d.spec, DocStatus.LOADED, "", len(d.clauses), d.origin) for d in documents.values())
    return Corpus(documents, reports), infos
