"""Text to positioned glyphs: HarfBuzz shapes, the Unicode bidi algorithm orders, lines wrap.

Arabic needs both: HarfBuzz picks the joining forms and ligatures of a
right-to-left run; the bidi algorithm (python-bidi) decides which runs are
right-to-left and in which order the runs of a line appear. Lines are broken
in logical order first and reordered afterwards, as the algorithm prescribes.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass

import uharfbuzz as hb
from bidi import algorithm as uba

from .fonts import FontFace

#: Right-to-left letters (Hebrew, Arabic, Syriac, Thaana, NKo, presentation forms) and the
#: right-to-left marks and embeddings: text without any of them is left to right throughout.
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc\u200f\u202b\u202e\u2067]")
#: Only text with characters beyond Latin can carry marks that GPOS moves off the baseline.
_MAY_HAVE_MARKS = re.compile("[^\u0000-\u02ff]")
_FEATURES: dict[str, bool] = {}


@dataclass(slots=True)
class Run:
    """Glyphs of one direction, in visual order; advances and offsets in font units."""

    face: FontFace
    text: str
    gids: list[int]
    clusters: list[int]  # offset in `text` of the cluster each glyph belongs to
    advances: list[int]
    offsets: list[tuple[int, int]] | None  # (x, y) per glyph; None when all are zero
    width: int
    rtl: bool
    simple: bool  # one glyph per cluster: each glyph's text is its cluster's
    ops: bytes | None = None  # its PDF text operators, kept here by embedded_fonts.py

    def glyph_texts(self) -> list[str]:
        """The text each glyph stands for, in the order text extraction reads a page.

        Extractors read glyphs left to right and reverse right-to-left stretches,
        so the characters of a right-to-left cluster are handed out in visual
        order too. A cluster of as many glyphs as characters (a letter and its
        vowel mark) gives each glyph its own character; a ligature (lam-alef)
        stands for all of its characters; the rest of a cluster drawn with more
        glyphs than characters gets "" (see also _share).
        """
        starts = sorted(set(self.clusters))
        ends = dict(zip(starts, starts[1:] + [len(self.text)], strict=True))
        members: dict[int, list[int]] = {}
        for i, cluster in enumerate(self.clusters):
            members.setdefault(cluster, []).append(i)
        texts = [""] * len(self.gids)
        for cluster, glyphs in members.items():
            text = self.text[cluster:ends[cluster]]
            if self.rtl:
                text = text[::-1]
            if len(glyphs) == 1:
                texts[glyphs[0]] = text
            elif len(glyphs) == len(text):
                for i, ch in zip(glyphs, text, strict=True):
                    texts[i] = ch
            else:
                self._share(glyphs, text, texts)
        return texts

    def _share(self, glyphs: list[int], text: str, texts: list[str]) -> None:
        """A cluster of more characters than glyphs and more than one glyph (lam-alef with
        a vowel mark): a glyph that is a character's own glyph takes that character, the
        first other glyph in logical order takes the rest."""
        rest = list(text)
        others = []
        for i in glyphs:
            own = next((ch for ch in rest
                        if self.face.hb_font.get_nominal_glyph(ord(ch)) == self.gids[i]), None)
            if own is None:
                others.append(i)
            else:
                texts[i] = own
                rest.remove(own)
        if others:
            texts[others[-1] if self.rtl else others[0]] = "".join(rest)


@dataclass(slots=True)
class Line:
    runs: list[Run]
    width: float  # points

    @property
    def text(self) -> str:
        """The line's text in visual order (for tests and debugging)."""
        return "".join(t for run in self.runs for t in run.glyph_texts())


def shape(face: FontFace, text: str, rtl: bool = False) -> Run:
    """One run of text in one direction."""
    buf = hb.Buffer()
    buf.add_codepoints(list(map(ord, text)))
    buf.direction = "rtl" if rtl else "ltr"
    buf.guess_segment_properties()
    hb.shape(face.hb_font, buf, _FEATURES)
    infos, positions = buf.glyph_infos, buf.glyph_positions
    advances = [p.x_advance for p in positions]
    offsets = None
    if _MAY_HAVE_MARKS.search(text) and any(p.x_offset or p.y_offset for p in positions):
        offsets = [(p.x_offset, p.y_offset) for p in positions]
    clusters = [i.cluster for i in infos]
    return Run(face, text, [i.codepoint for i in infos], clusters, advances, offsets,
               sum(advances), rtl, len(set(clusters)) == len(clusters))


def _levels(text: str, rtl: bool) -> list[int]:
    """The resolved embedding level of every character (rules P2 to I2 of UAX #9)."""
    storage = uba.get_empty_storage()
    storage["base_level"] = 1 if rtl else 0
    storage["base_dir"] = "R" if rtl else "L"
    uba.get_embedding_levels(text, storage)
    uba.explicit_embed_and_overrides(storage)
    uba.resolve_weak_types(storage)
    uba.resolve_neutral_types(storage, False)
    uba.resolve_implicit_levels(storage, False)
    return [ch["level"] for ch in storage["chars"]]


def _level_runs(levels: list[int], start: int, end: int) -> list[tuple[int, int, int]]:
    """(start, end, level) of each stretch of equal level within [start, end)."""
    runs = []
    i = start
    while i < end:
        j = i + 1
        while j < end and levels[j] == levels[i]:
            j += 1
        runs.append((i, j, levels[i]))
        i = j
    return runs


def _visual_order(runs: list, levels: list[int]) -> list:
    """Rule L2 on whole runs: reverse every sequence at level k or above, highest k first."""
    if len(runs) < 2:
        return runs
    order = list(range(len(runs)))
    lowest_odd = min(level for level in levels) | 1
    for k in range(max(levels), lowest_odd - 1, -1):
        i = 0
        while i < len(order):
            if levels[order[i]] >= k:
                j = i
                while j < len(order) and levels[order[j]] >= k:
                    j += 1
                order[i:j] = order[i:j][::-1]
                i = j
            else:
                i += 1
    return [runs[i] for i in order]


def first_strong_is_rtl(text: str) -> bool:
    """Rules P2 and P3 of UAX #9: the direction of the first strong character, else LTR.

    For what citizens typed (and codes, numbers, dates): a phone number in an
    Arabic receipt stays "030 1234567", an Arabic name in a German one reads
    right to left, like HTML's dir="auto".
    """
    if not _RTL.search(text):
        return False
    for ch in text:
        kind = unicodedata.bidirectional(ch)
        if kind == "L":
            return False
        if kind in ("R", "AL"):
            return True
    return False


class Paragraph:
    """A text laid out in one font and size, wrapped to a width, in a base direction."""

    def __init__(self, face: FontFace, size: float, text: str, rtl: bool = False) -> None:
        self.face, self.size, self.rtl = face, size, rtl
        self.text = unicodedata.normalize("NFC", text.replace("\t", " "))
        self.levels = _levels(self.text, rtl) if rtl or _RTL.search(self.text) else None

    def lines(self, width: float) -> list[Line]:
        """The paragraph broken into lines no wider than `width` points (a word longer
        than a line is broken between characters); hard line breaks are kept."""
        lines: list[Line] = []
        start = 0
        for piece in self.text.split("\n"):
            end = start + len(piece)
            lines += self._wrap(start, end, width)
            start = end + 1
        return lines

    def _shape_runs(self, start: int, end: int) -> list[tuple[Run, int]]:
        if self.levels is None:
            return [(shape(self.face, self.text[start:end]), 0)]
        return [(shape(self.face, self.text[a:b], level % 2 == 1), level)
                for a, b, level in _level_runs(self.levels, start, end)]

    def _line(self, start: int, end: int, shaped: list[tuple[Run, int]] | None = None) -> Line:
        shaped = shaped if shaped is not None else self._shape_runs(start, end)
        runs = _visual_order([r for r, _ in shaped], [level for _, level in shaped])
        scale = self.size / self.face.units_per_em
        return Line(runs, sum(r.width for r in runs) * scale)

    def _wrap(self, start: int, end: int, width: float) -> list[Line]:
        while end > start and self.text[end - 1] == " ":
            end -= 1
        if start == end:
            return [Line([], 0.0)]
        limit = width * self.face.units_per_em / self.size
        shaped = self._shape_runs(start, end)
        if sum(r.width for r, _ in shaped) <= limit:
            return [self._line(start, end, shaped)]  # the common case: shaped once
        advance = self._char_advances(start, end, shaped)
        lines = []
        base = start
        while start < end:
            stop = _break(self.text, start, end, advance, base, limit)
            if self.levels is None:
                # One left-to-right run: the line's glyphs are a slice of it, no second shaping.
                run = _slice(shaped[0][0], start - base, stop - base)
                lines.append(self._line(start, stop, [(run, 0)]))
            else:
                lines.append(self._line(start, stop))
            start = stop
            while start < end and self.text[start] == " ":
                start += 1
        return lines

    def _char_advances(self, start: int, end: int, shaped: list[tuple[Run, int]]) -> list[int]:
        """The advance of each character in logical order (a cluster's width on its first)."""
        advance = [0] * (end - start)
        run_starts = ([a for a, _, _ in _level_runs(self.levels, start, end)]
                      if self.levels else [start])
        for (run, _), offset in zip(shaped, run_starts, strict=True):
            for cluster, width in zip(run.clusters, run.advances, strict=True):
                advance[offset - start + cluster] += width
        return advance


def _break(text: str, start: int, end: int, advance: list[int], base: int, limit: float) -> int:
    """Where the line starting at `start` ends: at the last space that fits, else (one long
    word) before the first character that does not fit, never inside a cluster.
    `advance[i - base]` is the width of character i."""
    total, last_space = 0, None
    for i in range(start, end):
        total += advance[i - base]
        if total > limit and i > start:
            if last_space is not None:
                return last_space
            while i > start + 1 and advance[i - base] == 0:
                i -= 1  # the rest of a cluster (a ligature) stays with its first character
            return i
        if text[i] == " ":
            last_space = i
    return end


def _slice(run: Run, start: int, stop: int) -> Run:
    """The glyphs of a left-to-right run whose clusters lie in [start, stop) of its text."""
    a, b = bisect_left(run.clusters, start), bisect_left(run.clusters, stop)  # ascending: LTR
    advances = run.advances[a:b]
    return Run(run.face, run.text[start:stop], run.gids[a:b],
               [c - start for c in run.clusters[a:b]], advances,
               run.offsets[a:b] if run.offsets else None, sum(advances), run.rtl, run.simple)
