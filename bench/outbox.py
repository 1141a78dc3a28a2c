"""Delivery throughput of the outbox: 1, 2 and 4 `amtsweg worker` processes, PostgreSQL.

For each setting a batch of fresh submissions (each with its outbox row,
written by submit() itself) waits in the outbox; then the workers start and
push them, signed, to a receiver on loopback that answers 204 at once. The
rate is taken from the first to the last delivery the receiver saw, so the
workers' start-up does not count; duplicates are counted too.
Written against the `amtsweg worker --concurrency N` contract (issue 7): when
that command is not there, the section says "not measured".
"""

from __future__ import annotations

import copy
import os
import signal
import subprocess
import threading
import time
from collections import Counter
from contextlib import suppress
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import sqlalchemy as sa

from bench import report
from bench.server import (
    ROOT,
    amtsweg,
    amtsweg_command,
    app_env,
    postgres_database,
    prepare_database,
    rss_mb,
)

FORM_ID = "onlinewache"
BATCH = int(os.environ.get("BENCH_OUTBOX_BATCH", "400"))
WORKERS = (1, 2, 4)
THREADS = int(os.environ.get("BENCH_WORKER_THREADS", "1"))
TIMEOUT = float(os.environ.get("BENCH_OUTBOX_TIMEOUT", "120"))


class Receiver(ThreadingHTTPServer):
    """A caseworker's system on loopback: counts deliveries by webhook id, answers 204."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Hook)
        self.seen: Counter = Counter()
        self.times: list[float] = []
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}/hook"

    def reset(self) -> None:
        with self.lock:
            self.seen.clear()
            self.times.clear()


class _Hook(BaseHTTPRequestHandler):
    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        server: Receiver = self.server  # type: ignore[assignment]
        with server.lock:
            server.seen[self.headers.get("webhook-id", "?")] += 1
            server.times.append(time.monotonic())
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


def worker_available(env: dict[str, str]) -> bool:
    try:
        amtsweg("worker", "--help", env=env, timeout=60)
    except (RuntimeError, OSError, subprocess.SubprocessError):
        return False
    return True


def seed(database_url: str, instance: Path, count: int) -> None:
    """`count` submissions through submit(), from one valid onlinewache draft walked once."""
    from portal import create_app
    from portal.drafts import start_draft
    from portal.extensions import db
    from portal.models import Draft
    from portal.publishing import compiled, current_version
    from portal.submissions import submit
    from tests.walk import Walker

    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url, "INSTANCE_PATH": str(instance),
                      "TESTING": True, "WTF_CSRF_ENABLED": False, "SESSION_COOKIE_SECURE": False,
                      "RATELIMIT_ENABLED": False})
    with app.app_context():
        version = current_version(FORM_ID)
        form = compiled(version)
        Walker(app.test_client(), form).walk()
        newest = sa.select(Draft).order_by(Draft.created_at.desc())
        template = db.session.execute(newest).scalars().first()
        files = {f.name for _, f in form.fields() if f.type == "file"}
        answers = {k: v for k, v in template.answers.items() if k not in files}
        for _ in range(count):
            draft = start_draft(version, "de", 1)
            draft.answers = copy.deepcopy(answers)
            draft.completed_steps = list(template.completed_steps)
            submit(draft)
        db.session.remove()
        db.engine.dispose()


def pending(database_url: str) -> int:
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            query = sa.text("SELECT count(*) FROM delivery WHERE status = 'pending'")
            return conn.execute(query).scalar_one()
    finally:
        engine.dispose()


def deliver(env: dict[str, str], receiver: Receiver, processes: int, expected: int) -> dict:
    command = [*amtsweg_command(), "worker", "--concurrency", str(THREADS)]
    receiver.reset()
    began = time.monotonic()
    workers = [subprocess.Popen(command, cwd=ROOT, env={**os.environ, **env},
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                start_new_session=True) for _ in range(processes)]
    memory = 0.0
    try:
        while time.monotonic() - began < TIMEOUT and len(receiver.seen) < expected:
            time.sleep(0.05)
        memory = max(rss_mb(w.pid) for w in workers if w.poll() is None) if workers else 0.0
    finally:
        for w in workers:
            with suppress(ProcessLookupError):
                os.killpg(w.pid, signal.SIGTERM)
        for w in workers:
            try:
                w.wait(20)
            except subprocess.TimeoutExpired:
                with suppress(ProcessLookupError):
                    os.killpg(w.pid, signal.SIGKILL)
                w.wait(5)
    times = sorted(receiver.times)
    span = times[-1] - times[0] if len(times) > 1 else 0.0
    return {
        "delivered": len(receiver.seen),
        "duplicates": sum(receiver.seen.values()) - len(receiver.seen),
        "rate": (len(times) - 1) / span if span else 0.0,
        "wall": time.monotonic() - began,
        "rss": memory,
    }


def main() -> None:
    with postgres_database() as (url, instance):
        env = app_env(url, instance, AMTSWEG_WORKER_POLL_SECONDS="0.2",
                      AMTSWEG_LOG_LEVEL="WARNING")
        prepare_database(env)
        if not worker_available(env):
            report.write_section("outbox", "## Outbox delivery\n\nnot measured: amtsweg worker "
                                 "not available")
            return
        rows = []
        with Receiver() as receiver:
            thread = threading.Thread(target=receiver.serve_forever, daemon=True)
            thread.start()
            destination = shipped_destination()
            amtsweg("destinations", "add", destination, "--push-url", receiver.url,
                    "--generate-secret", env=env)
            for processes in WORKERS:
                seed(url, instance, BATCH)
                waiting = pending(url)
                conditions = report.conditions()
                result = deliver(env, receiver, processes, waiting)
                left = pending(url)
                print(f"  {processes} workers: {result['rate']:.0f} deliveries/s", flush=True)
                rows.append([
                    f"{processes} × `amtsweg worker --concurrency {THREADS}`",
                    f"{result['rate']:.0f}", f"{result['delivered']}/{waiting}",
                    str(result["duplicates"]), str(left), f"{result['wall']:.1f}",
                    f"{result['rss']:.0f}", conditions,
                ])
            receiver.shutdown()
    body = "\n\n".join([
        "## Outbox delivery",
        f"{report.now()} · `{report.command()}` · PostgreSQL · {BATCH} waiting submissions per "
        "row · receiver: a Python HTTP server on loopback answering 204",
        report.table(["workers", "deliveries/s", "delivered", "duplicates", "still pending",
                      "wall s (incl. start)", "worker RSS MB", "load avg · CPU busy before"], rows),
        "Deliveries per second from the first to the last one the receiver saw; each is a "
        "claim (FOR UPDATE SKIP LOCKED), a signed POST and the settle, in the worker.",
    ])
    report.write_section("outbox", body)


def shipped_destination() -> str:
    import json

    return json.loads((ROOT / "forms" / f"{FORM_ID}.json").read_text())["destination"]


if __name__ == "__main__":
    main()
