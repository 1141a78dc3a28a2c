"""Fixtures shared by the whole suite: the app on SQLite, and on PostgreSQL where it matters.

How the suite stays fast and still isolated is described in tests/README.md.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask

from portal import create_app
from portal.authorities import import_jurisdictions, load_authorities
from portal.extensions import db
from portal.publishing import load_shipped_forms

ROOT = Path(__file__).resolve().parent.parent
FORMS_DIR = ROOT / "forms"

#: AMTSWEG_TEST_ALL_DATABASES=1 runs every database test on PostgreSQL too, not only
#: those marked both_databases.
ALL_DATABASES = os.environ.get("AMTSWEG_TEST_ALL_DATABASES") == "1"

#: The PostgreSQL server the test machine runs; override with AMTSWEG_TEST_POSTGRES.
POSTGRES_URL = os.environ.get(
    "AMTSWEG_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


def _postgres_or_fail() -> sa.Engine:
    """The admin connection to the test server; fails loudly when it is not there.

    Database tests must prove themselves on PostgreSQL too, so a missing server is
    a failure, not a skip. Set AMTSWEG_SKIP_POSTGRES=1 to skip them knowingly.
    """
    if os.environ.get("AMTSWEG_SKIP_POSTGRES") == "1":
        pytest.skip("PostgreSQL tests skipped on purpose (AMTSWEG_SKIP_POSTGRES=1)")
    engine = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect():
            pass
    except sa.exc.OperationalError as error:
        pytest.fail(
            f"PostgreSQL is not reachable at {POSTGRES_URL}: {error.orig}. Start it "
            "(pg_ctlcluster --skip-systemctl-redirect 15 main start) or set "
            "AMTSWEG_SKIP_POSTGRES=1 to skip the PostgreSQL half of the suite.",
            pytrace=False,
        )
    return engine


@pytest.fixture(scope="session")
def postgres_database() -> Iterator[str]:
    """A database of its own for this test run, dropped afterwards."""
    admin = _postgres_or_fail()
    name = f"amtsweg_test_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = admin.url.set(database=name)
    yield url.render_as_string(hide_password=False)
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _migrated(app: Flask) -> None:
    from flask_migrate import upgrade

    with app.app_context():
        upgrade()


def _empty_tables(app: Flask) -> None:
    with app.app_context(), db.engine.begin() as conn:
        for table in reversed(db.metadata.sorted_tables):
            conn.execute(table.delete())


def _fresh_data(app: Flask) -> None:
    """Migrated tables holding nothing but the shipped forms (checked once per process)."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    if url not in _migrated_urls:
        _migrated(app)
        _migrated_urls.add(url)
    else:
        _empty_tables(app)
    with app.app_context():
        load_shipped_forms(Path(app.config["FORMS_DIR"]))
        db.session.commit()
        # The shipped authorities and sample jurisdiction table, as `make run` loads them
        # (without creating their destinations: tests configure those they need).
        authorities = Path(app.config["AUTHORITIES_DIR"])
        load_authorities(authorities)
        import_jurisdictions(authorities / "jurisdictions.csv")
        db.session.remove()


@pytest.fixture(scope="session")
def database_urls(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    sqlite = tmp_path_factory.mktemp("sqlite") / "amtsweg.sqlite3"
    return {"sqlite": f"sqlite:///{sqlite}"}


_migrated_urls: set[str] = set()


def make_app(database_url: str, instance_path: Path, **overrides: object) -> Flask:
    """A new application of its own, its tables emptied and the shipped forms loaded.

    For a test that needs other configuration from the start (`**overrides`). The
    `app` fixture shares one application between the tests instead (see `app_for_test`).
    """
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret-key",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "INSTANCE_PATH": str(instance_path),
            "SESSION_COOKIE_SECURE": False,
            # CSRF is proven by its own tests; the others post like a browser without it.
            "WTF_CSRF_ENABLED": False,
            **overrides,
        }
    )
    _fresh_data(app)
    return app


#: (database URL, overrides) -> the application the tests share; see app_for_test.
_shared_apps: dict[tuple[str, str], Flask] = {}


def _reset(app: Flask) -> None:
    """Undo what the previous test left in a shared app: rows, files and rate-limit counters."""
    _fresh_data(app)
    for child in Path(app.instance_path).iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    for limiter in app.extensions.get("limiter", ()):
        limiter.reset()


@contextmanager
def app_for_test(
    database_url: str,
    tmp_path_factory: pytest.TempPathFactory,
    *,
    own: bool = False,
    **overrides: object,
) -> Iterator[Flask]:
    """The shared application for these settings, as the previous test never had it.

    Building an app and compiling its templates costs more than many tests, so tests
    share one per database and overrides. Before each test its tables are emptied
    and the shipped forms loaded again, its instance directory emptied and its rate
    limits reset; after it, its configuration is restored, so a test may still set
    `app.config[...]`. A test that needs other settings from the start calls make_app;
    one that changes the app itself (adds a route) is marked own_app and gets `own=True`:
    an app of its own, used once.
    """
    key = (database_url, repr(sorted(overrides.items())))
    application = None if own else _shared_apps.get(key)
    if own:
        application = make_app(database_url, tmp_path_factory.mktemp("instance"), **overrides)
    elif application is None:
        instance = tmp_path_factory.mktemp("instance")
        application = _shared_apps[key] = make_app(database_url, instance, **overrides)
    else:
        _reset(application)
    config = dict(application.config)
    try:
        with application.app_context():
            yield application
            db.session.remove()
    finally:
        application.config.clear()
        application.config.update(config)
        if own:
            with application.app_context():
                db.engine.dispose()


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "both_databases: run this database test on PostgreSQL too (tests/README.md says when)",
    )
    config.addinivalue_line(
        "markers",
        "own_app: the app fixture builds an app for this test alone (it adds routes or handlers)",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """A test using the database runs on SQLite; marked both_databases, on PostgreSQL too."""
    if "backend" in metafunc.fixturenames:
        both = ALL_DATABASES or metafunc.definition.get_closest_marker("both_databases")
        metafunc.parametrize(
            "backend", ["sqlite", "postgresql"] if both else ["sqlite"], indirect=True
        )


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> str:
    """The database of this run of the test: "sqlite", or "postgresql" (both_databases)."""
    return request.param


@pytest.fixture
def database_url(
    backend: str, request: pytest.FixtureRequest, database_urls: dict[str, str]
) -> str:
    if backend == "postgresql":
        return request.getfixturevalue("postgres_database")
    return database_urls["sqlite"]


def own_app(request: pytest.FixtureRequest) -> bool:
    """Whether the test is marked own_app: it changes the app itself, so it gets its own."""
    return request.node.get_closest_marker("own_app") is not None


@pytest.fixture
def app(
    database_url: str, tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> Iterator[Flask]:
    """The application with migrated tables that hold only the shipped forms (app_for_test)."""
    with app_for_test(database_url, tmp_path_factory, own=own_app(request)) as application:
        yield application


@pytest.fixture
def client(app: Flask):
    return app.test_client()


@pytest.fixture
def runner(app: Flask):
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def seaweed() -> Iterator[object]:
    """A real S3-compatible server (SeaweedFS, tests/seaweed.py) for this test run, with its
    credentials in the standard AWS_* variables as an operator would set them."""
    from tests.seaweed import SeaweedS3

    with SeaweedS3() as server, pytest.MonkeyPatch.context() as patch:
        for name, value in server.env().items():
            if name.startswith("AWS_"):
                patch.setenv(name, value)
        yield server
