"""The delivery worker against a receiver in the test process: signing, outcomes, back-off."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from jsonschema import Draft202012Validator
from sqlalchemy import select

from portal.extensions import db
from portal.handover import signing, worker
from portal.handover.envelope import envelope_schema
from portal.handover.lifecycle import events_of, now
from portal.handover.models import Delivery
from portal.models import Submission
from tests.handover.helpers import destination, submit
from tests.handover.sink import sink


@pytest.fixture
def receiver(app):
    with sink() as s:
        s.secret = signing.generate_secret()
        destination("polizei", push_url=s.url, signing_secret=s.secret)
        yield s


def _settings(**overrides) -> worker.Settings:
    settings = worker.Settings.from_config({"HANDOVER_RETRY_BASE_SECONDS": 30,
                                            "HANDOVER_TIMEOUT_SECONDS": 2})
    for name, value in overrides.items():
        setattr(settings, name, value)
    return settings


def _delivery() -> Delivery:
    db.session.expire_all()
    return db.session.execute(select(Delivery)).scalar_one()


def test_a_push_is_signed_and_carries_the_envelope(app, receiver):
    submission = submit(app)
    assert worker.process_next(_settings()) == "delivered"
    [push] = receiver.received
    delivery = _delivery()
    assert push.headers["webhook-id"] == delivery.webhook_id
    assert push.headers["content-type"] == "application/json"
    signing.verify(receiver.secret, push.headers, push.body)
    payload = json.loads(push.body)
    assert payload["type"] == "submission.created" and payload["data"]["id"] == submission.id
    Draft202012Validator(envelope_schema()).validate(payload["data"]["envelope"])
    assert delivery.status == "delivered" and delivery.attempts == 1 and delivery.last_status == 204
    db.session.expire_all()
    assert db.session.get(Submission, submission.id).status == "delivered"
    delivered = events_of(submission)[-1]
    assert delivered.type == "delivered"
    assert delivered.detail == {"via": "push", "webhook_id": delivery.webhook_id, "attempt": 1,
                                "status_code": 204}
    assert worker.process_next(_settings()) is None  # nothing more to do


@pytest.mark.both_databases
def test_a_failed_push_is_retried_later_with_the_same_webhook_id(app, receiver):
    submit(app)
    receiver.answer = lambda r: (500, {}, 0)
    assert worker.process_next(_settings()) == "failed"
    delivery = _delivery()
    assert delivery.status == "pending" and delivery.attempts == 1 and delivery.last_status == 500
    wait = delivery.next_attempt_at.replace(tzinfo=now().tzinfo) - now()
    assert timedelta(seconds=10) < wait <= timedelta(seconds=30)
    assert worker.process_next(_settings()) is None  # not due yet
    delivery.next_attempt_at = now()
    db.session.commit()
    receiver.answer = lambda r: (200, {}, 0)
    assert worker.process_next(_settings()) == "delivered"
    first, second = receiver.received
    assert first.headers["webhook-id"] == second.headers["webhook-id"] == delivery.webhook_id
    failed = [e for e in events_of(delivery.submission) if e.type == "delivery_failed"]
    assert failed[0].detail["status_code"] == 500 and failed[0].detail["attempt"] == 1


def test_a_redirect_is_not_followed_and_counts_as_failed(app, receiver):
    submit(app)
    receiver.answer = lambda r: (302, {"Location": receiver.url + "/elsewhere"}, 0)
    assert worker.process_next(_settings()) == "failed"
    assert [r.path for r in receiver.received] == ["/hook"]
    assert _delivery().last_status == 302


def test_a_receiver_that_does_not_answer_in_time_fails_the_attempt(app, receiver):
    submit(app)
    receiver.answer = lambda r: (204, {}, 2.0)
    assert worker.process_next(_settings(timeout=0.3)) == "failed"
    delivery = _delivery()
    assert delivery.last_status is None and "timed out" in delivery.last_error


@pytest.mark.both_databases
def test_after_the_give_up_time_the_delivery_is_dead_lettered(app, receiver):
    submission = submit(app)
    receiver.answer = lambda r: (503, {}, 0)
    settings = _settings()
    settings.policy = worker.RetryPolicy(base_seconds=30, give_up_seconds=0)
    assert worker.process_next(settings) == "dead"
    assert _delivery().status == "dead"
    dead = events_of(submission)[-1]
    assert dead.type == "dead_lettered" and dead.detail["status_code"] == 503
    assert worker.process_next(settings) is None


def test_a_destination_without_push_is_parked_for_pull(app):
    destination("polizei")
    submit(app)
    assert worker.process_next(_settings()) == "pull"
    assert _delivery().status == "pull"


def test_a_submission_without_a_configured_destination_waits_for_pull(app):
    submission = submit(app)  # "polizei" is not configured at all
    assert worker.process_next(_settings()) == "pull"
    assert db.session.get(Submission, submission.id).status == "new"


def test_an_already_answered_submission_is_not_pushed(app, receiver):
    submission = submit(app)
    submission.status = "acknowledged"
    db.session.commit()
    assert worker.process_next(_settings()) == "skipped"
    assert receiver.received == []


@pytest.mark.both_databases
def test_threads_deliver_every_submission_exactly_once(app, receiver):
    ids = {submit(app).id for _ in range(6)}
    app.config.update(HANDOVER_TIMEOUT_SECONDS=5)
    tally = worker.run(app, concurrency=3, once=True)
    # The first thread also sent the six confirmation e-mails (portal.mailbox.mail).
    assert tally == {"delivered": 6, "mail_sent": 6}
    pushed = [json.loads(r.body)["data"]["id"] for r in receiver.received]
    assert sorted(pushed) == sorted(ids)
    assert len({r.headers["webhook-id"] for r in receiver.received}) == 6
