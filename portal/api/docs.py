"""The OpenAPI document as a page a caseworker's IT reads: /api/v1/docs.

Rendered on the server from the same document /api/v1/openapi.json serves, with
the site's stylesheet only: no script, no external viewer, nothing from a CDN.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

METHODS = ("get", "post", "put", "patch", "delete")


@dataclass
class Operation:
    method: str
    path: str
    id: str
    summary: str
    description: str
    parameters: list[dict[str, str]]
    body: str | None
    responses: list[tuple[str, str, str | None]]
    authenticated: bool


@dataclass
class Schema:
    name: str
    description: str
    properties: list[tuple[str, str, bool, str]] = field(default_factory=list)
    source: str = ""


def schema_name(schema: Mapping[str, Any] | None) -> str | None:
    """The component a schema refers to ("Submission"), or None for an inline one."""
    ref = (schema or {}).get("$ref", "")
    return ref.rsplit("/", 1)[-1] if ref.startswith("#/components/schemas/") else None


def type_of(schema: Mapping[str, Any]) -> str:
    """A short description of a schema's type: "string (date-time)", "array of Event"."""
    if name := schema_name(schema):
        return name
    kind = schema.get("type")
    if kind == "array":
        return "array of " + type_of(schema.get("items") or {})
    if "enum" in schema:
        return "one of " + ", ".join(str(v) for v in schema["enum"])
    if "const" in schema:
        return f"always {schema['const']}"
    if isinstance(kind, list):
        kind = " or ".join(kind)
    if fmt := schema.get("format"):
        return f"{kind} ({fmt})"
    return str(kind or "object")


def operations(document: Mapping[str, Any]) -> Iterator[Operation]:
    default_security = bool(document.get("security"))
    for path, item in document.get("paths", {}).items():
        for method in METHODS:
            op = item.get(method)
            if not op:
                continue
            body = None
            if content := (op.get("requestBody") or {}).get("content"):
                body = type_of(next(iter(content.values())).get("schema") or {})
            responses = []
            for status, response in op.get("responses", {}).items():
                content = response.get("content") or {}
                schema = next(iter(content.values()), {}).get("schema") if content else None
                responses.append((status, response.get("description", ""),
                                  type_of(schema) if schema else None))
            yield Operation(
                method=method.upper(), path=path, id=op.get("operationId", f"{method}-{path}"),
                summary=op.get("summary", ""), description=op.get("description", ""),
                parameters=[{"name": p.get("name", ""), "in": p.get("in", ""),
                             "required": "yes" if p.get("required") else "no",
                             "type": type_of(p.get("schema") or {}),
                             "description": p.get("description", "")}
                            for p in [*item.get("parameters", []), *op.get("parameters", [])]],
                body=body, responses=responses,
                authenticated=bool(op.get("security", default_security)),
            )


def schemas(document: Mapping[str, Any]) -> Iterator[Schema]:
    for name, schema in document.get("components", {}).get("schemas", {}).items():
        required = set(schema.get("required", []))
        yield Schema(
            name=name, description=schema.get("description", ""),
            properties=[(prop, type_of(sub), prop in required, sub.get("description", ""))
                        for prop, sub in (schema.get("properties") or {}).items()],
            source=json.dumps(schema, indent=2, ensure_ascii=False),
        )
