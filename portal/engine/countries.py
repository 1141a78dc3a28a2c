"""The one list of countries: for the `country` field type, an address's country and the
`eu()` / `eu_eea()` functions of the condition language.

Names are Babel's (CLDR) territory names, so every interface language has them; an
answer is an ISO 3166-1 alpha-2 code ("DE"). Codes Babel names that are not countries
(continents, "EU", "UN", "ZZ", the numeric regions, the exceptionally reserved codes such
as "IC") are left out; "XK" (Kosovo), used by German registers, is kept.

Membership of the European Union and of the European Economic Area is a public fact
(EU: 27 states since 1 February 2020; EEA: the EU and Iceland, Liechtenstein and Norway).
Switzerland is in neither: its citizens' freedom of movement rests on a separate
agreement, so a form that treats them alike says `eu_eea(x) or x == 'CH'`.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from babel import Locale

#: Alpha-2 codes Babel names that are not countries of ISO 3166-1.
NOT_COUNTRIES = frozenset({"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN",
                           "XA", "XB", "ZZ"})

#: The 27 member states of the European Union.
EU = frozenset({"AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR",
                "HU", "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI",
                "SK"})
#: The European Economic Area: the EU and Iceland, Liechtenstein and Norway.
EU_EEA = EU | frozenset({"IS", "LI", "NO"})


def _collation_key(name: str) -> tuple[str, str]:
    # No collation library: letters without their accents first ("Österreich" among the O),
    # then the name itself, so that the order is stable.
    decomposed = unicodedata.normalize("NFKD", name)
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return bare.casefold(), name


@lru_cache(maxsize=8)
def territories(language: str) -> tuple[tuple[str, str], ...]:
    """(code, name in `language`) of every country, sorted by name."""
    names = Locale.parse(language).territories
    countries = [(code, name) for code, name in names.items()
                 if len(code) == 2 and code.isalpha() and code not in NOT_COUNTRIES]
    return tuple(sorted(countries, key=lambda item: _collation_key(item[1])))


@lru_cache(maxsize=8)
def country_names(language: str) -> dict[str, str]:
    """ISO code -> name in `language`, in the order of `territories`."""
    return dict(territories(language))


CODES: tuple[str, ...] = tuple(sorted(code for code, _ in territories("en")))
