"""Conditions evaluated on the page: a field that depends on answers of the same page is
shown or hidden as they change, by the evaluator in amtsweg.js.

The server renders every such field (without JavaScript the question is shown and the
engine discards an answer that does not apply). The page carries, as data and never as
code: each question's name and how its inputs are read (`data-field`, `data-collect`),
each dependant's condition as its syntax tree (`data-condition`), and, per request, the
earlier answers the conditions name (a `<script type="application/json">` block).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import date
from typing import Any

from markupsafe import Markup

from ..engine import Field, Step


def on_page(field: Field, step: Step) -> bool:
    """The field's condition names another question of this page and can be evaluated there.

    Files are the exception: an upload is no input value the page can read. `forms check`
    warns about such a condition (portal.engine.definition).
    """
    if field.visible_if is None:
        return False
    own = {f.name: f for f in step.questions}
    named = field.visible_if.names & own.keys()
    return bool(named) and not any(own[name].uploads for name in named)


def reveal_attributes(field: Field, step: Step) -> Markup:
    """`data-` attributes for a field's wrapper: what the evaluator in amtsweg.js reads.

    Markup.format escapes every value (names, JSON), so nothing leaves its attribute.
    """
    attributes = Markup("")
    if field.is_question:
        attributes += Markup(' data-field="{}"').format(field.name)
        collect = "files" if field.uploads else field.collect
        attributes += Markup(' data-collect="{}"').format(json.dumps(collect))
        if field.number_input:
            attributes += Markup(' data-number="{}"').format(field.number_input)
        if field.derived:  # a computed value: worked out again as the page's answers change
            derived = {"expression": field.expression.as_data(), "format": field.format,
                       "decimals": field.decimals, "currency": field.currency}
            attributes += Markup(' data-derived="{}"').format(
                json.dumps(derived, ensure_ascii=False))
    if on_page(field, step):
        data = json.dumps(field.visible_if.as_data(), ensure_ascii=False)
        attributes += Markup(' data-condition="{}"').format(data)
    return attributes


def page_answers(step: Step, earlier: Mapping[str, Any], today: date | None = None) -> dict:
    """The earlier answers the page's conditions name, and today's date, for the browser."""
    own = {f.name for f in step.questions}
    names: set[str] = set()
    for field in step.fields:
        if on_page(field, step):
            names |= field.visible_if.names - own
        if field.derived:
            names |= field.expression.names - own
    return {"today": (today or date.today()).isoformat(),
            "answers": {name: earlier[name] for name in sorted(names) if name in earlier}}
