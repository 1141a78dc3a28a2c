"""The one place that builds WTForms classes from the engine's steps.

WTForms collects and renders the inputs (names, ids, values); the rules are
the engine's. Form classes are built once per form version, step and language.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from functools import lru_cache
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
    TextAreaField,
)
from wtforms import Form as WTForm
from wtforms.widgets import CheckboxInput, ListWidget

from ..engine import Field, FieldError, Form, Step, resolve
from ..engine.composite import country_names


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


def _address_parts(language: str) -> type[WTForm]:
    countries = list(country_names(language).items())
    return type(
        "AddressParts",
        (WTForm,),
        {
            "street": StringField(),
            "house_number": StringField(),
            "postcode": StringField(),
            "city": StringField(),
            "country": SelectField(choices=countries, default="DE", validate_choice=False),
        },
    )


class MultiCheckbox(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _wtforms_field(field: Field, form: Form, language: str) -> Any:
    def label(option_map: Mapping[str, str]) -> str:
        return resolve(option_map, language, form.default_language)

    match field.type:
        case "textarea":
            return TextAreaField()
        case "radio":
            return RadioField(
                choices=[(o.value, label(o.label)) for o in field.options], validate_choice=False
            )
        case "select":
            return SelectField(
                choices=[("", "")] + [(o.value, label(o.label)) for o in field.options],
                validate_choice=False,
            )
        case "checkboxes":
            return MultiCheckbox(
                choices=[(o.value, label(o.label)) for o in field.options], validate_choice=False
            )
        case "checkbox":
            return BooleanField(false_values=("", "false", "n", "no", "off"))
        case "date":
            return FormField(DateParts)
        case "date_range":
            return FormField(DateRangeParts)
        case "person_name":
            return FormField(NameParts)
        case "address":
            return FormField(_address_parts(language))
        case "file":
            return FieldList(StringField())
        case _:
            return StringField()


_forms_by_hash: dict[str, Form] = {}


def step_form(form: Form, step: Step, language: str, formdata: Any = None,
              answers: Mapping[str, Any] | None = None) -> WTForm:
    """A bound WTForms form for one step: from the request, or prefilled from answers."""
    _forms_by_hash.setdefault(form.content_hash, form)
    cls = _form_class_for(form.content_hash, step.id, language)
    if formdata is not None:
        return cls(formdata=formdata)
    return cls(data=prefill(step, answers or {}, language))


@lru_cache(maxsize=512)
def _form_class_for(content_hash: str, step_id: str, language: str) -> type[WTForm]:
    form = _forms_by_hash[content_hash]
    step = form.step(step_id)
    attrs = {f.name: _wtforms_field(f, form, language) for f in step.questions}
    return type(f"Step_{step_id}", (WTForm,), attrs)


def raw_input(wtform: WTForm) -> dict[str, Any]:
    """What the citizen entered, in the shape the engine's fields clean."""
    return {name: field.data for name, field in wtform._fields.items()}


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
