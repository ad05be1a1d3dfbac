"""Reading the project's TOML data files (corpus/*.toml and the user's own): one place for the error a user sees."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from ingest.errors import ConfigError


def read_toml(path: Path, what: str, *, fix: str = "Fix the spot it names, or restore the file from the repository.",
              missing: dict[str, Any] | None = None) -> dict[str, Any]:
    """The parsed file. `what` names it for the user ("the model registry"). A missing file gives `missing` when one
    is given (an optional file), else a ConfigError; unreadable bytes or bad syntax always give a ConfigError."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        if missing is not None:
            return missing
        raise ConfigError(f"{what} {path} does not exist. Restore it from the repository, or pass the path of one.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{what} {path} cannot be read ({exc}). {fix}") from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{what} {path} is not valid TOML ({exc}). {fix}") from None
