"""The load generator: fixed duration, fixed concurrency, loopback only.

Prefers Debian's `wrk` (C, event loop, LuaJIT for request variants), which
costs the machine far less than the server it measures; without wrk a Python
asyncio client (aiohttp) takes over and the result says so. Each measurement
is preceded by a warm-up run whose numbers are thrown away.
"""

from __future__ import annotations

import asyncio
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

#: 32 concurrent clients, as the issue's latency target is stated for.
CONNECTIONS = int(os.environ.get("BENCH_CONNECTIONS", "32"))
DURATION = float(os.environ.get("BENCH_DURATION", "10"))
WARMUP = float(os.environ.get("BENCH_WARMUP", "3"))


@dataclass(frozen=True)
class Request:
    """One request variant; a measurement cycles through its variants."""

    method: str = "GET"
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""


@dataclass
class Result:
    requests: int
    duration_s: float
    p50_ms: float
    p99_ms: float
    errors: int
    tool: str
    error_detail: dict[str, int] = field(default_factory=dict)

    @property
    def rps(self) -> float:
        return self.requests / self.duration_s if self.duration_s else 0.0


def tool() -> str:
    return "wrk" if shutil.which("wrk") else "python-aiohttp"


def measure(url: str, variants: list[Request] | None = None, *, duration: float = DURATION,
            warmup: float = WARMUP, connections: int = CONNECTIONS) -> Result:
    """Requests per second and latency of `url` under `connections` concurrent clients."""
    assert urlsplit(url).hostname in ("127.0.0.1", "localhost", "::1"), "loopback only"
    variants = variants or [Request()]
    run = _wrk if tool() == "wrk" else _python
    if warmup > 0:
        run(url, variants, warmup, connections)
    return run(url, variants, duration, connections)


# -- wrk ------------------------------------------------------------------------------

_LUA = r"""
local variants = {VARIANTS}
index = 0
local count = #variants

function setup(thread)
  -- Each thread starts at its own place in the list, so two threads rarely send
  -- the same variant (the same draft) at the same moment.
  thread:set("index", (THREAD_SEQ * 7919) %% count)
  THREAD_SEQ = THREAD_SEQ + 1
end
THREAD_SEQ = 0

function request()
  index = index %% count + 1
  local v = variants[index]
  return wrk.format(v[1], nil, v[2], v[3])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH-RESULT {"requests": %%d, "duration_us": %%d, "p50_us": %%d, "p99_us": %%d, ' ..
    '"connect": %%d, "read": %%d, "write": %%d, "status": %%d, "timeout": %%d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout))
end
"""


def _lua_string(value: str) -> str:
    assert "]==]" not in value
    return f"[==[{value}]==]"


def _lua_variants(variants: list[Request]) -> str:
    rows = []
    for v in variants:
        headers = ", ".join(f"[ {_lua_string(k)} ] = {_lua_string(val)}"
                            for k, val in v.headers.items())
        body = _lua_string(v.body) if v.body else "nil"
        rows.append(f"{{{_lua_string(v.method)}, {{{headers}}}, {body}}}")
    return "{\n" + ",\n".join(rows) + "\n}"


def _wrk(url: str, variants: list[Request], duration: float, connections: int) -> Result:
    threads = min(2, connections)
    script = _LUA.replace("%%", "%").replace("{VARIANTS}", _lua_variants(variants))
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(duration))}s",
                   "--timeout", "10s", "-s", handle.name, url]
        finished = subprocess.run(command, capture_output=True, text=True, timeout=duration + 60)
        output = finished.stdout + finished.stderr
    finally:
        Path(handle.name).unlink()
    line = next((line for line in output.splitlines() if line.startswith("BENCH-RESULT ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no result:\n{output[-3000:]}")
    data = json.loads(line.removeprefix("BENCH-RESULT "))
    detail = {k: data[k] for k in ("connect", "read", "write", "status", "timeout") if data[k]}
    return Result(requests=data["requests"], duration_s=data["duration_us"] / 1e6,
                  p50_ms=data["p50_us"] / 1000, p99_ms=data["p99_us"] / 1000,
                  errors=sum(detail.values()), tool="wrk", error_detail=detail)


# -- Python fallback ---------------------------------------------------------------------


def _python(url: str, variants: list[Request], duration: float, connections: int) -> Result:
    return asyncio.run(_python_run(url, variants, duration, connections))


async def _python_run(url: str, variants: list[Request], duration: float,
                      connections: int) -> Result:
    import aiohttp

    latencies: list[float] = []
    errors: dict[str, int] = {}
    deadline = time.monotonic() + duration

    async def client(session: aiohttp.ClientSession, offset: int) -> None:
        index = offset
        while time.monotonic() < deadline:
            v = variants[index % len(variants)]
            index += 1
            began = time.perf_counter()
            try:
                async with session.request(v.method, url, headers=v.headers, data=v.body or None,
                                           allow_redirects=False) as response:
                    await response.read()
                    if response.status > 399:
                        errors["status"] = errors.get("status", 0) + 1
            except (TimeoutError, aiohttp.ClientError):
                errors["read"] = errors.get("read", 0) + 1
                continue
            latencies.append(time.perf_counter() - began)

    connector = aiohttp.TCPConnector(limit=connections)
    timeout = aiohttp.ClientTimeout(total=10)
    began = time.monotonic()
    async with aiohttp.ClientSession(connector=connector, timeout=timeout,
                                     cookie_jar=aiohttp.DummyCookieJar()) as session:
        await asyncio.gather(*(client(session, i * 7919) for i in range(connections)))
    elapsed = time.monotonic() - began
    cuts = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return Result(requests=len(latencies), duration_s=elapsed, p50_ms=cuts[49] * 1000,
                  p99_ms=cuts[98] * 1000, errors=sum(errors.values()), tool="python-aiohttp",
                  error_detail=errors)
