"""Users' own documents: every bad file is refused with a reason, good ones become clauses, nothing else changes."""

from __future__ import annotations

import io

import pytest

from ingest.errors import ConfigError, NotFound, ParseError
from ingest.userdocs import MAX_BYTES, UserStore, extract_text, slug_id

LICENCE = ("Widget Model Licence\n\n1. Grant. You may use the Widget model internally.\n\n"
           "2. Restrictions. You may not distribute the Widget weights to any third party.\n")


def text_pdf(lines: list[str]) -> bytes:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(8.5, 11))
    for i, line in enumerate(lines):
        fig.text(0.1, 0.9 - i * 0.05, line)
    buf = io.BytesIO()
    fig.savefig(buf, format="pdf")
    plt.close(fig)
    return buf.getvalue()


def blank_pdf(encrypt: bool = False) -> bytes:
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=612, height=792)
    if encrypt:
        writer.encrypt("secret")
    buf = io.BytesIO()
    writer.write(buf)
    return buf.getvalue()


@pytest.mark.parametrize("name,data,needle", [
    ("empty.txt", b"", "empty"),
    ("tiny.md", b"hi", "almost no text"),
    ("binary.txt", b"\x00\x01\x02" * 100, "binary"),
    ("latin1.txt", "Licence \xe9t\xe9 ".encode("latin-1") * 20, "not UTF-8"),
    ("huge.txt", b"a" * (MAX_BYTES + 1), "limit"),
    ("corrupt.pdf", b"%PDF-1.4 this is not really a pdf", "PDF"),
    ("encrypted.pdf", None, "encrypted"),
    ("scanned.pdf", None, "OCR"),
    ("licence.docx", b"PK\x03\x04", "unsupported"),
])
def test_bad_files_are_refused_with_a_reason(name, data, needle):
    if data is None:
        data = blank_pdf(encrypt=name.startswith("encrypted"))
    with pytest.raises(ParseError) as err:
        extract_text(name, data)
    assert needle in str(err.value)


def test_pdf_text_is_extracted():
    text = extract_text("widget.pdf", text_pdf(["1. Grant. You may use the Widget model internally.",
                                                 "2. Restrictions. You may not distribute the Widget weights."]))
    assert "You may not distribute the Widget weights" in text


def test_path_like_names_are_flattened():
    assert slug_id("../../etc/passwd.txt") == "user-passwd"
    assert slug_id("C:\\Users\\me\\My Licence.md") == "user-my-licence"


def test_store_add_list_remove(settings):
    store = UserStore(settings)
    info = store.add("../evil/Widget Licence.md", LICENCE.encode())
    assert info.doc_id == "user-widget-licence" and info.filename == "Widget Licence.md"
    assert (store.folder / "user-widget-licence.txt").is_file()
    assert not (settings.home.parent / "evil").exists()
    docs = store.documents()
    assert [d.spec.doc_id for d in docs] == ["user-widget-licence"]
    clause = next(c for c in docs[0].clauses if c.path == "2")
    assert "may not distribute" in clause.text and docs[0].text[clause.start:clause.end] == clause.text
    with pytest.raises(ConfigError, match="already added"):
        store.add("copy.md", LICENCE.encode())
    with pytest.raises(ConfigError, match="already exists"):
        store.add("other.md", (LICENCE + "\n3. More.\n").encode(), doc_id="user-widget-licence")
    with pytest.raises(ConfigError, match="corpus document"):
        store.add("x.md", (LICENCE + "x").encode(), doc_id="user-x", reserved={"user-x"})
    renamed = store.add("x.md", (LICENCE + "z").encode(), doc_id="apache-2.0", reserved={"apache-2.0"})
    assert renamed.doc_id == "user-apache-2.0"  # user ids always carry the prefix, so they never shadow the corpus
    store.remove("user-apache-2.0")
    with pytest.raises(ConfigError, match="not valid"):
        store.add("x.md", (LICENCE + "y").encode(), doc_id="../../bad")
    store.remove("user-widget-licence")
    assert store.list() == []
    with pytest.raises(NotFound):
        store.remove("user-widget-licence")


def test_tampered_user_text_is_not_loaded(settings):
    store = UserStore(settings)
    store.add("w.md", LICENCE.encode())
    (store.folder / "user-w.txt").write_text(LICENCE.replace("may not", "may"), encoding="utf-8")
    assert store.documents() == []
