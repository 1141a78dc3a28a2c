"""A country: a select of every country named in the citizen's language; the answer is its code.

The list is `portal.engine.countries` (Babel's territory names, the one list an address's
country uses too). The answer is an ISO 3166-1 alpha-2 code ("DE"), whatever language the
citizen used; the summary page and the receipt show the country's name again.

`usage` says what the country is for: "address" (the default; browsers may fill it
in with the autocomplete token `country`), "nationality" or "other" (no token:
autofilling the address's country there would be wrong). A nationality may also be
"staatenlos" (XXA) or "ungeklärt" (XXX), offered after the states. `first` puts the
countries most citizens choose at the top; `only` limits the list.

`codes` says what the answer is: "iso" (the default, as above) or "destatis", the 3-digit
key of the Statistisches Bundesamt's Staats- und Gebietssystematik ("000" for Germany) that
receivers speaking the XÖV standards expect (`portal.engine.destatis`). Then only countries
with a key are offered, from the codelist of nationalities for a nationality (where stateless
and undetermined are 997 and 998) and from the codelist of states otherwise; `first` and
`only` are still written as ISO codes.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from .. import destatis
from ..countries import CODES, territories
from ..errors import Invalid
from ..fields import CHOOSE, Field, Note, _text, field_type
from ..messages import N_, Phrase, translate

USAGES = ("address", "nationality", "other")
#: A nationality may also be none or not known: the codes of ICAO Doc 9303 (part 3), which
#: German residence documents print for them. Offered after the states, for "nationality".
NO_NATIONALITY: tuple[tuple[str, str], ...] = (
    ("XXA", N_("staatenlos")),
    ("XXX", N_("Staatsangehörigkeit ungeklärt")),
)
#: What the answer is: an ISO code, or a key of the Staats- und Gebietssystematik.
CODE_SYSTEMS = ("iso", "destatis")
#: The same two answers as keys of the Destatis codelist of nationalities.
NO_NATIONALITY_KEYS: tuple[tuple[str, str], ...] = (
    (destatis.STATELESS, NO_NATIONALITY[0][1]),
    (destatis.UNDETERMINED, NO_NATIONALITY[1][1]),
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
            "codes": {"enum": list(CODE_SYSTEMS), "description": "The answer: \"iso\" (default), "
                      "an ISO 3166-1 alpha-2 code; \"destatis\", the 3-digit key of the "
                      "Staats- und Gebietssystematik (Statistisches Bundesamt) that XÖV "
                      "standards use, such as \"000\". first and only stay ISO codes."},
        },
        "unevaluatedProperties": False,
    }

    def __init__(self, spec: Mapping[str, Any], pointer: str = "") -> None:
        super().__init__(spec, pointer)
        self.usage: str = spec.get("usage", "address")
        self.only: frozenset[str] | None = frozenset(spec["only"]) if spec.get("only") else None
        self.first: tuple[str, ...] = tuple(c for c in spec.get("first", ())
                                            if self.only is None or c in self.only)
        self.destatis: bool = spec.get("codes") == "destatis"
        #: The ISO codes of the countries offered.
        offered = self.only if self.only is not None else frozenset(CODES)
        if self.destatis:
            offered &= destatis.NATIONALITIES if self.usage == "nationality" else destatis.STATES
        self.offered: frozenset[str] = offered
        self.no_nationality: tuple[tuple[str, str], ...] = () if self.usage != "nationality" else (
            NO_NATIONALITY_KEYS if self.destatis else NO_NATIONALITY)
        #: The answers accepted: the offered countries' codes (or keys), and no nationality.
        self.codes: frozenset[str] = frozenset(self._answer(c) for c in offered) | {
            code for code, _ in self.no_nationality}

    @property
    def autocomplete_token(self) -> str | None:
        return "country" if self.usage == "address" else None

    required_message = CHOOSE

    def _answer(self, iso: str) -> str:
        """The answer for a country: its ISO code, or its Destatis key."""
        return destatis.KEYS[iso] if self.destatis else iso

    def parse(self, raw: Any, language: str) -> str:
        return _text(raw).upper()

    def check(self, value: Any, today: date | None = None) -> None:
        if value not in self.codes:
            raise Invalid(N_("Bitte wählen Sie ein Land aus der Liste aus."))

    def value_schema(self) -> dict[str, Any]:
        if self.destatis:
            urn = destatis.NATIONALITY_URN if self.usage == "nationality" else destatis.STATE_URN
            description = (f"Key of the Staats- und Gebietssystematik (Statistisches Bundesamt), "
                           f"codelist {urn}, version {destatis.VERSION}")
            if self.no_nationality:
                description += "; 997: stateless, 998: nationality undetermined"
        else:
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
        iso = destatis.ISO.get(value, value) if self.destatis else value
        return dict(territories(language)).get(iso, value)

    def other_options(self, language: str) -> list[tuple[str, str]]:
        """For a nationality: none or not known, offered after the states."""
        return [(code, translate(name, language)) for code, name in self.no_nationality]

    def country_options(self, language: str) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
        """The countries put first (in the definition's order), and all the others by name."""
        names = territories(language)
        by_code = dict(names)
        first = [(self._answer(code), by_code[code]) for code in self.first
                 if code in by_code and code in self.offered]
        rest = [(self._answer(code), name) for code, name in names
                if code in self.offered and code not in self.first]
        return first, rest

    @classmethod
    def describe(cls, spec: Mapping[str, Any]) -> list[Note]:
        usage = spec.get("usage", "address")
        if spec.get("codes") == "destatis":
            what = {"nationality": N_("Staatsangehörigkeit, als Schlüssel des Statistischen "
                                      "Bundesamts (Staats- und Gebietssystematik)"),
                    "other": N_("Land, als Schlüssel des Statistischen Bundesamts (Staats- und "
                                "Gebietssystematik)")}.get(
                usage, N_("Land einer Anschrift, als Schlüssel des Statistischen Bundesamts "
                          "(Staats- und Gebietssystematik)"))
        else:
            what = {"nationality": N_("Staatsangehörigkeit, als Ländercode (ISO 3166-1)"),
                    "other": N_("Land, als Ländercode (ISO 3166-1)")}.get(
                usage, N_("Land einer Anschrift, als Ländercode (ISO 3166-1)"))
        notes: list[Note] = [(what, {})]
        for key, message in (("first", N_("Zuerst angeboten: %(codes)s")),
                             ("only", N_("Nur diese Länder: %(codes)s"))):
            codes = spec.get(key)
            if isinstance(codes, list) and codes:
                notes.append((message, {"codes": ", ".join(map(str, codes))}))
        return notes

    @classmethod
    def definition_problems(cls, spec: Mapping[str, Any]) -> list[tuple[str, Phrase]]:
        """With `"codes": "destatis"`, every country in `first` and `only` needs a key."""
        if spec.get("codes") != "destatis":
            return []
        nationality = spec.get("usage") == "nationality"
        having = destatis.NATIONALITIES if nationality else destatis.STATES
        problems = []
        for key in ("first", "only"):
            for k, code in enumerate(spec.get(key) or ()):
                if code not in having:
                    problems.append((f"/{key}/{k}", Phrase(
                        N_("%(code)s hat keinen Schlüssel in der Codeliste %(codelist)s des "
                           "Statistischen Bundesamts und kann mit „codes“: „destatis“ nicht "
                           "angeboten werden; nehmen Sie es aus der Liste oder lassen Sie "
                           "„codes“ weg (ISO-Ländercodes)"),
                        code=code, codelist="Staatsangehörigkeit" if nationality else "Staat")))
        return problems
