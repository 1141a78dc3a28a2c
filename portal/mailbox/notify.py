"""Telling the citizen by e-mail: a confirmation after the submit, and that there is news.

An e-mail never carries an answer, a status note or a message's text: only
the reference, that there is news, and where to read it (the status page,
through a single-use sign-in link valid for SIGN_IN_LINK_HOURS). Mails are
rendered here, in the citizen's language, and queued in the request's unit
of work; the worker sends them (portal.mailbox.mail), never the request.

A form opts in with `"notifications": {"email_field": …, "consent_field": …}`
(docs/form-definitions.md): the address is the answer of the e-mail field, and
only when the consent checkbox (on the same page) was ticked.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from ..extensions import db
from ..handover.lifecycle import now
from ..models import Submission
from ..publishing import compiled
from .models import OutgoingMail, SignInLink


def notification_address(submission: Submission) -> str | None:
    """The address the citizen agreed to be told at, or None."""
    if submission.deleted_at is not None:
        return None
    settings = compiled(submission.form_version).definition.get("notifications") or {}
    field = settings.get("email_field")
    consent = settings.get("consent_field")
    if not field or (consent and not submission.data.get(consent)):
        return None
    address = submission.data.get(field)
    return address if isinstance(address, str) and "@" in address else None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def sign_in_link(submission: Submission) -> tuple[str, str]:
    """A new single-use link to the status page (added to the session) and its expiry text."""
    token = secrets.token_urlsafe(32)
    hours = float(current_app.config["SIGN_IN_LINK_HOURS"])
    db.session.add(SignInLink(token_hash=token_hash(token), submission_id=submission.id,
                              expires_at=now() + timedelta(hours=hours)))
    return url_for("mailbox.sign_in_link", token=token, _external=True), hours


def _queue(submission: Submission, kind: str, address: str, **context: object) -> OutgoingMail:
    form = compiled(submission.form_version)
    language = form.language_for(submission.language)
    with force_locale(language):
        context |= {"reference": submission.reference, "service": form.text("title", language),
                    "authority": submission.destination, "language": language,
                    "status_url": url_for("mailbox.access", _external=True)}
        subject = (_("Ihr Antrag %(reference)s ist eingegangen", reference=submission.reference)
                   if kind == "confirmation" else
                   _("Neuigkeiten zu Ihrem Antrag %(reference)s", reference=submission.reference))
        mail = OutgoingMail(
            submission_id=submission.id, kind=kind, recipient=address, language=language,
            subject=subject,
            text=render_template(f"mail/{kind}.txt", subject=subject, **context),
            html=render_template(f"mail/{kind}.html", subject=subject, **context),
            status="pending", attempts=0, next_attempt_at=now())
    db.session.add(mail)
    return mail


def confirm(submission: Submission) -> OutgoingMail | None:
    """Queue the confirmation with the reference (in the submission's unit of work)."""
    address = notification_address(submission)
    return _queue(submission, "confirmation", address) if address else None


def announce(submission: Submission, what: str) -> OutgoingMail | None:
    """Queue 'there is news' (a message or a status) with a sign-in link; joins the unit."""
    address = notification_address(submission)
    if not address:
        return None
    link, hours = sign_in_link(submission)
    return _queue(submission, "news", address, link=link, hours=int(hours), what=what)
