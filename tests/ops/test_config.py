"""Configuration: what create_app's mapping says wins over what the environment would derive."""

from __future__ import annotations

from pathlib import Path

import pytest

from portal import create_app
from portal.config import forms_dir


def test_a_postgresql_url_given_to_create_app_gets_its_pool(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("DATABASE_URL", raising=False)  # the environment says SQLite
    monkeypatch.setenv("AMTSWEG_DB_POOL_SIZE", "7")
    app = create_app({"SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path),
                      "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://u@127.0.0.1:1/db"})
    options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    assert options["pool_size"] == 7
    assert options["pool_timeout"] == 10
    assert options["connect_args"] == {"connect_timeout": 5}
    with app.app_context():
        from portal.extensions import db

        assert db.engine.pool.size() == 7


def test_sqlite_gets_no_pool_settings_and_explicit_options_are_kept(tmp_path: Path):
    app = create_app({"SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path),
                      "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}"})
    assert "pool_size" not in app.config["SQLALCHEMY_ENGINE_OPTIONS"]
    given = {"pool_pre_ping": False}
    app = create_app({"SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path),
                      "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://u@127.0.0.1:1/db",
                      "SQLALCHEMY_ENGINE_OPTIONS": given})
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"] == given


@pytest.mark.parametrize("how", ["mapping", "environment"])
def test_a_given_secret_key_writes_no_key_file(tmp_path: Path, monkeypatch, how):
    instance = tmp_path / "instance"
    config = {"INSTANCE_PATH": str(instance)}
    if how == "mapping":
        monkeypatch.delenv("AMTSWEG_SECRET_KEY", raising=False)
        config["SECRET_KEY"] = "given"
    else:
        monkeypatch.setenv("AMTSWEG_SECRET_KEY", "given")
    app = create_app(config)
    assert app.secret_key == "given"
    assert not (instance / "secret_key").exists()


def test_without_a_secret_key_one_is_generated_once(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("AMTSWEG_SECRET_KEY", raising=False)
    instance = tmp_path / "instance"
    first = create_app({"INSTANCE_PATH": str(instance)}).secret_key
    assert (instance / "secret_key").read_text().strip() == first
    assert create_app({"INSTANCE_PATH": str(instance)}).secret_key == first


def test_the_forms_folder_is_a_setting(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("AMTSWEG_FORMS_DIR", raising=False)
    assert Path(forms_dir(tmp_path)) == Path(__file__).resolve().parents[2] / "forms"
    monkeypatch.setenv("AMTSWEG_FORMS_DIR", str(tmp_path / "elsewhere"))
    app = create_app({"SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path)})
    assert app.config["FORMS_DIR"] == str(tmp_path / "elsewhere")


def test_a_node_local_secret_with_a_shared_database_is_warned_about(tmp_path: Path, monkeypatch,
                                                                       caplog):
    """Two nodes with keys of their own would refuse each other's session cookies."""
    monkeypatch.delenv("AMTSWEG_SECRET_KEY", raising=False)
    shared = "postgresql+psycopg://u@127.0.0.1:1/db"
    with caplog.at_level("WARNING"):
        create_app({"INSTANCE_PATH": str(tmp_path / "a"), "SQLALCHEMY_DATABASE_URI": shared})
    assert "AMTSWEG_SECRET_KEY is not set" in caplog.text
    caplog.clear()
    with caplog.at_level("WARNING"):
        create_app({"INSTANCE_PATH": str(tmp_path / "b"), "SQLALCHEMY_DATABASE_URI": shared,
                    "SECRET_KEY": "the same on every node"})
        create_app({"INSTANCE_PATH": str(tmp_path / "c"),
                    "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}"})
    assert "AMTSWEG_SECRET_KEY" not in caplog.text
