"""A step's inputs are read as WTForms read them (portal/journey/forms.py, `step_input`).

The portal reads a step's form data itself (WTForms bound a form object per request
for it). WTForms stays the reference: for every field type's `collect` and every
step of the shipped forms, the same posts give the same values, including what a
browser leaves out (an unticked box, an empty choice, a part of a date) and what
a forged post sends twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from itertools import combinations
from typing import Any

import pytest
from werkzeug.datastructures import MultiDict
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

from bench.citizen import shipped_form
from portal.engine.fields import FIELD_TYPES
from portal.journey.forms import FALSE_VALUES, _frozen, _reader, step_input
from tests.walk import form_data

SHIPPED = ("onlinewache", "bauantrag", "hilfe-zum-lebensunterhalt", "wohngeld")


def _wtforms_input(how: Any) -> Any:
    """The WTForms field the portal used to build for a (frozen) `collect`."""
    if isinstance(how, tuple) and how and isinstance(how[0], tuple):
        parts = type("Parts", (WTForm,), {part: _wtforms_input(sub) for part, sub in how})
        return FormField(parts)
    kind, default = how if isinstance(how, tuple) else (how, None)
    return {
        "text": lambda: StringField(default=default),
        "radio": lambda: RadioField(validate_choice=False, default=default),
        "select": lambda: SelectField(validate_choice=False, default=default),
        "multiple": lambda: SelectMultipleField(validate_choice=False, default=default),
        "flag": lambda: BooleanField(false_values=FALSE_VALUES, default=default),
        "list": lambda: FieldList(StringField()),
    }[kind]()


def _by_wtforms(collects: Mapping[str, Any], data: MultiDict) -> dict[str, Any]:
    form = type("Step", (WTForm,), {name: _wtforms_input(_frozen(how))
                                    for name, how in collects.items()})
    return form(formdata=data).data


def _posts(name: str, keys: list[str]) -> list[MultiDict]:
    """Posts a browser (or a forger) may send for inputs named `keys` of field `name`."""
    posts = [MultiDict({"csrf_token": "t", "action": "continue"})]
    for size in range(1, min(len(keys), 3) + 1):
        for chosen in combinations(keys, size):
            posts.append(MultiDict([*(("csrf_token", "t"),), *((k, f"v{i}") for i, k in
                                                              enumerate(chosen))]))
    odd = [
        [(name, "")], [(name, "off")], [(name, "false")], [(name, "y")], [(name, "0")],
        [(name, "a"), (name, "b")],
        [(f"{name}-2", "c"), (f"{name}-0", "a"), (f"{name}-0-x", "z"), (f"{name}-x", "q")],
        [(f"{name}-1-part", "p")],
        [(f"{name}-day", "1"), (f"{name}-day", "2"), (f"{name}-from-day", "3")],
        [(f"{name}-country", "")],
    ]
    posts += [MultiDict([("csrf_token", "t"), *pairs]) for pairs in odd]
    return posts


def _input_names(name: str, how: Any) -> list[str]:
    if isinstance(how, tuple) and how and isinstance(how[0], tuple):
        return [n for part, sub in how for n in _input_names(f"{name}-{part}", sub)]
    return [name]


@pytest.mark.parametrize("type_name", sorted(FIELD_TYPES))
def test_every_field_type_reads_its_inputs_as_wtforms_did(type_name):
    collect = FIELD_TYPES[type_name].collect
    frozen = _frozen(collect)
    for data in _posts("q", _input_names("q", frozen)):
        expected = _by_wtforms({"q": collect}, data)["q"]
        assert _reader(frozen)("q", data) == expected, (type_name, data)


@pytest.mark.parametrize("form_id", SHIPPED)
def test_every_shipped_step_reads_a_complete_post_as_wtforms_did(form_id):
    form = shipped_form(form_id)
    for step in form.steps:
        answers: dict[str, Any] = {}
        for f in step.questions:
            answers.update(form_data(f))
        data = MultiDict([("csrf_token", "t"), ("action", "continue")])
        for key, value in answers.items():
            for item in value if isinstance(value, list) else [value]:
                data.add(key, item)
        expected = _by_wtforms({f.name: f.collect for f in step.questions}, data)
        got = step_input(step, data)
        assert got == expected, step.id
        # and a valid answer reaches the engine as typed: a date's parts, a ticked box
        for f in step.questions:
            if f.type == "date":
                assert set(got[f.name]) == {"day", "month", "year"}
            if f.type == "checkbox":
                assert got[f.name] is True


def test_an_unknown_input_kind_is_a_programming_error():
    with pytest.raises(ValueError, match="unknown input kind"):
        _reader("slider")
