"""How fast the outbox empties: N pushes to a receiver on loopback, per backend and concurrency.

Not a test (pytest does not collect it); run it by hand:

    .venv/bin/python -m tests.handover.measure_delivery [N]

The receiver answers 204 at once, so this measures the portal's side: claim,
envelope, signing, HTTP, recording the outcome and the event.
"""

from __future__ import annotations

import sys
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

from portal.extensions import db
from portal.handover import signing, worker
from portal.handover.outbox import enqueue
from portal.models import Submission
from portal.reference import make_reference
from tests.conftest import POSTGRES_URL, make_app
from tests.handover.helpers import destination, submit
from tests.handover.sink import sink


def _fill(app, count: int) -> None:
    template = submit(app)
    for _ in range(count - 1):
        copy = Submission(id=str(uuid.uuid4()), reference=make_reference("OW"),
                          form_version_id=template.form_version_id, destination="polizei",
                          language="de", data=template.data, submitted_at=template.submitted_at)
        db.session.add(copy)
        enqueue(copy)
    db.session.commit()


def measure(database_url: str, count: int, concurrency: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        app = make_app(database_url, Path(tmp) / "instance", HANDOVER_TIMEOUT_SECONDS=10)
        with app.app_context(), sink() as receiver:
            destination("polizei", push_url=receiver.url, signing_secret=signing.generate_secret())
            _fill(app, count)
            started = time.perf_counter()
            tally = worker.run(app, concurrency=concurrency, once=True)
            elapsed = time.perf_counter() - started
            assert tally["delivered"] == count, tally
            assert len({r.headers["webhook-id"] for r in receiver.received}) == count
            db.session.remove()
            db.engine.dispose()
    return elapsed


def main() -> None:
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 300
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"amtsweg_measure_{uuid.uuid4().hex[:8]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        with tempfile.TemporaryDirectory() as tmp:
            urls = {"sqlite": f"sqlite:///{tmp}/measure.sqlite3",
                    "postgresql": admin.url.set(database=name).render_as_string(False)}
            for backend, url in urls.items():
                for concurrency in (1, 4, 8):
                    elapsed = measure(url, count, concurrency)
                    print(f"{backend:10} concurrency {concurrency}: {count} pushes in "
                          f"{elapsed:5.2f} s = {count / elapsed:6.1f}/s")
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


if __name__ == "__main__":
    main()
