"""Users' own documents (a model's custom licence, an enterprise agreement): read, checked, stored, parsed like the corpus.

Files live under CLAUSEWISE_HOME/user as exact UTF-8 text plus a small JSON manifest, written atomically, so a user
document is citable by the same offsets as any corpus text.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import re
from dataclasses import asdict, dataclass
from pathlib import Path

from ingest.clauses import parse_clauses
from ingest.corpus import Document
from ingest.errors import ConfigError, NotFound, ParseError
from ingest.settings import Settings
from ingest.sources import DocKind, DocumentSpec

MAX_BYTES = 5 * 1024 * 1024
MIN_TEXT = 40
SUFFIXES = {".pdf", ".txt", ".md", ".markdown", ".text"}
_ID = re.compile(r"^[a-z0-9][a-z0-9.\-]{0,62}$")


@dataclass(frozen=True)
class UserDocInfo:
    doc_id: str
    title: str
    filename: str
    sha256: str
    chars: int
    added: str = ""  # ISO date the document was added: how it is cited (a hash means nothing to a reader)
    governs: tuple[str, ...] = ()  # model names, as people write them, that this document governs


def extract_text(name: str, data: bytes) -> str:
    """The text of an uploaded file; ParseError says why a file cannot be used and what to do instead."""
    base = Path(name.replace("\\", "/")).name
    suffix = Path(base).suffix.lower()
    if suffix not in SUFFIXES:
        raise ParseError(f"{base!r}: unsupported file type {suffix or '(none)'}; use one of {sorted(SUFFIXES)}.")
    if not data:
        raise ParseError(f"{base!r} is empty.")
    if len(data) > MAX_BYTES:
        raise ParseError(f"{base!r} is {len(data) / 1e6:.1f} MB; the limit is {MAX_BYTES / 1e6:.0f} MB. Split the document.")
    if suffix == ".pdf":
        text = _pdf_text(base, data)
    else:
        if b"\x00" in data[:8192]:
            raise ParseError(f"{base!r} looks binary, not text. Save it as UTF-8 text or upload the PDF.")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise ParseError(f"{base!r} is not UTF-8 text (byte {exc.start}). Re-save it as UTF-8.") from exc
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if len(text.strip()) < MIN_TEXT:
        raise ParseError(f"{base!r} has almost no text ({len(text.strip())} characters). A scanned PDF needs OCR first.")
    return text


def _pdf_text(name: str, data: bytes) -> str:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            raise ParseError(f"{name!r} is an encrypted PDF. Remove the password and upload it again.")
        pages = [page.extract_text() or "" for page in reader.pages]
    except ParseError:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, OSError) as exc:
        raise ParseError(f"{name!r} is not a readable PDF ({type(exc).__name__}). Re-export it or upload a text file.") from exc
    except Exception as exc:  # noqa: BLE001 - pypdf raises many internal types on damaged files
        raise ParseError(f"{name!r} could not be read as a PDF ({type(exc).__name__}).") from exc
    return "\n\n".join(p.strip("\n") for p in pages)


def slug_id(name: str) -> str:
    stem = Path(name.replace("\\", "/")).stem.lower()
    return ("user-" + re.sub(r"[^a-z0-9]+", "-", stem).strip("-"))[:60].rstrip("-") or "user-document"


class UserStore:
    """The user's documents under CLAUSEWISE_HOME/user."""

    def __init__(self, settings: Settings):
        self.folder = settings.home / "user"
        self.manifest = self.folder / "manifest.json"

    def list(self) -> list[UserDocInfo]:
        if not self.manifest.is_file():
            return []
        try:
            rows = json.loads(self.manifest.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            raise ParseError(f"The user document list {self.manifest} is damaged ({exc}); remove it and add the files again.") from exc
        return [UserDocInfo(**{**row, "governs": tuple(row.get("governs", ()))}) for row in rows]

    def _write(self, infos: list[UserDocInfo]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.manifest.with_suffix(f".tmp-{os.getpid()}")
        tmp.write_text(json.dumps([asdict(i) for i in infos], indent=1), encoding="utf-8")
        os.replace(tmp, self.manifest)

    def prepare(self, name: str, data: bytes, doc_id: str | None = None,
                reserved: set[str] | None = None, governs: tuple[str, ...] = ()) -> tuple[UserDocInfo, Document]:
        """Check and store a file's text without registering it; refuses bad ids, corpus clashes and duplicates."""
        text = extract_text(name, data)
        doc_id = doc_id or slug_id(name)
        if not doc_id.startswith("user-"):
            doc_id = "user-" + doc_id  # keeps user documents apart from corpus ids, now and in future manifests
        if not _ID.match(doc_id):
            raise ConfigError(f"Document id {doc_id!r} is not valid: use lower-case letters, digits, '.' and '-' (max 63).")
        if reserved and doc_id in reserved:
            raise ConfigError(f"Document id {doc_id!r} is a corpus document; choose another id with --id.")
        sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
        for info in self.list():
            if info.doc_id == doc_id:
                raise ConfigError(f"A user document {doc_id!r} already exists. Remove it first (clausewise remove {doc_id}) or pick another --id.")
            if info.sha256 == sha:
                raise ConfigError(f"This text is already added as {info.doc_id!r}; nothing to do.")
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"{doc_id}.txt"
        tmp = path.with_suffix(f".tmp-{os.getpid()}")
        tmp.write_bytes(text.encode("utf-8"))
        os.replace(tmp, path)
        names = tuple(dict.fromkeys(n.strip() for n in governs if n and n.strip()))
        bad = [n for n in names if len(n) < 2 or len(n) > 80]
        if bad:
            raise ConfigError(f"--governs names must be 2 to 80 characters: {bad}.")
        info = UserDocInfo(doc_id, title_of(text, doc_id), Path(name.replace("\\", "/")).name, sha, len(text),
                           added=datetime.date.today().isoformat(), governs=names)
        return info, self._document(info, text)

    def commit(self, info: UserDocInfo) -> None:
        """Register a prepared document; until this runs, a crash leaves no half-added document behind."""
        self._write([i for i in self.list() if i.doc_id != info.doc_id] + [info])

    def add(self, name: str, data: bytes, doc_id: str | None = None, reserved: set[str] | None = None) -> UserDocInfo:
        """Prepare and register in one step (the caller indexes afterwards)."""
        info, _ = self.prepare(name, data, doc_id, reserved)
        self.commit(info)
        return info

    def remove(self, doc_id: str) -> None:
        infos = self.list()
        if doc_id not in {i.doc_id for i in infos}:
            raise NotFound(f"No user document {doc_id!r}. User documents: {', '.join(i.doc_id for i in infos) or 'none'}.")
        self._write([i for i in infos if i.doc_id != doc_id])
        (self.folder / f"{doc_id}.txt").unlink(missing_ok=True)
        (self.folder / "annotations" / f"{doc_id}.toml").unlink(missing_ok=True)

    def documents(self) -> list[Document]:
        docs = []
        for info in self.list():
            path = self.folder / f"{info.doc_id}.txt"
            try:
                text = path.read_bytes().decode("utf-8")
            except (OSError, UnicodeDecodeError):
                continue  # reported by `clausewise corpus` as missing
            if hashlib.sha256(text.encode("utf-8")).hexdigest() != info.sha256:
                continue  # changed on disk behind our back: never cite it
            docs.append(self._document(info, text))
        return docs

    def _document(self, info: UserDocInfo, text: str) -> Document:
        path = self.folder / f"{info.doc_id}.txt"
        added = info.added
        if not added:  # registered before dates were kept: the day its text was stored
            try:
                added = datetime.date.fromtimestamp(path.stat().st_mtime).isoformat()
            except OSError:
                added = ""
        return user_document(info.doc_id, info.filename, text, url=str(path), added=added)


def title_of(text: str, default: str) -> str:
    return next((line.strip("#* \t") for line in text.splitlines() if line.strip()), default)[:120]


def user_document(doc_id: str, filename: str, text: str, *, family: str = "user", url: str | None = None,
                  added: str = "") -> Document:
    """A user's text as a citable Document: the one path both `clausewise add` and the ContractNLI benchmark take.
    Its version is the date it was added, so it is cited by title and date; without a date, a short text hash."""
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    spec = DocumentSpec(doc_id=doc_id, title=title_of(text, doc_id), publisher="user", version=added or sha[:12],
                        kind=DocKind.USER, family=family, source=f"user:{filename}", sha256=sha, url=url or filename)
    return Document(spec, text, spec.url, tuple(parse_clauses(doc_id, text)))


def reindex_user(settings: Settings, embedder, model_name: str, progress=None, extra: list[Document] | None = None):
    """Bring the user collection in line with the stored user documents (incremental, atomic like the corpus)."""
    from ingest.corpus import Corpus, DocReport, DocStatus
    from ingest.index import ingest

    docs = UserStore(settings).documents() + list(extra or [])
    corpus = Corpus({d.spec.doc_id: d for d in docs},
                    tuple(DocReport(d.spec, DocStatus.LOADED, "", len(d.clauses), d.origin) for d in docs))
    return ingest(corpus, settings, embedder, model_name=model_name, prefix="user", progress=progress)
