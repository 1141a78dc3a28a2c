"""The checker reports every problem in one run; it refuses active upload formats."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from portal.engine import check_definition


def definition(*fields: dict, **top) -> dict:
    return {"id": "test-form", "version": "1.0.0", "languages": ["de"], "default_language": "de",
            "title": {"de": "Test"}, "privacy_notice": {"de": "Datenschutz"},
            "destination": "test", "retention_days": 30,
            "steps": [{"id": "eins", "title": {"de": "Eins"}, "fields": list(fields)}], **top}


def text(name: str, **spec) -> dict:
    return {"name": name, "type": "text", "label": {"de": name.upper()}, **spec}


def errors(document: dict, **kwargs) -> dict[str, str]:
    resolved, problems = check_definition(document, **kwargs)
    assert resolved is None
    return {p.pointer: p.message for p in problems if p.is_error}


def test_a_schema_violation_does_not_hide_a_duplicate_name_or_an_unknown_condition():
    found = errors(definition(
        text("a", lable={"de": "Tippfehler"}),  # schema: unknown key
        text("a"),  # duplicate of a field whose structure is broken
        text("c", visible_if="b == 'x'"),  # names no field
    ))
    assert "unknown key 'lable'" in found["/steps/0/fields/0"]
    assert found["/steps/0/fields/1/name"].startswith('the field name "a" is already used')
    assert found["/steps/0/fields/2/visible_if"] == \
        'the condition names "b", which is not a field of this form'


def test_a_broken_field_keeps_its_name_so_conditions_on_it_are_not_reported():
    found = errors(definition(text("a", type="texty"), text("c", visible_if="a == 'x'")))
    assert list(found) == ["/steps/0/fields/0/type"]


def test_a_broken_step_still_has_its_fields_checked():
    document = definition(text("a", min_length=5, max_length=1))
    del document["steps"][0]["title"]
    found = errors(document)
    assert "title" in found["/steps/0"]
    assert found["/steps/0/fields/0/min_length"] == "min_length (5) is larger than max_length (1)"


def test_a_broken_top_level_key_does_not_stop_the_field_checks():
    found = errors(definition(text("a"), text("a"), languages=["de", "xx"]))
    assert "/languages/1" in found
    assert found["/steps/0/fields/1/name"].startswith('the field name "a" is already used')


def radio(name: str, options: str) -> dict:
    return {"name": name, "type": "radio", "label": {"de": name}, "options": options}


def test_a_missing_codelist_names_where_it_looked_and_hides_nothing(tmp_path: Path):
    shared = tmp_path / "shared"
    found = errors(definition(radio("r", "codelists/nirgends.json"), text("a"), text("a")),
                   forms_dir=tmp_path / "forms", codelists=[shared])
    message = found["/steps/0/fields/0/options"]
    assert str(shared / "nirgends.json") in message
    assert str(tmp_path / "forms" / "codelists" / "nirgends.json") in message
    assert "--codelists" in message
    assert "/steps/0/fields/2/name" in found


def test_a_definition_file_finds_codelists_in_the_folder_given(tmp_path: Path):
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "ja-nein.json").write_text(json.dumps({
        "id": "ja-nein", "version": "1", "options": [{"value": "ja", "label": {"de": "Ja"}}]}))
    path = tmp_path / "elsewhere" / "test-form.json"
    path.parent.mkdir()
    path.write_text(json.dumps(definition(radio("r", "codelists/ja-nein.json"))))
    resolved, problems = check_definition(path, tmp_path / "no-forms-here", codelists=[shared])
    assert resolved is not None, problems
    assert resolved["steps"][0]["fields"][0]["options"] == [{"value": "ja", "label": {"de": "Ja"}}]


def file_field(*accept: str) -> dict:
    return {"name": "datei", "type": "file", "label": {"de": "Datei"}, "accept": list(accept)}


@pytest.mark.parametrize("media_type", [
    "image/svg+xml", "text/html", "application/xhtml+xml", "application/javascript",
    "text/javascript", "application/x-msdownload", "application/x-sh", "text/xml",
])
def test_active_formats_are_refused_in_accept(media_type: str):
    found = errors(definition(file_field("application/pdf", media_type)))
    assert list(found) == ["/steps/0/fields/0/accept/1"]
    assert f"{media_type!r} is an active format" in found["/steps/0/fields/0/accept/1"]


def test_passive_formats_are_accepted():
    resolved, problems = check_definition(definition(file_field("application/pdf", "image/png",
                                                                "image/jpeg")))
    assert resolved is not None, problems


def options(name: str, *values: str, **spec) -> dict:
    return {"name": name, "type": "radio", "label": {"de": name.upper()},
            "options": [{"value": v, "label": {"de": v.upper()}} for v in values], **spec}


def test_a_condition_comparing_with_an_answer_the_field_never_gives_is_refused():
    found = errors(definition(
        options("art", "diebstahl", "betrug"),
        {"name": "land", "type": "country", "usage": "nationality", "codes": "destatis",
         "label": {"de": "Staatsangehörigkeit"}},
        {"name": "woher", "type": "country", "label": {"de": "Land"}},
        text("a", visible_if="art == 'diebstal'"),  # a misspelt option: never shown
        text("b", visible_if="art != 'raub'"),  # no such option at all: always shown
        text("c", visible_if="land == 'DE'"),  # an ISO code where the answer is a key
        text("d", visible_if="woher in ['DE', '000']"),  # a key where the answer is ISO
        text("e", required_if="art in ['betrug'] and eu(land) and land != '000'"),
        text("f", visible_if="art == null or woher == 'AT'"),
    ))
    assert found["/steps/0/fields/3/visible_if"] == (
        "\"art\" never has the answer 'diebstal', so the comparison is never true; "
        "did you mean 'diebstahl'?")
    assert found["/steps/0/fields/4/visible_if"] == (
        "\"art\" never has the answer 'raub', so the comparison is always true; "
        "possible answers: 'betrug', 'diebstahl'")
    assert found["/steps/0/fields/5/visible_if"] == (
        "\"land\" never has the answer 'DE', so the comparison is never true; "
        "did you mean '000'?")
    assert found["/steps/0/fields/6/visible_if"] == (
        "\"woher\" never has the answer '000', so the comparison is never true; "
        "did you mean 'DE'?")
    # Comparisons with answers the fields give, with no answer, and eu() pass.
    assert set(found) == {f"/steps/0/fields/{n}/visible_if" for n in (3, 4, 5, 6)}


def test_the_guide_shows_the_messages_the_check_gives():
    guide = (Path(__file__).resolve().parents[2] / "docs" / "conditions.md").read_text("utf-8")
    table = guide[guide.index("### Comparisons that cannot hold"):guide.index("## On the page")]
    rows = re.findall(r"^\| `(.+?)`(?: \(.*?\))? \| (.+?) \|$", table, re.MULTILINE)
    assert len(rows) == 2
    for source, message in rows:
        found = errors(definition(
            options("delikt", "diebstahl", "raub"),
            {"name": "staatsangehoerigkeit", "type": "country", "usage": "nationality",
             "codes": "destatis", "label": {"de": "Staatsangehörigkeit"}},
            text("folge", visible_if=source)))
        assert found == {"/steps/0/fields/2/visible_if": message}
