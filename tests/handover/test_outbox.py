"""The outbox: written with the submission, claimed without overlap, retried with back-off."""

from __future__ import annotations

import random
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select, update

from portal import submissions
from portal.extensions import db
from portal.handover import outbox
from portal.handover.lifecycle import events_of, now
from portal.handover.models import Delivery
from portal.models import Submission
from tests.handover.helpers import submit

pytestmark = pytest.mark.both_databases


def test_submit_writes_the_delivery_and_created_event_in_the_same_transaction(app):
    submission = submit(app)
    delivery = db.session.execute(select(Delivery)).scalar_one()
    assert delivery.submission_id == submission.id and delivery.status == "pending"
    assert delivery.destination == "polizei" and delivery.webhook_id.startswith("msg_")
    [created] = events_of(submission)
    assert created.type == "created" and created.detail == {"webhook_id": delivery.webhook_id}


def test_a_failed_submit_transaction_leaves_no_delivery_behind(app, monkeypatch):
    """The first commit fails (a clashing outbox row); submit() rolls back and tries again.

    Nothing of the failed attempt remains: one submission, one delivery, one event.
    """
    first = submit(app)
    clash = db.session.execute(select(Delivery.webhook_id)).scalar_one()
    calls = []

    def enqueue_clashing_once(submission):
        delivery = outbox.enqueue(submission)
        if not calls:
            delivery.webhook_id = clash
        calls.append(submission.id)
        return delivery

    monkeypatch.setattr(submissions, "enqueue_delivery", enqueue_clashing_once)
    second = submit(app)
    assert len(calls) == 2 and second.id == calls[1] != calls[0]
    assert db.session.scalar(select(func.count()).select_from(Submission)) == 2
    assert db.session.scalar(select(func.count()).select_from(Delivery)) == 2
    assert [e.type for e in events_of(second)] == ["created"]
    assert [e.type for e in events_of(first)] == ["created"]


def _claim_in_thread(app, results: list, limit: int, barrier: threading.Barrier) -> None:
    with app.app_context():
        barrier.wait()
        for _ in range(5):
            batch = outbox.claim(limit, lease_seconds=60)
            assert len(batch) <= limit
            results.extend(batch)
        db.session.remove()


def test_concurrent_workers_never_claim_the_same_delivery(app):
    for _ in range(6):
        submit(app)
    db.session.commit()
    results: list[list] = [[], [], []]
    barrier = threading.Barrier(3)
    threads = [threading.Thread(target=_claim_in_thread, args=(app, r, 1, barrier))
               for r in results]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    claimed = [delivery_id for r in results for delivery_id, _ in r]
    assert sorted(claimed) == sorted(db.session.execute(select(Delivery.id)).scalars())
    assert len(claimed) == len(set(claimed)) == 6


def test_a_claim_takes_no_more_than_its_limit_oldest_first(app):
    for _ in range(3):
        submit(app)
    ids = sorted(db.session.execute(select(Delivery.id)).scalars())
    first = outbox.claim(1, lease_seconds=60)
    second = outbox.claim(1, lease_seconds=60)
    rest = outbox.claim(5, lease_seconds=60)
    assert [i for i, _ in first + second + rest] == ids
    assert outbox.claim(5, lease_seconds=60) == []


def test_a_lapsed_lease_is_claimed_again_and_the_late_worker_cannot_settle(app):
    submit(app)
    [(delivery_id, first)] = outbox.claim(1, lease_seconds=60)
    assert outbox.claim(1, lease_seconds=60) == []  # leased
    db.session.execute(update(Delivery).values(claimed_until=now() - timedelta(seconds=1)))
    db.session.commit()
    [(same_id, second)] = outbox.claim(1, lease_seconds=60)
    assert same_id == delivery_id and second != first
    assert not outbox.settle(delivery_id, first, status="delivered")  # the first worker is late
    assert outbox.settle(delivery_id, second, status="delivered")
    db.session.commit()
    assert db.session.get(Delivery, delivery_id).status == "delivered"


def test_a_delivery_is_not_due_before_its_next_attempt(app):
    submit(app)
    db.session.execute(update(Delivery).values(next_attempt_at=now() + timedelta(minutes=5)))
    db.session.commit()
    assert outbox.claim(5, lease_seconds=60) == []


def test_back_off_doubles_is_capped_and_jittered():
    policy = outbox.RetryPolicy(base_seconds=10, max_seconds=300)
    rng = random.Random(7)
    for attempt, ceiling in [(1, 10), (2, 20), (3, 40), (5, 160), (6, 300), (30, 300)]:
        delays = [policy.delay(attempt, rng) for _ in range(200)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert max(delays) - min(delays) > ceiling / 4  # really spread out


def test_retry_requeues_dead_deliveries_and_restarts_the_clock(app, runner):
    submission = submit(app)
    delivery = db.session.execute(select(Delivery)).scalar_one()
    delivery.status, delivery.queued_at = "dead", now() - timedelta(days=4)
    db.session.commit()
    result = runner.invoke(args=["handover", "retry", "--submission", submission.reference])
    assert result.exit_code == 0 and "re-queued 1 deliveries" in result.output
    db.session.expire_all()
    delivery = db.session.get(Delivery, delivery.id)
    assert delivery.status == "pending" and now() - delivery.queued_at.replace(
        tzinfo=now().tzinfo) < timedelta(minutes=1)
    assert [e.type for e in events_of(submission)] == ["created", "requeued"]
    # An acknowledged submission is not pushed again.
    delivery.status, submission.status = "dead", "acknowledged"
    db.session.commit()
    assert "re-queued 0 deliveries" in runner.invoke(args=["handover", "retry"]).output
