"""Several notifications about one payment at the same moment, in a real threaded server:
one submission, one payment record."""

from __future__ import annotations

import threading
import urllib.parse
import urllib.request
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.serving import make_server

from portal.extensions import db
from portal.models import Submission
from portal.payments.models import Payment
from portal.payments.test_provider import callback_fields
from portal.publishing import compiled, current_version
from tests.walk import Walker

pytestmark = pytest.mark.both_databases


@pytest.fixture
def server(app: Flask) -> Iterator[str]:
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(timeout=10)


def test_simultaneous_callbacks_make_one_submission(app, client, server):
    Walker(client, compiled(current_version("bauantrag"))).walk()
    provider_page = client.post("/forms/bauantrag/submit").headers["Location"]
    client.post(provider_page, data={"outcome": "pay"})
    attempt = db.session.execute(select(Payment)).scalar_one()
    body = urllib.parse.urlencode(callback_fields(attempt.provider_payment_id)).encode()
    url = f"{server}/payments/{attempt.id}/callback"
    db.session.rollback()  # the server's threads write; this test only reads afterwards
    start = threading.Barrier(6)
    answers: list[int] = []

    def notify() -> None:
        start.wait()
        request = urllib.request.Request(url, data=body)
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                answers.append(response.status)
        except urllib.error.HTTPError as error:
            answers.append(error.code)

    threads = [threading.Thread(target=notify) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    db.session.rollback()
    # A provider retries what was not answered 2xx; every answer here is 200 or "retry later".
    assert set(answers) <= {200, 503} and 200 in answers, answers
    [submission] = db.session.execute(select(Submission)).scalars().all()
    [payment] = db.session.execute(select(Payment)).scalars().all()
    assert payment.status == "paid" and payment.submission_id == submission.id
