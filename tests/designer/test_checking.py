"""A malformed definition is shown with its position: line, column and JSON pointer."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from portal.designer.checking import check_text

ROOT = Path(__file__).resolve().parents[2]
FORMS = ROOT / "forms"
ONLINEWACHE = (FORMS / "onlinewache.json").read_text(encoding="utf-8")


def _line_of(text: str, needle: str) -> int:
    return text[: text.index(needle)].count("\n") + 1


def test_a_shipped_form_has_no_errors():
    checked = check_text(ONLINEWACHE, FORMS)
    assert checked.ok and not checked.errors
    assert checked.document["id"] == "onlinewache"


def test_a_json_syntax_error_has_its_line_and_column():
    broken = ONLINEWACHE.replace('"version": "1.0.0",', '"version": "1.0.0"', 1)
    checked = check_text(broken, FORMS)
    assert not checked.ok and checked.parsed is None
    (error,) = checked.errors
    assert error.message == "JSON-Syntaxfehler: a comma is missing here"
    # Where the comma belongs: just after the value, not at the next key a line below.
    assert error.line == _line_of(broken, '"version": "1.0.0"')
    assert error.column == len('  "version": "1.0.0"') + 1
    assert error.excerpt.strip() == '"version": "1.0.0"'


def test_a_schema_violation_has_its_pointer_and_line():
    broken = ONLINEWACHE.replace('"type": "radio"', '"type": "radiobutton"', 1)
    (error,) = check_text(broken, FORMS).errors
    assert error.pointer == "/steps/0/fields/1/type"
    assert error.line == _line_of(broken, '"radiobutton"')
    assert "'radiobutton' is not allowed here" in error.message
    assert '"type": "radiobutton"' in error.excerpt


def test_an_unknown_condition_reference_has_its_pointer_and_line():
    broken = ONLINEWACHE.replace("\"art == 'hinweis'\"", "\"artt == 'hinweis'\"", 1)
    (error,) = check_text(broken, FORMS).errors
    assert error.pointer == "/steps/0/fields/2/visible_if"
    assert error.line == _line_of(broken, "artt ==")
    assert '"artt", which is not a field of this form' in error.message


def test_an_unknown_key_points_at_the_key_itself():
    broken = ONLINEWACHE.replace('"required": true,', '"required": true, "colour": "red",', 1)
    (error,) = check_text(broken, FORMS).errors
    assert error.pointer == "/steps/0/fields/1"  # the engine's pointer, unchanged
    assert error.line == _line_of(broken, '"colour"')
    assert error.column == broken.split("\n")[error.line - 1].index('"colour"') + 1


def test_a_missing_key_points_at_the_object_that_lacks_it():
    document = json.loads(ONLINEWACHE)
    del document["steps"][1]["title"]
    text = json.dumps(document, indent=2, ensure_ascii=False)
    (error,) = check_text(text, FORMS).errors
    assert error.pointer == "/steps/1" and 'the key "title" is missing' in error.message
    assert error.line == _line_of(text, '"id": "tat"') - 1


def test_a_problem_in_a_codelist_names_the_codelist_not_a_line(tmp_path):
    shutil.copytree(FORMS / "codelists", tmp_path / "codelists")
    (tmp_path / "codelists" / "x.json").write_text('{"options": []}')
    document = json.loads(ONLINEWACHE)
    document["steps"][1]["fields"][0]["options"] = "codelists/x.json"
    checked = check_text(json.dumps(document, indent=2), tmp_path)
    assert checked.errors
    assert all(e.elsewhere == "x.json" and e.line is None for e in checked.errors)


def test_translations_that_are_missing_are_warnings_not_errors():
    document = json.loads(ONLINEWACHE)
    del document["steps"][0]["title"]["uk"]
    checked = check_text(json.dumps(document, indent=2, ensure_ascii=False), FORMS)
    assert checked.ok
    (warning,) = checked.warnings
    assert warning.pointer == "/steps/0/title" and "'uk'" in warning.message


def test_text_that_is_not_a_definition_at_all():
    assert check_text("", FORMS).errors[0].line == 1
    assert check_text("[1, 2]", FORMS).errors[0].message.startswith("Eine Formulardefinition ist")
    assert "NaN" in check_text('{"a": NaN}', FORMS).errors[0].message
    assert check_text("[" * 5000 + "]" * 5000, FORMS).errors
    duplicate = check_text(ONLINEWACHE.replace('"id": "onlinewache",',
                                               '"id": "x", "id": "onlinewache",', 1), FORMS)
    assert duplicate.ok and "zweimal" in duplicate.warnings[0].message


def test_the_designer_finds_codelists_in_the_configured_folder(tmp_path):
    """CODELISTS_DIR is looked in first: an authority's own codelists need not sit in forms/."""
    from portal import create_app

    own = tmp_path / "codelists"
    own.mkdir()
    shutil.copy(FORMS / "codelists" / "delikte.json", own / "eigene-delikte.json")
    text = ONLINEWACHE.replace('"codelists/delikte.json"', '"codelists/eigene-delikte.json"', 1)
    app = create_app({"SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path),
                      "CODELISTS_DIR": str(own)})
    with app.app_context():
        assert check_text(text, FORMS).ok
    app.config["CODELISTS_DIR"] = None
    with app.app_context():
        (error,) = check_text(text, FORMS).errors
    assert error.pointer.endswith("/options")
    assert f"looked in: {FORMS / 'codelists' / 'eigene-delikte.json'}" in error.message
