"""The receipt is made once, at submission, stored with its SHA-256 and served unchanged,
to the citizen's own browser or with reference and receipt code; on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import hashlib
import re

import pytest
import sqlalchemy as sa
from sqlalchemy import func, select

from portal.extensions import db
from portal.models import Attachment, Submission
from portal.publishing import compiled, current_version
from portal.receipt import service
from portal.receipt.models import Receipt
from portal.submissions import submit
from tests.walk import Walker

from .pdfs import flat, pdftotext

CODE = re.compile(r'id="receipt-code">([2-9A-Z]{4}-[2-9A-Z]{4}-[2-9A-Z]{4})<')


def _submitted(client, form_id: str = "onlinewache") -> tuple[Submission, str]:
    """Walk and submit a form; returns the submission and the confirmation page."""
    Walker(client, compiled(current_version(form_id))).walk()
    response = client.post(f"/forms/{form_id}/submit")
    assert response.status_code == 303
    page = client.get(response.headers["Location"])
    assert page.status_code == 200
    return db.session.execute(select(Submission)).scalar_one(), page.text


@pytest.mark.both_databases
def test_submitting_stores_one_receipt_with_its_checksum(app, client) -> None:
    submission, _ = _submitted(client)
    receipt = service.receipt_for(submission)
    assert receipt is not None
    assert receipt.sha256 == hashlib.sha256(receipt.pdf).hexdigest()
    assert receipt.size == len(receipt.pdf) and receipt.pdf.startswith(b"%PDF-1.7")
    text = flat(pdftotext(receipt.pdf))
    assert flat(submission.reference) in text
    for attachment in db.session.execute(select(Attachment)).scalars():
        assert attachment.sha256 in text and flat(attachment.display_name) in text
    # A second submit (double click) returns the same submission and makes no second receipt.
    client.post("/forms/onlinewache/submit")
    assert db.session.execute(select(func.count(Receipt.id))).scalar() == 1
    assert service.receipt_for(submission).pdf == receipt.pdf


def test_the_citizen_downloads_the_stored_bytes_from_the_confirmation_page(app, client) -> None:
    submission, page = _submitted(client)
    stored = service.receipt_for(submission)
    assert 'href="/forms/onlinewache/receipt"' in page
    assert CODE.search(page).group(1) == service.receipt_code(submission)
    response = client.get("/forms/onlinewache/receipt")
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"
    assert response.data == stored.pdf
    assert response.headers["Content-Digest"] == (
        "sha-256=:" + base64.b64encode(bytes.fromhex(stored.sha256)).decode() + ":")
    assert "no-store" in response.headers["Cache-Control"]
    assert f'filename="{submission.reference}.pdf"' in response.headers["Content-Disposition"]


def test_without_the_draft_cookie_there_is_nothing_to_download(app, client) -> None:
    _submitted(client)
    stranger = app.test_client()
    assert stranger.get("/forms/onlinewache/receipt").status_code == 404
    # A draft of the same form that was not submitted has no receipt either.
    stranger.post("/forms/onlinewache/start")
    assert stranger.get("/forms/onlinewache/receipt").status_code == 404


def test_reference_and_receipt_code_open_the_receipt_from_any_browser(app, client) -> None:
    submission, page = _submitted(client)
    code = CODE.search(page).group(1)
    stranger = app.test_client()
    form = stranger.get("/receipt")
    assert form.status_code == 200 and 'name="receipt_code"' in form.text
    # Case, spaces and dashes do not matter, as when read out on the phone.
    typed = {"reference": submission.reference.lower().replace("-", " "),
             "receipt_code": code.replace("-", "").lower()}
    response = stranger.post("/receipt", data=typed)
    assert response.status_code == 200
    assert response.data == service.receipt_for(submission).pdf


def test_a_wrong_code_and_a_wrong_reference_get_the_same_answer(app, client) -> None:
    submission, page = _submitted(client)
    code = CODE.search(page).group(1)
    wrong_code = app.test_client().post(
        "/receipt", data={"reference": submission.reference, "receipt_code": "2222-2222-2222"})
    wrong_reference = app.test_client().post(
        "/receipt", data={"reference": "OW-2222-2222", "receipt_code": code})
    assert wrong_code.status_code == wrong_reference.status_code == 404
    assert wrong_code.mimetype == wrong_reference.mimetype == "text/html"
    message = "Zu dieser Vorgangsnummer und diesem Code haben wir keine Eingangsbestätigung"
    assert message in wrong_code.text and message in wrong_reference.text
    assert b"%PDF" not in wrong_code.data + wrong_reference.data
    # The stored code is a hash, never the code itself.
    stored = service.receipt_for(submission)
    assert code not in stored.access_hash and len(stored.access_hash) == 64


@pytest.mark.both_databases
def test_the_submission_is_written_when_its_receipt_cannot_be_made(app, client,
                                                                   monkeypatch) -> None:
    Walker(client, compiled(current_version("onlinewache"))).walk()
    draft_id = next(iter(_session_drafts(client).values()))
    from portal.models import Draft

    def broken(content):
        raise RuntimeError("renderer down")

    monkeypatch.setattr(service, "render_receipt", broken)
    submission = submit(db.session.get(Draft, draft_id))
    db.session.rollback()  # nothing left uncommitted: the submission is stored
    assert db.session.execute(select(Submission.reference)).scalar_one() == submission.reference
    assert db.session.execute(select(func.count(Receipt.id))).scalar() == 0
    monkeypatch.undo()
    assert service.ensure_receipt(submission) is not None
    assert db.session.execute(select(func.count(Receipt.id))).scalar() == 1


def _session_drafts(client) -> dict[str, str]:
    with client.session_transaction() as session:
        return dict(session["drafts"])


def test_deleting_a_receipt_for_retention(app, client) -> None:
    submission, _ = _submitted(client)
    service.delete_receipt(submission)
    submission.deleted_at = submission.submitted_at  # erased (handover.retention.erase)
    db.session.commit()
    assert service.receipt_for(submission) is None
    assert client.get("/forms/onlinewache/receipt").status_code == 404
    assert service.ensure_receipt(submission) is None  # not made again from what is left


@pytest.mark.both_databases
def test_the_migration_creates_the_table_the_model_describes(app) -> None:
    inspector = sa.inspect(db.engine)
    columns = {c["name"]: c for c in inspector.get_columns("receipt")}
    assert set(columns) == {c.name for c in Receipt.__table__.columns}
    assert all(not c["nullable"] for c in columns.values())
    uniques = inspector.get_unique_constraints("receipt")
    assert {"name": "uq_receipt_submission_id", "column_names": ["submission_id"]} in [
        {"name": u["name"], "column_names": u["column_names"]} for u in uniques]
    keys = inspector.get_foreign_keys("receipt")
    assert keys[0]["referred_table"] == "submission"
    assert keys[0]["name"] == "fk_receipt_submission_id_submission"
