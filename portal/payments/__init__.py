"""Paying a service's fee: the one small interface every payment provider implements.

The journey never talks to a provider directly. It builds a `PaymentRequest`, asks the
authority's provider to `start` it, sends the citizen to `Started.next_url` (a GET link, or
a form post with `Started.fields` for providers that want a signed post), and decides on
the outcome only from what the provider confirms server-side: `state()` (polled when the
citizen returns) or `verify_callback()` (a provider's notification, checked for its
signature). The return URL alone is never trusted.

Providers are built from an authority's payment settings (`ProviderSettings`): the
provider's name and non-secret options come from the authority's file; secrets come from
the environment only (`ProviderSettings.secret`). Register a provider's factory in
`portal.payments.providers.FACTORIES`.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal, Protocol

#: What a provider says about one payment. `open`: created, not finished (the citizen may
#: still be paying); `paid`: the money is confirmed; `failed`: refused or errored;
#: `cancelled`: the citizen stopped it. Only `paid` lets the submission be made.
Status = Literal["open", "paid", "failed", "cancelled"]
STATUSES: tuple[str, ...] = ("open", "paid", "failed", "cancelled")


class PaymentError(RuntimeError):
    """The provider could not be reached or answered something unusable (retry later)."""


class ForgedCallback(ValueError):
    """A callback whose signature or content does not check out: refuse it, change nothing."""


@dataclass(frozen=True)
class PaymentRequest:
    """One payment attempt as the journey asks for it."""

    reference: str          # the Kassenzeichen given to the provider; unique per attempt
    amount: int             # euro cents, > 0
    description: str        # what is paid for, in the citizen's language
    return_url: str         # where the provider sends the citizen back (absolute URL)
    callback_url: str       # where the provider notifies us server-to-server (absolute URL)
    language: str = "de"    # the citizen's language (two letters)
    currency: str = "EUR"


@dataclass(frozen=True)
class Started:
    """Where to send the citizen to pay: a link (`method == "GET"`) or a form to post."""

    provider_payment_id: str
    next_url: str
    method: Literal["GET", "POST"] = "GET"
    fields: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PaymentState:
    """What the provider confirms about one payment."""

    provider_payment_id: str
    status: Status
    amount: int | None = None          # euro cents, as the provider confirms it
    paid_at: datetime | None = None    # aware UTC datetime when `status == "paid"`
    reference: str | None = None       # our reference, when the provider echoes it


@dataclass(frozen=True)
class ProviderSettings:
    """An authority's payment configuration: `provider` and non-secret `options` from its
    file; `secret(name)` reads `AMTSWEG_PAYMENT_<AUTHORITY>_<NAME>` (authority id upper-cased,
    `-` as `_`) and falls back to `AMTSWEG_PAYMENT_<NAME>`."""

    authority_id: str
    provider: str
    options: Mapping[str, Any] = field(default_factory=dict)

    def secret(self, name: str, environ: Mapping[str, str] | None = None) -> str:
        environ = os.environ if environ is None else environ
        variables = self.secret_variables(name)
        for variable in variables:
            if environ.get(variable):
                return environ[variable]
        raise PaymentError(f"payment provider {self.provider!r} of {self.authority_id!r} needs "
                           f"the secret {variables[0]} (or {variables[1]}) in the environment")

    def secret_variables(self, name: str) -> tuple[str, str]:
        """The environment variables `secret(name)` reads, the authority's own first."""
        key = re.sub(r"[^A-Z0-9]", "_", name.upper())
        authority = re.sub(r"[^A-Z0-9]", "_", self.authority_id.upper())
        return f"AMTSWEG_PAYMENT_{authority}_{key}", f"AMTSWEG_PAYMENT_{key}"


class PaymentProvider(Protocol):
    """The interface every provider implements (see the module's docstring)."""

    name: str

    def start(self, request: PaymentRequest) -> Started:
        """Create the payment at the provider; raises PaymentError when that fails."""

    def state(self, provider_payment_id: str) -> PaymentState:
        """Ask the provider server-side what became of a payment; raises PaymentError."""

    def verify_callback(self, form: Mapping[str, str], headers: Mapping[str, str], *,
                        body: bytes | None = None,
                        expected: PaymentRequest | None = None) -> PaymentState:
        """Check a provider's notification (signature first); raises ForgedCallback.

        Both keywords are optional (callers that pass only `form` and `headers` keep
        working): `body` is the raw request body, for providers that sign the body itself
        (GOV.UK Pay's JSON webhooks; pass `request.get_data()`); `expected` is the attempt
        the journey holds for this payment, when it knows it: a provider then refuses a
        callback whose reference or amount differ (`check_matches`).
        """


def check_matches(state: PaymentState, expected: PaymentRequest) -> None:
    """Refuse (ForgedCallback) a confirmed state whose reference or amount is not the
    attempt's: a signed answer about another payment, or one for a changed amount, must
    never complete a submission. A field the provider does not confirm is not compared."""
    if state.reference is not None and state.reference != expected.reference:
        raise ForgedCallback(f"the provider confirms reference {state.reference!r}, "
                             f"not {expected.reference!r}")
    if state.amount is not None and state.amount != expected.amount:
        raise ForgedCallback(f"the provider confirms {state.amount} cents for "
                             f"{expected.reference!r}, not {expected.amount}")
