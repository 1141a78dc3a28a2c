"""A person's name: given and family name, with an academic title if the form asks for it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..fields import Composite, field_type
from ..messages import N_


@field_type
class PersonName(Composite):
    type = "person_name"
    template = "fields/person_name.html"
    collect = {"title": "text", "given_name": "text", "family_name": "text"}
    part_rules = {
        "title": (False, 50, ""),
        "given_name": (True, 100, N_("Bitte geben Sie den Vornamen an.")),
        "family_name": (True, 100, N_("Bitte geben Sie den Familiennamen an.")),
    }

    def __init__(self, spec: Mapping[str, Any], pointer: str = "") -> None:
        super().__init__(spec, pointer)
        self.with_title = bool(spec.get("with_title"))
        self.parts = ("title", "given_name", "family_name") if self.with_title else (
            "given_name",
            "family_name",
        )
