"""Use-policy categories (`corpus/rules/use-policies.toml`): one concept each (malware, covert tracking of people,
political campaigning, ...), with the words people use for it and, per policy document, the clauses that forbid it.

The vocabulary is data beside the clauses so a reviewer can extend either without reading Python; the scenario reader
matches it, and the rules table grounds a use-policy finding in the category's clauses for the governing document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ingest.errors import ConfigError
from ingest.settings import CORPUS_DIR
from ingest.tomlfile import read_toml

USE_POLICIES = CORPUS_DIR / "rules" / "use-policies.toml"


@dataclass(frozen=True)
class UseCategory:
    id: str
    label: str
    patterns: tuple[str, ...]
    # policy document id -> full clause ids in it that forbid this use
    clauses: dict[str, tuple[str, ...]]
    # an exception phrase that takes a question out of the category ("licensed physicians review every answer")
    unless: tuple[str, ...] = ()
    like: tuple[str, ...] = ()  # categories whose patterns are part of `patterns` (resolved by the loader)
    note: str = ""
    # short descriptions of the use in our words, the way people describe it: what similarity reading compares
    # a question's sentences with (retrieval/usesim.py), beside the label and the clauses' own text
    concepts: tuple[str, ...] = ()

    def clause_ids(self, policy_doc: str) -> tuple[str, ...]:
        return self.clauses.get(policy_doc, ())


@dataclass(frozen=True)
class PolicyScope:
    """Where one policy document lists its prohibited uses: the clause paths matching `restrictions`, each of which
    some category maps or `not_categories` explains."""

    doc: str
    restrictions: str
    not_categories: dict[str, str]

    def covers(self, path: str) -> bool:
        return re.search(self.restrictions, path) is not None


@dataclass(frozen=True)
class UseCategories:
    categories: tuple[UseCategory, ...]
    policies: tuple[PolicyScope, ...] = ()
    # ordinary licence scenarios, none of them a listed use: similarity reading needs a sentence to be nearer a
    # category than to all of these ("we fine-tune it and publish the weights", "what must the notice say?")
    background: tuple[str, ...] = ()
    # carve-outs by meaning: group name -> (categories it takes a question out of, texts that state it)
    carve_outs: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = ()

    def ids(self) -> set[str]:
        return {c.id for c in self.categories}

    def get(self, cid: str) -> UseCategory:
        for c in self.categories:
            if c.id == cid:
                return c
        raise KeyError(cid)

    def policy_docs(self) -> set[str]:
        return {d for c in self.categories for d in c.clauses}

    def unmapped(self, clause_paths: dict[str, list[str]]) -> list[str]:
        """Prohibited-use clauses (per `policies`) that no category maps and `not_categories` does not explain;
        `clause_paths` is doc id -> every clause path of that loaded document."""
        mapped = {c for cat in self.categories for ids in cat.clauses.values() for c in ids}
        missing = []
        for scope in self.policies:
            for path in clause_paths.get(scope.doc, []):
                if scope.covers(path) and f"{scope.doc}:{path}" not in mapped and path not in scope.not_categories:
                    missing.append(f"{scope.doc}:{path}")
        return missing

    def validate(self, known_clause_ids: set[str] | None = None) -> list[str]:
        problems, seen = [], set()
        loaded = {c.split(":", 1)[0] for c in known_clause_ids} if known_clause_ids else set()
        for cat in self.categories:
            if cat.id in seen:
                problems.append(f"use category {cat.id}: id used twice")
            seen.add(cat.id)
            if not cat.patterns:
                problems.append(f"use category {cat.id}: no patterns; a category nobody can match is dead")
            for p in cat.patterns + cat.unless:
                try:
                    re.compile(p)
                except re.error as exc:
                    problems.append(f"use category {cat.id}: pattern {p!r} is not a valid regular expression ({exc})")
            if known_clause_ids is not None:
                for doc, ids in cat.clauses.items():
                    for cid in ids:
                        if doc in loaded and cid not in known_clause_ids:
                            problems.append(f"use category {cat.id}: unknown clause id {cid!r}")
        for scope in self.policies:
            try:
                re.compile(scope.restrictions)
            except re.error as exc:
                problems.append(f"policy {scope.doc}: restrictions {scope.restrictions!r} is not a valid regular expression ({exc})")
                continue
            if known_clause_ids is not None and scope.doc in loaded:
                for path in scope.not_categories:
                    if f"{scope.doc}:{path}" not in known_clause_ids:
                        problems.append(f"policy {scope.doc}: not_categories names unknown clause {path!r}")
        return problems


def _full(doc: str, path: str) -> str:
    return path if ":" in path else f"{doc}:{path}"


def parse_categories(data: dict, where: str) -> tuple[UseCategories, list[str]]:
    rows, problems = [], []
    for n, row in enumerate(data.get("category", []), 1):
        label = f"{where} category #{n} ({row.get('id', '?')})"
        missing = [k for k in ("id", "label", "patterns") if k not in row]
        if missing:
            problems.append(f"{label}: missing field(s) {missing}")
            continue
        rows.append((label, row))
    own = {row["id"]: tuple(row["patterns"]) for _, row in rows}
    cats = []
    for label, row in rows:
        like = tuple(row.get("like", ()))
        patterns = list(own[row["id"]])
        for other in like:
            if other not in own or other == row["id"]:
                problems.append(f"{label}: like names {other!r}, which is not another category")
                continue
            patterns += [p for p in own[other] if p not in patterns]
        clauses = {doc: tuple(_full(doc, p) for p in paths) for doc, paths in row.get("clauses", {}).items()}
        concepts = row.get("concepts", [])
        if not isinstance(concepts, list) or not all(isinstance(c, str) and c.strip() for c in concepts):
            problems.append(f"{label}: concepts must be a list of non-empty strings")
            concepts = []
        cats.append(UseCategory(row["id"], row["label"], tuple(patterns), clauses, tuple(row.get("unless", ())),
                                like, row.get("note", ""), tuple(concepts)))
    scopes = []
    for n, row in enumerate(data.get("policy", []), 1):
        if not isinstance(row.get("doc"), str) or not isinstance(row.get("restrictions"), str):
            problems.append(f"{where} policy #{n}: needs doc and restrictions (a regular expression over clause paths)")
            continue
        scopes.append(PolicyScope(row["doc"], row["restrictions"], dict(row.get("not_categories", {}))))
    background = data.get("similarity", {}).get("background", [])
    if not isinstance(background, list) or not all(isinstance(b, str) and b.strip() for b in background):
        problems.append(f"{where} [similarity] background must be a list of non-empty strings")
        background = []
    groups = []
    known = {c.id for c in cats}
    for name, group in data.get("similarity", {}).get("carve_outs", {}).items():
        members, texts = group.get("categories", []), group.get("texts", [])
        for cid in members:
            if cid not in known:
                problems.append(f"{where} [similarity.carve_outs.{name}]: unknown category {cid!r}")
        if not texts or not all(isinstance(t, str) and t.strip() for t in texts):
            problems.append(f"{where} [similarity.carve_outs.{name}]: texts must be a non-empty list of strings")
        groups.append((name, tuple(members), tuple(texts)))
    return UseCategories(tuple(cats), tuple(scopes), tuple(background), tuple(groups)), problems


@lru_cache(maxsize=4)
def load_categories(path: Path | None = None) -> UseCategories:
    path = path or USE_POLICIES
    data = read_toml(path, "The use-policy categories")
    cats, problems = parse_categories(data, str(path))
    problems += cats.validate()
    if problems:
        raise ConfigError(f"{path} has {len(problems)} problem(s):\n  - " + "\n  - ".join(problems))
    return cats
