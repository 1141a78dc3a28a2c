"""Calendar types: a date, a time of day and a range of dates (rules in portal.engine.dates)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from .. import dates
from ..errors import Invalid
from ..fields import Field, TextInput, _text, field_type, is_blank
from ..i18n import western_digits
from ..messages import N_

DAY = {"type": "string", "format": "date", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
DATE_PARTS = {"day": "text", "month": "text", "year": "text"}


def date_parts(value: str | None) -> dict[str, str]:
    """An ISO date as the day, month and year inputs show it."""
    if not value:
        return {}
    year, month, day = value.split("-")
    return {"day": str(int(day)), "month": str(int(month)), "year": year}


@field_type
class Date(Field):
    type = "date"
    parts = ("day", "month", "year")
    template = "fields/date.html"
    collect = DATE_PARTS

    def __init__(self, spec: Mapping[str, Any], pointer: str = "") -> None:
        super().__init__(spec, pointer)
        self.rules = dates.DateRules.from_spec(spec)

    def parse(self, raw: Any, language: str) -> str:
        return dates.parse_date(raw).isoformat()

    def check(self, value: Any, today: date | None = None) -> None:
        self.rules.check(date.fromisoformat(value), today)

    def value_schema(self) -> dict[str, Any]:
        return dict(DAY)

    def display(self, value: Any, language: str, default_language: str) -> str:
        return dates.display_date(value, language)

    def prefill(self, value: Any, language: str) -> Any:
        return date_parts(value)

    def input_id(self, part: str | None = None) -> str:
        return f"{self.name}-{part or 'day'}"


@field_type
class Time(Field):
    type = "time"
    text_input = TextInput(inputmode="numeric", width="input--5")

    def parse(self, raw: Any, language: str) -> str:
        return dates.parse_time(western_digits(_text(raw)))

    def value_schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9]$"}

    def display(self, value: Any, language: str, default_language: str) -> str:
        return dates.display_time(value, language)


@field_type
class DateRange(Field):
    type = "date_range"
    parts = ("from", "to")
    template = "fields/date_range.html"
    collect = {"from": DATE_PARTS, "to": DATE_PARTS}

    def __init__(self, spec: Mapping[str, Any], pointer: str = "") -> None:
        super().__init__(spec, pointer)
        self.rules = dates.DateRules.from_spec(spec)

    def parse(self, raw: Any, language: str) -> dict[str, str]:
        raw = raw if isinstance(raw, Mapping) else {}
        value = {}
        for part in self.parts:
            if is_blank(raw.get(part)):
                raise Invalid(
                    N_("Bitte geben Sie den Beginn an.") if part == "from"
                    else N_("Bitte geben Sie das Ende an."),
                    part=part,
                )
            try:
                value[part] = dates.parse_date(raw[part]).isoformat()
            except Invalid as error:
                error.part = part
                raise
        return value

    def check(self, value: Any, today: date | None = None) -> None:
        start, end = date.fromisoformat(value["from"]), date.fromisoformat(value["to"])
        for part, day in (("from", start), ("to", end)):
            self.rules.check(day, today, part=part)
        if start > end:
            raise Invalid(N_("Das Ende darf nicht vor dem Beginn liegen."), part="to")

    def value_schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {"from": dict(DAY), "to": dict(DAY)},
            "required": ["from", "to"],
            "additionalProperties": False,
        }

    def display(self, value: Any, language: str, default_language: str) -> str:
        if not value:
            return ""
        start = dates.display_date(value["from"], language)
        end = dates.display_date(value["to"], language)
        return f"{start} – {end}"

    def prefill(self, value: Any, language: str) -> Any:
        return {"from": date_parts(value["from"]), "to": date_parts(value["to"])}

    def input_id(self, part: str | None = None) -> str:
        return f"{self.name}-{part or 'from'}-day"
