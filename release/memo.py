"""The due-diligence memo: lineage, governing terms with versions and hashes, findings, obligations and open questions,
each statement with its pinpoint citation and the verbatim quote; rendered as Markdown, DOCX (python-docx) or PDF
(fpdf2). One `Memo` is built from checked releases (a model, or a product built on several) or from answers."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from release.check import CheckReport
from release.render import lineage_lines

DISCLAIMER = ("Prepared with clausewise, a research aid. It is not legal advice: the licence texts govern, and every "
              "quote below is cut verbatim from the text whose sha256 is listed.")


@dataclass(frozen=True)
class Item:
    text: str
    cite: str = ""  # pinpoint, e.g. "Meta Llama 3 Community License Agreement (2024-04-18), llama-3-license:1.b.i"
    quote: str = ""


@dataclass
class Section:
    heading: str
    items: list[Item] = field(default_factory=list)
    preformatted: list[str] = field(default_factory=list)


@dataclass
class Memo:
    title: str
    subject: str
    sections: list[Section]
    day: str = field(default_factory=lambda: date.today().isoformat())


def _pin(corpus, clause_id: str) -> str:
    doc = corpus.documents.get(clause_id.split(":", 1)[0])
    return f"{doc.spec.title} ({doc.spec.version}), {clause_id}" if doc else clause_id


def _terms_section(doc_ids, corpus) -> Section:
    sec = Section("Governing terms")
    for d in dict.fromkeys(doc_ids):
        doc = corpus.documents.get(d)
        if doc is None:
            sec.items.append(Item(f"{d}: not loaded; its terms could not be checked."))
            continue
        sha = hashlib.sha256(doc.text.encode("utf-8")).hexdigest()
        sec.items.append(Item(f"{doc.spec.title}, version {doc.spec.version} ({d}); sha256 {sha}; source {doc.spec.url}."))
    return sec


def memo_for_releases(reports: list[CheckReport], corpus) -> Memo:
    names = [r.spec.name for r in reports]
    subject = names[0] if len(names) == 1 else "a product built on " + ", ".join(names)
    verdicts = "; ".join(f"{r.spec.name}: {r.verdict.value}" for r in reports)
    summary = Section("Summary", [Item(f"Card verdict{'s' if len(reports) > 1 else ''}: {verdicts}.")])
    for r in reports:
        counts: dict[str, int] = {}
        for f in r.findings:
            counts[f.kind.value] = counts.get(f.kind.value, 0) + 1
        summary.items.append(Item(f"{r.spec.name} ({r.spec.kind}, {r.spec.path}): "
                                  + (", ".join(f"{n} x {k}" for k, n in counts.items()) or "no findings") + "."))
    lineage = Section("Lineage")
    for r in reports:
        lineage.preformatted.extend(lineage_lines(r.lineage))
    findings = Section("Findings")
    obligations = Section("Obligations")
    open_q = Section("Open questions")
    for r in reports:
        for f in r.findings:
            if not f.quotes:
                findings.items.append(Item(f"[{r.spec.name}] {f.kind.value} ({f.severity.value}): {f.message} Fix: {f.fix}"))
            for i, q in enumerate(f.quotes):
                text = f"[{r.spec.name}] {f.kind.value} ({f.severity.value}): {f.message} Fix: {f.fix}" if i == 0 else \
                    f"[{r.spec.name}] {f.kind.value}, further ground."
                findings.items.append(Item(text, _pin(corpus, q.clause_id), " ".join(q.quote.split())))
            if f.severity.value == "unclear":
                open_q.items.append(Item(f"[{r.spec.name}] {f.kind.value}: {f.message}",
                                         _pin(corpus, f.clause_ids[0]) if f.clause_ids else ""))
        for o in r.obligations:
            words = f" \u201c{' '.join(o.text.split())}\u201d" if o.text else ""
            obligations.items.append(Item(f"[{r.spec.name}] {o.label}: {o.instruction}{words}",
                                          _pin(corpus, o.clause_id), " ".join(o.quote.split())))
        for n in r.notes:
            open_q.items.append(Item(f"[{r.spec.name}] {n}"))
    if not findings.items:
        findings.items.append(Item("No finding."))
    if not open_q.items:
        open_q.items.append(Item("None: every term the release depends on is in the corpus and settled by the rules."))
    docs = [d for r in reports for d in r.documents]
    return Memo(f"Licence due-diligence memo: {subject}", subject,
                [summary, lineage, _terms_section(docs, corpus), findings, obligations, open_q,
                 Section("Note", [Item(DISCLAIMER)])])


def memo_for_answers(answers, corpus) -> Memo:
    """A memo of questions asked (a conversation): each answer's verdict, findings, obligations, open questions."""
    summary, findings, obligations, open_q = Section("Summary"), Section("Findings"), Section("Obligations"), Section("Open questions")
    docs = []
    for n, a in enumerate(answers, 1):
        summary.items.append(Item(f"Q{n}. {a.question} Verdict: {a.verdict}."))
        cited = {c.clause_id: c for c in a.citations}
        for f in a.findings:
            for i, cid in enumerate(f.clause_ids):
                c = cited.get(cid)
                quote = " ".join((c.quote if c else corpus.clause(cid).text).split())
                findings.items.append(Item(f"Q{n} [{f.verdict}] {f.statement}" if i == 0 else f"Q{n} further ground.",
                                           _pin(corpus, cid), quote))
            if f.verdict == "unclear":
                open_q.items.append(Item(f"Q{n}: {f.statement}", _pin(corpus, f.clause_ids[0]) if f.clause_ids else ""))
        for o in getattr(a, "obligations", ()):
            words = f" \u201c{' '.join(o.text.split())}\u201d" if o.text else ""
            obligations.items.append(Item(f"Q{n} {o.label}: {o.instruction}{words}", _pin(corpus, o.clause_id),
                                          " ".join(o.quote.split())))
        if a.verdict == "unclear" and not any(f.verdict == "unclear" for f in a.findings):
            open_q.items.append(Item(f"Q{n}: {a.summary}"))
        for note in a.cross_check.notes:
            if not a.cross_check.agrees:
                open_q.items.append(Item(f"Q{n} cross-check: {note}"))
        docs.extend(a.facts.documents)
    for sec, empty in ((findings, "No rule fired."), (obligations, "No obligation is triggered."),
                       (open_q, "None.")):
        if not sec.items:
            sec.items.append(Item(empty))
    subject = answers[0].question if len(answers) == 1 else f"{len(answers)} questions"
    return Memo(f"Licence memo: {subject}", subject,
                [summary, _terms_section(docs, corpus), findings, obligations, open_q, Section("Note", [Item(DISCLAIMER)])])


# ------------------------------------------------------------------------------------------------------ renderers


def to_markdown(memo: Memo) -> str:
    out = [f"# {memo.title}", "", f"*{memo.day}*", ""]
    for sec in memo.sections:
        out += [f"## {sec.heading}", ""]
        if sec.preformatted:
            out += ["```", *sec.preformatted, "```", ""]
        for it in sec.items:
            out.append(f"- {it.text}" + (f" ({it.cite})" if it.cite else ""))
            if it.quote:
                out.append(f"  > \u201c{it.quote}\u201d")
        out.append("")
    return "\n".join(out)


def to_docx(memo: Memo) -> bytes:
    from docx import Document
    from docx.shared import Pt

    doc = Document()
    # DOCX core properties hold at most 255 characters; a long first question still titles the memo in its body.
    doc.core_properties.title = _property(memo.title)
    doc.core_properties.subject = _property(memo.subject)
    doc.add_heading(memo.title, level=0)
    doc.add_paragraph(memo.day)
    for sec in memo.sections:
        doc.add_heading(sec.heading, level=1)
        for line in sec.preformatted:
            p = doc.add_paragraph()
            run = p.add_run(line)
            run.font.name = "Courier New"
            run.font.size = Pt(9)
        for it in sec.items:
            p = doc.add_paragraph(style="List Bullet")
            p.add_run(it.text)
            if it.cite:
                p.add_run(f" ({it.cite})").italic = True
            if it.quote:
                doc.add_paragraph(f"\u201c{it.quote}\u201d", style="Quote")
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def _font_dir() -> Path:
    import matplotlib

    # DejaVu ships with matplotlib (a dependency already): Unicode quotes and the copyright sign need a TTF font.
    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


def to_pdf(memo: Memo) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_title(memo.title)
    pdf.set_subject(memo.subject)
    pdf.set_creator("clausewise")
    fonts = _font_dir()
    pdf.add_font("DejaVu", "", str(fonts / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(fonts / "DejaVuSans-Bold.ttf"))
    pdf.add_font("DejaVu", "I", str(fonts / "DejaVuSans-Oblique.ttf"))
    pdf.add_font("DejaVuMono", "", str(fonts / "DejaVuSansMono.ttf"))
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin
    pdf.set_font("DejaVu", "B", 15)
    pdf.multi_cell(width, 8, memo.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 9)
    pdf.cell(width, 6, memo.day, new_x="LMARGIN", new_y="NEXT")
    for sec in memo.sections:
        pdf.ln(3)
        pdf.set_font("DejaVu", "B", 12)
        pdf.multi_cell(width, 7, sec.heading, new_x="LMARGIN", new_y="NEXT")
        if sec.preformatted:
            pdf.set_font("DejaVuMono", "", 8)
            for line in sec.preformatted:
                pdf.multi_cell(width, 4.5, line, new_x="LMARGIN", new_y="NEXT")
        for it in sec.items:
            pdf.set_font("DejaVu", "", 9.5)
            pdf.multi_cell(width, 5, "\u2022 " + it.text, new_x="LMARGIN", new_y="NEXT")
            if it.cite:
                pdf.set_font("DejaVu", "I", 8.5)
                pdf.multi_cell(width, 4.5, "   " + it.cite, new_x="LMARGIN", new_y="NEXT")
            if it.quote:
                pdf.set_font("DejaVu", "", 8.5)
                pdf.set_x(pdf.l_margin + 6)
                pdf.multi_cell(width - 6, 4.5, f"\u201c{it.quote}\u201d", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())


def render(memo: Memo, fmt: str) -> bytes:
    if fmt == "md":
        return to_markdown(memo).encode("utf-8")
    if fmt == "docx":
        return to_docx(memo)
    if fmt == "pdf":
        return to_pdf(memo)
    raise ValueError(f"unknown memo format {fmt!r}")


def _property(text: str, limit: int = 255) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "\u2026"
