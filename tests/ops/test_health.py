"""Liveness and readiness, on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from portal import create_app
from portal.extensions import db
from portal.health import schema_state


def test_live_answers_without_touching_the_database(offline_app: Flask) -> None:
    response = offline_app.test_client().get("/health/live")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}
    assert response.headers["Cache-Control"] == "no-store"


@pytest.mark.both_databases
def test_ready_when_database_is_reachable_and_migrated(client) -> None:
    response = client.get("/health/ready")
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["checks"] == {"database": "ok", "migrations": "ok",
                                             "receipt_font": "ok"}


def test_not_ready_without_database_says_so_as_problem_json(offline_app: Flask) -> None:
    response = offline_app.test_client().get("/health/ready")
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["status"] == 503
    assert problem["checks"]["database"] == "unreachable"
    # No connection details, no exception text.
    body = response.get_data(as_text=True)
    assert "127.0.0.1" not in body and "psycopg" not in body and "Traceback" not in body
    assert response.headers["Retry-After"]


def test_not_ready_before_the_migrations_ran(tmp_path: Path) -> None:
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path),
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'empty.sqlite3'}"})
    response = app.test_client().get("/health/ready")
    assert response.status_code == 503
    assert response.get_json()["checks"] == {"database": "ok", "migrations": "missing",
                                             "receipt_font": "ok"}


@pytest.mark.both_databases
def test_not_ready_when_the_schema_is_behind(app: Flask, client) -> None:
    current = db.session.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()
    db.session.execute(sa.text("UPDATE alembic_version SET version_num = '0001'"))
    db.session.commit()
    try:
        response = client.get("/health/ready")
        assert response.status_code == 503
        assert response.get_json()["checks"]["migrations"] == "behind"
    finally:
        db.session.execute(sa.text("UPDATE alembic_version SET version_num = :v"), {"v": current})
        db.session.commit()


def test_schema_states() -> None:
    from portal.health import _scripts

    heads = set(_scripts().get_heads())
    assert schema_state(heads) == "ok"
    assert schema_state(set()) == "missing"
    assert schema_state({"0001"}) == "behind"
    # A newer release migrated first (rolling upgrade): this node keeps serving.
    assert schema_state({"9999_from_the_future"}) == "ahead"
