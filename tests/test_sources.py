"""Source resolution: pinned hashes, missing documents reported not fatal, strict mode, the manifest validator."""

from __future__ import annotations

import shutil

import pytest

from ingest.corpus import DocStatus, load_corpus
from ingest.errors import ConfigError, SourceError
from ingest.settings import Settings
from ingest.sources import load_manifest, resolve, split_scancode, validate_rows


def test_manifest_is_valid_and_complete():
    manifest = load_manifest()
    assert len(manifest.ids()) >= 29 and len(set(manifest.ids())) == len(manifest.ids())


def test_tampered_source_is_refused(tmp_path, sources_dir):
    folder = tmp_path / "src"
    shutil.copytree(sources_dir, folder)
    path = folder / "meta-llama" / "llama3" / "LICENSE"
    path.write_bytes(path.read_bytes().replace(b"700 million", b"900 million"))
    settings = Settings.from_env({"CLAUSEWISE_SOURCES": str(folder), "CLAUSEWISE_HOME": str(tmp_path / "h")})
    spec = load_manifest().get("llama-3-license")
    with pytest.raises(SourceError) as err:
        resolve(spec, settings, network=False)
    assert spec.sha256 in str(err.value) and "actual" in str(err.value)
    corpus = load_corpus(settings, network=False)
    report = next(r for r in corpus.reports if r.spec.doc_id == "llama-3-license")
    assert report.status is DocStatus.HASH_MISMATCH and "llama-3-license" not in corpus.documents
    assert "llama-3.1-license" in corpus.documents  # the rest still loads


def test_missing_sources_are_reported_and_strict_fails(tmp_path):
    settings = Settings.from_env({"CLAUSEWISE_SOURCES": str(tmp_path / "nowhere"), "CLAUSEWISE_HOME": str(tmp_path / "h")})
    corpus = load_corpus(settings, network=False)
    missing = [r for r in corpus.reports if r.status is DocStatus.MISSING]
    assert {r.spec.doc_id for r in missing} >= {"llama-3-license", "llama-4-aup"}
    assert all("CLAUSEWISE_SOURCES" in r.message for r in missing)
    assert "apache-2.0" in corpus.documents  # ScanCode texts need no network
    with pytest.raises(SourceError):
        load_corpus(settings, network=False, strict=True)


def test_scancode_front_matter_is_split():
    meta, text = split_scancode("---\nkey: x\nname: X licence\n---\nThe text.\n")
    assert meta == {"key": "x", "name": "X licence"} and text == "The text.\n"


def test_validator_reports_every_bad_row():
    rows = [{"doc_id": "a", "kind": "poem", "source": "ftp:x", "sha256": "zz"}, {"doc_id": "a"}]
    problems = validate_rows(rows)
    joined = "\n".join(problems)
    for needle in ("'title'", "'poem'", "ftp:x", "'zz'", "used twice"):
        assert needle in joined


def test_unknown_document_id_suggests(tmp_path):
    with pytest.raises(Exception) as err:
        load_manifest().get("llama-3.1-licence")
    assert "llama-3.1-license" in str(err.value)
    with pytest.raises(ConfigError):
        from pathlib import Path

        bad = tmp_path / "bad.toml"
        bad.write_text("[[document]]\ndoc_id = 1\n")
        load_manifest(Path(bad))


@pytest.fixture
def local_server(tmp_path):
    """A loopback HTTP server standing in for the pinned raw URL."""
    import functools
    import http.server
    import threading

    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield root, f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_pinned_url_is_fetched_once_into_the_cache(tmp_path, sources_dir, local_server):
    from dataclasses import replace

    root, base = local_server
    spec = load_manifest().get("llama-3.1-license")
    (root / "LICENSE").write_bytes((sources_dir / "meta-llama" / "llama3_1" / "LICENSE").read_bytes())
    settings = Settings.from_env({"CLAUSEWISE_HOME": str(tmp_path / "h")})  # no local sources folder
    pinned = replace(spec, url=f"{base}/LICENSE")
    got = resolve(pinned, settings)
    assert got.origin == pinned.url and "Llama 3.1" in got.text
    (root / "LICENSE").unlink()  # the second resolution must come from the cache, not the network
    assert resolve(pinned, settings).text == got.text


def test_pinned_url_with_other_bytes_is_refused(tmp_path, local_server):
    from dataclasses import replace

    root, base = local_server
    (root / "LICENSE").write_text("not the licence", encoding="utf-8")
    spec = replace(load_manifest().get("llama-3.1-license"), url=f"{base}/LICENSE")
    with pytest.raises(SourceError, match="does not match the pinned sha256"):
        resolve(spec, Settings.from_env({"CLAUSEWISE_HOME": str(tmp_path / "h")}))
    assert not list((tmp_path / "h").rglob("*.txt"))  # nothing unverified is cached
