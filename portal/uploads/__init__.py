"""File uploads: storage backends, content checks, metadata removal, virus scanning,
and the attachments of a draft. See docs/uploads.md."""

from .requests import init_app

__all__ = ["init_app"]
