"""Walk a release's chain (a quantization of a merge of a fine-tune) to the models whose terms govern it."""

from __future__ import annotations

from dataclasses import dataclass

from release.inputs import NestedModel, ReleaseSpec, Role, SourceRef
from retrieval.registry import Registry

MAX_DEPTH = 8


@dataclass(frozen=True)
class LineageNode:
    ref: str
    role: Role
    relation: str  # how this node was made from its children ("" for a leaf)
    model_id: str | None  # registry id when resolved
    name: str
    documents: tuple[str, ...]
    in_corpus: bool
    resolved_by: str  # "lineage file", "registry (HF id)", "registry (name in id)", "unresolved"
    licence: str
    children: tuple["LineageNode", ...] = ()

    def leaves(self) -> list["LineageNode"]:
        return [self] if not self.children else [leaf for c in self.children for leaf in c.leaves()]

    def to_json(self) -> dict:
        return {"ref": self.ref, "role": self.role.value, "relation": self.relation, "model_id": self.model_id,
                "name": self.name, "documents": list(self.documents), "in_corpus": self.in_corpus,
                "resolved_by": self.resolved_by, "licence": self.licence,
                "children": [c.to_json() for c in self.children]}


def _resolve(source: SourceRef, registry: Registry, nested: dict[str, NestedModel], depth: int,
             seen: frozenset[str]) -> LineageNode:
    if source.ref in nested and source.ref not in seen and depth < MAX_DEPTH:
        model = nested[source.ref]
        children = tuple(_resolve(s, registry, nested, depth + 1, seen | {source.ref}) for s in model.sources)
        docs = tuple(dict.fromkeys(d for c in children for d in c.documents))
        return LineageNode(source.ref, source.role, model.relation.value, None, source.ref, docs,
                           all(c.in_corpus for c in children) if children else False, "lineage file",
                           model.licence or "", children)
    matches = registry.find(source.ref)
    if not matches:
        return LineageNode(source.ref, source.role, "", None, source.ref, (), False, "unresolved", "")
    # The longest match is the most specific name ("Llama-3.1-Nemotron-70B" over "Llama-3.1").
    best = max(matches, key=lambda m: m.end - m.start)
    entry = best.entry
    how = "registry (HF id)" if "/" in best.text or best.text == source.ref else "registry (name in id)"
    return LineageNode(source.ref, source.role, "", entry.id, entry.name, tuple(entry.documents), entry.in_corpus,
                       how, entry.licence)


def walk(spec: ReleaseSpec, registry: Registry) -> LineageNode:
    """The release as the root, its sources as children, each resolved to governing documents."""
    nested = {m.ref: m for m in spec.nested}
    children = tuple(_resolve(s, registry, nested, 1, frozenset()) for s in spec.sources)
    docs = tuple(dict.fromkeys(d for c in children for d in c.documents))
    return LineageNode(spec.name, Role.BASE, spec.relation.value, None, spec.name, docs,
                       bool(children) and all(c.in_corpus for c in children), spec.kind, spec.licence or "", children)
