"""Flask extensions, created unbound here and initialised in create_app()."""

import select
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager

from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf.csrf import CSRFProtect
from sqlalchemy import MetaData, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.orm import Session
from sqlalchemy.pool import Pool

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


_USED = "amtsweg.used"


@event.listens_for(Pool, "checkin")
def _note_used(_connection: object, record: object) -> None:
    if record is not None:
        record.info[_USED] = True


@event.listens_for(Pool, "checkout")
def _replace_a_dead_connection(connection: object, record: object, _proxy: object) -> None:
    """PostgreSQL: a pooled connection the server has closed is replaced before it is used.

    When PostgreSQL restarts (or ends a session: pg_terminate_backend, an idle timeout),
    it closes the connection's socket, and an idle connection whose socket has anything
    to read has been closed or is being closed. Looking costs one poll of the socket,
    not the round trip of `pool_pre_ping`'s SELECT 1 on every checkout (a tenth of a
    step page's CPU, docs/benchmarks.md). Raising DisconnectionError makes the pool
    discard the connection and take a fresh one; if the server is still down, that
    fails and the page is the retry page (portal.errors). A connection over TLS may hold
    records of the TLS layer unread, so it is asked with SELECT 1 as before. A
    connection only just opened is not looked at. Firewalls that drop idle connections
    silently are met by pool_recycle (portal.config).
    """
    pgconn = getattr(connection, "pgconn", None)  # psycopg 3; SQLite has no server to lose
    if pgconn is None or record is None or not record.info.get(_USED):
        return
    if connection.closed or connection.broken:
        raise DisconnectionError("the connection was closed")
    if pgconn.ssl_in_use:
        try:
            connection.execute("SELECT 1")
            if not connection.autocommit:
                connection.rollback()
        except Exception as error:  # noqa: BLE001 - any failure means: take another one
            raise DisconnectionError("the server did not answer") from error
        return
    # poll, not select: a worker with many open files may have a socket numbered above
    # select's limit of 1024.
    waiting = select.poll()
    waiting.register(pgconn.socket, select.POLLIN | select.POLLERR | select.POLLHUP)
    if waiting.poll(0):
        raise DisconnectionError("the server closed the connection")


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


def transaction_open() -> bool:
    """Whether a write now has a transaction to join: a unit of work is open, or the ORM
    session has begun one (a test or a tool that holds the application context)."""
    if not db.session.registry.has():
        return False
    session = db.session()
    return session.info.get(_DEPTH, 0) > 0 or session.in_transaction()


_DEPTH = "amtsweg.unit_of_work.depth"
