"""The portal's one HTTP client (portal.outbound), against a real server on 127.0.0.1: no
redirect is followed, an answer is read only up to its limit, no answer is Unreachable."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from portal import outbound


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        length = int(self.headers.get("Content-Length") or 0)
        agent = self.headers.get("User-Agent")
        self.server.seen.append((self.path, agent, self.rfile.read(length)))
        if self.path == "/moved":
            self.send_response(307)
            self.send_header("Location", "/elsewhere")
            self.send_header("Content-Length", "0")
            self.end_headers()
        elif self.path == "/large":
            body = b"x" * 100_000
            self.send_response(500)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path == "/slow":
            time.sleep(1.0)
            self.send_response(204)
            self.end_headers()
        else:
            self.send_response(204)
            self.end_headers()


@pytest.fixture
def server() -> Iterator[ThreadingHTTPServer]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.seen = []
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd
    httpd.shutdown()
    httpd.server_close()


def _url(server: ThreadingHTTPServer, path: str) -> str:
    return f"http://127.0.0.1:{server.server_address[1]}{path}"


def test_an_answer_carries_the_status_and_the_request_our_agent(server):
    answer = outbound.send("POST", _url(server, "/in"), agent="Amtsweg-Test/1", timeout=5,
                           data=b'{"a": 1}')
    assert answer.status == 204 and answer.ok
    assert server.seen == [("/in", "Amtsweg-Test/1", b'{"a": 1}')]


def test_a_redirect_is_not_followed_but_answered(server):
    answer = outbound.send("POST", _url(server, "/moved"), agent="t", timeout=5, data=b"{}")
    assert answer.status == 307 and not answer.ok
    assert [path for path, _, _ in server.seen] == ["/moved"]  # never sent to /elsewhere


def test_an_answer_is_read_only_up_to_the_limit(server):
    answer = outbound.send("POST", _url(server, "/large"), agent="t", timeout=5, limit=4096)
    assert answer.status == 500 and len(answer.body) == 4096


def test_a_receiver_that_does_not_answer_in_time_is_unreachable_by_timeout(server):
    with pytest.raises(outbound.Unreachable) as failure:
        outbound.send("POST", _url(server, "/slow"), agent="t", timeout=0.2)
    assert failure.value.timed_out and failure.value.reason == "timed out after 0.2 s"


def test_a_refused_connection_is_unreachable_and_says_so():
    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(outbound.Unreachable) as failure:
        outbound.send("POST", f"http://127.0.0.1:{port}/", agent="t", timeout=5)
    assert not failure.value.timed_out
    assert "Connection refused" in failure.value.reason
