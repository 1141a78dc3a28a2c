"""Field types turn what a citizen types into canonical answers, or say clearly what is wrong."""

from __future__ import annotations

from datetime import date

import pytest

from portal.engine import Invalid
from portal.engine.fields import make_field
from portal.engine.types.iban import iban_is_valid

TODAY = date(2026, 11, 25)


def field(type_: str, **spec):
    return make_field({"name": "x", "type": type_, "label": {"de": "X"}, **spec})


def clean(type_: str, raw, language: str = "de", **spec):
    return field(type_, **spec).clean(raw, language, TODAY)


def error(type_: str, raw, language: str = "en", **spec) -> str:
    with pytest.raises(Invalid) as info:
        field(type_, **spec).clean(raw, language, TODAY)
    return info.value.message(language)


@pytest.mark.parametrize(
    ("raw", "language", "expected"),
    [
        ("1.234,56", "de", "1234.56"),
        ("1234,5", "de", "1234.50"),
        ("1234.56", "de", "1234.56"),  # a point before two digits cannot be a thousands separator
        ("1,234.56", "en", "1234.56"),
        ("1234.5", "en", "1234.50"),
        ("12 €", "de", "12.00"),
        ("0", "tr", "0.00"),
    ],
)
def test_money_is_read_in_the_citizens_locale_and_stored_canonically(raw, language, expected):
    assert clean("money", raw, language) == expected


def test_decimal_keeps_up_to_its_decimals_and_rejects_more():
    assert clean("decimal", "12,5", "de") == "12.5"
    assert clean("decimal", "3,000", "de", decimals=3) == "3"
    assert "2 decimal places" in error("decimal", "1.234", "en")


def test_number_rejects_fractions_and_text_and_honours_min_max():
    assert clean("number", "1.000", "de") == 1000
    assert clean("number", " 7 ", "de") == 7
    with pytest.raises(Invalid):
        clean("number", "2,5", "de")
    with pytest.raises(Invalid):
        clean("number", "drei", "de")
    with pytest.raises(Invalid) as info:
        clean("number", "101", "de", min=0, max=100)
    assert "100" in info.value.message("de")


def test_text_lengths_and_pattern_with_the_designers_own_message():
    spec = {
        "pattern": "[0-9]+(/[0-9]+)?",
        "pattern_message": {"de": "Flurstück wie 123 oder 123/4", "en": "Plot like 123 or 123/4"},
    }
    assert clean("text", " 123/4 ", **spec) == "123/4"
    assert error("text", "12a", "en", **spec) == "Plot like 123 or 123/4"
    assert error("text", "12a", "de", **spec) == "Flurstück wie 123 oder 123/4"
    # A language the pattern message lacks falls back to another text, never to nothing.
    assert error("text", "12a", "uk", **spec)
    with pytest.raises(Invalid):
        clean("textarea", "kurz", min_length=20)
    with pytest.raises(Invalid):
        clean("text", "x" * 201)


def test_email_and_tel():
    assert clean("email", " ana@example.org ") == "ana@example.org"
    for bad in ("ana", "ana@", "ana@example", "a b@example.org"):
        with pytest.raises(Invalid):
            clean("email", bad)
    assert clean("tel", "+49 30  1234567") == "+49 30 1234567"
    for bad in ("1234", "call me", "+49 30 1234567 ext"):
        with pytest.raises(Invalid):
            clean("tel", bad)


@pytest.mark.parametrize(
    "raw",
    [{"day": "27", "month": "3", "year": "2024"}, "27.03.2024", "2024-03-27", "27/3/2024"],
)
def test_dates_from_parts_or_text(raw):
    assert clean("date", raw) == "2024-03-27"


def test_date_rules():
    with pytest.raises(Invalid) as info:
        clean("date", "26.11.2026", not_in_future=True)
    assert "future" in info.value.message("en")
    with pytest.raises(Invalid) as info:
        clean("date", "24.11.2026", not_in_past=True)
    with pytest.raises(Invalid) as info:
        clean("date", "01.01.1990", not_before="today-30y")
    # The limit is shown in the citizen's locale.
    assert "25. November 1996" in info.value.message("de")
    assert clean("date", "29.02.2024", not_after="2024-12-31") == "2024-02-29"
    with pytest.raises(Invalid) as info:
        clean("date", {"day": "31", "month": "2", "year": "2024"})
    with pytest.raises(Invalid) as info:
        clean("date", {"day": "1", "month": "", "year": "2024"})
    assert info.value.part == "month"


def test_time():
    assert clean("time", "9:05") == "09:05"
    assert clean("time", "14.30") == "14:30"
    assert clean("time", "14 Uhr") == "14:00"
    with pytest.raises(Invalid):
        clean("time", "25:00")


OPTIONS = [
    {"value": "ja", "label": {"de": "Ja", "en": "Yes"}},
    {"value": "nein", "label": {"de": "Nein", "en": "No"}},
]


def test_choices_store_values_never_labels():
    assert clean("radio", "ja", options=OPTIONS) == "ja"
    with pytest.raises(Invalid):
        clean("radio", "Ja", options=OPTIONS)
    f = field("radio", options=OPTIONS)
    assert f.display("nein", "en", "de") == "No"
    assert clean("checkboxes", ["nein", "ja"], options=OPTIONS) == ["ja", "nein"]
    with pytest.raises(Invalid):
        clean("checkboxes", ["ja", "vielleicht"], options=OPTIONS)
    with pytest.raises(Invalid):
        clean("checkboxes", ["ja", "nein"], options=OPTIONS, max_selected=1)


def test_checkbox_is_a_boolean():
    assert clean("checkbox", "y") is True
    f = field("checkbox")
    assert f.is_blank(None) and f.is_blank("") and not f.is_blank("on")
    assert f.blank_value() is False


@pytest.mark.parametrize(
    "iban",
    ["DE02120300000000202051", "DE89370400440532013000", "NL91ABNA0417164300",
     "AT611904300234573201"],
)
def test_valid_ibans(iban):
    assert iban_is_valid(iban)
    assert clean("iban", " ".join(iban[i : i + 4] for i in range(0, len(iban), 4)).lower()) == iban


def test_iban_checksum_and_length_are_verified():
    assert "not valid" in error("iban", "DE02120300000000202052")
    assert "22" in error("iban", "DE0212030000000020205")
    shown = field("iban").display("DE02120300000000202051", "de", "de")
    assert shown == "DE02 1203 0000 0000 2020 51"


@pytest.mark.parametrize("iban", ["TR330006100519786457841326", "UA213223130000026007233566001"])
def test_ibans_from_outside_sepa_are_accepted(iban):
    """The people the Turkish and Ukrainian translations serve bank at home too."""
    assert iban_is_valid(iban)
    assert clean("iban", " ".join(iban[i : i + 4] for i in range(0, len(iban), 4))) == iban
    assert "not valid" in error("iban", iban[:4] + ("1" if iban[4] != "1" else "2") + iban[5:])


def test_the_length_message_knows_every_registered_country():
    assert "26" in error("iban", "TR33000610051978645784132")  # a Turkish IBAN has 26 characters
    assert "29" in error("iban", "UA2132231300000260072335660011")
    assert "not valid" in error("iban", "XX02120300000000202051")  # no such country


def test_postcode_de():
    assert clean("postcode_de", "10 115") == "10115"
    for bad in ("1011", "00123", "ABCDE", "101155"):
        with pytest.raises(Invalid):
            clean("postcode_de", bad)


def test_address_parts_and_country():
    raw = {"street": "Unter den Linden", "house_number": "77", "postcode": "10117",
           "city": "Berlin"}
    assert clean("address", raw) == {**raw, "country": "DE"}
    with pytest.raises(Invalid) as info:
        clean("address", {**raw, "postcode": "1011"})
    assert info.value.part == "postcode"
    with pytest.raises(Invalid) as info:
        clean("address", {**raw, "city": ""})
    assert info.value.part == "city"
    # Abroad, any postcode form is allowed; the country must be a real one.
    abroad = {**raw, "postcode": "1010", "city": "Wien", "country": "AT"}
    assert clean("address", abroad, countries="any")["country"] == "AT"
    with pytest.raises(Invalid) as info:
        clean("address", {**abroad, "country": "XX"}, countries="any")
    assert info.value.part == "country"
    f = field("address", countries="any")
    assert "Österreich" in f.display({**abroad, "country": "AT"}, "de", "de")


def test_person_name_and_date_range():
    assert clean("person_name", {"given_name": " Olena ", "family_name": "Kovalenko"}) == {
        "given_name": "Olena",
        "family_name": "Kovalenko",
    }
    with pytest.raises(Invalid) as info:
        clean("person_name", {"given_name": "Olena"})
    assert info.value.part == "family_name"
    assert clean("date_range", {"from": "01.11.2026", "to": "03.11.2026"}) == {
        "from": "2026-11-01",
        "to": "2026-11-03",
    }
    with pytest.raises(Invalid) as info:
        clean("date_range", {"from": "03.11.2026", "to": "01.11.2026"})
    assert info.value.part == "to"
    with pytest.raises(Invalid) as info:
        clean("date_range", {"from": "01.11.2026", "to": "03.12.2026"}, not_in_future=True)
    assert info.value.part == "to"


def test_files_count():
    assert clean("file", ["a1", "b2"], max_files=2) == ["a1", "b2"]
    with pytest.raises(Invalid):
        clean("file", ["a1", "b2"])


def test_arabic_indic_digits_are_understood():
    assert clean("money", "١٢٣٤٫٥", "ar") == "1234.50"
    assert clean("date", {"day": "١٥", "month": "٣", "year": "٢٠٢٤"}) == "2024-03-15"
    assert clean("postcode_de", "١٠١١٧") == "10117"
    assert clean("time", "۱۴:۳۰") == "14:30"
