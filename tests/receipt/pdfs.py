"""Looking into receipts the way archivists and screen readers do: poppler, qpdf, pikepdf.

`tagged_text` reads a receipt through its structure tree: for every leaf
element (heading, paragraph, table cell) the text of its marked content,
decoded with the fonts' ToUnicode maps, in structure order.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tempfile
import unicodedata
from functools import cache
from io import BytesIO

import pikepdf
import pytest

from portal.receipt.content import ReceiptContent, receipt_content
from portal.receipt.pdf import render_receipt

from .samples import fully_answered, shipped_form

#: Bidi controls pdftotext puts around right-to-left stretches, and all white space.
_INVISIBLE = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069\\s]")


@cache
def render(form_id: str, language: str, long: bool = False) -> tuple[ReceiptContent, bytes]:
    form = shipped_form(form_id)
    submission, files = fully_answered(form, language, long=long)
    content = receipt_content(form, submission, files)
    return content, render_receipt(content)


def tool(name: str, *args: str, pdf: bytes) -> subprocess.CompletedProcess[bytes]:
    """Run a command-line PDF tool; "-" in `args` stands for a file holding `pdf`."""
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: apt-get install poppler-utils qpdf (.ci/run does)",
                    pytrace=False)
    with tempfile.NamedTemporaryFile(suffix=".pdf") as file:
        file.write(pdf)
        file.flush()
        command = [path, *(file.name if a == "-" else a for a in args)]
        return subprocess.run(command, capture_output=True, check=False)  # noqa: S603


def pdftotext(pdf: bytes, *options: str) -> str:
    done = tool("pdftotext", *options, "-", "/dev/stdout", pdf=pdf)
    assert done.returncode == 0, done.stderr
    return done.stdout.decode()


def flat(text: str) -> str:
    """Text compared without white space, bidi controls and Arabic vowel marks (pdftotext
    splits a letter from its vowel mark), in NFC."""
    text = _INVISIBLE.sub("", unicodedata.normalize("NFC", text))
    return "".join(ch for ch in text if unicodedata.category(ch) != "Mn")


def expected_texts(content: ReceiptContent) -> list[str]:
    """Every label, answer and checksum a receipt must show."""
    texts = [content.service, content.heading]
    texts += [x for e in content.facts for x in (e.label, e.value)]
    for section in content.sections:
        texts.append(section.title)
        for group in section.groups:
            texts += [group.heading] if group.heading else []
            texts += [x for e in group.entries for x in (e.label, e.value)]
    for group in content.files:
        texts += [x for e in group.entries for x in (e.label, e.value)]
    texts += [content.files_heading, content.form_heading]
    texts += [x for e in content.form_facts for x in (e.label, e.value)]
    return texts


def cmap(font: pikepdf.Object) -> dict[bytes, str]:
    """A font's ToUnicode map: two-byte code -> text."""
    data = font.ToUnicode.read_bytes().decode("ascii")
    return {bytes.fromhex(cid): bytes.fromhex(text).decode("utf-16-be")
            for cid, text in re.findall(r"<([0-9a-f]{4})> <([0-9a-f]*)>", data)}


def _marked_text(page: pikepdf.Page) -> dict[int, str]:
    """MCID -> the text shown inside that marked-content sequence on `page`."""
    maps = {name: cmap(font) for name, font in page.Resources.Font.items()}
    texts: dict[int, list[str]] = {}
    stack: list[int | None] = []
    current: dict[bytes, str] = {}
    for operands, operator in pikepdf.parse_content_stream(page):
        op = str(operator)
        if op == "BDC":
            props = operands[1]
            stack.append(int(props.MCID) if "/MCID" in props else None)
        elif op == "BMC":
            stack.append(None)
        elif op == "EMC":
            stack.pop()
        elif op == "Tf":
            current = maps[str(operands[0])]
        elif op in ("Tj", "TJ"):
            strings = [operands[0]] if op == "Tj" else [o for o in operands[0]
                                                        if isinstance(o, pikepdf.String)]
            codes = b"".join(bytes(s) for s in strings)
            mcid = next((m for m in reversed(stack) if m is not None), None)
            assert mcid is not None or stack, f"text outside marked content: {op} {operands}"
            if mcid is not None:
                text = "".join(current.get(codes[i:i + 2], "\ufffd")
                               for i in range(0, len(codes), 2))
                texts.setdefault(mcid, []).append(text)
    return {mcid: "\n".join(parts) for mcid, parts in texts.items()}


def tagged_text(pdf: bytes) -> list[tuple[str, str]]:
    """(structure type, text) of every element with content, in the order of the tree."""
    document = pikepdf.open(BytesIO(pdf))
    pages = {page.obj.objgen: page for page in document.pages}
    marked = {}
    for objgen, page in pages.items():
        for mcid, text in _marked_text(page).items():
            marked[(objgen, mcid)] = text
    out: list[tuple[str, str]] = []

    def walk(element: pikepdf.Object, page: pikepdf.Object | None) -> None:
        page = element.get("/Pg", page)
        kids = element.get("/K")
        if kids is None:
            return
        kids = kids if isinstance(kids, pikepdf.Array) else [kids]
        parts = []
        for kid in kids:
            if isinstance(kid, int):  # marked content without text (a figure) reads as ""
                parts.append(marked.get((page.objgen, kid), ""))
            elif kid.get("/Type") == "/MCR":
                parts.append(marked.get((kid.Pg.objgen, int(kid.MCID)), ""))
            else:
                walk(kid, page)
        if parts:
            out.append((str(element.S)[1:], "\n".join(p for p in parts if p)))

    walk(document.Root.StructTreeRoot.K, None)
    return out
