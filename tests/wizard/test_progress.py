"""Progress by section: true when an answer opens a branch, unlike "Schritt 4 von 7"."""

from __future__ import annotations

import re
from pathlib import Path

from portal.engine import load_form
from portal.publishing import compiled, current_version
from tests.walk import Walker

FORMS_DIR = Path(__file__).resolve().parents[2] / "forms"


def _sections_shown(html: str) -> tuple[str, list[str]]:
    caption = re.search(r'class="caption__progress">([^<]+)<', html).group(1)
    items = re.findall(
        r'<li class="step-list__item[^"]*">\s*(?:<a [^>]*>|<span[^>]*>)([^<]+)<', html)
    return caption, items


def _answer(client, form, location, **override):
    step = form.step(location.split("/steps/")[1].split("/")[0])
    page = client.get(location).text
    data = Walker(client, form).step_data(step, page)
    data.update(override)
    response = client.post(location, data=data, content_type="multipart/form-data")
    assert response.status_code == 303, re.findall(r'<li><a href="#[^"]+">(.*?)</a>', response.text)
    return response.headers["Location"]


def test_opening_a_branch_does_not_change_what_the_progress_says(app):
    """Onlinewache: "Gibt es Zeugen?" opens the witnesses' step; the sections shown stay true."""
    form = compiled(current_version("onlinewache"))
    client = app.test_client()
    location = Walker(client, form).start()
    while not location.endswith("/steps/beteiligte"):
        location = _answer(client, form, location)
    before_caption, before = _sections_shown(client.get(location).text)
    assert before_caption.startswith("Abschnitt: ")
    assert "Schritt" not in client.get(location).text.split("<main")[1].split("<h1")[0]

    # Yes, there were witnesses: a step opens. Nothing said before becomes false:
    # the current section was not "4 of 7", and every section listed before is still listed.
    after_location = _answer(client, form, location, zeugen_vorhanden="ja", taeter_bekannt="nein")
    assert "/steps/zeugen" in after_location
    page = client.get(after_location)
    if page.status_code in (302, 303):
        page = client.get(page.headers["Location"])
    _, after = _sections_shown(page.text)
    assert [s for s in before if s in after] == before
    assert "Zeuginnen und Zeugen" in after and "Zeuginnen und Zeugen" not in before


def test_the_split_pages_of_a_long_step_share_one_section_and_keep_the_answers_names():
    form = load_form(FORMS_DIR / "hilfe-zum-lebensunterhalt.json")
    first = form.sections[0]
    assert [s.id for s in first.steps] == ["antragsteller", "kontakt", "versicherung"]
    assert first.title["de"] == "Ihre Angaben"
    # A page a citizen takes in one look: at most eight questions on any page of any form.
    for path in FORMS_DIR.glob("*.json"):
        for step in load_form(path).steps:
            always = [q for q in step.questions if q.visible_if is None]
            assert len(always) <= 8, (path.name, step.id, len(always))
    # The answers keep their names, so the data a caseworker receives has the same shape.
    names = {q.name for s in first.steps for q in s.questions}
    assert {"antragsteller_name", "anschrift", "telefon", "sozialversicherungsnummer",
            "erwerbsfaehigkeit"} <= names


def test_the_current_section_is_named_on_each_of_its_pages(app):
    form = compiled(current_version("hilfe-zum-lebensunterhalt"))
    client = app.test_client()
    location = Walker(client, form).start()
    for expected in ("antragsteller", "kontakt", "versicherung"):
        assert location.endswith(f"/steps/{expected}")
        caption, items = _sections_shown(client.get(location).text)
        assert caption == "Abschnitt: Ihre Angaben"
        assert items[0] == "Ihre Angaben"
        location = _answer(client, form, location)
    caption, items = _sections_shown(client.get(location).text)
    assert caption != "Abschnitt: Ihre Angaben" and items[0] == "Ihre Angaben"
