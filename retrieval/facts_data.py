"""Facts written as data (a rules case, a matrix cell, a corrected reading): a plain mapping to `Facts`.

Models are named as people write them and resolved through the registry, so a case reads
`models = [{ name = "Meta-Llama-3-8B", role = "output_source" }]` rather than listing document ids.
"""

from __future__ import annotations

from typing import Any, Mapping

from ingest.errors import ConfigError
from retrieval.registry import Registry
from retrieval.scenario import Deployment, Facts, Method, ModelRef, Role

FIELDS = {"models", "documents", "licences", "methods", "deployments", "target", "datasets", "mau", "product_mau", "release_name", "revenue",
          "eu", "multimodal", "use_cases", "flags", "missing"}


def _model(registry: Registry, spec: Mapping[str, Any] | str, where: str) -> ModelRef:
    if isinstance(spec, str):
        spec = {"name": spec}
    name = spec.get("name") or spec.get("id")
    if not name:
        raise ConfigError(f"{where}: a model needs a `name` (as people write it) or a registry `id`")
    try:
        role = Role(spec.get("role", "base"))
    except ValueError:
        raise ConfigError(f"{where}: role {spec.get('role')!r} is not one of {[r.value for r in Role]}") from None
    entry = None
    if "id" in spec:
        entry = registry.get(spec["id"])
    else:
        found = registry.find(name)
        entry = found[0].entry if found else None
    if entry is None:
        raise ConfigError(f"{where}: no model in corpus/models.toml matches {name!r}; use a name or id listed there")
    return ModelRef(entry.id, entry.name, role, tuple(entry.documents), entry.in_corpus, entry.licence, entry.family,
                    entry.modality.value == "multimodal")


def _enum_list(enum, values: Any, key: str, where: str) -> tuple:
    if not isinstance(values, list):
        raise ConfigError(f"{where}: {key} must be a list")
    try:
        return tuple(enum(v) for v in values)
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}; valid {key}: {[e.value for e in enum]}") from None


def facts_from_data(data: Mapping[str, Any], registry: Registry, where: str = "facts") -> Facts:
    """Build Facts from a mapping; unknown keys and values raise a ConfigError naming them."""
    unknown = set(data) - FIELDS
    if unknown:
        raise ConfigError(f"{where}: unknown fact(s) {sorted(unknown)}; valid: {sorted(FIELDS)}")
    models = tuple(_model(registry, m, where) for m in data.get("models", []))
    documents: list[str] = []
    for m in models:
        documents.extend(d for d in m.documents if d not in documents)
    documents.extend(d for d in data.get("documents", []) if d not in documents)
    licences = tuple(data.get("licences", ()))
    documents.extend(d for d in licences if d not in documents)
    methods = _enum_list(Method, data.get("methods", ["plain_use"]), "methods", where)
    deployments = _enum_list(Deployment, data.get("deployments", []), "deployments", where)
    return Facts(models=models, documents=tuple(documents), licences=licences, methods=methods, deployments=deployments,
                 target_licence=data.get("target"), datasets=tuple(data.get("datasets", ())), mau=data.get("mau"), product_mau=data.get("product_mau"),
                 revenue=data.get("revenue"), eu=data.get("eu"), multimodal=data.get("multimodal"),
                 use_cases=tuple(data.get("use_cases", ())), flags=tuple(data.get("flags", ())),
                 missing=tuple(data.get("missing", ())), release_name=data.get("release_name"),
                 unknown=() if deployments else ("deployment",))
