"""`amtsweg worker`: push deliveries from the outbox to the destinations, signed, until a 2xx.

Each thread claims one delivery at a time, posts it with a timeout and writes
the outcome. No database transaction stays open while the receiver is being
waited for. Redirects are not followed: a push goes to the configured URL or
counts as failed.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from .. import outbound
from ..extensions import db
from ..mailbox.mail import send_due as send_mails
from ..mailbox.models import Message
from ..mailbox.thread import describe_message, files_of
from ..models import Submission
from ..receipt.service import ensure_receipt, missing_receipts
from .envelope import SETTLED, describe, rfc3339, summary
from .lifecycle import mark_delivered, now, record_event
from .models import Delivery, Destination
from .outbox import RetryPolicy, claim, settle
from .signing import sign

log = logging.getLogger("amtsweg.handover")
EVENT_TYPE = "submission.created"
USER_AGENT = "Amtsweg-Webhooks/1"


@dataclass(frozen=True)
class Outcome:
    status: int | None
    error: str | None

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def post(url: str, body: bytes, headers: dict[str, str], timeout: float) -> Outcome:
    """One HTTP POST (portal.outbound: no redirects, a 3xx is a failed attempt); any status
    is an outcome, any network error too. Never raises."""
    try:
        answer = outbound.send("POST", url, agent=USER_AGENT, timeout=timeout, data=body,
                               headers={"Content-Type": "application/json", **headers},
                               limit=4096)
    except outbound.Unreachable as failure:
        return Outcome(None, failure.reason)
    if answer.ok:
        return Outcome(answer.status, None)
    snippet = answer.body[:200].decode("utf-8", "replace").strip()
    return Outcome(answer.status, f"HTTP {answer.status}" + (f": {snippet}" if snippet else ""))


def message_body(submission: Submission, destination: Destination,
                 delivery: Delivery | None = None) -> bytes:
    """The webhook payload: Standard Webhooks' {type, timestamp, data}, data as the API shows it.

    A citizen's reply ("message.received", portal.mailbox) carries the submission's summary
    and the message as GET …/messages lists it.
    """
    if delivery is not None and delivery.event != EVENT_TYPE:
        message = db.session.get(Message, delivery.message_id)
        payload = {
            "type": delivery.event,
            "timestamp": rfc3339(message.created_at),
            "data": {"submission": summary(submission),
                     "message": describe_message(message, files_of([message])[message.id],
                                                 destination.public_jwk)},
        }
        return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    payload = {
        "type": EVENT_TYPE,
        "timestamp": rfc3339(submission.submitted_at),
        "data": describe(submission, destination.public_jwk),
    }
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _park(delivery_id: int, token: str, status: str) -> str:
    """Nothing to push: settled already, or the destination pulls."""
    if settle(delivery_id, token, status=status):
        db.session.commit()
    else:
        db.session.rollback()
    return status


def attempt(delivery_id: int, token: str, policy: RetryPolicy, timeout: float) -> str:
    """Make one delivery attempt for a claimed row; returns what became of it."""
    delivery = db.session.get(Delivery, delivery_id)
    submission = delivery.submission
    destination = db.session.execute(
        select(Destination).where(Destination.name == delivery.destination)
    ).scalar_one_or_none()
    announces_submission = delivery.event == EVENT_TYPE
    if (submission.status in SETTLED if announces_submission
            else submission.deleted_at is not None):
        return _park(delivery_id, token, "skipped")
    if destination is None or not destination.pushes:
        return _park(delivery_id, token, "pull")
    number, webhook_id, queued_at = delivery.attempts + 1, delivery.webhook_id, delivery.queued_at
    url, secret, submission_id = destination.push_url, destination.signing_secret, submission.id
    destination_name = destination.name
    try:
        body = message_body(submission, destination, delivery)
    except Exception as error:  # a bug or an unusable key: retry later, keep the worker alive
        log.exception("cannot build the message for delivery %s", webhook_id)
        body, outcome = None, Outcome(None, f"cannot build the message: {error}"[:500])
    db.session.rollback()  # end the read transaction: nothing is held while we wait for HTTP
    started = now()
    if body is not None:
        outcome = post(url, body, sign(secret, webhook_id, body, int(started.timestamp())), timeout)
    finished = now()
    submission = db.session.get(Submission, submission_id)
    detail: dict[str, Any] = {"webhook_id": webhook_id, "attempt": number}
    if outcome.status is not None:
        detail["status_code"] = outcome.status
    else:
        # The network's reason; a receiver's error body stays in delivery.last_error only.
        detail["error"] = outcome.error
    if outcome.ok:
        values: dict[str, Any] = {"status": "delivered", "delivered_at": finished,
                                  "last_error": None}
        result = "delivered"
    elif finished - _aware(queued_at) >= timedelta(seconds=policy.give_up_seconds):
        values = {"status": "dead", "last_error": outcome.error}
        result = "dead"
    else:
        retry_at = finished + timedelta(seconds=policy.delay(number))
        values = {"next_attempt_at": retry_at, "last_error": outcome.error}
        detail["next_attempt_at"] = rfc3339(retry_at)
        result = "failed"
    if not settle(delivery_id, token, attempts=number, last_status=outcome.status, **values):
        db.session.rollback()
        log.warning("delivery %s: lease ran out during the attempt; result dropped", webhook_id)
        return "lost"
    if result == "delivered":
        # A reply's push is recorded by its delivery row; the log has its "message_received".
        if announces_submission:
            mark_delivered(submission, {"via": "push", **detail}, started)
    else:
        record_event(submission, "dead_lettered" if result == "dead" else "delivery_failed",
                     detail, finished)
    db.session.commit()
    level = logging.INFO if result == "delivered" else logging.WARNING
    log.log(level, "delivery %s attempt %d to %s: %s (%s)", webhook_id, number,
            destination_name, result, outcome.status or outcome.error)
    return result


@dataclass
class Settings:
    policy: RetryPolicy
    timeout: float
    poll: float

    @property
    def lease(self) -> float:
        # Longer than any attempt can take, so a live worker never loses its row.
        return self.timeout * 2 + 30

    @classmethod
    def from_config(cls, config: dict) -> Settings:
        return cls(
            policy=RetryPolicy.from_config(config),
            timeout=float(config.get("HANDOVER_TIMEOUT_SECONDS", 15)),
            poll=float(config.get("HANDOVER_POLL_SECONDS", 2)),
        )


class ReceiptSweep:
    """Make the receipts that could not be made at the submit, with back-off per submission.

    One thread of each worker process sweeps, once per poll interval. A receipt
    that fails waits `base_seconds` before the next try, then twice as long each
    time up to `max_seconds`, so a missing font costs one attempt per submission
    now and then, not one per poll.
    """

    def __init__(self, poll: float, base_seconds: float = 30.0,
                 max_seconds: float = 3600.0) -> None:
        self.poll, self.base_seconds, self.max_seconds = poll, base_seconds, max_seconds
        self.next_run = 0.0
        self.failures: dict[str, int] = {}
        self.not_before: dict[str, float] = {}

    def __call__(self) -> Counter:
        """One round, at most once per poll interval: how many receipts were made, failed."""
        tally: Counter = Counter()
        moment = time.monotonic()
        if moment < self.next_run:
            return tally
        self.next_run = moment + self.poll
        for submission_id in missing_receipts():
            if self.not_before.get(submission_id, 0.0) > moment:
                continue
            submission = db.session.get(Submission, submission_id)
            if submission is not None and ensure_receipt(submission) is not None:
                self.failures.pop(submission_id, None)
                self.not_before.pop(submission_id, None)
                tally["receipt_made"] += 1
                log.info("receipt of submission %s made by the worker", submission_id)
            else:
                failures = self.failures[submission_id] = self.failures.get(submission_id, 0) + 1
                delay = min(self.max_seconds, self.base_seconds * 2 ** (failures - 1))
                self.not_before[submission_id] = moment + delay
                tally["receipt_failed"] += 1
        db.session.rollback()  # end the read transaction
        return tally


def process_next(settings: Settings) -> str | None:
    """Claim and attempt one due delivery; None when nothing is due."""
    claimed = claim(1, settings.lease)
    if not claimed:
        return None
    delivery_id, token = claimed[0]
    return attempt(delivery_id, token, settings.policy, settings.timeout)


def _loop(app: Flask, once: bool, stop: threading.Event, tally: Counter,
          lock: threading.Lock, sweeps: bool = False) -> None:
    with app.app_context():
        settings = Settings.from_config(current_app.config)
        # Receipts first: a push that follows carries the receipt it can describe.
        sweep = ReceiptSweep(settings.poll) if sweeps else None
        try:
            while not stop.is_set():
                try:
                    if sweep is not None:
                        made = sweep()
                        made.update(send_mails())  # the citizens' e-mails (portal.mailbox)
                        with lock:
                            tally.update(made)
                    result = process_next(settings)
                except OperationalError as error:  # database busy or away: wait and try again
                    db.session.rollback()
                    log.warning("database unavailable: %s", error.orig)
                    result = None
                    if once:
                        break
                if result is None:
                    if once:
                        break
                    stop.wait(settings.poll)
                    continue
                with lock:
                    tally[result] += 1
        finally:
            db.session.remove()


def run(app: Flask, concurrency: int = 1, once: bool = False,
        stop: threading.Event | None = None) -> Counter:
    """Run `concurrency` delivery threads until `stop` is set (with `once`: until nothing is due).

    Returns how many attempts ended how (delivered, failed, dead, pull, skipped, lost), and
    how many receipts the first thread's sweep made or failed to make (receipt_made,
    receipt_failed; see ReceiptSweep) and e-mails it sent (mail_sent, mail_failed, mail_dead).
    """
    stop = stop or threading.Event()
    tally: Counter = Counter()
    lock = threading.Lock()
    threads = [
        threading.Thread(target=_loop, args=(app, once, stop, tally, lock, i == 0),
                         name=f"delivery-{i}", daemon=True)
        for i in range(max(concurrency, 1))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        # Join in slices so the main thread stays responsive to signals.
        while thread.is_alive():
            thread.join(0.5)
    return tally
