"""`govuk`: a REST payment provider in the shape of GOV.UK Pay's public API.

- `start`: `POST {base_url}/v1/payments` with `amount` (cents), `reference`, `description`,
  `return_url` and `language`, authorised by `Authorization: Bearer <api key>`; the answer's
  `payment_id` and `_links.next_url.href` (a GET link to the provider's payment pages) make
  the `Started`.
- `state`: `GET {base_url}/v1/payments/{payment_id}`; the payment's `state.status` (with
  `state.code` for a failed one) becomes our `Status`, see `STATUSES`.
- `verify_callback`: a webhook is a JSON body signed with HMAC-SHA256 under the webhook's
  signing secret, the lowercase hex digest in the `Pay-Signature` header. The signature is
  checked over the raw body (the caller passes `body=request.get_data()`), and then the
  webhook is only a trigger: its content is not believed, the payment it names is read back
  with `state()` and that server-side answer is returned. A replayed webhook therefore
  reads the same state again and changes nothing.

Configuration (the authority's `payment` settings): `provider: "govuk"`, options
`base_url` (default GOV.UK Pay's public API), `timeout` (seconds, default 10), `languages`
(the languages the provider's pages speak, default `["en", "cy"]`; any other language is
sent as the first of them). Secrets from the environment (`ProviderSettings.secret`):
`api_key` (`AMTSWEG_PAYMENT_<AUTHORITY>_API_KEY`) and, for webhooks, `webhook_secret`
(`AMTSWEG_PAYMENT_<AUTHORITY>_WEBHOOK_SECRET`). `PaymentRequest.callback_url` is not sent:
the webhook's URL is set once in the provider's admin tool.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from . import (
    ForgedCallback,
    PaymentError,
    PaymentRequest,
    PaymentState,
    ProviderSettings,
    Started,
    Status,
    check_matches,
)
from ._http import Answer, call, option_timeout, snippet
from .providers import FACTORIES

NAME = "govuk"
DEFAULT_BASE_URL = "https://publicapi.payments.service.gov.uk"
SIGNATURE_HEADER = "Pay-Signature"

#: GOV.UK Pay's payment statuses -> ours. `failed` is refined by its code (P0030: the
#: paying user cancelled); a status not listed here is `open` while the provider says the
#: payment is not finished, and an error once it says it is.
STATUSES: dict[str, Status] = {
    "created": "open",
    "started": "open",
    "submitted": "open",
    "capturable": "open",        # delayed capture: authorised, not yet taken
    "capture approved": "open",
    "success": "paid",
    "failed": "failed",          # P0010 declined, P0020 expired
    "cancelled": "cancelled",    # P0040: cancelled by the service
    "error": "failed",           # P0050: the provider's technical error
}
CANCELLED_BY_USER = "P0030"


def signature(secret: str, body: bytes) -> str:
    """The `Pay-Signature` of a webhook body: HMAC-SHA256 under the signing secret, hex."""
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def header(headers: Mapping[str, str], name: str) -> str | None:
    """A header by name, whatever the mapping's case handling."""
    value = headers.get(name)
    if value is None:
        lowered = name.lower()
        value = next((v for k, v in headers.items() if k.lower() == lowered), None)
    return value


class GovUkPay:
    """The adapter; built from an authority's settings by `FACTORIES["govuk"]`."""

    name = NAME

    def __init__(self, settings: ProviderSettings) -> None:
        self.settings = settings
        options = settings.options
        base_url = options.get("base_url", DEFAULT_BASE_URL)
        if not isinstance(base_url, str) or not base_url.startswith(("https://", "http://")):
            raise PaymentError(f"payment option 'base_url' of {settings.authority_id!r} must "
                               f"be an http(s) URL, not {base_url!r}")
        self.base_url = base_url.rstrip("/")
        self.timeout = option_timeout(options)
        languages = options.get("languages", ["en", "cy"])
        if (not isinstance(languages, list) or not languages
                or not all(isinstance(code, str) for code in languages)):
            raise PaymentError("payment option 'languages' must be a non-empty list of "
                               f"language codes, not {languages!r}")
        self.languages = languages

    # -- the interface -------------------------------------------------------------------

    def start(self, request: PaymentRequest) -> Started:
        language = request.language if request.language in self.languages else self.languages[0]
        answer = self._call("POST", "/v1/payments", {
            "amount": request.amount,
            "reference": request.reference,
            "description": request.description,
            "return_url": request.return_url,
            "language": language,
        })
        data = self._expect(answer, 201, 200, doing="create the payment")
        try:
            payment_id = data["payment_id"]
            next_url = data["_links"]["next_url"]["href"]
        except (KeyError, TypeError):
            raise PaymentError("GOV.UK Pay's answer to a new payment has no payment_id or "
                               f"_links.next_url.href: {snippet(answer.body)}") from None
        if not (isinstance(payment_id, str) and payment_id and isinstance(next_url, str)
                and next_url.startswith(("https://", "http://"))):
            raise PaymentError("GOV.UK Pay's answer to a new payment has an unusable "
                               f"payment_id or next_url: {snippet(answer.body)}")
        return Started(provider_payment_id=payment_id, next_url=next_url, method="GET")

    def state(self, provider_payment_id: str) -> PaymentState:
        if not provider_payment_id:
            raise PaymentError("no GOV.UK Pay payment id to ask about")
        answer = self._call("GET", f"/v1/payments/{quote(provider_payment_id, safe='')}")
        data = self._expect(answer, 200, doing=f"read payment {provider_payment_id!r}")
        return self._state_of(data, provider_payment_id)

    def verify_callback(self, form: Mapping[str, str], headers: Mapping[str, str], *,
                        body: bytes | str | None = None,
                        expected: PaymentRequest | None = None) -> PaymentState:
        """Check a webhook's `Pay-Signature` over the raw `body`, then confirm with `state()`.

        The webhook is only a trigger: after the signature checks out, the payment it names
        (`resource_id`) is read back from the API and that answer is returned, never the
        webhook's own `resource`. Raises ForgedCallback for a missing or wrong signature or
        a body that is not a payment event; PaymentError when the secret is not configured,
        no body was passed, or the API cannot be asked.
        """
        if body is None:
            raise PaymentError("a GOV.UK Pay webhook is signed over its raw body: pass "
                               "body=request.get_data() to verify_callback")
        if isinstance(body, str):
            body = body.encode("utf-8")
        secret = self.settings.secret("webhook_secret")
        given = (header(headers, SIGNATURE_HEADER) or "").strip().lower()
        if not given:
            raise ForgedCallback(f"the webhook has no {SIGNATURE_HEADER} header")
        if not hmac.compare_digest(given.encode("ascii", "replace"),
                                   signature(secret, body).encode("ascii")):
            raise ForgedCallback(f"the webhook's {SIGNATURE_HEADER} does not match its body")
        try:
            event = json.loads(body)
        except ValueError:
            raise ForgedCallback("the webhook's body is not JSON") from None
        if not isinstance(event, dict) or event.get("resource_type", "payment") != "payment":
            raise ForgedCallback("the webhook is not about a payment")
        payment_id = event.get("resource_id")
        if not isinstance(payment_id, str) or not payment_id:
            raise ForgedCallback("the webhook names no payment (resource_id)")
        state = self.state(payment_id)
        if expected is not None:
            check_matches(state, expected)
        return state

    # -- helpers -------------------------------------------------------------------------

    def _call(self, method: str, path: str, json_body: Any = None) -> Answer:
        api_key = self.settings.secret("api_key")
        return call(method, self.base_url + path, what="GOV.UK Pay", timeout=self.timeout,
                    headers={"Authorization": f"Bearer {api_key}"}, json_body=json_body)

    def _expect(self, answer: Answer, *ok: int, doing: str) -> dict[str, Any]:
        if answer.status in ok:
            return answer.json("GOV.UK Pay")
        if answer.status == 401:
            raise PaymentError(
                f"GOV.UK Pay refused the API key (HTTP 401) when asked to {doing}: check "
                f"{' or '.join(self.settings.secret_variables('api_key'))} and the "
                f"base_url {self.base_url}")
        if answer.status >= 500:
            raise PaymentError(f"GOV.UK Pay failed (HTTP {answer.status}) when asked to "
                               f"{doing}; try again later: {snippet(answer.body)}")
        detail = snippet(answer.body)
        try:
            data = json.loads(answer.body)
            detail = f"{data['code']}: {data['description']}"
        except (ValueError, KeyError, TypeError):
            pass
        raise PaymentError(f"GOV.UK Pay refused to {doing} (HTTP {answer.status}): {detail}")

    def _state_of(self, data: Mapping[str, Any], asked: str) -> PaymentState:
        try:
            payment_id = data["payment_id"]
            provider_state = data["state"]
            status_name = provider_state["status"]
        except (KeyError, TypeError):
            raise PaymentError("GOV.UK Pay's payment has no payment_id or state.status: "
                               f"{json.dumps(data)[:200]}") from None
        if payment_id != asked:
            raise PaymentError(f"GOV.UK Pay answered about payment {payment_id!r} when asked "
                               f"about {asked!r}")
        status = STATUSES.get(status_name)
        if status is None:
            if provider_state.get("finished") is False:
                status = "open"
            else:
                raise PaymentError(f"GOV.UK Pay reports the unknown final status "
                                   f"{status_name!r} for payment {payment_id!r}")
        if status == "failed" and provider_state.get("code") == CANCELLED_BY_USER:
            status = "cancelled"
        amount = data.get("amount")
        if amount is not None and (isinstance(amount, bool) or not isinstance(amount, int)):
            raise PaymentError(f"GOV.UK Pay reports an amount that is not whole cents: "
                               f"{amount!r}")
        reference = data.get("reference")
        paid_at = _paid_at(data) if status == "paid" else None
        return PaymentState(provider_payment_id=payment_id, status=status, amount=amount,
                            paid_at=paid_at,
                            reference=reference if isinstance(reference, str) else None)


def _paid_at(data: Mapping[str, Any]) -> datetime:
    """When the money was taken: the settlement's capture time when GOV.UK Pay gives it,
    else the moment we learn of the success (GOV.UK Pay's payment has no paid-at field)."""
    summary = data.get("settlement_summary")
    moment = summary.get("capture_submit_time") if isinstance(summary, dict) else None
    if isinstance(moment, str):
        try:
            parsed = datetime.fromisoformat(moment)
        except ValueError:
            parsed = None
        if parsed is not None:
            return (parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)).astimezone(UTC)
    return datetime.now(UTC)


def factory(settings: ProviderSettings) -> GovUkPay:
    return GovUkPay(settings)


FACTORIES[NAME] = factory  # the REST provider in GOV.UK Pay's shape, by name in an authority's file
