"""A citizen's way through a form: which steps apply, which are done, where to go next."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..engine import Form, Step
from ..models import Draft


@dataclass
class Journey:
    form: Form
    draft: Draft

    @property
    def answers(self) -> dict[str, Any]:
        return self.draft.answers or {}

    @property
    def steps(self) -> list[Step]:
        """The steps that apply to the answers given so far, in order."""
        return self.form.visible_steps(self.answers)

    def position(self, step: Step) -> tuple[int, int]:
        """("Step 2 of 5"): the step's number among the applicable steps, and their count."""
        steps = self.steps
        ids = [s.id for s in steps]
        return (ids.index(step.id) + 1 if step.id in ids else 0), len(steps)

    def applies(self, step: Step) -> bool:
        return any(s.id == step.id for s in self.steps)

    def is_done(self, step: Step) -> bool:
        return step.id in (self.draft.completed_steps or [])

    def first_open(self) -> Step | None:
        """The first applicable step not yet completed, or None when all are."""
        return next((s for s in self.steps if not self.is_done(s)), None)

    def can_open(self, step: Step) -> bool:
        """A step may be opened once every applicable step before it is done."""
        for s in self.steps:
            if s.id == step.id:
                return True
            if not self.is_done(s):
                return False
        return False

    def after(self, step: Step) -> Step | None:
        steps = self.steps
        ids = [s.id for s in steps]
        if step.id not in ids:
            return self.first_open()
        index = ids.index(step.id)
        return steps[index + 1] if index + 1 < len(steps) else None

    def before(self, step: Step) -> Step | None:
        steps = self.steps
        ids = [s.id for s in steps]
        if step.id not in ids or ids.index(step.id) == 0:
            return None
        return steps[ids.index(step.id) - 1]

    def earlier_answers(self, step: Step) -> dict[str, Any]:
        """What the conditions of `step` may see: the answers of the steps before it."""
        earlier: dict[str, Any] = {}
        for s in self.form.steps:
            if s.id == step.id:
                break
            if s.repeat is None:
                earlier.update({f.name: self.answers[f.name] for f in s.questions if f.name in self.answers})
            elif s.id in self.answers:
                earlier[s.id] = self.answers[s.id]
        return earlier

    def entries(self, step: Step) -> list[dict[str, Any]]:
        return list(self.answers.get(step.id) or [])

    def with_step_answers(self, step: Step, values: dict[str, Any]) -> dict[str, Any]:
        """The answers with `step`'s own answers replaced by `values`."""
        answers = {k: v for k, v in self.answers.items() if k not in {f.name for f in step.questions}}
        answers.update(values)
        return answers

    def with_entries(self, step: Step, entries: list[dict[str, Any]]) -> dict[str, Any]:
        return {**self.answers, step.id: entries}

    def completed_with(self, step: Step) -> list[str]:
        done = list(self.draft.completed_steps or [])
        return done if step.id in done else done + [step.id]

    def completed_without(self, step: Step) -> list[str]:
        return [s for s in (self.draft.completed_steps or []) if s != step.id]
