"""The receipt's font: DejaVu Sans from the operating system, read once, subset per receipt.

The font is the one thing the receipt takes from the operating system: no
package on PyPI ships one family covering Latin, Cyrillic and Arabic (Noto
splits them into families, which would need a fallback per script). A missing
font is reported at start-up (`missing_font`: /health/ready, the log, `amtsweg
run` and `amtsweg worker`), never at a citizen's submit: the submission is kept
and its receipt made once the font is there.

DejaVu Sans covers every language the platform speaks (Latin with German and
Turkish letters, Cyrillic, Arabic with its joining forms) in one family, so a
receipt never needs a fallback font. fontTools reads the font once per process;
the per-receipt subset is then assembled from the raw TrueType tables, because
a general-purpose subsetter takes longer than rendering the whole receipt.
"""

from __future__ import annotations

import hashlib
import os
import struct
import sys
from array import array
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import uharfbuzz as hb
from fontTools.ttLib import TTFont

#: Where the Debian package fonts-dejavu-core puts the fonts; AMTSWEG_FONT_DIR overrides it.
DEFAULT_FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
FILES = {"regular": "DejaVuSans.ttf", "bold": "DejaVuSans-Bold.ttf"}
#: Copied unchanged into every subset, beside the tables a CIDFontType2 program needs (ISO
#: 32000-1, 9.9). The hinting programs are left out: a receipt is read zoomed and printed,
#: where hinting does nothing, and the glyphs' instructions were half of the font's bytes.
_COPIED = ("OS/2",)

# Composite glyph flags (OpenType 'glyf' table).
_ARGS_ARE_WORDS = 0x0001
_HAVE_SCALE = 0x0008
_MORE_COMPONENTS = 0x0020
_HAVE_XY_SCALE = 0x0040
_HAVE_2X2 = 0x0080
_HAVE_INSTRUCTIONS = 0x0100


class FontMissing(RuntimeError):
    """The receipt font is not installed where the platform looks for it."""


def font_dir() -> Path:
    return Path(os.environ.get("AMTSWEG_FONT_DIR") or DEFAULT_FONT_DIR)


def font_path(style: str) -> Path:
    path = font_dir() / FILES[style]
    if not path.is_file():
        raise FontMissing(
            f"The receipt font {path} is missing. Install the Debian package fonts-dejavu-core "
            "(apt-get install fonts-dejavu-core) or point AMTSWEG_FONT_DIR at a directory "
            f"holding {FILES['regular']} and {FILES['bold']}."
        )
    return path


def missing_font() -> str | None:
    """What to install when a receipt font is missing, or None when both are there."""
    try:
        for style in FILES:
            font_path(style)
    except FontMissing as missing:
        return str(missing)
    return None


@dataclass(eq=False)
class FontFace:
    """A TrueType font: metrics for the PDF, raw tables for subsets, a HarfBuzz font to shape."""

    path: Path
    postscript_name: str
    units_per_em: int
    ascent: int
    descent: int
    cap_height: int
    bbox: tuple[int, int, int, int]
    italic_angle: float
    advances: list[int]
    side_bearings: list[int]
    tables: dict[str, bytes]
    loca: list[int]
    hb_font: hb.Font = field(repr=False)

    _outlines: dict[int, bytes | None] = field(default_factory=dict, init=False, repr=False)

    def glyph(self, gid: int) -> bytes:
        return self.tables["glyf"][self.loca[gid]:self.loca[gid + 1]]

    def outline(self, gid: int) -> bytes | None:
        """A simple glyph without its instructions, padded to 4 bytes (kept: every subset
        needs the same); None for a composite glyph, whose parts each subset renumbers."""
        if gid not in self._outlines:
            data = self.glyph(gid)
            contours = struct.unpack_from(">h", data)[0] if len(data) >= 10 else 0
            if contours < 0:
                self._outlines[gid] = None
            else:
                if data:
                    at = 10 + 2 * contours
                    length = struct.unpack_from(">H", data, at)[0]
                    data = data[:at] + b"\0\0" + data[at + 2 + length:]
                self._outlines[gid] = data + b"\0" * (-len(data) % 4)
        return self._outlines[gid]

    def scale(self, units: float) -> float:
        """Font units in thousandths of the font size, as PDF widths are given."""
        return units * 1000 / self.units_per_em


@cache
def load_face(style: str) -> FontFace:
    """The font of `style` ("regular" or "bold"), read once per process."""
    path = font_path(style)
    data = path.read_bytes()
    font = TTFont(path, lazy=True)
    order = font.getGlyphOrder()
    hmtx = font["hmtx"].metrics
    head, hhea, os2 = font["head"], font["hhea"], font["OS/2"]
    tables = {tag: font.reader[tag] for tag in ("head", "hhea", "maxp", "glyf", "post", *_COPIED)
              if tag in font.reader}
    face = FontFace(
        path=path,
        postscript_name=font["name"].getDebugName(6) or path.stem,
        units_per_em=head.unitsPerEm,
        ascent=hhea.ascent,
        descent=hhea.descent,
        cap_height=getattr(os2, "sCapHeight", 0) or int(hhea.ascent * 0.7),
        bbox=(head.xMin, head.yMin, head.xMax, head.yMax),
        italic_angle=float(font["post"].italicAngle),
        advances=[hmtx[name][0] for name in order],
        side_bearings=[hmtx[name][1] for name in order],
        tables=tables,
        loca=list(font["loca"]),
        hb_font=hb.Font(hb.Face(hb.Blob(data))),
    )
    font.close()
    return face


class GlyphSubset:
    """The glyphs one receipt uses, and the text each stands for.

    A glyph's CID is its glyph id in the font, so a line's text operators do not
    depend on the receipt and can be kept with its shaped text. The subset font
    numbers the glyphs anew, as they first appear; the CIDToGIDMap translates.
    """

    def __init__(self, face: FontFace) -> None:
        self.face = face
        self.originals: list[int] = [0]  # glyph id in the subset -> glyph id in the font
        self.new_ids: dict[int, int] = {0: 0}
        #: CID -> the text it stands for, for the ToUnicode map.
        self.texts: dict[int, str] = {}
        #: (glyph id, text) -> CID of a copy: a glyph standing for a second text.
        self.copies: dict[tuple[int, str], int] = {}
        self.copy_of: dict[int, int] = {}  # CID of a copy -> glyph id
        self.cids: set[int] = set()  # every CID shown

    def use(self, gid: int) -> int:
        """The glyph's id in the subset, numbered on first use."""
        new = self.new_ids.get(gid)
        if new is None:
            new = self.new_ids[gid] = len(self.originals)
            self.originals.append(gid)
        return new

    def show(self, gids: list[int]) -> None:
        """Glyphs shown under their own CIDs."""
        if not self.cids.issuperset(gids):
            for gid in gids:
                self.use(gid)
            self.cids.update(gids)

    def cid_for(self, gid: int, text: str, copy: bool = False) -> int:
        """The CID of a glyph standing for `text`: the glyph id, or (when the glyph already
        stands for another text, or `copy` asks for it) the CID of a copy of the glyph,
        because a ToUnicode map gives each CID one text."""
        known = self.texts.get(gid)
        if not copy and (known is None or known == text):
            self.show([gid])
            if text and known is None:
                self.texts[gid] = text
            return gid
        key = (gid, text)
        cid = self.copies.get(key)
        if cid is None:
            cid = self.copies[key] = len(self.face.advances) + len(self.copies)
            self.copy_of[cid] = gid
            self.use(gid)
            self.cids.add(cid)
            if text:
                self.texts[cid] = text
        return cid

    def widths(self) -> list[tuple[int, float]]:
        """(CID, advance width in PDF units) for every CID shown, in CID order."""
        scale = 1000 / self.face.units_per_em
        advances = self.face.advances
        return [(cid, round(advances[self.copy_of.get(cid, cid)] * scale, 3))
                for cid in sorted(self.cids)]

    def cid_to_gid_map(self) -> bytes:
        """The CIDToGIDMap stream: for each CID up to the highest, its glyph in the subset."""
        table = array("H", bytes(2 * (max(self.cids, default=0) + 1)))
        for cid in self.cids:
            table[cid] = self.new_ids[self.copy_of.get(cid, cid)]
        return _big_endian(table).tobytes()

    def tag(self) -> str:
        """The six capital letters a subset font's name starts with (ISO 32000-1, 9.6.4)."""
        digest = hashlib.sha256(array("H", self.originals).tobytes()).digest()
        return "".join(chr(65 + b % 26) for b in digest[:6])

    def font_program(self) -> bytes:
        """A TrueType font with exactly the used glyphs (and the parts of composite glyphs)."""
        face = self.face
        glyphs = []
        i = 0
        while i < len(self.originals):  # components get numbers too, so the list can grow
            data = face.outline(self.originals[i])
            if data is None:
                data = self._renumber_components(face.glyph(self.originals[i]))
                data += b"\0" * (-len(data) % 4)
            glyphs.append(data)
            i += 1
        offsets = array("I", [0])
        for data in glyphs:
            offsets.append(offsets[-1] + len(data))
        count = len(self.originals)
        hmtx = struct.pack(
            ">" + "Hh" * count,
            *(v for g in self.originals for v in (face.advances[g], face.side_bearings[g])),
        )
        head = bytearray(face.tables["head"])
        head[8:12] = b"\0\0\0\0"  # checkSumAdjustment, set below
        head[50:52] = struct.pack(">h", 1)  # long loca offsets
        hhea = bytearray(face.tables["hhea"])
        hhea[34:36] = struct.pack(">H", count)
        maxp = bytearray(face.tables["maxp"])
        maxp[4:6] = struct.pack(">H", count)
        post = bytearray(face.tables["post"][:32])
        post[0:4] = struct.pack(">I", 0x00030000)  # format 3: no glyph names
        tables = {
            "glyf": b"".join(glyphs),
            "head": bytes(head),
            "hhea": bytes(hhea),
            "hmtx": hmtx,
            "loca": _big_endian(offsets).tobytes(),
            "maxp": bytes(maxp),
            "post": bytes(post),
        }
        tables.update({t: face.tables[t] for t in _COPIED if t in face.tables})
        return _sfnt(tables)

    def _renumber_components(self, data: bytes) -> bytes:
        """A composite glyph with its components' new numbers and without instructions."""
        out = bytearray(data)
        pos = 10
        while True:
            flags, gid = struct.unpack_from(">HH", out, pos)
            struct.pack_into(">HH", out, pos, flags & ~_HAVE_INSTRUCTIONS, self.use(gid))
            pos += 4 + (4 if flags & _ARGS_ARE_WORDS else 2)
            if flags & _HAVE_SCALE:
                pos += 2
            elif flags & _HAVE_XY_SCALE:
                pos += 4
            elif flags & _HAVE_2X2:
                pos += 8
            if not flags & _MORE_COMPONENTS:
                return bytes(out[:pos])


def _big_endian(words: array) -> array:
    if sys.byteorder == "little":
        words.byteswap()
    return words


def _checksum(data: bytes) -> int:
    return sum(_big_endian(array("I", data + b"\0" * (-len(data) % 4)))) & 0xFFFFFFFF


@cache
def _checksum_of_copy(data: bytes) -> int:
    """Checksums of the tables every subset copies unchanged, computed once."""
    return _checksum(data)


def _sfnt(tables: dict[str, bytes]) -> bytes:
    """Assemble an sfnt file: offset table, table records sorted by tag, 4-byte aligned tables."""
    tags = sorted(tables)
    count = len(tags)
    power = 1 << (count.bit_length() - 1)
    header = struct.pack(">IHHHH", 0x00010000, count, power * 16, power.bit_length() - 1,
                         count * 16 - power * 16)
    offset = 12 + 16 * count
    records, body, total = [], [], 0
    for tag in tags:
        data = tables[tag]
        checksum = _checksum_of_copy(data) if tag in _COPIED else _checksum(data)
        total += checksum
        records.append(struct.pack(">4sIII", tag.encode("latin-1"), checksum, offset, len(data)))
        padded = data + b"\0" * (-len(data) % 4)
        body.append(padded)
        offset += len(padded)
    directory = header + b"".join(records)
    font = bytearray(directory + b"".join(body))
    # The checksum of the whole file is that of the directory plus those of the tables.
    adjustment = (0xB1B0AFBA - _checksum(directory) - total) & 0xFFFFFFFF
    head_offset = struct.unpack_from(">I", font, 12 + 16 * tags.index("head") + 8)[0]
    struct.pack_into(">I", font, head_offset + 8, adjustment)
    return bytes(font)
