"""Attachments: the answer is the list of attachment ids the upload service recorded."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from ..errors import Invalid
from ..fields import Field, Note, _text, field_type, is_blank
from ..messages import N_, N_plural

DEFAULT_ACCEPT = ("application/pdf", "image/jpeg", "image/png")


@field_type
class File(Field):
    type = "file"
    template = "fields/file.html"
    collect = "list"
    uploads = True

    def __init__(self, spec: Mapping[str, Any], pointer: str = "") -> None:
        super().__init__(spec, pointer)
        self.accept: tuple[str, ...] = tuple(spec.get("accept", DEFAULT_ACCEPT))
        self.max_size_mb: float = spec.get("max_size_mb", 10)
        self.max_files: int = spec.get("max_files", 1)
        #: "refuse" a PDF with scripts or embedded files, or "remove" them and keep a clean copy.
        self.pdf_active_content: str = spec.get("pdf_active_content", "refuse")

    required_message = N_("Laden Sie %(question)s hoch.")

    def parse(self, raw: Any, language: str) -> list[str]:
        items = [raw] if isinstance(raw, str) else list(raw)
        return [_text(item) for item in items if not is_blank(item)]

    def check(self, value: Any, today: date | None = None) -> None:
        if len(value) > self.max_files:
            raise Invalid(
                N_plural("Sie können hier höchstens %(max)s Datei hochladen.",
                         "Sie können hier höchstens %(max)s Dateien hochladen.", "max"),
                rule="max_files", max=self.max_files,
            )

    def value_schema(self) -> dict[str, Any]:
        return {
            "type": "array",
            "items": {"type": "string", "description": "attachment id (see the envelope)"},
            "maxItems": self.max_files,
        }

    def answer_text(self, value: Any, language: str, default_language: str,
                    files: Mapping[str, str]) -> str:
        return "\n".join(files.get(i, i) for i in value)

    def input_id(self, part: str | None = None) -> str:
        return f"{self.name}-upload"

    @classmethod
    def describe(cls, spec: Mapping[str, Any]) -> list[Note]:
        accept = spec.get("accept", DEFAULT_ACCEPT)
        if not isinstance(accept, list | tuple) or not all(isinstance(a, str) for a in accept):
            return []
        return [(N_("Dateitypen: %(types)s"), {"types": ", ".join(accept)})]
