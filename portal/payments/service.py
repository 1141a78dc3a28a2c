"""Paying a draft's fee: the attempt, what the provider confirms, exactly one submission.

The journey calls `begin` when a citizen sends a fee-bearing application: an attempt (a
`Payment` row, `open`, with a fresh Kassenzeichen) is written and committed before the
provider is asked to start it, so no attempt the provider knows of is missing here. The
outcome is decided only from what the provider confirms server-side: `state()` when the
citizen comes back (`confirm`), `verify_callback()` for a provider's notification
(`callback`), and `amtsweg payments reconcile` for attempts nobody came back for. All three
end in `settle`, which may run any number of times, in any order, in several processes:

- the status changes by a conditional UPDATE (`paid` is never taken back);
- a paid attempt becomes the submission through `submissions.submit`, which writes at most
  one submission per draft (unique draft id) and links the payment in the same unit of work
  (unique `payment.submission_id`), so the envelope never goes out without its payment;
- a second paid attempt for a draft already sent is recorded with a note (refund it).
"""

from __future__ import annotations

import logging
import secrets
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError

from .. import drafts
from ..authorities import AuthorityRecord, authority_record, routing
from ..engine import Form
from ..engine.fees import FeeLine, fees_for_answers, total
from ..engine.i18n import resolve
from ..extensions import db, unit_of_work
from ..reference import ALPHABET
from . import ForgedCallback, PaymentError, PaymentRequest, PaymentState, ProviderSettings, Started
from .models import Payment
from .providers import provider_for

log = logging.getLogger(__name__)

#: Notes on a paid attempt that pays for no submission (shown by reconcile; refund by hand).
ALREADY_SENT = "paid, but the application was already sent with another payment: refund it"
AMOUNT_DIFFERS = "the provider confirmed another amount than was asked for: check it"
#: An attempt the provider never confirmed starting is given up after this long.
NEVER_STARTED = timedelta(minutes=30)


class NotConfigured(PaymentError):
    """The authority takes no payments online (no provider, and the test provider is off)."""


def now() -> datetime:
    return datetime.now(UTC)


# -- what is owed ---------------------------------------------------------------------------


def overrides_of(form: Form, authority: AuthorityRecord | None) -> dict[str, int]:
    return authority.fee_overrides(form.leika_key) if authority is not None else {}


def fee_lines(form: Form, answers: Mapping[str, Any]) -> list[FeeLine]:
    """The fee items these answers make apply, at the responsible authority's amounts."""
    if not form.fees:
        return []
    responsible = routing.responsible(form, dict(answers))
    authority = responsible.authority if responsible is not None else None
    return fees_for_answers(form, answers, overrides_of(form, authority))


# -- which provider ---------------------------------------------------------------------------


def settings_for(authority: AuthorityRecord | None) -> ProviderSettings:
    """The authority's payment settings; the test provider where none are set and the
    configuration allows it (PAYMENT_TEST_PROVIDER, on for `make run`); NotConfigured else."""
    authority_id = authority.id if authority is not None else "default"
    test_allowed = bool(current_app.config.get("PAYMENT_TEST_PROVIDER"))
    if authority is not None and authority.payment:
        if authority.payment["provider"] == "test" and not test_allowed:
            raise NotConfigured(f"authority {authority_id!r} names the test provider, which "
                                "is switched off here (AMTSWEG_PAYMENT_TEST_PROVIDER)")
        return ProviderSettings(authority_id, authority.payment["provider"],
                                authority.payment.get("options") or {})
    if test_allowed:
        return ProviderSettings(authority_id, "test")
    raise NotConfigured(f"authority {authority_id!r} has no payment provider configured "
                        '("payment" in its file, docs/payments.md)')


def provider_of(payment: Payment) -> Any:
    """The provider that holds this attempt: the one it was started with, even if the
    authority has changed providers since (its options only if still the same provider)."""
    authority = authority_record(payment.authority_id)
    try:
        settings = settings_for(authority)
    except NotConfigured:
        settings = ProviderSettings(payment.authority_id or "default", payment.provider)
    if settings.provider != payment.provider:
        settings = ProviderSettings(settings.authority_id, payment.provider)
    return provider_for(settings)


# -- starting an attempt ----------------------------------------------------------------------


def new_reference(form: Form) -> str:
    """A Kassenzeichen: the form's reference prefix and 12 unambiguous characters."""
    return form.reference_prefix + "".join(secrets.choice(ALPHABET) for _ in range(12))


def description(form: Form, language: str) -> str:
    return form.text("title", form.language_for(language))[:250]


def begin(draft: drafts.StoredDraft, form: Form, lines: list[FeeLine], language: str,
          urls: Callable[[str], tuple[str, str]]) -> tuple[Payment, Started]:
    """Write a new attempt for the draft's fee and start it at the provider.

    `urls(payment_id)` gives the return URL and the callback URL (absolute). Raises
    NotConfigured or PaymentError (the attempt is then recorded as failed).
    """
    responsible = routing.responsible(form, draft.answers)
    authority = responsible.authority if responsible is not None else None
    settings = settings_for(authority)
    provider = provider_for(settings)
    moment = now()
    for _ in range(5):
        payment = Payment(
            id=str(uuid.uuid4()), reference=new_reference(form), draft_id=draft.id,
            form_version_id=draft.form_version_id,
            authority_id=authority.id if authority is not None else None,
            provider=settings.provider, amount=total(lines), currency="EUR",
            items=[line.as_record() for line in lines], language=language, status="open",
            created_at=moment, updated_at=moment)
        try:
            with unit_of_work() as session:
                session.add(payment)
            break
        except IntegrityError:  # the Kassenzeichen was taken: draw another
            continue
    else:
        raise PaymentError("could not allocate a unique payment reference")
    return_url, callback_url = urls(payment.id)
    request = PaymentRequest(reference=payment.reference, amount=payment.amount,
                             description=description(form, language), return_url=return_url,
                             callback_url=callback_url, language=language)
    try:
        started = provider.start(request)
    except PaymentError:
        _set_status(payment.id, "failed", None)
        raise
    with unit_of_work() as session:
        session.execute(update(Payment).where(Payment.id == payment.id).values(
            provider_payment_id=started.provider_payment_id, updated_at=now()))
    payment.provider_payment_id = started.provider_payment_id
    return payment, started


# -- settling -----------------------------------------------------------------------------------


def find(payment_id: str) -> Payment | None:
    return db.session.get(Payment, payment_id, populate_existing=True)


def attempts_of(draft_id: str) -> list[Payment]:
    return list(db.session.execute(select(Payment).where(Payment.draft_id == draft_id)
                                   .order_by(Payment.created_at)).scalars())


def waiting_payment(draft_id: str) -> Payment | None:
    """A confirmed payment of this draft that has not become a submission yet (the answers
    were not complete when it was confirmed): sending again uses it instead of a new one."""
    return db.session.execute(
        select(Payment).where(Payment.draft_id == draft_id, Payment.status == "paid",
                              Payment.submission_id.is_(None), Payment.note.is_(None))
        .order_by(Payment.paid_at).limit(1)).scalar_one_or_none()


def _set_status(payment_id: str, status: str, paid_at: datetime | None) -> bool:
    """Record a confirmed status; only `open` (or anything but `paid`, for `paid`) changes."""
    condition = Payment.status != "paid" if status == "paid" else Payment.status == "open"
    values: dict[str, Any] = {"status": status, "updated_at": now()}
    if status == "paid":
        values["paid_at"] = paid_at or now()
    with unit_of_work() as session:
        result = session.execute(update(Payment).where(Payment.id == payment_id, condition)
                                 .values(values))
    return result.rowcount == 1


def _note(payment_id: str, note: str) -> None:
    with unit_of_work() as session:
        session.execute(update(Payment).where(Payment.id == payment_id, Payment.note.is_(None))
                        .values(note=note, updated_at=now()))


@dataclass
class Settled:
    """What became of an attempt: its row, and the submission it made or found (if any)."""

    payment: Payment
    submission: Any = None
    incomplete: bool = False


def settle(payment: Payment, state: PaymentState) -> Settled:
    """Record what the provider confirmed; a paid attempt becomes the submission, once."""
    if state.provider_payment_id != payment.provider_payment_id:
        raise ForgedCallback("the confirmation is about another payment")
    if state.status != "open":
        _set_status(payment.id, state.status, state.paid_at)
    if state.status == "paid" and state.amount is not None and state.amount != payment.amount:
        _note(payment.id, AMOUNT_DIFFERS)
    payment = find(payment.id)
    if payment.status == "paid" and payment.submission_id is None and payment.note is None:
        return submit_paid(payment)
    return Settled(payment, _submission_of(payment))


def _submission_of(payment: Payment) -> Any:
    from ..models import Submission

    return db.session.get(Submission, payment.submission_id) if payment.submission_id else None


def submit_paid(payment: Payment) -> Settled:
    """Make the submission a paid attempt paid for (or find the one already made)."""
    from ..submissions import NotComplete, submission_for, submit

    draft = drafts.find_draft_any(payment.draft_id)
    if draft is None:  # kept while a payment waits (drafts.delete_expired); never expected
        log.error("payment %s is paid but its draft is gone", payment.reference)
        _note(payment.id, "paid, but the draft is gone: contact the citizen")
        return Settled(find(payment.id))
    if draft.submitted_at is not None:
        submission = submission_for(draft)
        if submission is not None and not _link(payment, submission.id):
            _note(payment.id, ALREADY_SENT)
        return Settled(find(payment.id), submission)
    try:
        submission = submit(draft, payment_id=payment.id)
    except NotComplete:
        # Changed in another window after paying: the citizen completes the answers and
        # sends again; the paid attempt is used then (waiting_payment), never paid twice.
        return Settled(find(payment.id), None, incomplete=True)
    except drafts.DraftGone:
        return Settled(find(payment.id))
    payment = find(payment.id)
    if payment.submission_id is None and not _link(payment, submission.id):
        _note(payment.id, ALREADY_SENT)
        payment = find(payment.id)
    return Settled(payment, submission)


def _link(payment: Payment, submission_id: str) -> bool:
    """Name the submission on the attempt, unless another attempt already paid for it."""
    try:
        with unit_of_work() as session:
            taken = session.execute(select(Payment.id).where(
                Payment.submission_id == submission_id)).scalar_one_or_none()
            if taken is not None:
                return taken == payment.id
            session.execute(update(Payment).where(Payment.id == payment.id,
                                                  Payment.submission_id.is_(None))
                            .values(submission_id=submission_id, updated_at=now()))
        return True
    except IntegrityError:
        return False


def link_in_unit(payment_id: str, submission_id: str) -> None:
    """Inside submit's unit of work: the submission and its payment commit together."""
    db.session.execute(update(Payment).where(Payment.id == payment_id,
                                             Payment.submission_id.is_(None))
                       .values(submission_id=submission_id, updated_at=now()))


def confirm(payment: Payment) -> Settled:
    """The citizen came back: ask the provider what became of the payment."""
    if payment.provider_payment_id is None:
        return Settled(payment)
    if payment.status in ("failed", "cancelled") or (
            payment.status == "paid" and (payment.submission_id or payment.note)):
        return Settled(payment, _submission_of(payment))
    state = provider_of(payment).state(payment.provider_payment_id)
    return settle(payment, state)


def expected(payment: Payment) -> PaymentRequest:
    """The attempt as it was asked for: a provider refuses a callback about another reference
    or amount (`verify_callback(..., expected=…)`)."""
    return PaymentRequest(reference=payment.reference, amount=payment.amount, description="",
                          return_url="", callback_url="", language=payment.language,
                          currency=payment.currency)


def callback(payment: Payment, form: Mapping[str, str], headers: Mapping[str, str],
             body: bytes | None = None) -> Settled:
    """A provider's notification: its signature checked by the provider (over the raw `body`
    where it signs that), then settled."""
    state = provider_of(payment).verify_callback(form, headers, body=body,
                                                 expected=expected(payment))
    if state.reference is not None and state.reference != payment.reference:
        raise ForgedCallback("the notification names another reference")
    return settle(payment, state)


def notification(authority_id: str, form: Mapping[str, str], headers: Mapping[str, str],
                 body: bytes | None = None) -> Settled | None:
    """A notification sent to the authority's one address: verified by the authority's
    provider, then settled on the attempt it names (None: no such attempt here)."""
    authority = authority_record(authority_id)
    if authority is None:
        return None
    settings = settings_for(authority)
    state = provider_for(settings).verify_callback(form, headers, body=body)
    payment = db.session.execute(select(Payment).where(
        Payment.authority_id == authority_id, Payment.provider == settings.provider,
        Payment.provider_payment_id == state.provider_payment_id)).scalar_one_or_none()
    if payment is None:
        return None
    if state.reference is not None and state.reference != payment.reference:
        raise ForgedCallback("the notification names another reference")
    if state.amount is not None and state.amount != payment.amount:
        raise ForgedCallback("the notification confirms another amount")
    return settle(payment, state)


# -- reconciling --------------------------------------------------------------------------------


def unsettled() -> list[Payment]:
    """Attempts still open, and paid ones that have not become a submission."""
    return list(db.session.execute(
        select(Payment).where(or_(
            Payment.status == "open",
            (Payment.status == "paid") & Payment.submission_id.is_(None)
            & Payment.note.is_(None)))
        .order_by(Payment.created_at)).scalars())


def reconcile(say: Callable[[str], None]) -> dict[str, int]:
    """Ask the provider about every unsettled attempt and settle it; says what it did."""
    counts = {"paid": 0, "open": 0, "failed": 0, "cancelled": 0, "errors": 0}
    for payment in unsettled():
        try:
            if payment.status == "paid":
                result = submit_paid(payment)
            elif payment.provider_payment_id is None:
                if now() - _aware(payment.created_at) > NEVER_STARTED:
                    _set_status(payment.id, "failed", None)
                    say(f"{payment.reference}: never started at {payment.provider}; "
                        "recorded as failed")
                    counts["failed"] += 1
                continue
            else:
                state = provider_of(payment).state(payment.provider_payment_id)
                result = settle(payment, state)
        except (PaymentError, ForgedCallback) as error:
            say(f"{payment.reference}: {payment.provider} could not be asked: {error}")
            counts["errors"] += 1
            continue
        row = result.payment
        counts[row.status] = counts.get(row.status, 0) + 1
        if row.status == "paid" and result.submission is not None and row.submission_id:
            say(f"{row.reference}: paid; application {result.submission.reference} sent")
        elif row.status == "paid":
            say(f"{row.reference}: paid; " + (row.note or "the answers are not complete yet, "
                                                "the citizen sends them again"))
        else:
            say(f"{row.reference}: {row.status}")
    for row in db.session.execute(select(Payment).where(Payment.note.is_not(None),
                                                        Payment.status == "paid")).scalars():
        say(f"{row.reference}: NOTE {row.note}")
    return counts


def _aware(moment: datetime) -> datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def payment_of(submission_id: str) -> Payment | None:
    """The paid attempt that paid for a submission."""
    return db.session.execute(select(Payment).where(Payment.submission_id == submission_id)
                              ).scalar_one_or_none()


def label(line: Mapping[str, Any], language: str) -> str:
    return resolve(line.get("label"), language, "de")


# -- configuration --------------------------------------------------------------------------------


def authorities_serving(form: Form) -> list[AuthorityRecord | None]:
    """Every authority that can receive this form's applications (None: no authority)."""
    from ..authorities import destination_owner, rows_for

    by = form.jurisdiction.get("by")
    if by == "fixed":
        ids = [form.jurisdiction.get("authority")]
    elif by == "choice":
        ids = list(form.jurisdiction.get("authorities") or [])
    elif by == "postcode":
        ids = sorted({row.authority_id for row in rows_for(form.leika_key or "",
                                                           everywhere=True)})
    else:  # no jurisdiction: the destination's authority, or none
        return [authority_record(destination_owner(form.destination))]
    # An authority named that does not exist serves nothing (routing finds no one there).
    return [record for record in map(authority_record, ids) if record is not None]


def configuration_problems(forms: list[Form]) -> list[str]:
    """Why a fee-bearing form could not be paid for somewhere: an authority without a provider
    (and the test provider off), an unknown provider, a missing secret. Empty when all is well."""
    problems = []
    for form in forms:
        if not form.fees:
            continue
        for authority in authorities_serving(form):
            who = authority.id if authority is not None else f"destination {form.destination}"
            try:
                provider_for(settings_for(authority))
            except PaymentError as error:
                problems.append(f"{form.id}: charges a fee, but {who} cannot take it: {error}")
    return problems
