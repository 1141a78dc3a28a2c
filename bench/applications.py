"""Complete onlinewache applications per second, end to end, on PostgreSQL.

32 citizens (bench/citizen.py) each go the whole way again and again: start
page, start, every step (an entry in each repeating step), check answers,
submit, confirmation, receipt (when the confirmation page links one). After
the run every confirmed reference must exist in the database, with its receipt
and outbox row once those tables exist.
"""

from __future__ import annotations

import asyncio
import resource
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field

import aiohttp

from bench import load, report
from bench.citizen import Citizen, Unexpected, new_session, shipped_form
from bench.server import Server, app_env, postgres_database, prepare_database
from bench.stored import check

FORM_ID = "onlinewache"
TARGET = 100.0  # applications per second on PostgreSQL
#: An application takes seconds, not milliseconds: a longer window than for single requests.
WARMUP = max(load.WARMUP, 5.0)
DURATION = max(load.DURATION, 15.0)


@dataclass
class Run:
    """What the citizens did; throughput counts what finished inside the measured window."""

    window: tuple[float, float] = (0.0, 0.0)
    #: (finished at, reference, seconds taken, requests made, receipt fetched)
    finished: list[tuple[float, str, float, int, bool]] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    client_cpu: float = 0.0

    @property
    def references(self) -> list[str]:
        """Every confirmed reference, warm-up and tail included (all must be stored)."""
        return [reference for _, reference, *_ in self.finished]

    @property
    def measured(self) -> list[tuple[float, str, float, int, bool]]:
        begin, end = self.window
        return [entry for entry in self.finished if begin <= entry[0] < end]

    @property
    def seconds(self) -> float:
        return self.window[1] - self.window[0]

    @property
    def per_second(self) -> float:
        return len(self.measured) / self.seconds if self.seconds else 0.0

    @property
    def requests(self) -> int:
        return sum(entry[3] for entry in self.measured)

    @property
    def latencies(self) -> list[float]:
        return sorted(entry[2] for entry in self.measured)

    @property
    def receipts(self) -> int:
        return sum(1 for entry in self.measured if entry[4])


async def citizens(base_url: str, warmup: float, duration: float, concurrency: int) -> Run:
    """`concurrency` citizens apply without pause; applications finished in the window count.

    The citizens run through the warm-up into the window and beyond its end, so
    the window sees a steady state rather than everybody starting at once; after
    the window nobody starts again and the applications in flight are finished.
    """
    form = shipped_form(FORM_ID)
    began = time.monotonic()
    run = Run(window=(began + warmup, began + warmup + duration))

    async def citizen() -> None:
        async with new_session(2) as session:
            while time.monotonic() < run.window[1]:
                session.cookie_jar.clear()
                person = Citizen(session, base_url, form)
                started = time.monotonic()
                try:
                    reference = await person.apply()
                except Unexpected as error:
                    run.errors[f"HTTP {error.status}"] += 1
                except (TimeoutError, aiohttp.ClientError) as error:
                    run.errors[type(error).__name__] += 1
                else:
                    finished = time.monotonic()
                    run.finished.append((finished, reference, finished - started,
                                         person.requests, person.receipt_fetched))

    cpu = resource.getrusage(resource.RUSAGE_SELF)
    await asyncio.gather(*(citizen() for _ in range(concurrency)))
    used = resource.getrusage(resource.RUSAGE_SELF)
    elapsed = time.monotonic() - began
    run.client_cpu = (used.ru_utime + used.ru_stime - cpu.ru_utime - cpu.ru_stime) / elapsed
    return run


def main() -> None:
    with postgres_database() as (url, instance):
        env = app_env(url, instance)
        prepare_database(env)
        with Server(env=env) as server:
            conditions = report.conditions()
            run = asyncio.run(citizens(server.base_url, WARMUP, DURATION, load.CONNECTIONS))
        found = check(url, run.references)
    latencies = run.latencies
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    verdict = "met" if run.per_second >= TARGET else "missed"
    kept = [f"{found['stored']}/{len(run.references)} confirmed references stored",
            f"{len(found['incomplete'])} incomplete submissions"]
    for kind in ("receipt", "outbox"):
        kept.append(f"{kind}: {found[kind]}/{len(run.references)}" if found[kind] is not None
                    else f"{kind}: not measured (no {kind} table yet)")
    kept = "; ".join(kept)
    rows = [[
        "PostgreSQL", f"{run.per_second:.1f}", f"{run.requests / run.seconds:,.0f}",
        f"{cuts[49] * 1000:.0f}", f"{cuts[98] * 1000:.0f}", str(len(run.measured)),
        str(run.receipts),
        str(sum(run.errors.values())) + (f" {dict(run.errors)}" if run.errors else ""),
        conditions, f"{verdict} (≥ {TARGET:.0f}/s)",
    ]]
    body = "\n\n".join([
        "## Complete applications (onlinewache, end to end)",
        f"{report.now()} · `{report.command()}` · {load.CONNECTIONS} citizens at once, "
        f"applications finished in a {DURATION:.0f} s window after {WARMUP:.0f} s warm-up · "
        "client: Python asyncio "
        f"(aiohttp) on the same machine, using {run.client_cpu:.0%} of one core",
        report.table(["database", "applications/s", "requests/s", "p50 ms",
                      "p99 ms", "applications", "receipts fetched", "errors",
                      "load avg · CPU busy before", "target"], rows),
        "Each application: start page, start, every step with valid answers (one entry in each "
        "repeating step, no file), check answers, submit, confirmation page, receipt when the "
        "confirmation links one. The latency is that of a whole application. Afterwards, in "
        f"the database: {kept}.",
    ])
    report.write_section("applications", body)


if __name__ == "__main__":
    main()
