"""Baseline and wizard steps: GET and POST of one onlinewache step, SQLite and PostgreSQL.

The baseline (bench/baseline_app.py) runs first, under the same gunicorn
settings, and every wizard number is also given as a ratio to it. The step
POST sends valid answers and the draft is saved each time; the requests cycle
through many drafts so that clients do not queue on one row.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from contextlib import AbstractContextManager
from urllib.parse import urlencode

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
TARGETS = {"GET": 0.5, "POST": 1 / 3}
P99_TARGET_MS = 100.0


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


def _measure(server: Server, url: str, variants: list[load.Request] | None = None,
             ) -> tuple[load.Result, float]:
    """The load's result, and the CPU milliseconds the web workers spent per request.

    Requests per second depend on what else the machine does (wrk itself, other
    processes); the workers' own CPU time per request hardly does, so the two
    ratios to the baseline side by side show how much of a gap is the portal's work.
    """
    load.measure(url, variants, duration=load.WARMUP, warmup=0)
    workers = server.worker_pids()
    before = cpu_seconds(workers)
    result = load.measure(url, variants, warmup=0)
    used = cpu_seconds(workers) - before
    return result, used * 1000 / max(1, result.requests)


def _row(name: str, database: str, measured: tuple[load.Result, float],
         baseline: tuple[load.Result, float] | None, loadavg: str,
         target: float | None = None) -> list[str]:
    result, cpu_ms = measured
    ratio = result.rps / baseline[0].rps if baseline else None
    cpu_ratio = baseline[1] / cpu_ms if baseline and cpu_ms else None
    verdict = ""
    if target is not None and ratio is not None:
        ok = ratio >= target and result.p99_ms < P99_TARGET_MS
        verdict = ("met" if ok else "missed") + f" (≥ {target:.2f}, p99 < {P99_TARGET_MS:.0f} ms)"
    errors = str(result.errors) + (f" {result.error_detail}" if result.error_detail else "")
    return [name, database, f"{result.rps:,.0f}", f"{ratio:.2f}" if ratio else "1.00",
            f"{result.p50_ms:.1f}", f"{result.p99_ms:.1f}", f"{cpu_ms:.2f}",
            f"{cpu_ratio:.2f}" if cpu_ratio else "1.00", errors, loadavg, verdict]


def measure_wizard(database: str, opened: Callable[[], AbstractContextManager],
                   baseline: tuple[load.Result, float]) -> list[list[str]]:
    rows = []
    with opened() as (url, instance):
        env = app_env(url, instance)
        prepare_database(env)
        with Server(env=env) as server:
            gets, posts = asyncio.run(_drafts(server.base_url, DRAFTS))
            step_url = f"{server.base_url}/forms/{FORM_ID}/steps/{STEP_ID}"
            for method, variants in (("GET", gets), ("POST", posts)):
                loadavg = report.conditions()
                measured = _measure(server, step_url, variants)
                rows.append(_row(f"step {method} ({FORM_ID}/{STEP_ID})", database, measured,
                                 baseline, loadavg, TARGETS[method]))
                print(f"  {database} {method}: {measured[0].rps:,.0f} req/s, "
                      f"{measured[1]:.2f} ms worker CPU per request", flush=True)
            assert http_status(server.base_url + "/health/ready") == 200
    return rows


def measure_baseline() -> tuple[tuple[load.Result, float], str]:
    loadavg = report.conditions()
    with Server("bench.baseline_app:app", ready_path="/") as server:
        return _measure(server, server.base_url + "/"), loadavg


def main() -> None:
    settings = gunicorn_settings()
    baseline, loadavg = measure_baseline()
    print(f"  baseline: {baseline[0].rps:,.0f} req/s, {baseline[1]:.2f} ms worker CPU per request",
          flush=True)
    rows = [_row("baseline: minimal Flask app", "–", baseline, None, loadavg)]
    rows += measure_wizard("SQLite", sqlite_database, baseline)
    rows += measure_wizard("PostgreSQL", postgres_database, baseline)
    body = "\n\n".join([
        "## Baseline and wizard steps",
        f"{report.now()} · `{report.command()}` · load generator `{baseline[0].tool}`, "
        f"{load.CONNECTIONS} concurrent connections, {load.DURATION:.0f} s per measurement "
        f"after {load.WARMUP:.0f} s warm-up · gunicorn {settings['workers']} workers × "
        f"{settings['threads']} threads ({settings['worker_class']}), preload",
        report.table(["measurement", "database", "requests/s", "ratio to baseline", "p50 ms",
                      "p99 ms", "worker CPU ms per request", "CPU ratio to baseline", "errors",
                      "load avg · CPU busy before", "target"], rows),
        "Targets on a 2-core machine: a step GET at least half the baseline's requests/s, a "
        "step POST at least a third, p99 below 100 ms. The POST sends valid answers and saves "
        f"the draft; requests cycle through {DRAFTS} drafts. Worker CPU is what the gunicorn "
        "workers used (user + system, from /proc) divided by the requests they answered; its "
        "ratio (baseline's CPU per request / the step's) depends far less than requests/s on "
        "what else the machine is doing, wrk included. The targets are judged on requests/s.",
    ])
    report.write_section("wizard", body)


if __name__ == "__main__":
    main()
