"""The receipt's fonts in the PDF: Type 0 fonts over CIDFontType2 subsets, and the text
operators that show shaped glyphs with them.

A glyph's CID is its glyph id in DejaVu Sans, so a shaped line's operators are
the same in every receipt and are kept with the line; a CIDToGIDMap points each
CID at the glyph's place in the receipt's own subset.
"""

from __future__ import annotations

import struct
import unicodedata
import zlib

import pydyf

from .fonts import FontFace, GlyphSubset
from .shaping import Run

LEVEL = 3  # zlib: 6 and 9 make a receipt 5 % smaller and 10 % slower to write


def pdf_number(value: float) -> bytes:
    """A number with at most two decimals, as short as it gets."""
    text = (b"%.2f" % value).rstrip(b"0").rstrip(b".")
    return text if text not in (b"-0", b"") else b"0"


def compressed(data: bytes, extra: dict | None = None, compress: bool = True) -> pydyf.Stream:
    extra = dict(extra or {})
    if compress:
        data = zlib.compress(data, LEVEL)
        extra["Filter"] = "/FlateDecode"
    return pydyf.Stream([data], extra)


class EmbeddedFonts:
    """The subset of each face in use, and its PDF resource name."""

    def __init__(self, faces: tuple[FontFace, ...]) -> None:
        self.subsets = {face: GlyphSubset(face) for face in faces}
        self.names = {face: f"F{i}".encode() for i, face in enumerate(faces, 1)}

    def show(self, out: list[bytes], run: Run, size: float) -> None:
        """Text-showing operators for one run at the current text position."""
        subset = self.subsets[run.face]
        if run.rtl or not run.simple:
            # Whose text depends on where it stands: a mirrored bracket, a ligature, a mark.
            cids = [subset.cid_for(g, t, copy=run.rtl and _mirrored(t))
                    for g, t in zip(run.gids, run.glyph_texts(), strict=True)]
            out.append(_operators(run, cids, size))
            return
        if not subset.cids.issuperset(run.gids):
            # Left to right, one glyph per cluster: a new glyph stands for its cluster.
            clusters, text = run.clusters, run.text
            ends = clusters[1:] + [len(text)]
            for i, gid in enumerate(run.gids):
                if gid not in subset.texts:
                    subset.cid_for(gid, text[clusters[i]:ends[i]])
            subset.show(run.gids)
        if run.offsets is not None:
            out.append(_operators(run, run.gids, size))
            return
        if run.ops is None:  # the same in every receipt: kept with the shaped run
            run.ops = _operators(run, run.gids, size)
        out.append(run.ops)

    def objects(self, pdf: pydyf.PDF) -> dict[bytes, bytes]:
        """Add every used font to `pdf`; returns resource name -> reference."""
        resources = {}
        for face, subset in self.subsets.items():
            if not subset.cids:
                continue  # the face was never used
            resources[self.names[face]] = _font(pdf, face, subset)
        return resources


def _mirrored(text: str) -> bool:
    return len(text) == 1 and unicodedata.mirrored(text) == 1


def _operators(run: Run, cids: list[int], size: float) -> bytes:
    """Tj or TJ for the run's glyphs under `cids`; TJ where HarfBuzz kerned, and a glyph
    that GPOS moved off its pen position (a combining mark) placed on its own."""
    face = run.face
    defaults = face.advances
    scale = 1000 / face.units_per_em  # TJ moves by thousandths of the font size
    if run.offsets is not None:
        parts = []
        for cid, gid, advance, (dx, dy) in zip(cids, run.gids, run.advances, run.offsets,
                                               strict=True):
            shown = (b"[" + pdf_number(-dx * scale) + b"<" + _hex([cid]) + b">"
                     + pdf_number((defaults[gid] - advance + dx) * scale) + b"]TJ")
            if dy:
                shown = pdf_number(dy * size / face.units_per_em) + b" Ts " + shown + b" 0 Ts"
            parts.append(shown)
        return b"\n".join(parts)
    diffs = [defaults[g] - a for g, a in zip(run.gids, run.advances, strict=True)]
    if not any(diffs):
        return b"<" + _hex(cids) + b">Tj"
    parts, start = [], 0
    for i in [i for i, d in enumerate(diffs) if d]:
        parts.append(b"<" + _hex(cids[start:i + 1]) + b">" + pdf_number(diffs[i] * scale))
        start = i + 1
    if start < len(cids):
        parts.append(b"<" + _hex(cids[start:]) + b">")
    return b"[" + b"".join(parts) + b"]TJ"


def _hex(cids: list[int]) -> bytes:
    return struct.pack(f">{len(cids)}H", *cids).hex().encode()


def _font(pdf: pydyf.PDF, face: FontFace, subset: GlyphSubset) -> bytes:
    name = f"/{subset.tag()}+{face.postscript_name}"
    program = subset.font_program()
    file = compressed(program, {"Length1": len(program)})
    pdf.add_object(file)
    scale = 1000 / face.units_per_em
    descriptor = pydyf.Dictionary({
        "Type": "/FontDescriptor",
        "FontName": name,
        "Flags": 4,  # symbolic: the glyphs are addressed by CID, not by a standard encoding
        "FontBBox": pydyf.Array([round(v * scale) for v in face.bbox]),
        "ItalicAngle": face.italic_angle,
        "Ascent": round(face.ascent * scale),
        "Descent": round(face.descent * scale),
        "CapHeight": round(face.cap_height * scale),
        "StemV": 80,
        "FontFile2": file.reference,
    })
    pdf.add_object(descriptor)
    widths = _widths(subset.widths())
    cid_to_gid = compressed(subset.cid_to_gid_map())
    pdf.add_object(cid_to_gid)
    cid_font = pydyf.Dictionary({
        "Type": "/Font",
        "Subtype": "/CIDFontType2",
        "BaseFont": name,
        "CIDSystemInfo": pydyf.Dictionary({
            "Registry": pydyf.String("Adobe"), "Ordering": pydyf.String("Identity"),
            "Supplement": 0}),
        "FontDescriptor": descriptor.reference,
        "W": widths,
        "CIDToGIDMap": cid_to_gid.reference,
    })
    pdf.add_object(cid_font)
    to_unicode = compressed(_cmap(subset.texts))
    pdf.add_object(to_unicode)
    font = pydyf.Dictionary({
        "Type": "/Font",
        "Subtype": "/Type0",
        "BaseFont": name,
        "Encoding": "/Identity-H",
        "DescendantFonts": pydyf.Array([cid_font.reference]),
        "ToUnicode": to_unicode.reference,
    })
    pdf.add_object(font)
    return font.reference


def _widths(widths: list[tuple[int, float]]) -> bytes:
    """The /W array: each stretch of consecutive CIDs as `first [w w ...]`."""
    parts: list[bytes] = []
    following = None
    for cid, width in widths:
        if cid != following:
            parts.append((b"] " if parts else b"") + b"%d [" % cid)
        else:
            parts.append(b" ")
        parts.append(pdf_number(width))
        following = cid + 1
    return b"[" + b"".join(parts) + (b"]" if parts else b"") + b"]"


def _cmap(texts: dict[int, str]) -> bytes:
    """A ToUnicode CMap (Adobe technical note 5411) mapping each CID to its text."""
    entries = [b"<%04x> <%s>" % (cid, text.encode("utf-16-be").hex().encode())
               for cid, text in sorted(texts.items())]
    blocks = [b"%d beginbfchar\n" % len(entries[i:i + 100]) + b"\n".join(entries[i:i + 100])
              + b"\nendbfchar" for i in range(0, len(entries), 100)]
    return b"\n".join([
        b"/CIDInit /ProcSet findresource begin",
        b"12 dict begin",
        b"begincmap",
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def",
        b"/CMapName /Adobe-Identity-UCS def",
        b"/CMapType 2 def",
        b"1 begincodespacerange",
        b"<0000> <ffff>",
        b"endcodespacerange",
        *blocks,
        b"endcmap",
        b"CMapName currentdict /CMap defineresource pop",
        b"end",
        b"end",
    ])


