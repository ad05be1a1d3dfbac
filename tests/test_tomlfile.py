"""The one TOML reader every corpus loader uses: what a user sees when a data file is missing or broken."""

from __future__ import annotations

import pytest

from ingest.errors import ConfigError
from ingest.tomlfile import read_toml
from retrieval.families import load_families
from retrieval.obligations import ObligationTable


def test_a_good_file_is_read(tmp_path):
    path = tmp_path / "x.toml"
    path.write_text('[[row]]\nname = "a"\n', encoding="utf-8")
    assert read_toml(path, "The test table") == {"row": [{"name": "a"}]}


def test_a_missing_file_is_an_error_unless_it_is_optional(tmp_path):
    with pytest.raises(ConfigError, match=r"The test table .*nope.toml does not exist"):
        read_toml(tmp_path / "nope.toml", "The test table")
    assert read_toml(tmp_path / "nope.toml", "The test table", missing={}) == {}


def test_bad_syntax_and_bad_bytes_name_the_file_and_the_way_out(tmp_path):
    broken = tmp_path / "broken.toml"
    broken.write_text('[[row]]\nname = "a\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"The test table .*broken.toml is not valid TOML \(.*line 2.*\)\. Fix the spot"):
        read_toml(broken, "The test table")
    # an optional file that exists but is broken is still an error: silence would drop every row in it
    with pytest.raises(ConfigError, match="not valid TOML"):
        read_toml(broken, "The test table", missing={})
    latin = tmp_path / "latin.toml"
    latin.write_bytes(b'name = "caf\xe9"\n')
    with pytest.raises(ConfigError, match=r"The test table .*latin.toml cannot be read .*Save it as UTF-8"):
        read_toml(latin, "The test table", fix="Save it as UTF-8.")


def test_loaders_report_through_it(tmp_path):
    bad = tmp_path / "families.toml"
    bad.write_text("[[family]\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"The model families file .* is not valid TOML"):
        load_families(bad)
    with pytest.raises(ConfigError, match=r"The obligations table .*missing.toml does not exist"):
        ObligationTable.load(path=tmp_path / "missing.toml")
