"""File uploads: storage backends, content checks, metadata removal, virus scanning,
and the attachments of a draft. See docs/uploads.md."""

from __future__ import annotations

from flask import Flask

from . import requests


class StorageNotReady(RuntimeError):
    """The configured upload storage cannot be used; the message says why and what to set."""


def init_app(app: Flask) -> None:
    requests.init_app(app)
    check_storage(app)


def check_storage(app: Flask) -> None:
    """At start-up, not at a citizen's first upload: the object store must answer.

    A web node, a worker or a command that cannot reach the bucket stops here with the
    reason (unreachable, no such bucket, credentials refused) instead of failing later.
    """
    url = app.config.get("STORAGE_URL")
    if not url or not app.config.get("STORAGE_CHECK", True):
        return
    from .objects import StorageUnavailable, storage_for

    try:
        store = storage_for(url)
        store.check()
    except (ValueError, StorageUnavailable) as problem:
        message = (f"{problem}. Uploads cannot be stored: check AMTSWEG_STORAGE_URL and the "
                   "AWS_* credentials (docs/uploads.md).")
        app.logger.error("upload storage not ready: %s", message)
        raise StorageNotReady(message) from None


__all__ = ["StorageNotReady", "init_app"]
