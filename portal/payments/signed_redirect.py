"""`redirect`: a payment provider reached by a signed form post, answering with a signed
notification: the shape of the German municipal payment services (pmPayment and the like).

The exchange (all values are strings; field names exactly as below):

1. `start` builds the form the citizen's browser posts to the option `url`
   (`Started.method == "POST"`, `Started.fields`): `merchant_id`, `reference` (the
   Kassenzeichen), `amount` (euro cents, digits only, e.g. `4250`), `currency`,
   `description`, `language`, `return_url`, `notify_url` (our callback URL), `timestamp`
   (Unix seconds) and `hash`. Nothing is sent from the server; the provider's id of the
   payment is our reference (`provider_payment_id == reference`).
2. The provider posts a notification (`application/x-www-form-urlencoded`) to
   `notify_url`: `merchant_id`, `reference`, `transaction_id` (the provider's own id),
   `status` (`paid`, `open`, `failed` or `cancelled`), `amount`, `currency`, `paid_at`
   (ISO 8601 with offset, empty unless paid), `timestamp` (Unix seconds, the time of this
   delivery) and `hash`.
3. Optionally, with the option `status_url`, `state()` posts `merchant_id`, `reference`,
   `timestamp` and `hash` there and expects a JSON object with the notification's fields
   (and its own `hash`).

**The canonical string** a `hash` signs: the message's fields in the order listed above
(without `hash`), each as `name=value`, joined by a line feed (`\\n`), no trailing line
feed, UTF-8 encoded; `hash` = lowercase hex of HMAC-SHA256 under the shared key. For
example, a status query for reference `K-1` at 1700000000 signs
`merchant_id=M1\\nreference=K-1\\ntimestamp=1700000000`. No value may contain a carriage
return or line feed (that keeps the string unambiguous); the description's are replaced
by spaces.

What `verify_callback` checks, refusing with ForgedCallback: every field present, the
`hash` (`hmac.compare_digest`), the `merchant_id` is ours, the `timestamp` is within the
replay window of now (either way), a known `status`, the amount as whole cents, and, when
the journey passes `expected`, the reference, amount and currency of that attempt. A
repeated notification within the window verifies again: the journey records a payment
once, whatever arrives twice.

Confirmation server-side: with `status_url`, `state()` asks the provider (signed query,
signed answer, same checks). Without it there is nothing to ask: the signed notification
is the confirmation, and `state()` answers `open` (not confirmed by this call) so the
journey waits for the notification; reconciliation cannot learn more either.

Configuration: `provider: "redirect"`, options `url` (required), `merchant_id`
(required), `status_url` (optional), `replay_window` (seconds, default 900), `timeout`
(seconds, default 10); the secret `hmac_key` (`AMTSWEG_PAYMENT_<AUTHORITY>_HMAC_KEY`).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, cast

from . import (
    STATUSES,
    ForgedCallback,
    PaymentError,
    PaymentRequest,
    PaymentState,
    ProviderSettings,
    Started,
    Status,
    check_matches,
)
from ._http import call, option_timeout, snippet
from .providers import FACTORIES

NAME = "redirect"
DEFAULT_REPLAY_WINDOW = 900

REQUEST_FIELDS = ("merchant_id", "reference", "amount", "currency", "description", "language",
                  "return_url", "notify_url", "timestamp")
NOTIFICATION_FIELDS = ("merchant_id", "reference", "transaction_id", "status", "amount",
                       "currency", "paid_at", "timestamp")
STATUS_QUERY_FIELDS = ("merchant_id", "reference", "timestamp")

_CENTS = re.compile(r"0|[1-9][0-9]{0,11}")
_SECONDS = re.compile(r"[0-9]{1,12}")
_LINE_BREAK = re.compile(r"[\r\n]")


def canonical(fields: Mapping[str, str], names: Sequence[str]) -> str:
    """The string a `hash` signs: `name=value` lines in the given order (see the module)."""
    return "\n".join(f"{name}={fields[name]}" for name in names)


def sign(key: str, fields: Mapping[str, str], names: Sequence[str]) -> str:
    return hmac.new(key.encode("utf-8"), canonical(fields, names).encode("utf-8"),
                    hashlib.sha256).hexdigest()


def signed(key: str, fields: Mapping[str, str], names: Sequence[str]) -> dict[str, str]:
    """The fields with their `hash` added."""
    return {**{name: fields[name] for name in names}, "hash": sign(key, fields, names)}


class SignedRedirect:
    """The adapter; built from an authority's settings by `FACTORIES["redirect"]`."""

    name = NAME

    def __init__(self, settings: ProviderSettings,
                 clock: Callable[[], float] = time.time) -> None:
        self.settings = settings
        self.clock = clock
        options = settings.options
        self.url = _url_option(options, "url", required=True)
        self.status_url = _url_option(options, "status_url", required=False)
        merchant_id = options.get("merchant_id")
        if not isinstance(merchant_id, str) or not merchant_id.strip():
            raise PaymentError(f"payment provider 'redirect' of {settings.authority_id!r} "
                               "needs the option 'merchant_id'")
        self.merchant_id = merchant_id
        window = options.get("replay_window", DEFAULT_REPLAY_WINDOW)
        if isinstance(window, bool) or not isinstance(window, int) or window <= 0:
            raise PaymentError("payment option 'replay_window' must be a positive whole "
                               f"number of seconds, not {window!r}")
        self.replay_window = window
        self.timeout = option_timeout(options)

    # -- the interface -------------------------------------------------------------------

    def start(self, request: PaymentRequest) -> Started:
        if isinstance(request.amount, bool) or not isinstance(request.amount, int) \
                or request.amount <= 0:
            raise PaymentError(f"a payment needs a positive amount in cents, not "
                               f"{request.amount!r}")
        fields = {
            "merchant_id": self.merchant_id,
            "reference": request.reference,
            "amount": str(request.amount),
            "currency": request.currency,
            "description": _LINE_BREAK.sub(" ", request.description),
            "language": request.language,
            "return_url": request.return_url,
            "notify_url": request.callback_url,
            "timestamp": str(int(self.clock())),
        }
        broken = [name for name, value in fields.items() if _LINE_BREAK.search(value)]
        if broken:
            raise PaymentError(f"payment fields may not contain line breaks: {broken}")
        return Started(provider_payment_id=request.reference, next_url=self.url,
                       method="POST", fields=signed(self._key(), fields, REQUEST_FIELDS))

    def state(self, provider_payment_id: str) -> PaymentState:
        """Ask `status_url` when configured; without it answer `open` (see the module)."""
        if not provider_payment_id:
            raise PaymentError("no payment reference to ask about")
        if self.status_url is None:
            return PaymentState(provider_payment_id=provider_payment_id, status="open",
                                reference=provider_payment_id)
        query = signed(self._key(), {"merchant_id": self.merchant_id,
                                     "reference": provider_payment_id,
                                     "timestamp": str(int(self.clock()))}, STATUS_QUERY_FIELDS)
        what = "the payment provider's status service"
        answer = call("POST", self.status_url, what=what, timeout=self.timeout, form=query)
        if answer.status == 404:
            # the citizen never reached the provider's page: nothing paid (yet)
            return PaymentState(provider_payment_id=provider_payment_id, status="open",
                                reference=provider_payment_id)
        if answer.status == 401 or answer.status == 403:
            raise PaymentError(f"{what} refused our signed query (HTTP {answer.status}): "
                               f"check {' or '.join(self.settings.secret_variables('hmac_key'))}"
                               f" and merchant_id {self.merchant_id!r}")
        if answer.status != 200:
            raise PaymentError(f"{what} failed (HTTP {answer.status}): {snippet(answer.body)}")
        data = answer.json(what)
        fields = {name: "" if value is None else value if isinstance(value, str) else str(value)
                  for name, value in data.items()}
        try:
            state = self._verified(fields)
        except ForgedCallback as error:
            raise PaymentError(f"{what} answered something that does not check out: "
                               f"{error}") from None
        if state.reference != provider_payment_id:
            raise PaymentError(f"{what} answered about {state.reference!r} when asked about "
                               f"{provider_payment_id!r}")
        return state

    def verify_callback(self, form: Mapping[str, str], headers: Mapping[str, str], *,
                        body: bytes | None = None,
                        expected: PaymentRequest | None = None) -> PaymentState:
        """Check a notification (see the module for every check); the signed notification is
        the provider's confirmation. ForgedCallback when anything does not check out."""
        state = self._verified(form)
        if expected is not None:
            if form["currency"] != expected.currency:
                raise ForgedCallback(f"the notification is in {form['currency']!r}, the "
                                     f"payment in {expected.currency!r}")
            check_matches(state, expected)
        return state

    # -- helpers -------------------------------------------------------------------------

    def _key(self) -> str:
        return self.settings.secret("hmac_key")

    def _verified(self, fields: Mapping[str, str]) -> PaymentState:
        key = self._key()
        missing = [name for name in (*NOTIFICATION_FIELDS, "hash") if name not in fields]
        if missing:
            raise ForgedCallback(f"the notification lacks {', '.join(missing)}")
        values = {name: fields[name] for name in NOTIFICATION_FIELDS}
        if any(not isinstance(value, str) or _LINE_BREAK.search(value)
               for value in values.values()):
            raise ForgedCallback("the notification's fields contain line breaks")
        given = str(fields["hash"]).strip().lower().encode("ascii", "replace")
        if not hmac.compare_digest(given, sign(key, values, NOTIFICATION_FIELDS).encode()):
            raise ForgedCallback("the notification's hash does not match its fields")
        if not hmac.compare_digest(values["merchant_id"].encode(), self.merchant_id.encode()):
            raise ForgedCallback(f"the notification is for merchant {values['merchant_id']!r}")
        if not _SECONDS.fullmatch(values["timestamp"]):
            raise ForgedCallback("the notification's timestamp is not Unix seconds")
        age = self.clock() - int(values["timestamp"])
        if abs(age) > self.replay_window:
            raise ForgedCallback(f"the notification is stale or replayed: signed {age:.0f} s "
                                 f"from now, {self.replay_window} s allowed")
        status = values["status"]
        if status not in STATUSES:
            raise ForgedCallback(f"the notification's status {status!r} is unknown")
        if not _CENTS.fullmatch(values["amount"]):
            raise ForgedCallback(f"the notification's amount {values['amount']!r} is not "
                                 "whole cents")
        paid_at = None
        if status == "paid":
            paid_at = _moment(values["paid_at"]) or datetime.fromtimestamp(
                int(values["timestamp"]), UTC)
        return PaymentState(provider_payment_id=values["reference"], status=cast(Status, status),
                            amount=int(values["amount"]), paid_at=paid_at,
                            reference=values["reference"])


def _moment(text: str) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise ForgedCallback(f"the notification's paid_at {text!r} is not ISO 8601") from None
    return (moment if moment.tzinfo else moment.replace(tzinfo=UTC)).astimezone(UTC)


def _url_option(options: Mapping[str, Any], name: str, *, required: bool) -> str | None:
    value = options.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value.startswith(("https://", "http://")):
        raise PaymentError(f"payment provider 'redirect' needs the option {name!r} as an "
                           f"http(s) URL, not {value!r}")
    return value


def factory(settings: ProviderSettings) -> SignedRedirect:
    return SignedRedirect(settings)


FACTORIES[NAME] = factory  # the signed-redirect provider, by name in an authority's file
