"""Requests that carry files: a broken multipart body is an error, never an empty form.

Werkzeug's form parser is silent by default: a multipart body cut off in the
middle (a dropped connection, a proxy that gave up) parses as an empty or
half form, and the step would treat it as the citizen's answer, with every
question "missing". Here such a body is refused before any view sees it, with
a page that says nothing was lost. `init_app` switches this on.
"""

from __future__ import annotations

from typing import IO

from flask import Flask, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import BadRequest, ClientDisconnected
from werkzeug.formparser import FormDataParser
from werkzeug.wsgi import get_input_stream


class BrokenRequest(BadRequest):
    """The request body is not the well-formed form it claims to be."""


class StrictFormDataParser(FormDataParser):
    """Werkzeug's form parser, not silent: a malformed body raises BrokenRequest."""

    def parse(self, stream: IO[bytes], mimetype: str, content_length: int | None,
              options: dict[str, str] | None = None) -> tuple:
        self.silent = False
        try:
            return super().parse(stream, mimetype, content_length, options)
        except ValueError as error:
            raise BrokenRequest() from error


class StrictFormRequest:
    """A request mixin: form parsing errors raise BrokenRequest instead of vanishing."""

    form_data_parser_class = StrictFormDataParser


def drain_body(limit: int) -> bool:
    """Read and discard what is left of the request body, if it is at most `limit` bytes.

    A request over MAX_CONTENT_LENGTH is refused before its body is read. A browser that is
    still sending then meets a closed connection (EPIPE, "connection reset") and never shows
    the page that says what happened; reading the rest first lets it. A body larger than
    `limit` (AMTSWEG_DRAIN_MAX_MB) is not read: False, and the connection is closed.
    """
    length = request.content_length
    if length is None or length > limit:
        return False
    refused_unread = request.max_content_length is not None and length > request.max_content_length
    # request.stream refuses a body over the limit; the plain input stream, bounded by
    # Content-Length, is what is left of it. A body refused mid-way continues where it stopped.
    stream = get_input_stream(request.environ, max_content_length=None) if refused_unread \
        else request.stream
    read = 0
    try:
        while read < limit:
            chunk = stream.read(min(64 * 1024, limit - read))
            if not chunk:
                break
            read += len(chunk)
    except (OSError, ClientDisconnected):
        return False
    return True


def init_app(app: Flask) -> None:
    if not issubclass(app.request_class, StrictFormRequest):
        app.request_class = type("Request", (StrictFormRequest, app.request_class), {})

    @app.errorhandler(BrokenRequest)
    @app.errorhandler(ClientDisconnected)
    def broken_request(error: BadRequest) -> tuple[str, int]:
        return render_template(
            "errors/error.html",
            title=_("Die Seite ist nicht vollständig angekommen"),
            message=_("Ihre Angaben und Dateien sind nicht vollständig bei uns angekommen, "
                      "vielleicht weil die Verbindung unterbrochen wurde. Alles, was Sie vorher "
                      "gespeichert haben, ist noch da. Gehen Sie zurück und senden Sie die Seite "
                      "noch einmal ab."),
        ), 400
