"""Texts per language side by side: outdated translations, the language panel, publishing with
outdated texts, and the files for translation services (XLIFF 1.2, CSV)."""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import select

from portal.designer.models import AuditEntry
from portal.extensions import db
from portal.publishing import current_version

from .conftest import copy_form, draft_id_of, editor_text, save

LABEL = "steps[anliegen]/fields[art]/label"


def _german_label_changed(designer) -> int:
    """A copy of onlinewache whose question "art" has a new German label, nothing else."""
    draft_id = copy_form(designer)
    text, revision = editor_text(designer, draft_id)
    assert '"de": "Was möchten Sie tun?"' in text
    changed = text.replace('"de": "Was möchten Sie tun?"', '"de": "Was ist Ihr Anliegen?"')
    assert save(designer, draft_id, changed, revision).status_code == 303
    return draft_id


def _row(page: str, key: str) -> str:
    """The table row of one text on the texts page."""
    match = re.search(r"<tr>\s*<th scope=\"row\"[^>]*>(?:(?!</tr>).)*?" + re.escape(key)
                      + r".*?</tr>", page, re.S)
    assert match, f"no row for {key}"
    return match.group(0)


@pytest.mark.both_databases
def test_a_german_only_change_marks_every_other_language_outdated(app, designer):
    draft_id = _german_label_changed(designer)
    page = designer.get(f"/designer/drafts/{draft_id}/texts?part=0")
    assert page.status_code == 200
    row = _row(page.text, LABEL)
    assert "Was ist Ihr Anliegen?" in row and "What would you like to do?" in row
    assert row.count(">veraltet<") == 4  # en, uk, tr, ar; German is the source
    # Every other text of the step is current: nothing else is marked.
    assert page.text.count(">veraltet<") == 4

    # The language panel counts them, and no longer says "vollständig" for English.
    editor = designer.get(f"/designer/drafts/{draft_id}").text
    panel = editor[editor.index('id="outline-heading"'):]
    panel = panel[:panel.index("Schritte")]
    assert panel.count("1 Text veraltet") == 4
    assert "vollständig" not in panel


def test_editing_the_translation_or_confirming_it_makes_it_current(app, designer):
    draft_id = _german_label_changed(designer)
    page = designer.get(f"/designer/drafts/{draft_id}/texts?part=0").text
    row = _row(page, LABEL)
    number = re.search(r'name="text-(\d+)-en"', row).group(1)
    revision = re.search(r'name="revision" value="(\d+)"', page).group(1)
    form = {"revision": revision, f"text-{number}-en": "What is your concern?",
            f"confirm-{number}-uk": "1"}
    for lang in ("de", "uk", "tr", "ar"):
        form[f"text-{number}-{lang}"] = html_value(row, f"text-{number}-{lang}")
    response = designer.post(f"/designer/drafts/{draft_id}/texts?part=0", data=form)
    assert response.status_code == 303
    row = _row(designer.get(f"/designer/drafts/{draft_id}/texts?part=0").text, LABEL)
    assert "What is your concern?" in row
    assert row.count(">veraltet<") == 2  # tr and ar; en was edited, uk confirmed
    assert re.search(r'id="text-\d+-en-state"', row) is None
    text, _revision = editor_text(designer, draft_id)
    assert json.loads(text)["steps"][0]["fields"][1]["label"]["en"] == "What is your concern?"
    entry = db.session.execute(select(AuditEntry).filter_by(action="texts_confirmed")).scalar_one()
    assert f"{LABEL} (uk)" in entry.detail


def test_a_translation_changed_in_the_json_view_is_current_and_reordering_keeps_status(
        app, designer):
    draft_id = _german_label_changed(designer)
    text, revision = editor_text(designer, draft_id)
    document = json.loads(text)
    document["steps"][0]["fields"][1]["label"]["tr"] = "Ne yapmak istiyorsunuz? (yeni)"
    # Moving the question within its step changes its JSON pointer but not its key.
    fields = document["steps"][0]["fields"]
    fields.insert(0, fields.pop(1))
    assert save(designer, draft_id, json.dumps(document, ensure_ascii=False, indent=2),
                revision).status_code == 303
    row = _row(designer.get(f"/designer/drafts/{draft_id}/texts?part=0").text, LABEL)
    assert row.count(">veraltet<") == 3  # en, uk, ar


def html_value(row: str, name: str) -> str:
    import html
    match = re.search(r'<textarea[^>]*name="' + name + r'"[^>]*>(.*?)</textarea>', row, re.S)
    return html.unescape(match.group(1))


def _publish_form(client, draft_id: int) -> dict[str, str]:
    page = client.get(f"/designer/drafts/{draft_id}/publish").text
    return {"revision": re.search(r'name="revision" value="(\d+)"', page).group(1)}


@pytest.mark.both_databases
def test_publishing_with_outdated_texts_needs_confirmation_and_is_logged(app, designer, publisher):
    draft_id = _german_label_changed(designer)
    page = publisher.get(f"/designer/drafts/{draft_id}/publish").text
    assert "4 Übersetzungen sind veraltet" in page
    form = _publish_form(publisher, draft_id)

    refused = publisher.post(f"/designer/drafts/{draft_id}/publish", data=form)
    assert refused.status_code == 422
    assert "Bestätigen Sie, dass Sie mit veralteten Übersetzungen veröffentlichen wollen" \
        in refused.text
    assert current_version("onlinewache").version == "1.0.0"

    published = publisher.post(f"/designer/drafts/{draft_id}/publish",
                               data={**form, "confirm_outdated": "1"})
    assert published.status_code == 303
    assert current_version("onlinewache").version == "1.1.0"
    entry = db.session.execute(
        select(AuditEntry).filter_by(action="published_outdated")).scalar_one()
    assert (entry.version, entry.actor) == ("1.1.0", "paul.publisher@mitte.example")
    assert f"{LABEL} (en)" in entry.detail
    log = publisher.get("/designer/audit")
    assert "Mit veralteten Übersetzungen veröffentlicht" in log.text


def test_publishing_without_outdated_texts_asks_nothing(app, designer, publisher):
    draft_id = copy_form(designer)
    page = publisher.get(f"/designer/drafts/{draft_id}/publish").text
    assert "confirm_outdated" not in page
    response = publisher.post(f"/designer/drafts/{draft_id}/publish",
                              data=_publish_form(publisher, draft_id))
    assert response.status_code == 303
    assert db.session.execute(
        select(AuditEntry).filter_by(action="published_outdated")).first() is None


# -- files for translation services ------------------------------------------------------------


def _revision(client, draft_id: int) -> str:
    page = client.get(f"/designer/drafts/{draft_id}/texts").text
    return re.search(r'name="revision" value="(\d+)"', page).group(1)


def _import(client, draft_id: int, content: bytes, name: str):
    import io
    return client.post(f"/designer/drafts/{draft_id}/texts/import",
                       data={"revision": _revision(client, draft_id),
                             "texts_file": (io.BytesIO(content), name)},
                       content_type="multipart/form-data")


def test_xliff_round_trip_takes_over_the_translation_and_reports_it(app, designer):
    draft_id = _german_label_changed(designer)
    exported = designer.get(f"/designer/drafts/{draft_id}/texts/export?format=xliff&language=en")
    assert exported.status_code == 200
    assert exported.headers["Content-Disposition"] == 'attachment; filename="onlinewache-en.xlf"'
    xliff = exported.text
    assert 'xmlns="urn:oasis:names:tc:xliff:document:1.2"' in xliff
    assert 'source-language="de" target-language="en"' in xliff
    unit = re.search(r'<trans-unit id="' + re.escape(LABEL) + r'".*?</trans-unit>', xliff, re.S)
    assert "<source>Was ist Ihr Anliegen?</source>" in unit.group(0)
    assert 'state="needs-review-translation">What would you like to do?</target>' \
        in unit.group(0)

    translated = xliff.replace(">What would you like to do?</target>",
                               ">What is your concern?</target>")
    report = _import(designer, draft_id, translated.encode(), "onlinewache-en.xlf")
    assert report.status_code == 200
    assert "1 Übersetzung übernommen." in report.text
    assert "What would you like to do?" in report.text and "What is your concern?" in report.text
    text, _revision = editor_text(designer, draft_id)
    assert json.loads(text)["steps"][0]["fields"][1]["label"]["en"] == "What is your concern?"
    row = _row(designer.get(f"/designer/drafts/{draft_id}/texts?part=0").text, LABEL)
    assert row.count(">veraltet<") == 3  # uk, tr, ar; en is translated from the new source


def test_csv_round_trip_with_all_languages(app, designer):
    draft_id = _german_label_changed(designer)
    exported = designer.get(f"/designer/drafts/{draft_id}/texts/export?format=csv")
    assert exported.status_code == 200
    content = exported.data.decode("utf-8-sig")
    assert content.splitlines()[0] == "key,place,de,en,uk,tr,ar"
    changed = content.replace("Ne yapmak istiyorsunuz?", "Ne yapmak istersiniz?")
    assert changed != content
    report = _import(designer, draft_id, changed.encode("utf-8-sig"), "texte.csv")
    assert report.status_code == 200
    assert "1 Übersetzung übernommen." in report.text
    text, _revision = editor_text(designer, draft_id)
    assert json.loads(text)["steps"][0]["fields"][1]["label"]["tr"] == "Ne yapmak istersiniz?"
    # Re-importing the same file changes nothing.
    again = _import(designer, draft_id, changed.encode("utf-8-sig"), "texte.csv")
    assert "0 Übersetzungen übernommen." in again.text


def test_csv_cells_never_open_as_formulas_and_come_back_exactly(app, designer):
    """A spreadsheet program runs a cell that begins with = + - @ as a formula (CSV
    injection): such cells are written with an apostrophe before them, read back without."""
    import csv
    import io

    draft_id = copy_form(designer)
    text, revision = editor_text(designer, draft_id)
    changed = (text.replace('"de": "Was möchten Sie tun?"',
                            '"de": "=HYPERLINK(\\"http://example.org\\")"')
               .replace('"en": "What would you like to do?"', '"en": "-5 points"')
               .replace('"tr": "Ne yapmak istiyorsunuz?"', '"tr": "\'quoted"'))
    assert save(designer, draft_id, changed, revision).status_code == 303
    exported = designer.get(f"/designer/drafts/{draft_id}/texts/export?format=csv")
    content = exported.data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(content)))
    for row in rows:
        for cell in row:
            assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), cell
    label = next(row for row in rows if row[0] == LABEL)
    assert label[2:5] == ["'=HYPERLINK(\"http://example.org\")", "'-5 points", label[4]]
    assert label[5] == "''quoted"

    # The file as exported changes nothing; a translator's formula-like text is taken over.
    same = _import(designer, draft_id, exported.data, "texte.csv")
    assert "0 Übersetzungen übernommen." in same.text
    edited = content.replace("'-5 points", "'+5 points").replace("''quoted", "@home")
    report = _import(designer, draft_id, edited.encode("utf-8-sig"), "texte.csv")
    assert "2 Übersetzungen übernommen." in report.text
    labels = json.loads(editor_text(designer, draft_id)[0])["steps"][0]["fields"][1]["label"]
    assert labels["de"] == '=HYPERLINK("http://example.org")'
    assert labels["en"] == "+5 points" and labels["tr"] == "@home"


def test_a_translation_of_an_old_source_is_taken_over_but_stays_outdated(app, designer):
    draft_id = copy_form(designer)
    xliff = designer.get(f"/designer/drafts/{draft_id}/texts/export?language=en").text
    text, revision = editor_text(designer, draft_id)
    save(designer, draft_id, text.replace('"de": "Was möchten Sie tun?"',
                                          '"de": "Was ist Ihr Anliegen?"'), revision)
    translated = xliff.replace(">What would you like to do?</target>",
                               ">What do you want to do?</target>")
    report = _import(designer, draft_id, translated.encode(), "en.xlf")
    assert "1 Übersetzung übernommen." in report.text
    assert "Übersetzt wurde ein älterer Ausgangstext" in report.text
    row = _row(designer.get(f"/designer/drafts/{draft_id}/texts?part=0").text, LABEL)
    assert "What do you want to do?" in row
    assert row.count(">veraltet<") == 4


def test_a_bad_file_is_refused_and_nothing_changes(app, designer):
    draft_id = _german_label_changed(designer)
    before, _revision = editor_text(designer, draft_id)
    xliff = designer.get(f"/designer/drafts/{draft_id}/texts/export?language=en").text
    broken = xliff.replace("</body>", "")
    for content, name, message in [
        (broken.encode(), "en.xlf", "Die Datei ist kein gültiges XML (Zeile"),
        (xliff.replace('target-language="en"', 'target-language="fr"').encode(), "fr.xlf",
         "Die Datei enthält die Sprache „fr“"),
        (b"\xff\xfe\x00x", "texte.csv", "Die Datei ist kein UTF-8-Text"),
        (b"key,place,de,en\r\nx,y,z\r\n", "texte.csv", "Zeile 2 der CSV-Datei hat 3 "),
        (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "b">]><x/>', "evil.xlf", "DOCTYPE"),
    ]:
        response = _import(designer, draft_id, content, name)
        assert response.status_code == 422, name
        assert message in response.text, name
        assert "Am Entwurf hat sich nichts geändert." in response.text
    assert editor_text(designer, draft_id)[0] == before


def test_unknown_texts_in_a_file_are_reported_not_lost(app, designer):
    draft_id = copy_form(designer)
    csv_text = designer.get(f"/designer/drafts/{draft_id}/texts/export?format=csv").data \
        .decode("utf-8-sig")
    lines = csv_text.splitlines()
    lines.append('steps[gibtsnicht]/title,,Alt,Old,,,')
    report = _import(designer, draft_id, "\r\n".join(lines).encode(), "texte.csv")
    assert report.status_code == 200
    assert "Diesen Text gibt es im Entwurf nicht (mehr)." in report.text
    assert "steps[gibtsnicht]/title" in report.text


def test_keys_name_steps_fields_and_options_and_stay_short():
    from portal.designer.textlist import MAX_KEY, texts_of

    document = {"default_language": "de", "languages": ["de", "en"],
                "title": {"de": "T"},
                "steps": [{"id": "s", "title": {"de": "S"}, "fields": [
                    {"name": "f", "type": "radio", "label": {"de": "F"},
                     "options": [{"value": "x" * 800, "label": {"de": "lang"}}]}]}]}
    keys = [t.key for t in texts_of(document)]
    assert keys[:3] == ["title", "steps[s]/title", "steps[s]/fields[f]/label"]
    assert len(keys[3]) <= MAX_KEY and keys[3].startswith("steps[s]/fields[f]/options[xxx")


def test_a_german_only_form_and_a_broken_draft_have_a_texts_page(app, designer):
    created = designer.post("/designer/forms/new",
                            data={"form_id": "hund-anmelden", "title": "Hund anmelden"})
    draft_id = draft_id_of(created.headers["Location"])
    page = designer.get(f"/designer/drafts/{draft_id}/texts?part=0")
    assert page.status_code == 200 and "Was ist Ihr Anliegen?" in page.text
    assert ">veraltet<" not in page.text and "XLIFF-Datei für" not in page.text
    text, revision = editor_text(designer, draft_id)
    save(designer, draft_id, text[:-5], revision)  # no longer JSON
    broken = designer.get(f"/designer/drafts/{draft_id}/texts")
    assert broken.status_code == 200
    assert "sobald die Formulardefinition gültiges JSON ist" in broken.text
    refused = designer.post(f"/designer/drafts/{draft_id}/texts", data={"revision": "2"})
    assert refused.status_code == 422
