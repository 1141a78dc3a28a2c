"""The attributes that reveal a field in place keep a choice's value inside the attribute."""

import json
from html.parser import HTMLParser

from markupsafe import Markup

from portal.engine.conditions import parse
from portal.wizard.reveal import reveal_attributes


def attributes(markup: str) -> dict[str, str | None]:
    found: dict[str, str | None] = {}

    class Parser(HTMLParser):
        def handle_starttag(self, tag, attrs):
            found.update(attrs)

    Parser().feed(f"<div{markup}>")
    return found


def test_values_with_quotes_and_brackets_stay_in_their_attribute():
    markup = reveal_attributes(parse("""art in ['a"b', "<c> & 'd'"]"""), {"art"})

    assert isinstance(markup, Markup)  # safe for the template as it is, escaped once
    attrs = attributes(markup)
    assert set(attrs) == {"data-reveal-name", "data-reveal-values"}
    assert attrs["data-reveal-name"] == "art"
    assert json.loads(attrs["data-reveal-values"]) == ["<c> & 'd'", 'a"b']


def test_no_attributes_for_answers_on_other_pages_or_no_condition():
    assert reveal_attributes(parse("art == 'x'"), {"other"}) == ""
    assert reveal_attributes(None, {"art"}) == ""
