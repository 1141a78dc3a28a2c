"""Validating answers: one step as the citizen submits it, and the whole form before submission.

Answers are kept flat, keyed by field name; a repeating step keeps a list of
entries under its step id. Conditions see the answers of earlier steps and,
inside a repeating step, the fields of the same entry.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from .errors import Invalid, RuleBroken
from .fields import Field
from .messages import N_plural
from .model import Form, Rule, Step


@dataclass(frozen=True)
class FieldError:
    """An answer that needs correcting: which field, which of its inputs, and why."""

    field: Field
    error: Invalid
    entry: int | None = None  # the entry of a repeating step, counted from 0

    @property
    def name(self) -> str:
        return self.field.name

    @property
    def part(self) -> str | None:
        return self.error.part

    def message(self, language: str) -> str:
        """The message alone, naming the question: links and inline errors show just this."""
        return self.field.error_text(self.error, language)


@dataclass
class StepResult:
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[FieldError] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    def error_for(self, name: str) -> FieldError | None:
        return next((e for e in self.errors if e.name == name), None)


def validate_step(
    step: Step,
    raw: Mapping[str, Any],
    answers: Mapping[str, Any],
    language: str,
    today: date | None = None,
) -> StepResult:
    """Clean the raw input of one step (or one entry of a repeating step).

    `answers` are the canonical answers given so far; fields hidden by their
    condition are skipped and their input discarded.
    """
    result = StepResult()
    context = dict(answers)
    for f in step.questions:
        if not f.is_visible(context, today):
            continue
        if f.derived:  # worked out from the answers, whatever was posted
            if (derived := f.derive(context, today)) is not None:
                result.values[f.name] = context[f.name] = derived
            continue
        value = raw.get(f.name)
        if f.is_blank(value):
            if f.is_required(context, today):
                result.errors.append(FieldError(f, f.required_error()))
            elif (blank := f.blank_value()) is not None:
                result.values[f.name] = context[f.name] = blank
            continue
        try:
            cleaned = f.clean(value, language, today)
        except Invalid as error:
            result.errors.append(FieldError(f, error))
            continue
        result.values[f.name] = context[f.name] = cleaned
    result.errors += _broken_rules(step, step.rules, context, result.errors, today, None)
    return result


def _broken_rules(step: Step, rules: list[Rule], context: Mapping[str, Any],
                  errors: list[FieldError], today: date | None,
                  entry: int | None) -> list[FieldError]:
    """An error at the first field of each rule the answers break. A rule about a field that
    already has an error waits until that is corrected."""
    found = []
    flagged = {e.name for e in errors}
    for rule in rules:
        if flagged & set(rule.fields) or not rule.broken(context, today):
            continue
        target = step.field(rule.fields[0])
        if target is not None:
            found.append(FieldError(target, RuleBroken(rule.message, rule.default_language),
                                    entry))
            flagged.add(target.name)
    return found


def _check_values(
    step: Step, values: Mapping[str, Any], context: dict[str, Any], today: date | None,
    entry: int | None,
) -> list[FieldError]:
    errors = []
    for f in step.questions:
        if not f.is_visible(context, today):
            context.pop(f.name, None)
            continue
        if f.derived:
            context[f.name] = f.derive(context, today)
            continue
        value = values.get(f.name)
        if value is None or f.is_blank(value):
            if f.is_required(context, today):
                errors.append(FieldError(f, f.required_error(), entry))
            continue
        try:
            f.check(value, today)
        except Invalid as error:
            errors.append(FieldError(f, error, entry))
        except (TypeError, ValueError, KeyError, AttributeError):
            # Stored data of the wrong shape (a tampered draft) is an answer to correct.
            errors.append(FieldError(f, f.required_error(), entry))
    return errors


def check_answers(
    form: Form, answers: Mapping[str, Any], today: date | None = None
) -> dict[str, list[FieldError]]:
    """Every problem in a complete set of answers, per step id; empty when it can be submitted."""
    problems: dict[str, list[FieldError]] = {}
    context: dict[str, Any] = {}
    for step in form.steps:
        if not step.is_visible(context, today):
            continue
        if step.repeat is None:
            context.update({f.name: answers[f.name] for f in step.questions if f.name in answers})
            errors = _check_values(step, answers, context, today, None)
            errors += _broken_rules(step, step.rules, context, errors, today, None)
        else:
            entries = answers.get(step.id) or []
            errors = []
            if len(entries) < step.repeat.min:
                errors.append(
                    FieldError(
                        step.questions[0],
                        Invalid(N_plural("Bitte fügen Sie mindestens %(min)s Eintrag hinzu.",
                                         "Bitte fügen Sie mindestens %(min)s Einträge hinzu.",
                                         "min"), min=step.repeat.min),
                    )
                )
            for i, entry in enumerate(entries):
                entry_context = {**context, **entry}
                entry_errors = _check_values(step, entry, entry_context, today, i)
                errors += entry_errors + _broken_rules(step, step.rules, entry_context,
                                                       entry_errors, today, i)
            context[step.id] = entries  # for count(), sum(), any() and all() after the step
        if errors:
            problems[step.id] = errors
    for rule in form.rules:  # rules over several steps: at the step of their first field
        if not rule.broken(context, today):
            continue
        step = next((s for s in form.steps if s.field(rule.fields[0]) is not None), None)
        if step is None or not step.is_visible(context, today):
            continue
        target = step.field(rule.fields[0])
        if any(e.name == target.name for e in problems.get(step.id, [])):
            continue
        problems.setdefault(step.id, []).append(
            FieldError(target, RuleBroken(rule.message, rule.default_language)))
    return problems


def submission_data(form: Form, answers: Mapping[str, Any],
                    today: date | None = None) -> dict[str, Any]:
    """The answers a caseworker receives: visible steps and fields only, in definition order."""
    data: dict[str, Any] = {}
    for step in form.steps:
        if not step.is_visible(data, today):
            continue
        if step.repeat is None:
            data.update(_visible_values(step, answers, dict(data), today))
        else:
            data[step.id] = [
                _visible_values(step, entry, {**data, **entry}, today)
                for entry in answers.get(step.id) or []
            ]
    return data


def _visible_values(
    step: Step, values: Mapping[str, Any], context: dict[str, Any], today: date | None
) -> dict[str, Any]:
    out = {}
    for f in step.questions:
        if not f.is_visible(context, today):
            context.pop(f.name, None)
            continue
        if f.derived:  # worked out again: always what the answers sent with it give
            if (derived := f.derive(context, today)) is not None:
                out[f.name] = context[f.name] = derived
            continue
        if f.name in values and values[f.name] is not None:
            out[f.name] = context[f.name] = values[f.name]
    return out
