"""The virus-scanning hook: a real command, a clamd speaking INSTREAM over a real unix socket.

A scanner that finds something refuses the file; a scanner that does not
answer refuses it too ("fail closed"), and the file is not kept.
"""

from __future__ import annotations

import shutil
import socket
import stat
import struct
import tempfile
import threading
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Attachment
from portal.uploads import scan

from . import files
from .conftest import stored_files
from .forms import error_messages, listed_files, post_step

INFECTED = ("„Virus.pdf“ wurde ein Virus oder ein anderes Schadprogramm gefunden. "
            "Sie wurde nicht gespeichert.")
UNAVAILABLE = ("„{name}“ konnte gerade nicht auf Viren geprüft werden und wurde deshalb nicht "
               "gespeichert. Bitte versuchen Sie es in einigen Minuten noch einmal.")


def _attachment_names() -> list[str]:
    db.session.expire_all()
    return [a.display_name for a in db.session.execute(select(Attachment)).scalars()]


# -- a scan command ----------------------------------------------------------------------------


@pytest.fixture
def scanner_script(tmp_path: Path) -> Path:
    """A tiny scanner with clamscan's contract: exit 0 clean, 1 found (it looks for EICAR)."""
    script = tmp_path / "fake-clamscan"
    script.write_text(
        "#!/bin/sh\n"
        'if grep -q "EICAR-STANDARD-ANTIVIRUS-TEST-FILE" "$1"; then\n'
        '  echo "$1: Eicar-Test-Signature FOUND"; exit 1\n'
        "fi\n"
        'echo "$1: OK"; exit 0\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return script


def _script(tmp_path: Path, body: str) -> Path:
    script = tmp_path / "scanner"
    script.write_text("#!/bin/sh\n" + body)
    script.chmod(0o755)
    return script


def test_the_command_lets_a_clean_file_through(app, client, step_url, scanner_script):
    app.config["SCAN_COMMAND"] = str(scanner_script)
    page = post_step(client, step_url, belege=(files.minimal_pdf(), "Sauber.pdf"))
    assert page.status_code == 200, error_messages(page.text)
    assert listed_files(page.text) == ["Sauber.pdf"]


def test_the_command_finds_the_test_virus(
        app, client, step_url, upload_dir, scanner_script, caplog):
    app.config["SCAN_COMMAND"] = f"{scanner_script}"
    # Alembic's fileConfig (migrations/env.py) disables loggers that exist when it runs.
    app.logger.disabled = False
    post_step(client, step_url, belege=(files.minimal_pdf(), "Sauber.pdf"))
    page = post_step(client, step_url, betreff="Neu", belege=(files.pdf_with_eicar(), "Virus.pdf"))
    assert page.status_code == 422
    (message,) = error_messages(page.text)
    assert message == f"In der Datei {INFECTED}"
    assert listed_files(page.text) == ["Sauber.pdf"]
    assert 'value="Neu"' in page.text
    assert _attachment_names() == ["Sauber.pdf"]
    assert len(stored_files(upload_dir)) == 1
    found = [r for r in caplog.records if getattr(r, "fields", {}).get("signature")]
    assert [r.fields["signature"] for r in found] == ["Eicar-Test-Signature"], caplog.records


@pytest.mark.parametrize(("body", "timeout"), [
    pytest.param("echo 'cannot open database' >&2; exit 2\n", 5, id="scanner-error"),
    pytest.param("sleep 10\n", 0.5, id="no-answer-in-time"),
])
def test_a_command_that_fails_refuses_the_file(
        app, client, step_url, upload_dir, tmp_path, body, timeout):
    app.config.update(SCAN_COMMAND=str(_script(tmp_path, body)), SCAN_TIMEOUT=timeout)
    page = post_step(client, step_url, belege=(files.minimal_pdf(), "Nachweis.pdf"))
    assert page.status_code == 422
    assert error_messages(page.text) == [
        "Die Datei " + UNAVAILABLE.format(name="Nachweis.pdf")]
    assert _attachment_names() == []
    assert stored_files(upload_dir) == []


def test_a_command_that_is_not_there_refuses_the_file(app, client, step_url, upload_dir):
    app.config["SCAN_COMMAND"] = "/nonexistent/clamdscan --fdpass"
    page = post_step(client, step_url, belege=(files.minimal_pdf(), "Nachweis.pdf"))
    assert page.status_code == 422
    assert "konnte gerade nicht auf Viren geprüft werden" in page.text
    assert stored_files(upload_dir) == []


def test_the_command_gets_the_stored_file_not_the_citizens_name(tmp_path):
    seen = tmp_path / "seen"
    script = _script(tmp_path, f'for last; do :; done; echo "$last" > {seen}; exit 0\n')
    target = tmp_path / "0a1b2c"
    target.write_bytes(b"x")
    scan.scan_command(f"{script} --no-summary", target, timeout=5)
    assert seen.read_text().strip() == str(target)


# -- clamd over its unix socket -----------------------------------------------------------------


class FakeClamd:
    """A clamd that speaks INSTREAM on a real unix socket, in a thread."""

    def __init__(self, path: Path, mode: str = "answer") -> None:
        self.path, self.mode = path, mode
        self.commands: list[bytes] = []
        self.received: list[bytes] = []
        self.server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.server.bind(str(path))
        self.server.listen(4)
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    def _serve(self) -> None:
        while True:
            try:
                connection, _ = self.server.accept()
            except OSError:
                return
            with connection:
                self._handle(connection)

    def _read(self, connection: socket.socket, n: int) -> bytes:
        data = b""
        while len(data) < n:
            part = connection.recv(n - len(data))
            if not part:
                raise EOFError
            data += part
        return data

    def _handle(self, connection: socket.socket) -> None:
        try:
            command = b""
            while not command.endswith(b"\0"):
                command += self._read(connection, 1)
            self.commands.append(command)
            data = b""
            while (size := struct.unpack(">I", self._read(connection, 4))[0]) > 0:
                data += self._read(connection, size)
            self.received.append(data)
            if self.mode == "silent":
                threading.Event().wait(3)  # never answers in time
                return
            if b"EICAR-STANDARD-ANTIVIRUS-TEST-FILE" in data:
                connection.sendall(b"stream: Eicar-Test-Signature FOUND\0")
            elif self.mode == "error":
                connection.sendall(b"INSTREAM size limit exceeded. ERROR\0")
            else:
                connection.sendall(b"stream: OK\0")
        except (EOFError, OSError):
            pass

    def close(self) -> None:
        self.server.close()


@pytest.fixture
def socket_dir() -> Iterator[Path]:
    # Unix socket paths are short (108 bytes): not under pytest's long tmp_path.
    path = Path(tempfile.mkdtemp(prefix="clamd-"))
    yield path
    shutil.rmtree(path, ignore_errors=True)


@pytest.fixture
def clamd(socket_dir: Path) -> Iterator[FakeClamd]:
    server = FakeClamd(socket_dir / "clamd.sock")
    yield server
    server.close()


def test_clamd_lets_a_clean_file_through(app, client, step_url, clamd):
    app.config["CLAMD_SOCKET"] = str(clamd.path)
    pdf = files.padded_pdf(300_000)  # several INSTREAM chunks
    page = post_step(client, step_url, belege=(pdf, "Sauber.pdf"))
    assert page.status_code == 200, error_messages(page.text)
    assert listed_files(page.text) == ["Sauber.pdf"]
    assert clamd.commands == [b"zINSTREAM\0"]
    assert clamd.received == [pdf]


def test_clamd_finds_the_test_virus(app, client, step_url, upload_dir, clamd):
    app.config["CLAMD_SOCKET"] = str(clamd.path)
    page = post_step(client, step_url, belege=(files.pdf_with_eicar(), "Virus.pdf"))
    assert page.status_code == 422
    assert error_messages(page.text) == [f"In der Datei {INFECTED}"]
    assert _attachment_names() == []
    assert stored_files(upload_dir) == []


def test_clamd_scans_the_cleaned_photo(app, client, step_url, clamd, upload_dir):
    app.config["CLAMD_SOCKET"] = str(clamd.path)
    post_step(client, step_url, fotos=(files.jpeg_with_gps(), "Foto.jpg"))
    (stored,) = stored_files(upload_dir)
    assert clamd.received == [stored.read_bytes()]


def test_no_clamd_at_the_socket_fails_closed(app, client, step_url, upload_dir, socket_dir):
    app.config["CLAMD_SOCKET"] = str(socket_dir / "not-there.sock")
    page = post_step(client, step_url, belege=(files.minimal_pdf(), "Nachweis.pdf"))
    assert page.status_code == 422
    assert error_messages(page.text) == [
        "Die Datei " + UNAVAILABLE.format(name="Nachweis.pdf")]
    assert _attachment_names() == []
    assert stored_files(upload_dir) == []


@pytest.mark.parametrize("mode", ["silent", "error"])
def test_a_clamd_without_a_verdict_fails_closed(
        app, client, step_url, upload_dir, socket_dir, mode):
    server = FakeClamd(socket_dir / "clamd.sock", mode=mode)
    try:
        app.config.update(CLAMD_SOCKET=str(server.path), SCAN_TIMEOUT=0.5)
        page = post_step(client, step_url, belege=(files.minimal_pdf(), "Nachweis.pdf"))
    finally:
        server.close()
    assert page.status_code == 422
    assert "konnte gerade nicht auf Viren geprüft werden" in page.text
    assert stored_files(upload_dir) == []


def test_clamd_that_refuses_the_connection_fails_closed(socket_dir):
    path = socket_dir / "stale.sock"
    stale = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    stale.bind(str(path))
    stale.close()  # the file is there, nobody listens: connection refused
    with pytest.raises(scan.Unavailable, match="cannot reach clamd"):
        scan.scan_clamd(str(path), BytesIO(b"data"), timeout=1)
