"""The readable diff between versions, and the structure view of a definition."""

from __future__ import annotations

import copy
import json
from pathlib import Path

from portal.designer.diff import diff
from portal.designer.structure import outline

ROOT = Path(__file__).resolve().parents[2]
ONLINEWACHE = json.loads((ROOT / "forms" / "onlinewache.json").read_text(encoding="utf-8"))


def _field(step: dict, name: str) -> dict:
    return next(f for f in step["fields"] if f.get("name") == name)


def test_identical_versions_have_no_changes():
    changes = diff(ONLINEWACHE, copy.deepcopy(ONLINEWACHE))
    assert changes.empty
    assert changes.counts() == {"added": 0, "removed": 0, "changed": 0, "moved": 0}


def test_added_removed_changed_and_moved_fields_and_texts():
    new = copy.deepcopy(ONLINEWACHE)
    new["version"] = "1.1.0"
    new["steps"][0]["fields"].append({"name": "hinweis_quelle", "type": "text",
                                      "visible_if": "art == 'hinweis'",
                                      "label": {"de": "Woher?", "en": "From where?"}})
    _field(new["steps"][1], "delikt")["label"]["en"] = "Kind of offence"
    moved = _field(new["steps"][1], "tatzeit_art")
    new["steps"][1]["fields"].remove(moved)
    new["steps"][2]["fields"].append(moved)
    new["steps"][3]["fields"] = [f for f in new["steps"][3]["fields"]
                                if f.get("name") != "verletzungen"]
    changes = diff(ONLINEWACHE, new)

    assert changes.counts() == {"added": 1, "removed": 1, "changed": 1, "moved": 1}
    assert [(c.key, c.old, c.new) for c in changes.form] == [("version", "1.0.0", "1.1.0")]
    steps = {s.id: s for s in changes.steps}
    (added,) = steps["anliegen"].fields
    assert added.status == "added" and added.label == "Woher?"
    assert ("visible_if", None, "art == 'hinweis'") in [
        (c.key, c.old, c.new) for c in added.changes]
    assert ("label", "en", None, "From where?") in [
        (c.key, c.language, c.old, c.new) for c in added.changes]
    (changed,) = steps["tat"].fields
    assert changed.key == "delikt" and changed.status == "changed"
    (text_change,) = changed.changes
    assert (text_change.key, text_change.language, text_change.new) == (
        "label", "en", "Kind of offence")
    (moved_field,) = steps["tatort"].fields
    assert moved_field.status == "moved" and moved_field.moved_from == "tat"
    (removed,) = steps["hergang"].fields
    assert removed.key == "verletzungen" and removed.status == "removed"


def test_options_are_compared_by_value_and_label():
    old = copy.deepcopy(ONLINEWACHE)
    new = copy.deepcopy(ONLINEWACHE)
    field = _field(new["steps"][0], "art")
    field["options"][0]["label"]["de"] = "Strafanzeige erstatten"
    field["options"].append({"value": "frage", "label": {"de": "Frage"}})
    (change,) = [s for s in diff(old, new).steps if s.status == "changed"]
    (field_change,) = change.fields
    summary = [(c.option, c.language, c.old is None, c.new) for c in field_change.changes]
    assert (field["options"][0]["value"], "de", False, "Strafanzeige erstatten") in summary
    assert ("frage", None, True, "frage") in summary


def test_steps_added_removed_and_reordered():
    new = copy.deepcopy(ONLINEWACHE)
    new["steps"].insert(0, {"id": "neu", "title": {"de": "Neu"},
                            "fields": [{"name": "x", "type": "text", "label": {"de": "X"}}]})
    removed = new["steps"].pop(3)
    changes = diff(ONLINEWACHE, new)
    statuses = {s.id: s.status for s in changes.steps}
    assert statuses["neu"] == "added" and statuses[removed["id"]] == "removed"
    assert changes.form == []  # the others are still in the same order
    new["steps"][1], new["steps"][2] = new["steps"][2], new["steps"][1]
    assert diff(ONLINEWACHE, new).form[0].key == "steps"  # the order of steps is content


def test_the_outline_shows_steps_fields_types_conditions_and_languages():
    view = outline(ONLINEWACHE)
    assert [s.id for s in view.steps][:3] == ["anliegen", "tat", "tatort"]
    quelle = next(f for f in view.steps[0].fields if f.name == "bezug_aktenzeichen")
    assert quelle.type == "text" and quelle.visible_if == "art == 'hinweis'"
    suspects = next(s for s in view.steps if s.id == "tatverdaechtige")
    assert suspects.repeat == (1, 5) and suspects.visible_if == "taeter_bekannt == 'ja'"
    assert all(view.complete(language) for language in view.languages)


def test_the_outline_names_incomplete_languages_down_to_the_field():
    document = copy.deepcopy(ONLINEWACHE)
    del _field(document["steps"][1], "delikt")["label"]["tr"]
    view = outline(document)
    assert not view.complete("tr") and view.complete("en")
    delikt = next(f for f in view.steps[1].fields if f.name == "delikt")
    assert delikt.missing_languages == ["tr"]
    assert view.steps[1].missing_languages == ["tr"]


def test_the_outline_of_a_broken_definition_shows_what_it_can():
    view = outline({"id": "x", "languages": "de",
                    "steps": [{"id": "a", "fields": [{"type": 5}, 7]}, 3]})
    assert [s.id for s in view.steps] == ["a"] and view.steps[0].fields[0].type == "5"
    assert outline([1, 2]) is None and outline({"steps": "no"}) is None
