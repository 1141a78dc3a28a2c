"""Removing identifying metadata from photos: the picture itself must not change by a bit.

Verified two ways: the compressed image data (from the first start-of-scan
marker to the end-of-image marker) is byte-identical, and the decoded pixels
(Pillow) are identical. GPS, serial numbers, owner, maker note, thumbnail,
XMP and comments must be gone.
"""

from __future__ import annotations

from io import BytesIO

import piexif
import pytest
from PIL import Image

from portal.uploads import metadata

from . import files

SECRETS = (files.OWNER, files.SERIAL, b"olenas-pc", b"MAKERNOTE", b"GPSLatitude", b"MOTION-PHOTO",
           b"0123456789abcdef0123456789abcdef")


def _clean(cleaner, data: bytes) -> bytes:
    out = BytesIO()
    cleaner(BytesIO(data), out)
    return out.getvalue()


def _image_data(jpeg: bytes) -> bytes:
    """The main picture from its first start of scan to its end of image.

    Segments are skipped by their lengths, so the thumbnail inside the Exif
    segment (a JPEG of its own) is not taken for the picture.
    """
    pos = 2
    while jpeg[pos + 1] != 0xDA:
        pos += 2 + int.from_bytes(jpeg[pos + 2:pos + 4], "big")
    return jpeg[pos:jpeg.index(b"\xff\xd9", pos) + 2]


@pytest.mark.parametrize("options", [
    pytest.param({}, id="baseline"),
    pytest.param({"progressive": True}, id="progressive"),
    pytest.param({"restart": True}, id="restart-markers"),
])
def test_jpeg_loses_what_identifies_and_keeps_every_pixel(options):
    original = files.jpeg_with_gps(**options)
    cleaned = _clean(metadata.clean_jpeg, original)
    for secret in SECRETS:
        assert secret in original and secret not in cleaned, secret
    exif = piexif.load(cleaned)
    assert exif["GPS"] == {} and exif["1st"] == {} and exif["thumbnail"] is None
    assert set(exif["0th"]) <= metadata.EXIF_KEEP["0th"] | {piexif.ImageIFD.ExifTag}
    assert set(exif["Exif"]) <= metadata.EXIF_KEEP["Exif"]
    assert exif["0th"][piexif.ImageIFD.Orientation] == 6
    assert exif["0th"][piexif.ImageIFD.Model] == b"FP4"
    assert exif["Exif"][piexif.ExifIFD.DateTimeOriginal] == b"2024:05:01 12:00:00"
    assert _image_data(cleaned) == _image_data(original)
    # Everything after the end of the image (a second picture, a video) is gone.
    assert cleaned.endswith(b"\xff\xd9") and cleaned.count(b"\xff\xd8") == 1
    before, after = Image.open(BytesIO(original)), Image.open(BytesIO(cleaned))
    assert (after.mode, after.size) == (before.mode, before.size)
    assert after.tobytes() == before.tobytes()


def test_jpeg_keeps_colour_profile_and_jfif():
    out = BytesIO()
    icc = b"\x00" * 128 + b"acsp" + b"\x00" * 200  # content does not matter to the copy
    files.photo().save(out, "JPEG", icc_profile=icc)
    original = out.getvalue()
    cleaned = _clean(metadata.clean_jpeg, original)
    assert b"ICC_PROFILE\x00" in cleaned and b"JFIF\x00" in cleaned
    assert cleaned == original  # nothing to remove: byte for byte the same


def test_a_jpeg_without_exif_and_one_with_unreadable_exif():
    plain = files.jpeg_with_gps(extras=False)
    # The first directory is said to lie far beyond the segment.
    broken = plain.replace(b"Exif\x00\x00MM\x00*\x00\x00\x00\x08",
                           b"Exif\x00\x00MM\x00*\x0f\xff\xff\xf0", 1)
    assert broken != plain
    cleaned = _clean(metadata.clean_jpeg, broken)
    assert b"Exif\x00\x00" not in cleaned  # dropped whole rather than trusted
    assert Image.open(BytesIO(cleaned)).tobytes() == Image.open(BytesIO(plain)).tobytes()


def test_a_cut_off_jpeg_keeps_what_there_is():
    original = files.jpeg_with_gps(extras=False)
    cut = original[: len(original) - 200]
    cleaned = _clean(metadata.clean_jpeg, cut)
    assert files.SERIAL not in cleaned
    assert cleaned.endswith(cut[-50:])


@pytest.mark.parametrize("data", [b"\xff\xd8\x00\x00garbage", b"\xff\xd8\xff\xe1\x00", b"GIF89a"])
def test_a_jpeg_without_jpeg_structure_is_damaged(data):
    with pytest.raises(metadata.Damaged):
        _clean(metadata.clean_jpeg, data)


def test_png_loses_text_and_exif_and_keeps_every_pixel():
    original = files.png_with_metadata() + b"appended after IEND"
    cleaned = _clean(metadata.clean_png, original)
    for chunk in (b"eXIf", b"tEXt", b"iTXt", files.OWNER, b"appended"):
        assert chunk not in cleaned
    assert Image.open(BytesIO(cleaned)).tobytes() == Image.open(BytesIO(original)).tobytes()
    assert _clean(metadata.clean_png, files.minimal_png()) == files.minimal_png()


def test_webp_loses_exif_and_xmp():
    out = BytesIO()
    files.photo().save(out, "WEBP", lossless=True, exif=piexif.dump({"GPS": files.GPS}),
                       xmp=b"<x:xmpmeta>" + files.OWNER + b"</x:xmpmeta>")
    original = out.getvalue()
    cleaned = _clean(metadata.clean_webp, original)
    assert b"EXIF" not in cleaned and files.OWNER not in cleaned
    assert int.from_bytes(cleaned[4:8], "little") == len(cleaned) - 8
    image = Image.open(BytesIO(cleaned))
    assert "exif" not in image.info and "xmp" not in image.info
    assert image.tobytes() == Image.open(BytesIO(original)).tobytes()
