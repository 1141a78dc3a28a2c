"""An IBAN: the check digits and the country's length are verified."""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from ..errors import Invalid
from ..fields import Field, TextInput, _text, field_type
from ..messages import N_, N_plural

#: IBAN lengths per country (ISO 13616 registry), the SEPA area.
IBAN_LENGTHS = {
    "AD": 24, "AT": 20, "BE": 16, "BG": 22, "CH": 21, "CY": 28, "CZ": 24, "DE": 22, "DK": 18,
    "EE": 20, "ES": 24, "FI": 18, "FR": 27, "GB": 22, "GI": 23, "GR": 27, "HR": 21, "HU": 28,
    "IE": 22, "IS": 26, "IT": 27, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "MC": 27, "MT": 31,
    "NL": 18, "NO": 15, "PL": 28, "PT": 25, "RO": 24, "SE": 24, "SI": 19, "SK": 24, "SM": 27,
    "VA": 22,
}  # fmt: skip


def iban_is_valid(iban: str) -> bool:
    """ISO 7064 mod 97-10 over the rearranged IBAN, plus the country's length."""
    if not re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]+", iban):
        return False
    if IBAN_LENGTHS.get(iban[:2]) != len(iban):
        return False
    digits = "".join(str(int(ch, 36)) for ch in iban[4:] + iban[:4])
    return int(digits) % 97 == 1


@field_type
class IBAN(Field):
    type = "iban"
    text_input = TextInput(spellcheck="false", autocapitalize="characters", width="input--iban")

    def parse(self, raw: Any, language: str) -> str:
        return "".join(_text(raw).split()).upper()

    def check(self, value: Any, today: date | None = None) -> None:
        if value[:2] in IBAN_LENGTHS and len(value) != IBAN_LENGTHS[value[:2]]:
            raise Invalid(
                N_plural("Eine IBAN aus diesem Land hat %(length)s Zeichen; "
                         "Sie haben %(count)s eingegeben.",
                         "Eine IBAN aus diesem Land hat %(length)s Zeichen; "
                         "Sie haben %(count)s eingegeben.", "length"),
                length=IBAN_LENGTHS[value[:2]],
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
