"""Messages with a count take the form each language's grammar asks for.

German says "1 Datei" but "3 Dateien"; Ukrainian has three forms (1 файл, 2 файли,
5 файлів) and Arabic six, in the order of the catalogue's Plural-Forms.
"""

from __future__ import annotations

import pytest
from babel.messages.pofile import read_po

from portal.engine import check_definition
from portal.engine.errors import Invalid
from portal.engine.messages import N_plural, catalogue, translate
from portal.extensions import db
from portal.publishing import publish
from tests.conftest import ROOT
from tests.uploads import files
from tests.uploads.forms import definition, error_messages, post_step, start

TOO_MANY = N_plural("Sie können hier höchstens %(max)s Datei hochladen.",
                    "Sie können hier höchstens %(max)s Dateien hochladen.", "max")


@pytest.mark.parametrize(("language", "count", "expected"), [
    ("de", 1, "Sie können hier höchstens 1 Datei hochladen."),
    ("de", 3, "Sie können hier höchstens 3 Dateien hochladen."),
    ("de", 1000, "Sie können hier höchstens 1.000 Dateien hochladen."),
    ("en", 1, "You can upload no more than 1 file here."),
    ("en", 2, "You can upload no more than 2 files here."),
    ("uk", 1, "Тут можна завантажити щонайбільше 1 файл."),
    ("uk", 2, "Тут можна завантажити щонайбільше 2 файли."),
    ("uk", 5, "Тут можна завантажити щонайбільше 5 файлів."),
    ("uk", 11, "Тут можна завантажити щонайбільше 11 файлів."),
    ("uk", 21, "Тут можна завантажити щонайбільше 21 файл."),
    ("uk", 22, "Тут можна завантажити щонайбільше 22 файли."),
    ("tr", 5, "Buraya en fazla 5 dosya yükleyebilirsiniz."),
    ("ar", 1, "يمكنك رفع ملف واحد هنا كحد أقصى."),
    ("ar", 2, "يمكنك رفع ملفين هنا كحد أقصى."),
    ("ar", 5, "يمكنك رفع 5 ملفات هنا كحد أقصى."),
    ("ar", 11, "يمكنك رفع 11 ملفًا هنا كحد أقصى."),
    ("ar", 100, "يمكنك رفع 100 ملف هنا كحد أقصى."),
])
def test_an_engine_message_takes_the_form_of_its_count(language, count, expected):
    # The form is chosen by the number, which is then written the citizen's way (1.000).
    assert Invalid(TOO_MANY, max=count).message(language) == expected


def test_translate_chooses_the_form_too():
    assert translate(TOO_MANY, "uk", max=3) == "Тут можна завантажити щонайбільше 3 файли."
    assert translate(TOO_MANY, "de", max=1) == "Sie können hier höchstens 1 Datei hochladen."


def test_the_catalogues_have_the_plural_forms_the_translations_are_written_for():
    for language, count in {"en": 2, "uk": 3, "tr": 1, "ar": 6}.items():
        path = ROOT / "translations" / language / "LC_MESSAGES" / "messages.po"
        with path.open("rb") as handle:
            assert read_po(handle).num_plurals == count, language
    # Arabic's order is Babel's: [4] is 100–102 (CLDR "other"), [5] is 11–99 ("many").
    arabic = catalogue("ar").plural
    assert [arabic(n) for n in (0, 1, 2, 3, 10, 11, 99, 100, 102, 103, 111)] == [
        0, 1, 2, 3, 3, 5, 5, 4, 4, 3, 5]


# -- through the real wizard ------------------------------------------------------------------


def _publish(max_files: int) -> str:
    document = definition(accept=["application/pdf", "image/png"], max_files=max_files)
    document["languages"] = ["de", "en", "uk", "ar"]
    document, problems = check_definition(document)
    assert document is not None, [str(p) for p in problems if p.is_error]
    publish(document)
    db.session.commit()
    return "/forms/upload-test/steps/nachweise"


def _too_many(client, url: str, max_files: int) -> str:
    """Choose one file more than allowed; the page's error summary."""
    chosen = [(files.minimal_pdf(), f"Beleg {n}.pdf") for n in range(1, max_files + 2)]
    page = post_step(client, url, belege=chosen)
    assert page.status_code == 422
    return page


def _in(client, language: str, url: str) -> None:
    assert client.get(f"/language/{language}?next={url}").status_code == 303


def test_a_citizen_reads_hoechstens_1_datei(app, client):
    url = _publish(max_files=1)
    start(client)
    page = _too_many(client, url, 1)
    assert error_messages(page.text) == ["Belege: Sie können hier höchstens 1 Datei hochladen."]


def test_a_citizen_reads_hoechstens_3_dateien(app, client):
    url = _publish(max_files=3)
    start(client)
    page = _too_many(client, url, 3)
    assert error_messages(page.text) == ["Belege: Sie können hier höchstens 3 Dateien hochladen."]
    assert "Bis zu 3 Dateien." in page.text  # the field's hint


@pytest.mark.parametrize(("max_files", "error", "hint"), [
    (2, "Тут можна завантажити щонайбільше 2 файли.", "Щонайбільше 2 файли."),
    (5, "Тут можна завантажити щонайбільше 5 файлів.", "Щонайбільше 5 файлів."),
])
def test_a_ukrainian_citizen_reads_the_form_of_the_count(app, client, max_files, error, hint):
    url = _publish(max_files=max_files)
    start(client)
    _in(client, "uk", url)
    page = _too_many(client, url, max_files)
    assert '<html lang="uk"' in page.text
    assert error_messages(page.text) == [f"Belege: {error}"]  # the label has no Ukrainian text
    assert hint in page.text


def test_an_arabic_citizen_reads_the_dual_for_two_files(app, client):
    url = _publish(max_files=2)
    start(client)
    _in(client, "ar", url)
    page = _too_many(client, url, 2)
    assert error_messages(page.text) == ["Belege: يمكنك رفع ملفين هنا كحد أقصى."]
    assert "ملفان كحد أقصى." in page.text


def test_the_list_of_entries_and_the_resume_page_count_in_each_language(app, client):
    from sqlalchemy import select

    from portal import drafts
    from portal.models import Draft
    from portal.publishing import compiled, current_version
    from tests.walk import form_data

    form = compiled(current_version("onlinewache"))
    step = form.step("zeugen")  # 1 to 10 witnesses
    client.post("/forms/onlinewache/start")
    draft = db.session.execute(select(Draft)).scalar_one()
    answers = dict(draft.answers, zeugen_vorhanden="ja", taeter_bekannt="nein")
    drafts.save(draft, answers, [s.id for s in form.steps[: form.steps.index(step)]], "zeugen", 30)
    witness = {"action": "continue"}
    for f in step.questions:
        witness.update(form_data(f))
    url = "/forms/onlinewache/steps/zeugen"
    assert client.post(f"{url}/entries/new", data=witness).status_code == 303
    assert "Sie können bis zu 10 Einträge hinzufügen." in client.get(url).text
    _in(client, "uk", url)
    assert "Можна додати щонайбільше 10 записів." in client.get(url).text

    app.config["DRAFT_TTL_DAYS"] = 2
    refused = client.post("/forms/onlinewache/resume", data={"resume_code": "AAAA-BBBB-CCCC"})
    assert refused.status_code == 422
    assert "Збережені заяви видаляються через 2 дні." in refused.text
    _in(client, "de", url)
    app.config["DRAFT_TTL_DAYS"] = 1
    refused = client.post("/forms/onlinewache/resume", data={"resume_code": "AAAA-BBBB-CCCC"})
    assert "Gespeicherte Anträge werden nach 1 Tag gelöscht." in refused.text


@pytest.mark.parametrize(("language", "repeat", "missing", "expected"), [
    ("de", {"min": 0, "max": 1}, 1, ["Wiederholbar: 0 bis 1 Eintrag", "1 Text fehlt"]),
    ("de", {"min": 1, "max": 5}, 2, ["Wiederholbar: 1 bis 5 Einträge", "2 Texte fehlen"]),
    ("uk", {"min": 1, "max": 5}, 2, ["від 1 до 5 записів", "Бракує 2 текстів"]),
    ("en", {"min": 1, "max": 1}, 1, ["Repeatable: 1 to 1 entry", "1 text missing"]),
    # A draft being edited may have anything there; the outline still shows.
    ("en", {"min": 1, "max": "viele"}, 2, ["Repeatable: 1 to viele entries", "2 texts missing"]),
])
def test_the_designers_outline_counts_entries_and_missing_texts(app, language, repeat, missing,
                                                                 expected):
    from flask import render_template

    from portal.designer.structure import outline

    # Turkish lacks the step's title, and with `missing` == 2 the field's label too.
    document = {"id": "x", "languages": ["de", "tr"], "default_language": "de",
                "title": {"de": "X", "tr": "X"},
                "steps": [{"id": "a", "title": {"de": "A"}, "repeat": repeat, "fields": []}]}
    if missing == 2:
        document["steps"][0]["fields"] = [{"name": "f", "type": "text", "label": {"de": "F"}}]
    with app.test_request_context(headers={"Cookie": f"lang={language}"}):
        html = render_template("designer/_outline.html", outline=outline(document))
    for text in expected:
        assert text in html
