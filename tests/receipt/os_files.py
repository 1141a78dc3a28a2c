"""Hiding the operating system's files from the code under test, as on a machine without them."""

from __future__ import annotations

import builtins
import io
import os
import pathlib

import pytest

#: Where Debian's icc-profiles-free (and colord) put ICC profiles.
COLOUR_PROFILES = "/usr/share/color"


def hide(monkeypatch: pytest.MonkeyPatch, directory: str) -> None:
    """Every lookup of a file under `directory` finds nothing, whichever API it goes through."""
    hidden = os.path.normpath(directory)

    def is_hidden(path: object) -> bool:
        try:
            text = os.path.abspath(os.fspath(path))
        except TypeError:  # a file descriptor
            return False
        return text == hidden or text.startswith(hidden + os.sep)

    def missing(path: object) -> FileNotFoundError:
        return FileNotFoundError(2, "hidden by the test", str(path))

    def guarded_open(original):
        def opener(file, *args, **kwargs):
            if is_hidden(file):
                raise missing(file)
            return original(file, *args, **kwargs)
        return opener

    def guarded_path(name: str, answer: bool | None):
        """A Path method that answers `answer` for a hidden path, or raises when it is None."""
        original = getattr(pathlib.Path, name)

        def method(self, *args, **kwargs):
            if not is_hidden(self):
                return original(self, *args, **kwargs)
            if answer is None:
                raise missing(self)
            return answer
        return method

    monkeypatch.setattr(builtins, "open", guarded_open(builtins.open))
    monkeypatch.setattr(io, "open", guarded_open(io.open))
    for name, answer in (("is_file", False), ("exists", False), ("is_dir", False),
                         ("read_bytes", None), ("open", None), ("stat", None)):
        monkeypatch.setattr(pathlib.Path, name, guarded_path(name, answer))
    for name in ("isfile", "exists", "isdir"):
        original = getattr(os.path, name)
        monkeypatch.setattr(os.path, name,
                            lambda path, _original=original: False if is_hidden(path)
                            else _original(path))
