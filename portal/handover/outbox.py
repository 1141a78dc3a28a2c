"""The delivery outbox: written with the submission, claimed by workers, retried with back-off.

Claiming is the only place where two workers could meet. On PostgreSQL a worker
locks due rows with FOR UPDATE SKIP LOCKED, so others pass them by; on SQLite,
which has one writer at a time, the UPDATE … WHERE claimed_until < now that
claims them is atomic, and a row another worker took first is left out.
Either way the claim is a lease: a worker that dies loses its rows when the
lease runs out, and a worker whose lease ran out cannot record a result over
the next one's (every write checks the claim token).
"""

from __future__ import annotations

import random
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, or_, select, update

from ..extensions import db
from ..models import Submission
from .envelope import SETTLED
from .lifecycle import now, record_event
from .models import Delivery


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential back-off with jitter, and when to give up."""

    base_seconds: float = 30.0
    max_seconds: float = 3600.0
    give_up_seconds: float = 72 * 3600.0

    @classmethod
    def from_config(cls, config: dict) -> RetryPolicy:
        return cls(
            base_seconds=float(config.get("HANDOVER_RETRY_BASE_SECONDS", cls.base_seconds)),
            max_seconds=float(config.get("HANDOVER_RETRY_MAX_SECONDS", cls.max_seconds)),
            give_up_seconds=float(config.get("HANDOVER_GIVE_UP_SECONDS", cls.give_up_seconds)),
        )

    def delay(self, attempt: int, rng: random.Random | None = None) -> float:
        """Seconds before attempt `attempt + 1`: doubling, capped, then jittered into [½, 1].

        The jitter spreads the retries of many deliveries that failed together
        (the receiver was down) so they do not all return in the same second.
        """
        ceiling = min(self.max_seconds, self.base_seconds * 2 ** max(attempt - 1, 0))
        return ceiling * (0.5 + 0.5 * (rng or random).random())  # noqa: S311 - not for secrets


def enqueue(submission: Submission) -> Delivery:
    """Add the submission's delivery and its 'created' event to the session, uncommitted.

    Called by submit() before its commit: the submission, its outbox row and
    its first event exist together or not at all.
    """
    delivery = Delivery(
        webhook_id="msg_" + uuid.uuid4().hex,
        submission=submission,
        destination=submission.destination,
        status="pending",
        attempts=0,
        queued_at=submission.submitted_at,
        next_attempt_at=submission.submitted_at,
    )
    db.session.add(delivery)
    record_event(submission, "created", {"webhook_id": delivery.webhook_id},
                 submission.submitted_at)
    return delivery


def _due(moment: datetime):
    return and_(
        Delivery.status == "pending",
        Delivery.next_attempt_at <= moment,
        or_(Delivery.claimed_until.is_(None), Delivery.claimed_until < moment),
    )


def claim(limit: int, lease_seconds: float) -> list[tuple[int, str]]:
    """Claim up to `limit` due deliveries for this worker; returns (id, claim token) pairs."""
    return claim_rows(Delivery, _due, limit, lease_seconds)


def claim_rows(model: Any, due: Callable[[datetime], Any], limit: int, lease_seconds: float,
               clock: Callable[[], datetime] = now) -> list[tuple[int, str]]:
    """Claim up to `limit` rows of a queue table (deliveries, e-mails) that `due(moment)`
    selects, with a lease; returns (id, claim token) pairs.

    The table has `id`, `next_attempt_at`, `claimed_until` and `claim_token`. Picks
    candidates, then claims them with an UPDATE whose WHERE re-checks that each is
    still due, and commits, so the claim is visible to every other worker before any
    work starts. (A single UPDATE … WHERE id IN (SELECT … LIMIT n FOR UPDATE SKIP
    LOCKED) is not enough on PostgreSQL: the planner may run the subquery once per row
    and so claim every due row.)
    """
    for _ in range(3):
        moment = clock()
        candidates_query = (select(model.id).where(due(moment))
                            .order_by(model.next_attempt_at, model.id).limit(limit))
        if db.session.get_bind().dialect.name == "postgresql":
            # Rows another worker is claiming right now are passed by, not waited for.
            candidates_query = candidates_query.with_for_update(skip_locked=True)
        candidates = list(db.session.execute(candidates_query).scalars())
        if not candidates:
            db.session.commit()
            return []
        token = secrets.token_hex(16)
        claimed = db.session.execute(
            update(model)
            .where(model.id.in_(candidates), due(moment))
            .values(claimed_until=moment + timedelta(seconds=lease_seconds), claim_token=token)
            .returning(model.id)
            .execution_options(synchronize_session=False)
        ).scalars().all()
        db.session.commit()
        if claimed:
            return [(row_id, token) for row_id in claimed]
        # On SQLite another worker claimed our candidates between the two statements: look again.
    return []


def settle(delivery_id: int, token: str, **values: object) -> bool:
    """Write a claimed delivery's outcome and release the claim, if the claim is still ours.

    Returns False when the lease ran out and another worker took the row; the
    caller then rolls back, so its events are not written either.
    """
    result = db.session.execute(
        update(Delivery)
        .where(Delivery.id == delivery_id, Delivery.claim_token == token)
        .values(claimed_until=None, claim_token=None, **values)
        .execution_options(synchronize_session=False)
    )
    return result.rowcount == 1


def requeue(destination: str | None = None, submission_id: str | None = None) -> int:
    """Put dead-lettered deliveries, and those parked for pull, back in the queue.

    The give-up clock starts again. Submissions the procedure already answered
    are left alone: pushing them again would only confuse it.
    """
    query = (
        select(Delivery)
        .join(Submission, Submission.id == Delivery.submission_id)
        .where(Delivery.status.in_(("dead", "pull")), Submission.status.not_in(SETTLED))
    )
    if destination:
        query = query.where(Delivery.destination == destination)
    if submission_id:
        query = query.where(Delivery.submission_id == submission_id)
    moment = now()
    count = 0
    for delivery in db.session.execute(query).scalars():
        record_event(delivery.submission, "requeued",
                     {"webhook_id": delivery.webhook_id, "was": delivery.status}, moment)
        delivery.status = "pending"
        delivery.queued_at = moment
        delivery.next_attempt_at = moment
        delivery.claimed_until = None
        delivery.claim_token = None
        count += 1
    db.session.commit()
    return count
