"""Content checks without the web: what libmagic calls programs, PDFs with actions, messages."""

from __future__ import annotations

from io import BytesIO

import magic
import pytest

from portal.engine import Invalid
from portal.uploads import checks

from . import files


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


@pytest.mark.parametrize(("make", "active"), [
    (files.minimal_pdf, False),
    (files.pdf_with_javascript, True),
    (files.pdf_with_launch_action, True),
    (files.pdf_with_javascript_in_object_stream, True),
    (lambda: files.pdf_with_image_stream(200_000), False),
    (lambda: files.minimal_pdf().replace(b"/Pages 2 0 R", b"/Pages 2 0 R /JSON 1"), False),
    (lambda: files.minimal_pdf().replace(
        b"/Pages 2 0 R", b"/Pages 2 0 R /Names << /EmbeddedFiles 5 0 R >>"), True),
])
def test_pdf_active_content(make, active):
    stream = BytesIO(make())
    if active:
        with pytest.raises(Invalid):
            checks.check_pdf(stream, "x.pdf")
    else:
        checks.check_pdf(stream, "x.pdf")
    assert stream.tell() == 0


def test_a_name_split_across_two_reads_is_still_found():
    pdf = b"%PDF-1.4\n" + b" " * (64 * 1024 - 11) + b"/JavaScript (x)\n"
    with pytest.raises(Invalid):
        checks.check_pdf(BytesIO(pdf), "x.pdf")
    harmless = b"%PDF-1.4\n" + b" " * (64 * 1024 - 11) + b"/JSON 1\n"
    checks.check_pdf(BytesIO(harmless), "x.pdf")


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
