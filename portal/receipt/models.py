"""The stored receipt: made once after its submission, never changed, served as stored."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ..models import Submission, utcnow


class Receipt(db.Model):
    """The PDF receipt of one submission, with the checksum it was issued with.

    `access_hash` is the SHA-256 of the citizen's receipt code, which opens the
    receipt with the reference number when the citizen has no draft cookie.
    """

    __tablename__ = "receipt"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    submission_id: Mapped[str] = mapped_column(ForeignKey("submission.id"), unique=True)
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    access_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    #: Written after its submission was committed (receipt.service.ensure_receipt).
    submission: Mapped[Submission] = relationship()

    def __repr__(self) -> str:
        return f"<Receipt {self.submission_id} {self.sha256[:12]}>"
