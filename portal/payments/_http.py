"""The one outbound HTTP call the provider adapters make (portal.outbound: timeouts, no
redirects), every failure turned into a PaymentError that says what went wrong and where."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .. import outbound
from . import PaymentError

USER_AGENT = "Amtsweg-Payments/1"
DEFAULT_TIMEOUT = 10.0


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes

    def json(self, what: str) -> dict[str, Any]:
        """The body as a JSON object; PaymentError (naming `what`) for anything else."""
        try:
            data = json.loads(self.body)
        except ValueError:
            raise PaymentError(f"{what} answered something that is not JSON "
                               f"(HTTP {self.status}): {snippet(self.body)}") from None
        if not isinstance(data, dict):
            raise PaymentError(f"{what} answered JSON that is not an object (HTTP {self.status})")
        return data


def snippet(body: bytes, limit: int = 200) -> str:
    return body[:limit].decode("utf-8", "replace").strip() or "(empty)"


def call(method: str, url: str, *, what: str, timeout: float,
         headers: Mapping[str, str] | None = None, json_body: Any = None,
         form: Mapping[str, str] | None = None) -> Answer:
    """One request (portal.outbound: a timeout, no redirects): any HTTP status comes back as
    an Answer, a network failure (connection refused, timeout, TLS, ...) as a PaymentError
    naming `what` and the URL."""
    try:
        answer = outbound.send(method, url, agent=USER_AGENT, timeout=timeout,
                               headers={"Accept": "application/json", **(headers or {})},
                               json_body=json_body, data=form)
    except outbound.Unreachable as failure:
        if failure.timed_out:
            raise PaymentError(f"{what} did not answer within {timeout:g} s ({url})") from None
        raise PaymentError(f"{what} is not reachable ({url}): {failure.reason}"[:500]) from None
    return Answer(answer.status, answer.body)


def option_timeout(options: Mapping[str, Any]) -> float:
    """The `timeout` option (seconds, > 0), 10 s when not given."""
    value = options.get("timeout", DEFAULT_TIMEOUT)
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise PaymentError(f"payment option 'timeout' must be a positive number of seconds, "
                           f"not {value!r}")
    return float(value)
