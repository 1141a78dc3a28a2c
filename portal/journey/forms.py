"""What a step posts, collected as the engine's fields clean it; and the other way round.

Each field type declares in its `collect` which inputs it posts (portal.engine.fields,
`Collect`): one text, a choice, several choices, a checkbox, a repeated input, or the
parts of a composite by name ("tatzeit-day"). `step_input` reads them from the
request's form data in the shape WTForms would give (its names, defaults and
"false" values: tests/journey/test_collect.py compares the two on every shipped
step); the rules are the engine's and the markup is the templates'
(portal/journey/pages.py). WTForms built and bound a form object per request to
read a dozen keys, a tenth of a step's CPU, so the reading is done here.
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from ..engine import FieldError, Step
from ..engine.fields import Collect

#: What a checkbox posts that means "not ticked" (WTForms' BooleanField false_values).
FALSE_VALUES = ("", "false", "n", "no", "off")
#: The kinds of input a field type can declare as its `collect`.
KINDS = ("text", "radio", "select", "multiple", "flag", "list")


def _frozen(collect: Collect) -> Any:
    if isinstance(collect, Mapping):
        return tuple((part, _frozen(how)) for part, how in collect.items())
    return collect


@cache
def _reader(how: Any) -> Any:
    """A function (name, form data) -> the input's value, for a (frozen) `collect`."""
    if isinstance(how, tuple) and how and isinstance(how[0], tuple):
        parts = tuple((part, _reader(sub)) for part, sub in how)
        return lambda name, data: {part: read(f"{name}-{part}", data) for part, read in parts}
    kind, default = how if isinstance(how, tuple) else (how, None)
    if kind not in KINDS:
        raise ValueError(f"unknown input kind {kind!r}")
    if kind in ("text", "radio", "select"):
        def one(name: str, data: Any) -> Any:
            values = data.getlist(name)
            return values[0] if values else default
        return one
    if kind == "multiple":
        return lambda name, data: data.getlist(name)
    if kind == "flag":
        def flag(name: str, data: Any) -> bool:
            values = data.getlist(name)
            return bool(values) and values[0] not in FALSE_VALUES
        return flag

    def repeated(name: str, data: Any) -> list[Any]:
        # "name-0", "name-1", …: in the order of their numbers, gaps closed.
        prefix = f"{name}-"
        indices = sorted({int(number) for key in data if key.startswith(prefix)
                          for number in (key[len(prefix):].split("-", 1)[0],)
                          if number.isdigit()})
        return [(data.getlist(f"{prefix}{index}") or [None])[0] for index in indices]
    return repeated


def step_input(step: Step, formdata: Any) -> dict[str, Any]:
    """What the citizen entered on the step, in the shape the engine's fields clean."""
    return {f.name: _reader(_frozen(f.collect))(f.name, formdata) for f in step.questions}


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
