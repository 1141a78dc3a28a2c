"""What makes the receipt fit for the authority's e-file: PDF/A-2 metadata and output intent.

The sRGB ICC profile is made by Pillow (LittleCMS), so the receipt needs no
colour profile from the operating system; the XMP packet carries title,
language and dates, identical to the document information dictionary, and the
PDF/A-2b and PDF/UA-1 identification.
"""

from __future__ import annotations

import struct
import zlib
from datetime import datetime
from functools import cache
from xml.sax.saxutils import escape

from PIL import ImageCms

PRODUCER = "Amtsweg receipt (pydyf)"
#: The creation date written into the profile's header (ICC.1, 7.2.8). LittleCMS writes the
#: time the profile was made, which would make two processes' receipts differ in that field.
PROFILE_DATE = (2000, 1, 1, 0, 0, 0)


@cache
def srgb_profile() -> tuple[bytes, int]:
    """(deflated sRGB ICC profile, its uncompressed length), made once per process."""
    data = bytearray(ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes())
    struct.pack_into(">6H", data, 24, *PROFILE_DATE)  # the header's dateTimeNumber
    if data[12:20] != b"mntrRGB " or data[36:40] != b"acsp" or any(data[84:100]):
        # An RGB display profile without a profile ID (which the date would have to match).
        raise RuntimeError("Pillow made an sRGB profile of an unexpected kind")
    return zlib.compress(bytes(data), 9), len(data)


def pdf_date(moment: datetime) -> str:
    """D:YYYYMMDDHHmmSS+HH'mm' (ISO 32000-1, 7.9.4)."""
    offset = moment.strftime("%z") or "+0000"
    return moment.strftime("D:%Y%m%d%H%M%S") + f"{offset[:3]}'{offset[3:]}'"


def xmp_date(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def xmp_packet(title: str, language: str, created: datetime) -> bytes:
    """The XMP metadata stream: Dublin Core title and language, dates, producer, PDF/A and
    PDF/UA identification, and the extension schema PDF/A-2 asks for the pdfuaid property."""
    date = xmp_date(created)
    return f"""<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>
<x:xmpmeta xmlns:x="adobe:ns:meta/">
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">
<rdf:Description rdf:about=""
 xmlns:dc="http://purl.org/dc/elements/1.1/"
 xmlns:xmp="http://ns.adobe.com/xap/1.0/"
 xmlns:pdf="http://ns.adobe.com/pdf/1.3/"
 xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/"
 xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/">
<dc:format>application/pdf</dc:format>
<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li></rdf:Alt></dc:title>
<dc:language><rdf:Bag><rdf:li>{escape(language)}</rdf:li></rdf:Bag></dc:language>
<xmp:CreateDate>{date}</xmp:CreateDate>
<xmp:ModifyDate>{date}</xmp:ModifyDate>
<xmp:MetadataDate>{date}</xmp:MetadataDate>
<pdf:Producer>{PRODUCER}</pdf:Producer>
<pdfaid:part>2</pdfaid:part>
<pdfaid:conformance>B</pdfaid:conformance>
<pdfuaid:part>1</pdfuaid:part>
</rdf:Description>
<rdf:Description rdf:about=""
 xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
 xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
 xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
<pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
<pdfaSchema:schema>PDF/UA identification</pdfaSchema:schema>
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
<pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
<pdfaProperty:name>part</pdfaProperty:name>
<pdfaProperty:valueType>Integer</pdfaProperty:valueType>
<pdfaProperty:category>internal</pdfaProperty:category>
<pdfaProperty:description>The part of ISO 14289 the file conforms to</pdfaProperty:description>
</rdf:li></rdf:Seq></pdfaSchema:property>
</rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>
</rdf:RDF>
</x:xmpmeta>
<?xpacket end="r"?>""".encode()
