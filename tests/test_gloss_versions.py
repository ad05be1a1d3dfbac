"""A gloss of a Llama document speaks of that document's own version: glosses were written once and copied across
versions, and a copied "Llama 2" in the Llama 3.1 glosses would tell a lawyer the wrong licence."""

import re
import tomllib
from pathlib import Path

import pytest

ANNOTATIONS = Path(__file__).resolve().parent.parent / "corpus" / "annotations"
VERSIONS = ("2", "3", "3.1", "3.2", "3.3", "4")


def _llama_files():
    return sorted(ANNOTATIONS.glob("llama-*.toml"))


@pytest.mark.parametrize("path", _llama_files(), ids=lambda p: p.stem)
def test_glosses_name_only_their_own_llama_version(path):
    own = re.match(r"llama-([\d.]+)-", path.name).group(1)
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    wrong = []
    for row in data.get("clause", []):
        for version in re.findall(r"\bLlama (\d(?:\.\d)?)\b", row.get("gloss", "")):
            if version in VERSIONS and version != own:
                wrong.append(f"{row['path']}: Llama {version}")
    assert not wrong, f"{path.name} glosses name another version: {wrong}"


def test_every_llama_document_has_glosses():
    assert len(_llama_files()) == 12
