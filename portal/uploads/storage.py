"""Where uploaded files live. A small interface; the local disk under instance/ is the default."""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, Protocol

CHUNK = 64 * 1024


class TooLarge(Exception):
    """The stream is longer than the limit; nothing is kept."""


class Storage(Protocol):
    def save(self, stream: BinaryIO, limit: int) -> tuple[str, int, str]:
        """Store a stream of at most `limit` bytes; returns (key, size, sha256 hex)."""

    def open(self, key: str) -> BinaryIO: ...

    def delete(self, key: str) -> None: ...

    def keys(self) -> Iterator[str]: ...


class LocalStorage:
    """Files on the local disk, under random names in a two-level fan-out."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def _path(self, key: str) -> Path:
        if not key.isalnum():
            raise ValueError("not a storage key")
        return self.root / key[:2] / key

    def save(self, stream: BinaryIO, limit: int) -> tuple[str, int, str]:
        key = secrets.token_hex(20)
        path = self._path(key)
        path.parent.mkdir(parents=True, exist_ok=True)
        digest, size = hashlib.sha256(), 0
        # Streamed chunk by chunk: a 50 MB upload never sits in memory whole.
        partial = path.with_suffix(".part")
        try:
            with open(partial, "wb") as out:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if size > limit:
                        raise TooLarge
                    digest.update(chunk)
                    out.write(chunk)
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
        return key, size, digest.hexdigest()

    def open(self, key: str) -> BinaryIO:
        return open(self._path(key), "rb")

    def replace(self, key: str, stream: BinaryIO) -> tuple[int, str]:
        """Rewrite a stored file (metadata removed); returns the new size and sha256."""
        path = self._path(key)
        partial = path.with_suffix(".part")
        digest, size = hashlib.sha256(), 0
        with open(partial, "wb") as out:
            while chunk := stream.read(CHUNK):
                size += len(chunk)
                digest.update(chunk)
                out.write(chunk)
        os.replace(partial, path)
        return size, digest.hexdigest()

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def keys(self) -> Iterator[str]:
        if self.root.exists():
            for path in self.root.glob("*/*"):
                if path.is_file() and path.name.isalnum():
                    yield path.name
