"""Where everything goes: the receipt's content laid out on A4 pages, with its structure tree.

The layout is computed completely before anything is written, so every page
knows the number of pages. Each placed line belongs to a node of the logical
structure (heading, paragraph, table cell, figure) or is an artifact (footer,
rules), which is what the PDF's tags are made from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from .content import Entry, ReceiptContent
from .fonts import FontFace, load_face
from .qr import QUIET_ZONE, qr_rectangles
from .shaping import Line, Paragraph, first_strong_is_rtl

PAGE_WIDTH, PAGE_HEIGHT = 595.276, 841.89  # A4 in points
MARGIN = 56.7  # 20 mm
TOP, BOTTOM = PAGE_HEIGHT - MARGIN, MARGIN + 14  # the footer sits below BOTTOM
WIDTH = PAGE_WIDTH - 2 * MARGIN
PAD, PAD_Y = 4.0, 3.0  # cell padding
BODY, SMALL, CODE = 9.5, 8.0, 7.2
#: Width of the label column where values are checksums: a SHA-256 fits on one line.
CODE_LABEL = 0.28
QR_MODULE = 2.5
GREY_TEXT, RULE = 0.3, 0.75  # grey levels


@dataclass(eq=False)
class Node:
    """An element of the logical structure: a standard structure type of ISO 32000-1, 14.8.4."""

    role: str
    kids: list[Node] = field(default_factory=list)
    alt: str | None = None
    scope: str | None = None  # for TH: "Row" or "Column"
    bbox: tuple[float, float, float, float] | None = None

    def add(self, role: str, **attributes: object) -> Node:
        node = Node(role, **attributes)
        self.kids.append(node)
        return node


@dataclass(slots=True)
class Text:
    """One line at baseline (x, y); `node` None makes it an artifact."""

    x: float
    y: float
    size: float
    line: Line
    node: Node | None
    grey: float = 0.0


@dataclass(slots=True)
class Boxes:
    """Filled rectangles (x, y, width, height), such as table rules.

    With `grid` (cell size, x, y of the top left corner) the rectangles count whole
    cells from that corner, downwards: the modules of a QR code.
    """

    rects: list[tuple[float, float, float, float]]
    grey: float
    node: Node | None
    grid: tuple[float, float, float] | None = None


@dataclass
class Page:
    items: list[Text | Boxes] = field(default_factory=list)


@dataclass
class Layout:
    pages: list[Page]
    document: Node
    faces: tuple[FontFace, FontFace]


@lru_cache(maxsize=8192)
def wrapped(face: FontFace, size: float, text: str, rtl: bool, width: float) -> list[Line]:
    """A paragraph's lines. Labels, headings and the platform's texts recur within a
    receipt and across the receipts of a form, so they are shaped once per process; a
    citizen's answers are not kept here (`_Composer.lines`)."""
    return Paragraph(face, size, text, rtl).lines(width)


def leading(size: float) -> float:
    return round(size * 1.35, 2)


class _Composer:
    def __init__(self, content: ReceiptContent) -> None:
        self.content = content
        self.rtl = content.rtl
        self.regular, self.bold = load_face("regular"), load_face("bold")
        #: This receipt's own texts, shaped (see `lines`).
        self.shaped: dict[tuple, list[Line]] = {}
        self.document = Node("Document")
        self.qr_modules, self.qr_runs = qr_rectangles(content.reference)
        self.pages: list[Page] = []
        self.y = TOP
        self.new_page()

    # -- pages -----------------------------------------------------------------

    def new_page(self) -> None:
        self.pages.append(Page())
        self.y = TOP

    @property
    def items(self) -> list[Text | Boxes]:
        return self.pages[-1].items

    def room_for(self, height: float) -> None:
        """Start a new page unless `height` fits below the cursor (an empty page always does)."""
        if self.y - height < BOTTOM and self.y < TOP:
            self.new_page()

    # -- text ------------------------------------------------------------------

    def lines(self, text: str, face: FontFace, size: float, width: float,
              typed: bool = False, once: bool = False) -> list[Line]:
        """`typed` text (answers, codes) takes its direction from its first strong letter;
        the receipt's own texts run in the document's direction.

        The form's and the platform's texts recur from receipt to receipt and are kept
        shaped (`wrapped`). What belongs to this receipt alone (`typed` answers, and
        `once`: a text with the reference) is shaped for it only: kept across receipts it
        would fill the cache with answers that never recur, and a worker would hold
        citizens' answers after their receipts are made.
        """
        rtl = first_strong_is_rtl(text) if typed else self.rtl
        if not (typed or once):
            return wrapped(face, size, text, rtl, width)
        key = (face, size, text, rtl, width)
        found = self.shaped.get(key)
        if found is None:
            found = self.shaped[key] = Paragraph(face, size, text, rtl).lines(width)
        return found

    def place(self, line: Line, left: float, width: float, baseline: float, size: float,
              node: Node | None, grey: float = 0.0) -> None:
        """A line aligned to the start edge of the box [left, left + width]."""
        x = left + width - line.width if self.rtl else left
        self.items.append(Text(x, baseline, size, line, node, grey))

    def paragraph(self, node: Node, text: str, face: FontFace, size: float,
                  width: float = WIDTH, after: float = 6.0, grey: float = 0.0) -> None:
        lead = leading(size)
        left = self.start_left(width)
        for line in self.lines(text, face, size, width):
            self.room_for(lead)
            self.place(line, left, width, self.y - baseline_offset(size, lead), size, node, grey)
            self.y -= lead
        self.y -= after

    def start_left(self, width: float) -> float:
        """The left edge of a block of `width` that starts at the reading start."""
        return PAGE_WIDTH - MARGIN - width if self.rtl else MARGIN

    def heading(self, level: int, text: str, before: float = 10.0) -> None:
        size = {1: 18.0, 2: 12.5, 3: 10.5}[level]
        self.y -= before if self.y < TOP else 0
        # Keep a heading with the first lines of what follows it.
        self.room_for(leading(size) + 3 * leading(BODY))
        self.paragraph(self.document.add(f"H{level}"), text, self.bold, size, after=3.0)

    # -- tables ----------------------------------------------------------------

    def table(self, entries: list[Entry], width: float = WIDTH, label: float = 0.36,
              together: bool = False) -> None:
        """A two-column table: each label a row header (TH, scope Row), its value a TD.

        A row starts on a new page unless it fits, and only a row longer than a third
        of a page breaks across pages; a table `together` (a file's four facts) moves
        to the next page as a whole.
        """
        table = self.document.add("Table")
        widths = [width * label, width * (1 - label)]
        lefts = self.column_lefts(widths)
        rows = []
        for entry in entries:
            size = CODE if entry.code else BODY
            rows.append((entry, size,
                         self.lines(entry.label, self.bold, BODY, widths[0] - 2 * PAD),
                         self.lines(entry.value, self.regular, size, widths[1] - 2 * PAD,
                                    typed=True)))
        lead = leading(BODY)
        heights = [max(len(th), len(td)) * lead + 2 * PAD_Y for _, _, th, td in rows]
        if together:
            self.room_for(sum(heights))
        for (_, size, th, td), height in zip(rows, heights, strict=True):
            tr = table.add("TR")
            self.room_for(height if height < (TOP - BOTTOM) / 3 else 4 * lead)
            self.row([(tr.add("TH", scope="Row"), th, BODY), (tr.add("TD"), td, size)],
                     widths, lefts)
        self.y -= 8.0

    def row(self, cells: list[tuple[Node, list[Line], float]], widths: list[float],
            lefts: list[float]) -> None:
        lead = leading(BODY)
        count = max(len(lines) for _, lines, _ in cells)
        done = 0
        while done < count:
            if self.y - PAD_Y - lead < BOTTOM:  # a long answer continues on the next page
                self.new_page()
            fits = min(count - done, int((self.y - PAD_Y - BOTTOM) // lead))
            top = self.y - PAD_Y
            # Cell by cell, so that each cell's lines on this page form one tagged sequence.
            for (node, lines, size), left, width in zip(cells, lefts, widths, strict=True):
                for i, line in enumerate(lines[done:done + fits]):
                    self.place(line, left + PAD, width - 2 * PAD,
                               top - i * lead - baseline_offset(size, lead), size, node)
            done += fits
            self.y = top - fits * lead - PAD_Y
        self.items.append(Boxes([(self.start_left(sum(widths)), self.y, sum(widths), 0.5)],
                                RULE, None))

    def column_lefts(self, widths: list[float]) -> list[float]:
        """Left edges of the columns; in a right-to-left receipt the first column is rightmost."""
        left = self.start_left(sum(widths))
        if self.rtl:
            return [left + sum(widths[i + 1:]) for i in range(len(widths))]
        return [left + sum(widths[:i]) for i in range(len(widths))]

    # -- the receipt -------------------------------------------------------------

    def compose(self) -> Layout:
        c = self.content
        qr_size = (self.qr_modules + 2 * QUIET_ZONE) * QR_MODULE
        head_width = WIDTH - qr_size - 12
        self.paragraph(self.document.add("P"), c.service, self.regular, BODY, head_width,
                       after=4.0, grey=GREY_TEXT)
        self.paragraph(self.document.add("H1"), c.heading, self.bold, 18.0, head_width, after=6.0)
        self.table(c.facts, head_width)
        self.qr(qr_size)
        self.y = min(self.y, TOP - qr_size - 10)
        self.paragraph(self.document.add("P"), c.intro, self.regular, BODY)
        for section in c.sections:
            self.heading(2, section.title)
            if not section.groups:
                self.paragraph(self.document.add("P"), section.empty or "", self.regular, BODY)
            for group in section.groups:
                if group.heading:
                    self.heading(3, group.heading, before=4.0)
                self.table(group.entries)
        self.heading(2, c.files_heading)
        if not c.files:
            self.paragraph(self.document.add("P"), c.no_files, self.regular, BODY)
        for group in c.files:
            self.table(group.entries, label=CODE_LABEL, together=True)
        self.heading(2, c.form_heading)
        self.table(c.form_facts, label=CODE_LABEL)
        self.footers()
        return Layout(self.pages, self.document, (self.regular, self.bold))

    def qr(self, size: float) -> None:
        """The QR code in the top corner at the reading end, as a figure with its text."""
        left = MARGIN if self.rtl else PAGE_WIDTH - MARGIN - size
        top = TOP + QR_MODULE * QUIET_ZONE / 2  # the quiet zone may reach into the margin
        grid = (QR_MODULE, left + QUIET_ZONE * QR_MODULE, top - QUIET_ZONE * QR_MODULE)
        rects = [(col, row, length, 1) for row, col, length in self.qr_runs]
        figure = self.document.add("Figure", alt=self.content.qr_alt,
                                   bbox=(left, top - size, left + size, top))
        self.pages[0].items.append(Boxes(rects, 0.0, figure, grid))

    def footers(self) -> None:
        c, total = self.content, len(self.pages)
        y = MARGIN
        for number, page in enumerate(self.pages, 1):
            label = self.lines(c.footer, self.regular, SMALL, WIDTH / 2, once=True)[0]
            count = self.lines(c.page_text(number, total), self.regular, SMALL, WIDTH / 2)[0]
            first, last = (count, label) if self.rtl else (label, count)
            page.items.append(Text(MARGIN, y, SMALL, first, None, GREY_TEXT))
            page.items.append(Text(PAGE_WIDTH - MARGIN - last.width, y, SMALL, last, None,
                                   GREY_TEXT))
            page.items.append(Boxes([(MARGIN, y + 11, WIDTH, 0.5)], RULE, None))


def baseline_offset(size: float, lead: float) -> float:
    """From the top of a line box to the baseline: half the spare leading plus the ascent."""
    face = load_face("regular")
    ascent, descent = face.ascent / face.units_per_em, -face.descent / face.units_per_em
    return (lead - (ascent + descent) * size) / 2 + ascent * size


def lay_out(content: ReceiptContent) -> Layout:
    return _Composer(content).compose()
