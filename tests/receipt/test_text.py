"""The receipt's text can be extracted, in every language, in the order it is meant to be read."""

from __future__ import annotations

import re

import pytest

from portal.receipt.fonts import load_face
from portal.receipt.shaping import Paragraph

from .pdfs import expected_texts, flat, pdftotext, render, tagged_text

LANGUAGES = ["de", "uk", "ar"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_pdftotext_finds_every_label_answer_and_checksum(language: str) -> None:
    content, pdf = render("onlinewache", language)
    text = flat(pdftotext(pdf))
    expected = expected_texts(content)
    checksums = [e.value for g in content.files for e in g.entries if e.code]
    assert len(checksums) >= 2 and all(re.fullmatch(r"[0-9a-f]{64}", c) for c in checksums)
    if language == "ar":
        # pdftotext rebuilds the logical order of mixed Arabic and Latin lines word by word
        # and moves sentence punctuation: compare the words, each in its logical order.
        missing = [(e, word) for e in expected for word in _words(e) if flat(word) not in text]
    else:
        missing = [e for e in expected if flat(e) not in text]
    assert not missing, missing
    assert all(flat(c) in text for c in checksums)


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[\s.,:;()،؟?\u200f]+", text) if w]


@pytest.mark.parametrize("language", ["de", "uk"])
def test_the_structure_tree_reads_every_text_in_order(language: str) -> None:
    """What a screen reader reads, element by element, is exactly the receipt's content."""
    content, pdf = render("onlinewache", language)
    read = [(role, " ".join(text.split("\n"))) for role, text in tagged_text(pdf)]
    texts = [text for _, text in read if text]
    wanted = [" ".join(t.split("\n")) for t in expected_texts(content)]
    # Line breaks inside an answer (an address) become spaces, as wrapped lines do.
    assert [flat(t) for t in texts if flat(t) in {flat(w) for w in wanted}] == [
        flat(w) for w in _in_reading_order(content, wanted)
    ]
    roles = [role for role, _ in read]
    assert roles[:4] == ["P", "H1", "TH", "TD"] and "Figure" in roles


def _in_reading_order(content, wanted: list[str]) -> list[str]:
    # expected_texts lists the headings of files and form facts last; the receipt puts
    # each heading before its table.
    order = list(wanted)
    for heading, first in ((content.files_heading, content.files[0].entries[0].label),
                           (content.form_heading, content.form_facts[0].label)):
        order.remove(heading)
        order.insert(order.index(first), heading)
    return order


def test_arabic_is_shaped_with_joining_forms_and_reads_right_to_left() -> None:
    content, pdf = render("onlinewache", "ar")
    face = load_face("regular")
    # HarfBuzz chose contextual forms: the glyphs of a word differ from the isolated letters.
    word = "الشرطة"
    line = Paragraph(face, 10, word, rtl=True).lines(500)[0]
    isolated = {face.hb_font.get_nominal_glyph(ord(ch)) for ch in word}
    assert set(line.runs[0].gids) - isolated, "no joining forms were used"
    assert line.runs[0].rtl
    text = pdftotext(pdf)
    # Logical order, words and their letters; "بلاغ" holds the lam-alef ligature.
    assert "تقديم بلاغ عن جريمة أو تزويد الشرطة بمعلومة" in text
    assert content.service.startswith("مركز الشرطة")


def test_a_long_word_breaks_inside_its_cell_and_reads_whole() -> None:
    content, pdf = render("onlinewache", "de")
    hash_value = content.form_facts[-1].value
    assert hash_value.startswith("sha256:") and flat(hash_value) in flat(pdftotext(pdf))
