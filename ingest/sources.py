"""The corpus manifest (`corpus/sources.toml`) and the resolution of each document's exact text.

Resolution order: a local sources folder (CLAUSEWISE_SOURCES), the installed ScanCode LicenseDB, then the pinned URL
fetched once into the cache. Every text must match its pinned sha256 before anything else sees it.
"""

from __future__ import annotations

import hashlib
import importlib.util
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

from ingest.errors import ConfigError, SourceError
from ingest.settings import CORPUS_DIR, Settings
from ingest.tomlfile import read_toml

MANIFEST = CORPUS_DIR / "sources.toml"
EXPLAINERS = CORPUS_DIR / "explainers"
REQUIRED_FIELDS = ("doc_id", "title", "publisher", "version", "kind", "family", "source", "sha256", "url")


class DocKind(str, Enum):
    LICENCE = "licence"
    POLICY = "policy"
    TERMS = "terms"
    EXPLAINER = "explainer"
    USER = "user"


@dataclass(frozen=True)
class DocumentSpec:
    """One manifest row: what a document is and where its exact text comes from."""

    doc_id: str
    title: str
    publisher: str
    version: str
    kind: DocKind
    family: str
    source: str
    sha256: str
    url: str

    @property
    def is_primary(self) -> bool:
        return self.kind not in (DocKind.EXPLAINER,)


@dataclass(frozen=True)
class SourceText:
    """A document's verified text and where it was found."""

    spec: DocumentSpec
    text: str
    origin: str
    metadata: dict[str, str] = field(default_factory=dict, hash=False, compare=False)


@dataclass(frozen=True)
class Manifest:
    specs: tuple[DocumentSpec, ...]

    def ids(self) -> list[str]:
        return [s.doc_id for s in self.specs]

    def get(self, doc_id: str) -> DocumentSpec:
        for spec in self.specs:
            if spec.doc_id == doc_id:
                return spec
        from ingest.errors import NotFound
        import difflib

        near = difflib.get_close_matches(doc_id, self.ids(), n=3, cutoff=0.5)
        hint = f" Did you mean: {', '.join(near)}?" if near else f" Known ids: {', '.join(self.ids())}."
        raise NotFound(f"Unknown document id {doc_id!r}.{hint}")


def validate_rows(rows: list[dict]) -> list[str]:
    """Every problem in the manifest rows, one message each."""
    problems: list[str] = []
    seen: set[str] = set()
    kinds = {k.value for k in DocKind}
    for n, row in enumerate(rows, 1):
        where = f"document #{n} ({row.get('doc_id', '?')})"
        for key in REQUIRED_FIELDS:
            if not isinstance(row.get(key), str) or not row.get(key):
                problems.append(f"{where}: field {key!r} is missing or empty")
        if row.get("kind") not in kinds:
            problems.append(f"{where}: kind {row.get('kind')!r} is not one of {sorted(kinds)}")
        src = str(row.get("source", ""))
        if not src.startswith(("local:", "scancode:")):
            problems.append(f"{where}: source {src!r} must start with 'local:' or 'scancode:'")
        sha = str(row.get("sha256", ""))
        if len(sha) != 64 or any(c not in "0123456789abcdef" for c in sha):
            problems.append(f"{where}: sha256 {sha!r} is not 64 lower-case hex digits")
        doc_id = row.get("doc_id")
        if doc_id in seen:
            problems.append(f"{where}: doc_id {doc_id!r} is used twice")
        seen.add(doc_id)
        extra = set(row) - set(REQUIRED_FIELDS)
        if extra:
            problems.append(f"{where}: unknown fields {sorted(extra)}")
    return problems


def load_manifest(path: Path | None = None) -> Manifest:
    """Read and validate the manifest; a ConfigError lists every bad row."""
    path = path or MANIFEST
    data = read_toml(path, "The corpus manifest")
    rows = data.get("document", [])
    problems = validate_rows(rows)
    if problems:
        raise ConfigError(f"The corpus manifest {path} has {len(problems)} problem(s):\n  - " + "\n  - ".join(problems))
    specs = tuple(DocumentSpec(**{**row, "kind": DocKind(row["kind"])}) for row in rows)
    return Manifest(specs)


def sha256_text(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def scancode_licenses_dir() -> Path | None:
    """The LicenseDB folder of the installed scancode-toolkit, found without importing it (the import is slow)."""
    spec = importlib.util.find_spec("licensedcode")
    if spec is None or not spec.submodule_search_locations:
        return None
    folder = Path(list(spec.submodule_search_locations)[0]) / "data" / "licenses"
    return folder if folder.is_dir() else None


def split_scancode(raw: str) -> tuple[dict[str, str], str]:
    """Split a ScanCode .LICENSE file into its YAML front matter (as a flat dict) and the licence text."""
    if not raw.startswith("---\n"):
        return {}, raw
    head, sep, text = raw[4:].partition("---\n")
    if not sep:
        return {}, raw
    import yaml

    try:
        meta = yaml.safe_load(head) or {}
    except yaml.YAMLError:
        meta = {}
    flat = {str(k): str(v) for k, v in meta.items() if isinstance(v, (str, int, float))}
    return flat, text


def _decode(data: bytes, where: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SourceError(f"{where} is not UTF-8 text ({exc}).") from exc


def _check(spec: DocumentSpec, text: str, origin: str) -> None:
    actual = sha256_text(text)
    if actual != spec.sha256:
        raise SourceError(
            f"{spec.doc_id}: the text from {origin} does not match the pinned sha256 "
            f"(expected {spec.sha256}, actual {actual}). Refusing it: replace the file with the exact published text "
            f"from {spec.url}, or update sources.toml after reviewing the new text."
        )


def resolve(spec: DocumentSpec, settings: Settings, *, network: bool = True, timeout: float = 10.0) -> SourceText:
    """Find, read and verify one document's text; SourceError says which, why and how to fix it."""
    kind, _, ref = spec.source.partition(":")
    tried: list[str] = []
    if settings.sources is not None:
        candidate = settings.sources / ref if kind == "local" else settings.sources / "scancode" / f"{ref}.LICENSE"
        tried.append(str(candidate))
        if candidate.is_file():
            text = _decode(candidate.read_bytes(), str(candidate))
            meta: dict[str, str] = {}
            if kind == "scancode":
                meta, text = split_scancode(text)
            _check(spec, text, str(candidate))
            return SourceText(spec, text, str(candidate), meta)
    if kind == "scancode":
        folder = scancode_licenses_dir()
        if folder is not None:
            path = folder / f"{ref}.LICENSE"
            tried.append(str(path))
            if path.is_file():
                meta, text = split_scancode(_decode(path.read_bytes(), str(path)))
                _check(spec, text, f"ScanCode LicenseDB ({path})")
                return SourceText(spec, text, f"scancode:{ref}", meta)
        else:
            tried.append("ScanCode LicenseDB (scancode-toolkit is not installed)")
    cached = settings.cache_dir / "sources" / f"{spec.doc_id}-{spec.sha256[:12]}.txt"
    if cached.is_file():
        text = _decode(cached.read_bytes(), str(cached))
        _check(spec, text, str(cached))
        return SourceText(spec, text, str(cached))
    if network and kind == "local":
        tried.append(spec.url)
        try:
            with urllib.request.urlopen(spec.url, timeout=timeout) as resp:  # noqa: S310 - pinned https URL
                data = resp.read(2_000_000)
        except (urllib.error.URLError, OSError, ValueError) as exc:
            tried[-1] += f" ({exc})"
        else:
            text = _decode(data, spec.url)
            _check(spec, text, spec.url)
            cached.parent.mkdir(parents=True, exist_ok=True)
            tmp = cached.with_suffix(".tmp")
            tmp.write_bytes(data)
            tmp.replace(cached)
            return SourceText(spec, text, spec.url)
    hint = ("set CLAUSEWISE_SOURCES to a folder laid out like shared/corpus (meta-llama/<family>/LICENSE)"
            if kind == "local" else "install scancode-toolkit (pip install scancode-toolkit)")
    raise SourceError(f"{spec.doc_id}: text not available offline; tried {'; '.join(tried) or 'nothing'}. To fix: {hint}.")


def explainer_specs(folder: Path | None = None) -> list[tuple[DocumentSpec, str]]:
    """Our own explanatory notes: every `*.md` in corpus/explainers, with a `title:` first line."""
    folder = folder or EXPLAINERS
    out = []
    for path in sorted(folder.glob("*.md")):
        text = _decode(path.read_bytes(), str(path))
        first = text.splitlines()[0] if text else path.stem
        title = first.lstrip("# ").strip() or path.stem
        spec = DocumentSpec(
            doc_id=f"explainer-{path.stem}", title=title, publisher="clausewise", version="note",
            kind=DocKind.EXPLAINER, family="explainer", source=f"explainer:{path.name}",
            sha256=sha256_text(text), url=f"corpus/explainers/{path.name}",
        )
        out.append((spec, text))
    return out
