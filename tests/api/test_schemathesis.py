"""schemathesis against /api/v1/openapi.json: the API does what its document says.

The portal is served on loopback with a destination, a token and real
submissions, and `st run` (the schemathesis command line, a separate process)
runs every phase (examples, coverage, fuzzing, stateful via the document's
links) with every check. A failure prints schemathesis' own report.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from portal.extensions import db
from tests.conftest import make_app
from tests.handover.helpers import destination, submit, token_for
from tests.handover.processes import serve_portal

ST = Path(sys.executable).parent / "st"


@pytest.mark.both_databases
def test_schemathesis_finds_no_difference_between_document_and_api(database_url, tmp_path):
    # Without rate limits: schemathesis sends hundreds of requests a minute on one token.
    app = make_app(database_url, tmp_path / "instance", RATELIMIT_ENABLED=False)
    with app.app_context():
        destination("polizei")
        destination("bauaufsicht")
        token = token_for("polizei")
        for form_id in ("onlinewache", "onlinewache", "bauantrag"):
            submit(app, form_id)
        with serve_portal(app) as url:
            run = subprocess.run(  # noqa: S603
                [str(ST), "run", f"{url}/api/v1/openapi.json",
                 "--checks", "all", "--header", f"Authorization: Bearer {token}",
                 "--max-examples", "25", "--seed", "20261125", "--workers", "1",
                 "--generation-database", "none", "--no-color", "--request-timeout", "10",
                 "--report", "junit", "--report-dir", str(tmp_path / "report")],
                capture_output=True, text=True, timeout=540)
        db.session.remove()
        db.engine.dispose()
    assert run.returncode == 0, run.stdout[-12000:] + run.stderr[-2000:]
