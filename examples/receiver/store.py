"""The receiver's own storage: an SQLite file and a folder of files, like a small Fachverfahren.

`message` is the inbox of pushes, keyed by webhook-id, so a message that
arrives twice is stored once (and counted, to show it). `case` is what the
procedure made of a submission: its case number is what it acknowledges with.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from datetime import UTC, datetime
from pathlib import Path

SCHEMA = """
CREATE TABLE IF NOT EXISTS message (
    webhook_id TEXT PRIMARY KEY,
    submission_id TEXT NOT NULL,
    payload TEXT NOT NULL,
    received_count INTEGER NOT NULL DEFAULT 1,
    first_received_at TEXT NOT NULL,
    processed_at TEXT
);
CREATE TABLE IF NOT EXISTS "case" (
    number INTEGER PRIMARY KEY AUTOINCREMENT,
    case_number TEXT UNIQUE,
    submission_id TEXT UNIQUE NOT NULL,
    reference TEXT NOT NULL,
    form TEXT NOT NULL,
    received_via TEXT NOT NULL,
    received_at TEXT NOT NULL,
    envelope TEXT NOT NULL,
    answered_at TEXT,
    answer TEXT
);
CREATE TABLE IF NOT EXISTS file (
    submission_id TEXT NOT NULL,
    attachment_id TEXT NOT NULL,
    name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    PRIMARY KEY (submission_id, attachment_id)
);
"""


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds")


class Store:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.files_dir = data_dir / "files"
        self.files_dir.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(data_dir / "receiver.sqlite3", check_same_thread=False,
                                   isolation_level=None)
        self._db.row_factory = sqlite3.Row
        self._db.executescript(SCHEMA)

    def _run(self, sql: str, *args: object) -> sqlite3.Cursor:
        with self._lock:
            return self._db.execute(sql, args)

    # -- the push inbox ---------------------------------------------------------------

    def receive(self, webhook_id: str, submission_id: str, payload: bytes) -> bool:
        """Keep a pushed message; False if this webhook-id was here before (a duplicate)."""
        with self._lock:
            inserted = self._db.execute(
                "INSERT OR IGNORE INTO message"
                " (webhook_id, submission_id, payload, first_received_at) VALUES (?, ?, ?, ?)",
                (webhook_id, submission_id, payload.decode(), _now()),
            ).rowcount
            if not inserted:
                self._db.execute("UPDATE message SET received_count = received_count + 1 "
                                 "WHERE webhook_id = ?", (webhook_id,))
            return bool(inserted)

    def unprocessed(self) -> list[sqlite3.Row]:
        return list(self._run("SELECT * FROM message WHERE processed_at IS NULL "
                              "ORDER BY first_received_at"))

    def processed(self, webhook_id: str) -> None:
        self._run("UPDATE message SET processed_at = ? WHERE webhook_id = ?", _now(), webhook_id)

    # -- cases and files --------------------------------------------------------------

    def case_for(self, submission_id: str) -> sqlite3.Row | None:
        return self._run('SELECT * FROM "case" WHERE submission_id = ?', submission_id).fetchone()

    def open_case(self, envelope: dict, via: str, files: list[dict]) -> sqlite3.Row:
        """Store the submission as a new case with its own case number (Aktenzeichen)."""
        meta = envelope["metadata"]
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                cursor = self._db.execute(
                    'INSERT INTO "case" (submission_id, reference, form, received_via, received_at,'
                    " envelope) VALUES (?, ?, ?, ?, ?, ?)",
                    (meta["submission_id"], meta["reference"], meta["form"]["id"], via, _now(),
                     json.dumps(envelope, ensure_ascii=False)),
                )
                number = cursor.lastrowid
                case_number = f"AZ-{datetime.now(UTC).year}-{number:06d}"
                self._db.execute('UPDATE "case" SET case_number = ? WHERE number = ?',
                                 (case_number, number))
                for f in files:
                    self._db.execute(
                        "INSERT INTO file (submission_id, attachment_id, name, sha256, size) "
                        "VALUES (?, ?, ?, ?, ?)",
                        (meta["submission_id"], f["id"], f["name"], f["sha256"], f["size"]))
                self._db.execute("COMMIT")
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
        return self.case_for(meta["submission_id"])

    def answered(self, submission_id: str, answer: str) -> None:
        self._run('UPDATE "case" SET answered_at = ?, answer = ? WHERE submission_id = ?',
                  _now(), answer, submission_id)

    def file_path(self, submission_id: str, attachment_id: str) -> Path:
        return self.files_dir / submission_id / attachment_id

    def report(self) -> dict:
        """Everything the receiver holds, without the data itself: for people and tests."""
        cases = [
            {k: row[k] for k in ("case_number", "submission_id", "reference", "form",
                                 "received_via", "received_at", "answered_at", "answer")}
            for row in self._run('SELECT * FROM "case" ORDER BY number')
        ]
        for case in cases:
            case["files"] = [dict(r) for r in self._run(
                "SELECT attachment_id, name, sha256, size FROM file WHERE submission_id = ?",
                case["submission_id"])]
        messages = [dict(r) for r in self._run(
            "SELECT webhook_id, submission_id, received_count, first_received_at, processed_at "
            "FROM message ORDER BY first_received_at")]
        return {"cases": cases, "messages": messages}
