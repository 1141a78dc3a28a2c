"""The citizen's status page: /status/ (sign in), /status/<reference> (timeline, messages,
documents, reply form), the single-use sign-in link, and the downloads.

Access is the reference plus the access code of the receipt (the receipt code,
portal.receipt.service.receipt_code), or a sign-in link from a notification
e-mail. Either puts the submission's id in the signed session cookie; every
page checks it. Wrong codes are rate limited (portal.limits, only misses count).
"""

from __future__ import annotations

import hashlib
import hmac
import uuid
from io import BytesIO
from typing import Any, BinaryIO

from babel.dates import format_date
from flask import (
    Blueprint,
    abort,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from flask_babel import gettext as _
from sqlalchemy import select, update
from werkzeug.wrappers import Response

from ..drafts import normalise_code
from ..engine.errors import Invalid
from ..engine.messages import N_, N_plural
from ..engine.types.files import File
from ..extensions import db, unit_of_work
from ..handover.lifecycle import now
from ..languages import current_language
from ..models import Submission
from ..publishing import compiled
from ..receipt.service import ensure_receipt, receipt_code
from ..reference import normalise as normalise_reference
from ..uploads.service import check_and_store, storage
from . import thread
from .models import AUTHORITY, CITIZEN, MessageFile, SignInLink
from .notify import token_hash
from .thread import authority_name

bp = Blueprint("mailbox", __name__, url_prefix="/status")

SESSION_KEY = "cases"
MAX_CASES = 10
REPLY_TEXT_MAX = 20000
#: The case statuses as the citizen reads them.
STATUS_LABELS = {
    "received": N_("Eingegangen"),
    "in_progress": N_("In Bearbeitung"),
    "info_requested": N_("Rückfrage der Behörde"),
    "decided": N_("Entschieden"),
    "closed": N_("Abgeschlossen"),
}
#: The reply's files: checked as a wizard's upload field is (portal.uploads.service).
REPLY_FILES = File({"type": "file", "name": "files", "label": {"de": "Dateien"},
                    "max_files": 5, "max_size_mb": 10, "optional": True})


def find_by_code(reference: str, code: str) -> Submission | None:
    """The submission of a reference and its access code, or None for any mismatch."""
    submission = db.session.execute(
        select(Submission).where(Submission.reference == normalise_reference(reference.strip()))
    ).scalar_one_or_none()
    expected = receipt_code(submission) if submission is not None else None
    given = hashlib.sha256(normalise_code(code).encode()).digest()
    wanted = hashlib.sha256(normalise_code(expected or "-").encode()).digest()
    if expected is None or not hmac.compare_digest(given, wanted):
        return None
    return submission


def _grant(submission: Submission) -> None:
    cases = [i for i in session.get(SESSION_KEY, []) if i != submission.id]
    session[SESSION_KEY] = [submission.id, *cases][:MAX_CASES]


def _case(reference: str) -> Submission:
    submission = db.session.execute(
        select(Submission).where(Submission.reference == reference)).scalar_one_or_none()
    if submission is None or submission.id not in session.get(SESSION_KEY, []):
        abort(redirect(url_for("mailbox.access", reference=reference), code=303))
    return submission


@bp.get("/")
def access() -> str:
    return render_template("mailbox/access.html", error=None,
                           reference=request.args.get("reference", ""), code="",
                           expired=request.args.get("link") == "expired")


@bp.post("/")
def sign_in() -> Any:
    reference = request.form.get("reference", "").strip()
    code = request.form.get("access_code", "").strip()
    submission = find_by_code(reference, code)
    if submission is None:
        # One answer for a wrong reference and a wrong code: neither is confirmed to exist.
        error = _("Zu dieser Vorgangsnummer und diesem Zugangscode haben wir keinen Vorgang "
                  "gefunden. Prüfen Sie beide Angaben.")
        return render_template("mailbox/access.html", error=error, reference=reference,
                               code=code, expired=False), 404
    _grant(submission)
    return redirect(url_for("mailbox.case", reference=submission.reference), code=303)


@bp.get("/link/<token>")
def sign_in_link(token: str) -> Response:
    """A link from a notification e-mail: opens the status page once, while it is valid."""
    moment = now()
    with unit_of_work():
        link = db.session.execute(
            select(SignInLink).where(SignInLink.token_hash == token_hash(token))
        ).scalar_one_or_none()
        used = link is not None and db.session.execute(
            update(SignInLink)
            .where(SignInLink.id == link.id, SignInLink.used_at.is_(None),
                   SignInLink.expires_at > moment)
            .values(used_at=moment).execution_options(synchronize_session=False)
        ).rowcount == 1
    if not used:
        return redirect(url_for("mailbox.access", link="expired"), code=303)
    submission = db.session.get(Submission, link.submission_id)
    _grant(submission)
    return redirect(url_for("mailbox.case", reference=submission.reference), code=303)


@bp.post("/sign-out")
def sign_out() -> Response:
    session.pop(SESSION_KEY, None)
    return redirect(url_for("mailbox.access"), code=303)


def _page(submission: Submission, errors: list[str] | None = None, text: str = "",
          status: int = 200) -> tuple[str, int]:
    form = compiled(submission.form_version)
    messages = thread.messages_of(submission)
    files = thread.files_of(messages)
    timeline = thread.history(submission)
    page = render_template(
        "mailbox/case.html", submission=submission, form=form, service=form.text(
            "title", form.language_for(current_language())),
        timeline=timeline, messages=messages, labels=STATUS_LABELS,
        authority=authority_name(submission),
        day=lambda d: format_date(d, format="long", locale=current_language()),
        files=files, errors=errors or [], text=text,
        field=REPLY_FILES, deleted=submission.deleted_at is not None,
        asked=next((m for m in reversed(messages)
                    if m.author == AUTHORITY and m.answer_requested), None),
        sent=request.args.get("sent") == "1")
    if messages and submission.deleted_at is None:
        with unit_of_work():
            thread.mark_read(messages, CITIZEN)  # the citizen has seen them: read receipts
    return page, status


@bp.get("/<reference>")
def case(reference: str) -> tuple[str, int]:
    return _page(_case(reference))


@bp.post("/<reference>/reply")
def reply(reference: str) -> Any:
    submission = _case(reference)
    if submission.deleted_at is not None:
        return _page(submission, status=410)
    text = request.form.get("body", "").strip()
    uploads = [f for f in request.files.getlist("files") if f.filename]
    errors = []
    language = current_language()
    if not text and not uploads:
        errors.append(_("Bitte schreiben Sie eine Antwort oder wählen Sie eine Datei aus."))
    if len(text) > REPLY_TEXT_MAX:
        errors.append(_("Ihre Antwort ist zu lang. Erlaubt sind höchstens %(max)s Zeichen.",
                        max=REPLY_TEXT_MAX))
    if len(uploads) > REPLY_FILES.max_files:  # the wizard's words for the same rule
        errors.append(Invalid(N_plural("Sie können hier höchstens %(max)s Datei hochladen.",
                                       "Sie können hier höchstens %(max)s Dateien hochladen.",
                                       "max"), max=REPLY_FILES.max_files).message(language))
    if errors:
        return _page(submission, errors, text, 422)
    rows: list[MessageFile] = []
    used = 0
    try:
        with unit_of_work():
            for upload in uploads:
                checked = check_and_store(REPLY_FILES, upload.stream, upload.filename, used)
                used += checked.size
                rows.append(MessageFile(
                    id=str(uuid.uuid4()), display_name=checked.name, media_type=checked.media_type,
                    size=checked.size, sha256=checked.sha256, storage_key=checked.key))
            asked = request.form.get("in_reply_to", "")
            thread.reply(submission, text, rows,
                         thread.find_message(submission, asked) if asked else None)
    except Invalid as rejected:
        for row in rows:  # refused files are deleted by the check; the accepted ones here
            storage().delete(row.storage_key)
        return _page(submission, [rejected.message(language)], text, 422)
    return redirect(url_for("mailbox.case", reference=reference, sent=1) + "#thread", code=303)


@bp.get("/<reference>/messages/<message_id>/files/<file_id>")
def message_file(reference: str, message_id: str, file_id: str) -> Response:
    submission = _case(reference)
    message = thread.find_message(submission, message_id)
    row = thread.find_file(message, file_id) if message is not None else None
    if row is None:
        abort(404)
    return _download(storage().open(row.storage_key), row.display_name, row.media_type)


@bp.get("/<reference>/receipt")
def receipt(reference: str) -> Response:
    submission = _case(reference)
    stored = ensure_receipt(submission) if submission.deleted_at is None else None
    if stored is None:
        abort(404)
    return _download(BytesIO(stored.pdf), f"{submission.reference}.pdf", "application/pdf")


def _download(stream: BinaryIO, name: str, media_type: str) -> Response:
    """A file to save (closed by the response when sent), never kept by a cache."""
    response = send_file(stream, mimetype=media_type, as_attachment=True,
                         download_name=name, conditional=False, etag=False)
    response.headers["Cache-Control"] = "no-store"  # personal data
    return response
