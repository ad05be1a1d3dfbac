"""`clausewise identify`: ScanCode's matcher names the licence, our parser compares it clause by clause.

Licence texts are never committed, so every variant is built here from the corpus texts. The re-wrapped one
reproduces a real file found with code search: a third-party notices file that ships the Llama 3 licence (with its
use policy, as Meta's LICENSE file does) inside a Markdown code fence, re-wrapped at about 92 columns and indented by
three spaces (under a "## Llama-Guard-3-8B" heading, left out here: that line is the notices file's, not the licence's).
"""

from __future__ import annotations

import json
import textwrap

import pytest

from retrieval.identify import Identifier, Kind, normalise, word_diff

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def identifier(corpus):
    return Identifier(corpus)


@pytest.fixture(scope="module")
def llama3(corpus):
    return corpus.documents["llama-3-license"].text


def rewrap(text: str, width: int = 92, indent: str = "   ") -> str:
    return "\n\n".join(textwrap.fill(" ".join(p.split()), width, initial_indent=indent, subsequent_indent=indent,
                                     break_on_hyphens=False, break_long_words=False)
                       for p in text.split("\n\n") if p.strip())


def test_the_exact_llama_3_licence_is_identical_to_our_copy(identifier, llama3):
    found = identifier.identify(llama3)
    # ScanCode has no Llama 3 entry and names its neighbour; the corpus holds the exact text
    assert (found.match, found.kind) == ("llama-3-license", Kind.IDENTICAL.value)
    assert found.scancode_key.startswith("llama-")
    assert found.changed == found.added == found.removed == ()


def test_the_real_notices_file_variant_is_formatting_only(identifier, llama3):
    notices = "   ```\n\n" + rewrap(llama3) + "\n\n   ```\n"
    found = identifier.identify(notices)
    assert (found.match, found.kind) == ("llama-3-license", Kind.FORMATTING_ONLY.value)


def test_a_raised_user_threshold_is_named_first_with_its_numbers(identifier, llama3, corpus):
    found = identifier.identify(llama3.replace("700 million", "900 million"))
    assert (found.match, found.kind) == ("llama-3-license", Kind.MODIFIED.value)
    assert found.changed == ("llama-3-license:2",) and found.added == found.removed == ()
    first = found.details[0]
    assert first.clause_id == "llama-3-license:2" and "700 -> " in first.reason and "900" in first.reason
    assert "[-700-] {+900+}" in first.diff


def test_a_removed_ban_is_reported_as_a_removed_prohibition(identifier, llama3, corpus):
    ban = corpus.clause("llama-3-license:1.b.v").text
    found = identifier.identify(llama3.replace(ban, ""))
    assert (found.kind, found.removed, found.changed, found.added) == (Kind.MODIFIED.value, ("llama-3-license:1.b.v",), (), ())
    assert found.details[0].reason == "a prohibition or restriction removed"


def test_an_added_restriction_in_mit_is_flagged(identifier, corpus):
    mit = corpus.documents["mit"].text
    found = identifier.identify(mit.replace("The above copyright notice", "The above copyright notice shall not be "
                                                                          "removed and"))
    assert (found.match, found.scancode_key, found.kind) == ("mit", "mit", Kind.MODIFIED.value)
    assert found.changed == ("mit:p2",) and found.details[0].reason == "a restriction added"


def test_the_exact_mit_text_is_identical_and_matched_by_scancode(identifier, corpus):
    found = identifier.identify(corpus.documents["mit"].text)
    assert (found.match, found.scancode_key, found.kind) == ("mit", "mit", Kind.IDENTICAL.value)
    assert found.score > 90


def test_a_copy_cut_before_the_end_is_truncated(identifier, llama3, corpus):
    found = identifier.identify(llama3[:corpus.clause("llama-3-license:5").start])
    assert (found.match, found.kind) == ("llama-3-license", Kind.TRUNCATED.value)
    assert {"llama-3-license:5.a", "llama-3-license:5.b", "llama-3-license:5.c"} <= set(found.removed)
    assert not found.added and not found.changed


def test_new_names_with_the_same_terms_is_rebranded(identifier, llama3):
    text = (llama3.replace("Meta Platforms, Inc.", "Acme Robotics Ltd.").replace("Meta", "Acme")
            .replace("Llama", "Falcon"))
    found = identifier.identify(text)
    assert (found.match, found.kind) == ("llama-3-license", Kind.REBRANDED.value)
    assert "llama-3-license:def-agreement" in found.changed and not found.added and not found.removed


def test_two_licences_in_one_file_are_combined(identifier, corpus):
    text = corpus.documents["mit"].text + "\n\n" + corpus.documents["apache-2.0"].text
    found = identifier.identify(text)
    assert found.kind == Kind.COMBINED.value
    assert {"mit", "apache-2.0"} <= set(found.licences)


def test_a_licence_with_a_policy_appended_is_combined(identifier, corpus):
    text = corpus.documents["gemma-terms-2024"].text + "\n\n" + corpus.documents["gemma-pup"].text
    found = identifier.identify(text)
    assert (found.match, found.kind) == ("gemma-terms-2024", Kind.COMBINED.value)
    assert found.added and all(c.startswith("file:") for c in found.added)


def test_unrelated_text_is_unknown(identifier):
    found = identifier.identify("A shopping list: eggs, milk, bread and a few apples for the weekend. " * 5)
    assert (found.match, found.kind, found.changed) == (None, Kind.UNKNOWN.value, ())


def test_normalise_and_word_diff():
    assert normalise("**Grant.**  You\n  may \u201cuse\u201d it\n- item") == 'Grant. You may "use" it item'
    assert word_diff("greater than 700 million users", "greater than 900 million users") == \
        "greater than [-700-] {+900+} million users"


def test_identify_cli_prints_json(tmp_path, sources_dir, monkeypatch, capsys, corpus):
    from cli import main

    monkeypatch.setenv("CLAUSEWISE_SOURCES", str(sources_dir))
    monkeypatch.setenv("CLAUSEWISE_HOME", str(tmp_path / "home"))
    path = tmp_path / "LICENSE.txt"
    path.write_text(corpus.documents["mit"].text.replace("The above copyright notice",
                                                         "The above copyright notice shall not be removed and"))
    assert main(["identify", str(path), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert (data["match"], data["kind"], data["changed"], data["added"], data["removed"]) == (
        "mit", "modified", ["mit:p2"], [], [])
    assert data["score"] > 50
    assert main(["identify", str(tmp_path / "missing.txt")]) == 2
