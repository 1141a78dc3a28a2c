"""What a file really is, judged by its content, and whether a field accepts it.

Every refusal is a `Rejected`: an engine `Invalid` whose German source message
names the file and says what is allowed (types in words, sizes in MB), so the
step can come back with a sentence the citizen can act on.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterable
from os import PathLike
from pathlib import PurePath
from typing import BinaryIO

import magic
import pikepdf
from babel.lists import format_list
from PIL import Image

from ..engine import Invalid
from ..engine.messages import N_, translate
from . import pdfs

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
class TypeList(tuple):
    """Media types that a message lists in words, in the citizen's language ("PDF, JPEG or PNG")."""


class Phrases(tuple):
    """Messages (German source) that a message lists, each translated ("JavaScript und …")."""


class Rejected(Invalid):
    """An upload that is refused, with a message that names the file and says what is allowed."""

    def message(self, language: str) -> str:
        params = {key: self._words(value, language) for key, value in self.params.items()}
        return Invalid(self.message_id, **params).message(language)

    @staticmethod
    def _words(value: object, language: str) -> object:
        if isinstance(value, TypeList):
            return format_list(describe_types(value), style="or", locale=language)
        if isinstance(value, Phrases):
            return format_list([translate(p, language) for p in value], locale=language)
        return value


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


#: What pdfs.find_active reports, in the citizen's words.
ACTIVE_CONTENT_WORDS = {
    pdfs.JAVASCRIPT: N_("JavaScript"),
    pdfs.LAUNCH: N_("Befehle, die ein Programm starten"),
    pdfs.EMBEDDED_FILE: N_("eingebettete Dateien"),
    pdfs.RICH_MEDIA: N_("Multimedia-Inhalte"),
    pdfs.XFA: N_("ein XFA-Formular mit eigenen Skripten"),
    pdfs.FORM_ACTION: N_("Formularbefehle, die Daten senden oder laden"),
    pdfs.REMOTE: N_("Verweise, die andere Dateien öffnen"),
}
#: PDF handling a form field may choose (`pdf_active_content` in the definition).
PDF_REFUSE, PDF_REMOVE = "refuse", "remove"


def check_pdf(source: str | PathLike | BinaryIO, filename: str = "",
              active_content: str = PDF_REFUSE) -> bool:
    """Parse the PDF and judge its active content (see pdfs.py).

    With PDF_REFUSE, a PDF with active content is Rejected, naming what was found.
    With PDF_REMOVE, returns True when there is something to remove (pdfs.sanitise).
    A PDF that cannot be parsed, or needs a password, is Rejected either way.
    """
    name = safe_display_name(filename)
    try:
        with pdfs.open_pdf(source) as pdf:
            found = pdfs.find_active(pdf)
    except pdfs.NeedsPassword:
        raise Rejected(
            N_("Die PDF-Datei „%(name)s“ ist mit einem Passwort geschützt und kann deshalb nicht "
               "geprüft werden. Bitte laden Sie sie ohne Passwortschutz hoch."),
            name=name,
        ) from None
    except (pdfs.Unreadable, pikepdf.PdfError):
        raise damaged_pdf(filename) from None
    finally:
        if not isinstance(source, str | PathLike):
            source.seek(0)
    if found and active_content != PDF_REMOVE:
        raise Rejected(
            N_("Die PDF-Datei „%(name)s“ enthält ausführbare Inhalte (%(found)s) und kann deshalb "
               "nicht angenommen werden. Bitte drucken Sie sie als neues PDF („Drucken“, dann "
               "„Als PDF speichern“) und laden Sie dieses hoch."),
            name=name,
            found=Phrases(ACTIVE_CONTENT_WORDS[kind] for kind in sorted(found)),
        )
    return bool(found)


def damaged_pdf(filename: str) -> Rejected:
    return Rejected(
        N_("Die PDF-Datei „%(name)s“ ist beschädigt und kann nicht geprüft werden. Bitte "
           "speichern oder drucken Sie sie neu als PDF und laden Sie sie erneut hoch."),
        name=safe_display_name(filename),
    )


def check_image(source: str | PathLike | BinaryIO, media_type: str, filename: str,
                max_pixels: int) -> None:
    """Refuse pictures with more than `max_pixels` pixels, and those Pillow cannot read.

    Only the header is read (Image.open decodes nothing): a 30000 × 30000 PNG of
    a few hundred KB, which would take 2.7 GB to show, is refused without being unpacked.
    """
    name = safe_display_name(filename)
    Image.init()
    if media_type not in Image.MIME.values():
        raise Rejected(
            N_("Bilder im Format %(kind)s können hier nicht geprüft und deshalb nicht angenommen "
               "werden. Bitte speichern Sie „%(name)s“ als JPEG oder PNG und laden Sie es erneut "
               "hoch."),
            name=name, kind=TYPE_NAMES.get(media_type, media_type.split("/")[-1].upper()),
        )
    too_large = Rejected(
        N_("Das Bild „%(name)s“ hat zu viele Bildpunkte: Erlaubt sind höchstens %(max)s "
           "Megapixel. Bitte verkleinern Sie es und laden Sie es erneut hoch."),
        name=name, max=max_pixels / 1_000_000,
    )
    try:
        with warnings.catch_warnings():
            # Pillow warns above its own limit; ours is the one that counts.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(source) as image:
                width, height = image.size
    except Image.DecompressionBombError:
        raise too_large from None
    except (OSError, SyntaxError, ValueError, EOFError):
        raise Rejected(
            N_("Das Bild „%(name)s“ ist beschädigt oder unvollständig. Bitte wählen Sie "
               "eine andere Datei."),
            name=name,
        ) from None
    finally:
        if not isinstance(source, str | PathLike):
            source.seek(0)
    if width * height > max_pixels:
        raise too_large


def safe_display_name(filename: str | None) -> str:
    """The name to show: no path, no control characters, at most 120 characters."""
    name = PurePath((filename or "").replace("\\", "/")).name
    name = "".join(ch for ch in name if ch.isprintable() and ch not in '<>:"|?*').strip(" .")
    if len(name) > 120:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 110] + "…" + dot + ext) if dot and len(ext) <= 8 else name[:120]
    return name or "upload"
