"""The Rules review sheet page (issue 10), through AppTest: rule statements beside their verbatim clauses per version,
cases, the family / document / verdict / text filters, deep links, and downloads identical to `clausewise rules
--review`."""

from __future__ import annotations

import pytest
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest

from retrieval.cases import load_cases
from retrieval.registry import Registry
from retrieval.review import build_review, render
from retrieval.rules import RuleTable
from test_app import APP, TIMEOUT, app_env, assert_clean, indexed_home, markdown  # noqa: F401  (pytest fixtures)
from retrieval.review_filter import Filter, apply, file_name

pytestmark = pytest.mark.integration

PAGE = "ui/pages/review.py"


@pytest.fixture(scope="module")
def sheet(corpus):
    table = RuleTable.load(known_clause_ids={c.clause_id for c in corpus.all_clauses()},
                           known_doc_ids=set(corpus.documents))
    return build_review(corpus, table, load_cases(Registry.load()))


@pytest.fixture
def downloads(monkeypatch) -> dict[str, bytes]:
    """What each download button would hand the browser, by file name (AppTest keeps no media files after a run)."""
    seen: dict[str, bytes] = {}
    original = MediaFileManager.add

    def add(self, path_or_data, mimetype, coordinates, file_name=None, is_for_static_download=False):
        if file_name:
            seen[file_name] = path_or_data
        return original(self, path_or_data, mimetype, coordinates, file_name, is_for_static_download)

    monkeypatch.setattr(MediaFileManager, "add", add)
    return seen


def open_page(**query) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=TIMEOUT)
    for k, v in query.items():
        at.query_params[k] = v
    at.run()
    assert_clean(at)
    at.switch_page(PAGE).run()
    assert_clean(at)
    return at


def rule_ids_shown(at: AppTest) -> list[str]:
    """Rule ids in the order their cards appear (each card's first line is `badge **`id`** · family `f``)."""
    out = []
    for m in at.markdown:
        if "** \u00b7 family `" in m.value and m.value.count("**`") == 1:
            out.append(m.value.split("**`", 1)[1].split("`**", 1)[0])
    return out


def test_filter_functions(sheet):
    assert apply(sheet, Filter()) == sheet
    llama3 = apply(sheet, Filter(documents=("llama-3-license",)))
    assert llama3 and all([d.doc_id for d in r.documents] == ["llama-3-license"] for r in llama3)
    ban = next(r for r in llama3 if r.id == "llama-improve-other-llm")
    assert [c.clause_id for c in ban.documents[0].clauses] == ["llama-3-license:1.b.v"]
    assert ban.documents[0].clauses[0].text.startswith("v. You will not use the Llama Materials or any output")
    # The training ban is gone from 3.1: filtering on 3.1 drops the rule entirely.
    assert "llama-improve-other-llm" not in {r.id for r in apply(sheet, Filter(documents=("llama-3.1-license",)))}
    words = apply(sheet, Filter(text="improve  OTHER large"))
    assert "llama-improve-other-llm" in {r.id for r in words}
    assert apply(sheet, Filter(families=("gemma",), verdicts=("not_permitted",)))
    assert all(r.family == "gemma" and r.verdict == "not_permitted"
               for r in apply(sheet, Filter(families=("gemma",), verdicts=("not_permitted",))))
    assert apply(sheet, Filter(text="zzz-no-such-word")) == []
    assert file_name(Filter(), "md") == "clausewise-review.md"
    assert file_name(Filter(families=("llama",), documents=("llama-3-license",)), "csv") == \
        "clausewise-review-llama-llama-3-license.csv"


def test_review_page_shows_every_rule_beside_its_clauses_and_cases(app_env, sheet, downloads):
    at = open_page()
    text = markdown(at)
    assert f"**{len(sheet)} of {len(sheet)} rules**" in text
    # Page 1 of the sheet, in the CLI's order.
    assert rule_ids_shown(at) == [r.id for r in sheet[:15]]
    first = sheet[0]
    assert f"**`{first.id}`** \u00b7 family `{first.family}`" in text
    # Every download is the CLI's sheet, byte for byte.
    for fmt in ("md", "csv", "html"):
        assert downloads[f"clausewise-review.{fmt}"].decode("utf-8") == render(sheet, fmt)
    labels = {b.proto.label for b in at.get("download_button")}
    assert labels == {"Download md (the whole sheet)", "Download csv (the whole sheet)", "Download html (the whole sheet)"}


def test_review_page_filters_by_family_and_document(app_env, sheet, downloads):
    at = open_page()
    at.multiselect(key="rv-family").set_value(["llama"]).run()
    at.multiselect(key="rv-doc").set_value(["llama-3-license"]).run()
    assert_clean(at)
    expected = apply(sheet, Filter(families=("llama",), documents=("llama-3-license",)))
    assert expected and f"**{len(expected)} of {len(sheet)} rules**" in markdown(at)
    assert rule_ids_shown(at) == [r.id for r in expected[:15]]
    assert "llama-improve-other-llm" in rule_ids_shown(at)
    # The ban's card: the statement on the left, the verbatim 1.b.v of Llama 3 on the right, and its cases.
    text = markdown(at)
    assert "`llama-3-license:1.b.v` \u00b7 [open in the corpus](/corpus?clause=llama-3-license%3A1.b.v)" in text
    assert "`llama-2-license:1.b.v`" not in text  # only the chosen document's clauses, and cases citing it
    assert all(not c.clauses or any(x.startswith("llama-3-license:") for x in c.clauses)
               for r in expected for c in r.cases)
    assert any(r.cases for r in expected)
    assert any(m.value.startswith('<div class="cw-clause">v&#46; You will not use the Llama Materials or any output')
               for m in at.markdown)  # verbatim, HTML-escaped (markdown characters as entities)
    assert any(c.value.startswith("Meta Llama 3 Community License Agreement (2024-04-18), s. 1.b.v: \u201cYou will not "
                                  "use the Llama Materials") for c in at.code)
    ban = next(r for r in expected if r.id == "llama-improve-other-llm")
    for case in ban.cases:
        assert f"- `{case.id}`:" in "\n".join(m.value for m in at.markdown)
    name = "clausewise-review-llama-llama-3-license.md"
    assert downloads[name].decode("utf-8") == render(expected, "md")
    assert {b.proto.label for b in at.get("download_button")} >= {"Download md (the filtered sheet)"}


def test_review_page_text_filter_verdict_filter_and_nothing_found(app_env, sheet):
    at = open_page()
    at.multiselect(key="rv-verdict").set_value(["not_permitted"]).run()
    at.text_input(key="rv-text").input("large language model").run()
    assert_clean(at)
    expected = apply(sheet, Filter(verdicts=("not_permitted",), text="large language model"))
    assert "llama-improve-other-llm" in {r.id for r in expected}
    assert rule_ids_shown(at) == [r.id for r in expected[:15]]
    at.text_input(key="rv-text").input("zzz-no-such-word").run()
    assert_clean(at)
    assert "No rule matches these filters." in [i.value for i in at.info]
    assert rule_ids_shown(at) == []


def test_review_page_pages_and_deep_link(app_env, sheet):
    at = open_page()
    at.number_input(key="rv-page").set_value(2).run()
    assert_clean(at)
    assert rule_ids_shown(at) == [r.id for r in sheet[15:30]]
    linked = open_page(family="gemma", doc="gemma-terms-2025")
    expected = apply(sheet, Filter(families=("gemma",), documents=("gemma-terms-2025",)))
    assert rule_ids_shown(linked) == [r.id for r in expected[:15]]
    assert linked.multiselect(key="rv-family").value == ["gemma"]


def test_cli_review_filters_match_the_page(sheet, settings, monkeypatch, tmp_path, capsys):
    from cli import main

    for key, value in {"CLAUSEWISE_SOURCES": str(settings.sources), "CLAUSEWISE_HOME": str(settings.home)}.items():
        monkeypatch.setenv(key, value)
    out = tmp_path / "llama3.md"
    assert main(["rules", "--review", "--family", "llama", "--doc", "llama-3-license", "--output", str(out)]) == 0
    expected = apply(sheet, Filter(families=("llama",), documents=("llama-3-license",)))
    assert out.read_text(encoding="utf-8") == render(expected, "md")
    assert f"wrote {len(expected)} rules as md" in capsys.readouterr().err
    assert main(["rules", "--review", "--verdict", "not_permitted", "--grep", "large language model",
                 "--format", "csv"]) == 0
    rows = capsys.readouterr().out
    assert rows == render(apply(sheet, Filter(verdicts=("not_permitted",), text="large language model")), "csv")
    assert "llama-improve-other-llm" in rows
    assert main(["rules", "--review", "--doc", "llama-9-license"]) == 2
    assert "Unknown document 'llama-9-license' for the review sheet" in capsys.readouterr().err
