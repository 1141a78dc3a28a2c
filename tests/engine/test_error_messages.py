"""Error messages name the question (GOV.UK's patterns); a definition can word its own per rule."""

from __future__ import annotations

import copy
import re
from datetime import date
from pathlib import Path

import pytest

from portal.engine import load_form
from portal.engine.definition import check_definition
from portal.engine.validation import check_answers, validate_step
from portal.publishing import compiled, current_version
from tests.walk import Walker

FORMS = Path(__file__).resolve().parents[2] / "forms"


def _form(*fields, languages=("de", "en")):
    return {
        "id": "probe", "version": "1.0.0", "languages": list(languages), "default_language": "de",
        "title": {lang: "Probe" for lang in languages}, "destination": "probe",
        "privacy_notice": {lang: "Datenschutz" for lang in languages}, "retention_days": 30,
        "steps": [{"id": "s", "title": {lang: "Schritt" for lang in languages},
                   "fields": list(fields)}],
    }


def _errors(definition, raw=None, language="de"):
    form = load_form(definition)
    result = validate_step(form.steps[0], raw or {}, {}, language, today=date(2026, 1, 1))
    return {e.name: e.message(language) for e in result.errors}


def _field(name, type_, label, **more):
    return {"name": name, "type": type_, "required": True,
            "label": {"de": label, "en": label.upper()}, **more}


def test_default_messages_name_the_question_by_type():
    messages = _errors(_form(
        _field("telefon", "tel", "Telefonnummer"),
        _field("art", "radio", "Art der Tat",
               options=[{"value": "a", "label": {"de": "A", "en": "A"}}]),
        _field("nachweis", "file", "Mietvertrag"),
        _field("ok", "checkbox", "Ich stimme zu"),
    ))
    assert messages == {
        "telefon": "Geben Sie „Telefonnummer“ an.",
        "art": "Wählen Sie „Art der Tat“ aus.",
        "nachweis": "Laden Sie „Mietvertrag“ hoch.",
        "ok": "Bestätigen Sie „Ich stimme zu“, um fortzufahren.",
    }
    english = _errors(_form(_field("telefon", "tel", "Telefonnummer")), language="en")
    assert english == {"telefon": "Enter “TELEFONNUMMER”."}


def test_a_short_label_is_used_as_written_and_a_long_declaration_is_not_quoted():
    declaration = ("Ich versichere, dass meine Angaben nach bestem Wissen richtig und vollständig "
                   "sind, und weiß, dass falsche Angaben strafbar sein können.")
    messages = _errors(_form(
        _field("telefon", "tel", "Telefonnummer",
               short_label={"de": "Ihre Telefonnummer", "en": "your phone number"}),
        _field("wahrheit", "checkbox", declaration),
    ))
    assert messages["telefon"] == "Geben Sie Ihre Telefonnummer an."
    assert messages["wahrheit"] == "Bestätigen Sie diese Erklärung, um fortzufahren."
    assert ".:" not in messages["wahrheit"] and "Ich versichere" not in messages["wahrheit"]


def test_error_messages_of_the_definition_replace_the_default_per_rule_and_language():
    definition = _form(_field(
        "name", "text", "Name", max_length=3,
        error_messages={
            "required": {"de": "Geben Sie Ihren Namen an", "en": "Enter your name"},
            "max_length": {"de": "Ihr Name darf höchstens %(max)s Zeichen haben"},
        }))
    assert _errors(definition) == {"name": "Geben Sie Ihren Namen an"}
    assert _errors(definition, language="en") == {"name": "Enter your name"}
    too_long = {"name": "Ihr Name darf höchstens 3 Zeichen haben"}
    assert _errors(definition, {"name": "Olena"}) == too_long
    # English falls back to the first language the designer wrote for that rule.
    assert _errors(definition, {"name": "Olena"}, "en") == too_long
    # A rule the definition does not word keeps the type's message.
    assert check_answers(load_form(definition), {"name": "Ol"}) == {}


def test_the_same_message_is_used_when_the_whole_form_is_checked():
    own = {"required": {"de": "Wählen Sie aus, was Sie tun möchten",
                        "en": "Select what you would like to do"}}
    definition = _form(_field("art", "radio", "Was möchten Sie tun?",
                              options=[{"value": "a", "label": {"de": "A", "en": "A"}}],
                              error_messages=own))
    problems = check_answers(load_form(definition), {})
    assert [e.message("en") for e in problems["s"]] == ["Select what you would like to do"]


def test_the_checker_refuses_an_unknown_rule_and_reports_a_missing_translation():
    definition = _form(_field("name", "text", "Name",
                              error_messages={"too_short": {"de": "Zu kurz", "en": "Too short"}}))
    _, problems = check_definition(definition)
    assert any("error_messages" in p.pointer for p in problems if p.is_error)
    ok = copy.deepcopy(definition)
    ok["steps"][0]["fields"][0]["error_messages"] = {"required": {"de": "Geben Sie Ihren Namen an"}}
    _, problems = check_definition(ok)
    assert not [p for p in problems if p.is_error]


def test_shipped_onlinewache_asks_what_the_citizen_wants_to_do_in_its_own_words():
    form = load_form(FORMS / "onlinewache.json")
    result = validate_step(form.steps[0], {}, {}, "de")
    assert [e.message("de") for e in result.errors] == ["Wählen Sie aus, was Sie tun möchten"]


def test_error_summary_links_show_the_message_alone(app):
    client = app.test_client()
    form = compiled(current_version("onlinewache"))
    location = Walker(client, form).start()
    page = client.post(location, data={"action": "continue"}).text
    summary = page.split('class="error-summary"')[1].split("</ul>")[0]
    links = [re.sub(r"\s+", " ", t).strip()
             for t in re.findall(r"<a [^>]*>(.*?)</a>", summary, re.S)]
    assert links == ["Wählen Sie aus, was Sie tun möchten"]
    assert "Was möchten Sie tun?:" not in page


@pytest.mark.parametrize("language", ["de", "en", "uk", "tr", "ar"])
def test_every_default_message_is_translated(language):
    messages = _errors(_form(_field("telefon", "tel", "Telefonnummer")), language=language)
    if language != "de":
        assert messages["telefon"] != "Geben Sie „TELEFONNUMMER“ an."
        assert "Geben Sie" not in messages["telefon"]


# -- optional questions: one convention, applied by the platform ---------------------------------

def test_a_label_that_marks_itself_optional_gets_a_warning():
    definition = _form({"name": "telefon", "type": "tel",
                        "label": {"de": "Telefonnummer (freiwillig)",
                                  "en": "Telephone (optional)"}})
    _, problems = check_definition(definition)
    warnings = [p for p in problems if not p.is_error]
    assert [p.pointer for p in warnings] == ["/steps/0/fields/0/label"]
    assert "(optional)" in warnings[0].message


@pytest.mark.parametrize("path", sorted(FORMS.glob("*.json")), ids=lambda p: p.stem)
def test_shipped_forms_leave_the_optional_mark_to_the_platform(path):
    _, problems = check_definition(path)
    assert not [p for p in problems if p.pointer.endswith("/label") and not p.is_error]
    assert "(freiwillig)" not in path.read_text()


def test_an_optional_question_is_marked_once_in_the_citizens_language(app):
    client = app.test_client()
    form = compiled(current_version("hilfe-zum-lebensunterhalt"))
    location = Walker(client, form).start()
    step = form.step(location.split("/steps/")[1])
    # The first step with the telephone number (a page may come before it).
    while "telefon" not in [q.name for q in step.questions]:
        data = Walker(client, form).step_data(step, client.get(location).text)
        location = client.post(location, data=data).headers["Location"]
        step = form.step(location.split("/steps/")[1])
    page = re.sub(r"\s+", " ", client.get(location).text)
    assert 'Telefonnummer <span class="optional">(optional)</span>' in page
    assert "(freiwillig)" not in page and "(optional) (optional)" not in page
