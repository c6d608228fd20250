"""Corrections from people and platforms, kept in SQLite until a person reviews them.

A correction records the label the person says is right, the model's own verdict and version, and a
salted hash of the message. The message text itself is kept only when the person or platform asked for
it (``keep_text``); without that, its bytes are written nowhere. Only corrections that a reviewer
accepted, and whose text was kept, can train a model. The same text with the same label counts once,
with a count.

The database runs in WAL mode, so that several service workers can write at once; its schema carries a
version, and :data:`MIGRATIONS` brings an older file up to date when it is opened.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from .errors import InputError

STATUSES = ("new", "accepted", "rejected")
MIGRATIONS = (
    # 1: the first schema
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE corrections (
        id INTEGER PRIMARY KEY,
        created TEXT NOT NULL,
        label TEXT NOT NULL,
        model_label TEXT NOT NULL,
        model_risk REAL NOT NULL,
        model_version TEXT NOT NULL,
        text_hash TEXT NOT NULL,
        text TEXT,
        note TEXT,
        source TEXT NOT NULL,
        status TEXT NOT NULL DEFAULT 'new',
        count INTEGER NOT NULL DEFAULT 1,
        UNIQUE (text_hash, label)
    );
    """,
)


@dataclass(frozen=True)
class Correction:
    id: int
    created: str
    label: str
    model_label: str
    model_risk: float
    model_version: str
    text_hash: str
    text: str | None
    note: str | None
    source: str
    status: str
    count: int

    def to_dict(self) -> dict:
        return dict(self.__dict__)


class FeedbackStore:
    """The corrections database at ``path`` (created, or migrated, on first use)."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self._connection() as db:
            version = db.execute("PRAGMA user_version").fetchone()[0]
            for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
                db.executescript(f"BEGIN; {script} PRAGMA user_version = {number}; COMMIT;")
            db.execute("INSERT OR IGNORE INTO meta VALUES ('salt', ?)", (secrets.token_hex(16),))
            self._salt = db.execute("SELECT value FROM meta WHERE key = 'salt'").fetchone()[0].encode()

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            db.execute("PRAGMA journal_mode = WAL")
            db.execute("PRAGMA busy_timeout = 30000")
            yield db
        finally:
            db.close()

    def text_hash(self, text: str) -> str:
        """HMAC-SHA256 of the text with this database's own salt: equal texts match, nobody can look one up."""
        return hmac.new(self._salt, text.encode("utf-8", "surrogatepass"), hashlib.sha256).hexdigest()

    def add(self, text: str, label: str, prediction, model_version: str, keep_text: bool = False,
            note: str | None = None, source: str = "api") -> int:
        """Record one correction; the same text with the same label raises the count. Returns its id."""
        digest = self.text_hash(text)
        now = datetime.now(UTC).isoformat(timespec="seconds")
        with self._connection() as db:
            db.execute("BEGIN IMMEDIATE")
            row = db.execute("SELECT id FROM corrections WHERE text_hash = ? AND label = ?", (digest, label)).fetchone()
            if row:
                db.execute("UPDATE corrections SET count = count + 1, text = COALESCE(text, ?) WHERE id = ?",
                           (text if keep_text else None, row[0]))
                db.execute("COMMIT")
                return row[0]
            cursor = db.execute(
                "INSERT INTO corrections (created, label, model_label, model_risk, model_version, text_hash, text, note,"
                " source) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (now, label, prediction.label, round(prediction.risk_score, 4), model_version, digest,
                 text if keep_text else None, note, source),
            )
            db.execute("COMMIT")
            return cursor.lastrowid

    def list(self, status: str | None = None) -> list[Correction]:
        query, values = "SELECT * FROM corrections", ()
        if status:
            query, values = query + " WHERE status = ?", (status,)
        with self._connection() as db:
            return [Correction(*row) for row in db.execute(query + " ORDER BY id", values)]

    def get(self, correction_id: int) -> Correction:
        with self._connection() as db:
            row = db.execute("SELECT * FROM corrections WHERE id = ?", (correction_id,)).fetchone()
        if row is None:
            raise InputError("unknown_correction", id=correction_id)
        return Correction(*row)

    def set_status(self, ids: list[int], status: str) -> None:
        for correction_id in ids:
            self.get(correction_id)  # an unknown id is an error, before anything changes
        with self._connection() as db:
            db.executemany("UPDATE corrections SET status = ? WHERE id = ?", [(status, i) for i in ids])

    def training_rows(self) -> list[tuple[str, str]]:
        """(text, label) of every accepted correction whose text was kept: all that may train a model."""
        return [(c.text, c.label) for c in self.list("accepted") if c.text]
