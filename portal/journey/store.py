"""The answer store: where a journey's answers live, and how a step's write merges into it.

A step page carries what it showed (`seen`: a digest of the step's answers as
stored when the page was made). A write is a function of the stored answers,
so the store can call it again on newer answers (portal.drafts.write): the
step's own answers replace the stored ones only while those are still what the
page showed. When another window changed them meanwhile, the write raises
AnswersChanged, and the citizen sees both values and chooses. Files never
conflict: the uploads of each window are added to what is stored.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from werkzeug.datastructures import FileStorage

from ..engine import Field, Step

#: A write: the stored state in, the new answers and completed steps out.
Change = Callable[[Any], tuple[dict[str, Any], list[str]]]


class AnswerStore(Protocol):
    """What the journey controller needs of the place where answers live."""

    @property
    def answers(self) -> dict[str, Any]: ...

    @property
    def completed_steps(self) -> list[str]: ...

    def write(self, change: Change, current: str | None) -> None:
        """Apply `change` to the stored state and keep the result, in the request's unit of
        work; `change` may be called again with newer state (another window wrote)."""

    def accept_file(self, field: Field, upload: FileStorage) -> str:
        """Keep one upload for `field`; its id, or Invalid saying what is allowed."""

    def discard_file(self, key: str) -> None:
        """Drop a file the citizen removed."""

    def attachments(self) -> Mapping[str, Any]:
        """The files kept so far by id: objects with id, display_name and size."""


@dataclass
class Difference:
    """One answer that another window changed: what is stored, what this window sent."""

    field: Field
    stored: Any
    sent: Any


class AnswersChanged(Exception):
    """Another window changed answers of this step since this page was shown."""

    def __init__(self, differences: list[Difference], stored: dict[str, Any]) -> None:
        super().__init__(", ".join(d.field.name for d in differences))
        self.differences = differences
        #: The step's answers as stored now: what the page shows as "seen" next time.
        self.stored = stored


def digest(values: Any) -> str:
    """A short fingerprint of answers, as a page carries it in `answers_seen`."""
    text = json.dumps(values, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def own_answers(step: Step, answers: Mapping[str, Any]) -> dict[str, Any]:
    """The step's answers without its files (files are merged, never in conflict)."""
    return {f.name: answers[f.name] for f in step.questions
            if not f.uploads and f.name in answers}


def differences(step: Step, stored: Mapping[str, Any], sent: Mapping[str, Any]) -> list[Difference]:
    return [Difference(f, stored.get(f.name), sent.get(f.name)) for f in step.questions
            if not f.uploads and stored.get(f.name) != sent.get(f.name)]


@dataclass
class FileChanges:
    """What one request did to a step's files: uploads added, one file removed."""

    added: dict[str, list[str]]
    removed: str | None = None

    def apply(self, step: Step, answers: Mapping[str, Any]) -> dict[str, list[str]]:
        """The step's file answers after this request, on top of `answers` as stored."""
        merged = {}
        for f in step.questions:
            if not f.uploads:
                continue
            ids = [i for i in answers.get(f.name) or [] if i != self.removed]
            merged[f.name] = ids + [i for i in self.added.get(f.name, []) if i not in ids]
        return merged
