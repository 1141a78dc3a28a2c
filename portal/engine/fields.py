"""Field types: a registry of small classes, each turning a citizen's input into a canonical answer.

A field *cleans* raw input (what a browser posts: strings, lists of strings,
dicts of strings for composite fields) into the canonical value stored in the
submission, and *checks* a canonical value against the definition's rules.
Every rule lives here once; the web layer only collects input and shows messages.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from . import dates
from .conditions import Condition, parse
from .errors import Invalid
from .i18n import resolve, western_digits
from .messages import N_, N_plural
from .patterns import compile_pattern

REQUIRED = N_("Bitte beantworten Sie diese Frage.")
CHOOSE = N_("Bitte wählen Sie eine Antwort aus.")
#: A text, or a part of an address or name, longer than allowed; the form follows `max`.
TOO_LONG = N_plural("Bitte geben Sie höchstens %(max)s Zeichen ein (jetzt: %(count)s).",
                    "Bitte geben Sie höchstens %(max)s Zeichen ein (jetzt: %(count)s).", "max")


@dataclass(frozen=True)
class Option:
    value: str
    label: Mapping[str, str]


def is_blank(raw: Any) -> bool:
    """Nothing entered: None, whitespace, an empty list, or a dict of blank parts."""
    if raw is None or raw is False:
        return True
    if isinstance(raw, str):
        return not raw.strip()
    if isinstance(raw, list | tuple):
        return all(is_blank(item) for item in raw)
    if isinstance(raw, Mapping):
        return all(is_blank(item) for item in raw.values())
    return False


def _text(raw: Any) -> str:
    if isinstance(raw, list | tuple):  # a browser may repeat a key; the last one wins
        raw = raw[-1] if raw else ""
    if not isinstance(raw, str):
        raw = "" if raw is None else str(raw)
    # Normalise line breaks and drop control characters that no citizen types on purpose.
    raw = raw.replace("\r\n", "\n").replace("\r", "\n")
    return "".join(ch for ch in raw if ch in "\n\t" or ch.isprintable()).strip()


class Field:
    """Base of every field type; `spec` is the field's object in the definition."""

    type: ClassVar[str] = ""
    is_question: ClassVar[bool] = True
    #: Inputs of a composite field, in the order they are shown.
    parts: ClassVar[tuple[str, ...]] = ()

    def __init__(self, spec: Mapping[str, Any], pointer: str = "") -> None:
        self.spec = spec
        self.pointer = pointer
        self.name: str = spec.get("name", "")
        self.label: Mapping[str, str] = spec.get("label", {})
        self.hint: Mapping[str, str] | None = spec.get("hint")
        self.required: bool = bool(spec.get("required", False))
        self.required_if: Condition | None = _condition(spec.get("required_if"))
        self.visible_if: Condition | None = _condition(spec.get("visible_if"))
        self.autocomplete: str | None = spec.get("autocomplete")

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name or self.pointer}>"

    # -- conditions -------------------------------------------------------
    def is_visible(self, answers: Mapping[str, Any], today: date | None = None) -> bool:
        return self.visible_if is None or self.visible_if.evaluate(answers, today=today)

    def is_required(self, answers: Mapping[str, Any], today: date | None = None) -> bool:
        if self.required:
            return True
        return self.required_if is not None and self.required_if.evaluate(answers, today=today)

    # -- answers ----------------------------------------------------------
    def is_blank(self, raw: Any) -> bool:
        return is_blank(raw)

    def required_error(self) -> Invalid:
        return Invalid(REQUIRED)

    def clean(self, raw: Any, language: str = "de", today: date | None = None) -> Any:
        """Canonical answer from non-blank raw input; raises Invalid."""
        value = self.parse(raw, language)
        self.check(value, today)
        return value

    def parse(self, raw: Any, language: str) -> Any:
        return _text(raw)

    def check(self, value: Any, today: date | None = None) -> None:
        """Raise Invalid when a canonical value breaks one of the definition's rules."""

    def blank_value(self) -> Any:
        """What an unanswered, optional field stores (None: the key is left out)."""
        return None

    def value_schema(self) -> dict[str, Any]:
        return {"type": "string"}

    def display(self, value: Any, language: str, default_language: str) -> str:
        """The answer as a citizen reads it on the summary page and the receipt."""
        if value is None:
            return ""
        return str(value)


def _condition(source: str | None) -> Condition | None:
    return parse(source) if source else None


FIELD_TYPES: dict[str, type[Field]] = {}


def field_type(cls: type[Field]) -> type[Field]:
    FIELD_TYPES[cls.type] = cls
    return cls


def make_field(spec: Mapping[str, Any], pointer: str = "") -> Field:
    return FIELD_TYPES[spec["type"]](spec, pointer)


# -- static content -----------------------------------------------------------


@field_type
class Info(Field):
    type = "info"
    is_question = False

    @property
    def text(self) -> Mapping[str, str]:
        return self.spec.get("text", {})


@field_type
class Warning_(Info):
    type = "warning"


# -- text ---------------------------------------------------------------------


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
                          min=self.min_length)
        if len(value) > self.max_length:
            raise Invalid(TOO_LONG, max=self.max_length, count=len(value))
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
        super().__init__(N_("Die Eingabe hat nicht die erwartete Form."))
        self.language_map = language_map

    def message(self, language: str) -> str:
        if self.language_map:
            return resolve(self.language_map, language, next(iter(self.language_map)))
        return super().message(language)


@field_type
class Textarea(Text):
    type = "textarea"
    default_max_length = 5000

    def __init__(self, spec: Mapping[str, Any], pointer: str = "") -> None:
        super().__init__(spec, pointer)
        self.rows: int = spec.get("rows", 5)


EMAIL = re.compile(r"[^@\s]+@[^@\s.]+(\.[^@\s.]+)*\.[^@\s.]{2,}")


@field_type
class Email(Text):
    type = "email"
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


@field_type
class Date(Field):
    type = "date"
    parts = ("day", "month", "year")

    def __init__(self, spec: Mapping[str, Any], pointer: str = "") -> None:
        super().__init__(spec, pointer)
        self.rules = dates.DateRules.from_spec(spec)

    def parse(self, raw: Any, language: str) -> str:
        return dates.parse_date(raw).isoformat()

    def check(self, value: Any, today: date | None = None) -> None:
        self.rules.check(date.fromisoformat(value), today)

    def value_schema(self) -> dict[str, Any]:
        return {"type": "string", "format": "date", "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"}

    def display(self, value: Any, language: str, default_language: str) -> str:
        return dates.display_date(value, language)


@field_type
class Time(Field):
    type = "time"

    def parse(self, raw: Any, language: str) -> str:
        return dates.parse_time(western_digits(_text(raw)))

    def value_schema(self) -> dict[str, Any]:
        return {"type": "string", "pattern": r"^([01][0-9]|2[0-3]):[0-5][0-9]$"}

    def display(self, value: Any, language: str, default_language: str) -> str:
        return dates.display_time(value, language)


# -- files --------------------------------------------------------------------

DEFAULT_ACCEPT = ("application/pdf", "image/jpeg", "image/png")


@field_type
class File(Field):
    """Attachments; the answer is the list of attachment ids the upload service recorded."""

    type = "file"

    def __init__(self, spec: Mapping[str, Any], pointer: str = "") -> None:
        super().__init__(spec, pointer)
        self.accept: tuple[str, ...] = tuple(spec.get("accept", DEFAULT_ACCEPT))
        self.max_size_mb: float = spec.get("max_size_mb", 10)
        self.max_files: int = spec.get("max_files", 1)
        #: "refuse" a PDF with scripts or embedded files, or "remove" them and keep a clean copy.
        self.pdf_active_content: str = spec.get("pdf_active_content", "refuse")

    def required_error(self) -> Invalid:
        return Invalid(N_("Bitte laden Sie mindestens eine Datei hoch."))

    def parse(self, raw: Any, language: str) -> list[str]:
        items = [raw] if isinstance(raw, str) else list(raw)
        return [_text(item) for item in items if not is_blank(item)]

    def check(self, value: Any, today: date | None = None) -> None:
        if len(value) > self.max_files:
            raise Invalid(
                N_plural("Sie können hier höchstens %(max)s Datei hochladen.",
                         "Sie können hier höchstens %(max)s Dateien hochladen.", "max"),
                max=self.max_files,
            )

    def value_schema(self) -> dict[str, Any]:
        return {
            "type": "array",
            "items": {"type": "string", "description": "attachment id (see the envelope)"},
            "maxItems": self.max_files,
        }


# Numbers, choices and composite types live in their own modules; importing them registers them.
from . import choices, composite, numbers  # noqa: E402,F401
