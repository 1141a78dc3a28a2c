"""The form at a glance: steps, fields, types, conditions, and which languages are complete.

Built from whatever the designer typed, as long as it is JSON: a definition
with errors still shows every step and field that can be recognised. Pure
Python, no Flask.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..engine import FIELD_TYPES, missing_translations
from ..engine.fields import Note
from ..engine.i18n import LANGUAGES


@dataclass
class FieldOutline:
    pointer: str
    name: str | None
    type: str
    label: str
    required: bool
    visible_if: str | None = None
    required_if: str | None = None
    options: list[str] = field(default_factory=list)  # the values, or the codelist's path
    missing_languages: list[str] = field(default_factory=list)
    #: What the field's type says about it (its `describe`): German messages and parameters.
    notes: list[Note] = field(default_factory=list)


@dataclass
class StepOutline:
    pointer: str
    id: str
    title: str
    visible_if: str | None
    repeat: tuple[int, int] | None
    fields: list[FieldOutline]
    missing_languages: list[str] = field(default_factory=list)


@dataclass
class Outline:
    form_id: str
    version: str
    default_language: str
    languages: list[str]
    steps: list[StepOutline]
    #: language -> JSON pointers of the texts not translated into it
    missing: dict[str, list[str]]

    def complete(self, language: str) -> bool:
        return not self.missing.get(language)


def _text(node: Any, language: str) -> str:
    if isinstance(node, Mapping):
        value = node.get(language) or next((v for v in node.values() if isinstance(v, str)), "")
        return value if isinstance(value, str) else ""
    return ""


def _condition(node: Any) -> str | None:
    return node if isinstance(node, str) and node else None


def _missing_under(missing: dict[str, list[str]], pointer: str) -> list[str]:
    """The languages that lack a text somewhere inside `pointer`."""
    return [lang for lang, where in missing.items()
            if any(p == pointer or p.startswith(pointer + "/") for p in where)]


def _missing(definition: Mapping[str, Any], languages: list[str]) -> dict[str, list[str]]:
    try:
        return missing_translations({**definition, "languages": languages})
    except (AttributeError, KeyError, TypeError):
        return {}


def _options(spec: Mapping[str, Any]) -> list[str]:
    options = spec.get("options")
    if isinstance(options, str):
        return [options]
    if isinstance(options, list):
        return [str(o.get("value")) for o in options if isinstance(o, Mapping)]
    return []


def _notes(spec: Mapping[str, Any]) -> list[Note]:
    kind = FIELD_TYPES.get(spec.get("type")) if isinstance(spec.get("type"), str) else None
    if kind is None:
        return []
    try:
        return kind.describe(spec)
    except (AttributeError, KeyError, TypeError, ValueError):  # a half-written field
        return []


def outline(definition: Any) -> Outline | None:
    """The outline of a parsed definition, or None if it is not a form-shaped object at all."""
    if not isinstance(definition, Mapping) or not isinstance(definition.get("steps"), list):
        return None
    languages = [lang for lang in definition.get("languages") or [] if lang in LANGUAGES] \
        if isinstance(definition.get("languages"), list) else []
    default = definition.get("default_language")
    default = default if isinstance(default, str) and default in LANGUAGES else "de"
    missing = _missing(definition, languages)
    steps = []
    for i, step in enumerate(definition["steps"]):
        if not isinstance(step, Mapping):
            continue
        pointer = f"/steps/{i}"
        repeat = step.get("repeat")
        fields = []
        for j, spec in enumerate(step.get("fields") or []):
            if not isinstance(spec, Mapping):
                continue
            fp = f"{pointer}/fields/{j}"
            fields.append(FieldOutline(
                pointer=fp,
                name=spec.get("name") if isinstance(spec.get("name"), str) else None,
                type=str(spec.get("type", "?")),
                label=_text(spec.get("label") or spec.get("text"), default),
                required=spec.get("required") is True,
                visible_if=_condition(spec.get("visible_if")),
                required_if=_condition(spec.get("required_if")),
                options=_options(spec),
                missing_languages=_missing_under(missing, fp),
                notes=_notes(spec),
            ))
        steps.append(StepOutline(
            pointer=pointer,
            id=str(step.get("id", "?")),
            title=_text(step.get("title"), default),
            visible_if=_condition(step.get("visible_if")),
            repeat=(repeat.get("min", 0), repeat.get("max", 0))
            if isinstance(repeat, Mapping) else None,
            fields=fields,
            missing_languages=_missing_under(missing, pointer),
        ))
    return Outline(
        form_id=str(definition.get("id", "")),
        version=str(definition.get("version", "")),
        default_language=default,
        languages=languages,
        steps=steps,
        missing=missing,
    )
