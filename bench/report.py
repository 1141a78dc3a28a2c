"""docs/benchmarks.md: each bench module owns one section between markers.

A section is `<!-- bench:NAME -->` … `<!-- /bench:NAME -->`; writing it replaces
only that section and keeps everything else in the file, so modules written by
different people (and text written by hand) live side by side.
"""

from __future__ import annotations

import os
import platform
import re
import shlex
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORT = Path(os.environ.get("BENCH_REPORT", ROOT / "docs" / "benchmarks.md"))

HEADER = """# Benchmarks

Measured by `make bench` (`python -m bench`) against gunicorn with the settings
of `gunicorn.conf.py`, on loopback, on the machine named below. Every section
is written by one module of `bench/` between its markers and replaced when that
module runs again; run a single module with `python -m bench NAME`. The machine
is shared during development, so each run records the load average (1, 5, 15
minutes) at its start and how busy the CPU was in the second before it (what
other processes took; the load average lags and includes this harness's own
previous run): numbers taken on a busy machine are lower than it can do.
"""


def load_average() -> str:
    return " / ".join(f"{value:.2f}" for value in os.getloadavg())


def _cpu_times() -> tuple[int, int]:
    fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return sum(fields), idle


def busy_before(seconds: float = 1.0) -> str:
    """How busy the machine is while our server idles: what others take from the run.

    The load average lags by a minute and includes the previous measurement of this
    very harness; the share of CPU in use during the second before a run does not.
    """
    total0, idle0 = _cpu_times()
    time.sleep(seconds)
    total1, idle1 = _cpu_times()
    share = 1 - (idle1 - idle0) / max(1, total1 - total0)
    return f"{share:.0%}"


def conditions() -> str:
    """The load average and the CPU others use, just before a measurement."""
    busy = busy_before()
    return f"{load_average()} · {busy} busy"


def _lscpu(key: str) -> str:
    try:
        output = subprocess.run(["lscpu"], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return "?"
    for line in output.splitlines():
        name, _, value = line.partition(":")
        if name.strip() == key:
            return value.strip()
    return "?"


def memory_gb() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024 / 1024
    return 0.0


def machine() -> dict[str, str]:
    return {
        "CPU": _lscpu("Model name"),
        "cores": str(os.cpu_count()),
        "RAM": f"{memory_gb():.1f} GB",
        "system": f"{platform.system()} {platform.release()}",
        "Python": platform.python_version(),
    }


def command() -> str:
    """The command that ran this measurement: `make bench` (the Makefile says so through
    BENCH_COMMAND), `python -m bench NAME…` (bench/__main__.py), or the module itself."""
    if given := os.environ.get("BENCH_COMMAND"):
        return given
    main = Path(sys.argv[0])
    if main.parent == ROOT / "bench" and main.stem != "__main__":
        return " ".join(["python -m bench." + main.stem, *map(shlex.quote, sys.argv[1:])])
    return " ".join(["python -m bench", *map(shlex.quote, sys.argv[1:])])


def now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def write_section(name: str, body: str) -> None:
    """Replace (or append) the section `name` of docs/benchmarks.md with `body`."""
    start, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    block = f"{start}\n{body.strip()}\n{end}"
    text = REPORT.read_text() if REPORT.exists() else HEADER
    pattern = re.compile(re.escape(start) + r".*?" + re.escape(end), re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _: block, text)
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(text)
    print(f"\n{body.strip()}\n", flush=True)
