"""Field types: the base class and the registry; each type is one module of `portal.engine.types`.

A field *cleans* raw input (what a browser posts: strings, lists of strings,
dicts of strings for composite fields) into the canonical value stored in the
submission, and *checks* a canonical value against the definition's rules.
Everything else a type decides is declared on its class too, as plain data or
pure functions, so the engine stays free of Flask and WTForms:

- `template`: the template (under portal/templates) whose macro `render(f, personal)`
  draws the field; `text_input` the attributes of a one-line input;
- `collect`: how the web layer collects the input (see `Collect`);
- `prefill`: a canonical answer as the inputs show it again;
- `value_schema`: the answer's fragment of the submission data schema;
- `answer_text`: the answer as the summary page and the receipt show it;
- `describe`: what the designer's outline says about a field of the type;
- `definition_problems`: what `forms check` reports about a field beyond the schema;
- `definition_schema`: the type's keys in a definition, for a type that is not in
  schemas/form.schema.json (the checker adds it from the registry).

Every module of `portal.engine.types` is imported when the engine is, and its
`@field_type` classes are registered: a new type is one module and one template.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, ClassVar

from .conditions import Condition, parse
from .errors import Invalid
from .i18n import resolve
from .messages import N_, N_plural, Phrase, fill, translate

#: The default messages for a missing answer name the question (GOV.UK's error message
#: patterns): `%(question)s` is the field's `short_label`, or its label in quotation marks.
REQUIRED = N_("Geben Sie %(question)s an.")
CHOOSE = N_("Wählen Sie %(question)s aus.")
#: An answer that is not one of the options (a tampered request).
NOT_AN_OPTION = N_("Wählen Sie eine der angebotenen Antworten aus.")
#: The rules a definition's `error_messages` can word; each is the definition key that sets it.
ERROR_RULES = ("required", "invalid", "min_length", "max_length", "pattern", "min", "max",
               "min_selected", "max_selected", "max_files", "not_in_future", "not_in_past",
               "not_before", "not_after")
#: A label longer than this is not quoted in a message; the type's short wording is used.
QUOTABLE = 60
#: A text, or a part of an address or name, longer than allowed; the form follows `max`.
TOO_LONG = N_plural("Bitte geben Sie höchstens %(max)s Zeichen ein (jetzt: %(count)s).",
                    "Bitte geben Sie höchstens %(max)s Zeichen ein (jetzt: %(count)s).", "max")


class QuestionName:
    """How a message names a question, in each language.

    The definition's `short_label` as written ("Ihre Telefonnummer", "die Art der
    Straftat"), else the label in the language's quotation marks („Telefonnummer“);
    a label too long to quote (a declaration) is named by `fallback` ("diese Erklärung").
    """

    def __init__(self, short_label: Mapping[str, str] | None, label: Mapping[str, str],
                 fallback: str | None = None) -> None:
        self.short_label = short_label
        self.label = label
        self.fallback = fallback

    def localise(self, language: str) -> str:
        if self.short_label:
            return resolve(self.short_label, language, next(iter(self.short_label)))
        label = resolve(self.label, language, next(iter(self.label), language)).strip()
        label = " ".join(label.split()).rstrip(":").strip()
        if self.fallback and (len(label) > QUOTABLE or not label):
            return translate(self.fallback, language)
        if len(label) > QUOTABLE:
            label = label[:QUOTABLE].rsplit(" ", 1)[0] + " …"
        return translate(N_("„%(label)s“"), language, label=label)

    def __str__(self) -> str:
        return self.localise("de")


#: How the web layer collects a field's input. A kind: "text" (one string), "radio" or
#: "select" (one choice), "multiple" (several choices), "flag" (a checkbox), "list" (a
#: repeated input); or, for a composite, the inputs of its parts by name; a part that is
#: not posted may take a default, written ("text", "DE").
Collect = str | tuple[str, str] | Mapping[str, Any]

#: A note of the designer's outline: a German message (marked with N_) and its parameters.
Note = tuple[str, Mapping[str, Any]]


@dataclass(frozen=True)
class TextInput:
    """The attributes of a one-line input (template fields/input.html), in the order written."""

    type: str = "text"
    inputmode: str | None = None
    spellcheck: str | None = None
    autocapitalize: str | None = None
    #: The autocomplete token used when the definition sets none.
    autocomplete: str | None = None
    #: A CSS width class, and a sign shown before the input (a currency).
    width: str = ""
    prefix: str | None = None


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
    #: The template drawing the field, and the attributes of its input if it is a one-line one.
    template: ClassVar[str] = "fields/input.html"
    text_input: ClassVar[TextInput] = TextInput()
    #: How the web layer collects the input (see `Collect`).
    collect: ClassVar[Collect] = "text"
    #: True for a type whose answer is uploaded files (the page is sent as multipart).
    uploads: ClassVar[bool] = False
    #: How the browser reads a number typed into the input, for conditions evaluated on the
    #: page: "int" (a whole number), "dec" (a decimal text), None (the text as typed).
    number_input: ClassVar[str | None] = None
    #: True for a value the engine works out from other answers (`derive`) instead of an input.
    derived: ClassVar[bool] = False
    #: The type's keys in a definition (a JSON Schema), for a type that
    #: schemas/form.schema.json does not describe itself.
    definition_schema: ClassVar[Mapping[str, Any] | None] = None

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
        #: How messages name the question, and the definition's own messages per rule.
        self.short_label: Mapping[str, str] | None = spec.get("short_label")
        self.error_messages: Mapping[str, Mapping[str, str]] = spec.get("error_messages") or {}

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

    #: The type's message for a missing answer, and how it names a question too long to quote.
    required_message: ClassVar[str] = REQUIRED
    long_label_name: ClassVar[str | None] = None

    @property
    def question(self) -> QuestionName:
        """The question as a message names it (the `%(question)s` of a default message)."""
        return QuestionName(self.short_label, self.label, self.long_label_name)

    def required_error(self) -> Invalid:
        return Invalid(self.required_message, rule="required", question=self.question)

    def error_text(self, error: Invalid, language: str) -> str:
        """What the citizen reads: the definition's message for the rule, else the type's."""
        own = self.error_messages.get(error.rule)
        if not own:
            return error.message(language)
        text = resolve(own, language, next(iter(own)))
        try:  # a designer's message may use the rule's parameters, %(max)s and the like
            return fill(text, error.localised_params(language))
        except (KeyError, ValueError, TypeError):
            return text

    def clean(self, raw: Any, language: str = "de", today: date | None = None) -> Any:
        """Canonical answer from non-blank raw input; raises Invalid."""
        value = self.parse(raw, language)
        self.check(value, today)
        return value

    def parse(self, raw: Any, language: str) -> Any:
        return _text(raw)

    def check(self, value: Any, today: date | None = None) -> None:
        """Raise Invalid when a canonical value breaks one of the definition's rules."""

    def derive(self, answers: Mapping[str, Any], today: date | None = None) -> Any:
        """A derived field's value for these answers (None: no value); others have none."""
        return None

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

    def answer_text(self, value: Any, language: str, default_language: str,
                    files: Mapping[str, str]) -> str:
        """The answer on the summary page and the receipt; `files` names attachments by id."""
        return self.display(value, language, default_language)

    # -- the web layer's declarations ---------------------------------------------------
    def prefill(self, value: Any, language: str) -> Any:
        """A canonical answer as the field's inputs show it again, in the citizen's locale."""
        return value

    def input_id(self, part: str | None = None) -> str:
        """The id of the input an error link jumps to: the failing part's, or the first."""
        return self.name

    @property
    def autocomplete_token(self) -> str | None:
        """The autocomplete token of a one-line input: the definition's, or the type's."""
        return self.autocomplete or self.text_input.autocomplete

    @classmethod
    def describe(cls, spec: Mapping[str, Any]) -> list[Note]:
        """What the designer's outline says about a field, beyond its type and label.

        `spec` is the field as the designer wrote it, perhaps with errors: read it defensively.
        """
        return []

    @classmethod
    def definition_problems(cls, spec: Mapping[str, Any]) -> list[tuple[str, Phrase]]:
        """What the schema cannot see in a field of the type that passed it: a list of (JSON
        pointer below the field, such as "/only/0", and the reason for the designer)."""
        return []


def _condition(source: str | None) -> Condition | None:
    return parse(source) if source else None


FIELD_TYPES: dict[str, type[Field]] = {}


def field_type(cls: type[Field]) -> type[Field]:
    FIELD_TYPES[cls.type] = cls
    return cls


def make_field(spec: Mapping[str, Any], pointer: str = "") -> Field:
    return FIELD_TYPES[spec["type"]](spec, pointer)


def with_registered_types(schema: Mapping[str, Any]) -> dict[str, Any]:
    """The definition schema, accepting also the registered types it does not describe.

    Each such type brings its `definition_schema`; it is added to `$defs`, to the
    field's `type` enum and to the field's if/then list, as the file does for its own.
    """
    schema = copy.deepcopy(dict(schema))
    defs = schema["$defs"]
    field = defs["field"]
    for name, cls in FIELD_TYPES.items():
        if name in defs or cls.definition_schema is None:
            continue
        defs[name] = copy.deepcopy(dict(cls.definition_schema))
        field["properties"]["type"]["enum"].append(name)
        field["allOf"].append({
            "if": {"type": "object", "properties": {"type": {"const": name}}, "required": ["type"]},
            "then": {"$ref": f"#/$defs/{name}"},
        })
    return schema


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
                raise Invalid(missing, part=part, rule="required")
            if len(text) > max_length:
                raise Invalid(TOO_LONG, part=part, rule="max_length", max=max_length,
                              count=len(text))

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

    def input_id(self, part: str | None = None) -> str:
        return f"{self.name}-{part or self.parts[0]}"


# Every module of portal.engine.types registers its types when imported.
from . import types  # noqa: E402,F401
