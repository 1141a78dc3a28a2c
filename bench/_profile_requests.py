"""CPU per request of a browser's complete application, inside the portal: `python -m
bench._profile_requests [N applications] [sqlite|postgres]`.

Not a bench module (the leading underscore keeps `python -m bench` from running
it): a profiling aid beside bench/browser_application.py, which measures the
workers' whole CPU. Here gunicorn serves the portal wrapped in `timed` below,
which notes the CPU time of the worker process from the call of the WSGI
application to the last byte of its answer; gunicorn's own parsing, writing and
accepting are outside. After the warm-up of browser_application, N applications
(default 3) are made in Chromium and the CPU is printed per request, grouped by
method and path (steps by name, entries as one), per application.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

#: Where a wrapped worker appends "pid method path ms" per request (set by main()).
LOG = "AMTSWEG_REQUEST_CPU_LOG"


def timed(environ: dict, start_response):  # noqa: ANN201 - a WSGI application
    """The portal (wsgi:app), and the CPU each request took in it, appended to $LOG."""
    from wsgi import app

    began = time.process_time()
    try:
        yield from app(environ, start_response)
    finally:
        used = (time.process_time() - began) * 1000
        with open(os.environ[LOG], "a", encoding="utf-8") as log:
            log.write(f"{os.getpid()} {environ['REQUEST_METHOD']} {environ['PATH_INFO']} "
                      f"{used:.3f}\n")


def _kind(method: str, path: str) -> str:
    path = re.sub(r"/entries/[^/]+", "/entries/…", path)
    path = re.sub(r"^/static/.*", "/static/…", path)
    return f"{method} {path}"


def main(applications: int = 3, database: str = "sqlite") -> None:
    from playwright.sync_api import sync_playwright

    from bench.browser_application import WARMUP, application, phone_photo
    from bench.server import Server, app_env, postgres_database, prepare_database, sqlite_database
    from bench.wizard import SETUP
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    photos = [phone_photo(1), phone_photo(2)]
    opened = postgres_database if database == "postgres" else sqlite_database
    log = Path(tempfile.mkdtemp(prefix="amtsweg-request-cpu-")) / "requests.log"
    with sync_playwright() as playwright, opened() as (url, instance):
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        env = app_env(url, instance, **SETUP, **{LOG: str(log)})
        prepare_database(env)
        with Server(app="bench._profile_requests:timed", env=env) as server:
            for _ in range(WARMUP):
                application(browser, server.base_url, photos)
            log.write_text("")
            for _ in range(applications):
                application(browser, server.base_url, photos)
        browser.close()
    kinds: dict[str, list[float]] = defaultdict(list)
    for line in log.read_text().splitlines():
        _pid, method, path, used = line.split(" ", 3)
        kinds[_kind(method, path)].append(float(used))
    total = sum(sum(v) for v in kinds.values()) / applications
    print(f"{database}: {total:.1f} ms of CPU inside the portal per application "
          f"({applications} applications, gunicorn's own work not included)")
    for kind, used in sorted(kinds.items(), key=lambda item: -sum(item[1])):
        print(f"  {sum(used) / applications:7.2f} ms  {len(used) / applications:4.1f}×  "
              f"{sum(used) / len(used):6.2f} ms each  {kind}")


if __name__ == "__main__":
    main(*(int(a) if a.isdigit() else a for a in sys.argv[1:3]))
