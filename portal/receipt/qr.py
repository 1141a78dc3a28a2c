"""The reference number as a QR code, drawn as vector rectangles (no image in the PDF).

segno computes the module matrix; each run of dark modules in a row becomes
one rectangle, so a version 1 code is some hundred path operators.
"""

from __future__ import annotations

import segno

#: Light modules around the symbol that a scanner needs (ISO/IEC 18004: four modules).
QUIET_ZONE = 4


def qr_rectangles(text: str) -> tuple[int, list[tuple[int, int, int]]]:
    """(modules per side, [(row, first column, length)]) for the dark runs of `text`'s QR code.

    Rows count from the top. Error correction M keeps the code readable on a
    creased or faintly printed page.
    """
    matrix = segno.make_qr(text, error="m", boost_error=False).matrix
    runs = []
    for row, modules in enumerate(matrix):
        col, size = 0, len(modules)
        while col < size:
            if modules[col]:
                start = col
                while col < size and modules[col]:
                    col += 1
                runs.append((row, start, col - start))
            else:
                col += 1
    return len(matrix), runs
