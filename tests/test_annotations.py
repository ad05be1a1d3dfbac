"""Clause annotations: every operative clause of every governing document is annotated, every row is checked against
the corpus, and bad rows are all reported."""

from __future__ import annotations

import json
import re

import pytest

from ingest.annotations import ACTS_ON, AnnotationSet, Effect, is_structural, load_annotations, text_sha
from ingest.errors import ConfigError

GOVERNING = ["llama-2-license", "llama-2-aup", "llama-3-license", "llama-3-aup", "llama-3.1-license", "llama-3.1-aup",
             "llama-3.2-license", "llama-3.2-aup", "llama-3.3-license", "llama-3.3-aup", "llama-4-license", "llama-4-aup",
             "gemma-terms-2024", "gemma-terms-2025", "gemma-pup", "apache-2.0", "mit", "cc-by-4.0", "cc-by-sa-4.0",
             "cc-by-nc-4.0", "openai-terms-2023", "openai-terms-2024", "deepseek-license", "qwen-license",
             "nvidia-open-model-license", "bigscience-openrail-m", "bigcode-openrail-m", "stability-ai-community",
             "falcon-2-license"]


@pytest.fixture(scope="module")
def annotations() -> AnnotationSet:
    return AnnotationSet.load()


def test_the_29_governing_documents_are_the_primary_corpus(corpus):
    primary = sorted(d for d, doc in corpus.documents.items() if doc.spec.is_primary)
    assert primary == sorted(GOVERNING)


def test_every_operative_clause_is_annotated(corpus, annotations):
    assert annotations.missing(corpus, GOVERNING) == []
    assert len(annotations.docs) == 29


def test_every_row_matches_the_corpus(corpus, annotations):
    assert annotations.validate(corpus) == []
    load_annotations(corpus)  # raises on any bad row


def test_a_forgotten_clause_is_caught(corpus, annotations):
    doc = annotations.docs["llama-3-license"]
    trimmed = AnnotationSet({**annotations.docs, "llama-3-license": type(doc)(
        doc.doc_id, doc.path, tuple(r for r in doc.rows if r.clause_id != "llama-3-license:1.b.v"), doc.non_operative)})
    assert trimmed.missing(corpus, ["llama-3-license"]) == ["llama-3-license:1.b.v"]


def test_headings_and_bare_titles_are_not_operative(corpus):
    doc = corpus.documents["llama-3-license"]
    children = {c.parent for c in doc.clauses if c.parent}
    structural = {c.path for c in doc.clauses if is_structural(c, children)}
    assert {"1", "1.b", "5"} <= structural
    assert not {"1.a", "1.b.i", "1.b.v", "2"} & structural


def test_known_readings(annotations):
    ban = annotations.get("llama-3-license:1.b.v")
    assert ban.effect is Effect.PROHIBITION and "training_other_models" in ban.acts_on
    assert ban.conditions == {"other_model": True, "roles": ["output_source", "judge", "merge_source"]}
    mau = annotations.get("llama-3.1-license:2")
    assert mau.effect is Effect.THRESHOLD and mau.conditions == {"mau_over": 700_000_000}
    assert annotations.get("llama-2-license:1.b.ii").exception_to == ("llama-2-license:2",)
    assert annotations.get("gemma-terms-2024:3.2.p1.b1").incorporates == "gemma-pup"
    assert annotations.get("openai-terms-2024:thank-you-for-using.p3").incorporates == "external:openai-business-terms"
    assert annotations.get("cc-by-nc-4.0:2.a.1.a").conditions == {"flags": ["commercial"]}
    assert {r.effect for r in annotations.rows_for("stability-ai-community:p6")} == {
        Effect.OBLIGATION, Effect.PROHIBITION, Effect.INCORPORATION, Effect.TERMINATION}


def test_glosses_are_our_words_not_the_licence(corpus, annotations):
    """No gloss repeats eight or more consecutive words of its clause: it is a reading, never a quote."""
    def words(text: str) -> list[str]:
        return re.findall(r"[a-z0-9]+", text.lower())

    copied = []
    for doc in annotations.docs.values():
        for row in doc.rows:
            source = " ".join(words(corpus.clause(row.clause_id).text))
            gloss = words(row.gloss)
            if any(" ".join(gloss[i:i + 8]) in source for i in range(max(0, len(gloss) - 7))):
                copied.append(row.clause_id)
    assert copied == []


def test_every_vocabulary_value_is_known(annotations):
    for doc in annotations.docs.values():
        for row in doc.rows:
            assert set(row.acts_on) <= ACTS_ON, row.clause_id
            assert len(row.gloss.split()) >= 4, row.clause_id


BAD = '''
doc_id = "llama-3-license"

[non_operative]
"no-such-path" = "typo"

[[clause]]
path = "1.b.v"
sha = "{good}"
effect = "prohibition"
acts_on = ["training_other_models"]
gloss = "A fine row that stays valid."

[[clause]]
path = "9.z"
sha = "{good}"
effect = "grant"
gloss = "An id the document does not have."

[[clause]]
path = "2"
sha = "0000"
effect = "threshold"
gloss = "The clause changed since this was written."

[[clause]]
path = "1.a"
sha = "{grant}"
effect = "permission"
gloss = "An effect outside the vocabulary."

[[clause]]
path = "1.b.i"
sha = "{obl}"
effect = "obligation"
acts_on = ["vibes"]
trigger = {{ weather = ["rain"], mau_over = "many" }}
exception_to = ["7.q"]
gloss = "Unknown acts_on, unknown trigger key, wrongly typed trigger, exception to a clause that does not exist."

[[clause]]
path = "1.b.iv"
sha = "{inc}"
effect = "incorporation"
gloss = "An incorporation that does not say what it incorporates."

[[clause]]
path = "1.b.v"
sha = "{good}"
effect = "prohibition"
gloss = "The same clause and effect a second time."
'''


def test_bad_rows_are_all_reported(corpus, tmp_path):
    text = lambda cid: text_sha(corpus.clause(cid).text)  # noqa: E731
    (tmp_path / "llama-3-license.toml").write_text(BAD.format(
        good=text("llama-3-license:1.b.v"), grant=text("llama-3-license:1.a"), obl=text("llama-3-license:1.b.i"),
        inc=text("llama-3-license:1.b.iv")), encoding="utf-8")
    (tmp_path / "no-such-doc.toml").write_text('doc_id = "no-such-doc"\n', encoding="utf-8")
    problems = AnnotationSet.load(tmp_path).validate(corpus)
    joined = "\n".join(problems)
    for expected in ["unknown effect 'permission'", "unknown acts_on ['vibes']", "unknown trigger condition 'weather'",
                     "trigger 'mau_over' must be a int", "must name what it incorporates",
                     "llama-3-license:9.z: unknown clause id", "llama-3-license:2: the clause text changed",
                     "exception_to names unknown clause 'llama-3-license:7.q'", "annotated twice",
                     "non_operative names unknown clause path 'no-such-path'", "no loaded document 'no-such-doc'"]:
        assert expected in joined, expected
    assert len(problems) == 11
    with pytest.raises(ConfigError, match="11 bad annotation row"):
        load_annotations(corpus, directory=tmp_path)


def test_unreadable_file_names_itself(tmp_path):
    (tmp_path / "broken.toml").write_text("doc_id = [", encoding="utf-8")
    with pytest.raises(ConfigError, match="broken.toml"):
        AnnotationSet.load(tmp_path)


def test_clause_json_carries_the_annotation(monkeypatch, tmp_path, sources_dir, capsys):
    from cli import main

    monkeypatch.setenv("CLAUSEWISE_SOURCES", str(sources_dir))
    monkeypatch.setenv("CLAUSEWISE_HOME", str(tmp_path / "home"))
    assert main(["clause", "llama-3-license:1.b.v", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    ann = data["annotation"]
    assert ann["effect"] == "prohibition" and ann["acts_on"] == ["training_other_models", "outputs"]
    assert ann["exception_to"] == [] and "different large language model" in ann["gloss"]
    assert main(["clause", "llama-3-license:1.b.v"]) == 0
    out = capsys.readouterr().out
    assert "prohibition" in out and "In our words (not a quote):" in out
    assert main(["clause", "llama-3-license:1.b", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["annotation"] is None  # a bare title has nothing to annotate
