"""The engine's check messages: translatable, English as text, with suggestions for near
misses, and JSON syntax errors placed where a person fixes them."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import pytest

from portal.engine import check_definition
from portal.engine.definition import syntax_error_position
from portal.engine.messages import Phrase

ONLINEWACHE = Path(__file__).resolve().parents[2] / "forms" / "onlinewache.json"


def _errors(change) -> list:
    document = json.loads(ONLINEWACHE.read_text(encoding="utf-8"))
    change(document)
    _resolved, problems = check_definition(document)
    return [p for p in problems if p.is_error]


def test_a_misspelt_type_gets_a_suggestion_in_every_language():
    (problem,) = _errors(lambda d: d["steps"][0]["fields"][1].update(type="radoi"))
    message = problem.message
    assert isinstance(message, Phrase)
    assert message.startswith("'radoi' is not allowed here; did you mean 'radio'? Use one of:")
    assert message.localise("de").startswith(
        "'radoi' ist hier nicht erlaubt; meinten Sie 'radio'? Möglich sind:")
    assert "'radio'" in message.localise("uk") and "ви мали на увазі" in message.localise("uk")
    assert pickle.loads(pickle.dumps(message)).localise("tr") == message.localise("tr")


def test_a_misspelt_key_and_condition_name_get_suggestions():
    def change(document):
        field = document["steps"][0]["fields"][2]
        field["lable"] = field.pop("label")
        document["steps"][1]["visible_if"] = "artt == 'anzeige'"

    messages = {p.pointer: p.message for p in _errors(change)
                if "lable" in p.message or "artt" in p.message}
    assert messages["/steps/0/fields/2"].localise("de") == (
        "unbekannter Schlüssel 'lable': Prüfen Sie die Schreibweise oder entfernen Sie ihn; "
        "meinten Sie 'label'?")
    assert messages["/steps/1/visible_if"].localise("de") == (
        "die Bedingung nennt „artt“; das ist kein Feld dieses Formulars. Meinten Sie „art“?")


def test_no_suggestion_for_a_name_like_nothing_known():
    (problem,) = _errors(lambda d: d["steps"][0]["fields"][1].update(type="zzzzzz"))
    assert "did you mean" not in problem.message


@pytest.mark.parametrize(("text", "line", "column", "reason"), [
    # A missing comma: at the end of the line that lacks it, not at the next key.
    ('{\n  "a": 1\n  "b": 2\n}', 2, 9, "Expecting ',' delimiter"),
    # A comma too many: at the comma, not at the bracket on the next line.
    ('{\n  "a": 1,\n}', 2, 9, "Expecting property name enclosed in double quotes"),
    ('[\n  1,\n  2,\n]', 3, 4, "Expecting value"),
    # Anything else stays where json.loads puts it.
    ('{\n  "a": \n}', 3, 1, "Expecting value"),
])
def test_json_syntax_errors_are_placed_where_they_are_fixed(text, line, column, reason):
    with pytest.raises(json.JSONDecodeError) as caught:
        json.loads(text)
    assert caught.value.msg == reason
    assert syntax_error_position(text, caught.value) == (line, column)
