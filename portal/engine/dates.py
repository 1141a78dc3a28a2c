"""Dates and times: tolerant parsing, the definition's date rules, locale display."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from babel.dates import format_date, format_time

from .errors import Invalid
from .i18n import western_digits
from .messages import N_

NOT_A_DATE = N_("Bitte geben Sie ein gültiges Datum an, zum Beispiel 27.03.2024.")
RELATIVE = re.compile(r"today(?:([+-])(\d+)([dmy]))?")


def today_in_germany() -> date:
    # Dates like "not in the future" are judged on the authority's calendar.
    from zoneinfo import ZoneInfo

    return datetime.now(ZoneInfo("Europe/Berlin")).date()


def parse_date(raw: Any) -> date:
    """A date from day/month/year inputs or from text (27.03.2024, 27/3/2024, 2024-03-27)."""
    if isinstance(raw, Mapping):
        parts = {k: western_digits(str(raw.get(k) or "")).strip() for k in ("day", "month", "year")}
        missing = [k for k, v in parts.items() if not v]
        if missing:
            raise Invalid(
                {
                    "day": N_("Das Datum braucht einen Tag."),
                    "month": N_("Das Datum braucht einen Monat."),
                    "year": N_("Das Datum braucht ein Jahr."),
                }[missing[0]],
                part=missing[0],
            )
        day, month, year = parts["day"], parts["month"], parts["year"]
    else:
        text = western_digits(str(raw or "")).strip()
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", text):
            year, month, day = m.groups()
        elif m := re.fullmatch(r"(\d{1,2})\s*[./-]\s*(\d{1,2})\s*[./-]\s*(\d{4})", text):
            day, month, year = m.groups()
        else:
            raise Invalid(NOT_A_DATE)
    if not (day.isdigit() and month.isdigit() and year.isdigit()):
        raise Invalid(NOT_A_DATE)
    if len(year) != 4:
        raise Invalid(N_("Bitte geben Sie das Jahr mit vier Ziffern an."), part="year")
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise Invalid(NOT_A_DATE) from None


def parse_time(text: str) -> str:
    m = re.fullmatch(r"(\d{1,2})(?:[:.h](\d{2}))?(?:\s*(?:Uhr|h))?", text.strip())
    if not m or int(m.group(1)) > 23 or int(m.group(2) or 0) > 59:
        raise Invalid(N_("Bitte geben Sie eine Uhrzeit wie 14:30 an."))
    return f"{int(m.group(1)):02d}:{int(m.group(2) or 0):02d}"


def resolve_rule(rule: str, today: date) -> date:
    """`today`, `today-10y`, `today+30d` or an ISO date, as a date."""
    m = RELATIVE.fullmatch(rule)
    if not m:
        return date.fromisoformat(rule)
    sign, amount, unit = m.groups()
    if not sign:
        return today
    n = int(amount) * (1 if sign == "+" else -1)
    if unit == "d":
        return today + timedelta(days=n)
    months = n * (12 if unit == "y" else 1)
    year, month = divmod(today.month - 1 + months, 12)
    year += today.year
    # 29 February minus a year is 28 February: clamp to the month's last day.
    for day in (today.day, 30, 29, 28):
        try:
            return date(year, month + 1, day)
        except ValueError:
            continue
    raise AssertionError("unreachable")


@dataclass(frozen=True)
class DateRules:
    not_in_future: bool = False
    not_in_past: bool = False
    not_before: str | None = None
    not_after: str | None = None

    @classmethod
    def from_spec(cls, spec: Mapping[str, Any]) -> DateRules:
        return cls(
            bool(spec.get("not_in_future")),
            bool(spec.get("not_in_past")),
            spec.get("not_before"),
            spec.get("not_after"),
        )

    def check(self, value: date, today: date | None = None, part: str | None = None) -> None:
        today = today or today_in_germany()
        if self.not_in_future and value > today:
            raise Invalid(N_("Das Datum darf nicht in der Zukunft liegen."), part=part,
                          rule="not_in_future")
        if self.not_in_past and value < today:
            raise Invalid(N_("Das Datum darf nicht in der Vergangenheit liegen."), part=part,
                          rule="not_in_past")
        if self.not_before and value < (limit := resolve_rule(self.not_before, today)):
            raise Invalid(N_("Das Datum darf nicht vor dem %(date)s liegen."), part=part,
                          rule="not_before", date=limit)
        if self.not_after and value > (limit := resolve_rule(self.not_after, today)):
            raise Invalid(N_("Das Datum darf nicht nach dem %(date)s liegen."), part=part,
                          rule="not_after", date=limit)


def display_date(value: str | None, language: str) -> str:
    return format_date(date.fromisoformat(value), format="long", locale=language) if value else ""


def display_time(value: str | None, language: str) -> str:
    return format_time(time.fromisoformat(value), format="short", locale=language) if value else ""
