"""Where a JSON pointer is in the form, in the outline's words: Schritt „Hergang“, Frage „Tatzeit“.

The engine reports places as JSON pointers; staff know their form by its steps and
questions. `place` names the step, the question, the option and the kind of text,
each by its title or label in the designer's language (or the form's default language).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask_babel import gettext as _


def _text(node: Any, language: str, default: str) -> str:
    if isinstance(node, Mapping):
        for candidate in (language, default, *node.keys()):
            value = node.get(candidate)
            if isinstance(value, str) and value.strip():
                return value.strip()
    return ""


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


def _part_name(key: str) -> str | None:
    names = {
        "label": _("Beschriftung"), "hint": _("Hinweis"), "title": _("Titel"), "text": _("Text"),
        "error_messages": _("Fehlermeldung"), "message": _("Meldung"),
        "summary": _("Zusammenfassung"),
        "privacy_notice": _("Datenschutzhinweis"), "description": _("Beschreibung"),
        "visible_if": _("Bedingung „sichtbar wenn“"), "required_if": _("Bedingung „Pflicht wenn“"),
        "options": _("Auswahlmöglichkeiten"), "rules": _("Regeln"), "name": _("Feldname"),
        "type": _("Feldtyp"), "id": _("ID"),
    }
    return names.get(key)


def place(document: Any, pointer: str | None, language: str) -> str:
    """The place of `pointer` in words, or "" if it says nothing more than the pointer."""
    if not pointer or not isinstance(document, Mapping):
        return ""
    default = document.get("default_language") if isinstance(
        document.get("default_language"), str) else "de"
    parts = [p.replace("~1", "/").replace("~0", "~") for p in pointer.split("/")[1:]]
    words: list[str] = []
    node: Any = document
    i = 0
    if parts[:1] == ["steps"] and len(parts) > 1 and parts[1].isdigit():
        steps = document.get("steps")
        index = int(parts[1])
        step = steps[index] if isinstance(steps, list) and index < len(steps) else None
        name = _text(step.get("title"), language, default) if isinstance(step, Mapping) else ""
        name = name or (str(step.get("id")) if isinstance(step, Mapping) and step.get("id")
                        else str(index + 1))
        words.append(_("Schritt „%(name)s“", name=_short(name)))
        node, i = step, 2
        if len(parts) > 3 and parts[2] == "fields" and parts[3].isdigit() \
                and isinstance(node, Mapping):
            fields = node.get("fields")
            index = int(parts[3])
            spec = fields[index] if isinstance(fields, list) and index < len(fields) else None
            if isinstance(spec, Mapping):
                label = _text(spec.get("label") or spec.get("text"), language, default) \
                    or str(spec.get("name") or index + 1)
                words.append(_("Frage „%(name)s“", name=_short(label)))
            node, i = spec, 4
            if len(parts) > 5 and parts[4] == "options" and parts[5].isdigit() \
                    and isinstance(node, Mapping) and isinstance(node.get("options"), list):
                options = node["options"]
                index = int(parts[5])
                option = options[index] if index < len(options) else None
                if isinstance(option, Mapping):
                    label = _text(option.get("label"), language, default) \
                        or str(option.get("value", index + 1))
                    words.append(_("Auswahl „%(name)s“", name=_short(label)))
                node, i = option, 6
    rest = parts[i:]
    if rest:
        named = _part_name(rest[0])
        if named:
            words.append(named)
    return ", ".join(words)
