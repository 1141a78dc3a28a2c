"""PDF/A-2b and PDF/UA essentials, checked with qpdf, pdffonts, pikepdf and fontTools.

No veraPDF runs here (it is not packaged for Debian or PyPI); these tests check
the requirements one by one: see docs/receipts.md for the list.
"""

from __future__ import annotations

import re
from io import BytesIO

import pikepdf
import pytest
from fontTools.pens.recordingPen import DecomposingRecordingPen
from fontTools.ttLib import TTFont

from portal.receipt.fonts import load_face

from .pdfs import cmap, render, tool

RECEIPTS = [("onlinewache", "de", False), ("onlinewache", "ar", False),
            ("onlinewache", "uk", False), ("bauantrag", "de", True)]
STANDARD_TYPES = {"Document", "P", "H1", "H2", "H3", "Table", "TR", "TH", "TD", "Figure"}
NS = {"dc": "http://purl.org/dc/elements/1.1/", "xmp": "http://ns.adobe.com/xap/1.0/",
      "pdf": "http://ns.adobe.com/pdf/1.3/", "pdfaid": "http://www.aiim.org/pdfa/ns/id/",
      "pdfuaid": "http://www.aiim.org/pdfua/ns/id/"}


@pytest.fixture(params=RECEIPTS, ids=lambda r: f"{r[0]}-{r[1]}")
def receipt(request: pytest.FixtureRequest) -> tuple[object, bytes]:
    return render(*request.param)


def test_qpdf_check_is_clean(receipt) -> None:
    _, pdf = receipt
    done = tool("qpdf", "--check", "-", pdf=pdf)
    out = done.stdout.decode()
    assert done.returncode == 0, out + done.stderr.decode()
    assert "No syntax or stream encoding errors found" in out
    assert "File is not encrypted" in out
    assert "WARNING" not in out + done.stderr.decode()


def test_pdffonts_shows_every_font_embedded_subset_and_mapped_to_unicode(receipt) -> None:
    _, pdf = receipt
    done = tool("pdffonts", "-", pdf=pdf)
    assert done.returncode == 0, done.stderr
    rows = done.stdout.decode().splitlines()[2:]
    assert len(rows) == 2  # regular and bold
    for row in rows:
        name, *_rest = row.split()
        assert re.fullmatch(r"[A-Z]{6}\+DejaVuSans(-Bold)?", name), row
        assert re.search(r"CID TrueType\s+Identity-H\s+yes yes yes", row), row


def test_the_file_is_pdf_a_2b_shaped(receipt) -> None:
    content, pdf = receipt
    assert pdf.startswith(b"%PDF-1.7\n%") and all(b > 127 for b in pdf[10:14])
    assert pdf.rstrip().endswith(b"%%EOF")
    document = pikepdf.open(BytesIO(pdf))
    assert not document.is_encrypted
    assert len(document.trailer.ID) == 2
    root = document.Root
    intent = root.OutputIntents[0]
    assert intent.S == "/GTS_PDFA1" and intent.DestOutputProfile.N == 3
    profile = intent.DestOutputProfile.read_bytes()
    assert profile[12:20] == b"mntrRGB " and profile[36:40] == b"acsp"
    # No external references, actions, scripts or attachments anywhere.
    raw = b"".join(obj.read_raw_bytes() if isinstance(obj, pikepdf.Stream) else
                   bytes(obj.unparse()) for obj in document.objects
                   if isinstance(obj, pikepdf.Dictionary | pikepdf.Stream))
    for key in (b"/URI", b"/Launch", b"/GoToR", b"/JavaScript", b"/JS", b"/EmbeddedFiles",
                b"/AA", b"/OpenAction", b"/Annots", b"/Encrypt", b"/Transparency", b"/SMask"):
        assert key not in raw, key
    for page in document.pages:
        assert "/Annots" not in page
        assert "/Group" not in page


def test_xmp_and_document_info_carry_the_same_title_language_and_dates(receipt) -> None:
    content, pdf = receipt
    document = pikepdf.open(BytesIO(pdf))
    metadata = document.Root.Metadata
    assert "/Filter" not in metadata  # PDF/A: the XMP packet is readable as it is
    xmp = document.open_metadata()
    assert xmp["dc:title"] == content.title
    assert xmp["pdfaid:part"] == "2" and xmp["pdfaid:conformance"] == "B"
    assert xmp["pdfuaid:part"] == "1"
    assert str(xmp["xmp:CreateDate"]) == content.created.isoformat(timespec="seconds")
    assert content.language in str(xmp["dc:language"])
    info = document.docinfo
    assert str(info.Title) == content.title
    assert str(info.Producer) == str(xmp["pdf:Producer"])
    created = content.created.strftime("D:%Y%m%d%H%M%S")
    assert str(info.CreationDate).startswith(created) and info.ModDate == info.CreationDate
    # The extension schema PDF/A-2 asks for, describing the pdfuaid property.
    packet = metadata.read_bytes().decode()
    assert "<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>" in packet


def test_every_font_program_is_valid_and_agrees_with_its_widths(receipt) -> None:
    _, pdf = receipt
    document = pikepdf.open(BytesIO(pdf))
    for name, font in document.pages[0].Resources.Font.items():
        cid_font = font.DescendantFonts[0]
        assert font.Subtype == "/Type0" and font.Encoding == "/Identity-H"
        assert cid_font.Subtype == "/CIDFontType2" and "/ToUnicode" in font
        program = cid_font.FontDescriptor.FontFile2.read_bytes()
        subset = TTFont(BytesIO(program), checkChecksums=2)  # raises on a bad checksum
        subset.ensureDecompiled()
        face = load_face("bold" if "Bold" in str(font.BaseFont) else "regular")
        to_gid = cid_font.CIDToGIDMap.read_bytes()
        order, hmtx = subset.getGlyphOrder(), subset["hmtx"]
        widths = _widths(cid_font.W)
        assert widths
        for cid, width in widths.items():  # /W agrees with the embedded font program
            gid = int.from_bytes(to_gid[2 * cid:2 * cid + 2], "big")
            assert 0 < gid < len(order), (name, cid)
            assert abs(width - hmtx[order[gid]][0] * 1000 / face.units_per_em) < 0.01, (name, cid)
        glyphs = subset.getGlyphSet()
        for glyph_name in order:
            glyphs[glyph_name].draw(DecomposingRecordingPen(glyphs))


def _widths(array: pikepdf.Array) -> dict[int, float]:
    """CID -> width from a /W array of `first [w ...]` entries."""
    widths, items = {}, list(array)
    for first, values in zip(items[::2], items[1::2], strict=True):
        for i, width in enumerate(values):
            widths[int(first) + i] = float(width)
    return widths


def test_everything_on_a_page_is_tagged_content_or_an_artifact(receipt) -> None:
    _, pdf = receipt
    document = pikepdf.open(BytesIO(pdf))
    for page in document.pages:
        depth = 0
        for _, operator in pikepdf.parse_content_stream(page):
            op = str(operator)
            # Colour only as DeviceRGB, which the sRGB output intent describes.
            assert op not in ("g", "G", "k", "K", "cs", "CS", "sc", "scn", "SC", "SCN", "gs"), op
            if op in ("BDC", "BMC"):
                depth += 1
            elif op == "EMC":
                depth -= 1
            elif op in ("Tj", "TJ", "f", "S", "Do"):
                assert depth > 0, f"{op} outside marked content"
        assert depth == 0


def test_the_structure_tree_is_complete_and_consistent(receipt) -> None:
    content, pdf = receipt
    document = pikepdf.open(BytesIO(pdf))
    root = document.Root
    assert root.MarkInfo.Marked is True
    assert str(root.Lang) == content.language
    assert root.ViewerPreferences.DisplayDocTitle is True
    tree = root.StructTreeRoot
    document_element = tree.K
    assert document_element.S == "/Document" and str(document_element.Lang) == content.language
    parents = dict(_pairs(tree.ParentTree.Nums))
    roles, headings = [], []
    seen_mcids: set[tuple[tuple[int, int], int]] = set()

    def walk(element: pikepdf.Object, page: pikepdf.Object | None) -> None:
        role = str(element.S)[1:]
        roles.append(role)
        assert role in STANDARD_TYPES, role
        if role.startswith("H") and role[1:].isdigit():
            headings.append(int(role[1:]))
        if role == "TH":
            assert element.A.Scope in ("/Row", "/Column")
        if role == "Figure":
            assert str(element.Alt) == content.qr_alt and len(element.A.BBox) == 4
        page = element.get("/Pg", page)
        for kid in element.K:
            if isinstance(kid, int):
                where = (page.objgen, kid)
            elif kid.get("/Type") == "/MCR":
                where = (kid.Pg.objgen, int(kid.MCID))
            else:
                assert kid.P.objgen == element.objgen
                walk(kid, page)
                continue
            # The parent tree maps this page's MCID back to this very element.
            number = int(document.get_object(where[0]).StructParents)
            assert parents[number][where[1]].objgen == element.objgen
            seen_mcids.add(where)

    walk(document_element, None)
    # Headings start at H1 and never skip a level.
    assert headings[0] == 1
    assert all(b <= a + 1 for a, b in zip(headings, headings[1:], strict=False))
    every_mcid = {(page.obj.objgen, mcid) for page in document.pages
                  for mcid in range(len(parents[int(page.StructParents)]))}
    assert seen_mcids == every_mcid
    assert roles.count("TR") == roles.count("TD")


def _pairs(nums: pikepdf.Array) -> list[tuple[int, pikepdf.Array]]:
    return [(int(nums[i]), nums[i + 1]) for i in range(0, len(nums), 2)]


def test_the_same_submission_always_gives_the_same_bytes() -> None:
    from portal.receipt.pdf import render_receipt

    content, pdf = render("onlinewache", "de")
    assert render_receipt(content) == pdf


def test_every_glyph_shown_has_a_unicode_text(receipt) -> None:
    """PDF/UA 7.21.7: each character code maps to Unicode (ToUnicode), Arabic included."""
    _, pdf = receipt
    document = pikepdf.open(BytesIO(pdf))
    unmapped = set()
    for page in document.pages:
        maps = {name: cmap(font) for name, font in page.Resources.Font.items()}
        current: dict[bytes, str] = {}
        for operands, operator in pikepdf.parse_content_stream(page):
            op = str(operator)
            if op == "Tf":
                current = maps[str(operands[0])]
            elif op in ("Tj", "TJ"):
                strings = [operands[0]] if op == "Tj" else [
                    o for o in operands[0] if isinstance(o, pikepdf.String)]
                codes = b"".join(bytes(s) for s in strings)
                unmapped |= {codes[i:i + 2] for i in range(0, len(codes), 2)
                             if not current.get(codes[i:i + 2])}
    assert not unmapped
