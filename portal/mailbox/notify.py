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
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from babel.dates import format_date, format_datetime
from flask import current_app, has_request_context, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from ..engine import Form
from ..extensions import db
from ..handover.lifecycle import now
from ..models import Submission
from ..publishing import compiled
from ..receipt.content import BERLIN
from .models import OutgoingMail, SignInLink
from .sealed import seal
from .thread import authority_name, destination_of


def notification_address(submission: Submission, form: Form) -> str | None:
    """The address the citizen agreed to be told at, or None."""
    if submission.deleted_at is not None:
        return None
    settings = form.definition.get("notifications") or {}
    field = settings.get("email_field")
    consent = settings.get("consent_field")
    if not field or (consent and not submission.data.get(consent)):
        return None
    address = submission.data.get(field)
    return address if isinstance(address, str) and "@" in address else None


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def external_url(endpoint: str, **values: object) -> str:
    """An absolute link: the request's own host, or AMTSWEG_PUBLIC_URL outside a request."""
    if has_request_context():
        return url_for(endpoint, _external=True, **values)
    base = urlsplit(current_app.config.get("PUBLIC_URL") or "http://localhost")
    adapter = current_app.url_map.bind(base.netloc, script_name=base.path or "/",
                                       url_scheme=base.scheme)
    return adapter.build(endpoint, values, force_external=True)


def sign_in_link(submission: Submission) -> tuple[str, datetime]:
    """A new single-use link to the status page (added to the session) and when it expires."""
    token = secrets.token_urlsafe(32)
    expires = now() + timedelta(hours=float(current_app.config["SIGN_IN_LINK_HOURS"]))
    db.session.add(SignInLink(token_hash=token_hash(token), submission_id=submission.id,
                              expires_at=expires))
    return external_url("mailbox.sign_in_link", token=token), expires


def _render(name: str, **context: object) -> str:
    """A mail template, without the page's context processors: a mail may be queued outside a
    citizen's request (the worker, a test), and its language is the citizen's, not the page's."""
    return current_app.jinja_env.get_template(name).render(**context)


def _queue(submission: Submission, form: Form, kind: str, address: str,
           **context: object) -> OutgoingMail:
    language = form.language_for(submission.language)
    with force_locale(language):
        context |= {"form": form, "reference": submission.reference,
                    "service": form.text("title", language),
                    "authority": authority_name(submission), "language": language,
                    "status_url": external_url("mailbox.access")}
        subject = form.says("subject_received" if kind == "confirmation" else "subject_news",
                            language, reference=submission.reference)
        mail = OutgoingMail(
            submission_id=submission.id, kind=kind, recipient=address, language=language,
            sender=destination.mail_from if (destination := destination_of(submission)) else None,
            subject=subject,
            text=_render(f"mail/{kind}.txt", subject=subject, **context),
            html=_render(f"mail/{kind}.html", subject=subject, **context),
            status="pending", attempts=0, next_attempt_at=now())
    db.session.add(mail)
    return mail


def confirm(submission: Submission, form: Form) -> OutgoingMail | None:
    """Queue the confirmation with the reference (in the submission's unit of work)."""
    address = notification_address(submission, form)
    return _queue(submission, form, "confirmation", address) if address else None


def announce(submission: Submission, what: str) -> OutgoingMail | None:
    """Queue 'there is news' (a message or a status) with a sign-in link; joins the unit."""
    form = compiled(submission.form_version)
    address = notification_address(submission, form)
    if not address:
        return None
    link, expires = sign_in_link(submission)
    language = form.language_for(submission.language)
    until = format_datetime(expires, format="long", tzinfo=BERLIN, locale=language)
    return _queue(submission, form, "news", address, link=link, until=until, what=what)


def resume_link(form: Form, language: str, address: str, code: str,
                expires: datetime) -> OutgoingMail:
    """Queue the link that fills in a saved application's resume code (the request's unit).

    Only the service's title, the link and the date it is kept until: never an answer. The
    bodies are sealed (`mailbox.sealed`); the row is deleted once sent."""
    language = form.language_for(language)
    link = external_url("wizard.resume", form_id=form.id, code=code) + "#resume-heading"
    until = format_date(expires.astimezone(BERLIN), format="long", locale=language)
    with force_locale(language):
        service = form.text("title", language)
        subject = _("Weitermachen: %(service)s", service=service)
        context = {"subject": subject, "service": service, "link": link, "until": until,
                   "language": language}
        mail = OutgoingMail(
            kind="resume_link", recipient=address, language=language, subject=subject,
            # The link carries the code: sealed until the worker sends it (mailbox.sealed).
            text=seal(_render("mail/resume_link.txt", **context)),
            html=seal(_render("mail/resume_link.html", **context)),
            status="pending", attempts=0, next_attempt_at=now())
    db.session.add(mail)
    return mail
