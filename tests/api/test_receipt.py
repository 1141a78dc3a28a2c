"""The receipt PDF through the API: the stored bytes with their checksum, or a 404 problem
for a submission without one."""

from __future__ import annotations

import hashlib

import pytest

from portal.extensions import db
from portal.receipt.service import delete_receipt, receipt_for
from tests.handover.helpers import bearer, destination, submit, token_for


@pytest.mark.both_databases
def test_the_receipt_downloads_as_stored_with_its_checksum(app, client):
    destination("polizei")
    headers = bearer(token_for("polizei"))
    submission = submit(app)
    receipt = receipt_for(submission)
    response = client.get(f"/api/v1/submissions/{submission.id}/receipt", headers=headers)
    envelope = client.get(f"/api/v1/submissions/{submission.id}", headers=headers).json["envelope"]
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.data == receipt.pdf and response.data.startswith(b"%PDF")
    digest = hashlib.sha256(response.data).hexdigest()
    assert digest == receipt.sha256 == envelope["metadata"]["receipt"]["sha256"]
    assert envelope["metadata"]["receipt"]["href"].endswith(f"/{submission.id}/receipt")


def test_without_a_receipt_the_answer_is_a_404_problem(app, client):
    destination("polizei")
    headers = bearer(token_for("polizei"))
    submission = submit(app)
    delete_receipt(submission)
    db.session.commit()
    response = client.get(f"/api/v1/submissions/{submission.id}/receipt", headers=headers)
    assert response.status_code == 404 and response.mimetype == "application/problem+json"
    envelope = client.get(f"/api/v1/submissions/{submission.id}", headers=headers).json["envelope"]
    assert "receipt" not in envelope["metadata"]
