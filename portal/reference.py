"""Reference numbers a citizen can read out on the phone: OW-7K3M-9QXF.

Only characters that cannot be confused when spoken or handwritten (no 0/O,
1/I/L, U/V), and a check character (Luhn mod N) that catches every single
wrong character and every swap of two neighbours.
"""

from __future__ import annotations

import re
import secrets

ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
BODY_LENGTH = 7  # 29**7 ≈ 1.7e10 per form prefix, plus the check character


def check_character(body: str) -> str:
    n = len(ALPHABET)
    total, factor = 0, 2
    for char in reversed(body):
        addend = factor * ALPHABET.index(char)
        total += addend // n + addend % n
        factor = 1 if factor == 2 else 2
    return ALPHABET[(n - total % n) % n]


def make_reference(prefix: str) -> str:
    body = "".join(secrets.choice(ALPHABET) for _ in range(BODY_LENGTH))
    code = body + check_character(body)
    return f"{prefix}-{code[:4]}-{code[4:]}"


def normalise(reference: str) -> str:
    """What a caseworker types from the phone: case, spaces and dashes do not matter."""
    text = re.sub(r"[\s-]", "", reference.upper())
    m = re.fullmatch(r"([A-Z]{2,4}?)([" + ALPHABET + "]{8})", text)
    return f"{m.group(1)}-{m.group(2)[:4]}-{m.group(2)[4:]}" if m else reference


def is_valid(reference: str) -> bool:
    m = re.fullmatch(r"[A-Z]{2,4}-([" + ALPHABET + "]{4})-([" + ALPHABET + "]{4})", reference)
    if not m:
        return False
    code = m.group(1) + m.group(2)
    return check_character(code[:-1]) == code[-1]
