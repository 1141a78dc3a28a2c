"""Messages with a count take the form each language's grammar asks for.

German says "1 Datei" but "3 Dateien"; Ukrainian has three forms (1 файл, 2 файли,
5 файлів) and Arabic six, in the order of the catalogue's Plural-Forms.
"""

from __future__ import annotations

import pytest
from babel.messages.pofile import read_po

from portal.engine import check_definition
from portal.engine.errors import Invalid
from portal.engine.fields import make_field
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
        path = ROOT / "portal" / "translations" / language / "LC_MESSAGES" / "messages.po"
        with path.open("rb") as handle:
            assert read_po(handle).num_plurals == count, language
    # Arabic's order is Babel's: [4] is 100–102 (CLDR "other"), [5] is 11–99 ("many").
    arabic = catalogue("ar").plural
    assert [arabic(n) for n in (0, 1, 2, 3, 10, 11, 99, 100, 102, 103, 111)] == [
        0, 1, 2, 3, 3, 5, 5, 4, 4, 3, 5]


# -- through the real wizard ------------------------------------------------------------------


def _publish(max_files: int = 1, **settings: object) -> str:
    """The upload test form in four languages; `settings` go into its definition as they are."""
    document = definition(accept=["application/pdf", "image/png"], max_files=max_files)
    document["languages"] = ["de", "en", "uk", "ar"]
    document.update(settings)
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
    assert error_messages(page.text) == ["Sie können hier höchstens 1 Datei hochladen."]


def test_a_citizen_reads_hoechstens_3_dateien(app, client):
    url = _publish(max_files=3)
    start(client)
    page = _too_many(client, url, 3)
    assert error_messages(page.text) == ["Sie können hier höchstens 3 Dateien hochladen."]
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
    assert error_messages(page.text) == [error]  # the message alone, without the label
    assert hint in page.text


def test_an_arabic_citizen_reads_the_dual_for_two_files(app, client):
    url = _publish(max_files=2)
    start(client)
    _in(client, "ar", url)
    page = _too_many(client, url, 2)
    assert error_messages(page.text) == ["يمكنك رفع ملفين هنا كحد أقصى."]
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
    assert "Збережені дані видаляються, якщо їх не змінювати протягом 2 днів." in refused.text
    _in(client, "de", url)
    app.config["DRAFT_TTL_DAYS"] = 1
    refused = client.post("/forms/onlinewache/resume", data={"resume_code": "AAAA-BBBB-CCCC"})
    assert "Gespeicherte Angaben werden nach 1 Tag ohne Änderung gelöscht." in refused.text


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


# -- the other counted messages ---------------------------------------------------------------


@pytest.mark.parametrize(("language", "raw", "expected"), [
    ("de", "CH93007620116238529570",
     "Eine IBAN aus diesem Land hat 21 Zeichen; Sie haben 22 eingegeben."),
    ("uk", "CH93007620116238529570", "IBAN цієї країни має 21 символ, а ви ввели 22."),
    ("uk", "DE8937040044053201300", "IBAN цієї країни має 22 символи, а ви ввели 21."),
    ("uk", "FR14200410100505000130260", "IBAN цієї країни має 27 символів, а ви ввели 25."),
    ("ar", "DE8937040044053201300", "يتكوّن رقم IBAN في هذا البلد من 22 خانةً، وقد أدخلت 21."),
])
def test_the_iban_length_takes_the_form_of_the_countrys_length(language, raw, expected):
    with pytest.raises(Invalid) as info:
        make_field({"name": "iban", "type": "iban", "label": {"de": "IBAN"}}).clean(raw, language)
    assert info.value.message(language) == expected


@pytest.mark.parametrize(("language", "spec", "raw", "expected"), [
    ("de", {"type": "text", "max_length": 1}, "abc",
     "Bitte geben Sie höchstens 1 Zeichen ein (jetzt: 3)."),
    ("en", {"type": "text", "max_length": 1}, "abc",
     "Enter no more than 1 character (you have entered 3)."),
    ("uk", {"type": "text", "max_length": 2}, "abc",
     "Введіть щонайбільше 2 символи (зараз: 3)."),
    ("ar", {"type": "text", "max_length": 2}, "abc",
     "يُرجى إدخال حرفين كحد أقصى (العدد الحالي: 3)."),
    ("de", {"type": "decimal", "decimals": 1}, "1,25",
     "Bitte geben Sie höchstens 1 Nachkommastelle an."),
    ("uk", {"type": "decimal", "decimals": 1}, "1,25", "Введіть щонайбільше 1 знак після коми."),
    ("uk", {"type": "decimal"}, "1,255", "Введіть щонайбільше 2 знаки після коми."),
])
def test_too_many_characters_and_decimals_take_the_form_of_the_limit(language, spec, raw, expected):
    with pytest.raises(Invalid) as info:
        make_field({"name": "x", "label": {"de": "X"}, **spec}).clean(raw, language)
    assert info.value.message(language) == expected


def test_a_part_of_a_name_too_long_says_so_like_a_text_field():
    given_name = "S" * 101  # a given name holds 100 characters
    with pytest.raises(Invalid) as info:
        make_field({"name": "n", "type": "person_name", "label": {"de": "Name"}}).clean(
            {"given_name": given_name, "family_name": "Muster"}, "uk")
    assert info.value.part == "given_name"
    assert info.value.message("uk") == "Введіть щонайбільше 100 символів (зараз: 101)."


def test_the_catalogue_counts_its_results(app, client):
    _publish()
    assert "1 Ergebnis für „Upload-Test“" in client.get("/?q=Upload-Test").text
    assert "0 Ergebnisse für „Amtsschimmel“" in client.get("/?q=Amtsschimmel").text
    _in(client, "uk", "/")
    assert "1 результат за запитом «Upload-Test»" in client.get("/?q=Upload-Test").text
    _in(client, "ar", "/")
    assert "نتيجة واحدة للبحث عن «Upload-Test»" in client.get("/?q=Upload-Test").text


@pytest.mark.parametrize(("language", "minutes", "expected"), [
    ("de", 1, "Das Ausfüllen dauert etwa 1 Minute."),
    ("de", 20, "Das Ausfüllen dauert etwa 20 Minuten."),
    ("en", 1, "It takes about 1 minute to fill in."),
    ("uk", 2, "Заповнення займе приблизно 2 хвилини."),
    ("uk", 21, "Заповнення займе приблизно 21 хвилину."),
    ("ar", 2, "تستغرق تعبئة الطلب نحو دقيقتين."),
])
def test_the_start_page_says_how_many_minutes(app, client, language, minutes, expected):
    _publish(estimated_minutes=minutes)
    url = "/forms/upload-test/"
    _in(client, language, url)
    assert expected in client.get(url).text


def test_the_designers_login_page_counts_attempts_and_minutes_each_in_its_own_sentence(app, client):
    page = client.get("/designer/login").text
    assert ("Nach 5 falschen Versuchen hintereinander wird das Konto gesperrt.\n"
            "      Die Sperre dauert 15 Minuten.") in page
    app.config.update(DESIGNER_MAX_FAILED_LOGINS=1, DESIGNER_LOCKOUT_MINUTES=1)
    page = client.get("/designer/login").text
    assert "Nach 1 falschen Versuch wird das Konto gesperrt." in page
    assert "Die Sperre dauert 1 Minute." in page


@pytest.mark.parametrize(("language", "sizes", "expected"), [
    ("de", (1, 1300), ["1 Byte", "1.300 Bytes"]),
    ("en", (1, 2), ["1 byte", "2 bytes"]),
    ("uk", (2, 1300), ["2 байти", "1 300 байтів"]),
    ("uk", (21, 1), ["21 байт", "1 байт"]),
    ("ar", (1, 2), ["بايت واحد", "بايتان"]),
    ("ar", (5, 11), ["5 بايتات", "11 بايتًا"]),
])
def test_the_receipt_gives_each_files_size_in_bytes(language, sizes, expected):
    from dataclasses import replace

    from portal.receipt.content import receipt_content
    from tests.receipt.samples import fully_answered, shipped_form

    form = shipped_form("onlinewache")  # in all five languages, with two files
    submission, files = fully_answered(form, language)
    files = [replace(f, size=size) for f, size in zip(files, sizes, strict=True)]
    content = receipt_content(form, submission, files)
    shown = [group.entries[2].value for group in content.files]  # name, type, size, checksum
    assert [s.replace("\u202f", " ").replace("\xa0", " ") for s in shown] == expected
