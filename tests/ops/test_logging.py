"""Logs are JSON lines and never carry personal data, codes, cookies or tokens."""

from __future__ import annotations

import json
import logging
from datetime import timedelta
from types import SimpleNamespace

import pytest
from flask import Flask

from portal.logging import GunicornLogger, configure_logging, scrub

ANSWER = "Olena-Geheimname-Kovalenko"
RESUME_CODE = "ABCD-EFGH-JKMN"
QUERY_SECRET = "QUERYSECRET77"
COOKIE_SECRET = "COOKIESECRET88"
TOKEN_SECRET = "TOKENSECRET99"
SECRETS = (ANSWER, RESUME_CODE, "ABCDEFGHJKMN", QUERY_SECRET, COOKIE_SECRET, TOKEN_SECRET)


@pytest.fixture
def json_log(capsys: pytest.CaptureFixture[str]):
    """The process's log as production has it: only the JSON handler writes to stderr.

    The migrations' Alembic fileConfig (run by the test app fixture) adds a plain
    console handler and disables existing loggers; production web workers never
    run migrations, so it is set aside here.
    """
    root = logging.getLogger()
    foreign = [h for h in root.handlers if type(h) is logging.StreamHandler]
    for handler in foreign:
        root.removeHandler(handler)
    level = root.level
    configure_logging("INFO")
    logging.getLogger("portal").disabled = False
    capsys.readouterr()

    def lines() -> list[dict]:
        err = capsys.readouterr().err
        return [json.loads(line) for line in err.splitlines() if line.strip()]

    yield lines
    for handler in foreign:
        root.addHandler(handler)
    root.setLevel(level)


def _assert_clean(entries: list[dict]) -> None:
    text = json.dumps(entries, ensure_ascii=False)
    for secret in SECRETS:
        assert secret not in text, secret


@pytest.mark.own_app  # it adds a route
@pytest.mark.both_databases
def test_requests_with_personal_data_leave_no_trace_in_the_log(app: Flask, client,
                                                               json_log) -> None:
    @app.get("/explode-for-test")
    def explode() -> str:
        raise ValueError(f"the answer was {ANSWER}, code {RESUME_CODE}")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    headers = {"Authorization": f"Bearer {TOKEN_SECRET}", "Cookie": f"session={COOKIE_SECRET}"}
    client.post("/forms/onlinewache/start")
    client.post("/forms/onlinewache/steps/anliegen",
                data={"art": "anzeige", "bezug_aktenzeichen": ANSWER})
    client.post("/forms/onlinewache/resume", data={"resume_code": RESUME_CODE})
    client.get(f"/forms/onlinewache/?code={QUERY_SECRET}", headers=headers)
    client.get(f"/language/en?next=/forms/?code={QUERY_SECRET}", headers=headers)
    assert client.get("/explode-for-test", headers=headers).status_code == 500
    # Code of ours or a library's that logs carelessly is scrubbed as well.
    app.logger.warning("upstream: GET /x?code=%s Authorization: Bearer %s Cookie: session=%s",
                       QUERY_SECRET, TOKEN_SECRET, COOKIE_SECRET)
    logging.getLogger("some.library").error("resume code %s", RESUME_CODE)

    entries = json_log()
    _assert_clean(entries)
    crash = next(e for e in entries if "exception" in e)
    assert crash["level"] == "error" and crash["path"] == "/explode-for-test"
    assert crash["exception"]["type"] == "builtins.ValueError"
    assert "message" not in crash["exception"]  # its text could hold anything
    assert crash["request_id"]
    assert any("upstream" in e["message"] for e in entries)


def test_database_errors_keep_their_connection_message(offline_app: Flask, json_log) -> None:
    offline_app.test_client().get("/forms/onlinewache/")
    entry = next(e for e in json_log() if "exception" in e)
    assert entry["exception"]["type"] == "sqlalchemy.exc.OperationalError"
    assert "Connection refused" in entry["exception"]["message"]


def test_request_id_is_passed_through_or_made(client) -> None:
    given = client.get("/health/live", headers={"X-Request-ID": "lb-1234abcd"})
    assert given.headers["X-Request-ID"] == "lb-1234abcd"
    made = client.get("/health/live", headers={"X-Request-ID": "<script>"})
    assert made.headers["X-Request-ID"] != "<script>" and len(made.headers["X-Request-ID"]) == 32


def test_gunicorn_access_line_is_json_without_query_or_headers(capsys) -> None:
    from gunicorn.config import Config

    config = Config()
    config.set("accesslog", "-")
    logger = GunicornLogger(config)
    response = SimpleNamespace(status="303 SEE OTHER", sent=120,
                               headers=[("X-Request-ID", "abc123def456"),
                                        ("Set-Cookie", f"session={COOKIE_SECRET}")])
    request = SimpleNamespace(headers=[("Cookie", f"session={COOKIE_SECRET}"),
                                       ("Authorization", f"Bearer {TOKEN_SECRET}")])
    environ = {"REQUEST_METHOD": "POST", "PATH_INFO": "/forms/onlinewache/resume",
               "QUERY_STRING": f"code={QUERY_SECRET}",
               "RAW_URI": f"/forms/onlinewache/resume?code={QUERY_SECRET}",
               "REMOTE_ADDR": "203.0.113.9", "HTTP_USER_AGENT": "Mozilla/5.0",
               "SERVER_PROTOCOL": "HTTP/1.1"}
    capsys.readouterr()
    logger.access(response, request, environ, timedelta(milliseconds=12.5))
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["logger"] == "gunicorn.access"
    assert line["path"] == "/forms/onlinewache/resume" and line["status"] == 303
    assert line["duration_ms"] == 12.5 and line["request_id"] == "abc123def456"
    text = json.dumps(line)
    for leak in (QUERY_SECRET, COOKIE_SECRET, TOKEN_SECRET, "203.0.113.9", "Mozilla"):
        assert leak not in text


def test_an_application_that_raised_before_answering_still_gets_its_access_line(capsys) -> None:
    # gunicorn logs the access line (in a finally) before the error the application raised:
    # a response without status or headers must not replace that error with one of its own.
    from gunicorn.config import Config

    config = Config()
    config.set("accesslog", "-")
    logger = GunicornLogger(config)
    unanswered = SimpleNamespace(status=None, sent=0, headers=[])
    capsys.readouterr()
    logger.access(unanswered, SimpleNamespace(headers=[]),
                  {"REQUEST_METHOD": "GET", "PATH_INFO": "/forms/onlinewache/"},
                  timedelta(milliseconds=3))
    line = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert line["logger"] == "gunicorn.access" and line["path"] == "/forms/onlinewache/"
    assert line["status"] is None and line["request_id"] is None


@pytest.mark.parametrize("raw, kept, gone", [
    ("GET /forms/x/?code=AB12&next=/y HTTP/1.1", "GET /forms/x/?", "AB12"),
    ("Authorization: Bearer abc.def", "Authorization", "abc.def"),
    ("headers={'Cookie': 'session=eyJk'}", "Cookie", "eyJk"),
    ("code 7K3M-9QXD-ABCD entered", "entered", "7K3M-9QXD-ABCD"),
    ("token=s3cr3t; path=/", "token=", "s3cr3t"),
])
def test_scrub(raw: str, kept: str, gone: str) -> None:
    cleaned = scrub(raw)
    assert kept in cleaned and gone not in cleaned
