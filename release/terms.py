"""How each governing licence is declared on a model card and named in a BOM (data in corpus/release.toml)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from ingest.errors import ConfigError
from ingest.settings import CORPUS_DIR

RELEASE_DATA = CORPUS_DIR / "release.toml"


@dataclass(frozen=True)
class LicenceInfo:
    doc_id: str
    card_licences: tuple[str, ...]
    licence_id: str  # SPDX id or LicenseRef-scancode-*; "" when ScanCode has no key
    passes_through: bool
    use_policy: str


@dataclass(frozen=True)
class LicenceTerms:
    licences: dict[str, LicenceInfo]

    @classmethod
    def load(cls, path: Path | None = None, known_doc_ids: set[str] | None = None) -> "LicenceTerms":
        path = path or RELEASE_DATA
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"Cannot read the release data {path}: {exc}") from exc
        out, problems = {}, []
        for n, row in enumerate(data.get("licence", []), 1):
            missing = [k for k in ("doc", "card_licences", "licence_id", "passes_through") if k not in row]
            if missing:
                problems.append(f"licence #{n}: missing {missing}")
                continue
            if known_doc_ids is not None and row["doc"] not in known_doc_ids:
                problems.append(f"licence #{n}: unknown document {row['doc']!r}")
            if row["doc"] in out:
                problems.append(f"licence #{n}: {row['doc']!r} listed twice")
            out[row["doc"]] = LicenceInfo(row["doc"], tuple(v.lower() for v in row["card_licences"]),
                                          row["licence_id"], bool(row["passes_through"]), row.get("use_policy", ""))
        if problems:
            raise ConfigError(f"The release data {path} has {len(problems)} problem(s):\n  - " + "\n  - ".join(problems))
        return cls(out)

    def declared_docs(self, licence: str | None, licence_name: str | None = None) -> tuple[str, ...]:
        """The corpus documents a card's `license` (and `license_name` for `other`) declares; () when none is known."""
        values = [v.strip().lower() for v in (licence, licence_name) if v and v.strip()]
        return tuple(d for d, info in self.licences.items() if any(v in info.card_licences for v in values))

    def get(self, doc_id: str) -> LicenceInfo | None:
        return self.licences.get(doc_id)
