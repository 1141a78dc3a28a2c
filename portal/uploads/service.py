"""The attachments of a draft: accepting an upload, removing one, cleaning up after them.

`accept` is the one way in: it streams the upload to storage under a random
key, checks the content (not the name), removes identifying photo metadata,
runs the optional virus scan and only then records an Attachment. Whatever
is refused is deleted at once and reported as an `Invalid` whose message says
what is allowed. Files leave storage only after the database has let go of
them (see `_delete_after_commit`), so a rolled-back request never leaves an
attachment without its file.
"""

from __future__ import annotations

import uuid
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from sqlalchemy import event, or_, select
from sqlalchemy.orm import Session

from ..engine.messages import N_
from ..engine.types.files import File
from ..extensions import db
from ..mailbox.models import MessageFile
from ..models import Attachment, Draft
from . import checks, metadata, objects, pdfs, scan
from .checks import Rejected
from .storage import LocalStorage, Storage, TooLarge

MB = 1024 * 1024
#: Files younger than this are never taken for orphans: their upload may still be under way.
ORPHAN_MIN_AGE = 3600
_PENDING = "amtsweg.uploads.delete_after_commit"


def storage() -> Storage:
    """The configured backend: object storage for STORAGE_URL=s3://..., else the local disk."""
    if url := current_app.config.get("STORAGE_URL"):
        return objects.storage_for(url)
    root = current_app.config.get("UPLOAD_DIR") or Path(current_app.instance_path) / "uploads"
    return LocalStorage(Path(root))


def attachments_for(draft: Draft) -> list[Attachment]:
    return list(
        db.session.execute(
            select(Attachment)
            .where(Attachment.draft_id == draft.id)
            .order_by(Attachment.created_at)
        ).scalars()
    )


def _mb(size: float) -> float:
    """A size in MB as a citizen reads it: whole numbers stay whole, others get one decimal."""
    return int(size) if float(size).is_integer() else round(size, 1)


@dataclass(frozen=True)
class Checked:
    """A file that passed every check, stored under `key`."""

    name: str
    key: str
    size: int
    sha256: str
    media_type: str


def accept(draft: Draft, field: File, stream: BinaryIO, filename: str | None) -> Attachment:
    """Store one uploaded file for `field`, or raise Invalid saying what is allowed."""
    checked = check_and_store(field, stream, filename, sum(a.size for a in attachments_for(draft)))
    attachment = Attachment(
        id=str(uuid.uuid4()),
        draft_id=draft.id,
        field_name=field.name,
        display_name=checked.name,
        media_type=checked.media_type,
        size=checked.size,
        sha256=checked.sha256,
        storage_key=checked.key,
    )
    db.session.add(attachment)
    return attachment


def check_and_store(field: File, stream: BinaryIO, filename: str | None, used: int) -> Checked:
    """Store and check one upload for `field` (`used` bytes already taken), or raise Invalid.

    Every way a citizen uploads a file goes through here (a step of the wizard, a
    reply on the status page): size, content type, image and PDF checks, photo
    metadata, virus scan. A refused file is deleted at once.
    """
    name = checks.safe_display_name(filename)
    total_limit = current_app.config.get("MAX_UPLOAD_TOTAL_MB", 100) * MB
    field_limit = int(field.max_size_mb * MB)
    limit = min(field_limit, max(total_limit - used, 0))
    store = storage()
    try:
        key, size, sha256 = store.save(stream, limit)
    except TooLarge:
        if limit < field_limit:
            raise Rejected(
                N_("„%(name)s“ passt nicht mehr dazu: Alle Dateien zusammen dürfen höchstens "
                   "%(max)s MB groß sein, frei sind noch %(left)s MB."),
                name=name, max=_mb(total_limit / MB), left=_mb(max(total_limit - used, 0) / MB),
            ) from None
        raise Rejected(
            N_("Die Datei „%(name)s“ ist zu groß. Erlaubt sind höchstens %(max)s MB je Datei."),
            name=name, max=_mb(field.max_size_mb),
        ) from None
    try:
        if size == 0:
            raise Rejected(N_("Die Datei „%(name)s“ ist leer. Bitte wählen Sie eine andere Datei."),
                           name=name)
        with store.open(key) as stored:
            media_type = checks.sniff(stored)
            checks.check_type(media_type, filename or "", field.accept)
            if media_type.startswith("image/"):
                checks.check_image(stored, media_type, filename or "",
                                   int(current_app.config["MAX_IMAGE_PIXELS"]))
        if media_type == "application/pdf":
            size, sha256 = _check_pdf(store, key, field, filename or "", (size, sha256))
        if media_type in metadata.CLEANERS:
            try:
                size, sha256 = store.rewrite(key, metadata.CLEANERS[media_type])
            except metadata.Damaged:
                raise Rejected(
                    N_("Das Bild „%(name)s“ ist beschädigt oder unvollständig. Bitte wählen Sie "
                       "eine andere Datei."),
                    name=name,
                ) from None
        _scan(store, key, name)
    except BaseException:
        # Refused, or something broke: a file without its record is never left behind.
        store.delete(key)
        raise
    return Checked(name, key, size, sha256, media_type)


def _check_pdf(store: Storage, key: str, field: File, filename: str,
               figures: tuple[int, str]) -> tuple[int, str]:
    """Judge a stored PDF by parsing it; keep a copy without its active parts if the field
    says so. Returns the size and SHA-256 of what is kept."""
    with store.local_path(key) as path:
        active = checks.check_pdf(path, filename, field.pdf_active_content)
    if not active:
        return figures
    try:
        figures = store.rewrite(key, pdfs.sanitise)
    except pdfs.Unreadable:
        raise checks.damaged_pdf(filename) from None
    # The cleaned copy must pass the strict check, or it is not kept either.
    with store.local_path(key) as path:
        checks.check_pdf(path, filename, checks.PDF_REFUSE)
    return figures


def _scan(store: Storage, key: str, name: str) -> None:
    """The optional virus scan; fails closed when the scanner gives no verdict."""
    config = current_app.config
    socket_path, command = config.get("CLAMD_SOCKET"), config.get("SCAN_COMMAND")
    if not socket_path and not command:
        return
    timeout = float(config.get("SCAN_TIMEOUT") or scan.DEFAULT_TIMEOUT)
    try:
        if socket_path:
            with store.open(key) as stored:
                scan.scan_clamd(socket_path, stored, timeout)
        else:
            with store.local_path(key) as path:
                scan.scan_command(command, path, timeout)
    except scan.Infected as found:
        current_app.logger.warning("virus scan found malware, upload refused", extra={
            "fields": {"storage_key": key, "signature": found.signature}})
        raise Rejected(
            N_("In der Datei „%(name)s“ wurde ein Virus oder ein anderes Schadprogramm gefunden. "
               "Sie wurde nicht gespeichert."),
            name=name,
        ) from None
    except scan.Unavailable as failure:
        current_app.logger.error("virus scan failed, upload refused", extra={
            "fields": {"storage_key": key, "reason": str(failure)}})
        raise Rejected(
            N_("Die Datei „%(name)s“ konnte gerade nicht auf Viren geprüft werden und wurde "
               "deshalb nicht gespeichert. Bitte versuchen Sie es in einigen Minuten noch einmal."),
            name=name,
        ) from None


def remove(draft: Draft, attachment_id: str) -> None:
    """Remove one of the draft's files: the record now, the file once that is committed."""
    attachment = db.session.get(Attachment, attachment_id)
    if (attachment is not None and attachment.draft_id == draft.id
            and attachment.submission_id is None):
        _delete_after_commit(attachment.storage_key)
        db.session.delete(attachment)


def delete_orphans(min_age: float = ORPHAN_MIN_AGE) -> int:
    """Delete what no application needs any more; returns how many files were deleted.

    - attachments (record and file) whose draft is gone (expired, deleted) and
      that belong to no submission;
    - stored files that no attachment refers to (a crash between storing and
      recording, say), once they are `min_age` seconds old, so an upload that
      is still being checked is never taken for one.
    """
    store = storage()
    live_drafts = select(Draft.id)
    gone = list(db.session.execute(
        select(Attachment).where(
            Attachment.submission_id.is_(None),
            or_(Attachment.draft_id.is_(None), Attachment.draft_id.not_in(live_drafts)),
        )
    ).scalars())
    for attachment in gone:
        _delete_after_commit(attachment.storage_key, store)
        db.session.delete(attachment)
    db.session.commit()  # the files go right after this
    known = set(db.session.execute(select(Attachment.storage_key)).scalars())
    known |= set(db.session.execute(select(MessageFile.storage_key)).scalars())
    unreferenced = [key for key in store.keys(min_age=min_age) if key not in known]
    for key in unreferenced:
        store.delete(key)
    if isinstance(store, LocalStorage | objects.S3Storage):
        store.purge_partials(max(min_age, ORPHAN_MIN_AGE))
    return len(gone) + len(unreferenced)


# -- deleting files only once the database has let go of them ---------------------------


def _delete_after_commit(key: str, store: Storage | None = None) -> None:
    session = db.session()
    session.info.setdefault(_PENDING, []).append((store or storage(), key))


@event.listens_for(Session, "after_commit")
def _delete_committed(session: Session) -> None:
    for store, key in session.info.pop(_PENDING, []):
        # If it fails, delete_orphans finds the file later: no record refers to it any more.
        with suppress(OSError):
            store.delete(key)


@event.listens_for(Session, "after_soft_rollback")
def _keep_rolled_back(session: Session, previous_transaction: object) -> None:
    session.info.pop(_PENDING, None)
