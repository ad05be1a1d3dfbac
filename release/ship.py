"""What to ship with a release: the checklist, the Notice text verbatim, the licence copies with their sha256, a
model-card licence section to paste, and the name-prefix rule applied to the model's name."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import ConfigError
from release.check import CheckReport
from release.inputs import Relation, ReleaseSpec, Role, SourceRef
from retrieval.obligations import Obligation, ObligationKind, apply_name_prefix, checklist_markdown
from retrieval.scenario import Deployment

METHOD_RELATION = {"lora": Relation.ADAPTER, "adapter": Relation.ADAPTER, "full_finetune": Relation.FINETUNE,
                   "finetune": Relation.FINETUNE, "quantization": Relation.QUANTIZED, "quantized": Relation.QUANTIZED,
                   "merge": Relation.MERGE, "distillation": Relation.DISTILLED, "continued_pretraining": Relation.FINETUNE,
                   "rlhf": Relation.FINETUNE}


@dataclass(frozen=True)
class ShipFile:
    name: str
    content: str
    sha256: str
    sources: tuple[str, ...]  # doc or clause ids the content comes from
    note: str


@dataclass(frozen=True)
class ReleasePack:
    name: str
    name_ok: bool
    suggested_name: str
    prefixes: tuple[str, ...]
    documents: tuple[str, ...]
    obligations: tuple[Obligation, ...]
    files: tuple[ShipFile, ...]

    def to_json(self) -> dict:
        return {"name": self.name, "name_ok": self.name_ok, "suggested_name": self.suggested_name,
                "name_prefixes": list(self.prefixes), "documents": list(self.documents),
                "obligations": [o.to_json() for o in self.obligations],
                "files": [{"name": f.name, "sha256": f.sha256, "sources": list(f.sources), "note": f.note,
                           "content": f.content} for f in self.files]}


def spec_from_args(base: list[str], method: str, deploy: list[str], name: str | None) -> ReleaseSpec:
    """A release described on the command line: `--base MODEL --method lora --deploy weights_release`."""
    if not base:
        raise ConfigError("Give a model card PATH, or --base MODEL (a Hugging Face id or a model name).")
    if method not in METHOD_RELATION:
        raise ConfigError(f"Unknown --method {method!r}; use one of {sorted(METHOD_RELATION)}.")
    known = {d.value: d for d in Deployment}
    bad = [d for d in deploy if d not in known]
    if bad:
        raise ConfigError(f"Unknown --deploy {bad}; use {sorted(known)}.")
    relation = METHOD_RELATION[method]
    role = Role.MERGE_SOURCE if relation is Relation.MERGE else Role.BASE
    return ReleaseSpec(kind="cli", path="(command line)", name=name or "my-model", licence=None, licence_name=None,
                       licence_link=None, relation=relation, sources=tuple(SourceRef(b, role) for b in base),
                       deployments=tuple(known[d] for d in deploy) or (Deployment.WEIGHTS_RELEASE,))


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _file(name: str, content: str, sources, note: str) -> ShipFile:
    return ShipFile(name, content, _sha(content), tuple(sources), note)


def card_section(name: str, report: CheckReport, corpus, terms) -> str:
    """A "## License" section in our words, with the required notices and displays verbatim."""
    lines = ["## License", ""]
    titles = [corpus.documents[d].spec for d in report.documents if terms.get(d)]
    if not titles:
        return "\n".join(lines + ["No governing licence for the sources was found in the corpus; check them by hand."])
    spec_line = "; ".join(f"{t.title} ({t.version})" for t in titles)
    rel = report.spec.relation.value
    lines.append(f"{name} is {'an' if rel[0] in 'aeiou' else 'a'} {rel} of "
                 + ", ".join(f"`{s.ref}`" for s in report.spec.sources) + f" and is distributed under: {spec_line}. "
                 "A copy of each is included in this repository (see LICENSE).")
    obligations = report.obligations
    for o in obligations:
        if o.kind is ObligationKind.BUILT_WITH and o.text:
            lines += ["", o.text.replace("[name of relevant Derivative Work]", name) + "."]
    policies = [terms.get(d).use_policy for d in report.documents if terms.get(d) and terms.get(d).use_policy]
    if any(o.kind is ObligationKind.USE_RESTRICTIONS for o in obligations) or policies:
        lines += ["", "Use of this model is subject to the use restrictions of the licence"
                  + (f" and its policy ({', '.join(corpus.documents[p].spec.title for p in policies if p in corpus.documents)})"
                     if policies else "") + ", which bind every user and every further recipient."]
    if any(o.kind in (ObligationKind.MODIFICATION_NOTICE,) for o in obligations):
        lines += ["", "Files changed from the original are marked as modified."]
    notices = [o.text for o in obligations if o.kind is ObligationKind.NOTICE_FILE and o.text]
    if notices:
        lines += ["", "Notice:", ""] + [f"> {' '.join(n.split())}" for n in notices]
    return "\n".join(lines)


def build_pack(report: CheckReport, corpus, terms, name: str | None = None) -> ReleasePack:
    name = name or report.spec.name
    obligations = report.obligations
    ok, suggested, prefixes = apply_name_prefix(name, obligations)
    files: list[ShipFile] = []
    notices = [o for o in obligations if o.kind is ObligationKind.NOTICE_FILE and o.text]
    if notices:
        # Verbatim from the corpus, one notice per governing licence, as the licences ask.
        files.append(_file("NOTICE", "\n\n".join(o.text for o in notices) + "\n", [o.clause_id for o in notices],
                           "A text file named Notice shipped with every copy of the weights."))
    licence_docs = [d for d in report.documents if terms.get(d)]
    copies = [corpus.documents[d] for d in licence_docs if d in corpus.documents]
    if copies:
        if len(copies) == 1:
            files.append(_file("LICENSE", copies[0].text, [copies[0].spec.doc_id],
                               f"{copies[0].spec.title} ({copies[0].spec.version}), the governing text as loaded."))
        else:
            for doc in copies:
                files.append(_file(f"LICENSE-{doc.spec.doc_id}", doc.text, [doc.spec.doc_id],
                                   f"{doc.spec.title} ({doc.spec.version}), the governing text as loaded."))
    for d in licence_docs:
        policy = terms.get(d).use_policy
        if policy and policy in corpus.documents:
            doc = corpus.documents[policy]
            files.append(_file(f"USE_POLICY-{policy}.md" if len(licence_docs) > 1 else "USE_POLICY.md", doc.text,
                               [policy], f"{doc.spec.title} ({doc.spec.version}), incorporated by the licence."))
    files.append(_file("MODEL_CARD_LICENSE.md", card_section(suggested, report, corpus, terms) + "\n",
                       list(dict.fromkeys(o.clause_id for o in obligations)), "A licence section to paste into the model card (README.md)."))
    return ReleasePack(name, ok, suggested, prefixes, report.documents, obligations, tuple(files))


def pack_markdown(pack: ReleasePack) -> str:
    out = [f"# What to ship with {pack.name}", ""]
    if pack.prefixes:
        if pack.name_ok:
            out.append(f"Name: `{pack.name}` begins with " + " and ".join(f"\u201c{p}\u201d" for p in pack.prefixes) + ". OK.")
        else:
            out.append(f"Name: `{pack.name}` must begin with " + " and ".join(f"\u201c{p}\u201d" for p in pack.prefixes)
                       + f"; rename it, for example to `{pack.suggested_name}`.")
        out.append("")
    out += ["## Checklist", "", checklist_markdown(pack.obligations) if pack.obligations else "No obligation is triggered.",
            "", "## Files to ship", ""]
    for f in pack.files:
        out.append(f"### {f.name}")
        out.append(f"{f.note} sha256 `{f.sha256}`; from {', '.join(f.sources) or 'our words'}.")
        if f.name == "NOTICE" or f.name == "MODEL_CARD_LICENSE.md":
            out += ["", "```", f.content.rstrip("\n"), "```"]
        else:
            out.append(f"({len(f.content):,} characters; written in full by `--output-dir`.)")
        out.append("")
    out.append("This is not legal advice; the licence texts govern.")
    return "\n".join(out)


def write_pack(pack: ReleasePack, directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for f in pack.files:
        path = directory / f.name
        path.write_text(f.content, encoding="utf-8")
        written.append(path)
    return written
