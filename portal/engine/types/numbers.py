"""Numbers: whole numbers, decimals and money, written and shown the citizen's way."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from babel.numbers import NumberFormatError, format_currency, format_decimal, parse_decimal

from ..errors import Invalid
from ..fields import Field, TextInput, _text, field_type
from ..i18n import resolve, western_digits
from ..messages import N_, N_plural


def parse_number(raw: str, language: str) -> Decimal:
    """Read a number the way it is written in `language`, tolerantly.

    "1.234,56" in German and "1,234.56" in English are both 1234.56; a plain
    "1234.56" typed into a German page is also understood, since a single point
    followed by one or two digits cannot be a thousands separator.
    """
    text = western_digits(_text(raw)).replace("\u00a0", "").replace("\u202f", "").replace(" ", "")
    text = text.removesuffix("€").removeprefix("€").replace("−", "-")
    if not text:
        raise InvalidOperation
    try:
        return parse_decimal(text, locale=language, strict=True)
    except (NumberFormatError, ValueError):
        pass
    if re.fullmatch(r"-?\d+([.,]\d+)?", text):
        return Decimal(text.replace(",", "."))
    raise InvalidOperation


class _Numeric(Field):
    text_input = TextInput(inputmode="decimal", width="input--10")
    def __init__(self, spec: Mapping[str, Any], pointer: str = "") -> None:
        super().__init__(spec, pointer)
        self.min = Decimal(str(spec["min"])) if "min" in spec else None
        self.max = Decimal(str(spec["max"])) if "max" in spec else None
        #: A language map such as {"de": "m²"}: shown beside the input and after the answer.
        self.unit: dict[str, str] | None = spec.get("unit")

    def with_unit(self, text: str, language: str, default_language: str) -> str:
        unit = resolve(self.unit, language, default_language)
        return f"{text} {unit}" if unit and text else text

    def range_text(self) -> str:
        """The range as the data schema's description says it ("" without one)."""
        low = "" if self.min is None else f"at least {self.min}"
        high = "" if self.max is None else f"at most {self.max}"
        return ", ".join(x for x in (low, high) if x)

    def sign_pattern(self) -> str:
        """"-?" where a negative answer is allowed, "" where `min` rules it out."""
        return "" if self.min is not None and self.min >= 0 else "-?"

    def check_range(self, number: Decimal) -> None:
        if self.min is not None and number < self.min:
            raise Invalid(N_("Der Wert muss mindestens %(min)s sein."), rule="min", min=self.min)
        if self.max is not None and number > self.max:
            raise Invalid(N_("Der Wert darf höchstens %(max)s sein."), rule="max", max=self.max)

    def range_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {}
        if self.min is not None:
            schema["minimum"] = _json_number(self.min)
        if self.max is not None:
            schema["maximum"] = _json_number(self.max)
        return schema


def _json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


@field_type
class Number(_Numeric):
    type = "number"
    text_input = TextInput(inputmode="numeric", width="input--10")
    number_input = "int"

    def parse(self, raw: Any, language: str) -> int:
        try:
            number = parse_number(raw, language)
        except InvalidOperation:
            raise Invalid(N_("Bitte geben Sie eine ganze Zahl ein, zum Beispiel 3.")) from None
        if number != number.to_integral_value():
            raise Invalid(N_("Bitte geben Sie eine ganze Zahl ohne Nachkommastellen ein."))
        return int(number)

    def check(self, value: Any, today: date | None = None) -> None:
        self.check_range(Decimal(value))

    def value_schema(self) -> dict[str, Any]:
        return {"type": "integer", **self.range_schema()}

    def display(self, value: Any, language: str, default_language: str) -> str:
        return self.with_unit(super().display(value, language, default_language), language,
                              default_language)

    def prefill(self, value: Any, language: str) -> Any:
        return str(value)


@field_type
class DecimalField(_Numeric):
    type = "decimal"
    number_input = "dec"

    def __init__(self, spec: Mapping[str, Any], pointer: str = "") -> None:
        super().__init__(spec, pointer)
        self.decimals: int = spec.get("decimals", 2)

    def parse(self, raw: Any, language: str) -> str:
        try:
            number = parse_number(raw, language)
        except InvalidOperation:
            raise Invalid(N_("Bitte geben Sie eine Zahl ein, zum Beispiel 12,5.")) from None
        if -number.as_tuple().exponent > self.decimals and number != round(number, self.decimals):
            raise Invalid(
                N_plural("Bitte geben Sie höchstens %(decimals)s Nachkommastelle an.",
                         "Bitte geben Sie höchstens %(decimals)s Nachkommastellen an.", "decimals"),
                decimals=self.decimals,
            )
        return self.canonical(number)

    def canonical(self, number: Decimal) -> str:
        text = format(number.quantize(Decimal(1).scaleb(-self.decimals)), "f")
        if "." in text:  # "12.50" -> "12.5", "3.00" -> "3"
            text = text.rstrip("0").rstrip(".")
        return text

    def check(self, value: Any, today: date | None = None) -> None:
        self.check_range(Decimal(value))

    def value_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string",
                                  "pattern": rf"^{self.sign_pattern()}[0-9]+(\.[0-9]+)?$"}
        schema["description"] = f"A decimal number with a point, up to {self.decimals} decimals"
        if self.range_text():
            schema["description"] += f", {self.range_text()}"
        return schema

    def display(self, value: Any, language: str, default_language: str) -> str:
        text = format_decimal(Decimal(value), locale=language) if value is not None else ""
        return self.with_unit(text, language, default_language)

    def prefill(self, value: Any, language: str) -> Any:
        return format_decimal(Decimal(value), locale=language)


@field_type
class Money(DecimalField):
    type = "money"
    text_input = TextInput(inputmode="decimal", width="input--10", prefix="€")

    def __init__(self, spec: Mapping[str, Any], pointer: str = "") -> None:
        super().__init__({**spec, "decimals": 2}, pointer)
        self.currency: str = spec.get("currency", "EUR")

    def canonical(self, number: Decimal) -> str:
        return format(number.quantize(Decimal("0.01")), "f")

    def value_schema(self) -> dict[str, Any]:
        # JSON Schema has no range for a string: a `min` of 0 or more rules out the sign in
        # the pattern, and the description states the range for the authority's developers.
        range_text = self.range_text()
        return {
            "type": "string",
            "pattern": rf"^{self.sign_pattern()}[0-9]+\.[0-9]{{2}}$",
            "description": f"An amount in {self.currency} with two decimals"
            + (f", {range_text}" if range_text else ""),
        }

    def display(self, value: Any, language: str, default_language: str) -> str:
        if value is None:
            return ""
        return format_currency(Decimal(value), self.currency, locale=language)

    def prefill(self, value: Any, language: str) -> Any:
        return format_decimal(Decimal(value), format="#,##0.00", locale=language)

