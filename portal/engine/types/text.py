"""Free text: text, textarea, e-mail address and telephone number."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from typing import Any

from ..errors import Invalid
from ..fields import TOO_LONG, Field, TextInput, _text, field_type
from ..i18n import resolve, western_digits
from ..messages import N_, N_plural
from ..patterns import compile_pattern


@field_type
class Text(Field):
    type = "text"
    default_max_length = 200

    def __init__(self, spec: Mapping[str, Any], pointer: str = "") -> None:
        super().__init__(spec, pointer)
        self.min_length: int | None = spec.get("min_length")
        self.max_length: int = spec.get("max_length", self.default_max_length)
        pattern = spec.get("pattern")
        self.pattern = compile_pattern(pattern) if pattern else None  # RE2: linear time
        self.pattern_message: Mapping[str, str] | None = spec.get("pattern_message")

    def check(self, value: Any, today: date | None = None) -> None:
        if self.min_length is not None and len(value) < self.min_length:
            raise Invalid(N_plural("Bitte geben Sie mindestens %(min)s Zeichen ein.",
                                   "Bitte geben Sie mindestens %(min)s Zeichen ein.", "min"),
                          rule="min_length", min=self.min_length)
        if len(value) > self.max_length:
            raise Invalid(TOO_LONG, rule="max_length", max=self.max_length, count=len(value))
        if self.pattern is not None and not self.pattern.fullmatch(value):
            raise PatternMismatch(self.pattern_message)

    def value_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {"type": "string", "maxLength": self.max_length}
        if self.min_length:
            schema["minLength"] = self.min_length
        if self.pattern is not None:
            schema["pattern"] = f"^(?:{self.pattern.pattern})$"
        return schema


class PatternMismatch(Invalid):
    """The definition writes its own message for a pattern, as a language map."""

    def __init__(self, language_map: Mapping[str, str] | None) -> None:
        super().__init__(N_("Die Eingabe hat nicht die erwartete Form."), rule="pattern")
        self.language_map = language_map

    def message(self, language: str) -> str:
        if self.language_map:
            return resolve(self.language_map, language, next(iter(self.language_map)))
        return super().message(language)


@field_type
class Textarea(Text):
    type = "textarea"
    template = "fields/textarea.html"
    default_max_length = 5000

    def __init__(self, spec: Mapping[str, Any], pointer: str = "") -> None:
        super().__init__(spec, pointer)
        self.rows: int = spec.get("rows", 5)


EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)*\.[^@\s.]{2,}")


@field_type
class Email(Text):
    type = "email"
    text_input = TextInput(type="email", spellcheck="false", autocomplete="email")
    default_max_length = 254

    def check(self, value: Any, today: date | None = None) -> None:
        if not EMAIL.fullmatch(value):
            raise Invalid(N_("Bitte geben Sie eine E-Mail-Adresse wie name@beispiel.de ein."))
        super().check(value, today)

    def value_schema(self) -> dict[str, Any]:
        return {**super().value_schema(), "format": "email"}


TEL = re.compile(r"\+?[0-9 ()/-]+")


@field_type
class Tel(Text):
    type = "tel"
    text_input = TextInput(type="tel", autocomplete="tel")
    default_max_length = 30

    def parse(self, raw: Any, language: str) -> str:
        return " ".join(western_digits(_text(raw)).split())

    def check(self, value: Any, today: date | None = None) -> None:
        digits = sum(ch.isdigit() for ch in value)
        if not TEL.fullmatch(value) or digits < 5 or digits > 17:
            raise Invalid(
                N_("Bitte geben Sie eine Telefonnummer wie 030 1234567 oder +49 30 1234567 ein.")
            )
        super().check(value, today)

    def value_schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": r"^\+?[0-9 ()/-]+$", "maxLength": self.max_length}
