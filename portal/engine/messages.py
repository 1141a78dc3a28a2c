"""Translated messages for the engine, from the same gettext catalogues as the interface.

Source strings are German (the platform's source language); `N_` marks them for
`pybabel extract` without translating at import time. A message with a count is
marked with `N_plural`: German singular and plural, and the parameter that counts,
so each language shows the form its grammar asks for (Ukrainian has three, Arabic six).
"""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from babel.support import NullTranslations, Translations

#: The catalogues ship inside the package (package data, .mo compiled when it is built), found
#: beside the engine, which loads without the rest of the portal package (and without Flask).
TRANSLATIONS_DIR = Path(__file__).resolve().parents[1] / "translations"


class Plural(NamedTuple):
    """A message whose wording depends on a number: the parameter named `count`."""

    singular: str
    plural: str
    count: str


#: What `N_` or `N_plural` marks: the message id that `translate` looks up.
Message = str | Plural


def N_(message: str) -> str:  # noqa: N802 - the conventional gettext marker name
    return message


def N_plural(singular: str, plural: str, count: str) -> Plural:  # noqa: N802 - a gettext marker
    """Marks a message with a count; `count` names the parameter that chooses the form."""
    return Plural(singular, plural, count)


@lru_cache(maxsize=16)
def catalogue(language: str) -> NullTranslations:
    if language == "de":
        return NullTranslations()
    return Translations.load(str(TRANSLATIONS_DIR), [language], domain="messages")


def wording(message: Message, language: str, params: Mapping[str, object]) -> str:
    """`message` in `language` with its parameters not yet filled in.

    A `Plural` takes the form that its count, ``params[message.count]``, asks for in
    that language: "1 Datei", "3 Dateien"; "2 файли", "5 файлів".
    """
    if isinstance(message, Plural):
        count = params[message.count]
        return catalogue(language).ngettext(message.singular, message.plural, count)
    return catalogue(language).gettext(message)


def fill(text: str, params: Mapping[str, object]) -> str:
    return text % params if params else text


def translate(message: Message, language: str, **params: object) -> str:
    """`message` (German source) in `language`, with %(name)s parameters filled in."""
    return fill(wording(message, language, params), params)
