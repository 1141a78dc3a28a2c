"""What a service costs: the fee items of a definition and which of them a citizen's answers make
apply.

A definition's `fees` list holds items with a code, a label (language map), an amount in euro
cents and an optional condition in the condition language (docs/conditions.md). An item applies
when it has no condition or its condition holds for the submission data (the visible answers
only, as a caseworker receives them). An authority may set other amounts per item code for its
area (`overrides`, from its file's `services`); an override of 0 drops the item there.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from .conditions import Condition, parse
from .validation import submission_data


@dataclass(frozen=True)
class Fee:
    """A fee item as the definition states it."""

    code: str
    label: Mapping[str, str]
    amount: int                     # euro cents
    condition: Condition | None = None

    def amount_for(self, overrides: Mapping[str, int] | None) -> int:
        """The amount in an authority's area: its override of this item, else the form's."""
        if overrides and isinstance(overrides.get(self.code), int):
            return overrides[self.code]
        return self.amount


@dataclass(frozen=True)
class FeeLine:
    """An item that applies to one application, with the amount it costs there."""

    code: str
    label: Mapping[str, str]
    amount: int

    def as_record(self) -> dict[str, Any]:
        return {"code": self.code, "label": dict(self.label), "amount": self.amount}


def compile_fees(specs: list[Mapping[str, Any]] | None) -> tuple[Fee, ...]:
    """The fee items of a definition that passed the checks."""
    return tuple(Fee(spec["code"], spec["label"], spec["amount"],
                     parse(spec["condition"]) if spec.get("condition") else None)
                 for spec in specs or [])


def applicable(fees: tuple[Fee, ...], data: Mapping[str, Any],
               overrides: Mapping[str, int] | None = None,
               today: date | None = None) -> list[FeeLine]:
    """The items that apply to this submission data (visible answers), amounts as charged."""
    lines = []
    for fee in fees:
        if fee.condition is not None and not fee.condition.evaluate(data, today=today):
            continue
        amount = fee.amount_for(overrides)
        if amount > 0:
            lines.append(FeeLine(fee.code, fee.label, amount))
    return lines


def fees_for_answers(form: Any, answers: Mapping[str, Any],
                     overrides: Mapping[str, int] | None = None,
                     today: date | None = None) -> list[FeeLine]:
    """The items that apply to a citizen's answers (only what is visible counts)."""
    if not form.fees:
        return []
    return applicable(form.fees, submission_data(form, answers, today), overrides, today)


def total(lines: list[FeeLine]) -> int:
    return sum(line.amount for line in lines)


def lowest_total(fees: tuple[Fee, ...], overrides: Mapping[str, int] | None = None) -> int:
    """What the service costs at least, as the start page says it ("from 120,00 €"): the
    items without a condition, or, when every item has one, the cheapest of them (an
    application to which no item applies costs nothing, but is not what a fee is set for)."""
    always = [f.amount_for(overrides) for f in fees if f.condition is None]
    if always:
        return sum(always)
    amounts = [f.amount_for(overrides) for f in fees if f.amount_for(overrides) > 0]
    return min(amounts) if amounts else 0


def is_fixed(fees: tuple[Fee, ...]) -> bool:
    """True when every item always applies: the start page can state one total."""
    return all(f.condition is None for f in fees)
