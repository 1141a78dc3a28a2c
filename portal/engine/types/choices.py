"""Choices: radios, a drop-down select, checkboxes and the single yes/no box."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from ..errors import Invalid
from ..fields import CHOOSE, NOT_AN_OPTION, Field, Note, Option, _text, field_type, is_blank
from ..i18n import resolve
from ..messages import N_, translate


class _Choice(Field):
    template = "fields/choices.html"
    #: The input of each option, and the class of the list of them.
    choice_input = "radio"
    choice_list = "radios"

    def __init__(self, spec: Mapping[str, Any], pointer: str = "") -> None:
        super().__init__(spec, pointer)
        # Codelists are resolved into the definition before it is compiled.
        self.options: list[Option] = [Option(o["value"], o["label"]) for o in spec["options"]]
        self.values: frozenset[str] = frozenset(o.value for o in self.options)

    required_message = CHOOSE

    def option_label(self, value: str, language: str, default_language: str) -> str:
        for option in self.options:
            if option.value == value:
                return resolve(option.label, language, default_language)
        return value

    def input_id(self, part: str | None = None) -> str:
        return f"{self.name}-0"

    @classmethod
    def describe(cls, spec: Mapping[str, Any]) -> list[Note]:
        options = spec.get("options")
        if isinstance(options, str):
            return [(N_("Optionen aus der Codeliste %(path)s"), {"path": options})]
        if isinstance(options, list):
            values = [str(o.get("value")) for o in options if isinstance(o, Mapping)]
            return [(N_("Optionen: %(values)s"), {"values": ", ".join(values)})] if values else []
        return []


@field_type
class Radio(_Choice):
    type = "radio"
    collect = "radio"

    def check(self, value: Any, today: date | None = None) -> None:
        if value not in self.values:
            raise Invalid(NOT_AN_OPTION)

    def value_schema(self) -> dict[str, Any]:
        return {"type": "string", "enum": [o.value for o in self.options]}

    def display(self, value: Any, language: str, default_language: str) -> str:
        return "" if value is None else self.option_label(value, language, default_language)


@field_type
class Select(Radio):
    type = "select"
    template = "fields/select.html"
    collect = "select"

    def input_id(self, part: str | None = None) -> str:
        return self.name


@field_type
class Checkboxes(_Choice):
    type = "checkboxes"
    collect = "multiple"
    choice_input = "checkbox"
    choice_list = "checkboxes"

    def __init__(self, spec: Mapping[str, Any], pointer: str = "") -> None:
        super().__init__(spec, pointer)
        self.min_selected: int | None = spec.get("min_selected")
        self.max_selected: int | None = spec.get("max_selected")

    def parse(self, raw: Any, language: str) -> list[str]:
        items = [raw] if isinstance(raw, str) else list(raw)
        chosen = {_text(item) for item in items if not is_blank(item)}
        # Keep the definition's order, so the same choices always give the same data.
        return [o.value for o in self.options if o.value in chosen] + sorted(
            chosen - self.values
        )

    def check(self, value: Any, today: date | None = None) -> None:
        if any(v not in self.values for v in value):
            raise Invalid(NOT_AN_OPTION)
        if self.min_selected is not None and len(value) < self.min_selected:
            raise Invalid(N_("Bitte wählen Sie mindestens %(min)s aus."), rule="min_selected",
                          min=self.min_selected)
        if self.max_selected is not None and len(value) > self.max_selected:
            raise Invalid(N_("Bitte wählen Sie höchstens %(max)s aus."), rule="max_selected",
                          max=self.max_selected)

    def value_schema(self) -> dict[str, Any]:
        schema: dict[str, Any] = {
            "type": "array",
            "items": {"enum": [o.value for o in self.options]},
            "uniqueItems": True,
        }
        if self.min_selected:
            schema["minItems"] = self.min_selected
        if self.max_selected:
            schema["maxItems"] = self.max_selected
        return schema

    def display(self, value: Any, language: str, default_language: str) -> str:
        return ", ".join(self.option_label(v, language, default_language) for v in value or [])


TRUE_WORDS = frozenset({"y", "yes", "on", "true", "1", "ja"})


@field_type
class Checkbox(Field):
    """A single consent or declaration: ticked or not."""

    type = "checkbox"
    template = "fields/checkbox.html"
    collect = "flag"

    def is_blank(self, raw: Any) -> bool:
        return not self._ticked(raw)

    @staticmethod
    def _ticked(raw: Any) -> bool:
        if isinstance(raw, bool):
            return raw
        return _text(raw).lower() in TRUE_WORDS

    required_message = N_("Bestätigen Sie %(question)s, um fortzufahren.")
    long_label_name = N_("diese Erklärung")

    def parse(self, raw: Any, language: str) -> bool:
        return self._ticked(raw)

    def blank_value(self) -> Any:
        return False

    def check(self, value: Any, today: date | None = None) -> None:
        if not isinstance(value, bool):
            raise Invalid(N_("Bitte bestätigen Sie dies, um fortzufahren."))

    def value_schema(self) -> dict[str, Any]:
        # A required box (a consent) is always ticked in submitted data.
        return {"type": "boolean", "const": True} if self.required else {"type": "boolean"}

    def display(self, value: Any, language: str, default_language: str) -> str:
        return translate(N_("Ja"), language) if value else translate(N_("Nein"), language)
