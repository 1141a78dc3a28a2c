"""The runtime model of a form: a checked definition compiled into steps and fields."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Any

from .conditions import Condition, parse
from .fields import Field, make_field
from .i18n import resolve
from .nouns import sentence


@dataclass(frozen=True)
class Repeat:
    min: int
    max: int
    item_label: Mapping[str, str] | None


@dataclass(frozen=True)
class Rule:
    """A condition the answers must meet; `message` is shown at the first of `fields`."""

    condition: Condition
    message: Mapping[str, str]
    fields: tuple[str, ...]
    default_language: str

    def broken(self, answers: Mapping[str, Any], today: date | None = None) -> bool:
        return not self.condition.evaluate(answers, today=today)


@dataclass
class Step:
    id: str
    title: Mapping[str, str]
    fields: list[Field]
    description: Mapping[str, str] | None = None
    visible_if: Condition | None = None
    repeat: Repeat | None = None
    pointer: str = ""
    rules: list[Rule] = field(default_factory=list)
    #: The section the step belongs to (a language map); without one, the step is its own.
    section: Mapping[str, str] | None = None

    @property
    def section_title(self) -> Mapping[str, str]:
        return self.section or self.title

    @cached_property
    def questions(self) -> list[Field]:
        # A compiled step never changes, and a page asks for its questions a dozen times.
        return [f for f in self.fields if f.is_question]

    def field(self, name: str) -> Field | None:
        return next((f for f in self.fields if f.name == name), None)

    def is_visible(self, answers: Mapping[str, Any], today: date | None = None) -> bool:
        return self.visible_if is None or self.visible_if.evaluate(answers, today=today)


@dataclass
class Section:
    """Steps shown to the citizen as one part of the form; `id` is its first step's."""

    id: str
    title: Mapping[str, str]
    steps: list[Step]


@dataclass
class Form:
    """A compiled, immutable form version."""

    definition: Mapping[str, Any]
    steps: list[Step]
    content_hash: str
    #: Rules over answers of several steps, checked before sending (check_answers).
    rules: list[Rule] = field(default_factory=list)
    #: What the service costs (portal.engine.fees): items with an optional condition.
    fees: tuple = ()
    id: str = field(init=False)
    version: str = field(init=False)

    def __post_init__(self) -> None:
        self.id = self.definition["id"]
        self.version = self.definition["version"]

    @property
    def languages(self) -> list[str]:
        return list(self.definition["languages"])

    @property
    def default_language(self) -> str:
        return self.definition["default_language"]

    @property
    def reference_prefix(self) -> str:
        return self.definition.get("reference_prefix") or self.id[:2].upper()

    @property
    def submission_noun(self) -> str:
        """What the citizen sends: antrag, anzeige, meldung or hinweis (portal.engine.nouns)."""
        return self.definition.get("submission_noun") or "antrag"

    def says(self, purpose: str, language: str, **params: object) -> str:
        """A sentence about what is sent, with this form's noun ("Ihre Anzeige wurde gesendet");
        `params` fill its %(name)s parameters ("Ihre Anzeige %(reference)s ist eingegangen")."""
        return sentence(self.submission_noun, purpose, language, **params)

    @property
    def destination(self) -> str:
        return self.definition["destination"]

    @property
    def leika_key(self) -> str | None:
        """The service's key in the LeiKa catalogue: what the jurisdiction table is keyed by."""
        return self.definition.get("leika_key")

    @property
    def jurisdiction(self) -> Mapping[str, Any]:
        """How the responsible authority is found: {"by": "postcode", "fields": [...]},
        {"by": "fixed", "authority": id} or {"by": "choice", "authorities": [ids]};
        without a `jurisdiction` the form's `destination` receives every application."""
        return self.definition.get("jurisdiction") or {}

    def jurisdiction_place(self, data: Mapping[str, Any]) -> tuple[str, str] | None:
        """(field name, postcode) that decides jurisdiction: the first of the named fields
        that holds a postcode in `data` (submission data: visible answers only)."""
        for name in self.jurisdiction.get("fields") or ():
            value = data.get(name)
            if isinstance(value, Mapping):
                value = value.get("postcode")
            if isinstance(value, str) and value.strip():
                return name, value.strip()
        return None

    def text(self, key_or_map: str | Mapping[str, str] | None, language: str) -> str:
        """A text of the form (by top-level key, or a language map) in `language`."""
        language_map = (self.definition.get(key_or_map) if isinstance(key_or_map, str)
                        else key_or_map)
        return resolve(language_map, language, self.default_language)

    @cached_property
    def sections(self) -> list[Section]:
        """The form's sections in order: consecutive steps with the same `section` form one.

        A citizen's progress is shown by section ("Abschnitt: Ihre Angaben") rather than
        by a step count, which changes when an answer opens or closes a step.
        """
        sections: list[Section] = []
        for step in self.steps:
            if sections and sections[-1].title == step.section_title:
                sections[-1].steps.append(step)
            else:
                sections.append(Section(step.id, step.section_title, [step]))
        return sections

    def section_of(self, step: Step) -> Section:
        return next(s for s in self.sections if any(step is x for x in s.steps))

    def step(self, step_id: str) -> Step | None:
        return next((s for s in self.steps if s.id == step_id), None)

    def fields(self) -> Iterator[tuple[Step, Field]]:
        for step in self.steps:
            for f in step.fields:
                yield step, f

    def field(self, name: str) -> Field | None:
        return next((f for _, f in self.fields() if f.name == name), None)

    def visible_steps(self, answers: Mapping[str, Any], today: date | None = None) -> list[Step]:
        return [s for s in self.steps if s.is_visible(answers, today)]

    def language_for(self, wanted: str | None) -> str:
        """The citizen's language if this form offers it, else the form's default."""
        return wanted if wanted in self.definition["languages"] else self.default_language


def content_hash(definition: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON of a resolved definition (codelists inline).

    `$schema` is left out: where an editor finds the schema is not content.
    """
    content = {k: v for k, v in definition.items() if k != "$schema"}
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def compile_form(definition: Mapping[str, Any]) -> Form:
    """Build the runtime model of a definition that passed `check_definition`."""
    steps = []
    for i, spec in enumerate(definition["steps"]):
        repeat = spec.get("repeat")
        steps.append(
            Step(
                id=spec["id"],
                title=spec["title"],
                description=spec.get("description"),
                visible_if=parse(spec["visible_if"]) if spec.get("visible_if") else None,
                repeat=Repeat(repeat.get("min", 0), repeat["max"], repeat.get("item_label"))
                if repeat
                else None,
                fields=[
                    make_field(f, f"/steps/{i}/fields/{j}") for j, f in enumerate(spec["fields"])
                ],
                pointer=f"/steps/{i}",
                rules=_rules(spec.get("rules"), definition["default_language"]),
                section=spec.get("section"),
            )
        )
    from .fees import compile_fees  # fees reads submission data, which imports this module

    return Form(definition=definition, steps=steps, content_hash=content_hash(definition),
                rules=_rules(definition.get("rules"), definition["default_language"]),
                fees=compile_fees(definition.get("fees")))


def _rules(specs: list[Mapping[str, Any]] | None, default_language: str) -> list[Rule]:
    return [Rule(parse(r["condition"]), r["message"], tuple(r["fields"]), default_language)
            for r in specs or []]
