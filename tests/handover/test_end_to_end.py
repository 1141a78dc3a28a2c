"""End to end over real HTTP on loopback: a citizen submits in the wizard, `amtsweg worker`
(a separate process) pushes to the reference receiver (another process), which verifies
the signature, fetches the files from the API, checks their SHA-256 and acknowledges.
The same by pull. And the fault test: the receiver fails, goes away and comes back.
"""

from __future__ import annotations

import hashlib
import json
import signal
import urllib.error
import urllib.request

import pytest
from joserfc.jwk import RSAKey
from sqlalchemy import select

from portal.extensions import db
from portal.handover import signing
from portal.handover.lifecycle import events_of
from portal.handover.models import Delivery
from portal.models import Attachment, Submission
from portal.receipt.service import receipt_for
from portal.uploads.service import storage
from tests.handover.helpers import destination, submit, token_for
from tests.handover.processes import (
    ReceiverProcess,
    run_worker_once,
    serve_portal,
    start_worker,
    wait_for,
    worker_env,
)


def _fresh(submission_id: str) -> Submission:
    db.session.expire_all()
    return db.session.get(Submission, submission_id)


def _event_types(submission: Submission) -> list[str]:
    db.session.expire_all()
    return [e.type for e in events_of(submission)]


def _assert_received_intact(submission: Submission, case: dict) -> None:
    """The receiver holds every file byte for byte as uploaded, and the citizen's receipt."""
    attachments = db.session.execute(
        select(Attachment).where(Attachment.submission_id == submission.id)).scalars().all()
    assert attachments, "the walk uploads a file"
    received = {f["attachment_id"]: f["sha256"] for f in case["files"]}
    receipt = receipt_for(submission)
    assert received.pop("receipt") == receipt.sha256 == hashlib.sha256(receipt.pdf).hexdigest()
    assert received == {a.id: a.sha256 for a in attachments}
    for a in attachments:
        with storage().open(a.storage_key) as original:
            assert hashlib.sha256(original.read()).hexdigest() == a.sha256


@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "jwe"])
def test_push_end_to_end(app, database_url, tmp_path, encrypted):
    key = RSAKey.generate_key(2048, parameters={"kid": "fachverfahren-1"})
    secret = signing.generate_secret()
    with serve_portal(app) as portal_url:
        receiver = ReceiverProcess(portal_url, "", secret, tmp_path / "receiver")
        if encrypted:
            receiver.private_jwk_file = tmp_path / "private.jwk.json"
            receiver.private_jwk_file.write_text(json.dumps(key.as_dict(private=True)))
        destination("polizei", push_url=receiver.push_url, signing_secret=secret,
                    public_jwk=key.as_dict(private=False) if encrypted else None)
        receiver.token = token_for("polizei", "Vorgangsbearbeitung Polizei")
        receiver.start()
        try:
            submission = submit(app)
            done = run_worker_once(worker_env(database_url, tmp_path / "worker-instance"))
            assert done.returncode == 0, done.stdout + done.stderr
            assert "1 delivered" in done.stdout

            wait_for(lambda: _fresh(submission.id).status == "acknowledged", 30,
                     "the receiver to acknowledge", receiver.process.output)
            report = receiver.status()
        finally:
            receiver.stop()

    submission = _fresh(submission.id)
    [case] = report["cases"]
    assert case["submission_id"] == submission.id and case["received_via"] == "push"
    assert submission.case_number == case["case_number"]
    _assert_received_intact(submission, case)
    delivery = db.session.execute(select(Delivery)).scalar_one()
    assert delivery.status == "delivered" and delivery.attempts == 1
    assert [m["webhook_id"] for m in report["messages"]] == [delivery.webhook_id]
    assert _event_types(submission) == ["created", "delivered", "acknowledged"]


def test_the_receiver_refuses_a_push_that_is_not_signed_with_its_secret(app, tmp_path):
    secret = signing.generate_secret()
    with serve_portal(app) as portal_url:
        receiver = ReceiverProcess(portal_url, "unused", secret, tmp_path / "receiver")
        receiver.start()
        try:
            body = b'{"type":"submission.created","data":{"id":"x"}}'
            forged = signing.sign(signing.generate_secret(), "msg_forged", body)
            request = urllib.request.Request(receiver.push_url, data=body, headers=forged,
                                             method="POST")
            with pytest.raises(urllib.error.HTTPError) as refused:
                urllib.request.urlopen(request, timeout=5)  # noqa: S310
            assert refused.value.code == 401
            assert receiver.status()["messages"] == []
        finally:
            receiver.stop()


def test_pull_end_to_end(app, database_url, tmp_path):
    destination("polizei")  # no push URL: the procedure pulls
    with serve_portal(app) as portal_url:
        receiver = ReceiverProcess(portal_url, token_for("polizei"), "whsec_unused",
                                   tmp_path / "receiver")
        first, second = submit(app), submit(app)
        # A worker that runs anyway parks pull-only deliveries; it pushes nothing.
        done = run_worker_once(worker_env(database_url, tmp_path / "worker-instance"))
        assert done.returncode == 0 and "2 pull" in done.stdout, done.stdout + done.stderr

        pulled = receiver.pull_once()
        assert pulled.returncode == 0, pulled.stderr
        again = receiver.pull_once()  # nothing open any more: a second round takes nothing
        assert again.returncode == 0 and "pulled 0 submissions" in again.stderr, again.stderr

    from examples.receiver.store import Store

    report = Store(tmp_path / "receiver").report()
    assert [c["submission_id"] for c in report["cases"]] == [first.id, second.id]
    for submission, case in zip((first, second), report["cases"], strict=True):
        submission = _fresh(submission.id)
        assert submission.status == "acknowledged"
        assert submission.case_number == case["case_number"] and case["received_via"] == "pull"
        _assert_received_intact(submission, case)
        assert _event_types(submission) == ["created", "delivered", "acknowledged"]
        assert events_of(submission)[1].detail["via"] == "pull"


def _failures(delivery: Delivery) -> list[dict]:
    return [e.detail for e in events_of(delivery.submission) if e.type == "delivery_failed"]


@pytest.mark.both_databases
def test_receiver_fails_goes_away_and_comes_back_every_submission_arrives_once(
        app, database_url, tmp_path):
    """500s for a while, then connection refused, then back: nothing lost, nothing twice.

    Two worker processes with two threads each share the outbox, so this also
    shows that claiming keeps them off each other's deliveries.
    """
    secret = signing.generate_secret()
    fault = tmp_path / "answer-500"
    fault.touch()
    env = worker_env(database_url, tmp_path / "worker-instance")
    with serve_portal(app) as portal_url:
        receiver = ReceiverProcess(portal_url, "", secret, tmp_path / "receiver")
        destination("polizei", push_url=receiver.push_url, signing_secret=secret)
        receiver.token = token_for("polizei")
        receiver.start(fault_file=fault)
        workers = [start_worker(env, tmp_path / f"worker-{i}.log", "--concurrency", "2")
                   for i in range(2)]

        def explain() -> str:
            return "\n".join(["receiver:", receiver.process.output()]
                             + [f"worker {i}:\n{w.output()}" for i, w in enumerate(workers)])

        def deliveries() -> list[Delivery]:
            db.session.expire_all()
            return db.session.execute(select(Delivery).order_by(Delivery.id)).scalars().all()

        try:
            submissions = [submit(app) for _ in range(4)]
            # 1. The receiver answers 500.
            wait_for(lambda: all(sum(1 for f in _failures(d) if f.get("status_code") == 500) >= 2
                                 for d in deliveries()), 30, "two 500s per delivery", explain)
            # 2. The receiver goes away (killed, no goodbye).
            receiver.stop(signal.SIGKILL)
            fault.unlink()
            wait_for(lambda: all(any("status_code" not in f for f in _failures(d))
                                 for d in deliveries()), 30, "connection failures", explain)
            # 3. It comes back, on the same port with the same storage.
            receiver.start()
            wait_for(lambda: all(_fresh(s.id).status == "acknowledged" for s in submissions), 60,
                     "every submission to be acknowledged", explain)
            report = receiver.status()
        finally:
            for w in workers:
                w.stop()
            receiver.stop()

    rows = deliveries()
    assert {d.status for d in rows} == {"delivered"}
    # Exactly once by webhook-id: every message reached the receiver's application once.
    assert sorted(m["webhook_id"] for m in report["messages"]) == sorted(d.webhook_id for d in rows)
    assert all(m["received_count"] == 1 for m in report["messages"]), report["messages"]
    assert sorted(c["submission_id"] for c in report["cases"]) == sorted(s.id for s in submissions)

    for delivery in rows:
        events = events_of(delivery.submission)
        story = [e.type for e in events]
        # created, failures (500s, then refused connections), delivered once, acknowledged
        assert story[0] == "created" and story[-2:] == ["delivered", "acknowledged"], story
        assert set(story[1:-2]) == {"delivery_failed"}
        failures = [e.detail for e in events if e.type == "delivery_failed"]
        codes = [f.get("status_code") for f in failures]
        first_refused = codes.index(None)
        assert codes[:first_refused] == [500] * first_refused and first_refused >= 2
        assert all(c is None for c in codes[first_refused:])
        attempts = [f["attempt"] for f in failures] + [events[-2].detail["attempt"]]
        assert attempts == list(range(1, len(attempts) + 1)), "one event per attempt, in order"
        assert delivery.attempts == len(attempts)
        assert {e.detail["webhook_id"] for e in events if "webhook_id" in e.detail} == {
            delivery.webhook_id}
