"""The attachments of a draft: accepting an upload, removing one, handing them to a submission."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from sqlalchemy import select

from ..engine import Invalid
from ..engine.fields import File
from ..engine.messages import N_
from ..extensions import db
from ..models import Attachment, Draft
from . import checks
from .storage import LocalStorage, Storage, TooLarge

MB = 1024 * 1024


def storage() -> Storage:
    root = current_app.config.get("UPLOAD_DIR") or Path(current_app.instance_path) / "uploads"
    return LocalStorage(Path(root))


def attachments_for(draft: Draft) -> list[Attachment]:
    return list(
        db.session.execute(
            select(Attachment).where(Attachment.draft_id == draft.id).order_by(Attachment.created_at)
        ).scalars()
    )


def accept(draft: Draft, field: File, stream: BinaryIO, filename: str | None) -> Attachment:
    """Store one uploaded file for `field`, or raise Invalid saying what is allowed."""
    total_limit = current_app.config.get("MAX_UPLOAD_TOTAL_MB", 100) * MB
    used = sum(a.size for a in attachments_for(draft))
    limit = min(int(field.max_size_mb * MB), max(total_limit - used, 0))
    store = storage()
    try:
        key, size, sha256 = store.save(stream, limit)
    except TooLarge:
        if limit < field.max_size_mb * MB:
            raise Invalid(
                N_("Alle Dateien zusammen dürfen höchstens %(max)s MB groß sein."),
                max=total_limit // MB,
            ) from None
        raise Invalid(N_("Die Datei ist zu groß. Erlaubt sind höchstens %(max)s MB je Datei."),
                      max=field.max_size_mb) from None
    try:
        if size == 0:
            raise Invalid(N_("Die Datei ist leer. Bitte wählen Sie eine andere Datei."))
        with store.open(key) as stored:
            media_type = checks.sniff(stored)
            checks.check_type(media_type, filename or "", field.accept)
            if media_type == "application/pdf":
                checks.check_pdf(stored)
    except Invalid:
        store.delete(key)
        raise
    attachment = Attachment(
        id=str(uuid.uuid4()),
        draft_id=draft.id,
        field_name=field.name,
        display_name=checks.safe_display_name(filename),
        media_type=media_type,
        size=size,
        sha256=sha256,
        storage_key=key,
    )
    db.session.add(attachment)
    return attachment


def remove(draft: Draft, attachment_id: str) -> None:
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is not None and attachment.draft_id == draft.id and attachment.submission_id is None:
        storage().delete(attachment.storage_key)
        db.session.delete(attachment)
