"""The one place clausewise reads its environment."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_EMBED_MODEL = "all-MiniLM-L6-v2"
DEFAULT_EMBED_BACKEND = "onnx"  # same vectors as torch, a third of the CPU per query (README "Embedding backends")
PACKAGE_ROOT = Path(__file__).resolve().parent.parent
CORPUS_DIR = PACKAGE_ROOT / "corpus"


@dataclass(frozen=True)
class Settings:
    """Paths and backends; build it with `Settings.from_env()` at the edge (CLI, UI), pass it down explicitly."""

    home: Path
    sources: Path | None
    chroma_url: str | None
    embed_model: str
    tenant: str | None = None  # CLAUSEWISE_TENANT: names this home's collections on a shared Chroma server
    embed_backend: str = DEFAULT_EMBED_BACKEND  # CLAUSEWISE_EMBED_BACKEND: onnx or torch (ingest.onnx_embed)
    # True when CLAUSEWISE_EMBED_BACKEND names the backend: then a backend that cannot run is an error, not a fallback
    embed_backend_explicit: bool = False
    # CLAUSEWISE_ONNX_CACHE: where ONNX exports of the embedding model are kept, shared by every home of this user
    onnx_cache: Path | None = None
    # CLAUSEWISE_USE_SIMILARITY: also recognise use-policy categories by meaning with the search embedder
    use_similarity: bool = False
    # CLAUSEWISE_QUERY_THREADS: ONNX Runtime threads for one question's embedding (README "Query threads")
    query_threads: int = field(default_factory=lambda: query_threads({}))

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> "Settings":
        env = dict(os.environ if env is None else env)
        home = Path(env.get("CLAUSEWISE_HOME") or Path.home() / ".clausewise").expanduser()
        sources = env.get("CLAUSEWISE_SOURCES")
        return cls(
            home=home,
            sources=Path(sources).expanduser().resolve() if sources else None,
            chroma_url=env.get("CLAUSEWISE_CHROMA_URL") or None,
            embed_model=env.get("CLAUSEWISE_EMBED_MODEL") or DEFAULT_EMBED_MODEL,
            tenant=env.get("CLAUSEWISE_TENANT") or None,
            embed_backend=(env.get("CLAUSEWISE_EMBED_BACKEND") or "").strip().lower() or DEFAULT_EMBED_BACKEND,
            embed_backend_explicit=bool((env.get("CLAUSEWISE_EMBED_BACKEND") or "").strip()),
            onnx_cache=default_onnx_cache(env),
            use_similarity=(env.get("CLAUSEWISE_USE_SIMILARITY") or "").strip().lower() in ("1", "true", "yes", "on"),
            query_threads=query_threads(env),
        )

    @property
    def cache_dir(self) -> Path:
        return self.home / "cache"

    @property
    def onnx_cache_dir(self) -> Path:
        """The user-level folder of ONNX exports (not under the home: a new home reuses the export, no minute lost)."""
        return self.onnx_cache or default_onnx_cache(os.environ)

    @property
    def index_dir(self) -> Path:
        return self.home / "index"

    @property
    def user_annotations_dir(self) -> Path:
        """Annotations of the user's own documents (proposed from their wording, then accepted or edited)."""
        return self.home / "user" / "annotations"


def query_threads(env) -> int:
    """CLAUSEWISE_QUERY_THREADS, else two (one on a single-core machine): with spinning off, a second ONNX Runtime
    thread took a question's embedding from 16 to 10 ms at the median on a quiet 2-core machine and was still faster
    than one beside four busy processes (README "Query threads")."""
    raw = (env.get("CLAUSEWISE_QUERY_THREADS") or "").strip()
    if not raw:
        return min(2, os.cpu_count() or 1)
    if not raw.isdigit() or int(raw) < 1:
        from ingest.errors import ConfigError

        raise ConfigError(f"CLAUSEWISE_QUERY_THREADS must be a whole number of threads, 1 or more; it is {raw!r}.")
    return int(raw)


def default_onnx_cache(env) -> Path:
    """CLAUSEWISE_ONNX_CACHE, else `$XDG_CACHE_HOME/clausewise/onnx`, else `~/.cache/clausewise/onnx`."""
    if env.get("CLAUSEWISE_ONNX_CACHE"):
        return Path(env["CLAUSEWISE_ONNX_CACHE"]).expanduser()
    base = Path(env["XDG_CACHE_HOME"]).expanduser() if env.get("XDG_CACHE_HOME") else Path.home() / ".cache"
    return base / "clausewise" / "onnx"
