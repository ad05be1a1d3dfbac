"""Saved research: conversations and their answers in one SQLite file under CLAUSEWISE_HOME.

The app writes every turn as it is answered, so a browser reload or a server restart loses nothing; `clausewise history`
lists and exports the same file. Each turn is stored with the corpus and rules versions it was computed with, so a
conversation reopened after the corpus or the rules changed can say so.

WAL mode lets the app and the CLI read while another process writes. `PRAGMA user_version` is the schema version: an
older file is migrated forward on open, a newer one is refused rather than misread. Deleting is soft (a timestamp) so
it can be undone; deleted conversations are purged for good after `PURGE_AFTER_DAYS`.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from ingest.errors import ConfigError, NotFound
from ingest.settings import CORPUS_DIR, Settings

SCHEMA_VERSION = 1
DB_NAME = "history.sqlite3"
PURGE_AFTER_DAYS = 30
TITLE_CHARS = 80

_SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    created TEXT NOT NULL,
    updated TEXT NOT NULL,
    deleted_at TEXT
);
CREATE TABLE IF NOT EXISTS turns (
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    payload TEXT NOT NULL,
    corpus_version TEXT NOT NULL,
    rules_version TEXT NOT NULL,
    created TEXT NOT NULL,
    PRIMARY KEY (conversation_id, seq)
);
CREATE INDEX IF NOT EXISTS conversations_updated ON conversations(updated);
"""


@dataclass(frozen=True)
class ConversationInfo:
    id: str
    title: str
    created: str
    updated: str
    turns: int
    deleted: bool = False


@dataclass(frozen=True)
class StoredTurn:
    seq: int
    payload: dict[str, Any]
    corpus_version: str
    rules_version: str
    created: str


_STAMP = "%Y-%m-%dT%H:%M:%S.%fZ"  # microseconds, so two saves in one second still order


def now() -> str:
    return datetime.now(timezone.utc).strftime(_STAMP)


def title_from(question: str) -> str:
    text = " ".join(question.split())
    return text if len(text) <= TITLE_CHARS else text[:TITLE_CHARS - 1].rstrip() + "\u2026"


def corpus_version(documents: dict) -> str:
    """A short fingerprint of the loaded texts: doc ids and the sha256 of each text (`Corpus.documents`)."""
    lines = sorted(f"{d}={doc.spec.sha256}" for d, doc in documents.items())
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()[:12]


def rules_version(corpus_dir: Path = CORPUS_DIR) -> str:
    """A short fingerprint of the rules table files (corpus/rules.toml or corpus/rules/**/*.toml)."""
    h = hashlib.sha256()
    files = sorted([corpus_dir / "rules.toml"] + list((corpus_dir / "rules").rglob("*.toml")))
    for path in files:
        if path.is_file():
            h.update(str(path.relative_to(corpus_dir)).encode() + b"\0" + path.read_bytes() + b"\0")
    return h.hexdigest()[:12]


class History:
    """The conversation store. Cheap to construct; every call opens its own connection (safe across threads)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self._connect() as db:
                self._migrate(db)
        except sqlite3.DatabaseError as exc:
            raise ConfigError(f"The conversation store {self.path} cannot be opened ({exc}). Move the file aside to "
                              "start a new one; the old conversations stay in it.") from exc

    @classmethod
    def open(cls, settings: Settings) -> "History":
        return cls(settings.home / DB_NAME)

    @contextmanager
    def _connect(self):
        db = sqlite3.connect(self.path, timeout=15)
        db.row_factory = sqlite3.Row
        try:
            db.execute("PRAGMA foreign_keys = ON")
            with db:  # one transaction: committed on success, rolled back on any error
                yield db
        finally:
            db.close()

    def _migrate(self, db: sqlite3.Connection) -> None:
        version = db.execute("PRAGMA user_version").fetchone()[0]
        if version > SCHEMA_VERSION:
            raise ConfigError(f"The conversation store {self.path} has schema version {version}, newer than this "
                              f"clausewise understands ({SCHEMA_VERSION}). Upgrade clausewise, or set CLAUSEWISE_HOME "
                              "to another folder.")
        db.execute("PRAGMA journal_mode = WAL")
        if version < 1:
            db.executescript(_SCHEMA)
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")

    def journal_mode(self) -> str:
        with self._connect() as db:
            return db.execute("PRAGMA journal_mode").fetchone()[0]

    def schema_version(self) -> int:
        with self._connect() as db:
            return db.execute("PRAGMA user_version").fetchone()[0]

    # --- conversations ---------------------------------------------------------------------------------------------

    def create(self, title: str) -> str:
        cid = uuid.uuid4().hex[:12]
        stamp = now()
        with self._connect() as db:
            db.execute("INSERT INTO conversations (id, title, created, updated) VALUES (?, ?, ?, ?)",
                       (cid, title_from(title) or "Untitled", stamp, stamp))
        return cid

    def _row(self, db, cid: str, *, deleted_ok: bool = False) -> sqlite3.Row:
        row = db.execute("SELECT c.*, (SELECT COUNT(*) FROM turns t WHERE t.conversation_id = c.id) AS n "
                         "FROM conversations c WHERE c.id = ?", (cid,)).fetchone()
        if row is None or (row["deleted_at"] and not deleted_ok):
            raise NotFound(f"No saved conversation {cid!r}. `clausewise history` lists them.")
        return row

    @staticmethod
    def _info(row) -> ConversationInfo:
        return ConversationInfo(row["id"], row["title"], row["created"], row["updated"], row["n"],
                                bool(row["deleted_at"]))

    def get(self, cid: str) -> ConversationInfo:
        with self._connect() as db:
            return self._info(self._row(db, cid))

    def list(self, *, include_deleted: bool = False) -> list[ConversationInfo]:
        """Most recently updated first."""
        where = "" if include_deleted else "WHERE c.deleted_at IS NULL"
        with self._connect() as db:
            rows = db.execute("SELECT c.*, (SELECT COUNT(*) FROM turns t WHERE t.conversation_id = c.id) AS n "
                              f"FROM conversations c {where} ORDER BY c.updated DESC, c.rowid DESC").fetchall()
        return [self._info(r) for r in rows]

    def rename(self, cid: str, title: str) -> None:
        title = " ".join(title.split())
        if not title:
            raise ConfigError("A conversation needs a name; type at least one character.")
        with self._connect() as db:
            self._row(db, cid)
            db.execute("UPDATE conversations SET title = ? WHERE id = ?", (title[:200], cid))

    def delete(self, cid: str) -> None:
        """Soft delete: hidden from lists until `undelete`, purged after PURGE_AFTER_DAYS."""
        with self._connect() as db:
            self._row(db, cid)
            db.execute("UPDATE conversations SET deleted_at = ? WHERE id = ?", (now(), cid))

    def undelete(self, cid: str) -> None:
        with self._connect() as db:
            self._row(db, cid, deleted_ok=True)
            db.execute("UPDATE conversations SET deleted_at = NULL WHERE id = ?", (cid,))

    def purge(self, older_than_days: int = PURGE_AFTER_DAYS) -> int:
        cutoff = (datetime.now(timezone.utc) - timedelta(days=older_than_days)).strftime(_STAMP)
        with self._connect() as db:
            return db.execute("DELETE FROM conversations WHERE deleted_at IS NOT NULL AND deleted_at <= ?",
                              (cutoff,)).rowcount

    # --- turns -----------------------------------------------------------------------------------------------------

    def save_turn(self, cid: str, seq: int, payload: dict[str, Any], corpus_ver: str, rules_ver: str) -> None:
        """Insert or replace turn `seq` (a turn answered again in place keeps its number)."""
        text = json.dumps(payload, ensure_ascii=False, sort_keys=True)
        stamp = now()
        with self._connect() as db:
            self._row(db, cid)
            db.execute("INSERT OR REPLACE INTO turns (conversation_id, seq, payload, corpus_version, rules_version, "
                       "created) VALUES (?, ?, ?, ?, ?, ?)", (cid, seq, text, corpus_ver, rules_ver, stamp))
            db.execute("UPDATE conversations SET updated = ? WHERE id = ?", (stamp, cid))

    def turns(self, cid: str) -> list[StoredTurn]:
        with self._connect() as db:
            self._row(db, cid)
            rows = db.execute("SELECT * FROM turns WHERE conversation_id = ? ORDER BY seq", (cid,)).fetchall()
        out = []
        for r in rows:
            try:
                payload = json.loads(r["payload"])
            except json.JSONDecodeError:
                payload = {"question": "", "error": "This stored answer could not be read."}
            out.append(StoredTurn(r["seq"], payload, r["corpus_version"], r["rules_version"], r["created"]))
        return out

    def export(self, cid: str) -> dict[str, Any]:
        info = self.get(cid)
        return {"id": info.id, "title": info.title, "created": info.created, "updated": info.updated,
                "turns": [{"seq": t.seq, "created": t.created, "corpus_version": t.corpus_version,
                           "rules_version": t.rules_version, **t.payload} for t in self.turns(cid)]}


def changed_versions(turns: list[StoredTurn], corpus_ver: str, rules_ver: str) -> tuple[bool, bool]:
    """(corpus changed, rules changed) since any of the stored turns was answered."""
    return (any(t.corpus_version != corpus_ver for t in turns), any(t.rules_version != rules_ver for t in turns))
