"""Real servers for benchmarks and fault tests: gunicorn on loopback, throw-away databases.

Everything started here stops by itself: servers live in their own process
group and are terminated (then killed) on exit, databases are dropped.
"""

from __future__ import annotations

import os
import runpy
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

ROOT = Path(__file__).resolve().parent.parent
GUNICORN_CONF = ROOT / "gunicorn.conf.py"
#: An administrative connection to a PostgreSQL server; bench databases are created on it.
POSTGRES_ADMIN_URL = os.environ.get(
    "AMTSWEG_BENCH_POSTGRES",
    os.environ.get("AMTSWEG_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
)
#: Limits high enough that a benchmark from one address is never throttled; the limiter
#: still runs on every request, so its cost is part of what is measured.
UNTHROTTLED = "1000000/minute"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def amtsweg_command() -> list[str]:
    """The `amtsweg` console script of this environment (or its entry point, if not installed)."""
    script = Path(sys.executable).with_name("amtsweg")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from portal.cli import main; main()"]


def amtsweg(*args: str, env: dict[str, str], timeout: float = 120) -> str:
    """Run the `amtsweg` command line with `env`; raises with its output when it fails."""
    result = subprocess.run([*amtsweg_command(), *args], env={**os.environ, **env}, cwd=ROOT,
                            capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise RuntimeError(f"amtsweg {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def app_env(database_url: str, instance: Path, **extra: str) -> dict[str, str]:
    """The environment of a production-like app on loopback."""
    return {
        "DATABASE_URL": database_url,
        "AMTSWEG_INSTANCE_PATH": str(instance),
        "AMTSWEG_SECRET_KEY": "bench-" + uuid.uuid4().hex,
        # Plain HTTP on loopback: the session cookie must travel without TLS.
        "AMTSWEG_INSECURE_COOKIES": "1",
        "AMTSWEG_LIMIT_START": UNTHROTTLED,
        "AMTSWEG_LIMIT_SUBMIT": UNTHROTTLED,
        "AMTSWEG_LIMIT_RESUME": UNTHROTTLED,
        "AMTSWEG_LIMIT_RECEIPT_CODE": UNTHROTTLED,
        "AMTSWEG_LIMIT_API": UNTHROTTLED,
        "AMTSWEG_LOG_LEVEL": "WARNING",
        **extra,
    }


def prepare_database(env: dict[str, str]) -> None:
    """Migrate and publish the shipped forms, as `make db` does."""
    amtsweg("db", "upgrade", env=env)
    amtsweg("authorities", "load", env=env)
    amtsweg("jurisdictions", "import", "authorities/jurisdictions.csv", env=env)
    amtsweg("forms", "load", env=env)


@contextmanager
def sqlite_database() -> Iterator[tuple[str, Path]]:
    """(url, instance directory) of a fresh SQLite database in a temporary directory."""
    with tempfile.TemporaryDirectory(prefix="amtsweg-bench-") as tmp:
        instance = Path(tmp) / "instance"
        instance.mkdir()
        yield f"sqlite:///{instance / 'amtsweg.sqlite3'}", instance


@contextmanager
def postgres_database(admin_url: str = POSTGRES_ADMIN_URL) -> Iterator[tuple[str, Path]]:
    """(url, instance directory) of a new database on a PostgreSQL server, dropped afterwards."""
    # No pool: each statement gets a fresh connection, so a server restarted meanwhile
    # (tests/ops/test_faults.py) does not hand us a dead one for the DROP.
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    name = f"amtsweg_bench_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        with tempfile.TemporaryDirectory(prefix="amtsweg-bench-") as tmp:
            instance = Path(tmp) / "instance"
            instance.mkdir()
            yield admin.url.set(database=name).render_as_string(hide_password=False), instance
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def http_status(url: str, timeout: float = 2.0) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - loopback
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return None


class Server:
    """`gunicorn -c gunicorn.conf.py APP` on a free loopback port, as a context manager.

    `env` reaches gunicorn and the app (AMTSWEG_WEB_WORKERS, DATABASE_URL, ...).
    The server's own output goes to `log_path`, never to a pipe nobody reads.
    """

    def __init__(self, app: str = "wsgi:app", env: dict[str, str] | None = None,
                 ready_path: str = "/health/ready", log_path: Path | None = None,
                 start_timeout: float = 60) -> None:
        self.app = app
        self.env = env or {}
        self.ready_path = ready_path
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path or Path(
            tempfile.mkstemp(prefix="amtsweg-gunicorn-", suffix=".log")[1])
        self.start_timeout = start_timeout
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Server:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self) -> None:
        env = {**os.environ, **self.env, "AMTSWEG_BIND": f"127.0.0.1:{self.port}"}
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF), self.app],
                cwd=ROOT, env=env, stdout=log, stderr=log, stdin=subprocess.DEVNULL,
                start_new_session=True,
            )
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.log()}")
            # Ready once the app answers and every worker has been forked.
            if (http_status(self.base_url + self.ready_path) == 200
                    and len(self.worker_pids()) >= self.settings()["workers"]):
                return
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"gunicorn did not become ready in {self.start_timeout}s:\n{self.log()}")

    def settings(self) -> dict:
        """gunicorn.conf.py as this server's environment makes it (workers, threads, ...)."""
        return gunicorn_settings(self.env)

    def stop(self, timeout: float = 20) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        with suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            with suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(5)

    def log(self, tail: int = 4000) -> str:
        return self.log_path.read_text(errors="replace")[-tail:]

    def worker_pids(self) -> list[int]:
        """The web workers (children of the gunicorn master)."""
        assert self.process is not None
        return children(self.process.pid)


def gunicorn_settings(env: dict[str, str] | None = None) -> dict:
    """The settings gunicorn.conf.py yields under `env` (added to this process's environment)."""
    saved = dict(os.environ)
    os.environ.update(env or {})
    try:
        settings = runpy.run_path(str(GUNICORN_CONF))
    finally:
        os.environ.clear()
        os.environ.update(saved)
    return {key: settings[key] for key in ("workers", "threads", "worker_class", "preload_app")}


def children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with suppress(OSError, ValueError, IndexError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                found.append(int(stat.parent.name))
    return sorted(found)


def cpu_seconds(pids: list[int]) -> float:
    """CPU time (user + system) the processes have used so far, in seconds.

    Read from each process's CPU-time clock (Linux: clock_getcpuclockid, to the
    nanosecond), so that a single application or a short run is measured exactly;
    /proc's utime and stime count in clock ticks of 10 ms and are the fallback.
    """
    total = 0.0
    for pid in pids:
        try:
            total += time.clock_gettime(_process_clock(pid))
        except OSError:
            with suppress(OSError, ValueError, IndexError):
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _process_clock(pid: int) -> int:
    """The id of the CPU-time clock of process `pid`, as Linux's clock_getcpuclockid makes it."""
    return (~pid << 3) | 2  # CPUCLOCK_SCHED of the whole process


def rss_mb(pid: int) -> float:
    """Resident set size of a process in MB (VmRSS)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0
