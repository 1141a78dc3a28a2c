"""The font comes from a Debian package, the colour profile from Pillow; a subset draws the
font's own glyphs."""

from __future__ import annotations

import zlib
from io import BytesIO
from pathlib import Path

import pytest
from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.ttLib import TTFont
from PIL import ImageCms

from portal.receipt import archive, fonts
from portal.receipt.fonts import FontMissing, GlyphSubset, load_face
from tests.receipt.os_files import COLOUR_PROFILES, hide


def test_a_subset_draws_exactly_the_original_glyphs_composites_included() -> None:
    face = load_face("regular")
    original = TTFont(face.path)
    cmap, order = original.getBestCmap(), original.getGlyphOrder()
    subset = GlyphSubset(face)
    text = "Eingangsbestätigung ÄÖÜäöüß İıŞşĞğ Ґґ Її مرحبا لا ١٢٣ € „“ –"
    subset.show([order.index(cmap[ord(ch)]) for ch in text])
    used = len(subset.originals)
    program = TTFont(BytesIO(subset.font_program()), checkChecksums=2)
    assert len(subset.originals) > used, "no composite glyph pulled in its components"
    new_order = program.getGlyphOrder()
    assert len(new_order) == len(subset.originals)
    before, after = original.getGlyphSet(), program.getGlyphSet()
    for new, old in enumerate(subset.originals):
        expected, got = DecomposingRecordingPen(before), DecomposingRecordingPen(after)
        before[order[old]].draw(expected)
        after[new_order[new]].draw(got)
        assert got.value == expected.value, order[old]
        assert program["hmtx"][new_order[new]] == original["hmtx"][order[old]]
    assert len(program.reader.file.getvalue()) < 30_000


def test_a_glyph_standing_for_two_texts_gets_a_second_cid() -> None:
    face = load_face("regular")
    subset = GlyphSubset(face)
    paren = face.hb_font.get_nominal_glyph(ord("("))
    assert subset.cid_for(paren, "(") == subset.cid_for(paren, "(") == paren  # CID = glyph id
    mirrored = subset.cid_for(paren, ")")  # "(" drawn for ")" in right-to-left text
    assert mirrored != paren and mirrored >= len(face.advances)
    assert subset.texts[paren] == "(" and subset.texts[mirrored] == ")"
    # Both CIDs draw the same glyph of the subset.
    to_gid = subset.cid_to_gid_map()
    assert to_gid[2 * paren:2 * paren + 2] == to_gid[2 * mirrored:2 * mirrored + 2] != b"\0\0"
    assert [cid for cid, _ in subset.widths()] == sorted([paren, mirrored])


def test_a_missing_font_fails_with_what_to_install(monkeypatch: pytest.MonkeyPatch,
                                                  tmp_path) -> None:
    monkeypatch.setenv("AMTSWEG_FONT_DIR", str(tmp_path))
    load_face.cache_clear()
    try:
        with pytest.raises(FontMissing, match="fonts-dejavu-core"):
            fonts.load_face("regular")
    finally:
        monkeypatch.undo()
        load_face.cache_clear()


def test_the_colour_profile_needs_nothing_from_the_operating_system(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """On a machine without icc-profiles-free: Pillow makes the sRGB profile, the same bytes
    every time (a receipt rendered again in another process stays byte-identical)."""
    hide(monkeypatch, COLOUR_PROFILES)
    assert not Path(COLOUR_PROFILES, "icc", "sRGB.icc").is_file()
    archive.srgb_profile.cache_clear()
    try:
        deflated, length = archive.srgb_profile()
        archive.srgb_profile.cache_clear()
        assert archive.srgb_profile() == (deflated, length)
    finally:
        archive.srgb_profile.cache_clear()
    profile = zlib.decompress(deflated)
    assert len(profile) == length
    assert profile[12:20] == b"mntrRGB " and profile[36:40] == b"acsp"  # RGB display profile
    described = ImageCms.getProfileDescription(ImageCms.ImageCmsProfile(BytesIO(profile)))
    assert "sRGB" in described


def test_a_missing_font_is_named_before_any_receipt(monkeypatch: pytest.MonkeyPatch,
                                                    tmp_path) -> None:
    assert fonts.missing_font() is None
    monkeypatch.setenv("AMTSWEG_FONT_DIR", str(tmp_path))
    assert "fonts-dejavu-core" in fonts.missing_font()
