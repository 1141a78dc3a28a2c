"""The attributes that reveal a field in place keep every value inside its attribute."""

import json
from html.parser import HTMLParser
from types import SimpleNamespace

from markupsafe import Markup

from portal.engine.fields import make_field
from portal.wizard.reveal import reveal_attributes

CHOICE = {"name": "art", "type": "radio", "label": {"de": "Art"},
          "options": [{"value": 'a"b', "label": {"de": "A"}},
                      {"value": "<c> & 'd'", "label": {"de": "C"}}]}


def attributes(markup: str) -> dict[str, str | None]:
    found: dict[str, str | None] = {}

    class Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.update(attrs)

    Parser().feed(f"<div{markup}>")
    return found


def _step(*specs):
    fields = [make_field(spec) for spec in specs]
    return fields, SimpleNamespace(questions=fields, fields=fields)


def test_values_with_quotes_and_brackets_stay_in_their_attribute():
    (_, shown), step = _step(CHOICE, {
        "name": "detail", "type": "text", "label": {"de": "Detail"},
        "visible_if": """art in ['a"b', "<c> & 'd'"]"""})
    markup = reveal_attributes(shown, step)
    assert isinstance(markup, Markup)  # safe for the template as it is, escaped once
    attrs = attributes(markup)
    assert attrs["data-field"] == "detail"
    condition = json.dumps(json.loads(attrs["data-condition"]), ensure_ascii=False)
    assert 'a\\"b' in condition and "<c> & 'd'" in condition


def test_no_condition_attribute_for_answers_on_other_pages_or_no_condition():
    (elsewhere,), step = _step({"name": "detail", "type": "text", "label": {"de": "D"},
                                "visible_if": "art == 'x'"})
    assert "data-condition" not in attributes(reveal_attributes(elsewhere, step))
    (plain,), step = _step({"name": "plain", "type": "text", "label": {"de": "P"}})
    assert "data-condition" not in attributes(reveal_attributes(plain, step))
