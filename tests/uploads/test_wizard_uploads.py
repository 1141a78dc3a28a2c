"""Uploads through the real step: every refusal says what is allowed, and nothing else is lost.

Each test posts multipart forms to the upload step of a small published test
form, as a browser without JavaScript does, and reads the page that comes back.
"""

from __future__ import annotations

import hashlib
import re
from io import BytesIO

import piexif
import pytest
from PIL import Image
from sqlalchemy import select

from portal.engine import check_definition
from portal.extensions import db
from portal.models import Attachment, Draft
from portal.uploads import checks

from . import files, hostile_pdfs
from .conftest import stored_files
from .forms import definition, error_messages, listed_files, post_step, publish_form, start


def _draft() -> Draft:
    db.session.expire_all()
    return db.session.execute(select(Draft)).scalar_one()


def _attachments() -> list[Attachment]:
    db.session.expire_all()
    return list(db.session.execute(select(Attachment).order_by(Attachment.created_at)).scalars())


def _assert_intact(client, url: str, betreff: str, names: list[str]) -> None:
    """The step, opened again, shows the text answer and exactly the files uploaded before."""
    page = client.get(url)
    assert page.status_code == 200
    assert f'value="{betreff}"' in page.text
    assert listed_files(page.text) == names
    draft = _draft()
    assert draft.answers["betreff"] == betreff
    by_id = {a.id: a.display_name for a in _attachments()}
    assert [by_id[i] for i in draft.answers.get("belege", [])] == names


def _inline_error(html: str, field: str) -> str:
    match = re.search(rf'<p id="{field}-error" class="error-message">(.*?)</p>', html, re.S)
    assert match, f"no inline error on {field}"
    return re.sub(r"<[^>]+>|\s+", " ", match.group(1)).strip()


# -- accepted files -----------------------------------------------------------------------


def test_a_pdf_and_a_png_are_stored_with_type_size_and_checksum(app, client, step_url, upload_dir):
    pdf, png = files.minimal_pdf(), files.minimal_png()
    page = post_step(client, step_url, belege=[(pdf, "Mietvertrag.pdf"), (png, "Ausweis.png")])
    assert page.status_code == 200
    assert listed_files(page.text) == ["Mietvertrag.pdf", "Ausweis.png"]
    assert error_messages(page.text) == []
    first, second = _attachments()
    assert (first.display_name, first.media_type, first.size) == (
        "Mietvertrag.pdf", "application/pdf", len(pdf))
    assert first.sha256 == hashlib.sha256(pdf).hexdigest()
    assert (second.media_type, second.sha256) == ("image/png", hashlib.sha256(png).hexdigest())
    on_disk = {p.name: p.read_bytes() for p in stored_files(upload_dir)}
    assert on_disk == {first.storage_key: pdf, second.storage_key: png}
    _assert_intact(client, step_url, "Mein Fahrrad", ["Mietvertrag.pdf", "Ausweis.png"])


def test_the_stored_file_name_is_never_the_citizens(app, client, step_url, upload_dir):
    post_step(client, step_url, belege=(files.minimal_png(), "Personalausweis Olena Kovalenko.png"))
    (stored,) = stored_files(upload_dir)
    assert re.fullmatch(r"[0-9a-f]{40}", stored.name)
    assert stored.parent.name == stored.name[:2]
    assert "Personalausweis" not in str(stored) and "Olena" not in str(stored)
    (attachment,) = _attachments()
    assert attachment.display_name == "Personalausweis Olena Kovalenko.png"
    assert attachment.storage_key == stored.name


def test_a_path_in_the_file_name_is_not_kept(app, client, step_url):
    page = post_step(client, step_url,
                     belege=(files.minimal_pdf(), "../../home/olena/Nachweis.pdf"))
    assert listed_files(page.text) == ["Nachweis.pdf"]


# -- refused files: the message says what is allowed, nothing else is lost ------------------

REFUSALS = [
    pytest.param(files.pdf_with_javascript, "Antrag.pdf",
                 "Die PDF-Datei „Antrag.pdf“ enthält ausführbare Inhalte (JavaScript) und kann "
                 "deshalb nicht angenommen werden.", id="pdf-with-javascript-openaction"),
    pytest.param(files.pdf_with_launch_action, "Antrag.pdf",
                 "Die PDF-Datei „Antrag.pdf“ enthält ausführbare Inhalte (Befehle, die ein "
                 "Programm starten)", id="pdf-with-escaped-launch"),
    pytest.param(files.pdf_with_javascript_in_object_stream, "Antrag.pdf",
                 "Die PDF-Datei „Antrag.pdf“ ist beschädigt und kann nicht geprüft werden.",
                 id="damaged-pdf-with-objstm"),
    pytest.param(lambda: files.encrypted_pdf("geheim"), "Antrag.pdf",
                 "Die PDF-Datei „Antrag.pdf“ ist mit einem Passwort geschützt",
                 id="pdf-with-user-password"),
    pytest.param(files.png_bomb, "Riesig.png",
                 "Das Bild „Riesig.png“ hat zu viele Bildpunkte: Erlaubt sind höchstens 50 "
                 "Megapixel.", id="png-decompression-bomb"),
    pytest.param(files.elf_executable, "Urlaubsfoto.png",
                 "„Urlaubsfoto.png“ ist ein Programm oder Skript. Solche Dateien können nicht "
                 "hochgeladen werden. Erlaubt sind nur PDF oder PNG.", id="renamed-linux-program"),
    pytest.param(files.windows_executable, "Rechnung.pdf",
                 "„Rechnung.pdf“ ist ein Programm oder Skript.", id="renamed-windows-program"),
    pytest.param(lambda: b"#!/bin/sh\nrm -rf ~\n", "Notiz.pdf",
                 "„Notiz.pdf“ ist ein Programm oder Skript.", id="shell-script"),
    pytest.param(lambda: b"", "Leer.pdf",
                 "Die Datei „Leer.pdf“ ist leer. Bitte wählen Sie eine andere Datei.", id="empty"),
    pytest.param(files.zip_archive, "Belege.zip",
                 "„Belege.zip“ ist eine ZIP-Datei. Erlaubt sind hier nur PDF oder PNG.",
                 id="zip-not-accepted"),
    pytest.param(lambda: files.jpeg_with_gps(extras=False), "Foto.jpg",
                 "„Foto.jpg“ ist eine JPEG-Datei. Erlaubt sind hier nur PDF oder PNG.",
                 id="jpeg-not-accepted"),
    pytest.param(lambda: bytes(range(256)) * 8, "Daten.bin",
                 "Dateien wie „Daten.bin“ sind hier nicht erlaubt. Erlaubt sind nur PDF oder PNG.",
                 id="unknown-type"),
    pytest.param(files.minimal_png, "Scan.pdf",
                 "Der Name der Datei „Scan.pdf“ endet auf .pdf, der Inhalt ist aber eine "
                 "PNG-Datei. Bitte prüfen Sie, ob Sie die richtige Datei gewählt haben.",
                 id="png-named-pdf"),
]


@pytest.mark.parametrize(("make", "filename", "message"), REFUSALS)
def test_a_refused_file_is_explained_and_the_draft_is_intact(
        app, client, step_url, upload_dir, make, filename, message):
    post_step(client, step_url, belege=(files.minimal_pdf(), "Erster Nachweis.pdf"))
    page = post_step(client, step_url, betreff="Geänderter Betreff", belege=(make(), filename))
    assert page.status_code == 422
    (summary,) = error_messages(page.text)
    assert message in summary and not summary.startswith("Belege")  # the message alone
    assert message in _inline_error(page.text, "belege")
    # What the citizen typed on the same page comes back, with the earlier file.
    assert 'value="Geänderter Betreff"' in page.text
    assert listed_files(page.text) == ["Erster Nachweis.pdf"]
    # The refused file is not kept, on disk or in the database.
    assert len(stored_files(upload_dir)) == 1
    assert [a.display_name for a in _attachments()] == ["Erster Nachweis.pdf"]
    _assert_intact(client, step_url, "Geänderter Betreff", ["Erster Nachweis.pdf"])


def _full(html: str) -> str:
    """The one message in the error summary (the message alone, without the field label)."""
    (message,) = error_messages(html)
    return message


def test_a_binary_stream_in_a_pdf_is_not_taken_for_a_script(app, client, step_url):
    # Scans carry megabytes of compressed data, in which "/JS" turns up by chance.
    page = post_step(client, step_url, belege=(files.pdf_with_image_stream(300_000), "Scan.pdf"))
    assert page.status_code == 200, error_messages(page.text)
    assert listed_files(page.text) == ["Scan.pdf"]


def test_a_file_over_the_fields_limit_is_refused_with_the_limit_in_mb(app, client, upload_dir):
    url = publish_form(max_size_mb=0.1, max_files=2)
    start(client)
    post_step(client, url, belege=(files.minimal_pdf(), "Klein.pdf"))
    page = post_step(client, url, belege=(files.padded_pdf(150_000), "Groß.pdf"))
    assert page.status_code == 422
    assert error_messages(page.text) == [
        "Die Datei „Groß.pdf“ ist zu groß. Erlaubt sind höchstens 0,1 MB je Datei."]
    assert "höchstens 0,1 MB je Datei" in page.text  # the hint says it too
    assert len(stored_files(upload_dir)) == 1
    _assert_intact(client, url, "Mein Fahrrad", ["Klein.pdf"])


def test_too_many_files_are_refused_and_the_first_ones_kept(app, client, step_url, upload_dir):
    png = files.minimal_png()
    chosen = [(png, f"Foto {n}.png") for n in range(1, 5)]
    page = post_step(client, step_url, fotos=chosen)  # four chosen at once, three allowed
    assert page.status_code == 422
    assert error_messages(page.text) == ["Sie können hier höchstens 3 Dateien hochladen."]
    assert listed_files(page.text) == ["Foto 1.png", "Foto 2.png", "Foto 3.png"]
    assert len(stored_files(upload_dir)) == 3
    # With three files there, the page offers no further upload.
    assert 'name="fotos-upload"' not in page.text
    page = post_step(client, step_url, fotos=(png, "Foto 5.png"))
    assert error_messages(page.text) == ["Sie können hier höchstens 3 Dateien hochladen."]
    assert listed_files(page.text) == ["Foto 1.png", "Foto 2.png", "Foto 3.png"]


@pytest.mark.parametrize("at_once", [False, True], ids=["one page after another",
                                                      "two files chosen at once"])
def test_the_total_per_application_is_enforced(app, client, upload_dir, at_once):
    # At once, the first file fills the allowance before the second is checked.
    app.config["MAX_UPLOAD_TOTAL_MB"] = 1
    url = publish_form(max_size_mb=5, max_files=3)
    start(client)
    first = (files.padded_pdf(600_000), "Teil 1.pdf")
    second = (files.padded_pdf(600_000), "Teil 2.pdf")
    if at_once:
        page = post_step(client, url, belege=[first, second])
    else:
        post_step(client, url, belege=first)
        page = post_step(client, url, belege=second)
    assert page.status_code == 422
    assert error_messages(page.text) == [
        "„Teil 2.pdf“ passt nicht mehr dazu: Alle Dateien zusammen dürfen höchstens "
        "1 MB groß sein, frei sind noch 0,4 MB."]
    assert len(stored_files(upload_dir)) == 1
    _assert_intact(client, url, "Mein Fahrrad", ["Teil 1.pdf"])


def test_defaults_when_the_definition_is_silent(app, client):
    url = publish_form()  # no accept, no max_size_mb, no max_files
    start(client)
    page = client.get(url)
    hint = re.search(r'<div id="belege-hint" class="hint">(.*?)</div>', page.text, re.S).group(1)
    assert "Erlaubt: PDF, JPEG oder PNG, höchstens 10 MB je Datei." in hint
    assert 'accept="application/pdf,image/jpeg,image/png"' in page.text
    upload = re.search(r'<input[^>]*name="belege-upload"[^>]*>', page.text).group(0)
    assert "multiple" not in upload
    page = post_step(client, url, belege=(files.jpeg_with_gps(extras=False), "Foto.jpeg"))
    assert listed_files(page.text) == ["Foto.jpeg"]
    page = post_step(client, url, belege=(files.minimal_pdf(), "Zweite.pdf"))
    assert "höchstens 1 Datei" in error_messages(page.text)[0]
    assert listed_files(page.text) == ["Foto.jpeg"]


# -- PDFs with active content: refused, or kept cleaned -------------------------------------


def test_every_hostile_pdf_is_refused_and_nothing_is_stored(app, client, step_url, upload_dir):
    post_step(client, step_url, belege=(files.minimal_pdf(), "Erster Nachweis.pdf"))
    for name in hostile_pdfs.HOSTILE:
        page = post_step(client, step_url, betreff=f"Betreff {name}",
                         belege=(hostile_pdfs.hostile(name), f"{name}.pdf"))
        assert page.status_code == 422, name
        assert _full(page.text).startswith(
            f"Die PDF-Datei „{name}.pdf“ enthält ausführbare Inhalte ("), name
        assert f'value="Betreff {name}"' in page.text
        assert listed_files(page.text) == ["Erster Nachweis.pdf"]
        assert len(stored_files(upload_dir)) == 1, name
    _assert_intact(client, step_url, f"Betreff {name}", ["Erster Nachweis.pdf"])


def test_the_refusal_is_in_the_citizens_language(app, client, step_url):
    client.get("/language/en?next=/")
    page = post_step(client, step_url, belege=(hostile_pdfs.hostile("objstm-lzw"), "Claim.pdf"))
    assert page.status_code == 422
    assert _full(page.text) == (
        "The PDF file “Claim.pdf” contains executable content (JavaScript) and cannot be "
        "accepted. Please print it as a new PDF (“Print”, then “Save as PDF”) and upload that "
        "one.")


def test_harmless_pdfs_are_kept_byte_for_byte(app, client, upload_dir):
    url = publish_form(accept=["application/pdf"], max_files=len(hostile_pdfs.HARMLESS))
    start(client)
    originals = {f"{name}.pdf": make() for name, make in hostile_pdfs.HARMLESS.items()}
    page = post_step(client, url, belege=list(zip(originals.values(), originals, strict=True)))
    assert page.status_code == 200, error_messages(page.text)
    assert listed_files(page.text) == list(originals)
    for attachment in _attachments():
        assert attachment.sha256 == hashlib.sha256(originals[attachment.display_name]).hexdigest()


def test_with_remove_the_cleaned_copy_is_stored_with_its_own_checksum(app, client, upload_dir):
    url = publish_form(accept=["application/pdf"], max_files=3, pdf_active_content="remove")
    start(client)
    chosen = {name: hostile_pdfs.hostile(name)
              for name in ("objstm-filter-chain", "embedded-file", "widget-with-javascript")}
    page = post_step(client, url, belege=[(data, f"{name}.pdf") for name, data in chosen.items()])
    assert page.status_code == 200, error_messages(page.text)
    assert listed_files(page.text) == [f"{name}.pdf" for name in chosen]
    for attachment in _attachments():
        stored = app.open_instance_resource(
            f"uploads/{attachment.storage_key[:2]}/{attachment.storage_key}").read()
        original = chosen[attachment.display_name.removesuffix(".pdf")]
        assert stored != original
        assert attachment.size == len(stored)
        assert attachment.sha256 == hashlib.sha256(stored).hexdigest()
        assert b"app.alert" not in stored and b"not really a program" not in stored
        assert checks.check_pdf(BytesIO(stored), "x.pdf") is False  # the strict check passes
    # A PDF that cannot be parsed is refused in this mode too.
    page = post_step(client, url, belege=(files.encrypted_pdf("geheim"), "Geheim.pdf"))
    assert page.status_code == 422


def test_pdf_active_content_must_be_refuse_or_remove():
    document, problems = check_definition(definition(pdf_active_content="sometimes"))
    assert document is None or problems
    assert any("pdf_active_content" in str(p) for p in problems)
    for policy in ("refuse", "remove"):
        document, problems = check_definition(definition(pdf_active_content=policy))
        assert document is not None, [str(p) for p in problems]


# -- images: no decompression bombs -----------------------------------------------------------


def test_the_pixel_limit_comes_from_the_configuration(app, client, step_url, upload_dir):
    app.config["MAX_IMAGE_PIXELS"] = 10_000
    page = post_step(client, step_url, fotos=(files.minimal_png(101, 100), "Foto.png"))
    assert page.status_code == 422
    assert _full(page.text) == (
        "Das Bild „Foto.png“ hat zu viele Bildpunkte: Erlaubt sind höchstens 0,01 Megapixel. "
        "Bitte verkleinern Sie es und laden Sie es erneut hoch.")
    assert stored_files(upload_dir) == []
    page = post_step(client, step_url, fotos=(files.minimal_png(100, 100), "Foto.png"))
    assert page.status_code == 200, error_messages(page.text)
    assert listed_files(page.text) == ["Foto.png"]


# -- photos: identifying metadata removed, the picture untouched -----------------------------


def test_gps_serial_and_owner_are_removed_from_a_photo_before_it_is_kept(
        app, client, step_url, upload_dir):
    original = files.jpeg_with_gps()
    assert piexif.load(original)["GPS"]
    page = post_step(client, step_url, fotos=(original, "IMG_2041.jpg"))
    assert page.status_code == 200, error_messages(page.text)
    (attachment,) = _attachments()
    (path,) = stored_files(upload_dir)
    stored = path.read_bytes()
    # Size and checksum are those of the cleaned file, the one a caseworker gets.
    assert attachment.size == len(stored) < len(original)
    assert attachment.sha256 == hashlib.sha256(stored).hexdigest()
    assert attachment.sha256 != hashlib.sha256(original).hexdigest()
    exif = piexif.load(stored)
    assert exif["GPS"] == {} and exif["1st"] == {} and exif["thumbnail"] is None
    for secret in (files.OWNER, files.SERIAL, b"olenas-pc", b"MAKERNOTE", b"GPSLatitude",
                   b"MOTION-PHOTO"):
        assert secret not in stored
    # What the picture needs stays: orientation, capture time, camera model.
    assert exif["0th"][piexif.ImageIFD.Orientation] == 6
    assert exif["Exif"][piexif.ExifIFD.DateTimeOriginal] == b"2024:05:01 12:00:00"
    # The pixels are exactly the same.
    before, after = Image.open(BytesIO(original)), Image.open(BytesIO(stored))
    assert after.size == before.size and after.tobytes() == before.tobytes()


def test_text_and_exif_chunks_are_removed_from_a_png(app, client, step_url, upload_dir):
    original = files.png_with_metadata()
    page = post_step(client, step_url, fotos=(original, "Screenshot.png"))
    assert page.status_code == 200, error_messages(page.text)
    stored = stored_files(upload_dir)[0].read_bytes()
    for secret in (b"eXIf", b"tEXt", b"iTXt", files.OWNER, b"GPSLatitude"):
        assert secret not in stored
    assert Image.open(BytesIO(stored)).tobytes() == Image.open(BytesIO(original)).tobytes()
    (attachment,) = _attachments()
    assert attachment.sha256 == hashlib.sha256(stored).hexdigest()


def test_a_damaged_jpeg_is_refused(app, client, step_url, upload_dir):
    broken = files.jpeg_with_gps(extras=False)[:20] + b"\x00" * 64  # headers cut, garbage after
    page = post_step(client, step_url, fotos=(broken, "Kaputt.jpg"))
    assert page.status_code == 422
    assert error_messages(page.text) == [
        "Das Bild „Kaputt.jpg“ ist beschädigt oder unvollständig. Bitte wählen Sie eine "
        "andere Datei."]
    assert stored_files(upload_dir) == []


# -- removing files --------------------------------------------------------------------------


def test_a_removed_file_is_deleted_at_once(app, client, step_url, upload_dir):
    page = post_step(client, step_url,
                     belege=[(files.minimal_pdf(), "A.pdf"), (files.minimal_png(), "B.png")])
    first = _attachments()[0]
    page = client.post(step_url, data={"betreff": "Mein Fahrrad", "remove": first.id},
                       content_type="multipart/form-data")
    assert page.status_code == 200
    assert listed_files(page.text) == ["B.png"]
    assert [a.display_name for a in _attachments()] == ["B.png"]
    assert [p.name for p in stored_files(upload_dir)] == [_attachments()[0].storage_key]
    _assert_intact(client, step_url, "Mein Fahrrad", ["B.png"])


def test_a_file_of_another_draft_cannot_be_removed(app, client, step_url, upload_dir):
    post_step(client, step_url, belege=(files.minimal_pdf(), "Meins.pdf"))
    (mine,) = _attachments()
    other = app.test_client()
    start(other)
    other.post(step_url, data={"betreff": "x", "remove": mine.id},
               content_type="multipart/form-data")
    assert [a.id for a in _attachments()] == [mine.id]
    assert len(stored_files(upload_dir)) == 1


# -- broken and oversized requests ------------------------------------------------------------


def test_a_truncated_multipart_request_gets_a_clear_page_and_changes_nothing(
        app, client, step_url, upload_dir):
    post_step(client, step_url, belege=(files.minimal_pdf(), "Erster Nachweis.pdf"))
    body = (b"--XyZ\r\nContent-Disposition: form-data; name=\"betreff\"\r\n\r\nNeuer Text\r\n"
            b"--XyZ\r\nContent-Disposition: form-data; name=\"belege-upload\"; "
            b"filename=\"B.pdf\"\r\n"
            b"Content-Type: application/pdf\r\n\r\n" + files.minimal_pdf()[:120])  # cut off here
    page = client.post(step_url, data=body, content_type="multipart/form-data; boundary=XyZ")
    assert page.status_code == 400, (
        "a broken multipart body must be refused: call portal.uploads.init_app(app) in create_app")
    assert "Die Seite ist nicht vollständig angekommen" in page.text
    assert "Alles, was Sie vorher gespeichert haben, ist noch da." in page.text
    assert len(stored_files(upload_dir)) == 1
    _assert_intact(client, step_url, "Mein Fahrrad", ["Erster Nachweis.pdf"])


def test_a_body_shorter_than_announced_gets_the_same_page(app, client, step_url):
    post_step(client, step_url, belege=(files.minimal_pdf(), "Erster Nachweis.pdf"))
    body = (b"--XyZ\r\nContent-Disposition: form-data; name=\"betreff\"\r\n\r\nNeuer Text\r\n"
            b"--XyZ\r\nContent-Disposition: form-data; name=\"belege-upload\"; "
            b"filename=\"B.pdf\"\r\n"
            b"Content-Type: application/pdf\r\n\r\n" + files.minimal_pdf())
    page = client.post(step_url, input_stream=BytesIO(body),
                       content_type="multipart/form-data; boundary=XyZ",
                       headers={"Content-Length": str(len(body) + 10_000)})
    assert page.status_code == 400
    assert "Die Seite ist nicht vollständig angekommen" in page.text
    _assert_intact(client, step_url, "Mein Fahrrad", ["Erster Nachweis.pdf"])


def test_a_request_over_the_size_limit_gets_a_clear_page_and_changes_nothing(
        app, client, step_url, upload_dir):
    app.config["MAX_CONTENT_LENGTH"] = 1024 * 1024
    post_step(client, step_url, belege=(files.minimal_pdf(), "Erster Nachweis.pdf"))
    page = post_step(client, step_url, betreff="Neuer Text",
                     belege=(files.padded_pdf(1_500_000), "Riesig.pdf"))
    assert page.status_code == 413
    assert "Die Dateien sind zu groß" in page.text
    assert "Auf einmal können höchstens 1 MB gesendet werden." in page.text
    assert len(stored_files(upload_dir)) == 1
    _assert_intact(client, step_url, "Mein Fahrrad", ["Erster Nachweis.pdf"])


# -- all the way to the submission -------------------------------------------------------------


@pytest.mark.both_databases
def test_the_files_reach_the_submission_with_their_checksums(app, client, step_url):
    pdf, photo = files.minimal_pdf(), files.jpeg_with_gps()
    post_step(client, step_url, belege=(pdf, "Nachweis.pdf"))
    post_step(client, step_url, fotos=(photo, "Tatort.jpg"))
    removed = post_step(client, step_url, belege=(files.minimal_png(), "Falsch.png"))
    wrong = next(a for a in _attachments() if a.display_name == "Falsch.png")
    client.post(step_url, data={"betreff": "Mein Fahrrad", "remove": wrong.id},
                content_type="multipart/form-data")
    assert removed.status_code == 200
    done = post_step(client, step_url, action="continue")
    assert done.status_code == 303, error_messages(done.text)
    ende = client.post(done.headers["Location"], data={"bemerkung": "", "action": "continue"})
    assert ende.status_code == 303
    summary = client.get("/forms/upload-test/summary")
    assert "Nachweis.pdf" in summary.text and "Tatort.jpg" in summary.text
    assert "Falsch.png" not in summary.text
    sent = client.post("/forms/upload-test/submit")
    assert sent.status_code == 303
    bound = {a.display_name: a for a in _attachments() if a.submission_id}
    assert set(bound) == {"Nachweis.pdf", "Tatort.jpg"}
    assert bound["Nachweis.pdf"].sha256 == hashlib.sha256(pdf).hexdigest()
    assert files.OWNER not in app.open_instance_resource(
        f"uploads/{bound['Tatort.jpg'].storage_key[:2]}/{bound['Tatort.jpg'].storage_key}").read()
