"""Conditional reveal with JavaScript: which choice on the same page shows a field.

Only simple conditions are revealed in place (`a == 'x'`, `a in ['x', 'y']`,
`'x' in a`, and `or` of those on one answer). Everything else is simply shown,
as it is without JavaScript; the engine decides on submission either way.
"""

from __future__ import annotations

import json

from markupsafe import Markup

from ..engine.conditions import Compare, Condition, ListLiteral, Literal, Name, Or


def _values(node: object, own: set[str]) -> tuple[str, set[str]] | None:
    if isinstance(node, Or):
        parts = [_values(operand, own) for operand in node.operands]
        if not parts or any(p is None for p in parts) or len({p[0] for p in parts}) != 1:
            return None
        return parts[0][0], set().union(*(p[1] for p in parts))
    if not isinstance(node, Compare):
        return None
    left, right = node.left, node.right
    if node.op == "==" and isinstance(left, Name) and isinstance(right, Literal):
        name, values = left, [right.value]
    elif node.op == "in" and isinstance(left, Name) and isinstance(right, ListLiteral):
        name, values = left, list(right.items)
    elif node.op == "in" and isinstance(left, Literal) and isinstance(right, Name):
        name, values = right, [left.value]  # a box among several checkboxes is ticked
    else:
        return None
    if (len(name.path) != 1 or name.path[0] not in own
            or not all(isinstance(v, str) for v in values)):
        return None
    return name.path[0], set(values)


def reveal_attributes(condition: Condition | None, own: set[str]) -> Markup:
    """`data-` attributes for a field's wrapper, or "" when it is not revealed in place.

    Markup.format escapes the name and the JSON list of values, so a choice's value
    with quotes or angle brackets stays inside its attribute.
    """
    if condition is None:
        return Markup("")
    found = _values(condition.root, own)
    if found is None:
        return Markup("")
    name, values = found
    return Markup(' data-reveal-name="{}" data-reveal-values="{}"').format(
        name, json.dumps(sorted(values)))
