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


class Phrase(str):
    """A sentence for a form designer that can be worded in any language the platform speaks.

    It keeps its message id (German source, marked with `N_`) and its parameters, so the
    designer shows it in the designer's language (`localise`). As a string it reads in
    English: what `amtsweg forms check` prints, what logs and older callers see. A parameter
    that is itself a Phrase (or anything with `localise`) is worded in the same language.
    """

    message_id: Message
    params: dict[str, object]

    def __new__(cls, message: Message, /, **params: object) -> Phrase:
        phrase = super().__new__(cls, _worded(message, "en", params))
        phrase.message_id, phrase.params = message, params
        return phrase

    def localise(self, language: str) -> str:
        return _worded(self.message_id, language, self.params)

    def __reduce__(self) -> tuple[object, ...]:  # pickles (and copies) as what it is
        return (_phrase, (self.message_id, self.params))


def _phrase(message: Message, params: dict[str, object]) -> Phrase:
    return Phrase(message, **params)


def _worded(message: Message, language: str, params: Mapping[str, object]) -> str:
    localised = {key: value.localise(language) if hasattr(value, "localise") else value
                 for key, value in params.items()}
    return fill(wording(message, language, params), localised)


def localise(message: object, language: str) -> str:
    """`message` in `language` if it can be worded (a Phrase), else as it is."""
    return message.localise(language) if isinstance(message, Phrase) else str(message)
