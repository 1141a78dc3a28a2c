"""Small payment providers on 127.0.0.1, started by the tests: one in GOV.UK Pay's shape and
one municipal signed-redirect service. Each implements its side of the protocol on its own
(the canonical strings are written out here, not imported), so the tests prove that the
adapters speak what docs/payments.md ("Providers") documents.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests


def hex_hmac(key: str, message: bytes) -> str:
    return hmac.new(key.encode(), message, hashlib.sha256).hexdigest()


class _Server:
    """A threaded HTTP server whose requests go to `handle(method, path, headers, body)`."""

    def __init__(self) -> None:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def _serve(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                status, headers, answer = owner.handle(
                    self.command, self.path, {k.lower(): v for k, v in self.headers.items()},
                    body)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            do_GET = do_POST = _serve  # noqa: N815 - the http.server interface

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, args=(0.05,),
                                       daemon=True)

    def handle(self, method: str, path: str, headers: dict[str, str],
               body: bytes) -> tuple[int, dict[str, str], bytes]:
        raise NotImplementedError

    def __enter__(self) -> _Server:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def _json(status: int, data: Any) -> tuple[int, dict[str, str], bytes]:
    return status, {"Content-Type": "application/json"}, json.dumps(data).encode()


@dataclass
class Seen:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes


class Receiver(_Server):
    """Our side's callback endpoint: records what the providers post to it."""

    def __init__(self) -> None:
        super().__init__()
        self.url += "/payment/callback"
        self.received: list[Seen] = []

    def handle(self, method: str, path: str, headers: dict[str, str],
               body: bytes) -> tuple[int, dict[str, str], bytes]:
        self.received.append(Seen(method, path, headers, body))
        return 204, {}, b""


# -- GOV.UK Pay's shape --------------------------------------------------------------------


class GovUkFake(_Server):
    """POST /v1/payments, GET /v1/payments/{id} (Bearer key), and the citizen's payment page
    GET /pay/{id}?outcome=... that finishes the payment, sends the signed webhook to
    `webhook_url` (when set) and redirects to the return URL."""

    def __init__(self, api_key: str, webhook_secret: str) -> None:
        super().__init__()
        self.api_key = api_key
        self.webhook_secret = webhook_secret
        self.webhook_url: str | None = None
        self.payments: dict[str, dict[str, Any]] = {}
        self.seen: list[Seen] = []
        #: set to answer every API call with (status, content type, body)
        self.broken: tuple[int, str, bytes] | None = None
        self.languages = ("en", "cy")

    OUTCOMES = {  # the citizen's outcome -> GOV.UK Pay's state
        "success": {"status": "success", "finished": True},
        "declined": {"status": "failed", "finished": True, "code": "P0010",
                     "message": "Payment method rejected"},
        "user-cancelled": {"status": "failed", "finished": True, "code": "P0030",
                           "message": "Payment was cancelled by the user"},
        "service-cancelled": {"status": "cancelled", "finished": True, "code": "P0040",
                              "message": "Payment was cancelled by the service"},
        "error": {"status": "error", "finished": True, "code": "P0050",
                  "message": "Payment provider returned an error"},
        "submitted": {"status": "submitted", "finished": False},
    }

    def handle(self, method: str, path: str, headers: dict[str, str],
               body: bytes) -> tuple[int, dict[str, str], bytes]:
        self.seen.append(Seen(method, path, headers, body))
        parts = urlsplit(path)
        if parts.path.startswith("/pay/"):
            return self._citizen(parts.path.removeprefix("/pay/"), dict(parse_qsl(parts.query)))
        if self.broken is not None:
            status, content_type, answer = self.broken
            return status, {"Content-Type": content_type}, answer
        if headers.get("authorization") != f"Bearer {self.api_key}":
            return _json(401, {"code": "P0920", "description": "Credentials are required"})
        if method == "POST" and parts.path == "/v1/payments":
            return self._create(json.loads(body))
        if method == "GET" and parts.path.startswith("/v1/payments/"):
            payment = self.payments.get(parts.path.removeprefix("/v1/payments/"))
            if payment is None:
                return _json(404, {"code": "P0200", "description": "Not found"})
            return _json(200, payment)
        return _json(404, {"code": "P0000", "description": "no such endpoint"})

    def _create(self, data: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
        for name, kind in (("amount", int), ("reference", str), ("description", str),
                           ("return_url", str)):
            if not isinstance(data.get(name), kind):
                return _json(400, {"code": "P0101",
                                   "description": f"Missing mandatory attribute: {name}"})
        if data.get("language", "en") not in self.languages:
            return _json(422, {"code": "P0102",
                               "description": "Invalid attribute value: language"})
        payment_id = uuid.uuid4().hex[:26]
        payment = {
            "payment_id": payment_id, "amount": data["amount"],
            "reference": data["reference"], "description": data["description"],
            "return_url": data["return_url"], "language": data.get("language", "en"),
            "created_date": "2026-12-04T10:00:00.000Z",
            "state": {"status": "created", "finished": False},
            "_links": {"self": {"href": f"{self.url}/v1/payments/{payment_id}", "method": "GET"},
                       "next_url": {"href": f"{self.url}/pay/{payment_id}", "method": "GET"}},
        }
        self.payments[payment_id] = payment
        return _json(201, payment)

    def _citizen(self, payment_id: str,
                 query: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        payment = self.payments[payment_id]
        self.finish(payment_id, query["outcome"])
        return 303, {"Location": payment["return_url"]}, b""

    def finish(self, payment_id: str, outcome: str) -> None:
        payment = self.payments[payment_id]
        payment["state"] = dict(self.OUTCOMES[outcome])
        if outcome == "success":
            payment["settlement_summary"] = {
                "capture_submit_time": "2026-12-04T10:05:00.000Z"}
        if self.webhook_url:
            body, headers = self.webhook(payment_id)
            requests.post(self.webhook_url, data=body, headers=headers, timeout=5)

    def webhook(self, payment_id: str, resource: dict[str, Any] | None = None,
                secret: str | None = None) -> tuple[bytes, dict[str, str]]:
        """A webhook message about a payment and its headers, signed like GOV.UK Pay's."""
        payment = self.payments[payment_id]
        event = {
            "webhook_message_id": uuid.uuid4().hex, "created_date": "2026-12-04T10:05:01Z",
            "resource_id": payment_id, "api_version": 1, "resource_type": "payment",
            "event_type": "card_payment_succeeded",
            "resource": resource if resource is not None else payment,
        }
        body = json.dumps(event).encode()
        return body, {"Content-Type": "application/json",
                      "Pay-Signature": hex_hmac(secret or self.webhook_secret, body)}


# -- a municipal signed-redirect service ------------------------------------------------------


@dataclass
class Payment:
    fields: dict[str, str]
    status: str = "open"
    transaction_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    charged: int = 0


class MunicipalFake(_Server):
    """POST /pay?outcome=... (the citizen's browser posts the signed form): checks the hash,
    notifies `notify_url` with a signed form and redirects to `return_url`; POST /status:
    the signed status query."""

    REQUEST = ("merchant_id", "reference", "amount", "currency", "description", "language",
               "return_url", "notify_url", "timestamp")
    NOTIFICATION = ("merchant_id", "reference", "transaction_id", "status", "amount",
                    "currency", "paid_at", "timestamp")
    QUERY = ("merchant_id", "reference", "timestamp")

    def __init__(self, key: str, merchant_id: str = "kasse-rostock") -> None:
        super().__init__()
        self.key = key
        self.merchant_id = merchant_id
        self.check_hash = True
        #: added to the time this fake signs with (a stale notification: negative)
        self.clock_offset = 0
        self.payments: dict[str, Payment] = {}
        self.refused: list[str] = []
        self.notified: list[dict[str, str]] = []

    def sign(self, fields: dict[str, str], names: tuple[str, ...]) -> str:
        text = "\n".join(f"{name}={fields[name]}" for name in names)
        return hex_hmac(self.key, text.encode("utf-8"))

    def handle(self, method: str, path: str, headers: dict[str, str],
               body: bytes) -> tuple[int, dict[str, str], bytes]:
        parts = urlsplit(path)
        form = dict(parse_qsl(body.decode("utf-8"), keep_blank_values=True))
        if parts.path == "/pay":
            return self._pay(form, dict(parse_qsl(parts.query)))
        if parts.path == "/status":
            return self._status(form)
        return 404, {}, b""

    def _pay(self, form: dict[str, str],
             query: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        genuine = form.get("merchant_id") == self.merchant_id and hmac.compare_digest(
            form.get("hash", ""), self.sign(form, self.REQUEST))
        if self.check_hash and not genuine:
            self.refused.append(form.get("reference", ""))
            return 400, {"Content-Type": "text/plain"}, b"hash mismatch"
        payment = Payment(form, charged=int(form["amount"]))
        self.payments[form["reference"]] = payment
        payment.status = query.get("outcome", "paid")
        self.notified.append(self.notify(payment))
        return 303, {"Location": form["return_url"]}, b""

    def notification(self, payment: Payment) -> dict[str, str]:
        now = int(time.time()) + self.clock_offset
        fields = {
            "merchant_id": self.merchant_id, "reference": payment.fields["reference"],
            "transaction_id": payment.transaction_id, "status": payment.status,
            "amount": str(payment.charged), "currency": payment.fields["currency"],
            "paid_at": "2026-12-04T11:05:00+01:00" if payment.status == "paid" else "",
            "timestamp": str(now),
        }
        return {**fields, "hash": self.sign(fields, self.NOTIFICATION)}

    def notify(self, payment: Payment) -> dict[str, str]:
        fields = self.notification(payment)
        requests.post(payment.fields["notify_url"], data=fields, timeout=5)
        return fields

    def _status(self, form: dict[str, str]) -> tuple[int, dict[str, str], bytes]:
        if form.get("merchant_id") != self.merchant_id or not hmac.compare_digest(
                form.get("hash", ""), self.sign(form, self.QUERY)):
            return 401, {}, b""
        payment = self.payments.get(form["reference"])
        if payment is None:
            return 404, {}, b""
        return _json(200, self.notification(payment))


@contextmanager
def running(server: _Server) -> Iterator[Any]:
    with server:
        yield server
