"""Every text of a form definition, each under a key that survives reordering, and edits to them.

A text is a language map ({"de": …, "en": …}). Its key names the step, field and
option by id, name and value rather than by position (``steps[hergang]/fields[tatzeit]/label``),
so a translation keeps its status when the structured editor moves a question.
`set_texts` changes language maps in the JSON text exactly where they are, leaving
everything else as it was typed. Pure Python, no Flask.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..engine.definition import language_maps
from .positions import escape, locate

#: The longest key the text status table holds (text_status.key).
MAX_KEY = 500
#: The member of a list item that names it in a key: steps by id, fields by name, options by value.
_NAMED_BY = ("id", "name", "value")


def fingerprint(text: str | None) -> str:
    """A short fingerprint of one text: what a translation was confirmed for."""
    return hashlib.sha256((text or "").encode("utf-8")).hexdigest()[:16]


@dataclass
class Text:
    key: str
    pointer: str
    step: int | None  # the index of the step it belongs to; None for the form's own texts
    values: dict[str, str]

    @property
    def parts(self) -> list[str]:
        return [p.replace("~1", "/").replace("~0", "~") for p in self.pointer.split("/")[1:]]


def key_of(document: Any, pointer: str) -> str:
    """The stable key of the value at `pointer`: list items by their id, name or value."""
    node, parts = document, []
    for raw in pointer.split("/")[1:]:
        token = raw.replace("~1", "/").replace("~0", "~")
        if isinstance(node, list):
            index = int(token)
            item = node[index]
            name = next((item[k] for k in _NAMED_BY if isinstance(item, Mapping)
                         and isinstance(item.get(k), str | int)
                         and not isinstance(item.get(k), bool)), None)
            parts.append(f"[{name}]" if name is not None else f"[#{index}]")
            node = item
        else:
            parts.append(("/" if parts else "") + escape(token))
            node = node[token]
    return "".join(parts)


def texts_of(document: Any) -> list[Text]:
    """Every language map of a parsed definition, in the order of the text."""
    if not isinstance(document, Mapping):
        return []
    found = []
    seen: set[str] = set()
    for pointer, values in language_maps(document):
        key = key_of(document, pointer)
        if key in seen:  # two items with the same name: the second keeps its position
            key = f"{key}@{pointer}"
        if len(key) > MAX_KEY:  # very long option values: shortened, still unique
            key = f"{key[:MAX_KEY - 18]}#{fingerprint(key)}"
        seen.add(key)
        parts = pointer.split("/")
        step = int(parts[2]) if len(parts) > 2 and parts[1] == "steps" and parts[2].isdigit() \
            else None
        found.append(Text(key, pointer, step, {k: v for k, v in values.items()}))
    return found


def languages_of(document: Any) -> tuple[str, list[str]]:
    """The default language and the others the form offers, as far as the text says."""
    if not isinstance(document, Mapping):
        return "de", []
    default = document.get("default_language")
    default = default if isinstance(default, str) else "de"
    languages = document.get("languages")
    others = [lang for lang in languages if isinstance(lang, str) and lang != default] \
        if isinstance(languages, list) else []
    return default, others


def set_texts(text: str, changes: Mapping[str, Mapping[str, str]]) -> str:
    """`text` with the language maps at the given pointers changed: {pointer: {language: text}}.

    Existing entries are replaced where they stand; a language the map lacks is added
    after its last entry. An empty text removes nothing: it is written as "".
    """
    located = locate(text)
    edits: list[tuple[int, int, str]] = []  # (start, end, replacement), applied from the end
    for pointer, values in changes.items():
        members = {lang: located.spans.get(f"{pointer}/{escape(lang)}") for lang in values}
        present = [s for s in (located.spans.get(p) for p in located.spans
                               if p.rsplit("/", 1)[0] == pointer and p != pointer) if s]
        for lang, value in values.items():
            written = json.dumps(value, ensure_ascii=False)
            span = members[lang]
            if span is not None:
                edits.append((span.value_start, span.value_end, written))
            elif present:
                end = max(s.value_end for s in present)
                edits.append((end, end, f", {json.dumps(lang)}: {written}"))
            else:
                map_span = located.spans[pointer]
                edits.append((map_span.value_start + 1, map_span.value_start + 1,
                              f"{json.dumps(lang)}: {written}"))
    # Inserting several languages at the same place: keep their order.
    for start, end, replacement in sorted(edits, key=lambda e: (e[0], e[1]), reverse=True):
        text = text[:start] + replacement + text[end:]
    return text
