"""The built-in test provider: pays nothing, works offline, clearly marked as a test.

`make run` and the tests use it for authorities without a payment configuration (when the
configuration allows it: PAYMENT_TEST_PROVIDER, off in production, docs/payments.md). It keeps
its payments in its own table (`test_payment`, what a real provider keeps on its side) and
shows its own page, `/test-payment/<id>` (portal.payments.views), with "Pay", "Cancel" and
"Fail" buttons; the citizen is then sent back to the return URL, where the journey asks
`state()` like it asks any provider.

Its callbacks (`callback_fields`, used by the tests) are signed with HMAC-SHA256 under a key
derived from the application's secret key, so a forged one is refused like a real provider's.
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from collections.abc import Mapping
from datetime import UTC, datetime

from flask import current_app, url_for
from sqlalchemy import update

from ..extensions import db, unit_of_work
from . import ForgedCallback, PaymentError, PaymentRequest, PaymentState, ProviderSettings, Started
from .models import TestPayment
from .providers import FACTORIES

NAME = "test"
#: What the buttons of the test page set.
OUTCOMES = {"pay": "paid", "cancel": "cancelled", "fail": "failed"}


def _key() -> bytes:
    secret = current_app.config["SECRET_KEY"]
    secret = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(secret, b"amtsweg test payment provider", hashlib.sha256).digest()


def signature(payment_id: str, status: str) -> str:
    return hmac.new(_key(), f"{payment_id}:{status}".encode(), hashlib.sha256).hexdigest()


def callback_fields(payment_id: str) -> dict[str, str]:
    """The notification the test provider sends about a payment, signed."""
    row = db.session.get(TestPayment, payment_id, populate_existing=True)
    if row is None:
        raise PaymentError(f"no test payment {payment_id}")
    return {"payment_id": row.id, "status": row.status,
            "signature": signature(row.id, row.status)}


def finish(payment_id: str, outcome: str) -> TestPayment | None:
    """What a button of the test page does: an open payment becomes paid, cancelled or failed
    (once; pressing again changes nothing)."""
    status = OUTCOMES[outcome]
    values = {"status": status, "paid_at": datetime.now(UTC) if status == "paid" else None}
    with unit_of_work() as session:
        session.execute(update(TestPayment).where(TestPayment.id == payment_id,
                                                  TestPayment.status == "open").values(values))
    return db.session.get(TestPayment, payment_id, populate_existing=True)


class TestProvider:
    """The PaymentProvider interface over the `test_payment` table."""

    name = NAME

    def __init__(self, settings: ProviderSettings) -> None:
        self.settings = settings

    def start(self, request: PaymentRequest) -> Started:
        if request.amount <= 0:
            raise PaymentError("the test provider takes amounts above 0 only")
        row = TestPayment(id=str(uuid.uuid4()), reference=request.reference,
                          amount=request.amount, currency=request.currency,
                          description=request.description[:500],
                          return_url=request.return_url, language=request.language,
                          status="open", created_at=datetime.now(UTC))
        with unit_of_work() as session:
            session.add(row)
        return Started(row.id, url_for("payments.test_page", payment_id=row.id))

    def state(self, provider_payment_id: str) -> PaymentState:
        row = db.session.get(TestPayment, provider_payment_id, populate_existing=True)
        if row is None:
            raise PaymentError(f"the test provider knows no payment {provider_payment_id}")
        return PaymentState(row.id, row.status, row.amount,
                            _aware(row.paid_at) if row.paid_at else None, row.reference)

    def verify_callback(self, form: Mapping[str, str], headers: Mapping[str, str], *,
                        body: bytes | None = None,
                        expected: PaymentRequest | None = None) -> PaymentState:
        payment_id, status = form.get("payment_id", ""), form.get("status", "")
        given = form.get("signature", "")
        if not (payment_id and status and hmac.compare_digest(given,
                                                              signature(payment_id, status))):
            raise ForgedCallback("the test provider's signature does not match")
        state = self.state(payment_id)
        if state.status != status:
            raise ForgedCallback("the notification does not match the test provider's record")
        if expected is not None and (state.reference != expected.reference
                                     or state.amount != expected.amount):
            raise ForgedCallback("the notification is about another payment")
        return state


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


FACTORIES[NAME] = TestProvider
