"""Faults under load, against gunicorn and a real PostgreSQL.

A web worker killed with SIGKILL: every application whose confirmation page
was served exists, with its receipt and outbox row. PostgreSQL restarted: the
requests that needed it get the retry page (503, no stack trace), no
submission is half-written, and the service recovers by itself.
The restart uses a private PostgreSQL instance started for the test, never
the shared server others' tests run against.
"""

from __future__ import annotations

import asyncio
import glob
import os
import pwd
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import pytest
import sqlalchemy as sa

from bench.citizen import Citizen, Unexpected, new_session, shipped_form
from bench.server import (
    Server,
    app_env,
    free_port,
    http_status,
    postgres_database,
    prepare_database,
)
from bench.stored import check
from tests.conftest import POSTGRES_URL

RETRY_TEXT = "Es ist nichts verloren gegangen"
LEAKS = ("Traceback", "sqlalchemy", "psycopg", "OperationalError")


@dataclass
class Outcomes:
    confirmed: list[tuple[float, str]] = field(default_factory=list)
    failures: list[tuple[int, str]] = field(default_factory=list)
    disconnects: int = 0

    def references(self) -> list[str]:
        return [reference for _, reference in self.confirmed]


class Load:
    """Citizens applying again and again in a background thread, until stopped."""

    def __init__(self, base_url: str, concurrency: int) -> None:
        self.outcomes = Outcomes()
        self.stopping = threading.Event()
        self.thread = threading.Thread(
            target=asyncio.run, args=(self._everyone(base_url, concurrency),), daemon=True)
        self.thread.start()

    def __enter__(self) -> Load:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()  # also when the test failed: no citizen outlives it
        self.thread.join(90)

    async def _everyone(self, base_url: str, concurrency: int) -> None:
        form = shipped_form("onlinewache")
        outcomes = self.outcomes

        async def citizen() -> None:
            async with new_session(2) as session:
                while not self.stopping.is_set():
                    session.cookie_jar.clear()
                    try:
                        reference = await Citizen(session, base_url, form).apply()
                        outcomes.confirmed.append((time.monotonic(), reference))
                    except Unexpected as error:
                        outcomes.failures.append((error.status, error.body))
                        await asyncio.sleep(0.1)
                    except (aiohttp.ClientError, TimeoutError):
                        outcomes.disconnects += 1
                        await asyncio.sleep(0.1)

        await asyncio.gather(*(citizen() for _ in range(concurrency)))

    def confirmed_since(self, moment: float) -> int:
        return sum(1 for finished, _ in self.outcomes.confirmed if finished > moment)

    def run_until(self, enough: Callable[[], bool], timeout: float) -> None:
        """Keep the load on until `enough()` (checked every 0.2 s) or `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not enough():
            time.sleep(0.2)

    def stop(self) -> Outcomes:
        """Stop starting applications; those in flight finish (bounded by the client timeout)."""
        self.stopping.set()
        self.thread.join(90)
        assert not self.thread.is_alive(), "the citizens did not stop"
        return self.outcomes


def assert_nothing_half_written(database_url: str, outcomes: Outcomes) -> dict:
    stored = check(database_url, outcomes.references())
    assert stored["missing"] == [], "confirmed but not stored"
    assert stored["incomplete"] == [], "submissions without receipt, outbox row or submitted draft"
    assert stored["drafts_marked_submitted_without_submission"] == 0
    for kind in ("receipt", "outbox"):
        if stored[kind] is not None:
            assert stored[kind] == len(outcomes.confirmed), kind
    return stored


def _kill_a_worker(server: Server) -> int:
    """SIGKILL one web worker; one that ends by itself meanwhile (recycled) is not a kill."""
    for _ in range(50):
        for victim in server.worker_pids():
            try:
                os.kill(victim, signal.SIGKILL)
            except ProcessLookupError:
                continue
            return victim
        time.sleep(0.1)
    raise AssertionError("no web worker to kill")


def test_killing_a_web_worker_loses_no_confirmed_application(tmp_path: Path) -> None:
    with postgres_database(POSTGRES_URL) as (url, instance):
        env = app_env(url, instance, AMTSWEG_WEB_WORKERS="2")
        prepare_database(env)
        with Server(env=env, log_path=tmp_path / "gunicorn.log") as server:
            master = server.process.pid
            killed: list[int] = []
            with Load(server.base_url, concurrency=8) as load:
                for round_ in range(1, 3):
                    # Kill while applications are under way: some got through, more are in flight.
                    load.run_until(lambda n=round_: len(load.outcomes.confirmed) >= 3 * n, 60)
                    killed.append(_kill_a_worker(server))
                last_kill = time.monotonic()
                # Go on until applications get through again after the second kill.
                load.run_until(lambda: load.confirmed_since(last_kill) >= 3, 60)
                outcomes = load.stop()
            # The master replaced the killed workers and serves on.
            assert server.process.poll() is None and server.process.pid == master
            assert len(server.worker_pids()) == 2 and not set(killed) & set(server.worker_pids())
            assert http_status(server.base_url + "/health/ready") == 200
            assert load.confirmed_since(last_kill) >= 3, "no application got through after the kill"
        assert outcomes.confirmed, "no application got through"
        # A killed request is a dropped connection, never an error page with internals.
        for status, body in outcomes.failures:
            assert status != 500 and not any(leak in body for leak in LEAKS), status
        stored = assert_nothing_half_written(url, outcomes)
        assert stored["stored"] == len(outcomes.confirmed)


# -- a private PostgreSQL -------------------------------------------------------------


def _postgres_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                   key=lambda p: int(Path(p).parts[-3]))
    if not found:
        pytest.fail("no PostgreSQL server binaries (initdb) in /usr/lib/postgresql/*/bin: "
                    "install the postgresql package", pytrace=False)
    return Path(found[-1]).parent


@dataclass
class PrivatePostgres:
    bin: Path
    data: Path
    port: int
    log: Path
    as_user: list[str]

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def pg_ctl(self, *args: str) -> None:
        subprocess.run([*self.as_user, str(self.bin / "pg_ctl"), "-D", str(self.data), *args],
                       check=True, capture_output=True, timeout=60)

    def start(self) -> None:
        options = (f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.data} "
                   "-c fsync=off -c full_page_writes=off")
        self.pg_ctl("-o", options, "-l", str(self.log), "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        self.pg_ctl("-m", mode, "-w", "stop")


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    """A PostgreSQL server of this test's own, on a free port, in a temporary directory."""
    binaries = _postgres_bin()
    root = Path(tempfile.mkdtemp(prefix="amtsweg-pg-"))
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        user = pwd.getpwnam("postgres")
        os.chown(root, user.pw_uid, user.pw_gid)
        as_user = ["runuser", "-u", "postgres", "--"]
    server = PrivatePostgres(binaries, root / "data", free_port(), root / "server.log", as_user)
    try:
        subprocess.run([*as_user, str(binaries / "initdb"), "-D", str(server.data),
                        "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"],
                       check=True, capture_output=True, timeout=120)
        server.start()
        yield server
    finally:
        with suppress(subprocess.SubprocessError, OSError):
            server.stop("immediate")
        shutil.rmtree(root, ignore_errors=True)


def test_postgres_restart_fails_cleanly_and_recovers(private_postgres: PrivatePostgres,
                                                     tmp_path: Path) -> None:
    with postgres_database(private_postgres.url) as (url, instance):
        env = app_env(url, instance, AMTSWEG_WEB_WORKERS="2")
        prepare_database(env)
        with Server(env=env, log_path=tmp_path / "gunicorn.log") as server:
            workers = server.worker_pids()
            with Load(server.base_url, concurrency=8) as load:
                load.run_until(lambda: len(load.outcomes.confirmed) >= 3, 60)
                private_postgres.stop("fast")  # every open connection is cut
                time.sleep(2)
                private_postgres.start()
                restarted = time.monotonic()
                recovered_after = None
                while time.monotonic() - restarted < 30:
                    if http_status(server.base_url + "/health/ready") == 200:
                        recovered_after = time.monotonic() - restarted
                        break
                    time.sleep(0.2)
                load.run_until(lambda: load.confirmed_since(restarted) >= 3, 60)
                outcomes = load.stop()
            # Recovered by itself: the same gunicorn, the same workers, no restart.
            assert recovered_after is not None, server.log()
            assert server.worker_pids() == workers
            assert load.confirmed_since(restarted) >= 3, "no application got through after it"
        assert outcomes.failures, "the outage went unnoticed: no request needed the database?"
        for status, body in outcomes.failures:
            assert status == 503, (status, body[-500:])
            assert RETRY_TEXT in body and not any(leak in body for leak in LEAKS)
        assert outcomes.disconnects == 0, "a worker dropped a connection instead of answering"
        assert_nothing_half_written(url, outcomes)


def test_private_postgres_is_not_the_shared_one(private_postgres: PrivatePostgres) -> None:
    assert private_postgres.port != 5432
    engine = sa.create_engine(private_postgres.url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT 1")).scalar_one() == 1
    engine.dispose()
