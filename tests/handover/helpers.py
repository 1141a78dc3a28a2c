"""Helpers for the handover and API tests: a citizen's submission, destinations, tokens."""

from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.handover import clients
from portal.models import Submission
from portal.publishing import compiled, current_version
from tests.walk import Walker, send


def submit(app, form_id: str = "onlinewache") -> Submission:
    """Walk a shipped form through the wizard and submit it, as a new citizen does."""
    client = app.test_client()
    Walker(client, compiled(current_version(form_id))).walk()
    response = send(client, form_id)  # a fee (bauantrag) is paid with the test provider
    assert response.status_code == 303, response.status_code
    return db.session.execute(
        select(Submission).order_by(Submission.submitted_at.desc())
    ).scalars().first()


def destination(name: str, **settings) -> None:
    clients.configure_destination(name, create=True, **settings)


def token_for(destination_name: str, label: str = "Fachverfahren") -> str:
    return clients.create_client(destination_name, label)[1]


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
