"""Real processes on loopback for the end-to-end tests: the portal over HTTP, the reference
receiver and delivery workers as separate processes, each with its own log file.
"""

from __future__ import annotations

import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from flask import Flask
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[2]
AMTSWEG = Path(sys.executable).parent / "amtsweg"
FAULTY_RECEIVER = Path(__file__).resolve().parent / "faulty_receiver.py"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(condition: Callable[[], object], timeout: float, what: str,
              explain: Callable[[], str] = lambda: "") -> object:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result := condition():
            return result
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}\n{explain()}")


@contextmanager
def serve_portal(app: Flask) -> Iterator[str]:
    """The test's own app over real HTTP, in a thread (each request gets its own app context)."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    access_log = logging.getLogger("werkzeug")
    level = access_log.level
    access_log.setLevel(logging.WARNING)  # one line per request drowns a failure's report
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(5)
        access_log.setLevel(level)


@dataclass
class Process:
    popen: subprocess.Popen
    log: Path

    def output(self, lines: int = 60) -> str:
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(sig)
            try:
                self.popen.wait(10)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait()


def _start(args: list[str], env: dict[str, str], log: Path) -> Process:
    with log.open("a") as out:
        popen = subprocess.Popen(args, cwd=ROOT, env={**os.environ, **env, "PYTHONUNBUFFERED": "1"},  # noqa: S603
                                 stdout=out, stderr=subprocess.STDOUT)
    return Process(popen, log)


@dataclass
class ReceiverProcess:
    """The reference receiver (examples/receiver) on its own port and data folder."""

    portal_url: str
    token: str
    secret: str
    data_dir: Path
    port: int = field(default_factory=free_port)
    private_jwk_file: Path | None = None
    process: Process | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def push_url(self) -> str:
        return f"{self.url}/webhooks/amtsweg"

    def env(self) -> dict[str, str]:
        env = {"RECEIVER_API_TOKEN": self.token, "RECEIVER_SIGNING_SECRET": self.secret}
        if self.private_jwk_file:
            env["RECEIVER_PRIVATE_JWK"] = str(self.private_jwk_file)
        return env

    def start(self, fault_file: Path | None = None) -> None:
        """Serve pushes; with `fault_file`, answer 500 as long as that file exists."""
        common = ["--portal", self.portal_url, "--data", str(self.data_dir)]
        if fault_file is None:
            args = [sys.executable, "-m", "examples.receiver", *common, "serve",
                    "--port", str(self.port)]
        else:
            args = [sys.executable, str(FAULTY_RECEIVER), *common, "--port", str(self.port),
                    "--fault-file", str(fault_file)]
        self.process = _start(args, self.env(), self.data_dir.parent / "receiver.log")
        wait_for(self._answers, 20, "the receiver to answer", self.process.output)

    def _answers(self) -> bool:
        try:
            urllib.request.urlopen(f"{self.url}/status", timeout=1).close()  # noqa: S310
        except urllib.error.HTTPError:
            return True
        except OSError:
            return False
        return True

    def pull_once(self) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603
            [sys.executable, "-m", "examples.receiver", "--portal", self.portal_url,
             "--data", str(self.data_dir), "pull", "--once"],
            cwd=ROOT, env={**os.environ, **self.env()}, capture_output=True, text=True, timeout=60)

    def status(self) -> dict:
        with urllib.request.urlopen(f"{self.url}/status", timeout=5) as response:  # noqa: S310
            return json.loads(response.read())

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.process:
            self.process.stop(sig)


def worker_env(database_url: str, instance: Path, **extra: str) -> dict[str, str]:
    """The environment a worker process needs to find the test's database, with quick retries."""
    return {
        "DATABASE_URL": database_url,
        "AMTSWEG_INSTANCE_PATH": str(instance),
        "AMTSWEG_SECRET_KEY": "test-secret-key",
        "AMTSWEG_RETRY_BASE_SECONDS": "0.2",
        "AMTSWEG_RETRY_MAX_SECONDS": "1",
        "AMTSWEG_WORKER_POLL_SECONDS": "0.1",
        "AMTSWEG_PUSH_TIMEOUT_SECONDS": "5",
        **extra,
    }


def start_worker(env: dict[str, str], log: Path, *args: str) -> Process:
    return _start([str(AMTSWEG), "worker", *args], env, log)


def run_worker_once(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([str(AMTSWEG), "worker", "--once"], cwd=ROOT,  # noqa: S603
                          env={**os.environ, **env}, capture_output=True, text=True, timeout=120)
