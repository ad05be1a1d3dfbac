"""`clausewise report`: the memo in Markdown, DOCX and PDF; the files are opened and their contents checked."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from docx import Document
from pypdf import PdfReader

from release.check import Checker
from release.inputs import read_release
from release.memo import memo_for_answers, memo_for_releases, render, to_markdown

CARDS = Path(__file__).resolve().parent / "fixtures" / "cards"
NOTICE = "Gemma is provided under and subject to the Gemma Terms of Use found at ai.google.dev/gemma/terms"


@pytest.fixture(scope="module")
def checker(fake_services):
    return Checker(fake_services)


@pytest.fixture(scope="module")
def product_memo(checker):
    reports = [checker.check(read_release(CARDS / "real" / "olisens-gemmacare-2b.md")),
               checker.check(read_release(CARDS / "own" / "sa-data" / "lineage.toml"))]
    return memo_for_releases(reports, checker.services.corpus)


def test_markdown_memo_sections_and_citations(product_memo, checker):
    md = to_markdown(product_memo)
    headings = [line for line in md.splitlines() if line.startswith("## ")]
    assert headings == ["## Summary", "## Lineage", "## Governing terms", "## Findings", "## Obligations",
                        "## Open questions", "## Note"]
    assert "a product built on olisens-gemmacare-2b, Llama-3.1-Wiki-8B" in md
    sha = checker.services.corpus.documents["gemma-terms-2025"].spec.sha256
    assert f"Gemma Terms of Use, version 2025-03-24 (gemma-terms-2025); sha256 {sha}" in md
    assert "(Gemma Terms of Use (2025-03-24), gemma-terms-2025:3.1.p1.b1)" in md
    assert "> \u201cYou must include the use restrictions referenced in Section 3.2 as an enforceable provision" in md
    assert NOTICE in md
    open_q = md.split("## Open questions", 1)[1].split("## Note", 1)[0]
    assert "[Llama-3.1-Wiki-8B] conflicting-sources: Dataset acme/wikipedia-rewrites is CC BY-SA 4.0" in open_q


def test_docx_opens_with_the_contents(product_memo):
    doc = Document(io.BytesIO(render(product_memo, "docx")))
    assert doc.core_properties.title == product_memo.title
    texts = [p.text for p in doc.paragraphs]
    assert "Findings" in texts and "Open questions" in texts
    quotes = [p.text for p in doc.paragraphs if p.style.name == "Quote"]
    assert any(q.startswith("\u201cYou must include the use restrictions referenced in Section 3.2") for q in quotes)
    assert any("gemma-terms-2025:3.1.p1.b4" in t for t in texts)
    assert any(NOTICE in t for t in texts)


def test_pdf_opens_with_the_contents(product_memo):
    data = render(product_memo, "pdf")
    assert data.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(data))
    assert reader.metadata.title == product_memo.title
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    for part in ("Governing terms", "gemma-terms-2025:3.1.p1.b1", "Open questions", "cc-by-sa-4.0:3.b.1",
                 "Gemma is provided under and subject to the Gemma Terms of Use", "\u201c"):
        assert part in text, part


def test_memo_for_questions(fake_services, checker):
    answers = [fake_services.engine.answer("We fine-tuned Llama 3 8B and publish the weights"),
               fake_services.engine.answer("Can we fine-tune Claude 3 Opus and sell it?")]
    md = to_markdown(memo_for_answers(answers, checker.services.corpus))
    assert "Q1. We fine-tuned Llama 3 8B and publish the weights Verdict: conditional." in md
    assert "(Meta Llama 3 Community License Agreement (2024-04-18), llama-3-license:1.b.iii)" in md
    assert "Meta Llama 3 is licensed under the Meta Llama 3 Community License, Copyright \u00a9" in md
    open_q = md.split("## Open questions", 1)[1]
    assert "Q2" in open_q and answers[1].verdict == "unclear"


def test_cli_report_formats(fake_services, monkeypatch, tmp_path, capsys):
    import cli

    monkeypatch.setattr(cli, "_checker", lambda settings: Checker(fake_services))
    card = str(CARDS / "own" / "llama3-mit-adapter.md")
    assert cli.main(["report", card, "--format", "docx", "--output", str(tmp_path / "m.docx")]) == 0
    assert any("licence-mismatch" in p.text for p in Document(str(tmp_path / "m.docx")).paragraphs)
    assert cli.main(["report", card, "--format", "pdf", "--output", str(tmp_path / "m.pdf")]) == 0
    assert "licence-mismatch" in PdfReader(str(tmp_path / "m.pdf")).pages[0].extract_text()
    assert cli.main(["report", card]) == 0
    assert capsys.readouterr().out.startswith("# Licence due-diligence memo: Llama-3-Acme-Support-8B-LoRA")
    assert cli.main(["report", card, "--format", "pdf"]) == 2
    assert "give --output FILE" in capsys.readouterr().err
    assert cli.main(["report"]) == 2
