"""What a release says about itself: a Hugging Face model card, a mergekit config, or a lineage TOML, read into a
`ReleaseSpec`. Cards are read with `huggingface_hub.ModelCard` from the local file (never the Hub)."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from enum import Enum
from pathlib import Path

import yaml

from ingest.errors import ConfigError
from retrieval.scenario import Deployment

MAX_BYTES = 2_000_000
_FENCED_YAML = re.compile(r"```ya?ml\s*\n(.*?)```", re.S)
_HEADING = re.compile(r"^#\s+(.+?)\s*$", re.M)
_MODEL_LIKE = re.compile(r"[A-Za-z0-9][\w.+\- ]{1,80}")
_PLACEHOLDER = re.compile(r"^(?:uploaded\s+model|model id|model|\{.*\})$", re.I)


class Relation(str, Enum):
    FINETUNE = "finetune"
    ADAPTER = "adapter"
    MERGE = "merge"
    QUANTIZED = "quantized"
    DISTILLED = "distillation"  # trained on a teacher's outputs
    SOURCE = "source"  # how the release relates to it is not said


class Role(str, Enum):
    BASE = "base"
    MERGE_SOURCE = "merge_source"
    TEACHER = "teacher"


@dataclass(frozen=True)
class SourceRef:
    ref: str  # an HF id, a name, or a local path as the input writes it
    role: Role


@dataclass(frozen=True)
class DatasetRef:
    ref: str
    licence: str | None = None


@dataclass(frozen=True)
class NestedModel:
    """A model of the chain the lineage file describes itself (not resolved through the registry)."""

    ref: str
    relation: Relation
    sources: tuple[SourceRef, ...]
    licence: str | None = None


@dataclass(frozen=True)
class ReleaseSpec:
    kind: str  # hf-card | mergekit | lineage
    path: str
    name: str
    licence: str | None
    licence_name: str | None
    licence_link: str | None
    relation: Relation
    sources: tuple[SourceRef, ...]
    datasets: tuple[DatasetRef, ...] = ()
    deployments: tuple[Deployment, ...] = (Deployment.WEIGHTS_RELEASE,)
    commercial: bool | None = None
    card_text: str = ""
    files: frozenset[str] = frozenset()  # lower-cased names of files shipped beside the card
    nested: tuple[NestedModel, ...] = ()
    tags: tuple[str, ...] = ()
    flags: tuple[str, ...] = ()  # scenario flags the lineage file states (competing, commercial, ...)
    # What a lineage file may state about the releasing organisation and the intended use (None / "": not stated).
    intended_use: str = ""  # in plain words; read by the scenario reader for the use-policy categories
    monthly_users: int | None = None
    revenue: int | None = None  # annual, USD
    eu: bool | None = None
    notes: tuple[str, ...] = field(default=())


def _as_list(value) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value] if value.strip() else []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value if v is not None and str(v).strip()]
    return [str(value)]


def _text(value) -> str | None:
    """A card field that should be one string: a list keeps its first entry (`license: [mit]`), blanks are None."""
    if isinstance(value, (list, tuple)):
        value = next((v for v in value if v), None)
    if value is None:
        return None
    value = str(value).strip()
    return value or None


def _relation(value, default: Relation) -> Relation:
    if not value:
        return default
    v = str(value).strip().lower()
    aliases = {"merged": "merge", "quantization": "quantized", "lora": "adapter", "fine-tune": "finetune",
               "fine_tune": "finetune", "distilled": "distillation"}
    try:
        return Relation(aliases.get(v, v))
    except ValueError:
        raise ConfigError(f"Unknown relation {value!r}: use one of {[r.value for r in Relation]}.") from None


def _read_text(path: Path) -> str:
    if not path.is_file():
        raise ConfigError(f"{path} is not a file. Give a model card (README.md), a mergekit YAML or a lineage TOML.")
    if path.stat().st_size > MAX_BYTES:
        raise ConfigError(f"{path} is larger than {MAX_BYTES // 1_000_000} MB; a model card or config is much smaller.")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ConfigError(f"{path} is not UTF-8 text.") from None


def _siblings(path: Path) -> frozenset[str]:
    return frozenset(p.name.lower() for p in path.parent.iterdir() if p.is_file()) if path.parent.is_dir() else frozenset()


def _mergekit_sources(config: dict) -> list[str]:
    """Every model a mergekit config draws from: `models`, `slices[].sources`, and `base_model`."""
    refs: list[str] = []
    for m in config.get("models") or []:
        if isinstance(m, dict) and m.get("model"):
            refs.append(str(m["model"]))
    for s in config.get("slices") or []:
        for src in (s or {}).get("sources") or []:
            if isinstance(src, dict) and src.get("model"):
                refs.append(str(src["model"]))
    if config.get("base_model"):
        refs.append(str(config["base_model"]))
    return list(dict.fromkeys(refs))


def _clean_title(text) -> str:
    return " ".join(re.sub(r"^Model Card for\s+|\s+model card$", "", str(text or ""), flags=re.I).split())


def _model_name(declared, heading: str | None, path: Path) -> str:
    """The released model's name: the repository name the file is named after (`org_repo.md`, as card collections
    name them), else the card's `model_name` or model-index name, else a heading that reads as a model name, else the folder of a
    README.md or the file name. Headings are often "Update!" or a row of badges, so they come late."""
    stem = path.stem
    if path.name.lower() != "readme.md" and "_" in stem and re.fullmatch(r"[A-Za-z0-9][\w.-]*", stem):
        return stem.split("_", 1)[1]  # the repository's name is the model's name on the Hub
    title = _clean_title(declared)
    if title and not _PLACEHOLDER.match(title):
        return title
    head = _clean_title(heading)
    if head and not _PLACEHOLDER.match(head) and _MODEL_LIKE.fullmatch(head) and re.search(r"[\d-]", head) \
            and len(head.split()) <= 5:
        return head
    return path.parent.name if path.name.lower() == "readme.md" and path.parent.name else stem


def read_card(path: Path, text: str | None = None, name: str | None = None) -> ReleaseSpec:
    from huggingface_hub import ModelCard

    text = _read_text(path) if text is None else text
    try:
        card = ModelCard(text, ignore_metadata_errors=True)
    except Exception as exc:  # the library raises ValueError/YAMLError subclasses for a broken header
        raise ConfigError(f"{path}: the model card's YAML front matter cannot be read ({exc}).") from None
    data = card.data
    meta = data.to_dict()
    bases = _as_list(meta.get("base_model"))
    tags = tuple(_as_list(meta.get("tags")))
    body = card.text or ""
    notes = []
    merge = any(t.lower() in ("merge", "mergekit") for t in tags)
    if merge:
        # A mergekit card lists its real sources in the config it embeds; local paths there still name models.
        for block in _FENCED_YAML.findall(body):
            try:
                config = yaml.safe_load(block)
            except yaml.YAMLError:
                continue
            if isinstance(config, dict):
                bases.extend(r for r in _mergekit_sources(config) if r not in bases)
    heading = _HEADING.search(body)
    quantized = any(t.lower() in ("gguf", "gptq", "awq", "exl2") for t in tags) or bool(meta.get("quantized_by")) or bool(
        heading and re.search(r"\b(?:gguf|gptq|awq|exl2)\b", heading.group(1), re.I))
    relation = _relation(_text(meta.get("base_model_relation")), Relation.MERGE if merge else (
        Relation.ADAPTER if meta.get("library_name") == "peft" or "lora" in [t.lower() for t in tags] else
        (Relation.QUANTIZED if quantized else Relation.FINETUNE)))
    index = meta.get("model-index") or meta.get("model_index")
    index_name = index[0].get("name") if isinstance(index, list) and index and isinstance(index[0], dict) else None
    title = _model_name(meta.get("model_name") or index_name, heading.group(1) if heading else None, path)
    if not bases:
        # Without base_model the card describes the model itself (an original or a re-upload), not something made
        # from it: its terms are found from its name, and no new-model duty (name prefix) is assumed.
        notes.append("The card names no base_model; the lineage is read from the model's name.")
        bases = [title]
        if not meta.get("base_model_relation"):
            relation = Relation.SOURCE
    role = Role.MERGE_SOURCE if relation is Relation.MERGE else Role.BASE
    return ReleaseSpec(
        kind="hf-card", path=str(path), name=name or title, licence=_text(meta.get("license")),
        licence_name=_text(meta.get("license_name")), licence_link=_text(meta.get("license_link")), relation=relation,
        sources=tuple(SourceRef(b, role) for b in dict.fromkeys(bases)),
        datasets=tuple(DatasetRef(d) for d in _as_list(meta.get("datasets"))),
        card_text=text, files=_siblings(path), tags=tags, notes=tuple(notes))


def read_mergekit(path: Path, text: str | None = None, name: str | None = None) -> ReleaseSpec:
    text = _read_text(path) if text is None else text
    try:
        config = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: not valid YAML ({exc}).") from None
    if not isinstance(config, dict) or not _mergekit_sources(config):
        raise ConfigError(f"{path}: no `models`, `slices` or `base_model` found; is this a mergekit config?")
    return ReleaseSpec(kind="mergekit", path=str(path), name=name or str(config.get("model_name") or path.stem),
                       licence=None, licence_name=None, licence_link=None, relation=Relation.MERGE,
                       sources=tuple(SourceRef(r, Role.MERGE_SOURCE) for r in _mergekit_sources(config)),
                       files=_siblings(path), notes=("A mergekit config carries no licence; none is declared.",))


_DEPLOY = {d.value: d for d in Deployment}


def read_lineage(path: Path, text: str | None = None, name: str | None = None) -> ReleaseSpec:
    text = _read_text(path) if text is None else text
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc}).") from None
    if "name" not in data or not (data.get("base_model") or data.get("teacher")):
        raise ConfigError(f"{path}: a lineage file needs `name` and `base_model` (or [[teacher]] tables).")
    relation = _relation(data.get("relation"), Relation.FINETUNE)
    role = Role.MERGE_SOURCE if relation is Relation.MERGE else Role.BASE
    sources = [SourceRef(b, role) for b in _as_list(data.get("base_model"))]
    sources += [SourceRef(str(t["id"]), Role.TEACHER) for t in data.get("teacher", []) if t.get("id")]
    nested = []
    for m in data.get("model", []):
        if not m.get("id"):
            raise ConfigError(f"{path}: every [[model]] needs an `id`.")
        rel = _relation(m.get("relation"), Relation.FINETUNE)
        r = Role.MERGE_SOURCE if rel is Relation.MERGE else Role.BASE
        nested.append(NestedModel(str(m["id"]), rel, tuple(SourceRef(b, r) for b in _as_list(m.get("base_model"))),
                                  m.get("licence")))
    bad = [d for d in _as_list(data.get("deployment")) if d not in _DEPLOY]
    if bad:
        raise ConfigError(f"{path}: unknown deployment(s) {bad}; use {sorted(_DEPLOY)}.")
    deployments = tuple(_DEPLOY[d] for d in _as_list(data.get("deployment"))) or (Deployment.WEIGHTS_RELEASE,)
    from retrieval.scenario import FLAG_PATTERNS

    flags = tuple(_as_list(data.get("flags")))
    bad = [f for f in flags if f not in FLAG_PATTERNS]
    if bad:
        raise ConfigError(f"{path}: unknown flag(s) {bad}; use {sorted(FLAG_PATTERNS)}.")
    card_text = ""
    if data.get("card"):
        card_text = _read_text(path.parent / str(data["card"]))
    numbers = {}
    for key in ("monthly_users", "revenue"):
        value = data.get(key)
        if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
            raise ConfigError(f"{path}: `{key}` must be a whole number (for example {key} = 2_000_000), "
                              f"not {value!r}.")
        numbers[key] = value
    eu = data.get("eu")
    if eu is not None and not isinstance(eu, bool):
        raise ConfigError(f"{path}: `eu` must be true or false, not {eu!r}.")
    intended_use = data.get("intended_use", "")
    if not isinstance(intended_use, str):
        raise ConfigError(f"{path}: `intended_use` must be text describing what the model is used for.")
    files = frozenset(f.lower() for f in _as_list(data.get("files"))) | _siblings(path)
    return ReleaseSpec(
        kind="lineage", path=str(path), name=name or str(data["name"]), licence=_text(data.get("licence")),
        licence_name=_text(data.get("licence_name")), licence_link=_text(data.get("licence_link")), relation=relation,
        sources=tuple(sources), datasets=tuple(DatasetRef(str(d["id"]), d.get("licence")) for d in data.get("dataset", [])),
        deployments=deployments, commercial=data.get("commercial"), card_text=card_text, files=files,
        nested=tuple(nested), flags=flags, intended_use=intended_use.strip(), monthly_users=numbers["monthly_users"],
        revenue=numbers["revenue"], eu=eu)


def read_release(path: str | Path, name: str | None = None, text: str | None = None) -> ReleaseSpec:
    """Read any supported input; the format is chosen from the file name, then from its content."""
    path = Path(path)
    if text is None and path.is_dir():
        # A model repository: its lineage file if it has one, else its card.
        found = next((path / n for n in ("lineage.toml", "README.md", "readme.md") if (path / n).is_file()), None)
        if found is None:
            raise ConfigError(f"{path} is a folder with no README.md or lineage.toml to check.")
        path = found
    suffix = path.suffix.lower()
    if suffix == ".toml":
        return read_lineage(path, text, name)
    if suffix in (".yaml", ".yml"):
        return read_mergekit(path, text, name)
    return read_card(path, text, name)
