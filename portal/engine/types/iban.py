"""An IBAN: the check digits and the country's length are verified."""

from __future__ import annotations

from datetime import date
from typing import Any

import schwifty
from schwifty import registry
from schwifty.exceptions import SchwiftyException

from ..errors import Invalid
from ..fields import Field, TextInput, _text, field_type
from ..messages import N_, N_plural


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
    text_input = TextInput(spellcheck="false", autocapitalize="characters", width="input--iban")

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
                N_("Diese IBAN ist nicht gültig. Bitte prüfen Sie sie, "
                   "zum Beispiel DE02 1203 0000 0000 2020 51.")
            )

    def value_schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": "^[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}$"}

    def display(self, value: Any, language: str, default_language: str) -> str:
        return " ".join(value[i : i + 4] for i in range(0, len(value), 4)) if value else ""
