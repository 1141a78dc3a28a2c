"""Every HTTP request the portal makes to another system, with one client and one set of rules.

The delivery worker pushes submissions to the authorities' receivers
(portal.handover.worker); the payment adapters call the providers' APIs
(portal.payments). Both go through `send`, on requests: a timeout on every
request, no redirects (a receiver or a provider answers at the address it is
configured with, or the attempt failed: a redirect could lead a signed
submission elsewhere), the caller's User-Agent, and at most `limit` bytes of the
answer read. Any HTTP status is an answer; no answer at all (connection
refused, timed out, TLS, name resolution) is `Unreachable`, with a reason fit
for a log line and an operator.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests

#: How much of an answer is read when the caller sets no limit: a JSON answer of an API.
ANSWER_LIMIT = 1024 * 1024


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300


class Unreachable(Exception):
    """No HTTP answer came back; `reason` says why, `timed_out` whether it was the timeout."""

    def __init__(self, reason: str, timed_out: bool = False) -> None:
        super().__init__(reason)
        self.reason, self.timed_out = reason, timed_out


def send(method: str, url: str, *, agent: str, timeout: float,
         headers: Mapping[str, str] | None = None, data: bytes | Mapping[str, str] | None = None,
         json_body: Any = None, limit: int = ANSWER_LIMIT) -> Answer:
    """One request: the answer (any status, at most `limit` bytes of its body), or
    Unreachable. Redirects are not followed: a 3xx comes back as the answer."""
    try:
        response = requests.request(
            method, url, headers={"User-Agent": agent, **(headers or {})}, data=data,
            json=json_body, timeout=timeout, allow_redirects=False, stream=True)
    except requests.Timeout:
        raise Unreachable(f"timed out after {timeout:g} s", timed_out=True) from None
    except requests.RequestException as error:
        raise Unreachable(f"{type(error).__name__}: {_cause(error)}"[:500]) from None
    with response:
        try:
            body = b""
            for chunk in response.iter_content(min(limit, 64 * 1024)):
                body += chunk
                if len(body) >= limit:
                    break
        except requests.RequestException as error:  # the answer broke off, or came too slowly
            raise Unreachable(f"the answer broke off: {type(error).__name__}: {_cause(error)}"
                              [:500], timed_out=isinstance(error, requests.Timeout)) from None
        return Answer(response.status_code, body[:limit])


def _cause(error: Exception) -> str:
    # requests wraps urllib3's error, which wraps the socket's: the innermost says most.
    while error.__context__ is not None and str(error.__context__):
        error = error.__context__  # type: ignore[assignment]
    return str(error)
