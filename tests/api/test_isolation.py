"""Tenant isolation: a client sees its own destination and nothing else, not even existence.
A revoked token is refused; a token or signing secret never reaches a log line.
"""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from portal.extensions import db
from portal.handover import clients
from portal.handover.lifecycle import now
from tests.handover.helpers import bearer, destination, submit, token_for

pytestmark = pytest.mark.both_databases

PROBLEM = "application/problem+json"


@pytest.fixture
def two_authorities(app):
    destination("polizei")
    destination("bauaufsicht")
    police = submit(app, "onlinewache")
    building = submit(app, "bauantrag")
    return {
        "police": police, "building": building,
        "police_token": token_for("polizei"), "building_token": token_for("bauaufsicht"),
    }


def _attachment_href(client, submission, token) -> str:
    document = client.get(f"/api/v1/submissions/{submission.id}", headers=bearer(token)).json
    return document["envelope"]["metadata"]["attachments"][0]["href"]


def test_a_client_lists_only_its_destinations_submissions(client, two_authorities):
    t = two_authorities
    police_list = client.get("/api/v1/submissions", headers=bearer(t["police_token"])).json
    building_list = client.get("/api/v1/submissions", headers=bearer(t["building_token"])).json
    assert [i["id"] for i in police_list["items"]] == [t["police"].id]
    assert [i["id"] for i in building_list["items"]] == [t["building"].id]


def test_another_destinations_submission_is_404_everywhere_never_403(client, two_authorities):
    t = two_authorities
    foreign = t["building"]
    href = _attachment_href(client, foreign, t["building_token"])
    police = bearer(t["police_token"])
    attempts = [
        client.get(f"/api/v1/submissions/{foreign.id}", headers=police),
        client.get(href, headers=police),
        client.get(f"/api/v1/submissions/{foreign.id}/receipt", headers=police),
        client.get(f"/api/v1/submissions/{foreign.id}/events", headers=police),
        client.post(f"/api/v1/submissions/{foreign.id}/acknowledge", json={"case_number": "X"},
                    headers=police),
        client.post(f"/api/v1/submissions/{foreign.id}/reject", json={"reason": "X"},
                    headers=police),
    ]
    unknown = client.get("/api/v1/submissions/00000000-0000-4000-8000-000000000000",
                         headers=police)
    for response in attempts:
        assert response.status_code == 404 and response.mimetype == PROBLEM
        # Word for word what a submission that does not exist gets.
        assert response.json["detail"] in (unknown.json["detail"],
                                           "There is no such submission for this client.")
    db.session.expire_all()
    # Still just as its own client left it (fetched, so delivered): not answered by the other.
    assert db.session.get(type(foreign), foreign.id).status == "delivered"


def test_an_attachment_cannot_be_reached_through_another_submission(client, two_authorities):
    """Swapping ids in the path must not cross from one submission to another."""
    t = two_authorities
    foreign_href = _attachment_href(client, t["building"], t["building_token"])
    attachment_id = foreign_href.rsplit("/", 1)[1]
    own = f"/api/v1/submissions/{t['police'].id}/attachments/{attachment_id}"
    assert client.get(own, headers=bearer(t["police_token"])).status_code == 404


def test_a_revoked_token_is_refused(client, two_authorities):
    token = two_authorities["police_token"]
    assert client.get("/api/v1/submissions", headers=bearer(token)).status_code == 200
    clients.revoke_client(token[3:11])
    response = client.get("/api/v1/submissions", headers=bearer(token))
    assert response.status_code == 401 and response.mimetype == PROBLEM
    assert "invalid_token" in response.headers["WWW-Authenticate"]


def test_a_rotated_token_works_until_its_grace_time_ends(client, two_authorities):
    old = two_authorities["police_token"]
    new_client, new = clients.rotate_client(old[3:11], timedelta(hours=1))
    assert client.get("/api/v1/submissions", headers=bearer(old)).status_code == 200
    assert client.get("/api/v1/submissions", headers=bearer(new)).status_code == 200
    previous = clients.client_with_prefix(old[3:11])
    previous.revoked_at = now() - timedelta(seconds=1)  # the grace time is over
    db.session.commit()
    assert client.get("/api/v1/submissions", headers=bearer(old)).status_code == 401
    assert client.get("/api/v1/submissions", headers=bearer(new)).status_code == 200
    assert new_client.destination.name == "polizei" and new_client.rotated_from_id == previous.id


@pytest.mark.parametrize("authorization", [
    None, "Bearer", "Bearer aw_00000000_wrong", "Basic dXNlcjpwYXNz", "bearer " + "x" * 5000,
])
def test_a_missing_or_unknown_token_is_refused_alike(app, client, authorization):
    destination("polizei")
    token_for("polizei")
    headers = {"Authorization": authorization} if authorization else {}
    response = client.get("/api/v1/submissions", headers=headers)
    assert response.status_code == 401 and response.mimetype == PROBLEM
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_only_the_hash_of_a_token_is_stored(two_authorities):
    token = two_authorities["police_token"]
    client = clients.client_with_prefix(token[3:11])
    assert client.token_hash == clients.hash_token(token) and token not in repr(vars(client))


class _Everything(logging.Handler):
    """Every record of every logger, with its arguments and exception, before any scrubbing."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.texts: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.texts.append(f"{record.msg!s} {record.args!r} {record.getMessage()}")
        if record.exc_info:
            self.texts.append(logging.Formatter().formatException(record.exc_info))


def test_tokens_and_secrets_are_never_logged(app, runner, capfd):
    handler = _Everything()
    root = logging.getLogger()
    level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    # Alembic's fileConfig (migrations/env.py) disables every logger that exists when the
    # suite migrates a new database; switch them back on so that nothing escapes this test.
    disabled = [lg for lg in logging.root.manager.loggerDict.values()
                if isinstance(lg, logging.Logger) and lg.disabled]
    for lg in disabled:
        lg.disabled = False
    try:
        added = runner.invoke(args=["destinations", "add", "polizei", "--push-url",
                                    "http://127.0.0.1:9/hook", "--generate-secret"])
        secret = added.output.strip().splitlines()[-1]
        created = runner.invoke(args=["clients", "create", "--destination", "polizei",
                                      "--name", "Vorgangsbearbeitung"])
        token = created.output.strip().splitlines()[-1]
        rotated = runner.invoke(args=["clients", "rotate", token[3:11]])
        new_token = rotated.output.strip().splitlines()[-1]
        submission = submit(app)
        http = app.test_client()
        for t in (token, new_token, token + "x", "aw_" + "0" * 8 + "_guess"):
            http.get("/api/v1/submissions", headers=bearer(t))
            http.get(f"/api/v1/submissions/{submission.id}", headers=bearer(t))
            http.post(f"/api/v1/submissions/{submission.id}/acknowledge", data="{",
                      content_type="application/json", headers=bearer(t))
        runner.invoke(args=["clients", "revoke", token[3:11]])
        http.get("/api/v1/submissions", headers=bearer(token))
        runner.invoke(args=["worker", "--once"])  # signs with the secret, fails to connect
    finally:
        root.removeHandler(handler)
        root.setLevel(level)
        for lg in disabled:
            lg.disabled = True
    out, err = capfd.readouterr()
    logged = "\n".join(handler.texts) + err
    assert token.startswith("aw_") and secret.startswith("whsec_")
    assert any("delivery msg_" in text for text in handler.texts), "the worker logged"
    for value in (token, new_token, secret, token[11:], secret[6:]):
        assert value not in logged
