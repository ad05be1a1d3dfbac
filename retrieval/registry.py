"""The model registry: which corpus documents govern a model named in a question (data in corpus/models.toml)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Any

from ingest.errors import ConfigError, NotFound
from ingest.tomlfile import read_toml
from retrieval.patterns import lowered, needles_of, present, register

DEFAULT_PATH = Path(__file__).resolve().parent.parent / "corpus" / "models.toml"

# Slugs end up in URLs, logs and eval files, so keep them to a boring alphabet.
_ID_RE = re.compile(r"[a-z0-9][a-z0-9.+-]*\Z")


class Modality(str, Enum):
    """What the model takes in or puts out; some licences treat multimodal models differently."""

    TEXT = "text"
    MULTIMODAL = "multimodal"


class Status(str, Enum):
    """Whether the terms governing the model are documents in the corpus."""

    IN_CORPUS = "in_corpus"
    NOT_IN_CORPUS = "terms_not_in_corpus"


@dataclass(frozen=True)
class ModelEntry:
    """One model (or model line) and the documents that govern it."""

    id: str
    name: str
    provider: str
    family: str
    version: str
    modality: Modality
    status: Status
    documents: tuple[str, ...]
    licence: str
    source: str
    patterns: tuple[re.Pattern[str], ...]
    examples: tuple[str, ...]

    @property
    def in_corpus(self) -> bool:
        """True when clauses for this model can be cited from the corpus."""
        return self.status is Status.IN_CORPUS


@dataclass(frozen=True)
class ModelMatch:
    """A model named in a question, with its span in the original text."""

    entry: ModelEntry
    start: int
    end: int
    text: str


_STR_FIELDS = ("id", "name", "provider", "family", "version", "licence", "source")
_ENUM_FIELDS: dict[str, type[Enum]] = {"modality": Modality, "status": Status}
_LIST_FIELDS = ("documents", "patterns", "examples")
_FIELDS = _STR_FIELDS + tuple(_ENUM_FIELDS) + _LIST_FIELDS
# `version` is legitimately "" (Mixtral, Claude...); `documents` is [] for terms not in the corpus.
_MAY_BE_EMPTY = {"version", "documents"}


def _row_label(index: int, row: Mapping[str, Any]) -> str:
    """Name a row the way a reviewer can find it in the file."""
    model_id = row.get("id")
    return f"model #{index + 1} (id {model_id!r})" if isinstance(model_id, str) else f"model #{index + 1}"


def _parse_row(index: int, row: Any) -> tuple[ModelEntry | None, list[str]]:
    """Turn one [[model]] table into an entry, collecting every problem instead of stopping at the first."""
    if not isinstance(row, dict):
        return None, [f"model #{index + 1}: expected a [[model]] table, got {type(row).__name__}"]
    label = _row_label(index, row)
    problems: list[str] = []

    for key in row:
        if key not in _FIELDS:
            near = difflib.get_close_matches(key, _FIELDS, n=1)
            hint = f"; did you mean {near[0]!r}?" if near else f"; allowed fields: {', '.join(_FIELDS)}"
            problems.append(f"{label}: unknown field {key!r}{hint}")
    for key in _FIELDS:
        if key not in row:
            problems.append(f"{label}: missing field {key!r}")

    for key in _STR_FIELDS:
        value = row.get(key)
        if key not in row:
            continue
        if not isinstance(value, str):
            problems.append(f"{label}: {key!r} must be a string, got {type(value).__name__}")
        elif not value.strip() and key not in _MAY_BE_EMPTY:
            problems.append(f"{label}: {key!r} is empty; give a value")
    model_id = row.get("id")
    if isinstance(model_id, str) and model_id and not _ID_RE.match(model_id):
        problems.append(f"{label}: id {model_id!r} must be a lowercase slug (a-z, 0-9, '.', '+', '-')")

    enums: dict[str, Enum] = {}
    for key, enum_type in _ENUM_FIELDS.items():
        if key not in row:
            continue
        try:
            enums[key] = enum_type(row[key])
        except ValueError:
            allowed = ", ".join(repr(member.value) for member in enum_type)
            problems.append(f"{label}: {key} {row[key]!r} is not one of {allowed}")

    lists: dict[str, tuple[str, ...]] = {}
    for key in _LIST_FIELDS:
        if key not in row:
            continue
        value = row[key]
        if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
            problems.append(f"{label}: {key!r} must be a list of non-empty strings")
        elif not value and key not in _MAY_BE_EMPTY:
            problems.append(f"{label}: {key!r} is empty; add at least one")
        else:
            lists[key] = tuple(value)

    patterns: list[re.Pattern[str]] = []
    for source in lists.get("patterns", ()):
        try:
            pattern = re.compile(source, re.IGNORECASE)
        except re.error as exc:
            problems.append(f"{label}: pattern {source!r} is not a valid regex ({exc})")
            continue
        # An empty match would "find" this model in every question.
        if pattern.match("") is not None:
            problems.append(f"{label}: pattern {source!r} matches the empty string; make it require some text")
            continue
        patterns.append(pattern)

    if problems:
        return None, problems
    entry = ModelEntry(
        id=row["id"],
        name=row["name"],
        provider=row["provider"],
        family=row["family"],
        version=row["version"],
        modality=Modality(enums["modality"]),
        status=Status(enums["status"]),
        documents=lists["documents"],
        licence=row["licence"],
        source=row["source"],
        patterns=tuple(patterns),
        examples=lists["examples"],
    )
    return entry, []


def _duplicate_id_problems(ids: Iterable[object]) -> list[str]:
    """One message per id used more than once (ids in file order); `get` would be ambiguous otherwise."""
    positions: dict[str, list[int]] = {}
    for index, model_id in enumerate(ids):
        if isinstance(model_id, str):
            positions.setdefault(model_id, []).append(index + 1)
    return [
        f"id {model_id!r} is used by models #{', #'.join(map(str, where))}; ids must be unique, rename all but one"
        for model_id, where in positions.items()
        if len(where) > 1
    ]


class Registry:
    """All known models, matched against question text by their regex patterns."""

    def __init__(self, entries: Iterable[ModelEntry], path: Path | None = None) -> None:
        """Wrap already-parsed entries; file order is the tie-break order in `find`."""
        self.entries: tuple[ModelEntry, ...] = tuple(entries)
        self.path = path
        self._by_id = {entry.id: entry for entry in self.entries}
        # Each name pattern with the literal words any match needs (retrieval.patterns): a pattern whose words are not
        # in the question is not run, which leaves what `find` returns unchanged.
        self._patterns = tuple((rank, pattern, needles_of(pattern.pattern, pattern.flags))
                               for rank, entry in enumerate(self.entries) for pattern in entry.patterns)
        register(n for _, _, needles in self._patterns if needles for n in needles)

    @classmethod
    def load(cls, path: Path | None = None) -> Registry:
        """Read a registry file (default corpus/models.toml); ConfigError lists every malformed row."""
        path = Path(path) if path is not None else DEFAULT_PATH
        data = read_toml(path, "The model registry")

        rows = data.get("model")
        problems = [
            f"unknown top-level key {key!r}; every model is a [[model]] table" for key in data if key != "model"
        ]
        if not isinstance(rows, list) or not rows:
            problems.append("no [[model]] tables found; add at least one")
            rows = []

        entries: list[ModelEntry] = []
        for index, row in enumerate(rows):
            entry, row_problems = _parse_row(index, row)
            problems.extend(row_problems)
            if entry is not None:
                entries.append(entry)
        # Counted over raw rows so the positions match the file even when other rows are broken.
        problems.extend(_duplicate_id_problems(row.get("id") if isinstance(row, dict) else None for row in rows))

        if problems:
            listing = "\n".join(f"  - {problem}" for problem in problems)
            raise ConfigError(
                f"model registry {path} has {len(problems)} problem(s):\n{listing}\n"
                "Fix each row; the header comment of the file describes every field."
            )
        return cls(entries, path=path)

    def validate(self, known_doc_ids: set[str] | None = None) -> list[str]:
        """Every cross-reference problem, one message each; doc ids are only checked when known_doc_ids is given."""
        problems = _duplicate_id_problems(entry.id for entry in self.entries)
        for index, entry in enumerate(self.entries):
            label = f"model #{index + 1} (id {entry.id!r})"
            if entry.status is Status.IN_CORPUS and not entry.documents:
                problems.append(
                    f"{label}: status is 'in_corpus' but documents is empty; "
                    "list the governing doc ids or set status = 'terms_not_in_corpus'"
                )
            if entry.status is Status.NOT_IN_CORPUS and entry.documents:
                problems.append(
                    f"{label}: status is 'terms_not_in_corpus' but documents lists {list(entry.documents)}; "
                    "set status = 'in_corpus' or empty the list"
                )
            if len(set(entry.documents)) != len(entry.documents):
                problems.append(f"{label}: documents lists a doc id twice; remove the repeat")
            if known_doc_ids is not None:
                for doc_id in entry.documents:
                    if doc_id not in known_doc_ids:
                        near = difflib.get_close_matches(doc_id, sorted(known_doc_ids), n=1)
                        hint = f"; did you mean {near[0]!r}?" if near else "; add it to corpus/sources.toml first"
                        problems.append(f"{label}: unknown doc id {doc_id!r}{hint}")
            for example in entry.examples:
                # An HF id can name the model twice ("codellama/CodeLlama-7b"); only other models are a problem.
                found = list(dict.fromkeys(match.entry.id for match in self.find(example)))
                if found != [entry.id]:
                    got = ", ".join(found) if found else "nothing"
                    problems.append(
                        f"{label}: example {example!r} resolves to {got}, not to {entry.id!r}; "
                        "fix the patterns (of this entry or the one that wins) or the example"
                    )
        return problems

    def find(self, text: str) -> list[ModelMatch]:
        """All models named in text, in order of appearance, without overlaps."""
        candidates: list[tuple[int, int, int]] = []
        low = lowered(text)
        words = present(low) if low is not None else None
        for rank, pattern, needles in self._patterns:
            if words is not None and needles is not None and words.isdisjoint(needles):
                continue
            for found in pattern.finditer(text):
                if found.end() > found.start():
                    candidates.append((found.start(), found.end(), rank))

        # Longest span first so "Llama 3.2 Vision" beats the "Llama 3.2" inside it; ties go to the earlier row.
        candidates.sort(key=lambda cand: (cand[0] - cand[1], cand[2], cand[0]))
        chosen: list[tuple[int, int, int]] = []
        for start, end, rank in candidates:
            if all(end <= other_start or start >= other_end for other_start, other_end, _ in chosen):
                chosen.append((start, end, rank))
        chosen.sort()
        return [ModelMatch(self.entries[rank], start, end, text[start:end]) for start, end, rank in chosen]

    def get(self, model_id: str) -> ModelEntry:
        """The entry with this id; NotFound suggests near ids and models the string names."""
        try:
            return self._by_id[model_id]
        except KeyError:
            pass
        suggestions = difflib.get_close_matches(model_id, list(self._by_id), n=3, cutoff=0.6)
        # A display name or alias ("Llama 3.1 8B") is a common mistake for an id; point at the id it names.
        for match in self.find(model_id):
            if match.entry.id not in suggestions:
                suggestions.append(match.entry.id)
        hint = (
            f"; did you mean {', '.join(repr(s) for s in suggestions)}?"
            if suggestions
            else "; ids are the `id` fields of corpus/models.toml"
        )
        raise NotFound(f"no model with id {model_id!r} in the registry{hint}")


def with_user_documents(registry: Registry, infos) -> Registry:
    """The registry plus one entry per model name a user document governs (`clausewise add FILE --governs NAME`);
    user entries come first, so a name the user declared wins over a built-in pattern."""
    extra = []
    for info in infos:
        for name in getattr(info, "governs", ()):
            words = [re.escape(w) for w in re.split(r"[\s_-]+", name.strip()) if w]
            pattern = re.compile(r"(?<![\w.-])" + r"[\s_-]*".join(words) + r"(?![\w-])", re.I)
            extra.append(ModelEntry(id=f"{info.doc_id}/{name}", name=name, provider="user", family="user", version="",
                                    modality=Modality.TEXT, status=Status.IN_CORPUS, documents=(info.doc_id,),
                                    licence=info.doc_id, source="clausewise add --governs", patterns=(pattern,),
                                    examples=(name,)))
    return Registry([*extra, *registry.entries], path=registry.path) if extra else registry
