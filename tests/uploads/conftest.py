"""Fixtures for the upload tests: the test form, published, with a draft started on it."""

from __future__ import annotations

from pathlib import Path

import pytest

from .forms import publish_form, start


@pytest.fixture
def step_url(app, client) -> str:
    """The upload step of the test form (default file settings), with a draft started."""
    url = publish_form(accept=["application/pdf", "image/png"], max_files=2)
    start(client)
    return url


@pytest.fixture
def upload_dir(app) -> Path:
    return Path(app.instance_path) / "uploads"


def stored_files(upload_dir: Path) -> list[Path]:
    return sorted(p for p in upload_dir.glob("*/*") if p.is_file()) if upload_dir.exists() else []
