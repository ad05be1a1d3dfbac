"""AI-BOMs of a checked release: CycloneDX 1.6 ML-BOM (cyclonedx-python-lib) and SPDX 3.0.1 AI + Dataset JSON-LD
(spdx-python-model, the SPDX project's bindings).

Licences are named as the ScanCode LicenseDB names them (an SPDX id, or `LicenseRef-scancode-*`); several governing
licences form an AND expression checked with `license-expression`. A licence without a ScanCode key, or a user's own
document, becomes `LicenseRef-clausewise-<doc id>` with the sha256 of its text recorded beside it; a source whose terms
are unknown gets a named licence ("terms not in the corpus"), so the document stays valid either way.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
from dataclasses import dataclass
from datetime import datetime, timezone

from license_expression import ExpressionError, Licensing

from ingest.errors import ConfigError
from release.check import CheckReport
from release.lineage import LineageNode
from retrieval.scenario import resolve_versions

TOOL_NAME = "clausewise"
_REF_CHARS = re.compile(r"[^A-Za-z0-9.-]+")
_LICENSING = Licensing()


@dataclass(frozen=True)
class LicenceName:
    """One licence as a BOM names it."""

    doc_id: str
    identifier: str  # SPDX id or LicenseRef-*
    title: str
    sha256: str | None
    is_spdx_listed: bool


def licence_names(doc_ids, corpus, terms) -> list[LicenceName]:
    out = []
    # A model line listed under two dated versions of its terms is governed by the current one (as in `ask`).
    for d in resolve_versions(tuple(doc_ids), ""):
        info = terms.get(d)
        doc = corpus.documents.get(d)
        if doc is None or (info is None and not d.startswith("user-")):
            continue  # policies travel with their licence and are not licences of the model themselves
        sha = hashlib.sha256(doc.text.encode("utf-8")).hexdigest()
        ident = info.licence_id if info and info.licence_id else "LicenseRef-clausewise-" + _REF_CHARS.sub("-", d)
        out.append(LicenceName(d, ident, doc.spec.title, sha, not ident.startswith("LicenseRef-")))
    return out


def expression(names: list[LicenceName]) -> str | None:
    if not names:
        return None
    expr = " AND ".join(dict.fromkeys(n.identifier for n in names))
    try:
        _LICENSING.parse(expr, validate=False)
    except ExpressionError as exc:  # pragma: no cover - identifiers come from our own data
        raise ConfigError(f"Licence expression {expr!r} is not valid: {exc}") from None
    return expr


def _ref(prefix: str, text: str) -> str:
    return prefix + "-" + _REF_CHARS.sub("-", text).strip("-").lower()


def _nodes(node: LineageNode, out: list[LineageNode]) -> list[LineageNode]:
    for c in node.children:
        out.append(c)
        _nodes(c, out)
    return out


# ---------------------------------------------------------------------------------------------------- CycloneDX


def cyclonedx_json(report: CheckReport, corpus, terms, *, timestamp: datetime | None = None) -> str:
    from cyclonedx.model import Property
    from cyclonedx.model.bom import Bom
    from cyclonedx.model.component import Component, ComponentType, Pedigree
    from cyclonedx.model.license import DisjunctiveLicense, LicenseAcknowledgement, LicenseExpression
    from cyclonedx.output.json import JsonV1Dot6

    def licences_of(docs, ack):
        names = licence_names(docs, corpus, terms)
        expr = expression(names)
        props = [Property(name=f"clausewise:licence-sha256:{n.identifier}", value=n.sha256) for n in names
                 if not n.is_spdx_listed]
        props += [Property(name=f"clausewise:licence-title:{n.identifier}", value=n.title) for n in names]
        if expr:
            return [LicenseExpression(expr, acknowledgement=ack)], props
        return [], props

    built: dict[str, Component] = {}  # one component per source, even when it appears twice in the chain

    def ancestor(node: LineageNode) -> Component:
        # Pedigree entries are copies without bom-ref: a bom-ref must stay unique in the whole BOM.
        lics, _ = licences_of(node.documents, LicenseAcknowledgement.DECLARED)
        return Component(type=ComponentType.MACHINE_LEARNING_MODEL, name=node.ref,
                         licenses=lics or [DisjunctiveLicense(name=f"{node.licence or node.ref}: terms not in the corpus")],
                         pedigree=Pedigree(ancestors=[ancestor(c) for c in node.children]) if node.children else None)

    def component(node: LineageNode, root: bool = False) -> Component:
        key = ("release:" if root else "") + node.ref
        if key in built:
            return built[key]
        ref = _ref("release" if root else "model", node.ref)
        lics, props = licences_of(node.documents, LicenseAcknowledgement.CONCLUDED if root
                                  else LicenseAcknowledgement.DECLARED)
        if not lics:
            lics = [DisjunctiveLicense(name=f"{node.licence or node.ref}: terms not in the corpus")]
        props += [Property(name="clausewise:role", value=node.role.value),
                  Property(name="clausewise:resolved-by", value=node.resolved_by)]
        if node.relation:
            props.append(Property(name="clausewise:relation", value=node.relation))
        if node.model_id:
            props.append(Property(name="clausewise:registry-id", value=node.model_id))
        comp = Component(type=ComponentType.MACHINE_LEARNING_MODEL, name=node.ref, bom_ref=ref, licenses=lics,
                         properties=props,
                         pedigree=Pedigree(ancestors=[ancestor(c) for c in node.children]) if node.children else None)
        built[key] = comp
        for c in node.children:
            component(c)
        return comp

    root = component(report.lineage, root=True)
    spec = report.spec
    root.properties.update([Property(name="clausewise:verdict", value=report.verdict.value)]
                           + [Property(name="clausewise:declared-licence", value=v)
                              for v in (spec.licence, spec.licence_name) if v]
                           + [Property(name=f"clausewise:finding:{i}", value=f"{f.kind.value} ({', '.join(f.clause_ids)})")
                              for i, f in enumerate(report.findings, 1)])
    bom = Bom()
    bom.metadata.component = root
    if timestamp:
        bom.metadata.timestamp = timestamp
    datasets = []
    for ds in spec.datasets:
        docs = terms.declared_docs(ds.licence) if ds.licence else ()
        lics, props = licences_of(docs, LicenseAcknowledgement.DECLARED)
        if not lics and ds.licence:
            lics = [DisjunctiveLicense(name=ds.licence)]
        comp = Component(type=ComponentType.DATA, name=ds.ref, bom_ref=_ref("data", ds.ref), licenses=lics,
                         properties=props)
        bom.components.add(comp)
        datasets.append(comp)
    # Every ancestor is listed flat too, so tools that ignore pedigree still see the whole lineage.
    for key, comp in built.items():
        if not key.startswith("release:"):
            bom.components.add(comp)
    for node in [report.lineage] + _nodes(report.lineage, []):
        if node.children:
            parent = built[("release:" if node is report.lineage else "") + node.ref]
            bom.register_dependency(parent, [built[c.ref] for c in node.children])
    if datasets:
        bom.register_dependency(root, datasets)
    data = json.loads(JsonV1Dot6(bom).output_as_string())
    # cyclonedx-python-lib has no model-card type yet; the 1.6 schema's modelCard is added to the serialised model.
    data["metadata"]["component"]["modelCard"] = _model_card(report, datasets)
    return json.dumps(data, indent=2, ensure_ascii=False)


def _model_card(report: CheckReport, datasets) -> dict:
    card = {"bom-ref": _ref("modelcard", report.spec.name),
            "modelParameters": {"approach": {"type": "supervised"} if report.spec.relation.value in ("finetune", "adapter")
                                else {"type": "unsupervised"} if report.spec.relation.value == "merge" else {},
                                "datasets": [{"ref": d.bom_ref.value} for d in datasets]},
            "considerations": {"useCases": [f"{o.label}: {o.instruction} ({o.clause_id})" for o in report.obligations],
                               "technicalLimitations": [f"{f.kind.value}: {f.message}" for f in report.findings]},
            "properties": [{"name": "clausewise:verdict", "value": report.verdict.value}]}
    if not card["modelParameters"]["approach"]:
        del card["modelParameters"]["approach"]
    if not card["modelParameters"]["datasets"]:
        del card["modelParameters"]["datasets"]
    return card


def validate_cyclonedx(text: str) -> None:
    """Raise ConfigError unless `text` validates against the CycloneDX 1.6 JSON schema (strict)."""
    from cyclonedx.schema import SchemaVersion
    from cyclonedx.validation.json import JsonStrictValidator

    error = JsonStrictValidator(SchemaVersion.V1_6).validate_str(text)
    if error is not None:
        raise ConfigError(f"The CycloneDX document does not validate: {error}")


# ---------------------------------------------------------------------------------------------------- SPDX 3


def spdx_jsonld(report: CheckReport, corpus, terms, *, timestamp: datetime | None = None) -> str:
    from spdx_python_model import v3_0_1 as s

    created = timestamp or datetime.now(timezone.utc).replace(microsecond=0)
    ns = "https://spdx.org/spdxdocs/clausewise/" + _REF_CHARS.sub("-", report.spec.name).strip("-").lower() + "/"
    objs = s.SHACLObjectSet()
    agent = s.SoftwareAgent(spdxId=ns + "agent/clausewise", name=TOOL_NAME)
    ci = s.CreationInfo(specVersion="3.0.1", created=created, createdBy=[agent])
    agent.creationInfo = ci
    elements: list = [agent]
    counter = {"n": 0}

    def sid(kind: str) -> str:
        counter["n"] += 1
        return f"{ns}{kind}/{counter['n']}"

    licences: dict[str, object] = {}

    def licence(docs, fallback: str):
        names = licence_names(docs, corpus, terms)
        expr = expression(names) or "NOASSERTION"
        key = expr if names else f"NOASSERTION:{fallback}"
        if key not in licences:
            el = s.simplelicensing_LicenseExpression(spdxId=sid("licence"), creationInfo=ci,
                                                     simplelicensing_licenseExpression=expr)
            if not names:
                el.comment = f"{fallback}: terms not in the corpus"
            custom = [n for n in names if not n.is_spdx_listed]
            for n in custom:
                el.simplelicensing_customIdToUri.append(
                    s.DictionaryEntry(key=n.identifier, value=f"urn:sha256:{n.sha256}"))
            licences[key] = el
            elements.append(el)
        return licences[key]

    def relate(a, kind, targets, comment: str | None = None):
        rel = s.Relationship(spdxId=sid("relationship"), creationInfo=ci, from_=a, to=list(targets),
                             relationshipType=getattr(s.RelationshipType, kind))
        if comment:
            rel.comment = comment
        elements.append(rel)

    def package(node: LineageNode, root: bool = False):
        pkg = s.ai_AIPackage(spdxId=sid("model"), creationInfo=ci, name=node.ref,
                             software_primaryPurpose=s.software_SoftwarePurpose.model,
                             software_downloadLocation="NOASSERTION", software_packageVersion="NOASSERTION",
                             releaseTime=created)
        pkg.comment = f"role {node.role.value}; resolved by {node.resolved_by}" + (
            f"; registry id {node.model_id}" if node.model_id else "")
        elements.append(pkg)
        concluded = licence(node.documents, node.licence or node.ref)
        declared_docs = terms.declared_docs(report.spec.licence, report.spec.licence_name) if root else node.documents
        declared = licence(declared_docs, (report.spec.licence_name or report.spec.licence or "none declared")
                           if root else node.licence or node.ref)
        relate(pkg, "hasConcludedLicense", [concluded])
        relate(pkg, "hasDeclaredLicense", [declared])
        children = [package(c) for c in node.children]
        if children:
            relate(pkg, "descendantOf", children, comment=node.relation or None)
        return pkg

    root = package(report.lineage, root=True)
    root.comment += f"; clausewise verdict {report.verdict.value}; findings: " + (
        "; ".join(f"{f.kind.value} ({', '.join(f.clause_ids) or 'no clause'})" for f in report.findings) or "none")
    data_pkgs = []
    for ds in report.spec.datasets:
        pkg = s.dataset_DatasetPackage(spdxId=sid("dataset"), creationInfo=ci, name=ds.ref,
                                       software_primaryPurpose=s.software_SoftwarePurpose.data,
                                       software_downloadLocation="NOASSERTION", releaseTime=created,
                                       builtTime=created, dataset_datasetType=[s.dataset_DatasetType.text])
        elements.append(pkg)
        docs = terms.declared_docs(ds.licence) if ds.licence else ()
        lic = licence(docs, ds.licence or ds.ref)
        relate(pkg, "hasConcludedLicense", [lic])
        relate(pkg, "hasDeclaredLicense", [lic])
        data_pkgs.append(pkg)
    if data_pkgs:
        relate(root, "trainedOn", data_pkgs)
    doc = s.SpdxDocument(spdxId=ns + "document", creationInfo=ci, name=f"AI-BOM of {report.spec.name}",
                         element=list(elements), rootElement=[root],
                         profileConformance=[s.ProfileIdentifierType.core, s.ProfileIdentifierType.software,
                                             s.ProfileIdentifierType.simpleLicensing, s.ProfileIdentifierType.ai]
                         + ([s.ProfileIdentifierType.dataset] if data_pkgs else []))
    for el in elements + [doc]:
        objs.add(el)
    buf = io.BytesIO()
    s.JSONLDSerializer().write(objs, buf, indent=2)
    return buf.getvalue().decode("utf-8")


SPDX_CONTEXT = "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
# Properties whose values name other elements (by spdxId, or a blank node id for CreationInfo).
_REFERENCES = ("from", "to", "element", "rootElement", "createdBy", "createdUsing", "suppliedBy", "creationInfo",
               "originatedBy", "subject")


def _check_spdx_context_and_references(text: str) -> None:
    """What the bindings let through: another version's @context (its terms would expand to other IRIs), and a
    reference to an element that is neither in the document nor imported through an ExternalMap, which the SHACL
    class constraints would reject."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"The SPDX document is not JSON: {exc}") from None
    if not isinstance(doc, dict) or doc.get("@context") != SPDX_CONTEXT:
        got = doc.get("@context") if isinstance(doc, dict) else type(doc).__name__
        raise ConfigError(f"The SPDX document does not validate: @context must be {SPDX_CONTEXT}, not {got!r}.")
    graph = doc.get("@graph", [])
    known = {e.get("spdxId") or e.get("@id") for e in graph if isinstance(e, dict)}
    for e in graph:
        for imp in (e.get("import", []) if isinstance(e, dict) else []):
            known.add(imp.get("externalSpdxId") if isinstance(imp, dict) else imp)
    for e in graph:
        if not isinstance(e, dict):
            continue
        for key in _REFERENCES:
            values = e.get(key, [])
            for v in values if isinstance(values, list) else [values]:
                if isinstance(v, str) and v not in known and v != "NOASSERTION":
                    raise ConfigError(f"The SPDX document does not validate: {e.get('type')} "
                                      f"{e.get('spdxId', '')} refers through `{key}` to {v}, which is neither in the "
                                      "document nor imported.")


def validate_spdx(text: str) -> dict[str, int]:
    """Decode with the SPDX 3.0.1 bindings (types, required properties, references) and check the AI and Dataset
    profile conformance rules (each AI/Dataset package has exactly one concluded and one declared licence).
    Returns counts per element type; raises ConfigError on any problem."""
    from spdx_python_model import v3_0_1 as s

    _check_spdx_context_and_references(text)
    objs = s.SHACLObjectSet()
    try:
        s.JSONLDDeserializer().read(io.BytesIO(text.encode("utf-8")), objs)
        s.JSONLDSerializer().write(objs, io.BytesIO())  # re-encoding checks every required property
    except Exception as exc:  # the bindings raise TypeError/ValueError/KeyError on invalid data
        raise ConfigError(f"The SPDX document does not validate: {exc}") from None
    counts: dict[str, int] = {}
    packages, rels = [], []
    for o in objs.foreach():
        counts[type(o).__name__] = counts.get(type(o).__name__, 0) + 1
        if isinstance(o, (s.ai_AIPackage, s.dataset_DatasetPackage)):
            packages.append(o)
        if isinstance(o, s.Relationship):
            rels.append(o)
    for pkg in packages:
        for kind in ("hasConcludedLicense", "hasDeclaredLicense"):
            wanted = getattr(s.RelationshipType, kind)
            n = sum(1 for r in rels if r.from_ is pkg and r.relationshipType == wanted)
            if n != 1:
                raise ConfigError(f"SPDX profile conformance: {pkg.name} has {n} {kind} relationships, not exactly one.")
    for o in objs.foreach():
        if isinstance(o, s.simplelicensing_LicenseExpression) and o.simplelicensing_licenseExpression != "NOASSERTION":
            try:
                _LICENSING.parse(o.simplelicensing_licenseExpression, validate=False)
            except ExpressionError as exc:
                raise ConfigError(f"SPDX licence expression is not valid: {exc}") from None
    return counts
