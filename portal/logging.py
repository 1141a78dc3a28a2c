"""Structured logs: one JSON object per line, and never a citizen's personal data.

What a log line may hold: time, level, logger, a message written by a
developer, the request id, method and path (never the query string), and for
an error the exception's type and where it happened. What it never holds:
form answers, query strings (they may carry codes), cookies, tokens,
Authorization headers, resume codes. Messages of third-party libraries are
scrubbed for those, and an exception's own text is only kept for database
connection errors, whose messages carry no data once SQLAlchemy hides the
parameters (config.engine_options).
"""

from __future__ import annotations

import json
import logging
import os
import re
import sys
import traceback
import uuid
from datetime import UTC, datetime
from typing import Any

from flask import Flask, has_request_context, request
from flask.logging import default_handler
from gunicorn.glogging import Logger as _GunicornBaseLogger
from sqlalchemy import exc as sa_exc
from werkzeug.wrappers import Response

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID_KEY = "HTTP_" + REQUEST_ID_HEADER.upper().replace("-", "_")  # in a WSGI environ
_SAFE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
_CODE = "[2-9A-HJKMNP-TW-Z]{4}"  # the resume code's alphabet (portal.reference.ALPHABET)

#: Patterns that must never reach a log line, whatever a message says.
_SCRUBBERS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"(?i)\b((?:proxy-)?authorization)\b(\s*[:=]\s*)[^\n,;]*"), r"\1\2[redacted]"),
    (re.compile(r"(?i)\bbearer\s+[^\s,;\"']+"), "Bearer [redacted]"),
    (re.compile(r"(?i)\b((?:set-)?cookie)\b(\s*[:=]\s*)[^\n]*"), r"\1\2[redacted]"),
    (re.compile(r"(?i)\b(session|csrf_token|token|secret|password|resume_code|code)=[^\s&;,\"']+"),
     r"\1=[redacted]"),
    (re.compile(r"\?[^\s\"'<>]+"), "?[redacted]"),
    (re.compile(rf"(?i)\b{_CODE}-{_CODE}-{_CODE}\b"), "[code]"),
]

#: Exceptions whose message says something about the connection, never about the data.
_MESSAGE_IS_SAFE = (
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
    sa_exc.DisconnectionError,
    sa_exc.TimeoutError,
)


def scrub(text: str) -> str:
    """`text` without anything that looks like a secret, a code or a query string."""
    for pattern, replacement in _SCRUBBERS:
        text = pattern.sub(replacement, text)
    return text


def describe_exception(exc_info: Any) -> dict[str, Any]:
    """Type and stack of an exception; its message only where it cannot hold personal data."""
    kind, value, tb = exc_info
    described: dict[str, Any] = {
        "type": f"{kind.__module__}.{kind.__qualname__}",
        "stack": [f"{f.filename}:{f.lineno} in {f.name}" for f in traceback.extract_tb(tb)][-25:],
    }
    if isinstance(value, _MESSAGE_IS_SAFE):
        described["message"] = scrub(str(value).splitlines()[0] if str(value) else "")
    return described


class JsonFormatter(logging.Formatter):
    """Formats a record as one line of JSON; extra fields come from `extra={"fields": {...}}`."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": scrub(record.getMessage()),
            "pid": record.process,
        }
        if has_request_context():
            entry["request_id"] = request_id()
            entry["method"] = request.method
            entry["path"] = request.path
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update({k: scrub(v) if isinstance(v, str) else v for k, v in fields.items()})
        if record.exc_info and record.exc_info[0] is not None:
            entry["exception"] = describe_exception(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class _StderrHandler(logging.StreamHandler):
    """Writes to whatever sys.stderr is at the time, so a replaced stream is never stale."""

    def __init__(self) -> None:
        super().__init__()

    @property  # type: ignore[override]
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def request_id() -> str:
    """This request's id: the load balancer's (so both logs can be joined), else a new one.

    Made on first use, not in a before_request hook, so that errors raised before
    any hook ran (a URL value preprocessor, say) carry it too.
    """
    return request_id_of(request.environ)  # per request; `g` may outlive one (tests)


def request_id_of(environ: dict) -> str:
    """The id of the request `environ` describes (request_id() for a WSGI layer before Flask)."""
    if "amtsweg.request_id" not in environ:
        given = environ.get(_REQUEST_ID_KEY, "")
        safe = _SAFE_REQUEST_ID.fullmatch(given)
        environ["amtsweg.request_id"] = given if safe else uuid.uuid4().hex
    return environ["amtsweg.request_id"]


def configure_logging(level: str | None = None) -> None:
    """Send every log record of the process through one JSON handler (idempotent)."""
    root = logging.getLogger()
    if not any(getattr(h, "_amtsweg", False) for h in root.handlers):
        handler = _StderrHandler()
        handler.setFormatter(JsonFormatter())
        handler._amtsweg = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.setLevel((level or os.environ.get("AMTSWEG_LOG_LEVEL") or "INFO").upper())
    # Flask-Limiter names the client (its address) when a limit is hit; the 429 is enough.
    logging.getLogger("flask-limiter").setLevel(logging.WARNING)


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


class PlainFormatter(logging.Formatter):
    """The development server's lines as a person reads them: no JSON, no colour codes."""

    def format(self, record: logging.LogRecord) -> str:
        return scrub(_ANSI.sub("", record.getMessage()))


def development_server_log() -> None:
    """`amtsweg run`: the development server says plainly where it serves.

    Werkzeug's lines ("Running on http://127.0.0.1:5000", one per request) go to
    stderr as plain text, scrubbed like every log line (a query string's codes),
    instead of through the JSON handler meant for log collectors.
    """
    log = logging.getLogger("werkzeug")
    if any(getattr(h, "_amtsweg_plain", False) for h in log.handlers):
        return
    handler = _StderrHandler()
    handler.setFormatter(PlainFormatter())
    handler._amtsweg_plain = True  # type: ignore[attr-defined]
    log.addHandler(handler)
    log.setLevel(logging.INFO)
    log.propagate = False


def init_app(app: Flask) -> None:
    configure_logging(app.config.get("LOG_LEVEL"))
    # The root handler speaks JSON; Flask's plain-text handler would print everything twice.
    app.logger.removeHandler(default_handler)

    @app.after_request
    def expose_request_id(response: Response) -> Response:
        response.headers[REQUEST_ID_HEADER] = request_id()
        return response


class GunicornLogger(_GunicornBaseLogger):
    """Gunicorn's error and access log as JSON lines (gunicorn.conf.py: logger_class).

    The access line names method, path, status, size, duration and request id;
    it leaves out the query string, the client's address, the user agent, the
    referrer, cookies and every other header.
    """

    def setup(self, cfg: Any) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            for handler in log.handlers:
                handler.setFormatter(JsonFormatter())

    def access(self, resp: Any, req: Any, environ: dict, request_time: Any) -> None:
        if not self.access_log_enabled:
            return
        try:
            # No status when the application raised before it answered: gunicorn then logs
            # that error, which a failing access line must not replace.
            status = resp.status
            if isinstance(status, str):
                status = status.split(None, 1)[0]
            headers = resp.headers.items() if hasattr(resp.headers, "items") else resp.headers
            request_id = next((v for k, v in headers or ()
                               if k.lower() == REQUEST_ID_HEADER.lower()), None)
            fields = {
                "method": environ.get("REQUEST_METHOD"),
                "path": environ.get("PATH_INFO"),
                "status": int(status) if status is not None else None,
                "bytes": getattr(resp, "sent", None),
                "duration_ms": round(request_time.total_seconds() * 1000, 2),
                "request_id": request_id,
            }
            self.access_log.info("request", extra={"fields": fields})
        except Exception:  # noqa: BLE001 - a log line must never break a response
            self.error("could not write the access log line")
