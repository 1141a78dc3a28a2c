"""The handover's commands: destinations, clients (tokens shown once, as the last line), worker."""

from __future__ import annotations

import json

import pytest
from joserfc.jwk import RSAKey
from sqlalchemy import select

from portal.extensions import db
from portal.handover import clients
from portal.handover.models import ApiClient, Destination
from tests.handover.helpers import bearer, submit


def _last_line(result) -> str:
    assert result.exit_code == 0, result.output
    return result.output.strip().splitlines()[-1]


def test_destinations_add_update_and_list(runner, tmp_path):
    key = tmp_path / "public.jwk.json"
    key.write_text(json.dumps(RSAKey.generate_key(2048).as_dict(private=False)))
    secret = _last_line(runner.invoke(args=[
        "destinations", "add", "polizei", "--label", "Polizei Berlin",
        "--push-url", "https://fachverfahren.example/hook", "--generate-secret",
        "--public-jwk", str(key)]))
    assert secret.startswith("whsec_")
    stored = db.session.execute(select(Destination)).scalar_one()
    assert stored.signing_secret == secret and stored.public_jwk["kty"] == "RSA"

    assert runner.invoke(args=["destinations", "add", "polizei"]).exit_code != 0  # exists
    plain = runner.invoke(args=["destinations", "update", "polizei", "--push-url",
                                "http://10.1.2.3/hook"])
    assert plain.exit_code == 0 and "plain http" in plain.output
    runner.invoke(args=["destinations", "add", "sozialamt"])
    listing = runner.invoke(args=["destinations", "list"]).output
    assert "polizei\tPolizei Berlin\tpush http://10.1.2.3/hook JWE" in listing
    assert "sozialamt\tsozialamt\tpull" in listing and secret not in listing


def test_a_push_url_needs_a_secret_and_a_proper_url(runner):
    no_secret = runner.invoke(args=["destinations", "add", "polizei", "--push-url",
                                    "https://example.org/hook"])
    assert no_secret.exit_code != 0 and "signing secret" in no_secret.output
    for url in ("ftp://example.org/", "https://user:pw@example.org/"):
        bad = runner.invoke(args=["destinations", "add", "polizei", "--push-url", url,
                                  "--generate-secret"])
        assert bad.exit_code != 0
    assert db.session.execute(select(Destination)).first() is None


def test_clients_create_rotate_revoke(app, runner):
    runner.invoke(args=["destinations", "add", "polizei"])
    created = runner.invoke(args=["clients", "create", "--destination", "polizei",
                                  "--name", "ViVA prod"])
    token = _last_line(created)
    assert token.startswith("aw_") and len(token) > 40
    row = db.session.execute(select(ApiClient)).scalar_one()
    assert row.token_hash == clients.hash_token(token)
    assert token not in created.output.splitlines()[0]

    http = app.test_client()
    assert http.get("/api/v1/submissions", headers=bearer(token)).status_code == 200
    new = _last_line(runner.invoke(args=["clients", "rotate", row.prefix, "--grace-hours", "1"]))
    assert http.get("/api/v1/submissions", headers=bearer(token)).status_code == 200
    assert http.get("/api/v1/submissions", headers=bearer(new)).status_code == 200
    listing = runner.invoke(args=["clients", "list"]).output
    assert "rotated" in listing and token not in listing and new not in listing

    revoked = runner.invoke(args=["clients", "revoke", new])  # the whole token names it too
    assert revoked.exit_code == 0
    assert http.get("/api/v1/submissions", headers=bearer(new)).status_code == 401
    missing = runner.invoke(args=["clients", "create", "--destination", "nirgendwo", "--name", "x"])
    assert missing.exit_code != 0


@pytest.mark.both_databases
def test_worker_once_reports_what_it_did(app, runner):
    runner.invoke(args=["destinations", "add", "polizei"])
    submit(app)
    result = runner.invoke(args=["worker", "--once", "--concurrency", "2"])
    assert result.exit_code == 0 and "1 pull" in result.output
    assert "nothing to deliver" in runner.invoke(args=["worker", "--once"]).output
