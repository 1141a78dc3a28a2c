"""JSON pointers placed at lines and columns of the text as typed."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from portal.designer.positions import escape, locate

ROOT = Path(__file__).resolve().parents[2]

TEXT = """{
  "id": "x",
  "steps": [
    {"id": "a", "fields": []},
    {
      "id": "b",
      "a/b": {"t~x": "\\"quoted\\""}
    }
  ]
}"""


def test_keys_and_values_are_found_at_their_line_and_column():
    located = locate(TEXT)
    assert located.position("") == (1, 1)
    assert located.position("/id") == (2, 3)
    assert located.position("/steps/0") == (4, 5)
    assert located.position("/steps/0/fields") == (4, 17)
    assert located.position("/steps/1/id") == (6, 7)


def test_escaped_pointer_tokens_and_escaped_strings():
    located = locate(TEXT)
    pointer = "/steps/1/" + escape("a/b") + "/" + escape("t~x")
    assert pointer == "/steps/1/a~1b/t~0x"
    assert located.position(pointer) == (7, 15)
    span = located.spans[pointer]
    assert json.loads(TEXT[span.value_start:span.value_end]) == '"quoted"'


def test_a_pointer_that_is_not_in_the_text_lands_on_its_nearest_ancestor():
    located = locate(TEXT)
    # e.g. "the key 'title' is missing" points at the step that lacks it
    assert located.position("/steps/1/title") == located.position("/steps/1")
    assert located.position("/nothing/here") == (1, 1)


def test_a_key_written_twice_is_reported():
    assert locate('{"a": 1, "b": {"c": 1, "c": 2}}').duplicates == ["/b/c"]


def test_the_line_of_a_position_is_its_text():
    located = locate(TEXT)
    line, _column = located.position("/steps/1/id")
    assert located.line_text(line) == '      "id": "b",'
    assert located.line_count == TEXT.count("\n") + 1


def test_every_value_of_a_shipped_form_is_located_exactly():
    text = (ROOT / "forms" / "onlinewache.json").read_text(encoding="utf-8")
    located = locate(text)
    document = json.loads(text)

    def walk(node, pointer=""):
        span = located.spans[pointer]
        assert json.loads(text[span.value_start:span.value_end]) == node, pointer
        if isinstance(node, dict):
            for key, value in node.items():
                walk(value, f"{pointer}/{escape(key)}")
        elif isinstance(node, list):
            for index, value in enumerate(node):
                walk(value, f"{pointer}/{index}")

    walk(document)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=8),
    lambda children: st.lists(children, max_size=4)
    | st.dictionaries(st.text(max_size=6), children, max_size=4),
    max_leaves=20,
)


@given(json_values, st.sampled_from([None, 0, 2]))
def test_any_json_is_located_whatever_its_formatting(value, indent):
    text = json.dumps(value, indent=indent)
    located = locate(text)
    span = located.spans[""]
    assert json.loads(text[span.value_start:span.value_end]) == value
