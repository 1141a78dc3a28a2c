"""The everyday types of a German authority: name, postal address, postcode, IBAN, date range."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from typing import Any

import schwifty
from babel import Locale
from schwifty import registry
from schwifty.exceptions import SchwiftyException

from . import dates
from .errors import Invalid
from .fields import TOO_LONG, Field, _text, field_type, is_blank
from .i18n import western_digits
from .messages import N_, N_plural

POSTCODE_DE = re.compile(r"(?!00)[0-9]{5}")


def check_postcode_de(value: str, part: str | None = None) -> None:
    if not POSTCODE_DE.fullmatch(value):
        raise Invalid(N_("Eine Postleitzahl in Deutschland hat fünf Ziffern, zum Beispiel 10115."), part=part)


class Composite(Field):
    """A field made of several inputs, answered as one object."""

    #: part -> (required, max length, message when missing)
    part_rules: dict[str, tuple[bool, int, str]] = {}

    def parse(self, raw: Any, language: str) -> dict[str, str]:
        raw = raw if isinstance(raw, Mapping) else {}
        value = {}
        for part in self.parts:
            text = " ".join(_text(raw.get(part)).split())
            if text:
                value[part] = text
        return value

    def check(self, value: Any, today: date | None = None) -> None:
        for part in self.parts:
            required, max_length, missing = self.part_rules[part]
            text = value.get(part, "")
            if required and not text:
                raise Invalid(missing, part=part)
            if len(text) > max_length:
                raise Invalid(TOO_LONG, part=part, max=max_length, count=len(text))

    def value_schema(self) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {
                part: {"type": "string", "minLength": 1, "maxLength": rule[1]}
                for part, rule in self.part_rules.items()
                if part in self.parts
            },
            "required": [p for p in self.parts if self.part_rules[p][0]],
            "additionalProperties": False,
        }

    def display(self, value: Any, language: str, default_language: str) -> str:
        return " ".join(value.get(p, "") for p in self.parts if value.get(p)) if value else ""


@field_type
class PersonName(Composite):
    type = "person_name"
    part_rules = {
        "title": (False, 50, ""),
        "given_name": (True, 100, N_("Bitte geben Sie den Vornamen an.")),
        "family_name": (True, 100, N_("Bitte geben Sie den Familiennamen an.")),
    }

    def __init__(self, spec: Mapping[str, Any], pointer: str = "") -> None:
        super().__init__(spec, pointer)
        self.with_title = bool(spec.get("with_title"))
        self.parts = ("title", "given_name", "family_name") if self.with_title else (
            "given_name",
            "family_name",
        )


@lru_cache(maxsize=8)
def country_names(language: str) -> dict[str, str]:
    """ISO 3166-1 alpha-2 codes and their names in `language`, from Babel's CLDR data."""
    names = Locale.parse(language).territories
    return {
        code: name
        for code, name in sorted(names.items(), key=lambda item: item[1])
        if len(code) == 2 and code.isalpha() and code not in {"EU", "EZ", "UN", "QO", "XA", "XB", "ZZ"}
    }


@field_type
class Address(Composite):
    type = "address"
    parts = ("street", "house_number", "postcode", "city", "country")
    part_rules = {
        "street": (True, 100, N_("Bitte geben Sie die Straße an.")),
        "house_number": (True, 12, N_("Bitte geben Sie die Hausnummer an.")),
        "postcode": (True, 10, N_("Bitte geben Sie die Postleitzahl an.")),
        "city": (True, 100, N_("Bitte geben Sie den Ort an.")),
        "country": (True, 2, N_("Bitte wählen Sie das Land aus.")),
    }

    def __init__(self, spec: Mapping[str, Any], pointer: str = "") -> None:
        super().__init__(spec, pointer)
        self.any_country = spec.get("countries", "DE") == "any"

    def is_blank(self, raw: Any) -> bool:
        # The country is preselected in the browser; an address is blank without the rest.
        if isinstance(raw, Mapping):
            return is_blank({k: v for k, v in raw.items() if k != "country"})
        return is_blank(raw)

    def parse(self, raw: Any, language: str) -> dict[str, str]:
        value = super().parse(raw, language)
        value["country"] = value.get("country", "DE").upper() if self.any_country else "DE"
        return value

    def check(self, value: Any, today: date | None = None) -> None:
        super().check(value, today)
        if value["country"] not in country_names("en"):
            raise Invalid(N_("Bitte wählen Sie das Land aus."), part="country")
        if value["country"] == "DE":
            check_postcode_de(value["postcode"], part="postcode")
        if not any(ch.isdigit() for ch in value["house_number"]):
            raise Invalid(
                N_("Eine Hausnummer enthält eine Zahl, zum Beispiel 12 oder 12a."),
                part="house_number",
            )

    def value_schema(self) -> dict[str, Any]:
        schema = super().value_schema()
        schema["properties"]["country"] = (
            {"type": "string", "pattern": "^[A-Z]{2}$", "description": "ISO 3166-1 alpha-2"}
            if self.any_country
            else {"const": "DE"}
        )
        return schema

    def display(self, value: Any, language: str, default_language: str) -> str:
        if not value:
            return ""
        lines = [
            f"{value['street']} {value['house_number']}",
            f"{value['postcode']} {value['city']}",
        ]
        if value["country"] != "DE" or self.any_country:
            lines.append(country_names(language).get(value["country"], value["country"]))
        return "\n".join(lines)


@field_type
class PostcodeDE(Field):
    type = "postcode_de"
    autocomplete_default = "postal-code"

    def parse(self, raw: Any, language: str) -> str:
        return western_digits(_text(raw)).replace(" ", "")

    def check(self, value: Any, today: date | None = None) -> None:
        check_postcode_de(value)

    def value_schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": "^[0-9]{5}$"}


def iban_length(country: str) -> int | None:
    """The length of an IBAN from `country` in the IBAN registry (schwifty's), None if unknown."""
    try:
        return registry.get_iban_spec(country).iban_length
    except SchwiftyException:
        return None


def iban_is_valid(iban: str) -> bool:
    """A registered country, its length and structure, and the ISO 7064 mod 97-10 checksum."""
    try:
        schwifty.IBAN(iban)
    except SchwiftyException:
        return False
    return True


@field_type
class IBAN(Field):
    type = "iban"

    def parse(self, raw: Any, language: str) -> str:
        return "".join(_text(raw).split()).upper()

    def check(self, value: Any, today: date | None = None) -> None:
        length = iban_length(value[:2])
        if length is not None and len(value) != length:
            raise Invalid(
                N_plural("Eine IBAN aus diesem Land hat %(length)s Zeichen; "
                         "Sie haben %(count)s eingegeben.",
                         "Eine IBAN aus diesem Land hat %(length)s Zeichen; "
                         "Sie haben %(count)s eingegeben.", "length"),
                length=length,
                count=len(value),
            )
        if not iban_is_valid(value):
            raise Invalid(
                N_("Diese IBAN ist nicht gültig. Bitte prüfen Sie sie, zum Beispiel DE02 1203 0000 0000 2020 51.")
            )

    def value_schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": "^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$"}

    def display(self, value: Any, language: str, default_language: str) -> str:
        return " ".join(value[i : i + 4] for i in range(0, len(value), 4)) if value else ""


@field_type
class DateRange(Field):
    type = "date_range"
    parts = ("from", "to")

    def __init__(self, spec: Mapping[str, Any], pointer: str = "") -> None:
        super().__init__(spec, pointer)
        self.rules = dates.DateRules.from_spec(spec)

    def parse(self, raw: Any, language: str) -> dict[str, str]:
        raw = raw if isinstance(raw, Mapping) else {}
        value = {}
        for part in self.parts:
            if is_blank(raw.get(part)):
                raise Invalid(
                    N_("Bitte geben Sie den Beginn an.") if part == "from" else N_("Bitte geben Sie das Ende an."),
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
        day = {"type": "string", "format": "date", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}
        return {
            "type": "object",
            "properties": {"from": day, "to": day},
            "required": ["from", "to"],
            "additionalProperties": False,
        }

    def display(self, value: Any, language: str, default_language: str) -> str:
        if not value:
            return ""
        return f"{dates.display_date(value['from'], language)} – {dates.display_date(value['to'], language)}"
