"""What a receipt says, in the citizen's language: every text, before any geometry.

The answers come from the submission data (what the caseworker receives),
labelled and displayed by the engine exactly as on the summary page.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from babel.numbers import format_currency, format_decimal

from ..engine import Field, Form, Step, text_direction
from ..engine.messages import N_, Message, N_plural, translate

BERLIN = ZoneInfo("Europe/Berlin")

RECEIPT = N_("Eingangsbestätigung")
PAGE = N_("Seite %(page)s von %(pages)s")


class SubmittedFile(Protocol):
    """What the receipt needs of an attachment (portal.models.Attachment has it)."""

    id: str
    display_name: str
    media_type: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Entry:
    """One row: a label and its answer. `code` marks a checksum, set small to fit a line."""

    label: str
    value: str
    code: bool = False


@dataclass
class Group:
    """The answers of a step, or of one entry of a repeating step (then with a heading)."""

    entries: list[Entry]
    heading: str | None = None


@dataclass
class Section:
    title: str
    groups: list[Group]
    empty: str | None = None  # shown instead of the groups when there are none


@dataclass
class ReceiptContent:
    language: str
    rtl: bool
    title: str  # the document title: receipt, reference, service
    heading: str
    service: str
    reference: str
    created: datetime
    facts: list[Entry]
    intro: str
    sections: list[Section]
    files_heading: str
    files: list[Group]  # one group of facts per file: name, type, size, SHA-256
    no_files: str
    form_heading: str
    form_facts: list[Entry]
    qr_alt: str
    footer: str
    page_label: str  # translated "Seite %(page)s von %(pages)s"

    def page_text(self, page: int, pages: int) -> str:
        return self.page_label % {"page": page, "pages": pages}


#: The locale an amount is written in, per language (a currency needs a territory).
_LOCALES = {"de": "de_DE", "en": "en_GB", "uk": "uk_UA", "tr": "tr_TR", "ar": "ar_EG"}


def receipt_content(form: Form, submission: Any, files: Iterable[SubmittedFile],
                    access_code: str | None = None, payment: Any = None) -> ReceiptContent:
    """Everything a receipt shows for `submission` (a portal.models.Submission or alike:
    reference, language, data, destination, submitted_at). `access_code` opens the status
    page (portal.mailbox) with the reference; it is printed beside it. `payment` (a
    portal.payments.models.Payment or alike: amount, currency, reference) is the fee paid."""
    language = form.language_for(submission.language)

    def t(message: Message, **params: object) -> str:
        return translate(message, language, **params)

    files = list(files)
    names = {f.id: f.display_name for f in files}
    received = _berlin(submission.submitted_at)
    received_text = t(N_("%(date)s um %(time)s Uhr"),
                      date=format_date(received, format="long", locale=language),
                      time=format_time(received, format="short", locale=language))
    service = form.text("title", language)
    return ReceiptContent(
        language=language,
        rtl=text_direction(language) == "rtl",
        title=f"{t(RECEIPT)} {submission.reference} – {service}",
        heading=t(RECEIPT),
        service=service,
        reference=submission.reference,
        created=received,
        facts=[
            Entry(t(N_("Vorgangsnummer")), submission.reference),
            *([Entry(t(N_("Zugangscode")), access_code)] if access_code else []),
            Entry(t(N_("Eingegangen")), received_text),
            Entry(t(N_("Zuständige Stelle")), _authority_text(submission)),
            *([Entry(t(N_("Kontakt")), contact)] if (contact := _contact_text(submission)) else []),
            *([Entry(t(N_("Gebühr bezahlt")), format_currency(
                payment.amount / 100, payment.currency or "EUR", locale=_LOCALES.get(
                    language, language))),
               Entry(t(N_("Kassenzeichen")), payment.reference)] if payment is not None
              and payment.status == "paid" else []),
        ],
        intro=form.says("received", language) + " " + t(N_(
            "Diese Bestätigung zeigt alle Angaben und Dateien, die Sie gesendet haben. "
            "Bitte bewahren Sie sie auf.")),
        sections=list(_sections(form, submission.data, language, names, t)),
        files_heading=t(N_("Hochgeladene Dateien")),
        files=[Group([
            Entry(t(N_("Dateiname")), f.display_name),
            Entry(t(N_("Dateityp")), f.media_type),
            Entry(t(N_("Größe")),
                  t(N_plural("%(bytes)s Byte", "%(bytes)s Bytes", "size"),
                    bytes=format_decimal(f.size, locale=language), size=f.size)),
            Entry(t(N_("SHA-256-Prüfsumme")), f.sha256, code=True),
        ]) for f in files],
        no_files=t(N_("Sie haben keine Dateien hochgeladen.")),
        form_heading=t(N_("Angaben zum Formular")),
        form_facts=[
            Entry(t(N_("Formular")), form.id),
            Entry(t(N_("Version")), form.version),
            Entry(t(N_("Prüfsumme der Formularfassung")), form.content_hash, code=True),
        ],
        qr_alt=t(N_("QR-Code mit der Vorgangsnummer %(reference)s"),
                 reference=submission.reference),
        footer=f"{t(RECEIPT)} {submission.reference}",
        page_label=t(PAGE),
    )


def _authority_text(submission: Any) -> str:
    """The responsible authority's name and postal address, as the submission recorded it;
    the destination's name only for a submission without an authority."""
    authority = getattr(submission, "authority", None)
    if not authority:
        return submission.destination
    address = authority.get("address") or {}
    lines = [authority["name"], address.get("street", ""),
             f"{address.get('postcode', '')} {address.get('city', '')}".strip()]
    return ", ".join(line for line in lines if line)


def _contact_text(submission: Any) -> str:
    """The authority's phone, e-mail and web site, as the submission recorded them."""
    contacts = (getattr(submission, "authority", None) or {}).get("contacts") or {}
    return ", ".join(contacts[key] for key in ("phone", "email", "web") if contacts.get(key))


def _berlin(moment: datetime) -> datetime:
    if moment.tzinfo is None:  # SQLite returns naive datetimes; every stored time is UTC
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(BERLIN)


def _sections(form: Form, data: Mapping[str, Any], language: str, names: Mapping[str, str],
              t: Any) -> Iterable[Section]:
    for step in form.steps:
        if not step.is_visible(data):
            continue
        title = form.text(step.title, language)
        if step.repeat is None:
            yield Section(title, [Group(_entries(form, step, data, data, language, names, t))])
            continue
        item = form.text(step.repeat.item_label, language) if step.repeat.item_label else title
        groups = [Group(_entries(form, step, entry, {**data, **entry}, language, names, t),
                        heading=f"{item} {number}")
                  for number, entry in enumerate(data.get(step.id) or [], 1)]
        yield Section(title, groups, empty=t(N_("Keine Einträge")))


def _entries(form: Form, step: Step, values: Mapping[str, Any], context: Mapping[str, Any],
             language: str, names: Mapping[str, str], t: Any) -> list[Entry]:
    """Every question of the step that applied, answered or not, as on the summary page."""
    return [Entry(form.text(f.label, language), _answer(form, f, values.get(f.name), language,
                                                        names, t))
            for f in step.questions if f.name in values or f.is_visible(context)]


def _answer(form: Form, question: Field, value: Any, language: str, names: Mapping[str, str],
            t: Any) -> str:
    if value is None or value == [] or value == "":
        return t(N_("Nicht angegeben"))
    return question.answer_text(value, language, form.default_language, names)
