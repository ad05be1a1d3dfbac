"""Evals: run the public question set (or an uploaded JSONL set) through the same path as Ask, then metrics, charts
and the failures."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from evals.report import write_report
from evals.runner import PUBLIC_SET, VERDICTS, check_thresholds, compute_metrics, failures, load_questions, run_eval
from ingest.errors import ConfigError, ParseError
from ui import state
from ui.errors import guard
from ui.text import md_escape

MAX_SET_BYTES = 5 * 1024 * 1024
ss = st.session_state


def uploaded_questions(upload) -> tuple[list, str]:
    data = upload.getvalue()
    if len(data) > MAX_SET_BYTES:
        raise ParseError(f"{upload.name!r} is {len(data) / 1e6:.1f} MB; an eval set may be at most 5 MB.")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ParseError(f"{upload.name!r} is not UTF-8 text (byte {exc.start}). Save it as UTF-8 JSONL.") from exc
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "set.jsonl"
        path.write_bytes(data)
        try:
            return load_questions(path), upload.name
        except ConfigError as exc:
            raise ConfigError(str(exc).replace(str(path), repr(upload.name))) from None


def run(questions, k: int, name: str, public: bool) -> None:
    engine = state.app_state().services.engine
    bar = st.progress(0.0, text=f"Answering {len(questions)} questions\u2026")
    results = run_eval(engine, questions, k=k, progress=state.progress_callback(bar, "Questions answered"))
    metrics = compute_metrics(results, k=k)
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_report(Path(tmp), metrics, results, k=k, title=f"clausewise eval: {name}")
        images = {p.stem: p.read_bytes() for p in paths if p.suffix == ".png"}
        report = (Path(tmp) / "report.md").read_text(encoding="utf-8")
    ss["eval"] = {"name": name, "k": k, "metrics": metrics, "failures": failures(results, k), "images": images,
                  "report": report, "below": check_thresholds(metrics) if public else None}
    bar.empty()


def show_results(ev: dict) -> None:
    m = ev["metrics"]
    st.subheader(f"Results: {md_escape(ev['name'])} ({m['questions']} questions, k = {ev['k']})")
    if ev["below"] is not None:
        if ev["below"]:
            st.warning("Below the regression thresholds (evals/thresholds.json):\n\n"
                       + "\n".join(f"- {md_escape(line)}" for line in ev["below"]), icon=":material/trending_down:")
        else:
            st.success("Every metric meets its regression threshold (evals/thresholds.json).", icon=":material/check:")
    cols = st.columns(5)
    for col, (name, key) in zip(cols * 2, [("Verdict accuracy", "verdict_accuracy"),
                                           ("Evidence recall@1", "evidence_recall@1"),
                                           ("Evidence recall@3", "evidence_recall@3"),
                                           ("Evidence recall@5", "evidence_recall@5"),
                                           ("Citation precision", "citation_precision"),
                                           ("Abstention accuracy", "abstention_accuracy"),
                                           ("Quote fidelity", "quote_fidelity"),
                                           ("Latency p50 (ms)", "latency_p50_ms"),
                                           ("Latency p95 (ms)", "latency_p95_ms")]):
        value = m.get(key)
        col.metric(name, "n/a" if value is None else (f"{value:.0f}" if key.startswith("latency") else f"{value:.1%}"))
    left, right = st.columns(2)
    with left:
        st.markdown("**Per verdict**")
        st.dataframe(pd.DataFrame(m["per_verdict"]).T, width="stretch")
    with right:
        st.markdown("**Confusion** (rows expected, columns predicted)")
        st.dataframe(pd.DataFrame(m["confusion"]).T[list(VERDICTS)], width="stretch")
    if "confusion" in ev["images"]:
        st.image(ev["images"]["confusion"], caption="Verdict confusion matrix", width=520)
    if "per_tag" in ev["images"]:
        st.image(ev["images"]["per_tag"], caption="Accuracy and evidence recall per tag (tags with 3+ questions)",
                 width="stretch")
    fails = ev["failures"]
    st.markdown(f"**Failures ({len(fails)})**: a wrong verdict or expected evidence missing from the top {ev['k']} citations.")
    if fails:
        st.dataframe(pd.DataFrame([{"id": f["id"], "expected": f["expected"], "actual": f["actual"],
                                    "question": f["question"], "missing evidence": "; ".join(f["missing_evidence"]),
                                    "rules fired": ", ".join(f["rules"]), "cited": ", ".join(f["cited"])}
                                   for f in fails]), hide_index=True, width="stretch")
    d1, d2 = st.columns(2)
    d1.download_button("Download report.md", ev["report"], file_name="report.md", mime="text/markdown",
                       icon=":material/download:", on_click="ignore")
    d2.download_button("Download metrics.json", json.dumps(m, indent=2), file_name="metrics.json",
                       mime="application/json", icon=":material/download:", on_click="ignore")


st.title("Evals")
st.caption("Each question goes through the same path as the Ask page; verdicts, cited evidence and quote fidelity "
           "are scored. The public set is the regression gate.")

with guard():
    source = st.radio("Question set", ["Public set", "Upload a JSONL set"], horizontal=True, key="eval-source")
    questions, name = None, ""
    if source == "Public set":
        questions, name = load_questions(), PUBLIC_SET.name
    else:
        upload = st.file_uploader("JSONL eval set: one object per line with id, question, expected_verdict, "
                                  "expected_evidence [{doc_id, text}], tags", type=["jsonl", "json"],
                                  key="eval-upload", max_upload_size=5)
        if upload is not None:
            questions, name = uploaded_questions(upload)
    if questions:
        c1, c2 = st.columns(2)
        limit = c1.number_input("Run only the first N questions (0 = all)", 0, len(questions), 0, key="eval-limit")
        k = c2.slider("k (citations scored)", 1, 10, 5, key="eval-k")
        chosen = questions[:limit] if limit else questions
        st.caption(f"{len(questions)} questions in {md_escape(name)}; running {len(chosen)}.")
        if st.button("Run eval", type="primary", icon=":material/play_arrow:", key="eval-run"):
            run(chosen, k, name, public=source == "Public set" and not limit and k == 5)

if "eval" in ss:
    with guard():
        show_results(ss["eval"])
