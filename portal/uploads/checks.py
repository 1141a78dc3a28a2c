"""What a file really is, judged by its content, and whether a field accepts it.

Every refusal is a `Rejected`: an engine `Invalid` whose German source message
names the file and says what is allowed (types in words, sizes in MB), so the
step can come back with a sentence the citizen can act on.
"""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterable
from pathlib import PurePath
from typing import BinaryIO

import magic
from babel.lists import format_list

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
    "application/x-7z-compressed": "7z",
    "application/x-rar": "RAR",
    "application/vnd.rar": "RAR",
    "application/gzip": "GZIP",
    "application/x-tar": "TAR",
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
#: Never accepted, whatever a definition says: programs, object code and scripts.
#: libmagic 5.4x names them e.g. application/x-executable, x-pie-executable,
#: x-sharedlib, x-object, x-coredump (ELF), x-dosexec and
#: vnd.microsoft.portable-executable (Windows), x-mach-binary (macOS),
#: text/x-shellscript, text/x-script.python.
DANGEROUS = re.compile(
    r"application/("
    r"x-[\w.+-]*exec[\w.+-]*|x-sharedlib|x-object|x-coredump|x-elf|x-mach-?(binary|o[\w.+-]*)|"
    r"vnd\.microsoft\.portable-executable|x-msdownload|x-ms-installer|x-msi|vnd\.ms-msi|"
    r"x-sh|x-shellscript|x-bat|x-msdos-program|java-archive|x-java-applet|x-java-archive|"
    r"(x-)?javascript|x-(perl|php|python|ruby)|vnd\.android\.package-archive|x-apple-diskimage"
    r")|text/(x-(shellscript|sh|script\.[\w.+-]+|perl|php|python|ruby|lua|tcl|awk|msdos-batch)"
    r"|javascript)"
)
#: PDF names that run something when the document is opened, or carry other files.
PDF_ACTIVE_NAMES = frozenset(
    {b"JavaScript", b"JS", b"Launch", b"EmbeddedFile", b"EmbeddedFiles", b"RichMedia", b"XFA"}
)
#: A PDF name written plainly, or with #xx escapes (/J#61vaScript is /JavaScript).
_PDF_NAME = re.compile(rb"/((?:[A-Za-z]|#[0-9A-Fa-f]{2})+)")
_PDF_ACTIVE_PLAIN = re.compile(
    rb"/(?:JavaScript|JS|Launch|EmbeddedFiles?|RichMedia|XFA)(?![A-Za-z#])")
_PDF_ESCAPED_NAME = re.compile(
    rb"/(?:[A-Za-z]|#[0-9A-Fa-f]{2})*#[0-9A-Fa-f]{2}(?:[A-Za-z]|#[0-9A-Fa-f]{2})*")
#: Where a stream's data begins ("endstream" is not a beginning).
_PDF_STREAM = re.compile(rb"(?<!end)stream(?:\r\n|\n|\r)")
_PDF_ENDSTREAM = re.compile(rb"endstream")
_PDF_OBJ = re.compile(rb"\d+\s+\d+\s+obj\b")
_PDF_LENGTH = re.compile(rb"/Length\s+(\d+)(?!\s+\d+\s+R)")
#: The most a PDF's object streams may unpack to before we give up checking it.
PDF_INFLATE_LIMIT = 256 * 1024 * 1024
_CHUNK = 64 * 1024
_OVERLAP = 64


class TypeList(tuple):
    """Media types that a message lists in words, in the citizen's language ("PDF, JPEG or PNG")."""


class Rejected(Invalid):
    """An upload that is refused, with a message that names the file and says what is allowed."""

    def message(self, language: str) -> str:
        params = {
            key: format_list(describe_types(value), style="or", locale=language)
            if isinstance(value, TypeList) else value
            for key, value in self.params.items()
        }
        return Invalid(self.message_id, **params).message(language)


def sniff(stream: BinaryIO) -> str:
    """The media type from the file's first bytes (libmagic), never from its name."""
    head = stream.read(8192)
    stream.seek(0)
    return magic.from_buffer(head, mime=True) or "application/octet-stream"


def describe_types(media_types: Iterable[str]) -> list[str]:
    return [TYPE_NAMES.get(t, t.split("/")[-1].upper()) for t in media_types]


def check_type(media_type: str, filename: str, accept: tuple[str, ...]) -> None:
    """Raise Rejected unless the content's type is accepted and the name does not lie."""
    name = safe_display_name(filename)
    allowed = TypeList(accept)
    if DANGEROUS.fullmatch(media_type):
        raise Rejected(
            N_("„%(name)s“ ist ein Programm oder Skript. Solche Dateien können nicht hochgeladen "
               "werden. Erlaubt sind nur %(types)s."),
            name=name, types=allowed,
        )
    if media_type not in accept:
        if media_type in TYPE_NAMES:
            raise Rejected(
                N_("„%(name)s“ ist eine %(kind)s-Datei. Erlaubt sind hier nur %(types)s."),
                name=name, kind=TYPE_NAMES[media_type], types=allowed,
            )
        raise Rejected(
            N_("Dateien wie „%(name)s“ sind hier nicht erlaubt. Erlaubt sind nur %(types)s."),
            name=name, types=allowed,
        )
    suffix = PurePath(filename).suffix.lower()
    if suffix and media_type in EXTENSIONS and suffix not in EXTENSIONS[media_type]:
        raise Rejected(
            N_("Der Name der Datei „%(name)s“ endet auf %(suffix)s, der Inhalt ist aber eine "
               "%(kind)s-Datei. Bitte prüfen Sie, ob Sie die richtige Datei gewählt haben."),
            name=name, suffix=suffix, kind=TYPE_NAMES.get(media_type, media_type),
        )


def _pdf_name(raw: bytes) -> bytes:
    if b"#" not in raw:
        return raw
    return re.sub(rb"#([0-9A-Fa-f]{2})", lambda m: bytes([int(m.group(1), 16)]), raw)


class _NameScanner:
    """Finds active PDF names in data fed to it piece by piece.

    Plain names are found by one regular expression; only names written with
    #xx escapes (rare in honest files) are decoded one by one.
    """

    def __init__(self) -> None:
        self.tail = b""

    def feed(self, data: bytes, final: bool = False) -> bool:
        buffer = self.tail + data
        # A match that touches the end may go on in the next piece ("/JS" of "/JSON"):
        # it is decided then, from the tail.
        match = _PDF_ACTIVE_PLAIN.search(buffer)
        if match and (final or match.end() < len(buffer)):
            return True
        for match in _PDF_ESCAPED_NAME.finditer(buffer):
            if match.end() == len(buffer) and not final:
                break
            if _pdf_name(match.group(0)[1:]) in PDF_ACTIVE_NAMES:
                return True
        self.tail = b"" if final else buffer[-_OVERLAP:]
        return False


def _search(stream: BinaryIO, pattern: re.Pattern, start: int, end: int) -> tuple[int, int] | None:
    """The first match of `pattern` in stream[start:end], as absolute offsets."""
    pos, previous = start, b""
    while pos < end:
        stream.seek(pos)
        chunk = stream.read(min(_CHUNK, end - pos))
        if not chunk:
            return None
        buffer, base = previous + chunk, pos - len(previous)
        pos += len(chunk)
        match = pattern.search(buffer)
        # A match at the very end may be incomplete ("stream\r" before its "\n"): read on.
        if match and (match.end() < len(buffer) or pos >= end):
            return base + match.start(), base + match.end()
        previous = buffer[-16:]
    return None


def _pieces(stream: BinaryIO, start: int, end: int):
    stream.seek(start)
    while start < end and (chunk := stream.read(min(_CHUNK, end - start))):
        start += len(chunk)
        yield chunk


def _inflated_has_active_names(stream: BinaryIO, start: int, end: int, budget: list[int]) -> bool:
    inflater, names = zlib.decompressobj(), _NameScanner()
    try:
        for chunk in _pieces(stream, start, end):
            data = inflater.decompress(chunk, 1024 * 1024)
            while True:
                budget[0] -= len(data)
                if budget[0] < 0:
                    raise PdfTooComplex
                if names.feed(data):
                    return True
                if inflater.eof or not inflater.unconsumed_tail:
                    break
                data = inflater.decompress(inflater.unconsumed_tail, 1024 * 1024)
            if inflater.eof:
                break
    except zlib.error:
        pass  # not FlateDecode: nothing we can unpack
    return names.feed(b"", final=True)


def _pdf_has_active_content(stream: BinaryIO) -> bool:
    """Look for active names in the PDF's objects: as written, and in its object streams.

    Stream data (page contents, images, fonts) is skipped: compressed or binary
    data contains byte sequences like "/JS" by chance, and no action lives there.
    Modern PDFs keep most objects, the catalogue with its /OpenAction among them,
    in compressed object streams (/Type /ObjStm): those are unpacked and read.
    """
    size = stream.seek(0, 2)
    scanner, budget, pos = _NameScanner(), [PDF_INFLATE_LIMIT], 0
    while pos < size:
        found = _search(stream, _PDF_STREAM, pos, size)
        raw_end = found[0] if found else size
        recent = b""
        for piece in _pieces(stream, pos, raw_end):
            if scanner.feed(piece):
                return True
            recent = (recent + piece)[-_CHUNK:]
        if scanner.feed(b"", final=True):
            return True
        if found is None:
            break
        # The stream's dictionary: from its "N 0 obj" to the keyword.
        headers = list(_PDF_OBJ.finditer(recent))
        head = recent[headers[-1].end():] if headers else recent
        names = {_pdf_name(n) for n in _PDF_NAME.findall(head)}
        length = _PDF_LENGTH.search(head)
        data_start = found[1]
        data_end = size
        if closing := _search(stream, _PDF_ENDSTREAM, data_start, size):
            data_end = closing[0]
        if length is not None:
            # Whichever ends first: what lies between is read as objects, not skipped.
            data_end = min(data_end, data_start + int(length.group(1)))
        if (b"ObjStm" in names or not headers) and _inflated_has_active_names(
                stream, data_start, data_end, budget):
            return True
        pos = max(data_end, data_start)
    return False


class PdfTooComplex(Exception):
    """The compressed streams unpack to more than PDF_INFLATE_LIMIT."""


def check_pdf(stream: BinaryIO, filename: str = "") -> None:
    """Reject PDFs that carry scripts, launch actions or embedded files."""
    try:
        active = _pdf_has_active_content(stream)
    except PdfTooComplex:
        stream.seek(0)
        raise Rejected(
            N_("Die PDF-Datei „%(name)s“ ist zu umfangreich, um sie sicher zu prüfen. Bitte "
               "speichern oder drucken Sie sie als einfaches PDF mit weniger Seiten und laden Sie "
               "es erneut hoch."),
            name=safe_display_name(filename),
        ) from None
    stream.seek(0)
    if active:
        raise Rejected(
            N_("Die PDF-Datei „%(name)s“ enthält aktive Inhalte (Skripte, Startbefehle oder "
               "eingebettete Dateien). Bitte speichern oder drucken Sie sie als einfaches PDF "
               "und laden Sie es erneut hoch."),
            name=safe_display_name(filename),
        )


def safe_display_name(filename: str | None) -> str:
    """The name to show: no path, no control characters, at most 120 characters."""
    name = PurePath((filename or "").replace("\\", "/")).name
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*').strip(" .")
    if len(name) > 120:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 110] + "…" + dot + ext) if dot and len(ext) <= 8 else name[:120]
    return name or "upload"
