"""The designer's preview answers as the journey's answer store (portal.journey.store)."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

from werkzeug.datastructures import FileStorage

from ..engine import Field, Invalid
from ..engine.messages import N_
from ..extensions import unit_of_work
from ..journey.store import Change
from .models import PreviewAnswers, utcnow

MB = 1024 * 1024


class PreviewStore:
    """A designer's preview answers as the journey's answer store."""

    def __init__(self, state: PreviewAnswers) -> None:
        self.state = state

    answers = property(lambda self: self.state.answers or {})
    completed_steps = property(lambda self: self.state.completed_steps or [])

    def write(self, change: Change, current: str | None) -> None:
        with unit_of_work():
            self.state.answers, self.state.completed_steps = change(self)
            self.state.updated_at = utcnow()

    def accept_file(self, field: Field, upload: FileStorage) -> str:
        size = len(upload.stream.read(int(field.max_size_mb * MB) + 1))
        if size > field.max_size_mb * MB:
            raise Invalid(N_("Die Datei ist zu groß. Erlaubt sind höchstens %(max)s MB je Datei."),
                          max=field.max_size_mb)
        key = f"preview-{secrets.token_hex(6)}"
        self.state.files = {**(self.state.files or {}),
                            key: {"display_name": (upload.filename or "")[:255], "size": size}}
        return key

    def discard_file(self, key: str) -> None:
        self.state.files = {k: v for k, v in (self.state.files or {}).items() if k != key}

    def attachments(self) -> Mapping[str, Any]:
        files = self.state.files or {}
        return {key: SimpleNamespace(id=key, **item) for key, item in files.items()}
