"""What the caseworker API does for a destination's client: list, fetch, files, answers.

Every query is scoped to the client's destination. A submission of another
destination is indistinguishable from one that does not exist.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import and_, or_, select

from ..extensions import db
from ..models import Attachment, Submission
from .envelope import describe
from .lifecycle import mark_delivered, now
from .models import ApiClient, Destination

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
#: A cursor is the position after the last item seen: microseconds since 1970 "." the id's hex.
#: Every string of this shape is a valid position, so no cursor can be "corrupt".
CURSOR_PATTERN = r"^[0-9]{1,17}\.[0-9a-f]{32}$"


class Unknown(LookupError):
    """Not there, or not this client's: the API answers both with 404."""


@dataclass(frozen=True)
class Page:
    items: list[Submission]
    next_cursor: str | None


def encode_cursor(submission: Submission) -> str:
    moment = submission.submitted_at
    moment = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    micros = (moment - EPOCH) // timedelta(microseconds=1)
    return f"{micros}.{uuid.UUID(submission.id).hex}"


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    if not re.fullmatch(CURSOR_PATTERN, cursor):
        raise ValueError("not a cursor from this API")
    micros, hex_id = cursor.split(".")
    return EPOCH + timedelta(microseconds=int(micros)), str(uuid.UUID(hex_id))


def list_submissions(client: ApiClient, statuses: list[str], limit: int,
                     cursor: str | None) -> Page:
    """The destination's submissions, oldest first, `limit` at a time (keyset pagination)."""
    query = select(Submission).where(Submission.destination == client.destination.name)
    if statuses:
        query = query.where(Submission.status.in_(statuses))
    if cursor:
        after, after_id = decode_cursor(cursor)
        query = query.where(or_(
            Submission.submitted_at > after,
            and_(Submission.submitted_at == after, Submission.id > after_id),
        ))
    rows = list(db.session.execute(
        query.order_by(Submission.submitted_at, Submission.id).limit(limit + 1)
    ).scalars())
    more = len(rows) > limit
    rows = rows[:limit]
    return Page(rows, encode_cursor(rows[-1]) if more else None)


def _is_uuid(text: str) -> bool:
    # Checked before any query: odd bytes in a path (a NUL) must not reach the database.
    try:
        return str(uuid.UUID(text)) == text
    except ValueError:
        return False


def find_submission(client: ApiClient, submission_id: str) -> Submission:
    submission = db.session.get(Submission, submission_id) if _is_uuid(submission_id) else None
    if submission is None or submission.destination != client.destination.name:
        raise Unknown(submission_id)
    return submission


def find_attachment(submission: Submission, attachment_id: str) -> Attachment:
    attachment = db.session.get(Attachment, attachment_id) if _is_uuid(attachment_id) else None
    if attachment is None or attachment.submission_id != submission.id:
        raise Unknown(attachment_id)
    return attachment


def public_key_of(client: ApiClient) -> dict | None:
    destination: Destination = client.destination
    return destination.public_jwk


def fetch(client: ApiClient, submission: Submission) -> dict:
    """The submission as the client sees it; its first fetch counts as delivery by pull."""
    document = describe(submission, public_key_of(client))
    if submission.status == "new":
        mark_delivered(submission, {"via": "pull", "client": client.prefix}, now())
        db.session.commit()
        document["status"] = submission.status
    return document
