"""Migration 0006 matches the models, and goes down and up again, on SQLite and PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from portal.extensions import db
from tests.conftest import POSTGRES_URL, _postgres_or_fail, make_app

pytestmark = pytest.mark.both_databases

DESIGNER_TABLES = {"staff_user", "form_draft", "preview_answers", "audit_entry", "text_status"}


@pytest.fixture
def empty_database(backend: str, tmp_path) -> Iterator[str]:
    """A database of its own: this test moves the schema up and down."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'migration.sqlite3'}"
        return
    admin = _postgres_or_fail()
    name = f"amtsweg_migration_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    yield sa.make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _mine(diff: tuple) -> bool:
    """A difference that concerns the designer's tables or columns."""
    text = repr(diff)
    return any(f"'{t}'" in text for t in DESIGNER_TABLES) or "authority" in text \
        or "published_by" in text


def test_the_migration_matches_the_models_and_can_be_undone(empty_database, tmp_path):
    app = make_app(empty_database, tmp_path / "instance")  # migrates to the newest revision
    with app.app_context():
        with db.engine.connect() as conn:
            differences = compare_metadata(MigrationContext.configure(conn), db.metadata)
        assert [d for d in differences if _mine(d)] == []

        downgrade(revision="0005")
        inspector = sa.inspect(db.engine)
        assert not DESIGNER_TABLES & set(inspector.get_table_names())
        assert {"authority", "published_by"}.isdisjoint(
            c["name"] for c in inspector.get_columns("form_version"))

        upgrade()
        inspector = sa.inspect(db.engine)
        assert set(inspector.get_table_names()) >= DESIGNER_TABLES
        db.session.remove()
        db.engine.dispose()


def test_accounts_of_an_authority_without_a_record_get_a_placeholder(empty_database, tmp_path,
                                                                     capsys):
    """0011 makes an account's authority a foreign key; an authority only named by accounts
    gets a placeholder record, and the migration says which ones to load."""
    app = make_app(empty_database, tmp_path / "instance")
    with app.app_context():
        downgrade(revision="0009")
        with db.engine.begin() as conn:
            conn.execute(sa.text(
                "INSERT INTO staff_user (email, name, role, authority, password_hash, active, "
                "failed_logins, session_nonce, created_at) VALUES ('a@amt.example', 'A', "
                "'designer', 'amt-ohne-datei', 'x', true, 0, 'n', CURRENT_TIMESTAMP)"))
        upgrade()
        assert "amt-ohne-datei" in capsys.readouterr().out
        with db.engine.connect() as conn:
            name = conn.execute(sa.text(
                "SELECT name FROM authority WHERE id = 'amt-ohne-datei'")).scalar_one()
            assert "amt-ohne-datei" in str(name)
            assert conn.execute(sa.text("SELECT authority FROM staff_user")).scalar_one() \
                == "amt-ohne-datei"
        foreign = sa.inspect(db.engine).get_foreign_keys("staff_user")
        assert [(f["constrained_columns"], f["referred_table"]) for f in foreign] \
            == [(["authority"], "authority")]
        db.session.remove()
        db.engine.dispose()
