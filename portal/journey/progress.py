"""A citizen's way through a form: which steps apply, which are done, where to go next."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from ..drafts import StoredDraft
from ..engine import Form, Step


@dataclass
class Journey:
    form: Form
    #: The citizen's draft (drafts.StoredDraft) or anything with its answers and completed steps
    #: (the designer's preview).
    draft: StoredDraft
    #: The applicable steps and their positions, for the answers object they were worked out
    #: from: a page asks up to six times (applies, can_open, position, before...), and each
    #: time every step's condition was evaluated again. Saving the draft assigns a new
    #: answers object, which is what invalidates this; answers are never changed in place.
    _visible: tuple[Any, list[Step], dict[str, int]] | None = field(
        default=None, init=False, repr=False, compare=False)

    @property
    def answers(self) -> dict[str, Any]:
        return self.draft.answers or {}

    def _applicable(self) -> tuple[list[Step], dict[str, int]]:
        stored = self.draft.answers
        if self._visible is None or self._visible[0] is not stored:
            steps = self.form.visible_steps(stored or {})
            self._visible = (stored, steps, {s.id: i for i, s in enumerate(steps)})
        return self._visible[1], self._visible[2]

    @property
    def steps(self) -> list[Step]:
        """The steps that apply to the answers given so far, in order."""
        return list(self._applicable()[0])

    def position(self, step: Step) -> tuple[int, int]:
        """("Step 2 of 5"): the step's number among the applicable steps, and their count."""
        steps, index = self._applicable()
        return (index[step.id] + 1 if step.id in index else 0), len(steps)

    def applies(self, step: Step) -> bool:
        return step.id in self._applicable()[1]

    def is_done(self, step: Step) -> bool:
        return step.id in (self.draft.completed_steps or [])

    def first_open(self) -> Step | None:
        """The first applicable step not yet completed, or None when all are."""
        done = set(self.draft.completed_steps or ())
        return next((s for s in self._applicable()[0] if s.id not in done), None)

    def can_open(self, step: Step) -> bool:
        """A step may be opened once every applicable step before it is done."""
        steps, index = self._applicable()
        if step.id not in index:
            return False
        done = set(self.draft.completed_steps or ())
        return all(s.id in done for s in steps[:index[step.id]])

    def after(self, step: Step) -> Step | None:
        steps, index = self._applicable()
        if step.id not in index:
            return self.first_open()
        following = index[step.id] + 1
        return steps[following] if following < len(steps) else None

    def before(self, step: Step) -> Step | None:
        steps, index = self._applicable()
        return steps[index[step.id] - 1] if index.get(step.id, 0) > 0 else None

    def earlier_answers(self, step: Step) -> dict[str, Any]:
        """What the conditions of `step` may see: the answers of the steps before it."""
        answers = self.answers
        earlier: dict[str, Any] = {}
        for s in self.form.steps:
            if s.id == step.id:
                break
            if s.repeat is None:
                earlier.update({f.name: answers[f.name] for f in s.questions if f.name in answers})
            elif s.id in answers:
                earlier[s.id] = answers[s.id]
        return earlier

    def entries(self, step: Step) -> list[dict[str, Any]]:
        return list(self.answers.get(step.id) or [])

    def with_step_answers(self, step: Step, values: dict[str, Any]) -> dict[str, Any]:
        """The answers with `step`'s own answers replaced by `values`."""
        own = {f.name for f in step.questions}
        answers = {k: v for k, v in self.answers.items() if k not in own}
        answers.update(values)
        return answers

    def with_entries(self, step: Step, entries: list[dict[str, Any]]) -> dict[str, Any]:
        return {**self.answers, step.id: entries}

    def completed_with(self, step: Step) -> list[str]:
        done = list(self.draft.completed_steps or [])
        return done if step.id in done else done + [step.id]

    def completed_without(self, step: Step) -> list[str]:
        return [s for s in (self.draft.completed_steps or []) if s != step.id]
