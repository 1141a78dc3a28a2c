"""Two windows of one browser, over real HTTP: a slow upload never reverts a newer answer.

Window A sends a photo on "beweismittel" over a slow line; while its request is on
the way, window B corrects the e-mail address on "anzeigeerstatter". Window
A's request read the draft before B saved it. Its write must not put the old
e-mail address back; on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Iterator

import pytest
from flask import Flask
from sqlalchemy import select
from werkzeug.serving import make_server

from portal.extensions import db
from portal.models import Attachment, Draft
from portal.publishing import compiled, current_version
from tests.walk import Walker, form_data, minimal_png

from .conftest import seen_on

#: Concurrency is where the databases differ (locks, isolation): both of them.
pytestmark = pytest.mark.both_databases


@pytest.fixture
def server(app: Flask) -> Iterator[str]:
    """The app behind a real, threaded HTTP server on the loopback."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(timeout=10)


def _multipart(fields: dict[str, str], files: dict[str, tuple[str, bytes]]) -> tuple[str, bytes]:
    boundary = uuid.uuid4().hex
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
             .encode() for name, value in fields.items()]
    for name, (filename, content) in files.items():
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                     f'filename="{filename}"\r\nContent-Type: image/png\r\n\r\n'.encode()
                     + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return f"multipart/form-data; boundary={boundary}", b"".join(parts)


def _stored_answers() -> dict:
    db.session.rollback()
    return db.session.execute(select(Draft.answers)).scalar_one()


def test_a_slow_upload_in_one_window_keeps_a_correction_made_in_another(app, client, server):
    form = compiled(current_version("onlinewache"))
    Walker(client, form).walk()  # every step answered: both windows may open any step
    cookie = client.get_cookie("session").value
    old_email = _stored_answers()["erstatter_email"]

    # Window A: the page "beweismittel", then "Datei hochladen" with a photo, on a slow line.
    page_a = client.get("/forms/onlinewache/steps/beweismittel").text
    fields = {"action": "upload", "answers_seen": seen_on(page_a)}
    for f in form.step("beweismittel").questions:
        if f.type != "file" and f'name="{f.name}' in page_a:
            fields.update(form_data(f))
    content_type, body = _multipart(fields, {"beweise-upload": ("foto.png", minimal_png(64, 64))})
    slow = socket.create_connection(server.split(":"), timeout=30)
    slow.sendall((f"POST /forms/onlinewache/steps/beweismittel HTTP/1.1\r\nHost: {server}\r\n"
                  f"Cookie: session={cookie}\r\nContent-Type: {content_type}\r\n"
                  f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode()
                 + body[:200])
    time.sleep(1.0)  # the server has read the draft and now waits for the rest of the body

    # Window B, meanwhile: the e-mail address corrected and saved.
    page_b = client.get("/forms/onlinewache/steps/anzeigeerstatter").text
    data = {"action": "continue", "answers_seen": seen_on(page_b)}
    for f in form.step("anzeigeerstatter").questions:
        data.update(form_data(f))
    data["erstatter_email"] = "korrigiert@example.org"
    assert old_email != "korrigiert@example.org"
    assert client.post("/forms/onlinewache/steps/anzeigeerstatter", data=data).status_code == 303

    # Window A's upload arrives.
    slow.sendall(body[200:])
    answer = b""
    while chunk := slow.recv(65536):
        answer += chunk
    slow.close()
    assert answer.startswith(b"HTTP/1.1 200"), answer[:300]
    assert b"foto.png" in answer  # the upload is listed on window A's page

    stored = _stored_answers()
    assert stored["erstatter_email"] == "korrigiert@example.org"  # not reverted
    photo = db.session.execute(select(Attachment).filter_by(display_name="foto.png")).scalar_one()
    assert photo.id in stored["beweise"]  # and window A's photo is kept
    # Window A goes on: the summary shows the corrected address and the photo.
    fields["action"] = "continue"
    fields["answers_seen"] = seen_on(client.get("/forms/onlinewache/steps/beweismittel").text)
    assert client.post("/forms/onlinewache/steps/beweismittel", data=fields).status_code == 303
    summary = client.get("/forms/onlinewache/summary").text
    assert "korrigiert@example.org" in summary and "foto.png" in summary
