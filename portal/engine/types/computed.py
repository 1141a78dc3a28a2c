"""A computed value: shown to the citizen and sent with the answers, derived from them.

`value` is an expression of the condition language (docs/conditions.md), such as
`sum(haushalt.einkommen)` or `round(miete / wohnflaeche, 2)`; `format` says what the
result is: "money" (two decimals, the default), "decimal" (`decimals` places) or
"number" (a whole number). Rounding is commercial (halves away from zero). The engine
works the value out again wherever answers are checked or sent, so it always agrees
with the answers it comes from; when the expression has no number (an answer it needs
is missing) the field has no value.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Any

from babel.numbers import format_currency, format_decimal

from ..conditions import Condition, parse
from ..fields import Field, Note, field_type
from ..i18n import resolve
from ..messages import N_

FORMATS = ("money", "decimal", "number")


@field_type
class Computed(Field):
    type = "computed"
    template = "fields/computed.html"
    derived = True
    definition_schema = {
        "title": "Field of type computed",
        "description": "A value worked out from the answers (a total, a count, a fee), shown "
        "to the citizen and sent with the answers. Answer: as `format` says.",
        "$ref": "#/$defs/questionBase",
        "properties": {
            "type": {"const": "computed"},
            "value": {"$ref": "#/$defs/condition", "description": "An expression of the "
                      "condition language, such as sum(haushalt.einkommen)."},
            "format": {"enum": list(FORMATS), "description": "\"money\" (default: two "
                       "decimals), \"decimal\" or \"number\" (a whole number)."},
            "decimals": {"type": "integer", "minimum": 0, "maximum": 10,
                         "description": "Places after the point for format decimal. Default 2."},
            "currency": {"type": "string", "pattern": "^[A-Z]{3}$",
                         "description": "ISO 4217 currency code for format money. Default EUR."},
            "unit": {"$ref": "#/$defs/langMap",
                     "description": "Language map: the unit shown after the value, such as m²."},
        },
        "required": ["value"],
        "unevaluatedProperties": False,
    }

    def __init__(self, spec: Mapping[str, Any], pointer: str = "") -> None:
        super().__init__(spec, pointer)
        self.expression: Condition = parse(spec["value"])
        self.format: str = spec.get("format", "money")
        self.decimals: int = {"money": 2, "number": 0}.get(self.format, spec.get("decimals", 2))
        self.currency: str = spec.get("currency", "EUR")

    def derive(self, answers: Mapping[str, Any], today: date | None = None) -> Any:
        """The value for these answers, in its canonical form; None when there is none."""
        result = self.expression.value(answers, today=today)
        if type(result) not in (int, Decimal) or not Decimal(result).is_finite():
            return None
        digits = len(Decimal(result).as_tuple().digits) + self.decimals + 2
        rounded = Decimal(result).quantize(Decimal(1).scaleb(-self.decimals), ROUND_HALF_UP,
                                           Context(prec=digits))
        return int(rounded) if self.format == "number" else format(rounded, "f")

    def value_schema(self) -> dict[str, Any]:
        if self.format == "number":
            return {"type": "integer", "description": f"Computed: {self.expression.source}"}
        pattern = (rf"^-?[0-9]+\.[0-9]{{{self.decimals}}}$" if self.decimals
                   else r"^-?[0-9]+$")
        return {"type": "string", "pattern": pattern,
                "description": f"Computed: {self.expression.source}"}

    def display(self, value: Any, language: str, default_language: str) -> str:
        if value is None:
            return ""
        if self.format == "money":
            return format_currency(Decimal(value), self.currency, locale=language)
        text = format_decimal(Decimal(value), format="#,##0" + (
            "." + "0" * self.decimals if self.decimals else ""), locale=language)
        unit = self.unit_text(language, default_language)
        return f"{text} {unit}" if unit else text

    def unit_text(self, language: str, default_language: str) -> str:
        return resolve(self.spec.get("unit"), language, default_language)

    def prefill(self, value: Any, language: str) -> Any:
        """The value as the page shows it (it has no input): formatted, without the unit."""
        return self.display(value, language, language).removesuffix(
            " " + self.unit_text(language, language)) if value is not None else ""

    @classmethod
    def describe(cls, spec: Mapping[str, Any]) -> list[Note]:
        value = spec.get("value")
        return [(N_("berechnet: %(value)s"), {"value": value})] if isinstance(value, str) else []
