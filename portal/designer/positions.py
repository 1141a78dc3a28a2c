"""Where a JSON pointer sits in the text a designer typed: line and column of keys and values.

The engine reports problems by JSON pointer; a person editing text needs the
line. `locate` scans text that `json.loads` accepts and records, for every
pointer, where its key (in an object) and its value start and where the value
ends. Pure Python, no Flask.
"""

from __future__ import annotations

import bisect
import json
import re
from dataclasses import dataclass, field

_WHITESPACE = " \t\r\n"
_SCALAR = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?|true|false|null")
#: Deeper than any form definition; beyond it the scan stops instead of exhausting the stack.
MAX_DEPTH = 200


def escape(token: str) -> str:
    """One reference token of an RFC 6901 pointer."""
    return token.replace("~", "~0").replace("/", "~1")


@dataclass(frozen=True)
class Span:
    start: int  # offset of the key if the value is an object member, else of the value
    value_start: int
    value_end: int  # offset just after the value


@dataclass
class Located:
    """The positions in one text, and keys that occur twice in the same object."""

    text: str
    spans: dict[str, Span] = field(default_factory=dict)
    duplicates: list[str] = field(default_factory=list)  # pointers of repeated keys
    _line_starts: list[int] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._line_starts = [0] + [i + 1 for i, ch in enumerate(self.text) if ch == "\n"]

    def line_column(self, offset: int) -> tuple[int, int]:
        """1-based line and column of a character offset."""
        line = bisect.bisect_right(self._line_starts, offset)
        return line, offset - self._line_starts[line - 1] + 1

    def line_text(self, line: int) -> str:
        start = self._line_starts[line - 1]
        end = self._line_starts[line] - 1 if line < len(self._line_starts) else len(self.text)
        return self.text[start:end]

    @property
    def line_count(self) -> int:
        return len(self._line_starts)

    def position(self, pointer: str) -> tuple[int, int] | None:
        """Line and column of `pointer`, or of its nearest ancestor that exists in the text."""
        while True:
            span = self.spans.get(pointer)
            if span is not None:
                return self.line_column(span.start)
            if not pointer:
                return None
            pointer = pointer.rsplit("/", 1)[0]


def locate(text: str) -> Located:
    """Positions of every value in `text`, which must be valid JSON."""
    located = Located(text)
    _Scanner(text, located).value(0, "", None, 0)
    return located


class _Scanner:
    def __init__(self, text: str, located: Located) -> None:
        self.text = text
        self.located = located

    def skip(self, i: int) -> int:
        while i < len(self.text) and self.text[i] in _WHITESPACE:
            i += 1
        return i

    def string_end(self, i: int) -> int:
        """Offset after the string that starts with the quote at `i`."""
        i += 1
        while self.text[i] != '"':
            i += 2 if self.text[i] == "\\" else 1
        return i + 1

    def value(self, i: int, pointer: str, key_at: int | None, depth: int) -> int:
        i = self.skip(i)
        start = i
        if depth > MAX_DEPTH:
            raise ValueError("nested too deeply")
        char = self.text[i]
        if char == "{":
            i = self.members(i + 1, pointer, depth)
        elif char == "[":
            i = self.items(i + 1, pointer, depth)
        elif char == '"':
            i = self.string_end(i)
        else:
            match = _SCALAR.match(self.text, i)
            if match is None:
                raise ValueError(f"not JSON at offset {i}")
            i = match.end()
        self.located.spans[pointer] = Span(key_at if key_at is not None else start, start, i)
        return i

    def members(self, i: int, pointer: str, depth: int) -> int:
        seen: set[str] = set()
        i = self.skip(i)
        if self.text[i] == "}":
            return i + 1
        while True:
            key_at = i
            end = self.string_end(i)
            key = json.loads(self.text[i:end])  # escapes decoded exactly as json.loads does
            child = f"{pointer}/{escape(key)}"
            if key in seen:
                self.located.duplicates.append(child)
            seen.add(key)
            i = self.skip(end) + 1  # past the colon
            i = self.skip(self.value(i, child, key_at, depth + 1))
            if self.text[i] == "}":
                return i + 1
            i = self.skip(i + 1)  # past the comma

    def items(self, i: int, pointer: str, depth: int) -> int:
        i = self.skip(i)
        if self.text[i] == "]":
            return i + 1
        index = 0
        while True:
            i = self.skip(self.value(i, f"{pointer}/{index}", None, depth + 1))
            index += 1
            if self.text[i] == "]":
                return i + 1
            i = self.skip(i + 1)
