"""Active content in PDFs, found by parsing them (pikepdf, i.e. qpdf), and removed on request.

A PDF can run a script when it is opened or a page is shown, start a program,
send form data away, open other files or carry files of its own. A caseworker
opens every attachment, so none of that may reach them. A byte scan cannot
decide it (object streams, filters, predictors and name escapes hide any
name); qpdf reads the file as a viewer does: it resolves the cross-reference
table or stream, unpacks object streams through every standard filter and
predictor and decodes `#xx` name escapes.

`find_active` then looks at every object of the file, not only those reachable
from the catalogue, and inside each at every direct dictionary and array:

- actions whose `/S` is JavaScript, Launch, SubmitForm, ImportData, GoToR,
  GoToE, Rendition or RichMediaExecute, wherever they hang (`/OpenAction`,
  `/AA` of the catalogue, pages and fields, annotation `/A`, `/Next` chains,
  the `/JavaScript` name tree), and `/URI` actions with a `javascript:` or
  `file:` address;
- the keys that carry scripts or files: `/JS`, `/JavaScript` (name tree),
  `/EmbeddedFiles` (name tree), `/EF` (a file specification's embedded file),
  `/AF` (associated files), `/XFA` (XML forms, which carry their own scripts),
  `/OnInstantiate` (3D scripts);
- annotations that play or carry content: RichMedia, 3D, Screen, Movie, Sound
  and FileAttachment, and `/Type /EmbeddedFile` streams.

Plain links (`/URI` to http, https or mailto, `/GoTo` inside the document) and
forms without scripts are not active. `remove_active` deletes exactly what
`find_active` reports, in place; the caller saves the copy and checks it again.

A file qpdf cannot open, one that needs a password, and a damaged file that
holds object streams (its cross-reference table had to be rebuilt, and which
object a viewer would take from which stream cannot be decided) is `Unreadable`.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from os import PathLike
from typing import BinaryIO

import pikepdf
from pikepdf import Array, Dictionary, Name, Stream

CHUNK = 64 * 1024

#: What a finding is called; checks.py says each in words.
JAVASCRIPT = "javascript"
LAUNCH = "launch"
EMBEDDED_FILE = "embedded_file"
RICH_MEDIA = "rich_media"
XFA = "xfa"
FORM_ACTION = "form_action"
REMOTE = "remote"

#: Action types (`/S`) that run something, send something or open something outside.
ACTIVE_ACTIONS = {
    "/JavaScript": JAVASCRIPT,
    "/Launch": LAUNCH,
    "/SubmitForm": FORM_ACTION,
    "/ImportData": FORM_ACTION,
    "/GoToR": REMOTE,
    "/GoToE": EMBEDDED_FILE,
    "/Rendition": RICH_MEDIA,
    "/RichMediaExecute": RICH_MEDIA,
    "/Movie": RICH_MEDIA,
    "/Sound": RICH_MEDIA,
}
#: Annotation subtypes that play media, run 3D scripts or carry files.
ACTIVE_ANNOTATIONS = {
    "/RichMedia": RICH_MEDIA,
    "/3D": RICH_MEDIA,
    "/Screen": RICH_MEDIA,
    "/Movie": RICH_MEDIA,
    "/Sound": RICH_MEDIA,
    "/FileAttachment": EMBEDDED_FILE,
}
#: Dictionary keys whose value is a script, a set of files or an XML form, wherever they are.
ACTIVE_KEYS = {
    "/JS": JAVASCRIPT,
    "/JavaScript": JAVASCRIPT,
    "/OnInstantiate": JAVASCRIPT,
    "/EmbeddedFiles": EMBEDDED_FILE,
    "/EF": EMBEDDED_FILE,
    "/RF": EMBEDDED_FILE,
    "/AF": EMBEDDED_FILE,
    "/XFA": XFA,
}
#: URI schemes that run a script or reach into the caseworker's network when clicked.
ACTIVE_URI_SCHEMES = {"javascript": JAVASCRIPT, "vbscript": JAVASCRIPT, "file": REMOTE}


class Unreadable(Exception):
    """qpdf cannot open the file, or it is too damaged to judge."""


class NeedsPassword(Unreadable):
    """The file is encrypted with a password that a viewer would ask for."""


def open_pdf(source: str | PathLike | BinaryIO) -> pikepdf.Pdf:
    """Open a PDF for checking; raise Unreadable when it cannot be judged.

    A file whose cross-reference table is broken is opened by rebuilding it, as
    viewers do, unless it holds object streams: then the objects qpdf finds are
    not necessarily those another viewer would use.
    """
    try:
        return pikepdf.open(source, attempt_recovery=False)
    except pikepdf.PasswordError as error:
        raise NeedsPassword("the PDF needs a password") from error
    except pikepdf.PdfError:
        if not isinstance(source, str | PathLike):
            source.seek(0)
    try:
        pdf = pikepdf.open(source)
    except pikepdf.PasswordError as error:
        raise NeedsPassword("the PDF needs a password") from error
    except pikepdf.PdfError as error:
        raise Unreadable(f"qpdf cannot read the PDF: {error}") from error
    try:
        damaged_with_object_streams = any(_is_object_stream(obj) for obj in pdf.objects)
    except pikepdf.PdfError as error:
        pdf.close()
        raise Unreadable(f"qpdf cannot read the PDF: {error}") from error
    if damaged_with_object_streams:
        pdf.close()
        raise Unreadable("a damaged PDF with object streams")
    return pdf


def find_active(pdf: pikepdf.Pdf) -> set[str]:
    """The kinds of active content in the PDF (empty for a harmless one)."""
    return _walk(pdf, remove=False)


def remove_active(pdf: pikepdf.Pdf) -> set[str]:
    """Delete every active part from the open PDF; returns the kinds that were removed."""
    return _walk(pdf, remove=True)


def sanitise(source: BinaryIO, out: BinaryIO) -> None:
    """Write `source` without its active parts to `out` (a transform for Storage.rewrite)."""
    with open_pdf(source) as pdf, tempfile.TemporaryFile() as cleaned:
        remove_active(pdf)
        try:
            pdf.save(cleaned)  # qpdf writes to a seekable file; `out` may only take writes
        except pikepdf.PdfError as error:
            raise Unreadable(f"qpdf cannot write the cleaned copy: {error}") from error
        cleaned.seek(0)
        while chunk := cleaned.read(CHUNK):
            out.write(chunk)


# -- the walk ---------------------------------------------------------------------------


def _is_object_stream(obj: object) -> bool:
    return isinstance(obj, Stream) and "/N" in obj and "/First" in obj


def _kind_of(obj: object) -> str | None:
    """The kind, if this dictionary is itself active: an action, an annotation, a file."""
    if not isinstance(obj, Dictionary | Stream):
        return None
    action = obj.get("/S")
    if isinstance(action, Name) and str(action) in ACTIVE_ACTIONS:
        return ACTIVE_ACTIONS[str(action)]
    if action == Name.URI:
        address = obj.get("/URI")
        if isinstance(address, pikepdf.String):
            scheme = bytes(address).split(b":", 1)[0].strip().lower()
            if b":" in bytes(address):
                return ACTIVE_URI_SCHEMES.get(scheme.decode("latin-1"))
    subtype = obj.get("/Subtype")
    if isinstance(subtype, Name) and str(subtype) in ACTIVE_ANNOTATIONS:
        return ACTIVE_ANNOTATIONS[str(subtype)]
    if obj.get("/Type") == Name.EmbeddedFile:
        return EMBEDDED_FILE
    return None


def _containers(root: object) -> Iterator[Dictionary | Array | Stream]:
    """`root` and every dictionary and array written inside it (not behind references).

    Indirect objects are not followed: each is visited as one of the file's objects.
    An explicit stack, so a deeply nested file cannot exhaust Python's recursion.
    """
    stack = [root]
    while stack:
        current = stack.pop()
        yield current
        children = current.values() if isinstance(current, Dictionary | Stream) else current
        stack.extend(child for child in children
                     if isinstance(child, Dictionary | Array | Stream) and not child.is_indirect)


def _walk(pdf: pikepdf.Pdf, remove: bool) -> set[str]:
    found: set[str] = set()
    roots = [pdf.trailer, *pdf.objects]
    for root in roots:
        if not isinstance(root, Dictionary | Array | Stream):
            continue
        if root.is_indirect and (kind := _kind_of(root)):
            found.add(kind)  # once no longer referenced, it is not written to the cleaned copy
        for container in list(_containers(root)):
            found |= _clean(container, remove)
    return found


def _clean(container: Dictionary | Array | Stream, remove: bool) -> set[str]:
    """The active entries of one dictionary or array; deleted from it when `remove`."""
    found: set[str] = set()
    if isinstance(container, Array):
        for index in reversed(range(len(container))):
            if kind := _kind_of(container[index]):
                found.add(kind)
                if remove:
                    del container[index]
        return found
    for key in list(container.keys()):
        kind = ACTIVE_KEYS.get(key) or _kind_of(container[key])
        if kind:
            found.add(kind)
            if remove:
                del container[key]
    return found
