"""What changes between two versions of a form, in terms a form designer reads.

Steps are matched by id and fields by name (texts without a name by their
position among the texts of their step). Texts are compared per language,
options by value; every other key shows its old and new value. Pure Python.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..engine.i18n import is_language_map

#: Keys that hold the structure itself and are compared on their own.
_NESTED = {"steps", "fields", "options"}


@dataclass(frozen=True)
class Change:
    """One changed key: a text in one language, an option, or any other value."""

    key: str  # "label", "options", "visible_if" …
    old: str | None  # None: added
    new: str | None  # None: removed
    language: str | None = None  # for texts
    option: str | None = None  # the option value, for options and their labels


@dataclass
class FieldChange:
    key: str  # the field name, or "#2" for the second text without a name
    type: str
    label: str
    status: str  # "added", "removed", "changed", "moved"
    changes: list[Change] = field(default_factory=list)
    moved_from: str | None = None  # the step id it was in before


@dataclass
class StepChange:
    id: str
    title: str
    status: str  # "added", "removed", "changed", "unchanged"
    changes: list[Change] = field(default_factory=list)
    fields: list[FieldChange] = field(default_factory=list)
    reordered: bool = False


@dataclass
class FormDiff:
    form: list[Change]
    steps: list[StepChange]

    @property
    def empty(self) -> bool:
        return not self.form and all(s.status == "unchanged" for s in self.steps)

    def counts(self) -> dict[str, int]:
        """How many fields were added, removed, changed or moved."""
        counts = {"added": 0, "removed": 0, "changed": 0, "moved": 0}
        for step in self.steps:
            for f in step.fields:
                counts[f.status] += 1
        return counts


def _show(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def _compare(key: str, old: Any, new: Any) -> list[Change]:
    """The changes between two values of one key."""
    if old == new:
        return []
    if (old is None or is_language_map(old)) and (new is None or is_language_map(new)):
        old, new = old or {}, new or {}
        return [Change(key, old.get(lang), new.get(lang), language=lang)
                for lang in dict.fromkeys([*old, *new]) if old.get(lang) != new.get(lang)]
    if key == "options" and isinstance(old or [], list) and isinstance(new or [], list):
        return _compare_options(old or [], new or [])
    return [Change(key, None if old is None else _show(old), None if new is None else _show(new))]


def _compare_options(old: list, new: list) -> list[Change]:
    before = {o.get("value"): o for o in old if isinstance(o, Mapping)}
    after = {o.get("value"): o for o in new if isinstance(o, Mapping)}
    changes = []
    for value in dict.fromkeys([*before, *after]):
        if value not in after:
            changes.append(Change("options", str(value), None, option=str(value)))
        elif value not in before:
            changes.append(Change("options", None, str(value), option=str(value)))
        else:
            for change in _compare("label", before[value].get("label"), after[value].get("label")):
                changes.append(Change("options", change.old, change.new, change.language,
                                      str(value)))
    if not changes and [o.get("value") for o in old] != [o.get("value") for o in new]:
        changes.append(Change("options", "→".join(map(str, before)), "→".join(map(str, after))))
    return changes


def _compare_objects(old: Mapping[str, Any], new: Mapping[str, Any]) -> list[Change]:
    changes = []
    for key in dict.fromkeys([*old, *new]):
        if key in _NESTED or key == "$schema":
            continue
        changes += _compare(key, old.get(key), new.get(key))
    if "options" in old or "options" in new:
        changes += _compare("options", old.get("options"), new.get("options"))
    return changes


def _text(node: Any, language: str) -> str:
    return node.get(language) or next(iter(node.values()), "") if is_language_map(node) else ""


def _keyed_fields(step: Mapping[str, Any]) -> dict[str, Mapping[str, Any]]:
    fields: dict[str, Mapping[str, Any]] = {}
    texts = 0
    for spec in step.get("fields") or []:
        if spec.get("name"):
            fields[spec["name"]] = spec
        else:
            texts += 1
            fields[f"#{texts}"] = spec
    return fields


def diff(old: Mapping[str, Any], new: Mapping[str, Any]) -> FormDiff:
    """The changes from definition `old` to definition `new`."""
    language = new.get("default_language") or old.get("default_language") or "de"
    old_steps = {s["id"]: s for s in old.get("steps") or []}
    new_steps = {s["id"]: s for s in new.get("steps") or []}
    old_home = {key: sid for sid, s in old_steps.items() for key in _keyed_fields(s)}
    new_home = {key: sid for sid, s in new_steps.items() for key in _keyed_fields(s)}

    steps: list[StepChange] = []
    for sid in dict.fromkeys([*new_steps, *old_steps]):
        before, after = old_steps.get(sid), new_steps.get(sid)
        step = after or before
        title = _text(step.get("title"), language)
        if after is None:  # fields moved elsewhere are reported where they are now
            fields = [_field(key, spec, "removed", language)
                      for key, spec in _keyed_fields(before).items() if key not in new_home]
            steps.append(StepChange(sid, title, "removed", fields=fields))
            continue
        change = StepChange(sid, title, "added" if before is None else "unchanged",
                            _compare_objects(before, after) if before else [])
        old_fields, new_fields = _keyed_fields(before or {}), _keyed_fields(after)
        for key, spec in new_fields.items():
            if key not in old_fields:
                if old_home.get(key) and not key.startswith("#"):
                    previous = old_steps[old_home[key]]
                    moved = _field(key, spec, "moved", language)
                    moved.moved_from = old_home[key]
                    moved.changes = _compare_objects(_keyed_fields(previous)[key], spec)
                    change.fields.append(moved)
                else:
                    change.fields.append(_field(key, spec, "added", language))
            elif changes := _compare_objects(old_fields[key], spec):
                changed = _field(key, spec, "changed", language)
                changed.changes = changes
                change.fields.append(changed)
        for key, spec in old_fields.items():
            if key not in new_fields and (key.startswith("#") or key not in new_home):
                change.fields.append(_field(key, spec, "removed", language))
        common = [k for k in new_fields if k in old_fields]
        change.reordered = common != [k for k in old_fields if k in new_fields]
        if change.status == "unchanged" and (change.changes or change.fields or change.reordered):
            change.status = "changed"
        steps.append(change)
    if [s for s in new_steps if s in old_steps] != [s for s in old_steps if s in new_steps]:
        form = [Change("steps", " → ".join(old_steps), " → ".join(new_steps))]
    else:
        form = []
    return FormDiff(form + _compare_objects(old, new), steps)


def _field(key: str, spec: Mapping[str, Any], status: str, language: str) -> FieldChange:
    label = _text(spec.get("label") or spec.get("text"), language)
    change = FieldChange(key, str(spec.get("type", "")), label, status)
    # A new or removed field shows everything it says: its texts, conditions and rules.
    if status == "added":
        change.changes = _compare_objects({}, spec)
    elif status == "removed":
        change.changes = _compare_objects(spec, {})
    return change
