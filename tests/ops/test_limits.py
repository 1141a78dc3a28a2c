"""Rate limits on starting, submitting, resuming and the API; counters in Redis when configured."""

from __future__ import annotations

from pathlib import Path

import pytest
import redis
from flask import Flask

from portal.extensions import db
from tests.conftest import make_app


@pytest.fixture
def limited_app(database_url: str, tmp_path: Path, redis_url: str, key_prefix: str):
    app = make_app(database_url, tmp_path / "instance", RATELIMIT_STORAGE_URI=redis_url,
                   RATELIMIT_KEY_PREFIX=key_prefix, RATELIMIT_RESUME="3/minute",
                   RATELIMIT_START="4/minute", RATELIMIT_SUBMIT="2/minute",
                   RATELIMIT_RECEIPT_CODE="3/minute", RATELIMIT_STATUS_CODE="3/minute",
                   RATELIMIT_API="5/minute", RATELIMIT_RESUME_MAIL="2/minute")
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()
    client = redis.Redis.from_url(redis_url)
    for key in client.scan_iter(f"*{key_prefix}*"):
        client.delete(key)


def _resume(client, code: str = "2345-6789-ABCD", **headers: str):
    return client.post("/forms/onlinewache/resume", data={"resume_code": code}, headers=headers)


def test_guessing_resume_codes_is_stopped_with_a_friendly_page(limited_app: Flask, redis_url: str,
                                                              key_prefix: str) -> None:
    client = limited_app.test_client()
    for _ in range(3):
        assert _resume(client).status_code == 422
    blocked = _resume(client, **{"Accept-Language": "en"})
    assert blocked.status_code == 429
    body = blocked.get_data(as_text=True)
    assert "Too many requests" in body and "Traceback" not in body
    assert int(blocked.headers["Retry-After"]) > 0
    # The counters live in Redis, shared by every web node.
    assert any(redis.Redis.from_url(redis_url).scan_iter(f"*{key_prefix}*"))


def test_a_found_resume_code_does_not_count(limited_app: Flask) -> None:
    client = limited_app.test_client()
    client.post("/forms/onlinewache/start")
    saved = client.post("/forms/onlinewache/steps/anliegen", data={"action": "save"})
    assert saved.status_code == 303
    code = client.get("/forms/onlinewache/saved").get_data(as_text=True)
    import re

    found = re.search(r"[2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4}", code).group(0)
    for _ in range(5):  # more than the limit of misses
        assert _resume(limited_app.test_client(), found).status_code == 303


def test_guessing_receipt_codes_is_stopped(limited_app: Flask) -> None:
    client = limited_app.test_client()
    guess = {"reference": "OW-2345-6789", "receipt_code": "WRONG-CODE"}
    assert [client.post("/receipt", data=guess).status_code for _ in range(3)] == [404] * 3
    assert client.post("/receipt", data=guess).status_code == 429
    assert client.get("/receipt").status_code == 200  # the form itself stays open


def test_guessing_status_page_access_codes_is_stopped(limited_app: Flask) -> None:
    client = limited_app.test_client()
    guess = {"reference": "OW-2345-6789", "access_code": "2222-2222-2222"}
    assert [client.post("/status/", data=guess).status_code for _ in range(3)] == [404] * 3
    assert client.post("/status/", data=guess).status_code == 429
    assert client.get("/status/").status_code == 200  # the form itself stays open


def test_starting_and_submitting_are_limited(limited_app: Flask) -> None:
    client = limited_app.test_client()
    starts = [client.post("/forms/onlinewache/start").status_code for _ in range(5)]
    assert starts == [303] * 4 + [429]
    other = limited_app.test_client()
    statuses = [other.post("/forms/onlinewache/submit").status_code for _ in range(3)]
    assert statuses[-1] == 429 and 429 not in statuses[:2]


def test_mailing_the_resume_link_is_limited_every_request_counting(limited_app: Flask) -> None:
    client = limited_app.test_client()  # each request may send a mail: all of them count
    mail = {"resume_code": "2345-6789-ABCD", "email": "a@example.org"}
    statuses = [client.post("/forms/onlinewache/saved/email", data=mail).status_code
                for _ in range(3)]
    assert statuses[-1] == 429 and 429 not in statuses[:2]
    # The e-mailed link (a GET that only fills in the code) is never limited.
    assert all(client.get("/forms/onlinewache/resume?code=2345-6789-ABCD").status_code == 200
               for _ in range(5))


def test_pages_and_steps_are_never_limited(limited_app: Flask) -> None:
    client = limited_app.test_client()
    assert all(client.get("/forms/onlinewache/").status_code == 200 for _ in range(20))


def test_api_is_limited_per_client_with_problem_json(limited_app: Flask) -> None:
    client = limited_app.test_client()
    one = {"Authorization": "Bearer first-client"}
    statuses = [client.get("/api/v1/submissions", headers=one).status_code for _ in range(6)]
    assert 429 not in statuses[:5] and statuses[5] == 429
    blocked = client.get("/api/v1/submissions", headers=one)
    assert blocked.mimetype == "application/problem+json"
    assert blocked.get_json()["status"] == 429
    # Another client (another token) has its own budget.
    other = client.get("/api/v1/submissions", headers={"Authorization": "Bearer second-client"})
    assert other.status_code != 429


def test_clients_behind_a_trusted_proxy_are_told_apart(database_url: str, tmp_path: Path) -> None:
    app = make_app(database_url, tmp_path / "instance", RATELIMIT_RESUME="1/minute", PROXY_HOPS=1)
    client = app.test_client()
    for address in ("198.51.100.1", "198.51.100.2"):
        assert _resume(client, **{"X-Forwarded-For": address}).status_code == 422
    assert _resume(client, **{"X-Forwarded-For": "spoofed, 198.51.100.1"}).status_code == 429


def test_without_redis_the_limits_count_in_memory(database_url: str, tmp_path: Path) -> None:
    app = make_app(database_url, tmp_path / "instance", RATELIMIT_RESUME="1/minute")
    assert app.config["RATELIMIT_STORAGE_URI"].startswith(("memory://", "redis://"))
    client = app.test_client()
    assert _resume(client).status_code == 422
    assert _resume(client).status_code == 429


def test_redis_going_away_never_stops_citizens(database_url: str, tmp_path: Path) -> None:
    app = make_app(database_url, tmp_path / "instance",
                   RATELIMIT_STORAGE_URI="redis://127.0.0.1:1/0", RATELIMIT_RESUME="100/minute")
    client = app.test_client()
    assert _resume(client).status_code == 422
    assert client.post("/forms/onlinewache/start").status_code == 303


def test_retry_after_only_on_a_refusal_not_on_every_api_response(limited_app: Flask) -> None:
    client = limited_app.test_client()
    one = {"Authorization": "Bearer first-client"}
    answered = [client.get("/api/v1/submissions", headers=one) for _ in range(5)]
    # The budget is still shown, but nothing tells a client to wait while it is not refused.
    assert all("X-RateLimit-Limit" in r.headers for r in answered)
    assert all("Retry-After" not in r.headers for r in answered), [r.status_code for r in answered]
    assert "Retry-After" not in client.get("/api/v1/openapi.json").headers
    refused = client.get("/api/v1/submissions", headers=one)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
