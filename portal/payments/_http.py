"""The one outbound HTTP call the provider adapters make: timeouts, no redirects, and every
failure turned into a PaymentError that says what went wrong and where."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests

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
    """One request; any HTTP status comes back as an Answer, a network failure (connection
    refused, timeout, TLS, ...) as a PaymentError naming `what` and the URL. Redirects are
    not followed: a provider's API answers where it is configured or not at all."""
    try:
        response = requests.request(
            method, url, headers={"User-Agent": USER_AGENT, "Accept": "application/json",
                                  **(headers or {})},
            json=json_body, data=form, timeout=timeout, allow_redirects=False,
        )
    except requests.Timeout:
        raise PaymentError(f"{what} did not answer within {timeout:g} s ({url})") from None
    except requests.RequestException as error:
        raise PaymentError(f"{what} is not reachable ({url}): "
                           f"{type(error).__name__}: {error}"[:500]) from None
    with response:
        return Answer(response.status_code, response.content)


def option_timeout(options: Mapping[str, Any]) -> float:
    """The `timeout` option (seconds, > 0), 10 s when not given."""
    value = options.get("timeout", DEFAULT_TIMEOUT)
    if isinstance(value, bool) or not isinstance(value, int | float) or value <= 0:
        raise PaymentError(f"payment option 'timeout' must be a positive number of seconds, "
                           f"not {value!r}")
    return float(value)
