"""Add a document: upload a PDF, TXT or Markdown licence; it is stored, split into clauses, indexed, then askable and
citable like the corpus. Also lists and removes your documents."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ingest.sources import explainer_specs, load_manifest
from ingest.userdocs import MAX_BYTES, SUFFIXES, UserStore, reindex_user, slug_id
from ui import state
from ui.errors import guard, show
from ui.text import code_span, md_escape

ss = st.session_state
app = state.app_state()
settings = app.settings
store = UserStore(settings)


def reserved_ids() -> set[str]:
    return set(load_manifest().ids()) | {spec.doc_id for spec, _ in explainer_specs()}


def normalise_id(raw: str) -> str | None:
    """User ids always start with `user-` (how the corpus tells user documents apart); empty means 'from the name'."""
    raw = raw.strip().lower()
    if not raw:
        return None
    return raw if raw.startswith("user-") else f"user-{raw}"


def reindex(label: str, extra=None) -> None:
    bar = st.progress(0.0, text=label)
    kwargs = {"extra": extra} if extra else {}
    reindex_user(settings, lambda: state.embedder(settings.embed_model), settings.embed_model,
                 progress=state.progress_callback(bar, label), **kwargs)
    bar.empty()


@st.cache_resource(show_spinner="Loading ScanCode's licence index (about a minute the first time)...")
def identifier():
    from ingest.corpus import load_corpus
    from retrieval.identify import Identifier

    return Identifier(load_corpus(settings, user=False))


def identify(text: str) -> dict | None:
    """Which licence the upload is, or closest to; a failure here never blocks the upload itself."""
    try:
        return identifier().identify(text).to_json()
    except Exception as exc:  # noqa: BLE001 - shown as a caption: the document is added either way
        return {"error": str(exc)}


def add(upload, raw_id: str, governs: str = "") -> None:
    # As `clausewise add`: check and store the text, index it, register it last, so a failure or a crash in between
    # leaves no half-added document that answers could cite.
    from retrieval.propose import write_proposals

    names = tuple(n.strip() for n in governs.split(",") if n.strip())
    info, prepared = store.prepare(upload.name, upload.getvalue(), normalise_id(raw_id), reserved=reserved_ids(),
                                   governs=names)
    reindex("Indexing the new clauses", extra=[prepared])
    write_proposals(prepared, settings.user_annotations_dir)
    store.commit(info)
    doc = state.app_state().services.corpus.documents.get(info.doc_id)  # a fresh index stamp: services reload here
    clauses = doc.clauses if doc else ()
    ss["added"] = {"doc_id": info.doc_id, "title": info.title, "clauses": len(clauses),
                   "first": [c.clause_id for c in clauses[:8]], "identification": identify(prepared.text)}
    ss["upload-gen"] = ss.get("upload-gen", 0) + 1  # a fresh, empty uploader


def remove(doc_id: str) -> None:
    store.remove(doc_id)
    try:
        reindex("Updating the index")
    finally:
        ss["removed"] = doc_id


st.title("Add a document")
st.caption(f"Upload a model licence or agreement as PDF, TXT or Markdown (up to {MAX_BYTES // (1024 * 1024)} MB; a "
           "scanned PDF needs OCR first). It is stored under your clausewise home, split into clauses with pinpoint ids "
           "and indexed; the Ask page can then cite it as `user-<name>:<clause>`.")

if "added" in ss:
    a = ss.pop("added")
    st.success(f"Added {code_span(a['doc_id'])}: \u201c{md_escape(a['title'])}\u201d, {a['clauses']} clauses. Ask about it "
               f"on the Ask page, or open {code_span(a['first'][0] if a['first'] else a['doc_id'])} in the corpus.",
               icon=":material/check_circle:")
    if a["first"]:
        st.caption("First clause ids: " + ", ".join(code_span(c) for c in a["first"]))
    found = a.get("identification")
    if found and "error" in found:
        st.caption(f"Could not identify the licence: {md_escape(found['error'])}")
    elif found:
        what = code_span(found["match"]) if found["match"] else "no known licence"
        st.info(f"**Which licence is this?** {found['kind']}: {what} (ScanCode: "
                f"{code_span(found['scancode_key']) if found['scancode_key'] else 'no match'}, score {found['score']:.1f})"
                + (f"\n\n{md_escape(found['note'])}" if found["note"] else ""), icon=":material/fingerprint:")
        if found["details"]:
            with st.expander(f"Clause-by-clause differences ({len(found['details'])})", expanded=True):
                for d in found["details"][:40]:
                    flag = f" **{md_escape(d['reason'])}**" if d["reason"] else ""
                    st.markdown(f"{d['status']} {code_span(d['clause_id'])}{flag}")
                    st.code(d["diff"][:600], language=None)
if "removed" in ss:
    st.success(f"Removed {code_span(ss.pop('removed'))} and updated the index.", icon=":material/delete:")

upload = st.file_uploader("Licence file", type=sorted(s.lstrip(".") for s in SUFFIXES), key=f"add-upload-{ss.get('upload-gen', 0)}",
                          max_upload_size=MAX_BYTES // (1024 * 1024))
raw_id = st.text_input("Document id (optional)", key="add-id",
                       placeholder=slug_id(upload.name) if upload else "user-acme-model-licence",
                       help="Lower-case letters, digits, '.' and '-'. `user-` is added in front if missing. "
                            "Default: from the file name.")
governs = st.text_input("Model names it governs (optional, comma-separated)", key="add-governs",
                        placeholder="AcmeLM, Acme-7B",
                        help="Questions that name one of these models are answered from this document's clauses.")
if st.button("Add and index", type="primary", icon=":material/upload_file:", disabled=upload is None, key="add-go"):
    try:
        add(upload, raw_id, governs)
    except Exception as exc:  # noqa: BLE001 - a banner (ClausewiseError: its message), never a traceback
        show(exc)
    else:
        st.rerun()

st.divider()
st.subheader("Your documents")
with guard():
    infos = store.list()
    if not infos:
        st.caption("None yet.")
    else:
        docs = state.app_state().services.corpus.documents
        st.dataframe(pd.DataFrame([{"doc_id": i.doc_id, "title": i.title, "file": i.filename, "characters": i.chars,
                                    "clauses": len(docs[i.doc_id].clauses) if i.doc_id in docs else None}
                                   for i in infos]), hide_index=True, width="stretch")
        from ingest.annotations import load_annotations

        annotations = load_annotations(user_dir=settings.user_annotations_dir)
        for info in infos:
            rows = annotations.for_doc(info.doc_id)
            pending = sum(r.status == "proposed" for r in rows)
            with st.expander(f"Annotations of {info.doc_id}: {len(rows)} rows, {pending} proposed"):
                st.caption("Proposed from the document's own wording; the clause-grounded verdict uses them. Accept "
                           "them here, or edit single rows with `clausewise annotate " + info.doc_id + "`.")
                st.dataframe(pd.DataFrame([{"clause": r.clause_id, "effect": r.effect.value, "status": r.status,
                                            "acts on": ", ".join(r.acts_on), "trigger": str(r.conditions),
                                            "gloss": r.gloss} for r in rows]), hide_index=True, width="stretch")
                if pending and st.button("Accept all proposed annotations", key=f"accept-{info.doc_id}"):
                    path = settings.user_annotations_dir / f"{info.doc_id}.toml"
                    path.write_text(path.read_text(encoding="utf-8").replace('status = "proposed"',
                                                                            'status = "reviewed"'), encoding="utf-8")
                    st.rerun()
            with st.popover(f"Remove {info.doc_id}", icon=":material/delete:"):
                st.markdown(f"Remove {code_span(info.doc_id)} (\u201c{md_escape(info.title)}\u201d) and its clauses "
                            "from the index? Answers already given keep their quotes.")
                if st.button("Remove it", key=f"remove-{info.doc_id}", type="primary"):
                    try:
                        remove(info.doc_id)
                    except Exception as exc:  # noqa: BLE001
                        show(exc)
                    else:
                        st.rerun()
