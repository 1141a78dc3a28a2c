"""What a file really is, judged by its content, and whether a field accepts it."""

from __future__ import annotations

import re
from pathlib import PurePath
from typing import BinaryIO

import magic

from ..engine import Invalid
from ..engine.messages import N_

#: Media types a citizen recognises by a short name.
TYPE_NAMES = {
    "application/pdf": "PDF",
    "image/jpeg": "JPEG",
    "image/png": "PNG",
    "image/tiff": "TIFF",
    "image/heic": "HEIC",
    "image/webp": "WebP",
    "text/plain": "TXT",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "DOCX",
    "application/vnd.oasis.opendocument.text": "ODT",
    "application/zip": "ZIP",
}
#: The file name endings that belong to each type.
EXTENSIONS = {
    "application/pdf": {".pdf"},
    "image/jpeg": {".jpg", ".jpeg", ".jpe", ".jfif"},
    "image/png": {".png"},
    "image/tiff": {".tif", ".tiff"},
    "image/heic": {".heic", ".heif"},
    "image/webp": {".webp"},
    "text/plain": {".txt"},
}
#: Never accepted, whatever a definition says: programs and scripts.
DANGEROUS = re.compile(
    r"application/(x-(ms)?dos-?executable|x-executable|x-sharedlib|x-mach-binary|x-elf|"
    r"vnd\.microsoft\.portable-executable|x-msi|x-sh|x-shellscript|x-bat|java-archive|"
    r"x-java-applet)|text/x-(shellscript|script\.python|perl|php)"
)
#: PDF names that run something when the document is opened.
PDF_ACTIVE = re.compile(rb"/(JavaScript|JS|Launch|EmbeddedFile|RichMedia|XFA)\b")


def sniff(stream: BinaryIO) -> str:
    """The media type from the file's first bytes (libmagic), never from its name."""
    head = stream.read(8192)
    stream.seek(0)
    return magic.from_buffer(head, mime=True) or "application/octet-stream"


def describe_types(media_types: tuple[str, ...] | list[str]) -> list[str]:
    return [TYPE_NAMES.get(t, t.split("/")[-1].upper()) for t in media_types]


def check_type(media_type: str, filename: str, accept: tuple[str, ...]) -> None:
    """Raise Invalid unless the content's type is accepted and the name does not lie."""
    if DANGEROUS.fullmatch(media_type):
        raise Invalid(N_("Programme und Skripte können nicht hochgeladen werden."))
    if media_type not in accept:
        raise Invalid(N_("Dieser Dateityp ist hier nicht erlaubt."))
    suffix = PurePath(filename).suffix.lower()
    if suffix and media_type in EXTENSIONS and suffix not in EXTENSIONS[media_type]:
        raise Invalid(
            N_("Der Dateiname endet auf %(suffix)s, der Inhalt ist aber eine %(kind)s-Datei. "
               "Bitte prüfen Sie, ob Sie die richtige Datei gewählt haben."),
            suffix=suffix,
            kind=TYPE_NAMES.get(media_type, media_type),
        )


def check_pdf(stream: BinaryIO) -> None:
    """Reject PDFs that carry scripts, launch actions or embedded files."""
    previous = b""
    while chunk := stream.read(64 * 1024):
        # Overlap the chunks so a name split across two reads is still found.
        if PDF_ACTIVE.search(previous[-16:] + chunk):
            stream.seek(0)
            raise Invalid(
                N_("Die PDF-Datei enthält aktive Inhalte (Skripte oder eingebettete Programme). "
                   "Bitte speichern oder drucken Sie sie als einfaches PDF und laden Sie es erneut hoch.")
            )
        previous = chunk
    stream.seek(0)


def safe_display_name(filename: str | None) -> str:
    """The name to show: no path, no control characters, at most 120 characters."""
    name = PurePath((filename or "").replace("\\", "/")).name
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*').strip(" .")
    if len(name) > 120:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 110] + "…" + dot + ext) if dot and len(ext) <= 8 else name[:120]
    return name or "upload"
