"""Content checks without the web: programs, PDFs with active content, image bombs, messages."""

from __future__ import annotations

from io import BytesIO

import magic
import pikepdf
import pytest

from portal.engine import Invalid
from portal.uploads import checks, pdfs

from . import files, hostile_pdfs


@pytest.mark.parametrize("content", [
    pytest.param(files.elf_file(1), id="elf-object"),
    pytest.param(files.elf_file(2), id="elf-program"),
    pytest.param(files.elf_file(3), id="elf-shared-or-pie"),
    pytest.param(files.elf_file(4), id="elf-core"),
    pytest.param(files.windows_executable(), id="windows-pe"),
    pytest.param(b"MZ" + b"\x00" * 200, id="dos-mz"),
    pytest.param(b"#!/bin/sh\necho hi\n", id="shell"),
    pytest.param(b"#!/usr/bin/env python3\nprint(1)\n", id="python"),
])
def test_what_libmagic_calls_a_program_is_dangerous(content):
    media_type = magic.from_buffer(content, mime=True)
    assert checks.DANGEROUS.fullmatch(media_type), media_type
    with pytest.raises(Invalid) as refused:
        checks.check_type(media_type, "harmlos.pdf", ("application/pdf", *[media_type]))
    assert "Programm oder Skript" in refused.value.message("de")


@pytest.mark.parametrize("media_type", ["application/pdf", "image/jpeg", "image/png", "text/plain",
                                        "application/zip", "image/tiff"])
def test_documents_are_not_dangerous(media_type):
    assert not checks.DANGEROUS.fullmatch(media_type)


def test_the_allowed_types_are_listed_in_the_citizens_language():
    with pytest.raises(Invalid) as refused:
        checks.check_type("application/zip", "a.zip",
                          ("application/pdf", "image/jpeg", "image/png"))
    assert refused.value.message("de").endswith("Erlaubt sind hier nur PDF, JPEG oder PNG.")
    # In English the list is joined the English way (the sentence itself comes from the catalogue).
    assert "PDF, JPEG, or PNG" in refused.value.message("en")


# -- PDFs: parsed, not scanned ----------------------------------------------------------------

#: What the German message says for each kind of finding.
WORDS = {
    "javascript": "(JavaScript)",
    "launch": "(Befehle, die ein Programm starten)",
    "embedded_file": "(eingebettete Dateien)",
    "rich_media": "(Multimedia-Inhalte)",
    "xfa": "(ein XFA-Formular mit eigenen Skripten)",
    "form_action": "(Formularbefehle, die Daten senden oder laden)",
    "remote": "(Verweise, die andere Dateien öffnen)",
}
#: Bytes of the active parts themselves, which a cleaned copy must no longer contain.
ACTIVE_BYTES = (b"app.alert", b"cmd.exe", b"xfa.host", b"not really a program", b"evil",
                b"daten.fdf", b"javascript:")


@pytest.mark.parametrize("name", list(hostile_pdfs.HOSTILE))
def test_a_hostile_pdf_is_refused_naming_what_it_contains(name):
    make, kind = hostile_pdfs.HOSTILE[name]
    stream = BytesIO(make())
    with pytest.raises(Invalid) as refused:
        checks.check_pdf(stream, "Antrag.pdf")
    assert stream.tell() == 0
    assert refused.value.message("de") == (
        f"Die PDF-Datei „Antrag.pdf“ enthält ausführbare Inhalte {WORDS[kind]} und kann deshalb "
        "nicht angenommen werden. Bitte drucken Sie sie als neues PDF („Drucken“, dann "
        "„Als PDF speichern“) und laden Sie dieses hoch.")


@pytest.mark.parametrize("name", list(hostile_pdfs.HOSTILE))
def test_remove_keeps_a_clean_copy_that_passes_the_strict_check(name):
    original = hostile_pdfs.hostile(name)
    assert checks.check_pdf(BytesIO(original), "Antrag.pdf", checks.PDF_REMOVE) is True
    cleaned = BytesIO()
    pdfs.sanitise(BytesIO(original), cleaned)
    assert checks.check_pdf(BytesIO(cleaned.getvalue()), "Antrag.pdf") is False
    for active in ACTIVE_BYTES:
        assert active not in cleaned.getvalue()
    with pikepdf.open(BytesIO(cleaned.getvalue())) as pdf:
        assert len(pdf.pages) == 1  # the document itself is still there


@pytest.mark.parametrize("name", list(hostile_pdfs.HARMLESS))
def test_harmless_pdfs_are_accepted_as_they_are(name):
    content = hostile_pdfs.HARMLESS[name]()
    assert checks.check_pdf(BytesIO(content), "Vertrag.pdf") is False
    assert checks.check_pdf(BytesIO(content), "Vertrag.pdf", checks.PDF_REMOVE) is False


def test_a_link_survives_the_cleaning_of_a_script_beside_it():
    objects = hostile_pdfs.page_tree(page_extra=b"/Annots [4 0 R 5 0 R] ")
    objects[4] = (b"<< /Type /Annot /Subtype /Link /Rect [0 0 9 9] /A << /S /URI "
                  b"/URI (https://www.berlin.de/) >> >>")
    objects[5] = b"<< /Type /Annot /Subtype /Link /Rect [0 9 9 18] /A " + hostile_pdfs.JS + b" >>"
    cleaned = BytesIO()
    pdfs.sanitise(BytesIO(hostile_pdfs.build(objects)), cleaned)
    with pikepdf.open(BytesIO(cleaned.getvalue())) as pdf:
        links = [annot.get("/A") for annot in pdf.pages[0].Annots]
    assert [str(a.URI) for a in links if a is not None] == ["https://www.berlin.de/"]


def test_the_receipt_amtsweg_makes_passes_its_own_check():
    from tests.receipt.pdfs import render

    for language in ("de", "ar"):
        _, receipt = render("onlinewache", language)
        assert checks.check_pdf(BytesIO(receipt), "Eingangsbestätigung.pdf") is False


def test_a_found_kind_is_named_in_the_citizens_language():
    with pytest.raises(Invalid) as refused:
        checks.check_pdf(BytesIO(hostile_pdfs.hostile("embedded-file")), "Antrag.pdf")
    assert "contains executable content (embedded files)" in refused.value.message("en")
    assert "(вбудовані файли)" in refused.value.message("uk")


@pytest.mark.parametrize(("content", "message"), [
    pytest.param(lambda: files.encrypted_pdf("geheim"),
                 "Die PDF-Datei „x.pdf“ ist mit einem Passwort geschützt", id="user-password"),
    pytest.param(lambda: b"%PDF-1.7\n" + bytes(range(256)) * 4,
                 "Die PDF-Datei „x.pdf“ ist beschädigt", id="not-a-pdf-after-all"),
    pytest.param(lambda: files.minimal_pdf()[:60], "Die PDF-Datei „x.pdf“ ist beschädigt",
                 id="cut-off"),
    # Without a cross-reference table the object stream's second catalogue, with a script,
    # may be the one a viewer takes: such a file cannot be judged.
    pytest.param(files.pdf_with_javascript_in_object_stream,
                 "Die PDF-Datei „x.pdf“ ist beschädigt", id="damaged-with-object-stream"),
])
def test_a_pdf_that_cannot_be_parsed_is_refused(content, message):
    for policy in (checks.PDF_REFUSE, checks.PDF_REMOVE):
        with pytest.raises(Invalid) as refused:
            checks.check_pdf(BytesIO(content()), "x.pdf", policy)
        assert refused.value.message("de").startswith(message)


def test_an_owner_password_alone_does_not_stop_the_check():
    # Encrypted for permissions only: every viewer opens it without asking, and so does qpdf.
    assert checks.check_pdf(BytesIO(files.encrypted_pdf("")), "x.pdf") is False


def test_a_damaged_pdf_without_object_streams_is_rebuilt_and_judged():
    assert checks.check_pdf(BytesIO(files.pdf_with_image_stream(200_000)), "x.pdf") is False
    with pytest.raises(Invalid):
        checks.check_pdf(BytesIO(files.pdf_with_javascript()), "x.pdf")


def test_binary_stream_data_that_looks_like_names_is_not_active():
    # Page contents, images and fonts are data, not objects: "/JS" in them means nothing.
    objects = hostile_pdfs.page_tree(page_extra=b"/Contents 4 0 R ")
    objects[4] = hostile_pdfs.stream_object(
        b"", b"BT /JavaScript 1 Tf (/Launch /JS /EmbeddedFile) Tj ET")
    assert checks.check_pdf(BytesIO(hostile_pdfs.build(objects)), "x.pdf") is False


# -- images: dimensions from the header --------------------------------------------------------

MAX = 50_000_000


def test_a_decompression_bomb_is_refused_from_its_header():
    bomb = files.png_bomb()
    assert len(bomb) < 1024 * 1024
    with pytest.raises(Invalid) as refused:
        checks.check_image(BytesIO(bomb), "image/png", "Foto.png", MAX)
    assert refused.value.message("de") == (
        "Das Bild „Foto.png“ hat zu viele Bildpunkte: Erlaubt sind höchstens 50 Megapixel. "
        "Bitte verkleinern Sie es und laden Sie es erneut hoch.")


def test_the_pixel_limit_counts_pixels_and_is_configurable():
    picture = files.minimal_png(200, 100)  # 20000 pixels
    checks.check_image(BytesIO(picture), "image/png", "a.png", 20_000)
    with pytest.raises(Invalid) as refused:
        checks.check_image(BytesIO(picture), "image/png", "a.png", 19_999)
    assert "höchstens 0,02 Megapixel" in refused.value.message("de")


def test_above_pillows_own_bomb_limit_the_message_is_the_same():
    # Pillow itself raises DecompressionBombError above twice its MAX_IMAGE_PIXELS (~179 MP).
    with pytest.raises(Invalid) as refused:
        checks.check_image(BytesIO(files.png_bomb(20_000, 10_000)), "image/png", "a.png",
                           10**12)
    assert "zu viele Bildpunkte" in refused.value.message("de")


@pytest.mark.parametrize(("content", "media_type", "message"), [
    pytest.param(lambda: files.minimal_png()[:20], "image/png",
                 "Das Bild „a.png“ ist beschädigt oder unvollständig.", id="png-cut-off"),
    pytest.param(lambda: b"\xff\xd8\xff\xe0" + bytes(300), "image/jpeg",
                 "Das Bild „a.png“ ist beschädigt oder unvollständig.", id="jpeg-without-frame"),
    pytest.param(files.heic_header, "image/heic",
                 "Bilder im Format HEIC können hier nicht geprüft", id="no-reader-for-heic"),
])
def test_an_image_pillow_cannot_read_is_refused(content, media_type, message):
    data = content()
    assert magic.from_buffer(data, mime=True) == media_type
    with pytest.raises(Invalid) as refused:
        checks.check_image(BytesIO(data), media_type, "a.png", MAX)
    assert message in refused.value.message("de")


def test_ordinary_photos_pass_the_image_check():
    for data, media_type in ((files.jpeg_with_gps(), "image/jpeg"),
                             (files.png_with_metadata(), "image/png")):
        stream = BytesIO(data)
        checks.check_image(stream, media_type, "a", MAX)
        assert stream.tell() == 0


@pytest.mark.parametrize(("given", "shown"), [
    ("../../etc/passwd", "passwd"),
    ("C:\\Users\\olena\\Nachweis.pdf", "Nachweis.pdf"),
    ("Rechnung <2024>.pdf", "Rechnung 2024.pdf"),
    ("<script>alert(1)</script>.pdf", "script.pdf"),
    ("Rechnung\x00\x1b[31m.pdf", "Rechnung[31m.pdf"),
    ("", "upload"),
    ("a" * 300 + ".pdf", "a" * 110 + "….pdf"),
])
def test_safe_display_names(given, shown):
    assert checks.safe_display_name(given) == shown
