"""A postal address, and a German postcode on its own."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from ..countries import CODES, country_names
from ..errors import Invalid
from ..fields import Composite, Field, Note, TextInput, _text, field_type, is_blank
from ..i18n import western_digits
from ..messages import N_

POSTCODE_DE = re.compile(r"(?!00)[0-9]{5}")


def check_postcode_de(value: str, part: str | None = None) -> None:
    if not POSTCODE_DE.fullmatch(value):
        raise Invalid(N_("Eine Postleitzahl in Deutschland hat fünf Ziffern, zum Beispiel 10115."),
                      part=part)


@field_type
class Address(Composite):
    type = "address"
    template = "fields/address.html"
    parts = ("street", "house_number", "postcode", "city", "country")
    collect = {"street": "text", "house_number": "text", "postcode": "text", "city": "text",
               "country": ("text", "DE")}
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
            {"type": "string", "enum": list(CODES), "description": "ISO 3166-1 alpha-2"}
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

    def country_options(self, language: str) -> list[tuple[str, str]]:
        """Every country as (ISO code, name in `language`), for the address's select: the one
        list of `portal.engine.countries`, as the `country` type has it."""
        return list(country_names(language).items())

    @classmethod
    def describe(cls, spec: Mapping[str, Any]) -> list[Note]:
        if spec.get("countries") == "any":
            return [(N_("Anschriften in allen Ländern"), {})]
        return [(N_("Nur Anschriften in Deutschland"), {})]


@field_type
class PostcodeDE(Field):
    type = "postcode_de"
    text_input = TextInput(inputmode="numeric", autocomplete="postal-code", width="input--5")

    def parse(self, raw: Any, language: str) -> str:
        return western_digits(_text(raw)).replace(" ", "")

    def check(self, value: Any, today: date | None = None) -> None:
        check_postcode_de(value)

    def value_schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": "^[0-9]{5}$"}
