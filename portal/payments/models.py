"""Payment attempts: one row per attempt to pay a draft's fee, and the test provider's ledger.

A row is created when the citizen sends a fee-bearing application (status `open`) and is
settled from what the provider confirms server-side: `paid` (the application is then
submitted and the row names the submission), `failed` or `cancelled`. The reference is the
Kassenzeichen given to the provider: unique per attempt. A row never goes back to `open`,
and only one paid row ever names a submission (`submission_id` is unique).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db
from ..models import utcnow


class Payment(db.Model):
    __tablename__ = "payment"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    #: The Kassenzeichen given to the provider; unique per attempt.
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    #: The draft being paid for (no foreign key: a draft may be cleaned up after it was sent;
    #: drafts.delete_expired keeps a draft while it has an unsettled payment).
    draft_id: Mapped[str] = mapped_column(String(43), index=True)
    form_version_id: Mapped[int] = mapped_column(ForeignKey("form_version.id"))
    authority_id: Mapped[str | None] = mapped_column(String(63), nullable=True, index=True)
    #: The provider's name (portal.payments.providers.FACTORIES) and its id of the payment.
    provider: Mapped[str] = mapped_column(String(32))
    provider_payment_id: Mapped[str | None] = mapped_column(String(200), nullable=True,
                                                            index=True)
    #: Euro cents, as asked for; `items` are the fee lines ({code, label, amount}).
    amount: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    items: Mapped[list] = mapped_column(JSON, default=list)
    language: Mapped[str] = mapped_column(String(8), default="de")
    #: open | paid | failed | cancelled (portal.payments.STATUSES).
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    paid_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    #: The submission this payment paid for; set once, in the unit that writes it.
    submission_id: Mapped[str | None] = mapped_column(ForeignKey("submission.id"), unique=True,
                                                      nullable=True)
    #: Why a paid attempt pays for nothing (the draft was already sent: refund by hand).
    note: Mapped[str | None] = mapped_column(String(200), nullable=True)


class TestPayment(db.Model):
    """The built-in test provider's own record of a payment (portal.payments.test_provider):
    what a real provider keeps on its side. No money is involved."""

    __tablename__ = "test_payment"

    id: Mapped[str] = mapped_column(String(36), primary_key=True)
    reference: Mapped[str] = mapped_column(String(40))
    amount: Mapped[int] = mapped_column(Integer)
    currency: Mapped[str] = mapped_column(String(3), default="EUR")
    description: Mapped[str] = mapped_column(String(500))
    return_url: Mapped[str] = mapped_column(String(2000))
    language: Mapped[str] = mapped_column(String(8), default="de")
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    paid_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
