"""Fixtures shared by the provider adapters' tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .fakes import Receiver, running


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A local server that takes the callbacks a fake provider sends."""
    with running(Receiver()) as server:
        yield server
