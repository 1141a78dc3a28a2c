"""Walking a shipped form with valid answers, as a citizen would: used by wizard and browser tests.

`form_data(field)` gives the inputs a browser posts for a field, in the
wizard's input names; `Walker` drives the Flask test client through a form.
"""

from __future__ import annotations

import re
import struct
import zlib
from dataclasses import dataclass, field
from decimal import Decimal
from io import BytesIO
from typing import Any

from babel.numbers import format_decimal

from portal.engine import Field, Form, Step

#: Answers for fields whose rules a generic value cannot meet (patterns, ranges).
SAMPLES: dict[str, Any] = {
    "rahmennummer": "WBK 123456 X",
    "kammer_nummer": "A-12345",
    "flurstueck": "123/4",
    "flur": "7",
    "sozialversicherungsnummer": "65 170839 J 003",
    "kennzeichen": "B-AB 1234",
    "tathergang": "Mein Fahrrad wurde vor dem Bahnhof gestohlen, obwohl es abgeschlossen war.",
    "beschreibung": "Neubau eines Einfamilienhauses mit Garage und Carport auf dem Grundstück.",
    # wohngeld: its rules want heating below the rent, and a plausible rent per m²
    "wohnflaeche": Decimal("62.5"),
    "gesamtmiete": Decimal("750.00"),
    "heizkosten": Decimal("95.00"),
}


def minimal_pdf() -> bytes:
    """A real, tiny, one-page PDF."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n"
              % (len(objects) + 1, xref))
    return out.getvalue()


def minimal_png(width: int = 2, height: int = 2) -> bytes:
    """A real PNG image, grey pixels."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        checksum = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + checksum

    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def _text_for(f: Field) -> str:
    if f.name in SAMPLES:
        return SAMPLES[f.name]
    if f.type == "textarea":
        return "Ausführliche Beschreibung des Sachverhalts mit allen wichtigen Einzelheiten."
    minimum = getattr(f, "min_length", None) or 0
    return ("Beispieltext " * 5)[: max(minimum, 12)].strip()


def _number_for(f: Field) -> str:
    low = getattr(f, "min", None)
    high = getattr(f, "max", None)
    value = 3
    if low is not None and value < low:
        value = int(low)
    if high is not None and value > high:
        value = int(high)
    return str(value)


def form_data(f: Field, language: str = "de") -> dict[str, Any]:
    """The inputs a browser posts for a valid answer to `f` (file fields excluded).

    Numbers are written the way a citizen of `language` writes them.
    """
    n = f.name
    match f.type:
        case "text" | "textarea":
            return {n: _text_for(f)}
        case "email":
            return {n: "olena.kovalenko@example.org"}
        case "tel":
            return {n: "030 1234567"}
        case "number":
            return {n: _number_for(f)}
        case "decimal":
            number = SAMPLES.get(n, Decimal(_number_for(f)) + Decimal("0.5"))
            return {n: format_decimal(number, locale=language)}
        case "money":
            amount = SAMPLES.get(n, Decimal("1234.50"))
            return {n: format_decimal(amount, format="#,##0.00", locale=language)}
        case "date":
            return {f"{n}-day": "15", f"{n}-month": "3", f"{n}-year": _year_for(f)}
        case "date_range":
            year = _year_for(f)
            return {f"{n}-from-day": "1", f"{n}-from-month": "3", f"{n}-from-year": year,
                    f"{n}-to-day": "4", f"{n}-to-month": "3", f"{n}-to-year": year}
        case "time":
            return {n: "14:30"}
        case "radio" | "select":
            return {n: f.options[0].value}
        case "checkboxes":
            return {n: [f.options[0].value]}
        case "checkbox":
            return {n: "y"}
        case "person_name":
            return {f"{n}-given_name": "Olena", f"{n}-family_name": "Kovalenko"}
        case "address":
            return {f"{n}-street": "Unter den Linden", f"{n}-house_number": "77",
                    f"{n}-postcode": "10117", f"{n}-city": "Berlin", f"{n}-country": "DE"}
        case "postcode_de":
            return {n: "10117"}
        case "country":
            return {n: (getattr(f, "first", None) or ["DE"])[0]}
        case "iban":
            return {n: "DE02 1203 0000 0000 2020 51"}
        case _:
            return {}


def _year_for(f: Field) -> str:
    rules = f.rules
    if rules.not_in_past:
        return "2031"
    return "2020" if not rules.not_before or "-1y" not in rules.not_before else "2026"


def file_for(f: Field) -> tuple[bytes, str]:
    if "application/pdf" in f.accept:
        return minimal_pdf(), f"{f.name}.pdf"
    return minimal_png(), f"{f.name}.png"


@dataclass
class Walker:
    """Drives the test client through a form, answering every step validly."""

    client: Any
    form: Form
    language: str = "de"
    #: The postcode every address and postcode field gets (it decides jurisdiction).
    postcode: str = "10117"
    #: What to answer on the page that asks which municipality (authority) is meant.
    choice: str = "0"
    authority_pages: list[str] = field(default_factory=list)
    visited: list[str] = field(default_factory=list)
    pages: list[tuple[str, int]] = field(default_factory=list)

    def start(self) -> str:
        response = self.client.post(f"/forms/{self.form.id}/start")
        assert response.status_code == 303, response.status_code
        return response.headers["Location"]

    def step_data(self, step: Step, html: str) -> dict[str, Any]:
        data: dict[str, Any] = {"action": "continue"}
        for f in step.questions:
            if f.type == "file":
                if f'name="{f.name}-upload"' in html:
                    content, name = file_for(f)
                    data[f"{f.name}-upload"] = (BytesIO(content), name)
                continue
            # Post only what the page shows, as a browser would.
            if re.search(rf'name="{re.escape(f.name)}(-[a-z_]+)*"', html):
                data.update(form_data(f, self.language))
                for key in (f.name, f"{f.name}-postcode"):
                    if f.type in ("address", "postcode_de") and key in data:
                        data[key] = self.postcode
        return data

    def walk(self, max_pages: int = 60) -> str:
        """Answer every step and stop at the summary; returns the summary's HTML."""
        location = self.start()
        for _ in range(max_pages):
            page = self.client.get(location)
            self.pages.append((location, page.status_code))
            if page.status_code in (302, 303):  # an empty list of entries opens the first entry
                location = page.headers["Location"]
                continue
            assert page.status_code == 200, (location, page.status_code)
            if location.endswith("/summary"):
                return page.text
            if location.split("?")[0].endswith("/authority"):
                self.authority_pages.append(page.text)
                response = self.client.post(location, data={"choice": self.choice})
                assert response.status_code == 303, (location, response.status_code)
                location = response.headers["Location"]
                continue
            step_id = location.split("/steps/")[1].split("/")[0]
            step = self.form.step(step_id)
            self.visited.append(location)
            if step.repeat is not None and "/entries/" not in location:
                # The list of entries: add one if there is none, then continue.
                if "entry-list__item" not in page.text:
                    location = location + "/entries/new"
                    continue
                response = self.client.post(location, data={"action": "continue"})
            else:
                response = self.client.post(location, data=self.step_data(step, page.text),
                                            content_type="multipart/form-data")
            assert response.status_code == 303, (location, response.status_code,
                                                 _errors(response.text))
            location = response.headers["Location"]
        raise AssertionError("the form did not reach the summary")


def _errors(html: str) -> list[str]:
    return re.findall(r'<li><a href="#[^"]+">(.*?)</a></li>', html)


def send(client: Any, form_id: str, outcome: str = "pay") -> Any:
    """Press "send" on the summary; a fee is paid with the built-in test provider
    (`outcome`: pay, cancel or fail). Returns the last answer: for a paid fee (or none) the
    303 to the confirmation page, as "send" gives it for a form without a fee."""
    response = client.post(f"/forms/{form_id}/submit")
    location = response.headers.get("Location", "")
    if response.status_code == 303 and "/test-payment/" in location:
        assert client.get(location).status_code == 200
        back = client.post(location, data={"outcome": outcome})
        assert back.status_code == 303, back.status_code
        response = client.get(back.headers["Location"])  # the citizen's return
    return response

