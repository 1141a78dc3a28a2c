"""The one place that resolves a language map to the text a citizen reads."""

from __future__ import annotations

from collections.abc import Mapping

#: Languages the platform speaks, in the order the language switch shows them.
LANGUAGES: tuple[str, ...] = ("de", "en", "uk", "tr", "ar")
RIGHT_TO_LEFT: frozenset[str] = frozenset({"ar"})


def is_language_map(value: object) -> bool:
    """True for an object such as {"de": "Straße", "en": "Street"}."""
    return (
        isinstance(value, Mapping)
        and bool(value)
        and all(k in LANGUAGES and isinstance(v, str) for k, v in value.items())
    )


def resolve(language_map: Mapping[str, str] | None, language: str, default_language: str) -> str:
    """The text in `language`, falling back to the form's default language.

    The fallback is per text: a form translated except for one hint still shows
    every other text in the citizen's language.
    """
    if not language_map:
        return ""
    text = language_map.get(language) or language_map.get(default_language)
    if text:
        return text
    # A definition that passed the check always has the default language;
    # anything else (a preview of a broken draft) shows whatever is there.
    return next(iter(language_map.values()), "")


def text_direction(language: str) -> str:
    return "rtl" if language in RIGHT_TO_LEFT else "ltr"


# Arabic-Indic (U+0660…) and Eastern Arabic-Indic (U+06F0…) digits, and the Arabic
# decimal and thousands separators: what an Arabic keyboard types for numbers.
_WESTERN = str.maketrans(
    {**{0x0660 + i: str(i) for i in range(10)}, **{0x06F0 + i: str(i) for i in range(10)},
     0x066B: ",", 0x066C: "."}
)


def western_digits(text: str) -> str:
    """Digits as 0-9, whatever script the citizen typed them in."""
    return text.translate(_WESTERN)
