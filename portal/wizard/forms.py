"""The one place that builds WTForms classes from the engine's steps.

WTForms collects what a step posts (composite inputs as nested data); the
rules are the engine's and the markup is the templates' (portal/wizard/pages.py).
Form classes are built once per form version and step.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from babel.numbers import format_decimal
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


class DateParts(WTForm):
    day = StringField()
    month = StringField()
    year = StringField()


# "from" is a Python keyword, so this class is built with type().
DateRangeParts = type(
    "DateRangeParts", (WTForm,), {"from": FormField(DateParts), "to": FormField(DateParts)}
)


class NameParts(WTForm):
    title = StringField()
    given_name = StringField()
    family_name = StringField()


class AddressParts(WTForm):
    street = StringField()
    house_number = StringField()
    postcode = StringField()
    city = StringField()
    country = StringField(default="DE")


def _wtforms_field(field: Field) -> Any:
    """The input a field collects; options and rules are the engine's, markup the templates'."""
    match field.type:
        case "radio":
            return RadioField(validate_choice=False)
        case "select":
            return SelectField(validate_choice=False)
        case "checkboxes":
            return SelectMultipleField(validate_choice=False)
        case "checkbox":
            return BooleanField(false_values=("", "false", "n", "no", "off"))
        case "date":
            return FormField(DateParts)
        case "date_range":
            return FormField(DateRangeParts)
        case "person_name":
            return FormField(NameParts)
        case "address":
            return FormField(AddressParts)
        case "file":
            return FieldList(StringField())
        case _:
            return StringField()


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


def _date_parts(value: str | None) -> dict[str, str]:
    if not value:
        return {}
    year, month, day = value.split("-")
    return {"day": str(int(day)), "month": str(int(month)), "year": year}


def prefill(step: Step, answers: Mapping[str, Any], language: str) -> dict[str, Any]:
    """Canonical answers turned back into what the inputs show, in the citizen's locale."""
    data: dict[str, Any] = {}
    for f in step.questions:
        value = answers.get(f.name)
        if value is None:
            continue
        match f.type:
            case "date":
                data[f.name] = _date_parts(value)
            case "date_range":
                data[f.name] = {"from": _date_parts(value["from"]), "to": _date_parts(value["to"])}
            case "decimal" | "money":
                data[f.name] = format_decimal(
                    Decimal(value), format="#,##0.00" if f.type == "money" else None, locale=language
                )
            case "number":
                data[f.name] = str(value)
            case _:
                data[f.name] = value
    return data


def error_messages(errors: list[FieldError], language: str) -> tuple[dict[str, str], dict[str, str | None]]:
    """Per field name: the message to show, and which input of a composite it concerns."""
    messages: dict[str, str] = {}
    parts: dict[str, str | None] = {}
    for error in errors:
        messages.setdefault(error.name, error.message(language))
        parts.setdefault(error.name, error.part)
    return messages, parts
