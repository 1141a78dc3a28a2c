"""A submission's case status and message thread: the one place that writes them.

The destination's client sets the status and writes messages (portal.api);
the citizen reads them and replies on the status page (portal.mailbox.views).
Every change is logged as an event. A citizen's reply is announced to the
procedure through both channels: the event log (pull) and, for a destination
that pushes, a delivery of the event "message.received" in the outbox. A new
message or status is announced to the citizen by e-mail (portal.mailbox.mail).
Everything here joins the caller's unit of work.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, BinaryIO

from sqlalchemy import delete, select

from ..extensions import db
from ..handover import encryption
from ..handover.envelope import rfc3339, submission_path
from ..handover.lifecycle import Conflict, now, record_event
from ..handover.models import Delivery, Destination
from ..models import Submission
from ..uploads.service import storage
from .models import (
    AUTHORITY,
    CASE_STATUSES,
    CITIZEN,
    Message,
    MessageFile,
    OutgoingMail,
    SignInLink,
    StatusChange,
)

RECEIVED = CASE_STATUSES[0]
MESSAGE_RECEIVED = "message.received"


@dataclass(frozen=True)
class Status:
    status: str
    note: str | None
    changed_at: datetime


def destination_of(submission: Submission) -> Destination | None:
    return db.session.execute(
        select(Destination).where(Destination.name == submission.destination)
    ).scalar_one_or_none()


def authority_name(submission: Submission) -> str:
    """The responsible authority as the submission recorded it (portal.authorities); for a
    submission without one, the destination's label as its operators configured it."""
    if submission.authority and submission.authority.get("name"):
        return submission.authority["name"]
    destination = destination_of(submission)
    return (destination.label if destination is not None and destination.label
            else submission.destination)


def history(submission: Submission) -> list[Status]:
    """The statuses of the case, oldest first; `received` at the submission comes first."""
    changes = db.session.execute(
        select(StatusChange).where(StatusChange.submission_id == submission.id)
        .order_by(StatusChange.changed_at, StatusChange.id)).scalars()
    return [Status(RECEIVED, None, submission.submitted_at),
            *(Status(c.status, c.note, c.changed_at) for c in changes)]


def current_status(submission: Submission) -> Status:
    return history(submission)[-1]


def _open(submission: Submission) -> None:
    if submission.deleted_at is not None:
        raise Conflict("the submission is deleted")


def set_status(submission: Submission, status: str, note: str | None,
               client_prefix: str) -> bool:
    """Set the case status; returns False when it is already that, with that note."""
    if status not in CASE_STATUSES:
        raise ValueError(f"unknown status {status!r}")
    _open(submission)
    current = current_status(submission)
    if current.status == status and (current.note or None) == (note or None):
        return False
    moment = now()
    db.session.add(StatusChange(submission_id=submission.id, status=status, note=note or None,
                                changed_at=moment, client=client_prefix))
    record_event(submission, "status_changed", {"status": status, "client": client_prefix},
                 moment)
    return True


def messages_of(submission: Submission) -> list[Message]:
    return list(db.session.execute(
        select(Message).where(Message.submission_id == submission.id)
        .order_by(Message.created_at, Message.id)).scalars())


def files_of(messages: Iterable[Message]) -> dict[str, list[MessageFile]]:
    """The files of each message, by message id, in one query."""
    ids = [m.id for m in messages]
    files: dict[str, list[MessageFile]] = {i: [] for i in ids}
    if ids:
        for row in db.session.execute(
                select(MessageFile).where(MessageFile.message_id.in_(ids))
                .order_by(MessageFile.created_at, MessageFile.id)).scalars():
            files[row.message_id].append(row)
    return files


def describe_message(message: Message, files: list[MessageFile],
                     public_jwk: dict | None = None) -> dict[str, Any]:
    """A message as the API lists it and a push of "message.received" carries it.

    For a destination that registered a key (end-to-end encryption), what a person
    wrote (subject, body, the files' names) travels only as `encrypted_message`, a JWE
    of {"subject", "body", "files"}; the files themselves are downloaded as JWE.
    """
    href = f"{submission_path(message.submission_id)}/messages/{message.id}"
    content = {
        "subject": message.subject, "body": message.body,
        "files": [{"id": f.id, "name": f.display_name, "media_type": f.media_type,
                   "size": f.size, "sha256": f.sha256, "href": f"{href}/files/{f.id}"}
                  for f in files],
    }
    document: dict[str, Any] = {
        "id": message.id, "author": message.author,
        "created_at": rfc3339(message.created_at, precise=True),
        "answer_requested": message.answer_requested,
        "answer_due": message.answer_due.isoformat() if message.answer_due else None,
        "in_reply_to": message.in_reply_to,
        "read_at": rfc3339(message.read_at, precise=True),
    }
    if public_jwk:
        plaintext = json.dumps(content, ensure_ascii=False, separators=(",", ":")).encode()
        document["encrypted_message"] = encryption.encrypt(plaintext, public_jwk,
                                                           "application/json")
    else:
        document |= content
    return document


def find_message(submission: Submission, message_id: str) -> Message | None:
    try:
        message_id = str(uuid.UUID(message_id))
    except ValueError:
        return None
    message = db.session.get(Message, message_id)
    return message if message is not None and message.submission_id == submission.id else None


def find_file(message: Message, file_id: str) -> MessageFile | None:
    try:
        file_id = str(uuid.UUID(file_id))
    except ValueError:
        return None
    row = db.session.get(MessageFile, file_id)
    return row if row is not None and row.message_id == message.id else None


@dataclass(frozen=True)
class Upload:
    """A caseworker's file: its name, media type and content."""

    name: str
    media_type: str
    stream: BinaryIO


def send_message(submission: Submission, subject: str, body: str, client_prefix: str,
                 answer_due: date | None = None, answer_requested: bool = False,
                 files: Iterable[Upload] = (), limit: int = 100 * 1024 * 1024) -> Message:
    """The authority's message to the citizen, with its files (each at most `limit` bytes,
    else uploads.storage.TooLarge); uncommitted."""
    _open(submission)
    message = Message(id=str(uuid.uuid4()), submission_id=submission.id, author=AUTHORITY,
                      subject=subject, body=body, client=client_prefix, created_at=now(),
                      answer_requested=answer_requested or answer_due is not None,
                      answer_due=answer_due)
    db.session.add(message)
    store = storage()
    for upload in files:
        # A file stored for a message that is then rolled back has no row: delete_orphans
        # (portal.uploads) removes it later, as any stored file without a record.
        key, size, sha256 = store.save(upload.stream, limit)
        db.session.add(MessageFile(id=str(uuid.uuid4()), message_id=message.id,
                                   display_name=upload.name, media_type=upload.media_type,
                                   size=size, sha256=sha256, storage_key=key))
    record_event(submission, "message_sent", {"message_id": message.id, "client": client_prefix},
                 message.created_at)
    return message


def reply(submission: Submission, body: str, files: Iterable[MessageFile],
          in_reply_to: Message | None = None) -> Message:
    """The citizen's reply with its (already checked and stored) files; uncommitted.

    Announced to the procedure in the event log and, if it pushes, by a delivery.
    """
    _open(submission)
    subject = in_reply_to.subject if in_reply_to is not None else ""
    message = Message(id=str(uuid.uuid4()), submission_id=submission.id, author=CITIZEN,
                      subject=subject[:200], body=body, created_at=now(),
                      in_reply_to=in_reply_to.id if in_reply_to is not None else None)
    db.session.add(message)
    for row in files:
        row.message_id = message.id
        db.session.add(row)
    record_event(submission, "message_received", {"message_id": message.id}, message.created_at)
    db.session.add(Delivery(webhook_id="msg_" + uuid.uuid4().hex, submission=submission,
                            destination=submission.destination, status="pending", attempts=0,
                            queued_at=message.created_at, next_attempt_at=message.created_at,
                            event=MESSAGE_RECEIVED, message_id=message.id))
    return message


def mark_read(messages: Iterable[Message], reader: str) -> None:
    """The reader opened these messages: the first opening of each is its read receipt."""
    moment = now()
    for message in messages:
        if message.author != reader and message.read_at is None:
            message.read_at = moment


def closed_before(cutoff: datetime):
    """The ids of submissions whose case was closed before `cutoff` (a subquery)."""
    return select(StatusChange.submission_id).where(StatusChange.status == "closed",
                                                    StatusChange.changed_at <= cutoff)


def erase(submission: Submission) -> list[str]:
    """Delete the thread, its files, the status notes, sign-in links and queued mails
    (retention); returns the storage keys to delete after the commit."""
    messages = messages_of(submission)
    keys = []
    for rows in files_of(messages).values():
        for row in rows:
            keys.append(row.storage_key)
            db.session.delete(row)
    db.session.flush()
    for message in messages:
        db.session.delete(message)
    for change in db.session.execute(
            select(StatusChange).where(StatusChange.submission_id == submission.id)).scalars():
        change.note = None
    for table in (SignInLink, OutgoingMail):
        db.session.execute(delete(table).where(table.submission_id == submission.id))
    return keys
