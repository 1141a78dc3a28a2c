"""Soak: complete applications for 10 minutes at 32 citizens at once, on PostgreSQL.

Each citizen (bench/nodes.Traveller, one node) goes the whole way again and again:
start page, start, every step with valid answers (an entry in each repeating step),
two phone photos uploaded on the step with the file field, check answers, submit,
confirmation, receipt download. Passes when:

- no application failed (no unexpected answer, no dropped connection, no timeout);
- no web worker grew by more than 10 % (RSS at the end of the run against RSS once the
  warm-up is over; workers are not recycled during the soak, AMTSWEG_MAX_REQUESTS=0,
  so a leak cannot hide behind a restart);
- every confirmed reference is stored, with its receipt and its outbox row.

It also measures what capacity planning needs (docs/operations.md): the web workers'
CPU time (utime + stime from /proc) per complete application, and that of the
PostgreSQL backends serving this database.

    python -m bench.soak [--minutes 10] [--citizens 32] [--storage local|s3]

Writes the section "soak" of docs/benchmarks.md (BENCH_REPORT elsewhere).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import threading
import time
from collections import Counter
from contextlib import ExitStack, suppress
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
import sqlalchemy as sa
from sqlalchemy.pool import NullPool

from bench import report
from bench.citizen import Unexpected, new_session, shipped_form
from bench.nodes import Traveller, photos
from bench.server import (
    Server,
    app_env,
    cpu_seconds,
    postgres_database,
    prepare_database,
    rss_mb,
)
from bench.stored import check

FORM_ID = "onlinewache"
GROWTH_LIMIT = 0.10
SAMPLE_EVERY = 5.0


@dataclass
class Soak:
    minutes: float
    citizens: int
    warmup: float
    finished: list[tuple[float, str, float, int]] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)
    #: (seconds since start, {pid: RSS MB})
    memory: list[tuple[float, dict[int, float]]] = field(default_factory=list)
    window: tuple[float, float] = (0.0, 0.0)
    worker_cpu: float = 0.0
    postgres_cpu: float | None = None
    client_cpu: float = 0.0
    #: workers the master replaced during the run, and gunicorn's WORKER TIMEOUTs
    replaced: list[int] = field(default_factory=list)
    timeouts: int = 0

    @property
    def references(self) -> list[str]:
        return [reference for _, reference, *_ in self.finished]

    @property
    def in_window(self) -> int:
        begin, end = self.window
        return sum(1 for finished, *_ in self.finished if begin <= finished < end)


def _stat(pid: int) -> list[str]:
    return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()


def workers_cpu(server: Server) -> float:
    """CPU seconds of every web worker so far, those already replaced included: the live
    workers' utime + stime and the master's cutime + cstime (its reaped children)."""
    assert server.process is not None
    ticks = 0
    with suppress(OSError, ValueError, IndexError):
        fields = _stat(server.process.pid)
        ticks += int(fields[13]) + int(fields[14])
    return ticks / os.sysconf("SC_CLK_TCK") + cpu_seconds(server.worker_pids())


class MemorySampler(threading.Thread):
    """Every SAMPLE_EVERY seconds: the workers' RSS, and the CPU of the PostgreSQL backends
    serving this database (each backend's last reading counts, also after it ended)."""

    def __init__(self, server: Server, soak: Soak, began: float, database_url: str) -> None:
        super().__init__(daemon=True)
        self.server, self.soak, self.began = server, soak, began
        self.done = threading.Event()
        self.engine = sa.create_engine(database_url, poolclass=NullPool)
        self.backend_cpu: dict[int, float] = {}
        self.backend_base: dict[int, float] | None = None

    def sample(self) -> None:
        pids = self.server.worker_pids()
        self.soak.memory.append((time.monotonic() - self.began,
                                 {pid: rss_mb(pid) for pid in pids}))
        try:
            with self.engine.connect() as conn:
                backends = [row[0] for row in conn.execute(sa.text(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND pid <> pg_backend_pid()"))]
        except sa.exc.SQLAlchemyError:
            return
        for pid in backends:
            with suppress(OSError, ValueError, IndexError):
                fields = _stat(pid)
                self.backend_cpu[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf(
                    "SC_CLK_TCK")

    def start_window(self) -> None:
        self.sample()
        self.backend_base = dict(self.backend_cpu)

    def postgres_cpu(self) -> float | None:
        if self.backend_base is None:
            return None
        return sum(cpu - self.backend_base.get(pid, 0.0) for pid, cpu in self.backend_cpu.items())

    def run(self) -> None:
        while not self.done.wait(SAMPLE_EVERY):
            self.sample()

    def stop(self) -> None:
        self.done.set()
        self.join()
        self.sample()
        self.engine.dispose()


async def citizens(soak: Soak, base_url: str, began: float, stop_at: float,
                   timeout: float) -> None:
    form = shipped_form(FORM_ID)
    files = photos()

    async def citizen() -> None:
        async with new_session(2, timeout) as session:
            while time.monotonic() < stop_at:
                session.cookie_jar.clear()
                person = Traveller(session, [base_url], form, files=files)
                started = time.monotonic()
                try:
                    reference = await person.apply()
                except Unexpected as error:
                    kind = f"HTTP {error.status} ({str(error).split(':')[0]})"
                    soak.errors[kind] += 1
                    soak.examples.setdefault(kind, f"{error.url}: {error.body[:300]}")
                    await asyncio.sleep(0.5)
                except (TimeoutError, aiohttp.ClientError) as error:
                    soak.errors[type(error).__name__] += 1
                    await asyncio.sleep(0.5)
                else:
                    finished = time.monotonic()
                    soak.finished.append((finished, reference, finished - started,
                                          person.requests))

    await asyncio.gather(*(citizen() for _ in range(soak.citizens)))


def run(soak: Soak, storage: str, timeout: float) -> tuple[dict, str, float]:
    with ExitStack() as stack:
        url, instance = stack.enter_context(postgres_database())
        extra = {"AMTSWEG_MAX_REQUESTS": "0", "AMTSWEG_ACCESS_LOG": "off"}
        if storage == "s3":
            from tests.seaweed import SeaweedS3

            extra.update(stack.enter_context(SeaweedS3()).env(prefix="soak"))
        env = app_env(url, instance, **extra)
        prepare_database(env)
        server = stack.enter_context(Server(env=env))
        conditions = report.conditions()
        began = time.monotonic()
        stop_at = began + soak.minutes * 60
        soak.window = (began + soak.warmup, stop_at)
        sampler = MemorySampler(server, soak, began, url)
        sampler.start()
        workers = server.worker_pids()
        cpu_client = resource.getrusage(resource.RUSAGE_SELF)
        marks: dict[str, float] = {}

        def mark_window() -> None:
            # The warm-up lasts its time and until every citizen could have finished once
            # (first uploads, first receipts: what a worker loads once is not growth), but
            # never more than a quarter of the run.
            cap = began + soak.minutes * 60 * 0.25
            while time.monotonic() < began + soak.warmup or (
                    len(soak.finished) < soak.citizens and time.monotonic() < cap):
                time.sleep(0.2)
            soak.warmup = time.monotonic() - began
            soak.window = (time.monotonic(), stop_at)
            marks["workers"] = workers_cpu(server)
            sampler.start_window()

        marker = threading.Thread(target=mark_window, daemon=True)
        marker.start()
        asyncio.run(citizens(soak, server.base_url, began, stop_at, timeout))
        marker.join()
        ended = time.monotonic()
        soak.worker_cpu = workers_cpu(server) - marks["workers"]
        sampler.stop()
        soak.postgres_cpu = sampler.postgres_cpu()
        used = resource.getrusage(resource.RUSAGE_SELF)
        soak.client_cpu = (used.ru_utime + used.ru_stime - cpu_client.ru_utime
                           - cpu_client.ru_stime) / (ended - began)
        soak.replaced = sorted(set(workers) - set(server.worker_pids()))
        server.stop()
        soak.timeouts = server.log(tail=10_000_000).count("WORKER TIMEOUT")
        stored = check(url, soak.references)
        # CPU was measured from the end of the warm-up until the last application finished.
        window_seconds = ended - soak.window[0]
        soak.window = (soak.window[0], ended + 1)
    return stored, conditions, window_seconds


def growth(soak: Soak) -> dict[int, tuple[float, float, float, float]]:
    """pid -> (RSS after warm-up, RSS at the end, peak, growth) for every worker."""
    after_warmup = [m for t, m in soak.memory if t >= soak.warmup]
    if not after_warmup:
        return {}
    first, last = after_warmup[0], after_warmup[-1]
    result = {}
    for pid, start in first.items():
        series = [m[pid] for m in after_warmup if pid in m]
        end = last.get(pid, series[-1])
        result[pid] = (start, end, max(series), (end - start) / start if start else 0.0)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float,
                        default=float(os.environ.get("SOAK_MINUTES", "10")))
    parser.add_argument("--citizens", type=int,
                        default=int(os.environ.get("SOAK_CITIZENS", "32")))
    parser.add_argument("--storage", choices=["local", "s3"],
                        default=os.environ.get("SOAK_STORAGE", "local"))
    parser.add_argument("--timeout", type=float, default=120.0,
                        help="seconds a citizen's browser waits for one page (default 120)")
    args = parser.parse_args()
    warmup = min(60.0, args.minutes * 60 * 0.1)
    soak = Soak(args.minutes, args.citizens, warmup)
    stored, conditions, window_seconds = run(soak, args.storage, args.timeout)

    grown = growth(soak)
    worst = max((g for *_, g in grown.values()), default=0.0)
    errors = sum(soak.errors.values()) + soak.timeouts
    confirmed = len(soak.references)
    complete = (stored["stored"] == confirmed and not stored["incomplete"]
                and stored["receipt"] == confirmed and stored["outbox"] == confirmed)
    passed = errors == 0 and worst <= GROWTH_LIMIT and complete and confirmed > 0
    per_application = soak.worker_cpu / soak.in_window if soak.in_window else 0.0
    postgres_per = (soak.postgres_cpu / soak.in_window
                    if soak.postgres_cpu is not None and soak.in_window else None)
    durations = sorted(seconds for _, _, seconds, _ in soak.finished)
    requests = statistics.mean(n for *_, n in soak.finished) if soak.finished else 0
    workers = len(grown)

    print(f"soak: {'PASSED' if passed else 'FAILED'}: {confirmed} applications, {errors} errors, "
          f"worst growth {worst:+.1%}, {per_application * 1000:.0f} ms worker CPU per "
          "application", flush=True)
    result_rows = [
        ["verdict", "**passed**" if passed else "**FAILED**"],
        ["duration · citizens at once", f"{args.minutes:g} min · {args.citizens} "
                                        f"(warm-up {soak.warmup:.0f} s; a page may take "
                                        f"{args.timeout:.0f} s, as a browser waits)"],
        ["uploads stored in", "SeaweedFS (S3)" if args.storage == "s3" else "local disk"],
        ["complete applications (confirmed)", str(confirmed)],
        ["applications per second (after warm-up)", f"{soak.in_window / window_seconds:.2f}"],
        ["requests per application", f"{requests:.0f}"],
        ["application duration p50 / p99", (
            f"{statistics.median(durations):.1f} s / "
            f"{statistics.quantiles(durations, n=100)[98]:.1f} s") if len(durations) > 1
            else "-"],
        ["errors (failed applications; gunicorn WORKER TIMEOUTs)",
         f"{sum(soak.errors.values())}" + (f" {dict(soak.errors)}" if soak.errors else "")
         + f"; {soak.timeouts} (workers replaced: {len(soak.replaced)})"],
        ["stored (submission, receipt, outbox row)",
         f"{stored['stored']} / {stored['receipt']} / {stored['outbox']} of {confirmed}; "
         f"{len(stored['incomplete'])} incomplete"],
        ["worst worker memory growth (limit +10 %)", f"{worst:+.1%}"],
        ["web worker CPU per application", f"{per_application * 1000:.0f} ms "
                                           f"({soak.worker_cpu:.0f} s over {soak.in_window} "
                                           f"applications, {workers} workers)"],
        ["PostgreSQL backends' CPU per application",
         f"{postgres_per * 1000:.0f} ms" if postgres_per is not None else "not measured"],
        ["load generator (same machine)", f"{soak.client_cpu:.0%} of one core"],
        ["load avg · CPU busy before", conditions],
    ]
    memory_rows = [[str(pid), f"{start:.1f}", f"{end:.1f}", f"{peak:.1f}", f"{g:+.1%}"]
                   for pid, (start, end, peak, g) in sorted(grown.items())]
    examples = "".join(f"\n\n`{kind}`: {text}" for kind, text in soak.examples.items())
    body = "\n\n".join([
        "## Soak: complete applications over time",
        f"{report.now()} · `python -m bench.soak --minutes {args.minutes:g} --citizens "
        f"{args.citizens} --storage {args.storage}` (`make bench` runs it with "
        "SOAK_MINUTES, default 10) · PostgreSQL · "
        f"gunicorn.conf.py defaults, workers not recycled (AMTSWEG_MAX_REQUESTS=0) · "
        f"{report.machine()['CPU']}, {os.cpu_count()} cores shared with the load generator "
        "and PostgreSQL",
        report.table(["", ""], result_rows),
        report.table(["worker pid", "RSS MB after warm-up", "RSS MB at the end", "peak MB",
                      "growth"], memory_rows),
        "Each application: start page, start, every step with valid answers (an entry in each "
        "repeating step), two phone photos uploaded (EXIF removed on upload), check answers, "
        "submit, confirmation, receipt download. CPU per application is the web workers' "
        "utime + stime (from /proc) between the end of the warm-up and the end of the run, "
        "divided by the applications finished in that time; docs/operations.md turns it into "
        "cores." + examples,
    ])
    report.write_section("soak", body)
    if not passed:
        raise SystemExit(1)


if __name__ == "__main__":
    main()
