"""What the engine reports: invalid answers for citizens, problems for form designers."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Protocol, runtime_checkable

from babel.dates import format_date
from babel.numbers import format_decimal

from .messages import Message, fill, wording


class Invalid(Exception):
    """An answer that breaks a rule; `message(language)` says so in the citizen's language.

    `part` names the input of a composite field (``postcode`` of an address) so the
    error summary can link to exactly that input. A message with a count is marked with
    `N_plural` and takes the form the count's value asks for in each language.

    `rule` names the rule that was broken, by the definition key that sets it
    ("required", "max_length", "not_in_future", …; "invalid" for an answer the type
    cannot read): a definition's `error_messages` replace the message per rule.
    """

    def __init__(self, message: Message, part: str | None = None, rule: str = "invalid",
                 **params: object) -> None:
        super().__init__(message)
        self.message_id = message
        self.part = part
        self.rule = rule
        self.params = params

    def message(self, language: str) -> str:
        # The form is chosen by the number itself, before it is written the citizen's way.
        text = wording(self.message_id, language, self.params)
        return fill(text, self.localised_params(language))

    def localised_params(self, language: str) -> dict[str, object]:
        """The parameters as the citizen reads them in `language`."""
        return _localise(self.params, language)

    def __repr__(self) -> str:
        return f"Invalid({self.message_id!r}, part={self.part!r}, {self.params!r})"


class RuleBroken(Invalid):
    """A rule of the definition that the answers break: its message is the designer's."""

    def __init__(self, texts: Mapping[str, str], default_language: str) -> None:
        super().__init__(texts.get(default_language, ""))
        self.texts, self.default_language = texts, default_language

    def message(self, language: str) -> str:
        return self.texts.get(language) or self.texts.get(self.default_language, "")


@runtime_checkable
class Localised(Protocol):
    """A parameter worded per language, such as the short name of a question."""

    def localise(self, language: str) -> str: ...


def _localise(params: dict[str, object], language: str) -> dict[str, object]:
    """Dates and numbers inside a message are written the way the citizen writes them."""
    out: dict[str, object] = {}
    for key, value in params.items():
        if isinstance(value, Localised):
            out[key] = value.localise(language)
        elif isinstance(value, date):
            out[key] = format_date(value, format="long", locale=language)
        elif isinstance(value, Decimal | float) or (
            isinstance(value, int) and not isinstance(value, bool)
        ):
            out[key] = format_decimal(value, locale=language)
        else:
            out[key] = value
    return out


@dataclass(frozen=True)
class Problem:
    """A problem in a form definition, located by file and JSON pointer."""

    file: str
    pointer: str
    message: str
    severity: str = "error"  # "error" fails the check, "warning" does not

    @property
    def is_error(self) -> bool:
        return self.severity == "error"

    def __str__(self) -> str:
        prefix = "" if self.is_error else "warning: "
        return f"{self.file} {self.pointer or '/'}: {prefix}{self.message}"


class DefinitionError(Exception):
    """A definition that cannot be compiled; `problems` says everything that is wrong."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = [p for p in problems if p.is_error]
        super().__init__("\n".join(str(p) for p in self.problems))
