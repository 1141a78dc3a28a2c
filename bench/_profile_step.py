"""Where a wizard step spends its time: `python -m bench._profile_step [GET|POST] [DATABASE_URL]`.

Not a bench module (the leading underscore keeps `python -m bench` from running
it): a profiling aid. It serves the onlinewache step that bench/wizard.py
measures, in-process through the Flask test client, prints the CPU time per
request (best of five rounds, so that a busy machine distorts it less) and
the functions that take the most time (cProfile, cumulative). Without a
DATABASE_URL it uses a throw-away SQLite database.
"""

from __future__ import annotations

import cProfile
import logging
import os
import pstats
import re
import sys
import tempfile
import time
from pathlib import Path

from bench.citizen import shipped_form
from tests.walk import form_data

STEP = "/forms/onlinewache/steps/tat"
ROUNDS, REQUESTS = 5, 200


def _answers(step, html: str, token: str) -> dict:
    data = {"action": "continue", "csrf_token": token}
    for f in step.questions:
        if f.type != "file" and re.search(rf'name="{re.escape(f.name)}(-[a-z_]+)*"', html):
            data.update(form_data(f))
    return data


def prepared(database_url: str | None = None):
    """An app with the shipped forms, a test client holding a draft at STEP, and the
    answers a POST of STEP sends."""
    from flask_migrate import upgrade

    from portal import create_app
    from portal.authorities import import_jurisdictions, load_authorities
    from portal.extensions import db
    from portal.publishing import load_shipped_forms

    instance = tempfile.mkdtemp(prefix="amtsweg-profile-")
    app = create_app({"SQLALCHEMY_DATABASE_URI": database_url or f"sqlite:///{instance}/p.sqlite3",
                      "INSTANCE_PATH": instance, "SESSION_COOKIE_SECURE": False,
                      "RATELIMIT_STORAGE_URI": "memory://"})
    with app.app_context():
        upgrade()
        load_shipped_forms(Path(app.config["FORMS_DIR"]))
        db.session.commit()
        load_authorities(Path(app.config["AUTHORITIES_DIR"]))
        import_jurisdictions(Path(app.config["AUTHORITIES_DIR"]) / "jurisdictions.csv")
    logging.getLogger().setLevel(logging.WARNING)
    form = shipped_form("onlinewache")
    client = app.test_client()
    page = client.get("/forms/onlinewache/")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    first = client.post("/forms/onlinewache/start", data={"csrf_token": token}).headers["Location"]
    client.post(first, data=_answers(form.step("anliegen"), client.get(first).text, token))
    answers = _answers(form.step("tat"), client.get(STEP).text, token)
    return app, client, answers


def main(method: str = "GET", database_url: str | None = None) -> None:
    app, client, answers = prepared(database_url)
    expected = 200 if method == "GET" else 303

    def serve() -> None:
        for _ in range(REQUESTS):
            response = client.get(STEP) if method == "GET" else client.post(STEP, data=answers)
            assert response.status_code == expected, response.status_code

    best = float("inf")
    for _ in range(ROUNDS):
        began = time.process_time()
        serve()
        best = min(best, (time.process_time() - began) / REQUESTS * 1000)
    print(f"{method} {STEP}: {best:.2f} ms CPU per request (best of {ROUNDS} × {REQUESTS})")
    profiler = cProfile.Profile(time.process_time)  # CPU time: waiting for a sync is not work
    profiler.enable()
    serve()
    profiler.disable()
    # PROFILE_SORT (cumulative, tottime…) and PROFILE_LINES choose what is printed.
    pstats.Stats(profiler).sort_stats(os.environ.get("PROFILE_SORT", "cumulative")).print_stats(
        int(os.environ.get("PROFILE_LINES", "30")))


if __name__ == "__main__":
    main(*(sys.argv[1:3]))
