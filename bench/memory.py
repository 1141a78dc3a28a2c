"""Resident memory of one web worker after the load (target: under 150 MB per worker).

The load is the complete-application run of bench/applications.py (every page
type, submit, receipt), on PostgreSQL; then the RSS of every gunicorn worker is
read from /proc. RSS counts the pages a worker shares with the preloaded master
in full; PSS shares them out and is what N workers really cost together.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from bench import load, report
from bench.applications import citizens
from bench.server import Server, app_env, postgres_database, prepare_database, rss_mb

TARGET_MB = 150.0


def pss_mb(pid: int) -> float:
    """Proportional set size in MB (shared pages divided among the processes sharing them)."""
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    with postgres_database() as (url, instance):
        env = app_env(url, instance)
        prepare_database(env)
        with Server(env=env) as server:
            before = {pid: rss_mb(pid) for pid in server.worker_pids()}
            conditions = report.conditions()
            run = asyncio.run(citizens(server.base_url, load.WARMUP, load.DURATION,
                                       load.CONNECTIONS))
            workers = server.worker_pids()
            after = {pid: (rss_mb(pid), pss_mb(pid)) for pid in workers}
            master = rss_mb(server.process.pid)
    rows = [[str(pid), f"{before.get(pid, 0):.0f}", f"{rss:.0f}", f"{pss:.0f}",
             "met" if rss < TARGET_MB else "missed"]
            for pid, (rss, pss) in sorted(after.items())]
    body = "\n\n".join([
        "## Memory per web worker",
        f"{report.now()} · `{report.command()}` · PostgreSQL · after {len(run.references)} "
        f"complete applications in {load.WARMUP + load.DURATION:.0f} s and more · "
        f"gunicorn master {master:.0f} MB RSS · {conditions}",
        report.table(["worker pid", "RSS MB at start", "RSS MB after the load", "PSS MB after",
                      f"target (< {TARGET_MB:.0f} MB RSS)"], rows),
        "The master loads the application before forking (preload_app), so much of a worker's "
        "RSS is shared with the master and the other workers; PSS shows each one's fair share.",
    ])
    report.write_section("memory", body)


if __name__ == "__main__":
    main()
