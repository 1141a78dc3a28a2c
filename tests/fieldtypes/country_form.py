"""A test form like the shipped ones, with a nationality (Germany first) and a country of birth."""

from __future__ import annotations

from typing import Any

from portal.engine import check_definition, compile_form


def L(de: str, en: str) -> dict[str, str]:  # noqa: N802 - reads like a literal
    return {"de": de, "en": en, "uk": en, "tr": en, "ar": en}


DEFINITION: dict[str, Any] = {
    "id": "laender-test",
    "version": "1.0.0",
    "languages": ["de", "en", "uk", "tr", "ar"],
    "default_language": "de",
    "title": L("Länder-Test", "Country test"),
    "privacy_notice": L("Nur für Tests.", "Tests only."),
    "destination": "testamt",
    "retention_days": 30,
    "steps": [
        {"id": "person", "title": L("Zur Person", "About you"), "fields": [
            {"name": "vorname", "type": "text", "label": L("Vorname", "Given name"),
             "required": True},
            {"name": "staatsangehoerigkeit", "type": "country", "usage": "nationality",
             "first": ["DE"], "required": True,
             "label": L("Staatsangehörigkeit", "Nationality")},
            {"name": "geburtsland", "type": "country", "usage": "other",
             "label": L("Geburtsland", "Country of birth")},
        ]},
        {"id": "ende", "title": L("Abschluss", "Finish"), "fields": [
            {"name": "bemerkung", "type": "text", "label": L("Bemerkung", "Remark")},
        ]},
    ],
}


def checked() -> dict[str, Any]:
    document, problems = check_definition(DEFINITION)
    assert document is not None, [str(p) for p in problems]
    return document


def form():
    return compile_form(checked())
