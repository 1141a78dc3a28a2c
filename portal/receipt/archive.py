"""What makes the receipt fit for the authority's e-file: PDF/A-2 metadata and output intent.

The sRGB ICC profile comes from the Debian package icc-profiles-free; the XMP
packet carries title, language and dates, identical to the document
information dictionary, and the PDF/A-2b and PDF/UA-1 identification.
"""

from __future__ import annotations

import os
import zlib
from datetime import datetime
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

DEFAULT_ICC_PROFILE = Path("/usr/share/color/icc/sRGB.icc")
PRODUCER = "Amtsweg receipt (pydyf)"


class ProfileMissing(RuntimeError):
    """The sRGB colour profile for the PDF/A output intent is not installed."""


@cache
def srgb_profile() -> tuple[bytes, int]:
    """(deflated ICC profile, its uncompressed length), read once per process."""
    path = Path(os.environ.get("AMTSWEG_ICC_PROFILE") or DEFAULT_ICC_PROFILE)
    if not path.is_file():
        raise ProfileMissing(
            f"The sRGB colour profile {path} is missing. Install the Debian package "
            "icc-profiles-free (apt-get install icc-profiles-free) or set AMTSWEG_ICC_PROFILE "
            "to an sRGB ICC profile."
        )
    data = path.read_bytes()
    if data[12:20] != b"mntrRGB " or data[36:40] != b"acsp":
        raise ProfileMissing(f"{path} is not an RGB display profile (ICC header mismatch)")
    return zlib.compress(data, 9), len(data)


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
