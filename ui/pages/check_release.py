"""Check a release: upload or paste a model card (or a mergekit YAML / lineage TOML), or pick a model from the
registry; see the lineage as a graph, the findings with their clauses, the checklist, and download the notice files,
the AI-BOMs and the memo."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ingest.errors import ClausewiseError
from release.bom import cyclonedx_json, spdx_jsonld, validate_cyclonedx, validate_spdx
from release.check import Checker
from release.inputs import read_release
from release.memo import memo_for_releases, render
from release.ship import METHOD_RELATION, build_pack, spec_from_args
from retrieval.scenario import Deployment
from ui import state
from ui.checklist import checklist_view
from ui.errors import show
from ui.text import code_span, md_escape

ss = st.session_state
app = state.app_state()
UPLOAD_DIR = Path("(uploaded)")  # never a real folder: files beside an upload are not the user's
VERDICT_COLOUR = {"compliant": "green", "incomplete": "orange", "violation": "red", "unclear": "gray"}
SEVERITY_ICON = {"violation": ":material/block:", "incomplete": ":material/rule:", "unclear": ":material/help:"}

st.title("Check a release")
st.caption("Does a model card meet the terms its base models pass on? Every finding cites the clause it rests on.")

mode = st.radio("What to check", ["Upload a file", "Paste a model card", "Pick a model from the registry"],
                horizontal=True, key="check-mode")
name = st.text_input("Released model's name (optional; default from the card)", key="check-name")


def run(spec) -> None:
    checker = Checker(app.services)
    report = checker.check(spec)
    ss["check-report"] = report
    ss["check-pack"] = build_pack(report, app.services.corpus, checker.terms)


try:
    if mode == "Upload a file":
        upload = st.file_uploader("Model card (README.md), mergekit config (.yaml) or lineage file (.toml)",
                                  type=["md", "markdown", "txt", "yaml", "yml", "toml"], key="check-upload")
        if st.button("Check", type="primary", key="check-upload-go", disabled=upload is None):
            text = upload.getvalue().decode("utf-8", errors="strict")
            run(read_release(UPLOAD_DIR / upload.name, name=name or None, text=text))
    elif mode == "Paste a model card":
        text = st.text_area("Model card with its YAML front matter", height=220, key="check-paste",
                            placeholder="---\nlicense: llama3\nbase_model: meta-llama/Meta-Llama-3-8B-Instruct\n---\n# ...")
        # Not disabled while empty: the text area commits its value on blur, which is the click on this button.
        if st.button("Check", type="primary", key="check-paste-go"):
            if text.strip():
                run(read_release(UPLOAD_DIR / "README.md", name=name or None, text=text))
            else:
                st.warning("Paste a model card first.", icon=":material/edit:")
    else:
        entries = [e for e in app.services.registry.entries if e.in_corpus]
        labels = {e.id: f"{e.name} ({e.licence})" for e in entries}
        pick = st.selectbox("Base model", list(labels), format_func=labels.get, key="check-pick")
        example = next((x for x in app.services.registry.get(pick).examples if "/" in x),
                       app.services.registry.get(pick).name)
        c1, c2 = st.columns(2)
        method = c1.selectbox("What you did", sorted(METHOD_RELATION), index=sorted(METHOD_RELATION).index("lora"),
                              key="check-method")
        deploy = c2.multiselect("How it ships", [d.value for d in Deployment], default=["weights_release"],
                                key="check-deploy")
        if st.button("Check", type="primary", key="check-pick-go"):
            run(spec_from_args([example], method, deploy, name or None))
except UnicodeDecodeError:
    st.error("The file is not UTF-8 text. Save the card as UTF-8 and upload it again.", icon=":material/error:")
except ClausewiseError as exc:
    show(exc)


def lineage_dot(node, lines=None, parent=None, counter=None) -> str:
    lines = lines if lines is not None else []
    counter = counter if counter is not None else [0]
    counter[0] += 1
    me = f"n{counter[0]}"
    docs = ", ".join(node.documents) or "terms unknown"
    label = f"{node.ref}\\n{docs}".replace('"', "'")
    colour = "#f8d7da" if not node.in_corpus else ("#e8f0fe" if parent is None else "#ffffff")
    lines.append(f'{me} [label="{label}", shape=box, style="rounded,filled", fillcolor="{colour}"];')
    if parent:
        lines.append(f'{me} -> {parent} [label="{node.role.value}"];')
    for child in node.children:
        lineage_dot(child, lines, me, counter)
    if parent is None:
        return "digraph lineage {\nrankdir=BT;\nnode [fontname=Helvetica, fontsize=10];\n" + "\n".join(lines) + "\n}"
    return ""


report = ss.get("check-report")
if report is not None:
    pack = ss["check-pack"]
    colour = VERDICT_COLOUR[report.verdict.value]
    st.markdown(f"### :{colour}-badge[{report.verdict.value.upper()}] {md_escape(report.spec.name)}")
    st.caption(f"{report.spec.kind} \u00b7 governed by " + (", ".join(code_span(d) for d in report.documents) or "nothing known"),
               unsafe_allow_html=True)
    st.markdown("**Lineage**")
    st.graphviz_chart(lineage_dot(report.lineage))
    st.markdown(f"**Findings** ({len(report.findings)})")
    if not report.findings:
        st.success("No finding: the duties the licences impose are visible on this card.", icon=":material/check_circle:")
    for f in report.findings:
        with st.container(border=True):
            st.markdown(f"{SEVERITY_ICON[f.severity.value]} **{f.kind.value}** ({f.severity.value}): {md_escape(f.message)}")
            for q in f.quotes:
                st.markdown(f"<small>{code_span(q.clause_id)} \u00b7 \u201c{md_escape(' '.join(q.quote.split()))}\u201d</small>",
                            unsafe_allow_html=True)
            st.markdown(f"**Fix:** {md_escape(f.fix)}")
    if report.clauses:
        new = sum(1 for c in report.clauses if c.new)
        with st.expander(f"Clause annotations triggered by this release ({len(report.clauses)}; {new} reported only "
                         "by them)", icon=":material/gavel:"):
            st.caption("Every operative clause of the governing documents whose annotated trigger holds on what the "
                       "card states, and what in this check already reports it. The gloss is our reading, not a quote.")
            for c in report.clauses:
                cover = md_escape(c.covered_by) if c.covered_by else "**new finding above**"
                st.markdown(f"{code_span(c.clause_id)} \u00b7 *{md_escape(c.effect)}* \u00b7 {cover}  \n"
                            f"<small>{md_escape(c.gloss)}</small>", unsafe_allow_html=True)
    for note in report.notes:
        st.info(md_escape(note), icon=":material/info:")
    checklist_view(report, key="check")
    st.markdown("**Downloads**")
    corpus, terms = app.services.corpus, Checker(app.services).terms
    files = {f.name: f for f in pack.files}
    cols = st.columns(4)
    for i, fname in enumerate(["NOTICE", "LICENSE", "MODEL_CARD_LICENSE.md"]):
        if fname in files:
            cols[i].download_button(fname, files[fname].content, file_name=fname, key=f"dl-{fname}",
                                    help=f"sha256 {files[fname].sha256}")
    cdx = cyclonedx_json(report, corpus, terms)
    validate_cyclonedx(cdx)
    spdx = spdx_jsonld(report, corpus, terms)
    validate_spdx(spdx)
    cols = st.columns(5)
    cols[0].download_button("CycloneDX BOM", cdx, file_name="bom.cdx.json", mime="application/json", key="dl-cdx")
    cols[1].download_button("SPDX 3 BOM", spdx, file_name="bom.spdx.jsonld", mime="application/ld+json", key="dl-spdx")
    memo = memo_for_releases([report], corpus)
    cols[2].download_button("Memo (Markdown)", render(memo, "md"), file_name="memo.md", key="dl-memo-md")
    cols[3].download_button("Memo (DOCX)", render(memo, "docx"), file_name="memo.docx", key="dl-memo-docx",
                            mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    cols[4].download_button("Memo (PDF)", render(memo, "pdf"), file_name="memo.pdf", mime="application/pdf",
                            key="dl-memo-pdf")
