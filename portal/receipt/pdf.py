"""Writing the laid-out receipt as a tagged PDF with pydyf.

One content stream per page, a structure tree whose leaves point at marked
content by MCID, XMP metadata and an sRGB output intent (the fonts:
embedded_fonts.py). Streams are compressed here, once, so pydyf only copies bytes.
"""

from __future__ import annotations

import hashlib
import io
import zlib
from collections import defaultdict

import pydyf

from .archive import PRODUCER, pdf_date, srgb_profile, xmp_packet
from .content import ReceiptContent
from .embedded_fonts import LEVEL, EmbeddedFonts, compressed, pdf_number
from .layout import PAGE_HEIGHT, PAGE_WIDTH, Boxes, Layout, Node, Text, lay_out


class _Raw(pydyf.Object):
    """An object serialised by hand: structure elements are many, and pydyf serialises
    every object twice (once more for the file identifier)."""

    def __init__(self) -> None:
        super().__init__()
        self.bytes = b""

    @property
    def data(self) -> bytes:
        return self.bytes


class _Page:
    """The content stream of one page and the structure nodes of its marked content."""

    def __init__(self, fonts: EmbeddedFonts, number: int) -> None:
        self.fonts, self.number = fonts, number
        self.out: list[bytes] = []
        self.parents: list[Node] = []  # MCID -> node
        self.grey: float | None = None

    def colour(self, grey: float) -> None:
        if grey != self.grey:
            self.out.append(b"%s %s %s rg" % ((pdf_number(grey),) * 3))
            self.grey = grey

    def draw(self, items: list[Text | Boxes], marks: dict[Node, list[tuple[int, int]]]) -> bytes:
        out, current, is_open = self.out, None, False
        for item in items:
            if not is_open or item.node is not current:
                if is_open:
                    out.append(b"EMC")
                current, is_open = item.node, True
                if item.node is None:
                    out.append(b"/Artifact BMC")
                else:
                    mcid = len(self.parents)
                    self.parents.append(item.node)
                    marks[item.node].append((self.number, mcid))
                    out.append(b"/%s <</MCID %d>> BDC" % (item.node.role.encode(), mcid))
            if isinstance(item, Text):
                self.text(item)
            else:
                self.colour(item.grey)
                if item.grid is not None:  # rectangles in whole cells of a grid (QR modules)
                    size, x, y = (pdf_number(v) for v in item.grid)
                    out.append(b"q %s 0 0 -%s %s %s cm" % (size, size, x, y))
                    out.extend(b"%d %d %d %d re" % r for r in item.rects)
                    out.append(b"f Q")
                else:
                    out.extend(b"%s %s %s %s re" % tuple(pdf_number(v) for v in rect)
                               for rect in item.rects)
                    out.append(b"f")
        if is_open:
            out.append(b"EMC")
        return b"\n".join(out)

    def text(self, item: Text) -> None:
        if not item.line.runs:
            return
        self.colour(item.grey)
        face = item.line.runs[0].face
        out = self.out
        out.append(b"BT /%s %s Tf %s %s Td" % (self.fonts.names[face], pdf_number(item.size),
                                                pdf_number(item.x), pdf_number(item.y)))
        x = 0.0
        for run in item.line.runs:
            if x:
                out.append(b"%s 0 Td" % pdf_number(x))
            self.fonts.show(out, run, item.size)
            x = run.width * item.size / face.units_per_em
        out.append(b"ET")


class _PDF(pydyf.PDF):
    """pydyf's document, with the object and cross-reference streams it makes while writing
    compressed once, at our level: it would compress them at level 9, twice (once more to
    compute the file identifier)."""

    def add_object(self, object_: pydyf.Object) -> None:
        if isinstance(object_, pydyf.Stream) and object_.compress:
            data = b"\n".join(i if isinstance(i, bytes) else str(i).encode()
                               for i in object_.stream)
            object_.stream = [zlib.compress(data, LEVEL)]
            object_.extra["Filter"] = "/FlateDecode"
            object_.compress = False
        super().add_object(object_)


def write_pdf(layout: Layout, content: ReceiptContent) -> bytes:
    """The receipt as PDF bytes; the same layout and content always give the same bytes."""
    pdf = _PDF()
    fonts = EmbeddedFonts(layout.faces)
    marks: dict[Node, list[tuple[int, int]]] = defaultdict(list)
    streams, parents = [], []
    for number, page in enumerate(layout.pages):
        drawer = _Page(fonts, number)
        streams.append(drawer.draw(page.items, marks))
        parents.append(drawer.parents)
    font_refs = fonts.objects(pdf)
    resources = pydyf.Dictionary({"Font": pydyf.Dictionary(font_refs)})
    pdf.add_object(resources)
    pages = []
    for number, data in enumerate(streams):
        stream = compressed(data)
        pdf.add_object(stream)
        page = pydyf.Dictionary({
            "Type": "/Page",
            "Parent": pdf.pages.reference,
            "MediaBox": pydyf.Array([0, 0, PAGE_WIDTH, PAGE_HEIGHT]),
            "Resources": resources.reference,
            "Contents": stream.reference,
            "StructParents": number,
            "Tabs": "/S",
        })
        pdf.add_page(page)
        pages.append(page)
    _structure(pdf, layout.document, marks, parents, pages, content.language)
    _archive(pdf, content)
    output = io.BytesIO()
    pdf.write(output, version=b"1.7", identifier=_identifier(content), compress=True)
    return output.getvalue()


def _identifier(content: ReceiptContent) -> bytes:
    # The first half of the file identifier is permanent (ISO 32000-1, 14.4): the reference.
    return hashlib.md5(content.reference.encode(), usedforsecurity=False).hexdigest().encode()


def _structure(pdf: pydyf.PDF, document: Node, marks: dict[Node, list[tuple[int, int]]],
               parents: list[list[Node]], pages: list[pydyf.Dictionary], language: str) -> None:
    """The structure tree (ISO 32000-1, 14.7): elements, their marked content, the parent tree."""
    root = pydyf.Dictionary({"Type": "/StructTreeRoot"})
    pdf.add_object(root)
    pdf.catalog["StructTreeRoot"] = root.reference
    references: dict[Node, bytes] = {}
    page_refs = [page.reference for page in pages]

    def element(node: Node, parent: bytes) -> bytes:
        entry = _Raw()
        pdf.add_object(entry)
        reference = references[node] = entry.reference
        parts = [b"<</S/" + node.role.encode() + b"/P " + parent]
        if node is document:
            parts.append(b"/Lang" + pydyf.String(language).data)
        if node.alt is not None:
            parts.append(b"/Alt" + pydyf.String(node.alt).data)
        if node.scope is not None:
            parts.append(b"/A<</O/Table/Scope/" + node.scope.encode() + b">>")
        if node.bbox is not None:
            box = b" ".join(pdf_number(v) for v in node.bbox)
            parts.append(b"/A<</O/Layout/Placement/Block/BBox[" + box + b"]>>")
        kids = [element(child, reference) for child in node.kids]
        content = marks.get(node, ())
        on = {number for number, _ in content}
        if len(on) == 1:
            parts.append(b"/Pg " + page_refs[on.pop()])
            kids.extend(b"%d" % mcid for _, mcid in content)
        else:  # a cell continued on the next page: each piece names its page
            kids.extend(b"<</Type/MCR/Pg " + page_refs[number] + b"/MCID %d>>" % mcid
                        for number, mcid in content)
        parts.append(b"/K[" + b" ".join(kids) + b"]>>")
        entry.bytes = b"".join(parts)
        return reference

    root["K"] = element(document, root.reference)
    nums = pydyf.Array()
    for number, nodes in enumerate(parents):
        nums.append(number)
        nums.append(b"[" + b" ".join(references[n] for n in nodes) + b"]")
    root["ParentTree"] = pydyf.Dictionary({"Nums": nums})
    root["ParentTreeNextKey"] = len(parents)


def _archive(pdf: pydyf.PDF, content: ReceiptContent) -> None:
    """Catalog entries for PDF/A-2 and PDF/UA: metadata, output intent, language, marking."""
    metadata = pydyf.Stream([xmp_packet(content.title, content.language, content.created)],
                            {"Type": "/Metadata", "Subtype": "/XML"})
    pdf.add_object(metadata)
    profile, _ = srgb_profile()
    icc = pydyf.Stream([profile], {"N": 3, "Filter": "/FlateDecode"})
    pdf.add_object(icc)
    intent = pydyf.Dictionary({
        "Type": "/OutputIntent",
        "S": "/GTS_PDFA1",
        "OutputConditionIdentifier": pydyf.String("sRGB IEC61966-2.1"),
        "RegistryName": pydyf.String("http://www.color.org"),
        "Info": pydyf.String("sRGB IEC61966-2.1"),
        "DestOutputProfile": icc.reference,
    })
    pdf.catalog.update({
        "Lang": pydyf.String(content.language),
        "MarkInfo": pydyf.Dictionary({"Marked": "true"}),
        "Metadata": metadata.reference,
        "OutputIntents": pydyf.Array([intent]),
        "ViewerPreferences": pydyf.Dictionary({"DisplayDocTitle": "true"}),
    })
    date = pdf_date(content.created)
    pdf.info.update({
        "Title": pydyf.String(content.title),
        "Producer": pydyf.String(PRODUCER),
        "CreationDate": pydyf.String(date),
        "ModDate": pydyf.String(date),
    })


def render_receipt(content: ReceiptContent) -> bytes:
    """The receipt for `content` as PDF bytes."""
    return write_pdf(lay_out(content), content)
