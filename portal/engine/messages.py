"""Translated messages for the engine, from the same gettext catalogues as the interface.

Source strings are German (the platform's source language); `N_` marks them for
`pybabel extract` without translating at import time.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from babel.support import NullTranslations, Translations

TRANSLATIONS_DIR = Path(__file__).resolve().parents[2] / "translations"


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker name
    return message


@lru_cache(maxsize=16)
def catalogue(language: str) -> NullTranslations:
    if language == "de":
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS_DIR), [language], domain="messages")


def translate(message: str, language: str, **params: object) -> str:
    """`message` (German source) in `language`, with %(name)s parameters filled in."""
    text = catalogue(language).gettext(message)
    return text % params if params else text


def ngettext(singular: str, plural: str, n: int, language: str, **params: object) -> str:
    text = catalogue(language).ngettext(singular, plural, n)
    return text % {"n": n, **params}
