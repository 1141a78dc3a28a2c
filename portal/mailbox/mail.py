"""Sending the queued e-mails: by SMTP (AMTSWEG_SMTP_URL), or as .eml files in instance/mail/.

The worker (`amtsweg worker`) calls `send_due` in its sweep; a request never
sends. A mail is claimed with a lease (as the outbox's deliveries are), sent,
and marked sent in its own commit; a failure is retried with the outbox's
back-off until AMTSWEG_GIVE_UP_HOURS, then the mail is `dead` (in the log).

AMTSWEG_SMTP_URL: `smtp://host:25` (plain), `smtp://user:password@host:587?starttls=1`
(STARTTLS), `smtps://user:password@host:465` (TLS from the start).
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from flask import current_app
from sqlalchemy import and_, delete, or_, update

from ..extensions import db
from ..handover.lifecycle import now
from ..handover.outbox import RetryPolicy, claim_rows
from .models import FORGOTTEN_ONCE_SENT, OutgoingMail
from .sealed import Unreadable, unseal

log = logging.getLogger("amtsweg.mail")
LEASE_SECONDS = 120.0


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    tls: bool  # smtps: TLS from the first byte
    starttls: bool
    user: str | None
    password: str | None

    @classmethod
    def from_url(cls, url: str) -> SmtpServer:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("AMTSWEG_SMTP_URL is smtp://host:port or smtps://user:password@host")
        query = parse_qs(parts.query)
        return cls(host=parts.hostname, port=parts.port or (465 if parts.scheme == "smtps" else 25),
                   tls=parts.scheme == "smtps",
                   starttls=query.get("starttls", ["0"])[0] in ("1", "true", "yes"),
                   user=unquote(parts.username) if parts.username else None,
                   password=unquote(parts.password) if parts.password else None)

    def send(self, message: EmailMessage, timeout: float) -> None:
        context = ssl.create_default_context()
        if self.tls:
            connection: smtplib.SMTP = smtplib.SMTP_SSL(self.host, self.port, timeout=timeout,
                                                        context=context)
        else:
            connection = smtplib.SMTP(self.host, self.port, timeout=timeout)
        with connection:
            if self.starttls:
                connection.starttls(context=context)
            if self.user:
                connection.login(self.user, self.password or "")
            connection.send_message(message)


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def compose(mail: OutgoingMail, sender: str) -> EmailMessage:
    """The e-mail as text with an HTML alternative; its Message-ID stays the same on retries."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = mail.recipient
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(_aware(mail.created_at))
    message["Message-ID"] = make_msgid(f"amtsweg-mail-{mail.id}", domain="amtsweg.invalid")
    message["Content-Language"] = mail.language
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(unseal(mail.text))  # a resume link's bodies are sealed in the queue
    message.add_alternative(unseal(mail.html), subtype="html")
    return message


def _due(moment: datetime):
    return and_(OutgoingMail.status == "pending", OutgoingMail.next_attempt_at <= moment,
                or_(OutgoingMail.claimed_until.is_(None), OutgoingMail.claimed_until < moment))


def claim(limit: int, moment: datetime) -> list[tuple[int, str]]:
    """Claim up to `limit` due mails with a lease, committed before anything is sent."""
    return claim_rows(OutgoingMail, _due, limit, LEASE_SECONDS, clock=lambda: moment)


def _deliver(message: EmailMessage, mail_id: int) -> None:
    config = current_app.config
    if config.get("SMTP_URL"):
        SmtpServer.from_url(config["SMTP_URL"]).send(
            message, float(config.get("HANDOVER_TIMEOUT_SECONDS", 15)))
        return
    folder = Path(config["MAIL_DIR"])
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{mail_id:08d}.eml"
    path.write_bytes(bytes(message))
    log.info("e-mail %s written to %s (no AMTSWEG_SMTP_URL configured)", mail_id, path)


def send_due(moment: datetime | None = None, limit: int = 20) -> Counter:
    """Send what is due; returns how many were sent, failed (retried later) or given up."""
    config = current_app.config
    policy = RetryPolicy.from_config(config)
    tally: Counter = Counter()
    for mail_id, token in claim(limit, moment or now()):
        mail = db.session.get(OutgoingMail, mail_id)
        attempts, created = mail.attempts + 1, _aware(mail.created_at)
        forget = mail.kind in FORGOTTEN_ONCE_SENT
        try:
            message: EmailMessage | None = compose(mail, mail.sender or config["MAIL_FROM"])
            unreadable = None
        except Unreadable as error:  # sealed under another SECRET_KEY: it never opens again
            message, unreadable = None, error
        db.session.rollback()  # nothing held open while the server is waited for
        try:
            if unreadable is not None:
                raise unreadable
            _deliver(message, mail_id)
            values: dict = {"status": "sent", "sent_at": now(), "last_error": None}
            result = "mail_sent"
        except (OSError, smtplib.SMTPException, ValueError) as error:
            finished = now()
            reason = f"{type(error).__name__}: {error}"[:500]
            if unreadable is not None or \
                    finished - created >= timedelta(seconds=policy.give_up_seconds):
                values, result = {"status": "dead", "last_error": reason}, "mail_dead"
            else:
                values = {"last_error": reason, "next_attempt_at": finished + timedelta(
                    seconds=policy.delay(attempts))}
                result = "mail_failed"
            log.warning("e-mail %s attempt %d failed: %s", mail_id, attempts, reason)
        mine = (OutgoingMail.id == mail_id, OutgoingMail.claim_token == token)
        if forget and values.get("status") in ("sent", "dead"):
            # A resume link: the address and the code go with the row (the log keeps the id).
            db.session.execute(delete(OutgoingMail).where(*mine)
                               .execution_options(synchronize_session=False))
        else:
            db.session.execute(
                update(OutgoingMail).where(*mine)
                .values(claimed_until=None, claim_token=None, attempts=attempts, **values)
                .execution_options(synchronize_session=False))
        db.session.commit()
        tally[result] += 1
    return tally
