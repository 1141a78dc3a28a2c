"""A pooled PostgreSQL connection the server closed is replaced before use (portal.extensions).

The pool no longer pings with SELECT 1 on every checkout (pool_pre_ping); a connection
whose socket the server closed (a restart, pg_terminate_backend, an idle timeout) is
found at checkout and replaced. The citizen sees the page, not the retry page.
tests/ops/test_faults.py restarts a whole PostgreSQL under load.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from flask import Flask
from sqlalchemy import select

from portal.config import engine_options
from portal.extensions import db
from portal.models import Draft
from tests.conftest import app_for_test

STEP = "/forms/onlinewache/steps/tat"


@pytest.fixture
def pg_app(postgres_database: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Flask]:
    with app_for_test(postgres_database, tmp_path_factory) as application:
        yield application


def _end_every_other_session(url: str) -> int:
    """pg_terminate_backend for every session of the database but this one; how many."""
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            ended = connection.execute(sa.text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()")).scalar()
            for _ in range(50):  # the backends end a moment later
                left = connection.execute(sa.text(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid()")).scalar()
                if not left:
                    break
                time.sleep(0.05)
        return ended
    finally:
        admin.dispose()


def test_connections_ended_by_the_server_are_replaced_unseen(pg_app: Flask) -> None:
    assert "pool_pre_ping" not in pg_app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    client = pg_app.test_client()
    client.post("/forms/onlinewache/start")
    client.post("/forms/onlinewache/steps/anliegen", data={"art": "anzeige", "action": "continue"})
    assert client.get(STEP).status_code == 200
    db.session.remove()  # every pooled connection back in the pool, idle

    assert _end_every_other_session(pg_app.config["SQLALCHEMY_DATABASE_URI"]) >= 1

    page = client.get(STEP)  # the draft read takes a pooled connection first
    assert page.status_code == 200, page.text[:300]
    assert 'name="delikt"' in page.text
    saved = client.post(STEP, data={"delikt": "betrug", "action": "continue"})
    assert saved.status_code == 422  # one answer of several: kept, the page again
    assert db.session.execute(select(Draft.answers)).scalar_one()["delikt"] == "betrug"


def test_a_live_connection_is_taken_without_a_query(pg_app: Flask) -> None:
    """The check at checkout is a look at the socket: the server sees no statement for it
    (pool_pre_ping sent SELECT 1 each time, which moves the session's state_change)."""
    options = {**engine_options(pg_app.config["SQLALCHEMY_DATABASE_URI"]),
               "pool_size": 1, "max_overflow": 0}  # one connection: every checkout takes it
    engine = sa.create_engine(pg_app.config["SQLALCHEMY_DATABASE_URI"], **options)
    try:
        with engine.connect() as connection:
            pid = connection.execute(sa.text("SELECT pg_backend_pid()")).scalar()
        before = _last_state_change(engine, pid)
        for _ in range(5):
            with engine.connect() as connection:
                assert connection.connection.dbapi_connection.info.backend_pid == pid
        assert _last_state_change(engine, pid) == before
    finally:
        engine.dispose()


def _last_state_change(engine: sa.Engine, pid: int) -> object:
    admin = sa.create_engine(engine.url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            return connection.execute(sa.text(
                "SELECT state_change FROM pg_stat_activity WHERE pid = :pid"), {"pid": pid}).one()
    finally:
        admin.dispose()
