"""Worker CPU per request: start page, step GET and step POST, SQLite and PostgreSQL.

The baseline (bench/baseline_app.py), a SQLite and a PostgreSQL portal run
side by side under the same gunicorn settings. Each round measures the
baseline, then every request of both portals; the measure is the CPU time
(user + system, from each process's CPU-time clock) the gunicorn workers spent
per request, divided by the baseline's of the same round. The table gives the
median of the rounds (BENCH_REPEATS, default 3). Requests/s are shown too but mean
little on a shared machine. A second table measures the same requests at a browser's
pace: one at a time, PACED_PAUSE apart (a worker that waits between requests works on
cold CPU caches, and every request costs more; docs/benchmarks.md, "fifth round").
The start page is a first visit (no cookie: a new session and CSRF token each time);
the step GET and POST carry a draft; the POST sends valid answers and the draft is
saved each time, cycling through many drafts so that clients do not queue on one row.
"""

from __future__ import annotations

import asyncio
import http.client
import os
import statistics
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, ExitStack
from urllib.parse import urlencode, urlsplit

import aiohttp

from bench import load, report
from bench.citizen import Citizen, new_session, shipped_form
from bench.server import (
    Server,
    app_env,
    cpu_seconds,
    gunicorn_settings,
    http_status,
    postgres_database,
    prepare_database,
    sqlite_database,
)

FORM_ID = "onlinewache"
STEP_ID = "tat"  # the second step: radios from a code list, dates, a time, conditions
DRAFTS = 256
#: At most this many times the baseline's worker CPU per request (issue 19).
TARGETS = {"start": 3.0, "GET": 3.0, "POST": 4.0}
#: Workers are not replaced after max_requests while measured: the CPU time of a replaced
#: worker would be lost (a quick baseline reaches 20,000 requests in a round).
NOT_RECYCLED = {"AMTSWEG_MAX_REQUESTS": "0"}
#: The method of issue 19: the project's gunicorn.conf.py with 2 workers, wrk with 16
#: connections. gunicorn.conf.py's default is 2 workers per core; with 4 workers on this
#: 2-core machine each worker's code is evicted from the caches between its requests,
#: which costs the larger portal more than the minimal app (docs/benchmarks.md).
WORKERS = os.environ.get("BENCH_WORKERS", "2")
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "16"))
SETUP = {**NOT_RECYCLED, "AMTSWEG_WEB_WORKERS": WORKERS}
REPEATS = int(os.environ.get("BENCH_REPEATS", "3"))
#: At a browser's pace: this many requests of each kind, one at a time, this far apart (s).
PACED_REQUESTS = int(os.environ.get("BENCH_PACED_REQUESTS", "200"))
PACED_PAUSE = 0.02
NAMES = {"start": f"start page /forms/{FORM_ID}/ (first visit)",
         "GET": f"step GET {FORM_ID}/{STEP_ID} (with a draft)",
         "POST": f"step POST {FORM_ID}/{STEP_ID} (valid answers, draft saved)"}


async def _drafts(base_url: str, count: int) -> tuple[list[load.Request], list[load.Request]]:
    """`count` drafts standing at STEP_ID: the GET and the POST request of each."""
    form = shipped_form(FORM_ID)
    step = form.step(STEP_ID)
    url = f"/forms/{FORM_ID}/steps/{STEP_ID}"
    gets: list[load.Request] = []
    posts: list[load.Request] = []
    gate = asyncio.Semaphore(8)

    async def one() -> None:
        async with gate, new_session(4) as session:
            citizen = Citizen(session, base_url, form)
            first = await citizen.start()
            assert await citizen.answer(first) == url, "the first step did not lead to the second"
            page = await citizen.get(url)
            assert page.status == 200, page.status
            answers = citizen.answers(step, page.text)
            check = await citizen.post(url, answers)
            assert check.status == 303, (check.status, check.text[-2000:])
            cookie = citizen.cookie_header()
            body = urlencode([("csrf_token", citizen.token or ""), *answers])
            gets.append(load.Request("GET", {"Cookie": cookie}))
            posts.append(load.Request("POST", {
                "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded"}, body))

    await asyncio.gather(*(one() for _ in range(count)))
    return gets, posts


async def _refresh(url: str, gets: list[load.Request], posts: list[load.Request]) -> None:
    """Give every draft's requests the cookie a browser would now hold.

    wrk replays the Cookie header it was given. The portal re-sends the session cookie
    when the browser's last noted activity is a minute old (portal/wizard/idle.py), and
    a browser sends the new cookie from then on; a replayed old cookie would instead make
    every request of the measurement re-sign and re-send it. One GET per draft before each
    measurement (each lasts less than a minute) takes the cookie the portal sends.
    """
    gate = asyncio.Semaphore(8)

    async def one(session: aiohttp.ClientSession, get: load.Request, post: load.Request) -> None:
        async with gate, session.get(url, headers=get.headers, allow_redirects=False) as page:
            assert page.status == 200, page.status
            fresh = {name: morsel.value for name, morsel in page.cookies.items()}
        if fresh:
            held = dict(part.split("=", 1) for part in get.headers["Cookie"].split("; "))
            cookie = "; ".join(f"{k}={v}" for k, v in {**held, **fresh}.items())
            get.headers["Cookie"] = post.headers["Cookie"] = cookie

    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
        await asyncio.gather(*(one(session, g, p) for g, p in zip(gets, posts, strict=True)))


def _measure(server: Server, url: str, variants: list[load.Request] | None = None,
             ) -> tuple[load.Result, float]:
    """The load's result, and the CPU milliseconds the web workers spent per request."""
    load.measure(url, variants, duration=load.WARMUP, warmup=0, connections=CONNECTIONS)
    workers = server.worker_pids()
    before = cpu_seconds(workers)
    result = load.measure(url, variants, warmup=0, connections=CONNECTIONS)
    used = cpu_seconds(workers) - before
    if sorted(server.worker_pids()) != sorted(workers):
        # A recycled worker takes its CPU time with it (and its successor adds its start).
        raise RuntimeError("a web worker was replaced during the measurement")
    return result, used * 1000 / max(1, result.requests)


def _portal(stack: ExitStack, opened: Callable[[], AbstractContextManager],
            ) -> tuple[Server, dict[str, tuple[str, list[load.Request] | None]]]:
    url, instance = stack.enter_context(opened())
    env = app_env(url, instance, **SETUP)
    prepare_database(env)
    server = stack.enter_context(Server(env=env))
    gets, posts = asyncio.run(_drafts(server.base_url, DRAFTS))
    step_url = f"{server.base_url}/forms/{FORM_ID}/steps/{STEP_ID}"
    return server, {"start": (f"{server.base_url}/forms/{FORM_ID}/", None),
                    "GET": (step_url, gets), "POST": (step_url, posts)}


def measure() -> tuple[dict, list[str]]:
    """{key: [(result, cpu ms, ratio to the baseline of the round)]} over REPEATS rounds,
    the conditions of each round, and the CPU per request at a browser's pace."""
    samples: dict = {}
    conditions = []
    with ExitStack() as stack:
        baseline = stack.enter_context(Server("bench.baseline_app:app", env=SETUP,
                                               ready_path="/"))
        portals = [(name, *_portal(stack, opened))
                   for name, opened in (("SQLite", sqlite_database),
                                        ("PostgreSQL", postgres_database))]
        for round_ in range(REPEATS):
            conditions.append(report.conditions())
            base = _measure(baseline, baseline.base_url + "/")
            samples.setdefault(("baseline", "–"), []).append((*base, 1.0))
            print(f"  round {round_ + 1}: baseline {base[1]:.3f} ms CPU per request", flush=True)
            for database, server, requests in portals:
                for kind, (url, variants) in requests.items():
                    if kind != "start":
                        asyncio.run(_refresh(url, requests["GET"][1], requests["POST"][1]))
                    result, cpu_ms = _measure(server, url, variants)
                    samples.setdefault((kind, database), []).append(
                        (result, cpu_ms, cpu_ms / base[1] if base[1] else float("nan")))
                    print(f"  round {round_ + 1}: {database} {kind}: {cpu_ms:.3f} ms "
                          f"({cpu_ms / base[1]:.2f}x), {result.rps:,.0f} req/s, "
                          f"{result.errors} errors", flush=True)
                assert http_status(server.base_url + "/health/ready") == 200
        paced = measure_paced(baseline, portals)
    return samples, conditions, paced


def _paced(server: Server, url: str, variants: list[load.Request] | None) -> float:
    """Worker CPU ms per request when the requests come one at a time, PACED_PAUSE apart."""
    parts = urlsplit(url)
    path = parts.path or "/"
    requests = variants or [load.Request()]
    workers = server.worker_pids()
    before = cpu_seconds(workers)
    for number in range(PACED_REQUESTS):
        request = requests[number % len(requests)]
        connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
        try:
            connection.request(request.method, path, body=request.body or None,
                               headers=request.headers)
            answer = connection.getresponse()
            answer.read()
            if answer.status >= 400:
                raise RuntimeError(f"{request.method} {path}: {answer.status}")
        finally:
            connection.close()
        time.sleep(PACED_PAUSE)
    return (cpu_seconds(workers) - before) * 1000 / PACED_REQUESTS


def measure_paced(baseline: Server, portals: list) -> dict:
    """{(kind, database): CPU ms per request} at a browser's pace, the baseline's included."""
    paced = {("baseline", "–"): _paced(baseline, baseline.base_url + "/", None)}
    for database, server, requests in portals:
        for kind, (url, variants) in requests.items():
            if kind != "start":
                asyncio.run(_refresh(url, requests["GET"][1], requests["POST"][1]))
            paced[(kind, database)] = _paced(server, url, variants)
    return paced


def paced_rows(paced: dict) -> list[list[str]]:
    base = paced[("baseline", "–")]
    return [["baseline: minimal Flask app" if kind == "baseline" else NAMES[kind], database,
             f"{ms:.3f}", f"{ms / base:.2f}×"] for (kind, database), ms in paced.items()]


def rows(samples: dict) -> list[list[str]]:
    table = []
    for (kind, database), runs in samples.items():
        cpu = statistics.median(r[1] for r in runs)
        ratio = statistics.median(r[2] for r in runs)
        target = TARGETS.get(kind)
        verdict = ("" if target is None else
                   f"{'met' if ratio <= target else 'missed'} (≤ {target:g}×)")
        errors = sum(r[0].errors for r in runs)
        table.append([
            "baseline: minimal Flask app" if kind == "baseline" else NAMES[kind], database,
            f"{cpu:.3f}", f"**{ratio:.2f}×**" if target else "1×",
            " · ".join(f"{r[2]:.2f}" for r in runs) if target else
            " · ".join(f"{r[1]:.3f} ms" for r in runs),
            f"{statistics.median(r[0].rps for r in runs):,.0f}",
            f"{statistics.median(r[0].p99_ms for r in runs):.1f}", str(errors), verdict])
    return table


def main() -> None:
    settings = gunicorn_settings(SETUP)
    samples, conditions, paced = measure()
    tool = next(iter(samples.values()))[0][0].tool
    body = "\n\n".join([
        "## Worker CPU per request: start page and wizard steps",
        f"{report.now()} · `{report.command()}` · {report.machine()['CPU']} · "
        f"load generator `{tool}`, "
        f"{CONNECTIONS} concurrent connections, {load.DURATION:.0f} s per measurement "
        f"after {load.WARMUP:.0f} s warm-up, {REPEATS} rounds · gunicorn "
        f"{settings['workers']} workers × {settings['threads']} threads "
        f"({settings['worker_class']}), preload · load avg · CPU busy before each round: "
        + "; ".join(conditions),
        report.table(["request", "database", "worker CPU ms per request (median)",
                      "× baseline (median)", "each round (× baseline; baseline: ms)",
                      "requests/s (median)", "p99 ms (median)", "errors", "target"],
                     rows(samples)),
        "The measure is the CPU time (user + system, from each worker's CPU-time clock) that "
        "the gunicorn workers spent per request, divided by what the minimal Flask app's "
        "workers spent per request in the same round; the median of the rounds is reported. "
        "Requests/s and latency depend on what else the machine does (the load generator "
        "shares it) and are given for information only. Targets (issue 19): start page and "
        "step GET at most 3×, step POST at most 4× the baseline. The start page is a first "
        "visit (no cookie, so a new session and CSRF token each time); the POST cycles "
        f"through {DRAFTS} drafts.",
        f"**At a browser's pace**: the same requests one at a time, {PACED_PAUSE * 1000:.0f} ms "
        f"apart ({PACED_REQUESTS} of each, a new connection each, after the rounds above). "
        "A browser's requests come tens of milliseconds apart, and a worker that waited works "
        "on cold CPU caches: every request costs more, the minimal app's too. For "
        "information: the targets are judged under wrk, as the issue measured them.",
        report.table(["request", "database", "worker CPU ms per request",
                      "× baseline at the same pace"], paced_rows(paced)),
    ])
    report.write_section("wizard", body)


if __name__ == "__main__":
    main()
