"""Worker CPU per request without sockets: `python -m bench._wsgi_ratio [DATABASE_URL]`.

A profiling aid beside bench/wizard.py (which measures through gunicorn and is the
number that counts): each request is a WSGI call on an environ built once, so
neither a load generator nor the HTTP server shares the machine with what is
measured, and two runs a minute apart agree to a few per cent. Prints the CPU
per request of the minimal Flask app (bench/baseline_app.py), a health check of
the portal, the step GET and the step POST of bench/_profile_step.py, and the
ratios to the minimal app. The ratio is higher than through gunicorn: gunicorn's
own work per request (parsing, writing, accepting) is added to both sides there.
"""

from __future__ import annotations

import io
import sys
import time
from urllib.parse import urlencode

from werkzeug.test import EnvironBuilder

from bench._profile_step import STEP, prepared

ROUNDS, REQUESTS = 7, 300


def _environ(path: str, method: str = "GET", data: dict | None = None,
             cookie: str = "") -> tuple[dict, bytes]:
    body = urlencode(data or {}, doseq=True).encode() if method == "POST" else b""
    headers = {"Cookie": cookie} if cookie else {}
    builder = EnvironBuilder(path=path, method=method, headers=headers,
                             content_type="application/x-www-form-urlencoded" if body else None,
                             data=body or None)
    environ = builder.get_environ()
    return environ, body


def _cpu_per_request(app, environ: dict, body: bytes, expected: int) -> float:
    statuses: list[str] = []

    def start_response(status, headers, exc_info=None):
        statuses.append(status)

    best = float("inf")
    for _ in range(ROUNDS):
        began = time.process_time()
        for _ in range(REQUESTS):
            env = dict(environ)
            env["wsgi.input"] = io.BytesIO(body)
            for _chunk in app(env, start_response):
                pass
        best = min(best, (time.process_time() - began) / REQUESTS * 1000)
    assert statuses[-1].startswith(str(expected)), statuses[-1]
    return best


def _profile(app, environ: dict, body: bytes, lines: int = 45) -> None:
    import cProfile
    import pstats

    def start_response(status, headers, exc_info=None):
        pass

    profiler = cProfile.Profile(time.process_time)
    profiler.enable()
    for _ in range(REQUESTS):
        env = dict(environ)
        env["wsgi.input"] = io.BytesIO(body)
        for _chunk in app(env, start_response):
            pass
    profiler.disable()
    stats = pstats.Stats(profiler)
    stats.sort_stats("cumulative").print_stats(lines)
    stats.sort_stats("tottime").print_stats(lines)


def main(database_url: str | None = None, profile: str | None = None) -> None:
    from bench.baseline_app import app as baseline

    app, client, answers = prepared(database_url)
    session = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    cookie = f"{session.key}={session.value}"
    cases = [
        ("baseline: minimal Flask app", baseline, *_environ("/"), 200),
        ("portal /health/live", app, *_environ("/health/live"), 200),
        ("step GET", app, *_environ(STEP, cookie=cookie), 200),
        ("step POST", app, *_environ(STEP, "POST", answers, cookie), 303),
    ]
    if profile:
        for name, wsgi, environ, body, _expected in cases:
            if name.startswith(profile):
                _profile(wsgi, environ, body)
        return
    base = None
    for name, wsgi, environ, body, expected in cases:
        ms = _cpu_per_request(wsgi, environ, body, expected)
        base = base or ms
        print(f"{name:32} {ms:7.3f} ms  {ms / base:5.2f}x")


if __name__ == "__main__":
    main(*(arg or None for arg in sys.argv[1:3]))
