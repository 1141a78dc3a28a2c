"""`python -m bench [NAME ...]`: run every bench module (or the named ones), in name order.

Bench modules are found by listing bench/*.py: any module with an
`if __name__ == "__main__":` block is one, so a module added by anyone joins
without being registered here. Each runs in its own process (a crash or a
leak in one does not touch the others) with a time limit, and writes its own
section of docs/benchmarks.md. The machine section is written first.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from bench import load, report

HERE = Path(__file__).resolve().parent
#: No module may run longer than this; a stuck one is stopped and the run goes on.
MODULE_TIMEOUT = float(os.environ.get("BENCH_MODULE_TIMEOUT", "1800"))


def bench_modules() -> list[str]:
    names = []
    for path in sorted(HERE.glob("*.py")):
        if path.stem.startswith("_"):
            continue
        source = path.read_text(encoding="utf-8")
        if 'if __name__ == "__main__":' in source or "if __name__ == '__main__':" in source:
            names.append(path.stem)
    return names


def write_machine(names: list[str]) -> None:
    rows = [[key, value] for key, value in report.machine().items()]
    rows += [
        ["load average at start (1 / 5 / 15 min)", report.load_average()],
        ["command", f"`{report.command()}`"],
        ["modules", ", ".join(names)],
        ["load generator", f"{load.tool()}, {load.CONNECTIONS} connections (where a section "
                           f"names no other number), {load.DURATION:.0f} s per measurement "
                           f"after {load.WARMUP:.0f} s warm-up"],
    ]
    report.write_section("machine", "\n\n".join([
        f"## Machine and run\n\n{report.now()}",
        report.table(["", ""], rows),
    ]))


def run_module(name: str) -> int | str:
    """Run `python -m bench.NAME`; past the time limit it is interrupted, then killed.

    SIGINT first: the module's `with` blocks then stop its servers and drop its
    databases, which a SIGKILL would leave behind.
    """
    process = subprocess.Popen([sys.executable, "-m", f"bench.{name}"], cwd=HERE.parent)
    try:
        return process.wait(MODULE_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        return "timeout"


def main(argv: list[str]) -> int:
    available = bench_modules()
    wanted = argv or available
    unknown = [name for name in wanted if name not in available]
    if unknown:
        print(f"unknown bench modules: {', '.join(unknown)}; available: {', '.join(available)}")
        return 2
    # Every module's section names the command that ran it (bench/report.py).
    os.environ.setdefault("BENCH_COMMAND", " ".join(["python -m bench", *argv]))
    write_machine(wanted)
    failed = []
    for name in wanted:
        print(f"== bench.{name}", flush=True)
        began = time.monotonic()
        code = run_module(name)
        print(f"== bench.{name}: {'ok' if code == 0 else f'FAILED ({code})'} "
              f"in {time.monotonic() - began:.0f} s", flush=True)
        if code != 0:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
