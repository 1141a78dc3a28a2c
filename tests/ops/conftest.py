"""Fixtures for the operations tests: Redis, and apps whose database is away."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask

from portal import create_app

REDIS_URL = os.environ.get("AMTSWEG_TEST_REDIS", "redis://127.0.0.1:6379/0")
#: A PostgreSQL URL nobody listens on: port 1 refuses at once.
UNREACHABLE_DATABASE = "postgresql+psycopg://postgres@127.0.0.1:1/nothing"


@pytest.fixture
def redis_url() -> str:
    """The Redis server of the test machine; missing it is a failure, as for PostgreSQL."""
    import redis

    if os.environ.get("AMTSWEG_SKIP_REDIS") == "1":
        pytest.skip("Redis tests skipped on purpose (AMTSWEG_SKIP_REDIS=1)")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        pytest.fail(f"Redis is not reachable at {REDIS_URL}: {error}. Start it "
                    "(redis-server --daemonize yes) or set AMTSWEG_SKIP_REDIS=1.", pytrace=False)
    return REDIS_URL


@pytest.fixture
def key_prefix() -> str:
    """A Redis key prefix of this test's own: parallel runs never share counters."""
    return f"amtsweg-test-{uuid.uuid4().hex[:12]}"


@pytest.fixture
def offline_app(tmp_path: Path) -> Iterator[Flask]:
    """An app whose PostgreSQL server is not there."""
    app = create_app({
        "TESTING": True,
        "SECRET_KEY": "test-secret-key",
        "SQLALCHEMY_DATABASE_URI": UNREACHABLE_DATABASE,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True, "hide_parameters": True,
                                      "connect_args": {"connect_timeout": 2}},
        "INSTANCE_PATH": str(tmp_path / "instance"),
        "SESSION_COOKIE_SECURE": False,
        "WTF_CSRF_ENABLED": False,
    })
    yield app
