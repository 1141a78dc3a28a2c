"""Removing what a photo tells about the citizen, without touching the picture.

A phone photo carries the place it was taken (EXIF GPS), the camera's serial
number, sometimes the owner's name, a thumbnail of the unedited original and,
in XMP or a maker note, much more. Before a photo is kept, its metadata
segments are rewritten; the compressed image data is copied byte for byte and
never decoded or re-encoded, so the picture stays exactly as it was.

JPEG: the segments before the image data are filtered. APP0 (JFIF), APP2
(ICC colour profile) and APP14 (Adobe colour transform) are kept because they
change how the picture looks; the Exif segment is rebuilt with only the tags in
`EXIF_KEEP` (orientation, capture time, exposure; never GPS, serial numbers,
owner names, maker notes or the thumbnail); everything else (XMP, IPTC,
comments, multi-picture data) is dropped, as is anything after the end of the
image (appended videos or second pictures).

PNG: critical chunks and the ancillary chunks in `PNG_KEEP` (colour and
transparency) are kept; eXIf, tEXt, zTXt, iTXt, tIME and unknown chunks go.

WebP: the EXIF and XMP chunks are dropped and the header's flags corrected.
"""

from __future__ import annotations

import re
import struct
from collections.abc import Callable
from typing import BinaryIO

import piexif

CHUNK = 64 * 1024


class Damaged(Exception):
    """The file does not have the structure its type promises; it is not kept."""


#: Exif tags that describe the picture and its capture, not the person or the device.
EXIF_KEEP: dict[str, frozenset[int]] = {
    "0th": frozenset({
        piexif.ImageIFD.Orientation, piexif.ImageIFD.XResolution, piexif.ImageIFD.YResolution,
        piexif.ImageIFD.ResolutionUnit, piexif.ImageIFD.YCbCrPositioning,
        piexif.ImageIFD.YCbCrCoefficients, piexif.ImageIFD.YCbCrSubSampling,
        piexif.ImageIFD.ReferenceBlackWhite, piexif.ImageIFD.WhitePoint,
        piexif.ImageIFD.PrimaryChromaticities, piexif.ImageIFD.TransferFunction,
        piexif.ImageIFD.Make, piexif.ImageIFD.Model, piexif.ImageIFD.DateTime,
    }),
    "Exif": frozenset({
        piexif.ExifIFD.ExifVersion, piexif.ExifIFD.FlashpixVersion, piexif.ExifIFD.ColorSpace,
        piexif.ExifIFD.Gamma, piexif.ExifIFD.ComponentsConfiguration,
        piexif.ExifIFD.PixelXDimension, piexif.ExifIFD.PixelYDimension,
        piexif.ExifIFD.DateTimeOriginal, piexif.ExifIFD.DateTimeDigitized,
        piexif.ExifIFD.OffsetTime, piexif.ExifIFD.OffsetTimeOriginal,
        piexif.ExifIFD.OffsetTimeDigitized, piexif.ExifIFD.SubSecTime,
        piexif.ExifIFD.SubSecTimeOriginal, piexif.ExifIFD.SubSecTimeDigitized,
        piexif.ExifIFD.ExposureTime, piexif.ExifIFD.FNumber, piexif.ExifIFD.ExposureProgram,
        piexif.ExifIFD.ISOSpeedRatings, piexif.ExifIFD.ShutterSpeedValue,
        piexif.ExifIFD.ApertureValue, piexif.ExifIFD.BrightnessValue,
        piexif.ExifIFD.ExposureBiasValue, piexif.ExifIFD.MaxApertureValue,
        piexif.ExifIFD.MeteringMode, piexif.ExifIFD.LightSource, piexif.ExifIFD.Flash,
        piexif.ExifIFD.FocalLength, piexif.ExifIFD.SensingMethod, piexif.ExifIFD.SceneType,
        piexif.ExifIFD.ExposureMode, piexif.ExifIFD.WhiteBalance,
        piexif.ExifIFD.DigitalZoomRatio, piexif.ExifIFD.FocalLengthIn35mmFilm,
        piexif.ExifIFD.SceneCaptureType, piexif.ExifIFD.Contrast, piexif.ExifIFD.Saturation,
        piexif.ExifIFD.Sharpness,
    }),
    # The interoperability index says which colour rules the file follows ("R98").
    "Interop": frozenset({piexif.InteropIFD.InteroperabilityIndex}),
}

EXIF_HEADER = b"Exif\x00\x00"
#: JPEG APPn segments kept as they are, by marker and signature.
JPEG_KEEP = {
    0xE0: (b"JFIF\x00",),  # not b"JFXX": that one is a thumbnail
    0xE2: (b"ICC_PROFILE\x00",),
    0xEE: (b"Adobe",),
}
#: PNG ancillary chunks that change how the picture looks (or moves: APNG).
PNG_KEEP = frozenset({
    b"gAMA", b"cHRM", b"sRGB", b"iCCP", b"cICP", b"mDCV", b"cLLI", b"sBIT", b"pHYs", b"bKGD",
    b"tRNS", b"hIST", b"sPLT", b"acTL", b"fcTL", b"fdAT",
})
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def clean_exif(segment: bytes) -> bytes | None:
    """An Exif APP1 payload with only the tags in EXIF_KEEP, or None to drop it whole."""
    try:
        exif = piexif.load(segment)
        kept = {
            ifd: {tag: value for tag, value in (exif.get(ifd) or {}).items() if tag in allowed}
            for ifd, allowed in EXIF_KEEP.items()
        }
        if not kept["Exif"]:
            kept["Interop"] = {}
        if not any(kept.values()):
            return None
        cleaned = piexif.dump({**kept, "GPS": {}, "1st": {}, "thumbnail": None})
    except Exception:  # noqa: BLE001 - an Exif block we cannot read is simply dropped
        return None
    return cleaned if len(cleaned) + 2 <= 0xFFFF else None


class _Reader:
    """Exact reads from a stream, with the little look-ahead a marker scan needs."""

    def __init__(self, stream: BinaryIO) -> None:
        self.stream = stream
        self.buffer = b""

    def read(self, n: int) -> bytes:
        while len(self.buffer) < n:
            chunk = self.stream.read(max(CHUNK, n - len(self.buffer)))
            if not chunk:
                raise Damaged("the file ends too early")
            self.buffer += chunk
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def more(self) -> bytes:
        """The buffered bytes, or the next chunk; empty at the end of the file."""
        if not self.buffer:
            self.buffer = self.stream.read(CHUNK)
        data, self.buffer = self.buffer, b""
        return data

    def unread(self, data: bytes) -> None:
        self.buffer = data + self.buffer


#: In the image data a 0xFF byte is followed by 0x00 (a stuffed byte), a restart marker
#: 0xD0-0xD7 or another 0xFF (fill); anything else is the marker that ends the scan.
_SCAN_END = re.compile(rb"\xff[\x01-\xcf\xd8-\xfe]")


def _copy_scan(reader: _Reader, out: BinaryIO) -> int | None:
    """Copy entropy-coded image data up to the next marker; returns it, or None at the end."""
    while data := reader.more():
        if match := _SCAN_END.search(data):
            out.write(data[:match.start()])
            reader.unread(data[match.end():])
            return data[match.start() + 1]
        if data.endswith(b"\xff"):  # what follows it decides: read on
            following = reader.more()
            if not following:
                out.write(data)
                return None
            out.write(data[:-1])
            reader.unread(b"\xff" + following)
            continue
        out.write(data)
    return None  # a photo cut short: keep what there is


def clean_jpeg(source: BinaryIO, out: BinaryIO) -> None:
    """Copy a JPEG, rebuilding its Exif and dropping other metadata segments."""
    reader = _Reader(source)
    if reader.read(2) != b"\xff\xd8":
        raise Damaged("no JPEG start of image")
    out.write(b"\xff\xd8")
    exif_written = False
    marker: int | None = None
    while True:
        if marker is None:
            if reader.read(1) != b"\xff":
                raise Damaged("a JPEG segment does not start with a marker")
            marker = reader.read(1)[0]
            while marker == 0xFF:  # fill bytes before a marker
                marker = reader.read(1)[0]
        if marker == 0xD9:  # end of image: what follows is not part of the picture
            out.write(b"\xff\xd9")
            return
        if marker == 0x01 or 0xD0 <= marker <= 0xD7:  # markers without a length
            out.write(bytes((0xFF, marker)))
            marker = None
            continue
        (length,) = struct.unpack(">H", reader.read(2))
        if length < 2:
            raise Damaged("a JPEG segment with an impossible length")
        payload = reader.read(length - 2)
        if marker == 0xDA:  # start of scan: header, then the compressed image data
            out.write(b"\xff\xda" + struct.pack(">H", length) + payload)
            marker = _copy_scan(reader, out)
            if marker is None:
                return
            continue
        if 0xE0 <= marker <= 0xEF or marker == 0xFE:
            segment = _jpeg_app_segment(marker, payload, exif_written)
            if segment is not None:
                exif_written = exif_written or payload.startswith(EXIF_HEADER)
                out.write(bytes((0xFF, marker)) + struct.pack(">H", len(segment) + 2) + segment)
        else:  # tables, frame header, restart interval: the picture itself
            out.write(bytes((0xFF, marker)) + struct.pack(">H", length) + payload)
        marker = None


def _jpeg_app_segment(marker: int, payload: bytes, exif_written: bool) -> bytes | None:
    if marker == 0xE1 and payload.startswith(EXIF_HEADER):
        return None if exif_written else clean_exif(payload)
    if any(payload.startswith(signature) for signature in JPEG_KEEP.get(marker, ())):
        return payload
    return None  # XMP, IPTC, comments, maker data, multi-picture indexes


def _copy(source: BinaryIO, out: BinaryIO, n: int) -> None:
    while n > 0:
        chunk = source.read(min(CHUNK, n))
        if not chunk:
            raise Damaged("the file ends too early")
        out.write(chunk)
        n -= len(chunk)


def _skip(source: BinaryIO, n: int) -> None:
    source.seek(n, 1)


def _exact(source: BinaryIO, n: int) -> bytes:
    data = source.read(n)
    if len(data) != n:
        raise Damaged("the file ends too early")
    return data


def clean_png(source: BinaryIO, out: BinaryIO) -> None:
    """Copy a PNG with only its critical chunks and those that affect how it looks."""
    if _exact(source, 8) != PNG_SIGNATURE:
        raise Damaged("no PNG signature")
    out.write(PNG_SIGNATURE)
    while True:
        header = _exact(source, 8)
        (length,) = struct.unpack(">I", header[:4])
        kind = header[4:]
        if not kind.isalpha() or length > 0x7FFFFFFF:
            raise Damaged("a PNG chunk with an impossible type or length")
        critical = kind[:1].isupper()
        if critical or kind in PNG_KEEP:
            out.write(header)
            _copy(source, out, length + 4)  # data and CRC, as they are
        else:
            _skip(source, length + 4)
        if kind == b"IEND":
            return  # anything appended after the end is dropped


def _webp_chunks(source: BinaryIO, riff_size: int):
    """(kind, header, padded size) of each chunk, leaving the stream at the chunk's data."""
    remaining = riff_size - 4
    while remaining >= 8:
        header = _exact(source, 8)
        (size,) = struct.unpack("<I", header[4:])
        padded = size + (size & 1)
        remaining -= 8 + padded
        start = source.tell()
        yield header[:4], header, padded
        source.seek(start + padded)


def clean_webp(source: BinaryIO, out: BinaryIO) -> None:
    """Copy a WebP without its EXIF and XMP chunks."""
    header = _exact(source, 12)
    if header[:4] != b"RIFF" or header[8:] != b"WEBP":
        raise Damaged("no WebP header")
    (riff_size,) = struct.unpack("<I", header[4:8])
    dropped = (b"EXIF", b"XMP ")
    # First the new size for the header, then the chunks themselves.
    new_size = 4 + sum(8 + padded for kind, _, padded in _webp_chunks(source, riff_size)
                       if kind not in dropped)
    source.seek(12)
    out.write(b"RIFF" + struct.pack("<I", new_size) + b"WEBP")
    for kind, chunk_header, padded in _webp_chunks(source, riff_size):
        if kind in dropped:
            continue
        if kind == b"VP8X" and padded != 10:
            raise Damaged("a VP8X chunk is 10 bytes long")
        body = _exact(source, padded) if kind == b"VP8X" else None
        out.write(chunk_header)
        if body is not None:
            flags = body[0] & ~0x0C & 0xFF  # clear the "has EXIF" and "has XMP" flags
            out.write(bytes([flags]) + body[1:])
        else:
            _copy(source, out, padded)


#: The media types whose metadata is removed, and how.
CLEANERS: dict[str, Callable[[BinaryIO, BinaryIO], None]] = {
    "image/jpeg": clean_jpeg,
    "image/png": clean_png,
    "image/webp": clean_webp,
}
