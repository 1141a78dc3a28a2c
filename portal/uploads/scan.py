"""The optional virus scan: a clamd daemon over its socket, or any command.

Configured by one of two keys (see docs/uploads.md):

- ``CLAMD_SOCKET``: the path of clamd's unix socket (``/run/clamav/clamd.ctl``),
  or ``tcp://host:port``. The file is streamed with clamd's INSTREAM command.
- ``SCAN_COMMAND``: a command line; the file's path is added as its last
  argument. Exit status 0 means clean, 1 means infected, anything else (or no
  answer within ``SCAN_TIMEOUT`` seconds) means the scanner failed.

A scanner that fails never lets a file through: the upload is refused with
`Unavailable`, and the citizen is asked to try again later.
"""

from __future__ import annotations

import shlex
import socket
import struct
import subprocess
from pathlib import Path
from typing import BinaryIO

CHUNK = 64 * 1024
DEFAULT_TIMEOUT = 30.0


class Infected(Exception):
    """The scanner found something; `signature` says what."""

    def __init__(self, signature: str) -> None:
        super().__init__(signature)
        self.signature = signature


class Unavailable(Exception):
    """The scanner did not give a verdict (not running, timed out, an error)."""


def scan_clamd(address: str, stream: BinaryIO, timeout: float) -> None:
    """Stream the file to clamd (INSTREAM); raise Infected or Unavailable unless it is clean."""
    try:
        if address.startswith("tcp://"):
            host, _, port = address[len("tcp://"):].rpartition(":")
            connection = socket.create_connection((host.strip("[]"), int(port)), timeout=timeout)
        else:
            connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            connection.settimeout(timeout)
            connection.connect(address)
    except (OSError, ValueError) as error:
        raise Unavailable(f"cannot reach clamd at {address}: {error}") from error
    with connection:
        try:
            connection.sendall(b"zINSTREAM\0")
            while chunk := stream.read(CHUNK):
                connection.sendall(struct.pack(">I", len(chunk)) + chunk)
            connection.sendall(struct.pack(">I", 0))
        except OSError as error:
            # clamd hangs up when the stream is over its StreamMaxLength; its reason may be waiting.
            reply = _reply(connection)
            raise Unavailable(f"clamd stopped reading: {reply or error}") from error
        reply = _reply(connection)
    if reply is None:
        raise Unavailable("clamd did not answer")
    if reply.endswith(" OK") and reply.startswith("stream:"):
        return
    if reply.endswith(" FOUND"):
        raise Infected(reply.removeprefix("stream:").removesuffix(" FOUND").strip())
    raise Unavailable(f"clamd answered: {reply}")


def _reply(connection: socket.socket) -> str | None:
    """clamd's answer to a z-command: text up to a NUL byte; None if there is none."""
    data = b""
    try:
        while b"\0" not in data and len(data) < 4096:
            part = connection.recv(4096)
            if not part:
                break
            data += part
    except OSError:
        pass
    text = data.split(b"\0", 1)[0].decode("utf-8", "replace").strip()
    return text or None


def scan_command(command: str, path: Path, timeout: float) -> None:
    """Run `command path`; exit 0 is clean, 1 infected, anything else a failure."""
    argv = [*shlex.split(command), str(path)]
    try:
        result = subprocess.run(  # noqa: S603 - the operator's own command, no shell
            argv, capture_output=True, timeout=timeout, check=False, stdin=subprocess.DEVNULL
        )
    except subprocess.TimeoutExpired as error:
        raise Unavailable(f"{argv[0]} gave no answer within {timeout:g} s") from error
    except OSError as error:
        raise Unavailable(f"cannot run {argv[0]}: {error}") from error
    output = (result.stdout + result.stderr).decode("utf-8", "replace").strip()
    if result.returncode == 0:
        return
    if result.returncode == 1:
        raise Infected(_signature(output, path) or "unknown")
    raise Unavailable(f"{argv[0]} exited with {result.returncode}: {output[-500:]}")


def _signature(output: str, path: Path) -> str:
    """The signature name from clamscan-like output ("/path: Eicar-Signature FOUND")."""
    for line in output.splitlines():
        line = line.replace(str(path), "").strip(": ")
        if line.endswith(" FOUND"):
            return line.removesuffix(" FOUND").strip()
    return output.splitlines()[0][:200] if output else ""
