"""The caseworker API: listing, fetching, files, answers, problems; on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import hashlib
import json

import pytest
from joserfc import jwe
from joserfc.jwk import RSAKey
from jsonschema import Draft202012Validator

from portal.handover.envelope import envelope_schema
from tests.handover.helpers import bearer, destination, submit, token_for

PROBLEM = "application/problem+json"
ANY_ID = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def polizei(app):
    destination("polizei", label="Polizei Berlin")
    return bearer(token_for("polizei"))


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.data
    assert response.mimetype == PROBLEM
    body = response.json
    assert body["status"] == status and body["title"] and body["type"]
    return body


@pytest.mark.both_databases
def test_list_pages_through_every_submission_oldest_first(app, client, polizei):
    ids = [submit(app).id for _ in range(5)]
    seen, cursor, pages = [], None, 0
    while True:
        query = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = client.get("/api/v1/submissions", query_string=query, headers=polizei).json
        seen += [item["id"] for item in page["items"]]
        pages += 1
        if not (cursor := page["next_cursor"]):
            break
    assert seen == ids and pages == 3
    # The list shows the state of the handover, never the answers.
    assert "envelope" not in page["items"][0] and "data" not in page["items"][0]


@pytest.mark.both_databases
def test_list_filters_by_status(app, client, polizei):
    first, second = submit(app), submit(app)
    client.post(f"/api/v1/submissions/{first.id}/acknowledge", json={"case_number": "AZ 1"},
                headers=polizei)

    def listed(status: str) -> list[str]:
        response = client.get(f"/api/v1/submissions?status={status}", headers=polizei)
        return [item["id"] for item in response.json["items"]]

    assert listed("new") == [second.id]
    assert listed("acknowledged") == [first.id]
    assert listed("new,acknowledged") == [first.id, second.id]
    assert listed("rejected") == []


@pytest.mark.parametrize("query", ["status=unbekannt", "limit=0", "limit=101", "limit=zwei",
                                   "cursor=abc", "status=new,new"])
def test_a_bad_query_is_a_problem_that_says_what_is_wrong(client, polizei, query):
    body = _problem(client.get(f"/api/v1/submissions?{query}", headers=polizei), 400)
    assert body["type"] == "urn:amtsweg:problem:invalid-request" and body["errors"]


@pytest.mark.both_databases
def test_fetch_gives_an_envelope_that_validates_and_marks_it_delivered(app, client, polizei):
    submission = submit(app)
    document = client.get(f"/api/v1/submissions/{submission.id}", headers=polizei).json
    Draft202012Validator(envelope_schema()).validate(document["envelope"])
    assert document["status"] == "delivered"
    schema_link = document["envelope"]["metadata"]["form"]["data_schema"]
    data_schema = client.get(schema_link).json  # public: the contract is no secret
    Draft202012Validator(data_schema).validate(document["envelope"]["data"])

    events = client.get(f"/api/v1/submissions/{submission.id}/events", headers=polizei).json
    assert [e["type"] for e in events["items"]] == ["created", "delivered"]
    # Fetching again is no new delivery.
    client.get(f"/api/v1/submissions/{submission.id}", headers=polizei)
    events = client.get(f"/api/v1/submissions/{submission.id}/events", headers=polizei).json
    assert [e["type"] for e in events["items"]] == ["created", "delivered"]


def test_attachments_download_with_their_checksum(app, client, polizei):
    submission = submit(app)
    envelope = client.get(f"/api/v1/submissions/{submission.id}", headers=polizei).json["envelope"]
    [attachment] = envelope["metadata"]["attachments"]
    response = client.get(attachment["href"], headers=polizei)
    assert response.status_code == 200 and response.mimetype == attachment["media_type"]
    assert hashlib.sha256(response.data).hexdigest() == attachment["sha256"]
    assert len(response.data) == attachment["size"]
    digest = base64.b64encode(hashlib.sha256(response.data).digest()).decode()
    assert response.headers["Repr-Digest"] == f"sha-256=:{digest}:"
    assert response.headers["Cache-Control"] == "no-store"
    other = f"/api/v1/submissions/{submission.id}/attachments/{submission.id}"
    _problem(client.get(other, headers=polizei), 404)


@pytest.mark.both_databases
def test_acknowledge_is_idempotent_and_a_different_answer_conflicts(app, client, polizei):
    submission = submit(app)
    url = f"/api/v1/submissions/{submission.id}"
    first = client.post(f"{url}/acknowledge", json={"case_number": "AZ-2026-17"}, headers=polizei)
    assert first.status_code == 200 and first.json["status"] == "acknowledged"
    assert first.json["case_number"] == "AZ-2026-17" and first.json["acknowledged_at"]
    again = client.post(f"{url}/acknowledge", json={"case_number": "AZ-2026-17"}, headers=polizei)
    assert again.status_code == 200
    _problem(client.post(f"{url}/acknowledge", json={"case_number": "AZ-9"}, headers=polizei), 409)
    _problem(client.post(f"{url}/reject", json={"reason": "zu spät"}, headers=polizei), 409)
    events = client.get(f"{url}/events", headers=polizei).json["items"]
    assert [e["type"] for e in events] == ["created", "acknowledged"]
    assert events[1]["detail"]["case_number"] == "AZ-2026-17"


@pytest.mark.both_databases
def test_reject_keeps_the_reason_on_the_submission_not_in_the_log(app, client, polizei):
    submission = submit(app)
    url = f"/api/v1/submissions/{submission.id}"
    response = client.post(f"{url}/reject", json={"reason": "Zuständig ist Potsdam"},
                           headers=polizei)
    assert response.status_code == 200 and response.json["status"] == "rejected"
    assert response.json["rejection_reason"] == "Zuständig ist Potsdam"
    _problem(client.post(f"{url}/acknowledge", json={"case_number": "1"}, headers=polizei), 409)
    events = client.get(f"{url}/events", headers=polizei).json["items"]
    assert events[-1]["type"] == "rejected" and "reason" not in events[-1]["detail"]


@pytest.mark.parametrize("body", [{}, {"case_number": ""}, {"case_number": 7},
                                  {"case_number": "AZ", "extra": 1}, ["AZ"],
                                  {"case_number": "A\nZ"}])
def test_a_bad_body_is_refused_with_the_schema_errors(app, client, polizei, body):
    # The body is checked first: a well-formed request is needed before anything is looked up.
    response = client.post(f"/api/v1/submissions/{ANY_ID}/acknowledge", json=body,
                           headers=polizei)
    assert _problem(response, 400)["errors"]


def test_a_body_that_is_not_json_is_refused(app, client, polizei):
    url = f"/api/v1/submissions/{ANY_ID}/acknowledge"
    _problem(client.post(url, data="case_number=1", headers=polizei,
                         content_type="application/x-www-form-urlencoded"), 415)
    _problem(client.post(url, data="{", headers=polizei, content_type="application/json"), 400)


def test_every_error_is_a_problem_document(client, polizei):
    _problem(client.get("/api/v1/submissions"), 401)
    _problem(client.get("/api/v1/nirgendwo", headers=polizei), 404)
    response = client.delete("/api/v1/submissions", headers=polizei)
    assert _problem(response, 405) and "GET" in response.headers["Allow"]
    _problem(client.get("/api/v1/submissions/not-a-uuid", headers=polizei), 404)
    _problem(client.get("/api/v1/forms/onlinewache/versions/9.9.9/data-schema"), 404)


def test_api_posts_need_no_csrf_token(app, polizei):
    """The API is exempt from CSRF: tokens, not cookies, authenticate it."""
    app.config["WTF_CSRF_ENABLED"] = True
    response = app.test_client().post(
        "/api/v1/submissions/00000000-0000-4000-8000-000000000000/acknowledge",
        json={"case_number": "AZ"}, headers=polizei)
    _problem(response, 404)


def test_an_encrypted_destination_gets_only_jwe(app, client):
    key = RSAKey.generate_key(2048)
    destination("sozialamt", public_jwk=key.as_dict(private=False))
    headers = bearer(token_for("sozialamt"))
    submission = submit(app, "hilfe-zum-lebensunterhalt")
    document = client.get(f"/api/v1/submissions/{submission.id}", headers=headers).json
    assert "envelope" not in document
    opened = jwe.decrypt_compact(document["encrypted_envelope"], key,
                                 algorithms=["RSA-OAEP-256", "A256GCM"])
    assert opened.protected["alg"] == "RSA-OAEP-256" and opened.protected["enc"] == "A256GCM"
    envelope = json.loads(opened.plaintext)
    Draft202012Validator(envelope_schema()).validate(envelope)
    assert envelope["metadata"]["attachments"]
    for attachment in envelope["metadata"]["attachments"]:
        response = client.get(attachment["href"], headers=headers)
        assert response.mimetype == "application/jose"
        content = jwe.decrypt_compact(response.data.decode(), key,
                                      algorithms=["RSA-OAEP-256", "A256GCM"]).plaintext
        assert hashlib.sha256(content).hexdigest() == attachment["sha256"]
