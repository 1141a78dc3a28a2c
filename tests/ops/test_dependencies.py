"""`make run` installs what serving needs, `make test` the development tools on top.

Run-time and development dependencies are two lock files (requirements.lock and
requirements-dev.lock, both with hashes); a newcomer's `make run` never installs
Playwright, WeasyPrint, schemathesis or py-spy, and never runs `npm ci`.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

from tests.ops.test_installed import _clean_clone

ROOT = Path(__file__).resolve().parents[2]
TEST_TOOLS = {"playwright", "weasyprint", "schemathesis", "py-spy", "pytest", "hypothesis", "ruff"}


def _pins(lock: Path) -> dict[str, str]:
    return {m.group(1).lower(): m.group(2)
            for m in re.finditer(r"(?m)^([A-Za-z0-9._-]+)==([^\s\\]+) \\$", lock.read_text())}


def _name(requirement: str) -> str:
    return re.split(r"[\[<>=!~; ]", requirement, maxsplit=1)[0].lower().replace("_", "-")


def test_the_run_time_lock_holds_what_serving_needs_and_no_test_tool():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    run, dev = _pins(ROOT / "requirements.lock"), _pins(ROOT / "requirements-dev.lock")
    assert not TEST_TOOLS & set(run), TEST_TOOLS & set(run)
    assert {_name(r) for r in project["dependencies"]} <= set(run)
    # The dev lock is the run-time lock plus the dev extra, with the same pins.
    assert {_name(r) for r in project["optional-dependencies"]["dev"]} <= set(dev)
    assert {name: dev.get(name) for name in run} == run
    for lock in ("requirements.lock", "requirements-dev.lock"):
        assert "--hash=sha256:" in (ROOT / lock).read_text()


def _dry_run(target: str, venv: Path) -> str:
    return subprocess.run(["make", "-n", target, f"VENV={venv}"], cwd=ROOT, check=True,
                          capture_output=True, text=True).stdout


def test_make_run_installs_the_run_time_lock_only_and_make_test_the_rest(tmp_path):
    run = _dry_run("run", tmp_path / "venv")
    assert "--require-hashes -r requirements.lock" in run
    assert "requirements-dev.lock" not in run and "npm ci" not in run
    test = _dry_run("test", tmp_path / "venv")
    assert "-r requirements.lock" in test and "-r requirements-dev.lock" in test
    assert "npm ci" in test and "pytest" in test
    ci = (ROOT / ".ci" / "run").read_text()
    assert ci.rstrip().endswith("make test")


def test_a_fresh_clone_installs_for_serving_without_playwright(tmp_path):
    """The install step of `make run`, for real, into a venv of its own."""
    clone = tmp_path / "clone"
    clone.mkdir()
    _clean_clone(clone)
    subprocess.run(["make", "install-run", f"PYTHON={sys.executable}"], cwd=clone, check=True,
                   capture_output=True, text=True, timeout=900)
    python = clone / ".venv" / "bin" / "python"
    serving = subprocess.run(
        [str(python), "-c", "import flask, gunicorn, pikepdf, portal; print(portal.__file__)"],
        cwd=clone, capture_output=True, text=True)
    assert serving.returncode == 0, serving.stderr
    for tool in ("playwright", "weasyprint", "schemathesis", "pytest"):
        missing = subprocess.run([str(python), "-c", f"import {tool}"], capture_output=True)
        assert missing.returncode != 0, f"{tool} was installed by make run"
    assert not (clone / "node_modules").exists()
    assert list((clone / "portal" / "translations").glob("*/LC_MESSAGES/messages.mo"))
