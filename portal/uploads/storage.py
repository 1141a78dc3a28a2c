"""Where uploaded files live. A small interface; the local disk under instance/ is the default.

A backend stores a stream under a key it chooses (random, never the citizen's
file name), hands it back, rewrites it (metadata removed), deletes it and lists
its keys for the cleanup. Everything is streamed in chunks of CHUNK bytes: no
file is ever held in memory whole.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO, Protocol

CHUNK = 64 * 1024


class TooLarge(Exception):
    """The stream is longer than the limit; nothing is kept."""


class Storage(Protocol):
    def save(self, stream: BinaryIO, limit: int) -> tuple[str, int, str]:
        """Store a stream of at most `limit` bytes; returns (key, size, sha256 hex)."""

    def open(self, key: str) -> BinaryIO:
        """The stored bytes, for reading (seekable)."""

    def rewrite(self, key: str, transform: Callable[[BinaryIO, BinaryIO], None]) -> tuple[int, str]:
        """Replace a file by transform(old, new); returns the new size and sha256 hex."""

    def local_path(self, key: str):
        """A context manager giving a path on the local disk with the file's bytes."""

    def delete(self, key: str) -> None: ...

    def keys(self, min_age: float = 0) -> Iterator[str]:
        """Every stored key whose file is at least `min_age` seconds old."""


class _Hashing:
    """A write-only file that counts and hashes what passes through it."""

    def __init__(self, out: BinaryIO) -> None:
        self.out, self.digest, self.size = out, hashlib.sha256(), 0

    def write(self, data: bytes) -> int:
        self.digest.update(data)
        self.size += len(data)
        return self.out.write(data)


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
        # Streamed chunk by chunk: a 50 MB upload never sits in memory whole.
        partial = path.with_suffix(".part")
        try:
            with open(partial, "wb") as out:
                hashing = _Hashing(out)
                while chunk := stream.read(CHUNK):
                    if hashing.size + len(chunk) > limit:
                        raise TooLarge
                    hashing.write(chunk)
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
        return key, hashing.size, hashing.digest.hexdigest()

    def open(self, key: str) -> BinaryIO:
        return open(self._path(key), "rb")

    def rewrite(self, key: str, transform: Callable[[BinaryIO, BinaryIO], None]) -> tuple[int, str]:
        """Write transform's output beside the file, then put it in the file's place."""
        path = self._path(key)
        partial = path.with_suffix(".part")
        try:
            with open(path, "rb") as source, open(partial, "wb") as out:
                hashing = _Hashing(out)
                transform(source, hashing)
            os.replace(partial, path)
        finally:
            partial.unlink(missing_ok=True)
        return hashing.size, hashing.digest.hexdigest()


    @contextmanager
    def local_path(self, key: str) -> Iterator[Path]:
        yield self._path(key)

    def delete(self, key: str) -> None:
        self._path(key).unlink(missing_ok=True)

    def keys(self, min_age: float = 0) -> Iterator[str]:
        if not self.root.exists():
            return
        now = time.time()
        for path in self.root.glob("*/*"):
            if path.name.isalnum() and path.is_file() and now - path.stat().st_mtime >= min_age:
                yield path.name

    def purge_partials(self, min_age: float) -> int:
        """Delete half-written files a crashed process left behind; returns how many."""
        count, now = 0, time.time()
        if self.root.exists():
            for path in self.root.glob("*/*.part"):
                if now - path.stat().st_mtime >= min_age:
                    path.unlink(missing_ok=True)
                    count += 1
        return count
