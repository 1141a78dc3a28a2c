"""Flask extensions, created unbound here and initialised in create_app()."""

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

# Stable constraint names keep Alembic migrations identical on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

db = SQLAlchemy(metadata=MetaData(naming_convention=NAMING))
migrate = Migrate()
csrf = CSRFProtect()


@event.listens_for(Engine, "connect")
def _sqlite_settings(connection: object, _record: object) -> None:
    """SQLite (`make run`, one machine): write-ahead log, every commit still on disk.

    With several web workers on one SQLite file, the write-ahead log lets pages be
    read while a step is saved, and a commit costs one sync of the log instead of
    several of the journal and the database. `synchronous=FULL` keeps what a commit
    wrote (a submission, a saved step) across a power cut.
    """
    if isinstance(connection, sqlite3.Connection):
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=FULL")
        cursor.close()


@contextmanager
def unit_of_work() -> Iterator[Session]:
    """The one way to write to the database: everything inside commits together, or nothing.

    Every writer opens one (a step's save, a new draft, a submission, the designer's
    preview answers); a unit opened inside another joins it, and only the outermost
    commits. An exception inside rolls the whole unit back and is raised again.
    Reads outside a unit never leave a transaction open that a later write would
    have to guess about.
    """
    session = db.session()
    depth = session.info.get(_DEPTH, 0)
    session.info[_DEPTH] = depth + 1
    try:
        yield session
        if depth == 0:
            session.commit()
    except BaseException:
        if depth == 0:
            session.rollback()
        raise
    finally:
        session.info[_DEPTH] = depth


_DEPTH = "amtsweg.unit_of_work.depth"
