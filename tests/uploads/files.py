"""Real files, made in the test: images, PDFs (plain and with scripts), programs, archives."""

from __future__ import annotations

import struct
import zipfile
import zlib
from functools import cache
from io import BytesIO

import piexif
import pikepdf
from PIL import Image

from tests.walk import minimal_pdf, minimal_png  # noqa: F401 - offered to the tests from here

#: Where the test photo was "taken": the Brandenburg Gate.
GPS = {
    piexif.GPSIFD.GPSLatitudeRef: b"N",
    piexif.GPSIFD.GPSLatitude: ((52, 1), (30, 1), (5436, 100)),
    piexif.GPSIFD.GPSLongitudeRef: b"E",
    piexif.GPSIFD.GPSLongitude: ((13, 1), (22, 1), (4716, 100)),
    piexif.GPSIFD.GPSAltitude: (34, 1),
}
OWNER = b"Olena Kovalenko"
SERIAL = b"FP4-SN-0042-7781"


def photo(width: int = 96, height: int = 64) -> Image.Image:
    """A picture with detail in it, so every pixel matters."""
    return Image.effect_noise((width, height), 64).convert("RGB")


def jpeg_with_gps(*, progressive: bool = False, restart: bool = False,
                  extras: bool = True) -> bytes:
    """A phone-style JPEG: EXIF with GPS, serial numbers, owner, maker note and a thumbnail.

    With `extras`, also an XMP packet with the position, a comment, and a second
    "picture" appended after the end of the image (as motion photos do).
    """
    thumbnail = BytesIO()
    photo(16, 12).save(thumbnail, "JPEG")
    exif = piexif.dump({
        "0th": {
            piexif.ImageIFD.Make: b"Fairphone", piexif.ImageIFD.Model: b"FP4",
            piexif.ImageIFD.Orientation: 6, piexif.ImageIFD.Artist: OWNER,
            piexif.ImageIFD.CameraSerialNumber: SERIAL, piexif.ImageIFD.HostComputer: b"olenas-pc",
            piexif.ImageIFD.DateTime: b"2024:05:01 12:00:00",
        },
        "Exif": {
            piexif.ExifIFD.DateTimeOriginal: b"2024:05:01 12:00:00",
            piexif.ExifIFD.BodySerialNumber: SERIAL, piexif.ExifIFD.CameraOwnerName: OWNER,
            piexif.ExifIFD.MakerNote: b"MAKERNOTE with " + SERIAL,
            piexif.ExifIFD.ImageUniqueID: b"0123456789abcdef0123456789abcdef",
            piexif.ExifIFD.LensSerialNumber: SERIAL,
        },
        "GPS": GPS,
        "1st": {piexif.ImageIFD.XResolution: (72, 1), piexif.ImageIFD.YResolution: (72, 1)},
        "thumbnail": thumbnail.getvalue(),
    })
    out = BytesIO()
    options = {"restart_marker_blocks": 4} if restart else {}
    photo().save(out, "JPEG", exif=exif, quality=92, progressive=progressive,
                 comment=b"Taken by " + OWNER, **options)
    data = out.getvalue()
    if extras:
        xmp = (b"http://ns.adobe.com/xap/1.0/\x00<x:xmpmeta><rdf:Description "
               b'exif:GPSLatitude="52,30.906N" exif:GPSLongitude="13,22.786E" dc:creator="'
               + OWNER + b'"/></x:xmpmeta>')
        segment = b"\xff\xe1" + struct.pack(">H", len(xmp) + 2) + xmp
        data = data[:2] + segment + data[2:] + b"\xff\xd8MOTION-PHOTO " + OWNER + b"\xff\xd9"
    return data


def png_with_metadata() -> bytes:
    """A PNG with an eXIf chunk (GPS), a tEXt author and an XMP iTXt."""
    from PIL import PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", OWNER.decode())
    info.add_itxt("XML:com.adobe.xmp", '<x:xmpmeta exif:GPSLatitude="52,30.906N"/>')
    out = BytesIO()
    photo().save(out, "PNG", pnginfo=info, exif=piexif.dump({"GPS": GPS})[6:])
    return out.getvalue()


def pdf_with_javascript() -> bytes:
    """A PDF whose catalogue runs JavaScript when it is opened (/OpenAction)."""
    return minimal_pdf().replace(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (app.alert('hi')) >> >>",
    )


def pdf_with_launch_action() -> bytes:
    """A PDF that starts a program (/Launch), the name written with #xx escapes."""
    return minimal_pdf().replace(
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Catalog /Pages 2 0 R /OpenAction << /S /La#75nch /F (cmd.exe) >> >>",
    )


def pdf_with_javascript_in_object_stream() -> bytes:
    """A damaged PDF (no cross-reference) with a second catalogue, with a script, in an object
    stream: which catalogue a viewer takes cannot be decided, so it is refused as damaged."""
    objects = b"1 0 << /Type /Catalog /Pages 2 0 R /OpenAction << /S /JavaScript /JS (x) >> >>"
    packed = zlib.compress(objects)
    head = minimal_pdf().split(b"xref")[0]
    return (head + b"9 0 obj\n<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length "
            + str(len(packed)).encode() + b" >>\nstream\n" + packed + b"\nendstream\nendobj\n"
            + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n")


def pdf_with_image_stream(size: int) -> bytes:
    """A PDF with a binary stream of `size` bytes, as scans carry (and "/JS" by chance)."""
    pattern = b"\x00\x01/JS \xff"
    data = (pattern * (size // len(pattern) + 1))[:size]
    head = minimal_pdf().split(b"xref")[0]
    return (head + b"9 0 obj\n<< /Type /XObject /Subtype /Image /Filter /DCTDecode /Length "
            + str(len(data)).encode() + b" >>\nstream\n" + data + b"\nendstream\nendobj\n"
            + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n")


@cache
def png_bomb(width: int = 30_000, height: int = 30_000) -> bytes:
    """A real PNG of width × height grey pixels, all black: about 875 KB for 30000 × 30000,
    2.7 GB once a viewer unpacks it. Made row by row, never held unpacked in memory."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    packer, row = zlib.compressobj(9), bytes(width + 1)  # filter byte 0, then the pixels
    idat = b"".join(packer.compress(row) for _ in range(height)) + packer.flush()
    return (b"\x89PNG\r\n\x1a\n"
            + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
            + chunk(b"IDAT", idat) + chunk(b"IEND", b""))


def heic_header() -> bytes:
    """The start of a HEIC photo (an ISO media file of brand heic): libmagic knows it."""
    return b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic" + bytes(200)


def encrypted_pdf(user_password: str) -> bytes:
    """A plain one-page PDF, encrypted (AES-256); the user password is asked for on opening."""
    out = BytesIO()
    with pikepdf.open(BytesIO(minimal_pdf())) as pdf:
        pdf.save(out, encryption=pikepdf.Encryption(user=user_password, owner="amt-owner"))
    return out.getvalue()


def padded_pdf(size: int) -> bytes:
    """A valid PDF of exactly `size` bytes (a comment pads it)."""
    pdf = minimal_pdf()
    return pdf + b"%" + b"x" * (size - len(pdf) - 2) + b"\n"


def elf_executable() -> bytes:
    """The first bytes of a 64-bit Linux program: enough for libmagic to know it."""
    ident = b"\x7fELF" + bytes([2, 1, 1, 0]) + b"\x00" * 8
    header = struct.pack("<HHIQQQIHHHHHH", 2, 62, 1, 0x401000, 64, 0, 0, 64, 56, 0, 64, 0, 0)
    return ident + header + b"\x00" * 128


def elf_file(kind: int) -> bytes:
    """ELF files of each e_type: 1 object, 2 program, 3 shared/PIE, 4 core dump."""
    return elf_executable()[:16] + struct.pack("<H", kind) + elf_executable()[18:]


def windows_executable() -> bytes:
    """A Windows PE header (MZ stub pointing to a PE signature)."""
    mz = b"MZ" + b"\x00" * 0x3A + struct.pack("<I", 0x40)
    header = struct.pack("<HHIIIHH", 0x8664, 0, 0, 0, 0, 0xF0, 0x22)
    return mz + b"PE\x00\x00" + header + b"\x00" * 0xF0


def zip_archive() -> bytes:
    out = BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("belege/rechnung.pdf", minimal_pdf())
    return out.getvalue()


def eicar() -> bytes:
    """The EICAR anti-virus test string, assembled here so that this file trips no scanner."""
    parts = ["X5O!P%@AP[4\\PZX54(P^)7CC)7}$", "EICAR-STANDARD-ANTIVIRUS-TEST-FILE", "!$H+H*"]
    return "".join(parts).encode()


def pdf_with_eicar() -> bytes:
    """A plain PDF that carries the EICAR test string (in a comment)."""
    return minimal_pdf() + b"%" + eicar() + b"\n"
