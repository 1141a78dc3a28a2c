"""A country: a select of every country named in the citizen's language; the answer is its code.

The list is `portal.engine.countries` (Babel's territory names, the one list an address's
country uses too). The answer is an ISO 3166-1 alpha-2 code ("DE"), whatever language the
citizen used; the summary page and the receipt show the country's name again.

`usage` says what the country is for: "address" (the default; browsers may fill it
in with the autocomplete token `country`), "nationality" or "other" (no token:
autofilling the address's country there would be wrong). A nationality may also be
"staatenlos" (XXA) or "ungeklärt" (XXX), offered after the states. `first` puts the
countries most citizens choose at the top; `only` limits the list.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from ..countries import CODES, territories
from ..errors import Invalid
from ..fields import CHOOSE, Field, Note, _text, field_type
from ..messages import N_, translate

USAGES = ("address", "nationality", "other")
#: A nationality may also be none or not known: the codes of ICAO Doc 9303 (part 3), which
#: German residence documents print for them. Offered after the states, for "nationality".
NO_NATIONALITY: tuple[tuple[str, str], ...] = (
    ("XXA", N_("staatenlos")),
    ("XXX", N_("Staatsangehörigkeit ungeklärt")),
)


@field_type
class Country(Field):
    type = "country"
    template = "fields/country.html"
    collect = "select"
    definition_schema = {
        "title": "Field of type country",
        "description": "A country chosen from a list of names in the citizen's language. "
        "Answer: its ISO 3166-1 alpha-2 code, such as \"DE\".",
        "$ref": "#/$defs/questionBase",
        "properties": {
            "type": {"const": "country"},
            "usage": {"enum": list(USAGES), "description": "What the country is for: \"address\" "
                      "(default), \"nationality\" or \"other\"; decides the autocomplete token."},
            "first": {"type": "array", "items": {"enum": list(CODES)}, "uniqueItems": True,
                      "description": "Codes shown at the top of the list, such as [\"DE\"]."},
            "only": {"type": "array", "items": {"enum": list(CODES)}, "minItems": 1,
                     "uniqueItems": True, "description": "Only these countries are offered."},
        },
        "unevaluatedProperties": False,
    }

    def __init__(self, spec: Mapping[str, Any], pointer: str = "") -> None:
        super().__init__(spec, pointer)
        self.usage: str = spec.get("usage", "address")
        self.only: frozenset[str] | None = frozenset(spec["only"]) if spec.get("only") else None
        self.first: tuple[str, ...] = tuple(c for c in spec.get("first", ())
                                            if self.only is None or c in self.only)
        self.codes: frozenset[str] = self.only if self.only is not None else frozenset(CODES)
        self.no_nationality: tuple[tuple[str, str], ...] = (
            NO_NATIONALITY if self.usage == "nationality" else ())
        self.codes |= {code for code, _ in self.no_nationality}

    @property
    def autocomplete_token(self) -> str | None:
        return "country" if self.usage == "address" else None

    required_message = CHOOSE

    def parse(self, raw: Any, language: str) -> str:
        return _text(raw).upper()

    def check(self, value: Any, today: date | None = None) -> None:
        if value not in self.codes:
            raise Invalid(N_("Bitte wählen Sie ein Land aus der Liste aus."))

    def value_schema(self) -> dict[str, Any]:
        description = "ISO 3166-1 alpha-2 country code"
        if self.no_nationality:
            description += "; XXA: stateless, XXX: nationality undetermined (ICAO Doc 9303)"
        return {"type": "string", "enum": sorted(self.codes), "description": description}

    def display(self, value: Any, language: str, default_language: str) -> str:
        if not value:
            return ""
        for code, name in self.no_nationality:
            if value == code:
                return translate(name, language)
        return dict(territories(language)).get(value, value)

    def other_options(self, language: str) -> list[tuple[str, str]]:
        """For a nationality: none or not known, offered after the states."""
        return [(code, translate(name, language)) for code, name in self.no_nationality]

    def country_options(self, language: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """The countries put first (in the definition's order), and all the others by name."""
        names = territories(language)
        by_code = dict(names)
        first = [(code, by_code[code]) for code in self.first if code in by_code]
        rest = [(code, name) for code, name in names
                if code in self.codes and code not in self.first]
        return first, rest

    @classmethod
    def describe(cls, spec: Mapping[str, Any]) -> list[Note]:
        usage = spec.get("usage", "address")
        notes: list[Note] = [(
            {"nationality": N_("Staatsangehörigkeit, als Ländercode (ISO 3166-1)"),
             "other": N_("Land, als Ländercode (ISO 3166-1)")}.get(
                usage, N_("Land einer Anschrift, als Ländercode (ISO 3166-1)")), {})]
        for key, message in (("first", N_("Zuerst angeboten: %(codes)s")),
                             ("only", N_("Nur diese Länder: %(codes)s"))):
            codes = spec.get(key)
            if isinstance(codes, list) and codes:
                notes.append((message, {"codes": ", ".join(map(str, codes))}))
        return notes
