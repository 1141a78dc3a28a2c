"""Texts shown to the citizen among the questions: info and warning. They have no answer."""

from __future__ import annotations

from collections.abc import Mapping

from ..fields import Field, field_type


@field_type
class Info(Field):
    type = "info"
    is_question = False
    template = "fields/info.html"

    @property
    def text(self) -> Mapping[str, str]:
        return self.spec.get("text", {})


@field_type
class Warning_(Info):
    type = "warning"
    template = "fields/warning.html"
