"""A newcomer's first commands: `amtsweg --help` and the development server's address."""

from __future__ import annotations

import logging

from click.testing import CliRunner

from portal.cli import main
from portal.logging import development_server_log


def test_help_shows_the_platforms_commands_first():
    result = CliRunner().invoke(main, ["--help"])
    assert result.exit_code == 0, result.output
    out = result.output
    commands, flask, options = out.index("Commands:"), out.index("Flask commands:"), out.index(
        "Options:")
    assert commands < flask < options
    own = out[commands:flask]
    for name in ("forms", "destinations", "clients", "worker", "db", "run"):
        assert f"\n  {name} " in own
    assert "limiter" not in own and "limiter" in out[flask:options]


def test_the_development_server_prints_its_address_plainly(capsys):
    log = logging.getLogger("werkzeug")
    saved = (list(log.handlers), log.level, log.propagate)
    try:
        development_server_log()
        log.info(" * Running on %s", "\x1b[1mhttp://127.0.0.1:5000\x1b[0m")
        log.info('127.0.0.1 - - "GET /forms/x/resume?resume_code=7K3M-9QXD-4TPA HTTP/1.1" 200 -')
    finally:
        log.handlers[:], log.level, log.propagate = saved
    lines = capsys.readouterr().err.splitlines()
    assert lines[0] == " * Running on http://127.0.0.1:5000"
    assert "{" not in lines[0] and "\x1b" not in "".join(lines)
    assert "7K3M" not in lines[1]
