"""One journey controller: the same tests for the citizen's draft and the designer's preview.

Every test runs twice (the `way` fixture): once through the citizen's wizard
over a draft in the database, once through the designer's preview over the
preview's answers; each on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.walk import form_data

from .conftest import Way, seen_on


def _answers(way: Way, step_id: str, html: str, **changes: str) -> dict[str, Any]:
    """What a browser posts for the step: valid answers for every question, then `changes`."""
    step = way.form.step(step_id)
    data: dict[str, Any] = {"action": "continue", "answers_seen": seen_on(html)}
    for f in step.questions:
        if f.type != "file" and re.search(rf'name="{re.escape(f.name)}(-[a-z_]+)*"', html):
            data.update(form_data(f))
    data.update(changes)
    return data


def test_the_form_is_walked_to_its_summary(way: Way):
    walker = way.walker()
    summary = walker.walk()
    assert "Prüfen Sie Ihre Angaben" in summary
    for location in walker.visited:
        step_id = location.split("/steps/")[1].split("/")[0]
        assert f'id="summary-{step_id}"' in summary
    assert way.stored()["erstatter_email"]


def test_a_wrong_answer_is_flagged_and_the_right_ones_are_kept(way: Way):
    way.walker().walk()
    page = way.client.get(way.url("steps/anzeigeerstatter")).text
    response = way.client.post(way.url("steps/anzeigeerstatter"), data=_answers(
        way, "anzeigeerstatter", page, erstatter_email="keine-adresse",
        erstatter_telefon="030 987654"))
    assert response.status_code == 422
    assert 'href="#erstatter_email"' in response.text  # the error summary links to the field
    assert 'value="keine-adresse"' in response.text  # what was typed is shown again
    stored = way.stored()
    assert stored["erstatter_telefon"] == "030 987654"  # the valid answer is kept
    assert stored["erstatter_email"] != "keine-adresse"


@pytest.mark.both_databases
def test_an_answer_changed_in_another_window_is_shown_not_reverted(way: Way):
    way.walker().walk()
    step = way.url("steps/anzeigeerstatter")
    window_a = way.client.get(step).text  # opened, then left open
    window_b = way.client.get(step).text
    changed = way.client.post(step, data=_answers(way, "anzeigeerstatter", window_b,
                                                  erstatter_email="neu@example.org"))
    assert changed.status_code == 303
    # Window A still shows the old e-mail address and sends it with another change.
    sent = _answers(way, "anzeigeerstatter", window_a, erstatter_telefon="030 111222")
    old_email = sent["erstatter_email"]
    conflict = way.client.post(step, data=sent)
    assert conflict.status_code == 409
    assert "Ihre Antworten wurden in einem anderen Fenster geändert" in conflict.text
    table = conflict.text.split('class="conflict__table"')[1].split("</table>")[0]
    assert "neu@example.org" in table and old_email in table  # both values, side by side
    assert way.stored()["erstatter_email"] == "neu@example.org"  # nothing reverted
    assert 'value="030 111222"' in conflict.text  # and nothing typed in window A lost
    # Having seen both, the citizen keeps what window A says.
    again = way.client.post(step, data={**sent, "answers_seen": seen_on(conflict.text)})
    assert again.status_code == 303
    assert way.stored()["erstatter_email"] == old_email
    assert way.stored()["erstatter_telefon"] == "030 111222"


@pytest.mark.both_databases
def test_a_change_on_another_step_is_merged(way: Way):
    way.walker().walk()
    window_a = way.client.get(way.url("steps/tatort")).text
    window_b = way.client.get(way.url("steps/anzeigeerstatter")).text
    way.client.post(way.url("steps/anzeigeerstatter"), data=_answers(
        way, "anzeigeerstatter", window_b, erstatter_email="neu@example.org"))
    response = way.client.post(way.url("steps/tatort"), data=_answers(
        way, "tatort", window_a, tatort_beschreibung="Vor dem Haupteingang"))
    assert response.status_code == 303
    stored = way.stored()
    assert stored["erstatter_email"] == "neu@example.org"
    assert stored["tatort_beschreibung"] == "Vor dem Haupteingang"


def _witnesses(way: Way) -> str:
    """Walk, then say there are witnesses: the list of witnesses, empty."""
    way.walker().walk()
    page = way.client.get(way.url("steps/beteiligte")).text
    response = way.client.post(way.url("steps/beteiligte"), data=_answers(
        way, "beteiligte", page, taeter_bekannt="nein", zeugen_vorhanden="ja"))
    assert response.status_code == 303
    return way.url("steps/zeugen")


def _witness(way: Way, url: str, name: str, seen: str | None = None) -> Any:
    given, family = name.split()
    data: dict[str, Any] = {"action": "continue"}
    for f in way.form.step("zeugen").questions:
        data.update(form_data(f))
    data.update({"zeuge_name-given_name": given, "zeuge_name-family_name": family})
    if seen is not None:
        data["answers_seen"] = seen
    return way.client.post(url, data=data)


def test_entries_are_added_changed_and_removed(way: Way):
    zeugen = _witnesses(way)
    before = [w["zeuge_name"]["family_name"] for w in way.stored().get("zeugen", [])]
    assert _witness(way, f"{zeugen}/entries/new", "Ada Lovelace").status_code == 303
    assert _witness(way, f"{zeugen}/entries/new", "Grace Hopper").status_code == 303
    listing = way.client.get(zeugen).text
    assert "Ada Lovelace" in listing and "Grace Hopper" in listing
    ada, grace = len(before) + 1, len(before) + 2  # entry numbers, counted from 1
    edit = way.client.get(f"{zeugen}/entries/{ada}").text
    assert _witness(way, f"{zeugen}/entries/{ada}", "Ada King", seen_on(edit)).status_code == 303
    listing = way.client.get(zeugen).text
    way.client.post(f"{zeugen}/entries/{grace}/remove",
                    data={"answers_seen": seen_on(listing, grace - 1)})
    names = [w["zeuge_name"]["family_name"] for w in way.stored()["zeugen"]]
    assert names == [*before, "King"]


@pytest.mark.both_databases
def test_an_entry_changed_in_another_window_is_neither_overwritten_nor_removed(way: Way):
    zeugen = _witnesses(way)
    before = [w["zeuge_name"]["family_name"] for w in way.stored().get("zeugen", [])]
    _witness(way, f"{zeugen}/entries/new", "Ada Lovelace")
    ada = len(before) + 1
    listing_a = way.client.get(zeugen).text  # window A: the list, with Ada
    edit_a = way.client.get(f"{zeugen}/entries/{ada}").text
    edit_b = way.client.get(f"{zeugen}/entries/{ada}").text
    assert _witness(way, f"{zeugen}/entries/{ada}", "Ada King",
                    seen_on(edit_b)).status_code == 303
    # Window A removes "Ada Lovelace": the entry is now another one, and stays.
    way.client.post(f"{zeugen}/entries/{ada}/remove",
                    data={"answers_seen": seen_on(listing_a, ada - 1)})
    assert [w["zeuge_name"]["family_name"] for w in way.stored()["zeugen"]] == [*before, "King"]
    # Window A changes it: both values are shown, the stored one stays until confirmed.
    conflict = _witness(way, f"{zeugen}/entries/{ada}", "Ada Byron", seen_on(edit_a))
    assert conflict.status_code == 409
    assert "King" in conflict.text and 'value="Byron"' in conflict.text
    assert [w["zeuge_name"]["family_name"] for w in way.stored()["zeugen"]] == [*before, "King"]
