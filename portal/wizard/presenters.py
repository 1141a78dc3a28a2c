"""Template helpers: answers, sizes and times as the citizen reads them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time
from babel.lists import format_list
from babel.numbers import format_decimal
from flask import g
from flask_babel import gettext as _
from flask_babel import ngettext
from markupsafe import Markup, escape

from ..engine import Field, Step
from ..languages import current_language
from ..models import Attachment
from ..uploads.checks import describe_types
from . import bp
from .reveal import page_answers, reveal_attributes

BERLIN = ZoneInfo("Europe/Berlin")


@bp.app_template_filter("filesize")
def filesize(size: int) -> str:
    language = current_language()
    if size < 1024 * 1024:
        return f"{format_decimal(max(size / 1024, 0.1), format='#,##0.#', locale=language)} KB"
    return f"{format_decimal(size / 1024 / 1024, format='#,##0.#', locale=language)} MB"


def _berlin(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(BERLIN)


@bp.app_template_filter("berlin_date")
def berlin_date(moment: datetime) -> str:
    return format_date(_berlin(moment), format="long", locale=current_language())


@bp.app_template_global("now_utc")
def now_utc() -> datetime:
    """Now, for a page that dates itself (the printed summary)."""
    return datetime.now(UTC)


@bp.app_template_filter("berlin_time")
def berlin_time(moment: datetime) -> str:
    return format_time(_berlin(moment), format="short", locale=current_language())


@bp.app_template_global()
def upload_rules(field: Field) -> str:
    """What a file field allows, in words: "PDF, JPEG or PNG, at most 10 MB per file"."""
    language = current_language()
    types = format_list(describe_types(field.accept), style="or", locale=language)
    size = format_decimal(field.max_size_mb, locale=language)
    text = _("Erlaubt: %(types)s, höchstens %(size)s MB je Datei.", types=types, size=size)
    if field.max_files > 1:
        text += " " + ngettext("Bis zu %(count)s Datei.", "Bis zu %(count)s Dateien.",
                               field.max_files, count=field.max_files)
    return text


@bp.app_template_global()
def show_answer(field: Field, value: Any) -> Markup:
    """An answer for the summary page; files by name, line breaks kept."""
    form, language = g.form, current_language()
    if value is None or value == [] or value == "":
        return Markup('<span class="summary-list__empty">{}</span>').format(_("Nicht angegeben"))
    text = field.answer_text(value, language, form.default_language,
                             g.get("attachment_names") or {})
    return Markup("<br>").join(escape(line) for line in text.split("\n"))


@bp.app_template_global()
def summarise_entry(step: Step, entry: dict[str, Any]) -> str:
    """A one-line description of an entry of a repeating step, from its first answers."""
    form, language = g.form, current_language()
    parts = []
    for field in step.questions:
        if field.name in entry and field.type not in ("file", "checkbox"):
            parts.append(field.display(entry[field.name], language, form.default_language))
        if len(parts) == 2:
            break
    return " – ".join(p.replace("\n", ", ") for p in parts if p)


@bp.app_template_global()
def reveal(field: Field, step: Step) -> Markup:
    return reveal_attributes(field, step)


@bp.app_template_global()
def reveal_answers(step: Step, journey: Any) -> dict[str, Any]:
    """What the page's conditions read of earlier answers (a `live` part of the page)."""
    return page_answers(step, journey.earlier_answers(step))


def attachment_names(attachments: list[Attachment]) -> dict[str, str]:
    return {a.id: a.display_name for a in attachments}
