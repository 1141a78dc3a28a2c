"""The JSON Schema of a form version's submission data, derived from its definition."""

from __future__ import annotations

from typing import Any

from .model import Form, Step

DIALECT = "https://json-schema.org/draft/2020-12/schema"


def data_schema(form: Form, base_uri: str = "urn:amtsweg:forms") -> dict[str, Any]:
    """A schema that every submission of `form` validates against.

    Data holds option values, never labels. A field that is required only under
    a condition, or sits in a conditional step, is listed as optional here; the
    engine enforces the condition before anything is submitted.
    """
    properties: dict[str, Any] = {}
    required: list[str] = []
    for step in form.steps:
        if step.repeat is None:
            props, req = _step_properties(form, step)
            properties.update(props)
            if step.visible_if is None:
                required += req
        else:
            props, req = _step_properties(form, step)
            entry = {"type": "object", "properties": props, "required": req,
                     "additionalProperties": False}
            properties[step.id] = {
                "type": "array",
                "title": form.text(step.title, form.default_language),
                "items": entry,
                "maxItems": step.repeat.max,
            }
            if step.repeat.min and step.visible_if is None:
                properties[step.id]["minItems"] = step.repeat.min
                required.append(step.id)
    return {
        "$schema": DIALECT,
        "$id": f"{base_uri}/{form.id}/{form.version}/data.schema.json",
        "title": f"{form.text('title', form.default_language)} ({form.id} {form.version})",
        "description": f"Submission data of form {form.id} version {form.version}, "
        f"content hash {form.content_hash}.",
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def _step_properties(form: Form, step: Step) -> tuple[dict[str, Any], list[str]]:
    props: dict[str, Any] = {}
    required: list[str] = []
    for f in step.questions:
        props[f.name] = {"title": form.text(f.label, form.default_language), **f.value_schema()}
        if f.required and f.visible_if is None:
            required.append(f.name)
    return props, required
