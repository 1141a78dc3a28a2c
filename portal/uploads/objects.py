"""Uploads in S3-compatible object storage (AWS S3, SeaweedFS, MinIO, Ceph RGW, ...).

Chosen by `AMTSWEG_STORAGE_URL=s3://BUCKET[/PREFIX]?endpoint=http://host:8333` (without
`endpoint`, AWS itself); credentials come from the standard AWS_* environment variables
(AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN, AWS_PROFILE, ...) through
boto3's own lookup, never from the URL. Same interface as `storage.LocalStorage`:

- `save` sends the stream as it is read, in parts of PART_SIZE (a multipart upload for
  anything bigger), counting and hashing on the way; past the limit the upload is aborted
  and nothing is kept. At most one part is in memory, whatever the size of the file.
- `open` is a seekable reader over ranged GETs: reading on from where the last read ended
  keeps one response streaming, a seek starts a new request. A download is streamed.
- `rewrite` and `local_path` work on a temporary local copy (checks that need a path:
  qpdf, a scan command), downloaded and uploaded again in chunks.

Every failure to reach the store is raised as `StorageUnavailable`, an OSError, like a
failing disk; a missing object as FileNotFoundError, as a missing file is.
"""

from __future__ import annotations

import hashlib
import io
import os
import secrets
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import parse_qs, urlsplit

from .storage import CHUNK, TooLarge, _Hashing

#: Size of one part of a multipart upload (S3's minimum is 5 MiB) and of the threshold above
#: which one is used: a worker holds at most about this much of a file in memory.
PART_SIZE = 8 * 1024 * 1024
#: The first GET after a seek asks for this much; reading on streams the rest.
WINDOW = 256 * 1024


class StorageUnavailable(OSError):
    """The object store did not answer, refused the credentials or lacks the bucket."""


def _botocore():
    import botocore.exceptions

    return botocore.exceptions


def _not_found(error: Exception) -> bool:
    response = getattr(error, "response", None) or {}
    code = str(response.get("Error", {}).get("Code", ""))
    return code in ("404", "NoSuchKey", "NotFound")


@contextmanager
def _translated(what: str, key: str | None = None) -> Iterator[None]:
    """botocore's exceptions as the OSErrors the rest of the code expects from storage."""
    exceptions = _botocore()
    try:
        yield
    except exceptions.ClientError as error:
        if key is not None and _not_found(error):
            raise FileNotFoundError(f"upload {key} is not in the object store") from error
        raise StorageUnavailable(f"object store: {what} failed: {error}") from error
    except exceptions.BotoCoreError as error:
        raise StorageUnavailable(f"object store: {what} failed: {error}") from error


class _Limited(io.RawIOBase):
    """A read-only, non-seekable view of `stream` that hashes and counts what is read and
    raises TooLarge once more than `limit` bytes came through."""

    def __init__(self, stream: BinaryIO, limit: int) -> None:
        self.stream, self.limit = stream, limit
        self.digest, self.size = hashlib.sha256(), 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return False

    def read(self, size: int = -1) -> bytes:
        wanted = CHUNK if size is None or size < 0 else size
        data = self.stream.read(wanted)
        if data:
            if self.size + len(data) > self.limit:
                raise TooLarge
            self.digest.update(data)
            self.size += len(data)
        return data

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


class _ObjectReader(io.RawIOBase):
    """A stored object as a seekable raw file: ranged GETs, streamed while reading on."""

    def __init__(self, client: Any, bucket: str, name: str, size: int) -> None:
        self.client, self.bucket, self.name, self.size = client, bucket, name, size
        self.position = 0
        self._body: Any = None
        self._body_at = -1  # the position the open response's next byte belongs to
        self._body_end = -1  # the end (exclusive) of what the open response carries

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self.position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self.position, io.SEEK_END: self.size}[whence]
        self.position = max(base + offset, 0)
        return self.position

    def _drop(self) -> None:
        if self._body is not None:
            self._body.close()
        self._body = None

    def _request(self, sequential: bool) -> None:
        """A GET from the position: a small window after a seek, the rest when reading on."""
        self._drop()
        end = self.size if sequential else min(self.position + WINDOW, self.size)
        with _translated("download", self.name):
            answer = self.client.get_object(Bucket=self.bucket, Key=self.name,
                                            Range=f"bytes={self.position}-{end - 1}")
        self._body, self._body_at, self._body_end = answer["Body"], self.position, end

    def readinto(self, buffer: Any) -> int:
        if self.position >= self.size or len(buffer) == 0:
            return 0
        if self._body is None or self._body_at != self.position or self._body_at >= self._body_end:
            # Reading on from where the last read ended: stream the rest; after a seek: a window.
            self._request(sequential=self._body_at == self.position)
        wanted = min(len(buffer), self._body_end - self.position)
        with _translated("download", self.name):
            data = self._body.read(wanted)
        if not data:  # the response ended early: ask again from here
            self._request(sequential=True)
            with _translated("download", self.name):
                data = self._body.read(wanted)
            if not data:
                raise StorageUnavailable(f"object store: {self.name} ended early")
        buffer[: len(data)] = data
        self.position += len(data)
        self._body_at = self.position
        return len(data)

    def close(self) -> None:
        self._drop()
        super().close()


def parse_url(url: str) -> dict[str, str | None]:
    """s3://bucket/prefix?endpoint=...&region=...&addressing=path -> its parts."""
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.netloc:
        raise ValueError(f"not an s3:// storage URL: {url!r} (s3://BUCKET?endpoint=URL)")
    query = {name: values[-1] for name, values in parse_qs(parts.query).items()}
    unknown = set(query) - {"endpoint", "region", "addressing"}
    if unknown:
        raise ValueError(f"unknown setting in the storage URL: {', '.join(sorted(unknown))}")
    prefix = parts.path.strip("/")
    return {
        "bucket": parts.netloc,
        "prefix": f"{prefix}/" if prefix else "",
        "endpoint": query.get("endpoint"),
        "region": query.get("region"),
        # Path-style addressing by default for a custom endpoint: it needs no wildcard DNS.
        "addressing": query.get("addressing") or ("path" if query.get("endpoint") else "auto"),
    }


_loader: Any = None


def make_client(endpoint: str | None, region: str | None, addressing: str) -> Any:
    """An S3 client of its own (its own connections, the credentials as the environment
    says now), sharing one loader of botocore's service models per process tree: loaded
    once in the gunicorn master by the start-up check, inherited by every worker instead
    of being loaded again in each."""
    global _loader
    import boto3
    import botocore.session
    from botocore.config import Config

    config = Config(
        s3={"addressing_style": addressing},
        retries={"max_attempts": 3, "mode": "standard"},
        connect_timeout=5, read_timeout=60,
        # Checksums only where S3 requires them: S3-compatible servers differ in support.
        request_checksum_calculation="when_required",
        response_checksum_validation="when_required",
    )
    region = region or os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    core = botocore.session.get_session()
    if _loader is None:
        _loader = core.get_component("data_loader")
    else:
        core.register_component("data_loader", _loader)
    session = boto3.session.Session(botocore_session=core)
    return session.client("s3", endpoint_url=endpoint, region_name=region or "us-east-1",
                           config=config)


class S3Storage:
    """Uploads as objects `<prefix><key>` in one bucket."""

    def __init__(self, bucket: str, prefix: str = "", client: Any = None, *,
                 endpoint: str | None = None, region: str | None = None,
                 addressing: str = "path") -> None:
        self.bucket, self.prefix, self.endpoint = bucket, prefix, endpoint
        self.client = client or make_client(endpoint, region, addressing)

    @classmethod
    def from_url(cls, url: str) -> S3Storage:
        settings = parse_url(url)
        return cls(settings["bucket"], settings["prefix"] or "", endpoint=settings["endpoint"],
                   region=settings["region"], addressing=settings["addressing"] or "path")

    def describe(self) -> str:
        where = f" at {self.endpoint}" if self.endpoint else ""
        return f"bucket {self.bucket!r}{where}"

    def _name(self, key: str) -> str:
        if not key.isalnum():
            raise ValueError("not a storage key")
        return self.prefix + key

    def _transfer(self) -> Any:
        from boto3.s3.transfer import TransferConfig

        # One part at a time, in this thread: memory stays at one part per upload.
        return TransferConfig(multipart_threshold=PART_SIZE, multipart_chunksize=PART_SIZE,
                              max_concurrency=1, use_threads=False)

    def check(self) -> None:
        """Raise StorageUnavailable with the reason unless the bucket answers to these
        credentials (the start-up check)."""
        exceptions = _botocore()
        self._transfer()  # imported here, in the master, rather than in every worker
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except exceptions.ClientError as error:
            code = str(error.response.get("Error", {}).get("Code", ""))
            denied = "access denied: check AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
            missing = "the bucket does not exist"
            reasons = {"404": missing, "NoSuchBucket": missing, "403": denied,
                       "AccessDenied": denied}
            reason = reasons.get(code, f"answer {code}")
            raise StorageUnavailable(f"upload storage {self.describe()}: {reason}") from error
        except exceptions.NoCredentialsError as error:
            raise StorageUnavailable(
                f"upload storage {self.describe()}: no credentials: set AWS_ACCESS_KEY_ID and "
                "AWS_SECRET_ACCESS_KEY (or AWS_PROFILE)") from error
        except exceptions.BotoCoreError as error:
            raise StorageUnavailable(
                f"upload storage {self.describe()} is unreachable: {error}") from error

    # -- the Storage interface -------------------------------------------------------------

    def save(self, stream: BinaryIO, limit: int) -> tuple[str, int, str]:
        key = secrets.token_hex(20)
        reader = _Limited(stream, limit)
        try:
            with _translated("upload"):
                self.client.upload_fileobj(reader, self.bucket, self._name(key),
                                           Config=self._transfer())
        except TooLarge:
            # s3transfer aborted the multipart upload; a single part was never sent.
            raise
        return key, reader.size, reader.digest.hexdigest()

    def _upload_file(self, path: Path, key: str) -> None:
        with _translated("upload"), open(path, "rb") as source:
            self.client.upload_fileobj(source, self.bucket, self._name(key),
                                       Config=self._transfer())

    def size(self, key: str) -> int:
        with _translated("look-up", key):
            return int(self.client.head_object(Bucket=self.bucket,
                                               Key=self._name(key))["ContentLength"])

    def open(self, key: str) -> BinaryIO:
        raw = _ObjectReader(self.client, self.bucket, self._name(key), self.size(key))
        return io.BufferedReader(raw, buffer_size=CHUNK)  # type: ignore[return-value]

    @contextmanager
    def local_path(self, key: str) -> Iterator[Path]:
        """A temporary local copy (downloaded in chunks), deleted afterwards."""
        with tempfile.TemporaryDirectory(prefix="amtsweg-upload-") as folder:
            path = Path(folder) / key
            with _translated("download", key), open(path, "wb") as out:
                self.client.download_fileobj(self.bucket, self._name(key), out,
                                             Config=self._transfer())
            yield path

    def rewrite(self, key: str, transform: Callable[[BinaryIO, BinaryIO], None]) -> tuple[int, str]:
        """transform(old, new) on local copies; the new one replaces the object."""
        with self.local_path(key) as path:
            rewritten = path.with_suffix(".new")
            with open(path, "rb") as source, open(rewritten, "wb") as out:
                hashing = _Hashing(out)
                transform(source, hashing)  # type: ignore[arg-type]
            self._upload_file(rewritten, key)
        return hashing.size, hashing.digest.hexdigest()


    def delete(self, key: str) -> None:
        with _translated("delete"):
            self.client.delete_object(Bucket=self.bucket, Key=self._name(key))

    def keys(self, min_age: float = 0) -> Iterator[str]:
        now = datetime.now(UTC)
        with _translated("listing"):
            pages = self.client.get_paginator("list_objects_v2").paginate(
                Bucket=self.bucket, Prefix=self.prefix)
            for page in pages:
                for item in page.get("Contents", []):
                    key = item["Key"][len(self.prefix):]
                    age = (now - item["LastModified"]).total_seconds()
                    if key.isalnum() and age >= min_age:
                        yield key

    def purge_partials(self, min_age: float) -> int:
        """Abort multipart uploads a crashed worker left unfinished; returns how many."""
        count, now = 0, datetime.now(UTC)
        with _translated("listing of unfinished uploads"):
            answer = self.client.list_multipart_uploads(Bucket=self.bucket, Prefix=self.prefix)
            for upload in answer.get("Uploads", []):
                if (now - upload["Initiated"]).total_seconds() >= min_age:
                    self.client.abort_multipart_upload(Bucket=self.bucket, Key=upload["Key"],
                                                       UploadId=upload["UploadId"])
                    count += 1
        return count


# -- one client per process ------------------------------------------------------------------

_lock = threading.Lock()
_made: dict[tuple[str, int], S3Storage] = {}


def storage_for(url: str) -> S3Storage:
    """The backend for `url`, made once per process (a forked worker makes its own: a
    client's connections must not be shared between processes)."""
    index = (url, os.getpid())
    found = _made.get(index)
    if found is None:
        with _lock:
            found = _made.get(index)
            if found is None:
                found = _made[index] = S3Storage.from_url(url)
    return found
