"""Where a complete application spends its time: `python -m bench._profile_application`.

Arguments: [N applications per round] [DB] [page kind to profile].

Not a bench module (the leading underscore keeps `python -m bench` from running
it): a profiling aid, the in-process counterpart of bench/applications.py. It
walks N complete onlinewache applications through the Flask test client, each
with a fresh cookie jar, the way bench/citizen.py does over HTTP: start page,
start, every step (an entry in each repeating step, no file), check answers,
submit, confirmation page, receipt. It prints the CPU time of this process per
application, split by page kind (best of five rounds, so that a busy machine
distorts it less), the CPU the PostgreSQL server spent on it when the database
is a PostgreSQL on this machine, and a cProfile of the submits (cumulative).

DB: `sqlite` or nothing (a throw-away SQLite database), `postgres` (a throw-away
database on the bench's PostgreSQL server, bench/server.py) or a DATABASE_URL.
A third argument profiles another page kind than the submit:
`python -m bench._profile_application 20 postgres confirmation`.
"""

from __future__ import annotations

import cProfile
import logging
import os
import pstats
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from sqlalchemy import event

from bench._profile_step import _answers
from bench.citizen import _CSRF, _RECEIPT_LINK, _REFERENCE, shipped_form
from bench.server import UNTHROTTLED, postgres_database

FORM_ID = "onlinewache"
ROUNDS, APPLICATIONS = 5, 20
KINDS = ("start", "step GET", "step POST", "summary", "submit", "confirmation", "receipt")


class Application:
    """One citizen's way through the form in-process; CPU ms and requests per page kind."""

    def __init__(self, app, form, profiler: cProfile.Profile | None = None,  # noqa: ANN001
                 profiled: str = "submit") -> None:
        self.app, self.client, self.form, self.profiler = app, app.test_client(), form, profiler
        self.profiled = profiled
        self.cpu: Counter = Counter()
        self.requests: Counter = Counter()
        self.queries: Counter = Counter()
        self.token = ""
        self.kind = ""

    def send(self, kind: str, method: str, url: str, data: dict | None = None):  # noqa: ANN201
        profile = self.profiler if kind == self.profiled else None
        self.kind = kind
        began = time.process_time()
        if profile:
            profile.enable()
        response = self.client.open(url, method=method, data=data)
        if profile:
            profile.disable()
        self.cpu[kind] += time.process_time() - began
        self.requests[kind] += 1
        if match := _CSRF.search(response.text if response.mimetype == "text/html" else ""):
            self.token = match.group(1)
        return response

    def expect(self, response, status: int, what: str):  # noqa: ANN001, ANN201
        assert response.status_code == status, (what, response.status_code, response.request.path)
        return response

    def apply(self) -> str:
        base = f"/forms/{self.form.id}"
        with _counting_queries(self):
            return self._apply(base)

    def _apply(self, base: str) -> str:
        self.expect(self.send("start", "GET", f"{base}/"), 200, "start page")
        location = self.expect(self.send("start", "POST", f"{base}/start",
                                          {"csrf_token": self.token}), 303, "start").location
        for _ in range(60):
            if location.rstrip("/").endswith("/summary"):
                self.expect(self.send("summary", "GET", location), 200, "summary")
                break
            page = self.send("step GET", "GET", location)
            if page.status_code in (302, 303):  # an empty list of entries opens the first entry
                location = page.location
                continue
            self.expect(page, 200, "step page")
            step = self.form.step(location.split("/steps/")[1].split("/")[0])
            if step.repeat is not None and "/entries/" not in location:
                if "entry-list__item" not in page.text:
                    location += "/entries/new"
                    continue
                data = {"action": "continue", "csrf_token": self.token}
            else:
                data = _answers(step, page.text, self.token)
            location = self.expect(self.send("step POST", "POST", location, data), 303,
                                   "answer").location
        else:
            raise AssertionError("no summary")
        sent = self.expect(self.send("submit", "POST", f"{base}/submit",
                                     {"csrf_token": self.token}), 303, "submit")
        page = self.expect(self.send("confirmation", "GET", sent.location), 200, "confirmation")
        reference = _REFERENCE.search(page.text).group(1).strip()
        receipt = self.expect(self.send("receipt", "GET", _RECEIPT_LINK.search(page.text).group(1)),
                              200, "receipt")
        assert receipt.data.startswith(b"%PDF-")
        return reference


@contextmanager
def _counting_queries(walk: Application) -> Iterator[None]:
    """Count the SQL statements each page kind sends (in walk.queries)."""
    from portal.extensions import db

    def count(*_: object) -> None:
        walk.queries[walk.kind] += 1

    with walk.app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield
    finally:
        event.remove(engine, "before_cursor_execute", count)


def _postgres_cpu() -> dict[int, float]:
    """CPU seconds used so far by each process of this machine's PostgreSQL server, by pid."""
    used, tick = {}, os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        if name.startswith("postgres"):
            used[int(entry.name)] = (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return used


def _postgres_since(before: dict[int, float]) -> float:
    """CPU seconds the PostgreSQL processes used since `before` (processes that ended: lost)."""
    return sum(cpu - before.get(pid, 0.0) for pid, cpu in _postgres_cpu().items())


def main(applications: str | int = APPLICATIONS, database: str | None = None,
         profiled: str = "submit") -> None:
    from flask_migrate import upgrade

    from portal import create_app
    from portal.authorities import import_jurisdictions, load_authorities
    from portal.extensions import db
    from portal.publishing import load_shipped_forms

    applications = int(applications)
    with ExitStack() as stack:
        instance = tempfile.mkdtemp(prefix="amtsweg-profile-")
        url = f"sqlite:///{instance}/p.sqlite3" if database in (None, "sqlite") else database
        if database == "postgres":
            url, _ = stack.enter_context(postgres_database())
        app = create_app({"SQLALCHEMY_DATABASE_URI": url, "INSTANCE_PATH": instance,
                          "SESSION_COOKIE_SECURE": False, "RATELIMIT_STORAGE_URI": "memory://",
                          "RATELIMIT_START": UNTHROTTLED, "RATELIMIT_SUBMIT": UNTHROTTLED})
        with app.app_context():
            upgrade()
            load_shipped_forms(Path(app.config["FORMS_DIR"]))
            db.session.commit()
            load_authorities(Path(app.config["AUTHORITIES_DIR"]))
            import_jurisdictions(Path(app.config["AUTHORITIES_DIR"]) / "jurisdictions.csv")
        logging.getLogger().setLevel(logging.WARNING)
        form = shipped_form(FORM_ID)
        on_postgres = url.startswith("postgresql")
        Application(app, form).apply()  # warm: compiled form, templates, shaped receipt labels

        best: dict[str, float] = {kind: float("inf") for kind in (*KINDS, "total", "postgres")}
        requests: Counter = Counter()
        queries: Counter = Counter()
        for _ in range(ROUNDS):
            cpu: Counter = Counter()
            server_began = _postgres_cpu() if on_postgres else {}
            for _ in range(applications):
                walk = Application(app, form)
                walk.apply()
                cpu.update(walk.cpu)
                requests, queries = walk.requests, walk.queries
            if on_postgres:
                best["postgres"] = min(best["postgres"], _postgres_since(server_began))
            cpu["total"] = sum(cpu.values())
            for kind in (*KINDS, "total"):
                best[kind] = min(best[kind], cpu[kind])

        print(f"{FORM_ID} on {url.split(':')[0]}: CPU ms per application "
              f"(best of {ROUNDS} × {applications} applications, this process)")
        for kind in (*KINDS, "total"):
            count, sql = ((requests[kind], queries[kind]) if kind != "total"
                          else (sum(requests.values()), sum(queries.values())))
            share = best[kind] / best["total"]
            print(f"  {kind:<13} {best[kind] / applications * 1000:8.2f} ms  {share:6.1%}  "
                  f"{count:3d} requests  {sql:3d} SQL statements")
        if on_postgres:
            print(f"  PostgreSQL server: {best['postgres'] / applications * 1000:.1f} ms CPU "
                  "per application (all its processes, clock ticks of 10 ms: rough)")

        profiler = cProfile.Profile()
        for _ in range(applications):
            Application(app, form, profiler, profiled).apply()
        print(f"\ncProfile of the {profiled} requests of {applications} applications (cumulative):")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main(*(sys.argv[1:4]))
