"""The one place that builds WTForms classes from the engine's steps.

WTForms collects what a step posts (composite inputs as nested data), as each
field type declares in its `collect`; the rules are the engine's and the markup
is the templates' (portal/journey/pages.py). Form classes are built once per
form version and step.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from functools import cache
from typing import Any

from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms import Form as WTForm

from ..engine import Field, FieldError, Form, Step
from ..engine.fields import Collect

#: The WTForms input of each kind a field type can declare as its `collect`.
KINDS = {
    "text": lambda default: StringField(default=default),
    "radio": lambda default: RadioField(validate_choice=False, default=default),
    "select": lambda default: SelectField(validate_choice=False, default=default),
    "multiple": lambda default: SelectMultipleField(validate_choice=False, default=default),
    "flag": lambda default: BooleanField(false_values=("", "false", "n", "no", "off"),
                                         default=default),
    "list": lambda default: FieldList(StringField()),
}


def _frozen(collect: Collect) -> Any:
    if isinstance(collect, Mapping):
        return tuple((part, _frozen(how)) for part, how in collect.items())
    return collect


@cache
def _parts_form(parts: tuple[tuple[str, Any], ...]) -> type[WTForm]:
    """A WTForms class collecting a composite's parts (built with type(): "from" is a keyword)."""
    return type("Parts", (WTForm,), {part: _input(how) for part, how in parts})


def _input(how: Any) -> Any:
    if isinstance(how, tuple) and how and isinstance(how[0], tuple):
        return FormField(_parts_form(how))
    kind, default = how if isinstance(how, tuple) else (how, None)
    return KINDS[kind](default)


def _wtforms_field(field: Field) -> Any:
    """The input a field collects, as its type declares in `collect`."""
    return _input(_frozen(field.collect))


#: WTForms classes per (form version's content hash, step id); the oldest are dropped.
_classes: OrderedDict[tuple[str, str], type[WTForm]] = OrderedDict()
CLASSES_KEPT = 512


def step_form(form: Form, step: Step, formdata: Any) -> WTForm:
    """The step's inputs collected from the request by WTForms."""
    key = (form.content_hash, step.id)
    cls = _classes.get(key)
    if cls is None:
        attrs = {f.name: _wtforms_field(f) for f in step.questions}
        cls = _classes[key] = type(f"Step_{step.id}", (WTForm,), attrs)
        while len(_classes) > CLASSES_KEPT:
            _classes.popitem(last=False)
    return cls(formdata=formdata)


def raw_input(wtform: WTForm) -> dict[str, Any]:
    """What the citizen entered, in the shape the engine's fields clean."""
    return wtform.data


def prefill(step: Step, answers: Mapping[str, Any], language: str) -> dict[str, Any]:
    """Canonical answers turned back into what the inputs show, in the citizen's locale.

    A derived field (a computed value) shows what the answers give now, not what was stored.
    """
    values = {f.name: f.derive(answers) if f.derived else answers.get(f.name)
              for f in step.questions}
    return {f.name: f.prefill(values[f.name], language)
            for f in step.questions if values[f.name] is not None}


def error_messages(errors: list[FieldError],
                   language: str) -> tuple[dict[str, str], dict[str, str | None]]:
    """Per field name: the message to show, and which input of a composite it concerns."""
    messages: dict[str, str] = {}
    parts: dict[str, str | None] = {}
    for error in errors:
        messages.setdefault(error.name, error.message(language))
        parts.setdefault(error.name, error.part)
    return messages, parts
