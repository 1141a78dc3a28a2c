"""Pages: long answers wrap, long forms break across pages, every page says which it is."""

from __future__ import annotations

from portal.receipt.content import receipt_content
from portal.receipt.layout import BOTTOM, MARGIN, PAGE_WIDTH, TOP, Text, lay_out
from portal.receipt.pdf import write_pdf
from portal.receipt.shaping import Paragraph

from .pdfs import expected_texts, flat, pdftotext, render, tagged_text
from .samples import LONG_TEXT, fully_answered, shipped_form


def _long_bauantrag():
    form = shipped_form("bauantrag")
    submission, files = fully_answered(form, "de", long=True, reference="BA-7K3M-9QXF")
    content = receipt_content(form, submission, files)
    return content, lay_out(content)


def test_a_long_bauantrag_spans_pages_each_numbered_and_within_its_margins() -> None:
    content, layout = _long_bauantrag()
    pages = len(layout.pages)
    assert pages >= 4
    pdf = write_pdf(layout, content)
    for number in range(1, pages + 1):
        text = pdftotext(pdf, "-f", str(number), "-l", str(number))
        assert f"Seite {number} von {pages}" in text
        assert "Eingangsbestätigung BA-7K3M-9QXF" in text
        body = [i for i in layout.pages[number - 1].items if isinstance(i, Text) and i.node]
        assert len(body) > 5, f"page {number} is (nearly) empty"
        for item in body:
            assert item.x >= MARGIN - 0.01
            assert item.x + item.line.width <= PAGE_WIDTH - MARGIN + 0.01
            assert BOTTOM <= item.y <= TOP
    # Nothing is lost at the page breaks: every label and answer reads as one element...
    cells = {flat(text) for _, text in tagged_text(pdf)}
    assert [t for t in expected_texts(content) if flat(t) not in cells] == []
    # ... and in the order of the content stream, with the page footers taken out.
    lines = pdftotext(pdf, "-raw").splitlines()
    body_text = flat("".join(line for line in lines if not line.startswith(content.footer)))
    assert all(flat(t) in body_text for t in expected_texts(content))


def test_an_answer_longer_than_a_page_continues_on_the_next_and_stays_one_cell() -> None:
    content, layout = _long_bauantrag()
    long_answers = [e.value for s in content.sections for g in s.groups for e in g.entries
                    if e.value.startswith(LONG_TEXT[:40])]
    assert long_answers and len(long_answers[0]) > 2000
    _, pdf = render("bauantrag", "de", long=True)
    cells = [text for role, text in tagged_text(pdf) if role == "TD"]
    whole = [c for c in cells if flat(c) == flat(long_answers[0])]
    assert whole, "the long answer is not one table cell"
    # ... and that cell's lines are on more than one page.
    pages_with_it = {n for n, page in enumerate(layout.pages) for item in page.items
                     if isinstance(item, Text) and item.node is not None
                     and item.node.role == "TD" and "Stahlbetonbodenplatte" in item.line.text}
    assert len(pages_with_it) >= 2


def test_repeating_steps_are_numbered() -> None:
    content, _ = render("onlinewache", "de")
    headings = [g.heading for s in content.sections for g in s.groups if g.heading]
    assert "Zeugin oder Zeuge 1" in headings and "Zeugin oder Zeuge 2" in headings
    assert "Tatverdächtige Person 1" in headings


def test_lines_wrap_at_spaces_and_never_exceed_their_width() -> None:
    from portal.receipt.fonts import load_face

    face = load_face("regular")
    lines = Paragraph(face, 9.5, LONG_TEXT).lines(200)
    assert len(lines) > 5 and all(line.width <= 200 for line in lines)
    assert all(not line.text.startswith(" ") and not line.text.endswith(" ") for line in lines)
    assert " ".join(line.text for line in lines) == LONG_TEXT.strip()
    word = Paragraph(face, 9.5, "x" * 300).lines(100)
    assert len(word) > 1 and "".join(line.text for line in word) == "x" * 300


def test_a_right_to_left_receipt_mirrors_its_columns_and_alignment() -> None:
    form = shipped_form("onlinewache")
    submission, files = fully_answered(form, "ar")
    layout = lay_out(receipt_content(form, submission, files))
    lines: dict[int, list[Text]] = {}
    for page in layout.pages:
        for item in page.items:
            if isinstance(item, Text) and item.node is not None:
                lines.setdefault(id(item.node), []).append(item)
    rows = [row for table in layout.document.kids if table.role == "Table" for row in table.kids]
    assert len(rows) > 40
    for row in rows:
        th, td = (lines[id(cell)] for cell in row.kids)
        # The label on the right, its answer to its left, both right-aligned.
        assert min(i.x for i in th) > max(i.x + i.line.width for i in td)
        assert len({round(i.x + i.line.width, 1) for i in th}) == 1
    # A phone number typed in digits keeps its reading order inside the Arabic receipt.
    phone = [i for items in lines.values() for i in items if i.line.text == "030 1234567"]
    assert phone


def test_the_qr_code_draws_every_module_of_the_reference_and_nothing_else() -> None:
    import segno

    from portal.receipt.layout import Boxes

    content, _ = render("onlinewache", "de")
    layout = lay_out(content)
    (qr,) = [i for i in layout.pages[0].items if isinstance(i, Boxes) and i.grid is not None]
    assert qr.node.role == "Figure" and qr.node.alt == content.qr_alt
    drawn = {(row, col + i) for col, row, length, _ in qr.rects for i in range(length)}
    matrix = segno.make_qr(content.reference, error="m", boost_error=False).matrix
    dark = {(r, c) for r, cells in enumerate(matrix) for c, on in enumerate(cells) if on}
    assert drawn == dark


def test_a_worker_keeps_the_forms_texts_shaped_but_no_citizens_answers() -> None:
    """Receipts with other references and other answers add nothing to the shaped texts a
    worker keeps: memory stays flat over thousands of receipts, and no answer outlives
    its receipt there."""
    from dataclasses import replace

    from portal.receipt.layout import wrapped

    from .samples import FREE_TEXT

    form = shipped_form("onlinewache")
    submission, files = fully_answered(form, "de")

    def own(value, n: int):  # every free-text answer made this citizen's own
        if isinstance(value, dict):
            return {k: own(v, n) for k, v in value.items()}
        if isinstance(value, list):
            return [own(v, n) for v in value]
        return f"{value} Nummer {n}" if value == FREE_TEXT["de"] else value

    def receipt(n: int) -> None:
        citizen = replace(submission, reference=f"OW-7K3M-{n:04d}", data=own(submission.data, n))
        content = receipt_content(form, citizen, files)
        write_pdf(lay_out(content), content)

    receipt(1)
    kept = wrapped.cache_info().currsize
    for n in range(2, 12):
        receipt(n)
    assert wrapped.cache_info().currsize == kept
    assert "Nummer" in str(own(submission.data, 5))  # the answers did differ
