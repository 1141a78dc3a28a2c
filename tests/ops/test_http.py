"""HTTP behaviour a browser meets on a real server: the answer to an oversized upload, HSTS."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from portal import create_app

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def gunicorn(tmp_path: Path):
    """The portal under gunicorn, as in production (one sync worker), requests limited to 1 MB."""
    port = _free_port()
    env = {**os.environ, "AMTSWEG_INSTANCE_PATH": str(tmp_path / "instance"),
           "DATABASE_URL": f"sqlite:///{tmp_path / 'portal.sqlite3'}",
           "AMTSWEG_SECRET_KEY": "test", "AMTSWEG_MAX_REQUEST_MB": "1",
           "AMTSWEG_DRAIN_MAX_MB": "64", "AMTSWEG_BIND": f"127.0.0.1:{port}",
           "AMTSWEG_WEB_WORKERS": "1", "AMTSWEG_ACCESS_LOG": "off"}
    amtsweg = str(Path(sys.executable).parent / "amtsweg")
    for command in (["db", "upgrade"], ["forms", "load"]):
        subprocess.run([amtsweg, *command], cwd=ROOT, env=env, check=True,  # noqa: S603
                       capture_output=True)
    log = (tmp_path / "gunicorn.log").open("w")
    process = subprocess.Popen(  # noqa: S603
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert process.poll() is None, (tmp_path / "gunicorn.log").read_text()
                assert time.monotonic() < deadline, "gunicorn did not start"
                time.sleep(0.1)
        yield port
    finally:
        process.terminate()
        process.wait(10)
        log.close()


def _post_all_then_read(port: int, size: int) -> bytes:
    """A client that writes its whole body first (as a browser does), then reads the answer."""
    body = b"--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"x.pdf\"\r\n\r\n"
    body += b"x" * (size - len(body) - 7) + b"\r\n--B--\r\n"
    head = (f"POST /forms/onlinewache/start HTTP/1.1\r\nHost: 127.0.0.1\r\n"
            f"Content-Type: multipart/form-data; boundary=B\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode()
    with socket.create_connection(("127.0.0.1", port), timeout=20) as connection:
        connection.sendall(head + body)  # EPIPE / ECONNRESET here without the fix
        answer = b""
        while chunk := connection.recv(65536):
            answer += chunk
    return answer


def test_an_oversized_upload_is_read_and_answered_with_the_page(gunicorn: int):
    answer = _post_all_then_read(gunicorn, 40 * 1024 * 1024)
    assert answer.startswith(b"HTTP/1.1 413")
    assert "Die Dateien sind zu groß".encode() in answer
    assert "höchstens 1 MB".encode() in answer


def test_beyond_the_drain_limit_the_connection_is_closed(gunicorn: int):
    # Not read: the client may see its write refused, but the server says it closes.
    head = (b"POST /forms/onlinewache/start HTTP/1.1\r\nHost: x\r\nContent-Type: "
            b"multipart/form-data; boundary=B\r\nContent-Length: 90000000\r\n\r\n")
    with socket.create_connection(("127.0.0.1", gunicorn), timeout=20) as connection:
        connection.sendall(head)
        answer = connection.recv(65536)
    assert answer.startswith(b"HTTP/1.1 413")
    assert b"connection: close" in answer.lower()


def test_hsts_is_sent_when_cookies_are_secure_and_not_on_plain_http(tmp_path: Path, monkeypatch):
    monkeypatch.delenv("AMTSWEG_HSTS", raising=False)
    secure = create_app({"SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path),
                         "SESSION_COOKIE_SECURE": True})
    header = secure.test_client().get("/health/live").headers.get("Strict-Transport-Security")
    assert header == "max-age=31536000; includeSubDomains"
    plain = create_app({"SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path),
                        "SESSION_COOKIE_SECURE": False})  # make run: AMTSWEG_INSECURE_COOKIES=1
    assert "Strict-Transport-Security" not in plain.test_client().get("/health/live").headers
    monkeypatch.setenv("AMTSWEG_HSTS", "off")
    off = create_app({"SECRET_KEY": "x", "INSTANCE_PATH": str(tmp_path),
                      "SESSION_COOKIE_SECURE": True})
    assert "Strict-Transport-Security" not in off.test_client().get("/health/live").headers
