"""Where a browser's complete application spends the server's CPU: py-spy over gunicorn.

`python -m bench._profile_browser [N applications] [sqlite|postgres] [RATE]`

Not a bench module (the leading underscore keeps `python -m bench` from running
it): a profiling aid for bench/browser_application.py. It serves the portal
with gunicorn as the bench does, makes N complete applications in Chromium
(default 3) while `py-spy record --subprocesses` samples the gunicorn master
and its workers (RATE samples per second, default 250; idle time is not
sampled), and prints the share of the workers' samples per function, inclusive
(the function and what it calls) and self, and per request handler. The raw
stacks are kept in a file whose name it prints (flamegraph tools read them).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench.browser_application import WARMUP, application, phone_photo
from bench.server import Server, app_env, postgres_database, prepare_database, sqlite_database

#: Leaf frames that wait rather than work (py-spy counts a thread in a system call as active).
IDLE = ("SyncWorker.wait ", "Arbiter.wait_for_signals ", "Arbiter.sleep ")
#: Leaf frames in a system call that mostly waits: counted apart from the work.
WAITING = ("SocketUnreader.chunk ", "close_graceful ", "write (gunicorn", "sendall ",
           "DefaultDialect.do_commit ", "recv ", "PGConnection.wait")


def py_spy() -> str:
    found = Path(sys.executable).with_name("py-spy")
    return str(found) if found.exists() else (shutil.which("py-spy") or "py-spy")


def _name(frame: str) -> str:
    # "function (path/to/file.py:line)" -> "function (file path without the environment)"
    function, _, where = frame.partition(" (")
    path = where.rsplit(":", 1)[0]
    for marker in ("site-packages/", "/portal/", "/lib/python3"):
        if marker in path:
            path = path.split(marker, 1)[1] if marker != "/portal/" else "portal/" + \
                path.split(marker, 1)[1]
            break
    return f"{function} ({path})"


def summarise(raw: Path, top: int = 45) -> None:
    inclusive: Counter = Counter()
    own: Counter = Counter()
    handlers: Counter = Counter()
    waiting: Counter = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        frames = [_name(f) for f in stack.split(";") if " (" in f]
        if not frames or not any("gunicorn" in f for f in frames) \
                or frames[-1].startswith(IDLE) or "Arbiter.run " in "".join(frames[-3:]):
            continue  # waiting for a request or a signal, or the master: not a request's work
        n = int(count)
        if frames[-1].startswith(WAITING):
            waiting[frames[-1]] += n
            continue
        total += n
        own[frames[-1]] += n
        for name in set(frames):
            inclusive[name] += n
        view = next((f for f in frames if f.startswith(("step ", "start_page ", "send ", "summary ",
                                                         "confirmation ", "receipt ", "start ",
                                                         "entry ", "_entry_list ", "static ",
                                                         "send_static_file "))), None)
        handlers[view or "(outside a view: gunicorn, Flask, session, hooks)"] += n
    print(f"\n{total} samples of the workers at work; besides, in system calls that mostly wait "
          f"(sockets, fsync): " + ", ".join(f"{k}{v}" for k, v in waiting.most_common(6)))
    print("\nper request handler:")
    for name, n in handlers.most_common(20):
        print(f"  {n / total:6.1%}  {name}")
    print("\ninclusive (the function and what it calls):")
    for name, n in inclusive.most_common(top):
        print(f"  {n / total:6.1%}  {name}")
    print("\nself:")
    for name, n in own.most_common(25):
        print(f"  {n / total:6.1%}  {name}")


def main(count: str = "3", database: str = "sqlite", rate: str = "250") -> None:
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    opened = postgres_database if database.startswith("postgres") else sqlite_database
    raw = Path(tempfile.mkstemp(prefix="amtsweg-py-spy-", suffix=".txt")[1])
    photos = [phone_photo(1), phone_photo(2)]
    with opened() as (url, instance), sync_playwright() as playwright:
        env = app_env(url, instance)
        prepare_database(env)
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                             args=CHROMIUM_ARGS)
        with Server(env=env) as server:
            for _ in range(WARMUP):
                application(browser, server.base_url, photos)
            assert server.process is not None
            spy = subprocess.Popen([py_spy(), "record", "--subprocesses",
                                    "-r", rate, "-f", "raw", "-o", str(raw),
                                    "-p", str(server.process.pid)],
                                   stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            time.sleep(2)
            for _ in range(int(count)):
                application(browser, server.base_url, photos)
            spy.send_signal(2)
            spy.wait(60)
        browser.close()
    print(f"raw stacks: {raw}")
    summarise(raw)


if __name__ == "__main__":
    main(*sys.argv[1:4])
