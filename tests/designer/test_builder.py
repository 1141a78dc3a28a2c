"""The structured editor: steps and questions changed page by page, never a line of JSON.

The central promise: the same edits made in the structured editor and in the JSON
view give the same definition, and everything is checked as a JSON save is.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from portal.designer import outline_edit as edit
from portal.designer import texts
from portal.designer.models import FormDraft
from portal.extensions import db

from .conftest import copy_form, draft_id_of, editor_text, save
from .test_texts import _row

ROOT = Path(__file__).resolve().parents[2]


def _revision(page: str) -> str:
    return re.search(r'name="revision" value="(\d+)"', page).group(1)


def _document(draft_id: int) -> dict:
    db.session.expire_all()
    return json.loads(db.session.get(FormDraft, draft_id).text)


def _post(client: FlaskClient, url: str, data: dict, expect: int = 303):
    """Open the page (as a person would), then send it."""
    page = client.get(url)
    assert page.status_code == 200, page.text
    draft_id = int(url.split("/drafts/")[1].split("/")[0])
    db.session.expire_all()
    revision = str(db.session.get(FormDraft, draft_id).revision)
    response = client.post(url, data={"revision": revision, **data})
    assert response.status_code == expect, response.text
    return response


def _outline_op(client: FlaskClient, draft_id: int, op: str, expect: int = 303):
    return _post(client, f"/designer/drafts/{draft_id}/builder", {"op": op}, expect)


def _question_values(client: FlaskClient, url: str) -> dict[str, str]:
    """Every input of a question page as the browser would send it unchanged."""
    page = client.get(url).text
    values: dict[str, str] = {}
    for tag in re.findall(r"<input[^>]*>", page):
        name = re.search(r'name="([^"]+)"', tag)
        if not name or name.group(1) == "csrf_token":
            continue
        kind = re.search(r'type="([^"]+)"', tag).group(1)
        value = re.search(r'value="([^"]*)"', tag)
        if kind in ("radio", "checkbox") and " checked" not in tag:
            continue
        values[name.group(1)] = value.group(1) if value else ""
    for name, text in re.findall(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S):
        values[name] = text
    for name, body in re.findall(r'<select[^>]*name="([^"]+)"[^>]*>(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected', body)
        values[name] = chosen.group(1) if chosen else ""
    return {k: html.unescape(v) for k, v in values.items()}


def _builder_edits(client: FlaskClient, draft_id: int) -> None:
    """A new step with two questions, the second shown only for one answer to the first,
    the questions swapped, a German label changed; all in the structured editor."""
    base = f"/designer/drafts/{draft_id}/builder"
    steps = len(_document(draft_id)["steps"])
    new_step = client.post(f"{base}/steps/new", data={"step_title": "Ihr Fahrrad",
                                                      "step_id": ""})
    assert new_step.status_code == 303
    assert f"/steps/{steps}/questions/new" in new_step.headers["Location"]
    chosen = client.get(new_step.headers["Location"])
    assert "Welche Art von Frage?" in chosen.text
    # The first question: a text; its technical name comes from the label.
    _post(client, new_step.headers["Location"], {
        "stage": "settings", "type": "text", "step_title": "Ihr Fahrrad", "step_id": "ihr_fahrrad",
        "s-label": "Rahmennummer", "s-hint": "Sie steht meist unten am Rahmen.",
        "s-max_length": "40", "s-visible_if-mode": "none"})
    # The second: a yes/no question, added to the step.
    _post(client, f"{base}/steps/{steps}/questions/new?type=radio", {
        "stage": "settings", "type": "radio", "s-label": "Ist das Fahrrad codiert?",
        "s-name": "codiert", "s-required": "1", "options-source": "list", "options-count": "3",
        "options-0-label": "Ja", "options-0-value": "ja",
        "options-1-label": "Nein", "options-1-value": "",
        "s-visible_if-mode": "none", "s-required_if-mode": "none"})
    # The yes/no question comes first; then the frame number asks only for a coded bike.
    _outline_op(client, draft_id, f"up:{steps}:1")
    url = f"{base}/steps/{steps}/questions/1"
    values = _question_values(client, url)
    assert values["s-name"] == "rahmennummer"
    values.update({"s-visible_if-mode": "choice", "s-visible_if-question": "codiert",
                   "s-visible_if-op": "==", "s-visible_if-value": "ja"})
    assert client.post(url, data=values).status_code == 303
    # A German label of the shipped form, English untouched.
    url = f"{base}/steps/0/questions/1"
    values = _question_values(client, url)
    assert values["s-label"] == "Was möchten Sie tun?"
    values["s-label"] = "Was möchten Sie der Polizei mitteilen?"
    assert client.post(url, data=values).status_code == 303


def _json_edits(text: str) -> str:
    """The same edits, typed into the JSON view."""
    document = json.loads(text)
    document["steps"][0]["fields"][1]["label"]["de"] = "Was möchten Sie der Polizei mitteilen?"
    document["steps"].append({"id": "ihr_fahrrad", "title": {"de": "Ihr Fahrrad"}, "fields": [
        {"name": "codiert", "type": "radio", "label": {"de": "Ist das Fahrrad codiert?"},
         "required": True, "options": [{"value": "ja", "label": {"de": "Ja"}},
                                       {"value": "nein", "label": {"de": "Nein"}}]},
        {"type": "text", "name": "rahmennummer", "label": {"de": "Rahmennummer"},
         "hint": {"de": "Sie steht meist unten am Rahmen."}, "max_length": 40,
         "visible_if": "codiert == 'ja'"},
    ]})
    return json.dumps(document, indent=2, ensure_ascii=False)


def test_the_same_edits_through_the_json_view_give_an_identical_definition(app, designer):
    built = copy_form(designer)
    typed = copy_form(designer)
    _builder_edits(designer, built)
    text, revision = editor_text(designer, typed)
    assert save(designer, typed, _json_edits(text), revision).status_code == 303
    assert _document(built) == _document(typed)
    # Both are complete and valid: the JSON view's check finds no error in either.
    for draft_id in (built, typed):
        page = designer.get(f"/designer/drafts/{draft_id}")
        assert "Keine Fehler: Dieser Entwurf kann veröffentlicht werden." in page.text
    assert _document(built)["steps"][0]["fields"][1]["label"]["en"] == "What would you like to do?"


#: Translations made on the texts page (key -> English), and the same typed into the JSON view.
ENGLISH = {
    "steps[anliegen]/fields[art]/label": "What would you like to tell the police?",
    "steps[ihr_fahrrad]/title": "Your bicycle",
    "steps[ihr_fahrrad]/fields[codiert]/label": "Is the bicycle security-coded?",
}


def _texts_page_edits(client: FlaskClient, draft_id: int, part: str, english: dict[str, str]):
    """On the texts page of one part: the English of some texts typed in, every other box
    sent as the page showed it (as a browser sends the form)."""
    url = f"/designer/drafts/{draft_id}/texts?part={part}"
    page = client.get(url).text
    form = {"revision": _revision(page)}
    for name, value in re.findall(r'<textarea[^>]*name="(text-\d+-[a-z]+)"[^>]*>(.*?)</textarea>',
                                  page, re.S):
        form[name] = html.unescape(value)
    for key, value in english.items():
        row = _row(page, key)
        form[re.search(r'name="(text-\d+-en)"', row).group(1)] = value
    response = client.post(url, data=form)
    assert response.status_code == 303, response.text


def _states(draft_id: int) -> dict[str, dict[str, str]]:
    """Every text's translations: current, missing or outdated."""
    db.session.expire_all()
    summary = texts.summary(db.session.get(FormDraft, draft_id))
    return {t.text.key: t.states for t in summary.texts}


def test_translations_on_the_texts_page_and_in_the_json_view_give_the_same_definition(
        app, designer):
    """The texts page is a third way to write the definition: the structured editor's edits
    and their English typed on the texts page give the document (and the state of every
    translation) that the same typed into the JSON view gives."""
    built = copy_form(designer)
    typed = copy_form(designer)
    steps = len(_document(built)["steps"])
    _builder_edits(designer, built)
    label = "steps[anliegen]/fields[art]/label"
    assert _states(built)[label]["en"] == texts.OUTDATED  # the German changed
    _texts_page_edits(designer, built, "0", {label: ENGLISH[label]})
    _texts_page_edits(designer, built, str(steps),
                      {k: v for k, v in ENGLISH.items() if k != label})

    text, revision = editor_text(designer, typed)
    document = json.loads(_json_edits(text))
    document["steps"][0]["fields"][1]["label"]["en"] = ENGLISH[label]
    document["steps"][-1]["title"]["en"] = ENGLISH["steps[ihr_fahrrad]/title"]
    document["steps"][-1]["fields"][0]["label"]["en"] = \
        ENGLISH["steps[ihr_fahrrad]/fields[codiert]/label"]
    assert save(designer, typed, json.dumps(document, indent=2, ensure_ascii=False),
                revision).status_code == 303

    assert _document(built) == _document(typed)
    assert _states(built) == _states(typed)
    assert _states(built)[label] == {"en": texts.CURRENT, "uk": texts.OUTDATED,
                                     "tr": texts.OUTDATED, "ar": texts.OUTDATED}
    assert _states(built)["steps[ihr_fahrrad]/title"]["en"] == texts.CURRENT


def test_saving_a_question_page_unchanged_changes_nothing(app, designer):
    """Every question and step of every shipped form survives its page as it was."""
    for path in sorted((ROOT / "forms").glob("*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))
        language = document["default_language"]
        for step in document["steps"]:
            settings = edit.step_settings()
            assert edit.apply_values(step, settings, edit.form_values(step, settings, language),
                                     language) == (step, [])
            for spec in step["fields"]:
                settings = edit.settings_for(spec["type"])
                values = edit.form_values(spec, settings, language)
                assert edit.apply_values(spec, settings, values, language) == (spec, []), spec


def test_an_error_is_shown_next_to_the_setting_and_nothing_typed_is_lost(app, designer):
    draft_id = copy_form(designer)
    before = _document(draft_id)
    url = f"/designer/drafts/{draft_id}/builder/steps/0/questions/1"
    values = _question_values(designer, url)
    values.update({"s-label": "Was möchten Sie tun, bitte?", "s-name": "Art!",
                   "s-visible_if-mode": "text", "s-visible_if-text": "nichts == 'x"})
    response = designer.post(url, data=values)
    assert response.status_code == 422
    assert "Nicht gespeichert" in response.text
    assert 'value="Was möchten Sie tun, bitte?"' in response.text
    assert 'value="Art!"' in response.text and "nichts == &#39;x" in response.text
    assert 'id="s-name-error"' in response.text
    assert _document(draft_id) == before
    # With the name right, the condition is checked as it is saved.
    values["s-name"] = "art"
    response = designer.post(url, data=values)
    assert response.status_code == 422
    assert 'id="s-visible_if-error"' in response.text and "nichts == &#39;x" in response.text
    assert _document(draft_id) == before
    # A number that is not one: said in German, next to the setting.
    url = f"/designer/drafts/{draft_id}/builder/steps/0/questions/2"
    values = _question_values(designer, url)
    values["s-max_length"] = "zehn"
    response = designer.post(url, data=values)
    assert response.status_code == 422
    assert 'id="s-max_length-error"' in response.text and 'value="zehn"' in response.text
    assert "Geben Sie eine ganze Zahl ein" in response.text
    assert _document(draft_id) == before


def test_an_outline_change_that_breaks_a_condition_is_not_saved(app, designer):
    draft_id = copy_form(designer)
    document = _document(draft_id)
    # "art" is named by later conditions: removing it would break them.
    response = _post(designer, f"/designer/drafts/{draft_id}/builder/steps/0/questions/1/remove",
                     {}, expect=422)
    assert "Nicht gespeichert" in response.text and "art" in response.text
    assert _document(draft_id) == document


def test_copy_move_and_remove_a_question(app, designer):
    draft_id = copy_form(designer)
    document = _document(draft_id)
    last = len(document["steps"]) - 1
    fields = document["steps"][last]["fields"]
    _outline_op(designer, draft_id, f"copy:{last}:{len(fields) - 1}")
    copied = _document(draft_id)["steps"][last]["fields"]
    assert len(copied) == len(fields) + 1
    original = fields[-1]
    if "name" in original:
        assert copied[-1]["name"] == original["name"] + "_kopie"
    assert {k: v for k, v in copied[-1].items() if k != "name"} == \
        {k: v for k, v in original.items() if k != "name"}
    _post(designer, f"/designer/drafts/{draft_id}/builder/steps/{last}/questions/"
          f"{len(fields)}/remove", {})
    assert _document(draft_id) == document
    _outline_op(designer, draft_id, f"copy:{last}")
    assert len(_document(draft_id)["steps"]) == len(document["steps"]) + 1
    _post(designer, f"/designer/drafts/{draft_id}/builder/steps/{last + 1}/remove", {})
    assert _document(draft_id) == document


def test_a_stale_page_saves_nothing(app, designer):
    draft_id = copy_form(designer)
    url = f"/designer/drafts/{draft_id}/builder/steps/0/questions/1"
    values = _question_values(designer, url)
    _outline_op(designer, draft_id, "copy:0:2")
    values["s-label"] = "Geändert"
    response = designer.post(url, data=values, follow_redirects=True)
    assert "Jemand anderes hat diesen Entwurf inzwischen gespeichert" in response.text
    assert _document(draft_id)["steps"][0]["fields"][1]["label"]["de"] != "Geändert"


@pytest.mark.parametrize("text, simple", [
    ("art == 'hinweis'", ("art", "==", "hinweis")),
    ("schaden_eur > 1000", ("schaden_eur", ">", "1000")),
    ("not empty(taeter)", ("taeter", "answered", "")),
    ("'fahrrad' in gegenstaende", ("gegenstaende", "contains", "fahrrad")),
    ("a == 'x' and b == 'y'", None),
])
def test_simple_conditions_become_choices_and_back(text, simple):
    assert edit.parse_simple(text) == simple
    if simple:
        numeric = simple[1] == ">"
        assert edit.parse_simple(edit.build_condition(*simple, numeric=numeric)) == simple


def test_more_rows_for_options_keep_what_was_typed_and_save_nothing(app, designer):
    draft_id = copy_form(designer)
    before = _document(draft_id)
    url = f"/designer/drafts/{draft_id}/builder/steps/0/questions/new"
    page = designer.post(url, data={"stage": "choose", "type": "radio"})
    assert page.status_code == 200 and 'id="options-4-label"' in page.text
    # Enter in a text box sends the first button of the form: that must be "Speichern".
    assert page.text.index('value="save"') < page.text.index('value="more"')
    values = _question_values(designer, url + "?type=radio")  # the same page, opened anew
    values.update({"type": "radio", "stage": "settings", "action": "more",
                   "s-label": "Haben Sie ein Fahrrad?", "options-0-label": "Ja"})
    response = designer.post(url, data={**values, "revision": _revision(page.text)})
    assert response.status_code == 200
    assert 'id="options-7-label"' in response.text
    assert 'value="Haben Sie ein Fahrrad?"' in response.text and 'value="Ja"' in response.text
    assert _document(draft_id) == before


def test_a_step_page_changes_the_heading_and_builds_its_condition(app, designer):
    draft_id = copy_form(designer)
    document = _document(draft_id)
    url = f"/designer/drafts/{draft_id}/builder/steps/1"
    values = _question_values(designer, url)
    assert values["s-title"] == document["steps"][1]["title"]["de"]
    values.update({"s-title": "Was ist passiert?", "s-visible_if-mode": "choice",
                   "s-visible_if-question": "art", "s-visible_if-op": "!=",
                   "s-visible_if-value": "hinweis"})
    assert designer.post(url, data=values).status_code == 303
    step = _document(draft_id)["steps"][1]
    assert step["title"] == {**document["steps"][1]["title"], "de": "Was ist passiert?"}
    assert step["visible_if"] == "art != 'hinweis'"
    assert step["fields"] == document["steps"][1]["fields"]


def test_options_from_a_shared_codelist(app, designer):
    draft_id = copy_form(designer)
    url = f"/designer/drafts/{draft_id}/builder/steps/0/questions/new"
    page = designer.post(url, data={"stage": "choose", "type": "select"})
    assert "codelists/delikte.json" in page.text
    response = designer.post(url, data={
        "stage": "settings", "type": "select", "revision": _revision(page.text),
        "s-label": "Welche Tat?", "options-source": "codelist",
        "options-codelist": "codelists/delikte.json", "options-count": "0"})
    assert response.status_code == 303
    added = _document(draft_id)["steps"][0]["fields"][-1]
    assert added == {"type": "select", "name": "welche_tat", "label": {"de": "Welche Tat?"},
                     "options": "codelists/delikte.json"}


def test_every_question_page_of_a_shipped_form_sent_unchanged_changes_nothing(app, designer):
    """Through the pages as a browser sends them: every setting is shown as it is written."""
    draft_id = copy_form(designer)
    document = _document(draft_id)
    for s, step in enumerate(document["steps"]):
        for f in range(len(step["fields"])):
            url = f"/designer/drafts/{draft_id}/builder/steps/{s}/questions/{f}"
            response = designer.post(url, data=_question_values(designer, url))
            assert response.status_code == 303, (s, f, response.text[-3000:])
        url = f"/designer/drafts/{draft_id}/builder/steps/{s}"
        assert designer.post(url, data=_question_values(designer, url)).status_code == 303
    assert _document(draft_id) == document


def test_the_form_page_changes_the_name_and_keeps_the_other_languages(app, designer):
    draft_id = copy_form(designer)
    document = _document(draft_id)
    url = f"/designer/drafts/{draft_id}/builder/form"
    values = _question_values(designer, url)
    assert values["s-version"] == "1.1.0" and values["s-retention_days"] == "90"
    values.update({"s-title": "Anzeige bei der Polizei erstatten", "s-retention_days": "neunzig"})
    response = designer.post(url, data=values)
    assert response.status_code == 422 and 'id="s-retention_days-error"' in response.text
    assert 'value="Anzeige bei der Polizei erstatten"' in response.text
    values.update({"s-retention_days": "90", "s-version": "1.0.0"})
    response = designer.post(url, data=values)  # a version that is already published
    assert response.status_code == 422 and 'id="s-version-error"' in response.text
    values["s-version"] = "1.1.0"
    assert designer.post(url, data=values).status_code == 303
    changed = _document(draft_id)
    assert changed["title"] == {**document["title"], "de": "Anzeige bei der Polizei erstatten"}
    assert {k: v for k, v in changed.items() if k != "title"} == \
        {k: v for k, v in document.items() if k != "title"}


def test_a_draft_that_is_not_json_goes_to_the_json_view(app, designer):
    draft_id = copy_form(designer)
    text, revision = editor_text(designer, draft_id)
    save(designer, draft_id, text.replace('"version": "1.1.0",', '"version": "1.1.0"', 1), revision)
    response = designer.get(f"/designer/drafts/{draft_id}/builder", follow_redirects=True)
    assert "Korrigieren Sie ihn zuerst in der JSON-Ansicht" in response.text
    assert 'id="definition"' in response.text
    # JSON with a step that is not an object: the rest can still be edited.
    document = json.loads(text)
    document["steps"].insert(1, "kaputt")
    save(designer, draft_id, json.dumps(document), editor_text(designer, draft_id)[1])
    page = designer.get(f"/designer/drafts/{draft_id}/builder")
    assert page.status_code == 200
    assert "Schritt 2 ist kein JSON-Objekt" in page.text
    assert "/builder/steps/2/questions/0" in page.text  # the step after it keeps its place


def test_a_step_can_be_made_repeating_on_its_page(app, designer):
    created = designer.post("/designer/forms/new", data={"form_id": "hund-anmelden",
                                                         "title": "Hund anmelden"})
    draft_id = draft_id_of(created.headers["Location"])
    url = f"/designer/drafts/{draft_id}/builder/steps/0"
    values = _question_values(designer, url)
    assert "repeat-on" not in values
    values.update({"repeat-on": "1", "repeat-min": "1", "repeat-max": "",
                   "repeat-item_label": "Hund"})
    response = designer.post(url, data=values)
    assert response.status_code == 422 and 'id="s-repeat-error"' in response.text
    assert 'value="Hund"' in response.text
    values["repeat-max"] = "99"  # more than the engine allows: its check, next to the setting
    response = designer.post(url, data=values)
    assert response.status_code == 422 and 'id="s-repeat-error"' in response.text
    values["repeat-max"] = "5"
    assert designer.post(url, data=values).status_code == 303
    step = _document(draft_id)["steps"][0]
    assert step["repeat"] == {"min": 1, "max": 5, "item_label": {"de": "Hund"}}
    values = _question_values(designer, url)
    del values["repeat-on"]
    assert designer.post(url, data=values).status_code == 303
    assert "repeat" not in _document(draft_id)["steps"][0]


def test_a_page_never_drops_what_it_cannot_show():
    """A broken setting (not a language map, a value no choice has) is kept or refused, not
    silently removed; a key the page does not show is kept as it is."""
    spec = {"name": "x", "type": "file", "label": "kein Sprachobjekt",
            "pdf_active_content": "verbrennen",
            "error_messages": {"required": {"de": "Laden Sie den Nachweis hoch."}}}
    settings = edit.settings_for("file")
    values = edit.form_values(spec, settings, "de")
    changed, errors = edit.apply_values(spec, settings, {**values, "s-pdf_active_content": ""},
                                        "de")
    assert changed["label"] == "kein Sprachobjekt"
    assert changed["error_messages"] == spec["error_messages"]
    assert errors == []
    _changed, errors = edit.apply_values(spec, settings, values, "de")
    assert [e.key for e in errors] == ["pdf_active_content"]


def test_a_country_question_answers_with_iso_codes_or_destatis_keys(app, designer):
    """The `codes` choice of a country question is offered on its page, in plain German."""
    draft_id = copy_form(designer, "hilfe-zum-lebensunterhalt")
    url = f"/designer/drafts/{draft_id}/builder/steps/0/questions/3"
    page = designer.get(url).text
    assert "Die Antwort ist" in page
    chooser = re.search(r'<select[^>]*name="s-codes"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert [(value, html.unescape(label)) for value, label in re.findall(
        r'<option value="([^"]*)"[^>]*>([^<]*)</option>', chooser)] == [
        ("", "Voreinstellung"), ("iso", "der ISO-Ländercode (zum Beispiel DE)"),
        ("destatis", "der Schlüssel des Statistischen Bundesamts (zum Beispiel 000, für "
                     "XÖV-Empfänger)")]
    values = _question_values(designer, url)
    assert values["s-codes"] == ""
    # Later questions of this form ask `staatsangehoerigkeit != 'DE'`: with keys, that would
    # always hold. The change is refused, naming those questions and the key meant.
    refused = html.unescape(_post(designer, url, {**values, "s-codes": "destatis"}, 422).text)
    assert "Frage „Aufenthaltstitel" in refused
    assert "„staatsangehoerigkeit“ hat nie die Antwort 'DE', der Vergleich ist also immer " \
        "wahr; meinten Sie '000'?" in refused
    assert _document(draft_id)["steps"][0]["fields"][3].get("codes") is None
    # With those conditions written in keys, it is saved.
    document = _document(draft_id)
    for spec in document["steps"][0]["fields"]:
        if "staatsangehoerigkeit" in spec.get("visible_if", ""):
            spec["visible_if"] = spec["visible_if"].replace("'DE'", "'000'").replace(
                "'CH'", "'158'")
    _, revision = editor_text(designer, draft_id)
    assert save(designer, draft_id, json.dumps(document, ensure_ascii=False),
                revision).status_code == 303
    _post(designer, url, {**_question_values(designer, url), "s-codes": "destatis"})
    field = _document(draft_id)["steps"][0]["fields"][3]
    assert field["name"] == "staatsangehoerigkeit" and field["codes"] == "destatis"
