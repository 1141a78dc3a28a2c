"""No failure of the receipt loses a submission: it is committed first, its receipt is made
after it, and made again (confirmation page, download, worker) when that failed. On SQLite and
PostgreSQL."""

from __future__ import annotations

import hashlib
from collections import Counter
from io import BytesIO

import pikepdf
import pytest
from sqlalchemy import func, select

from portal.extensions import db
from portal.handover import worker
from portal.handover.models import Delivery
from portal.models import Draft, Submission
from portal.publishing import compiled, current_version
from portal.receipt import archive, fonts, service
from tests.handover.helpers import bearer, destination, token_for
from tests.receipt.os_files import COLOUR_PROFILES, hide
from tests.walk import Walker

FORM = "onlinewache"


def _walk(client) -> None:
    Walker(client, compiled(current_version(FORM))).walk()


def _the_submission() -> Submission:
    db.session.expire_all()
    return db.session.execute(select(Submission)).scalar_one()


@pytest.fixture
def broken_renderer(monkeypatch: pytest.MonkeyPatch) -> Counter:
    """Rendering a receipt raises, as a bug or a broken font would; counts the attempts."""
    calls: Counter = Counter()

    def broken(content):
        calls["render"] += 1
        raise RuntimeError("the receipt renderer is broken")

    monkeypatch.setattr(service, "render_receipt", broken)
    return calls


def test_a_submission_succeeds_without_the_os_colour_profiles(app, client, monkeypatch) -> None:
    """A machine without Debian's icc-profiles-free takes applications and issues receipts."""
    hide(monkeypatch, COLOUR_PROFILES)
    archive.srgb_profile.cache_clear()
    try:
        _walk(client)
        assert client.post(f"/forms/{FORM}/submit").status_code == 303
        page = client.get(f"/forms/{FORM}/confirmation")
        submission = _the_submission()
        assert page.status_code == 200 and submission.reference in page.get_data(as_text=True)
        pdf = client.get(f"/forms/{FORM}/receipt")
        assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
        with pikepdf.open(BytesIO(pdf.data)) as document:
            profile = document.Root.OutputIntents[0].DestOutputProfile.read_bytes()
        assert profile[12:20] == b"mntrRGB "
    finally:
        archive.srgb_profile.cache_clear()


def test_a_failing_receipt_keeps_the_submission_and_is_made_on_the_next_page_view(
        app, client, broken_renderer, monkeypatch) -> None:
    _walk(client)
    response = client.post(f"/forms/{FORM}/submit")
    assert response.status_code == 303, response.status_code
    assert broken_renderer["render"] == 1
    # Everything but the receipt was committed: the application is taken and will be delivered.
    submission = _the_submission()
    assert db.session.execute(select(func.count()).select_from(Delivery)).scalar_one() == 1
    assert db.session.execute(select(Draft.submitted_at)).scalar_one() is not None
    assert service.receipt_for(submission) is None

    page = client.get(f"/forms/{FORM}/confirmation")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and broken_renderer["render"] == 2  # tried again
    assert submission.reference in text and 'id="receipt-pending"' in text
    assert 'id="receipt-code"' not in text and f"/forms/{FORM}/receipt" not in text
    assert f'href="/forms/{FORM}/confirmation"' in text  # reload, without JavaScript
    # The download link of an older page leads back to the confirmation, not to an error.
    download = client.get(f"/forms/{FORM}/receipt")
    assert download.status_code == 303 and download.location.endswith(f"/forms/{FORM}/confirmation")

    monkeypatch.undo()  # the renderer works again
    page = client.get(f"/forms/{FORM}/confirmation").get_data(as_text=True)
    assert 'id="receipt-pending"' not in page and 'id="receipt-code"' in page
    pdf = client.get(f"/forms/{FORM}/receipt")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert hashlib.sha256(pdf.data).hexdigest() == service.receipt_for(_the_submission()).sha256
    # Nothing was submitted twice.
    assert db.session.execute(select(func.count()).select_from(Submission)).scalar_one() == 1


def test_the_worker_makes_a_missing_receipt_and_the_api_lists_it_then(
        app, client, broken_renderer, monkeypatch) -> None:
    destination("polizei")  # pulls: the worker parks its delivery
    headers = bearer(token_for("polizei"))
    _walk(client)
    assert client.post(f"/forms/{FORM}/submit").status_code == 303
    submission_id = _the_submission().id
    api = app.test_client()
    envelope = api.get(f"/api/v1/submissions/{submission_id}", headers=headers).json["envelope"]
    assert "receipt" not in envelope["metadata"]  # nothing promised that is not there
    assert api.get(f"/api/v1/submissions/{submission_id}/receipt",
                   headers=headers).status_code == 404

    tally = worker.run(app, once=True)
    assert tally["receipt_failed"] == 1 and broken_renderer["render"] == 2

    monkeypatch.undo()
    tally = worker.run(app, once=True)
    assert tally["receipt_made"] == 1
    receipt = service.receipt_for(_the_submission())
    assert receipt is not None and receipt.pdf.startswith(b"%PDF")
    envelope = api.get(f"/api/v1/submissions/{submission_id}", headers=headers).json["envelope"]
    assert envelope["metadata"]["receipt"]["sha256"] == receipt.sha256
    assert api.get(f"/api/v1/submissions/{submission_id}/receipt",
                   headers=headers).data == receipt.pdf
    # The citizen's receipt code opens the receipt the worker made.
    page = client.get(f"/forms/{FORM}/confirmation").get_data(as_text=True)
    assert 'id="receipt-code"' in page


def test_the_sweep_backs_off_from_a_receipt_that_keeps_failing(app, client, broken_renderer):
    _walk(client)
    assert client.post(f"/forms/{FORM}/submit").status_code == 303
    sweep = worker.ReceiptSweep(poll=0.0)
    assert sweep() == {"receipt_failed": 1}
    assert sweep() == {}  # waits before it tries that one again
    assert broken_renderer["render"] == 2


def test_a_missing_font_keeps_the_submission_and_makes_the_node_unready(
        app, client, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv("AMTSWEG_FONT_DIR", str(tmp_path))
    fonts.load_face.cache_clear()
    try:
        _walk(client)
        assert client.post(f"/forms/{FORM}/submit").status_code == 303
        assert service.receipt_for(_the_submission()) is None
        ready = client.get("/health/ready")
        assert ready.status_code == 503
        assert ready.get_json()["checks"]["receipt_font"] == "missing"
        assert "fonts-dejavu-core" in ready.get_json()["detail"]
    finally:
        monkeypatch.undo()
        fonts.load_face.cache_clear()
    assert client.get("/health/ready").status_code == 200
    assert client.get(f"/forms/{FORM}/receipt").status_code == 200
