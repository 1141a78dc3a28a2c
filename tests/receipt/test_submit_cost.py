"""What submitting costs stays small, and the receipt stays what it would be; on SQLite and
PostgreSQL. (bench/_profile_application.py measures the whole application.)"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from portal.extensions import db
from portal.models import Attachment, Draft, Submission
from portal.publishing import compiled, current_version
from portal.receipt import service
from portal.receipt.content import receipt_content
from portal.receipt.pdf import render_receipt
from portal.submissions import submission_for
from tests.sql import statements
from tests.walk import Walker

pytestmark = pytest.mark.both_databases


def _writes(sent: list[str]) -> list[str]:
    """The tables written to, one entry per statement."""
    return [m.group(1) for s in sent
            if (m := re.match(r"\s*(?:INSERT INTO|UPDATE|DELETE FROM)\s+(\w+)", s, re.I))]


def test_the_stored_receipt_is_the_submission_rendered_again(app, client) -> None:
    """Byte for byte: the stored submission and its files, rendered now, give the stored PDF."""
    form = compiled(current_version("onlinewache"))
    Walker(client, form).walk()
    assert client.post("/forms/onlinewache/submit").status_code == 303
    db.session.expunge_all()  # everything below comes from the database
    submission = db.session.execute(select(Submission)).scalar_one()
    files = list(db.session.execute(
        select(Attachment).where(Attachment.submission_id == submission.id)
        .order_by(Attachment.created_at, Attachment.id)).scalars())
    assert files, "the walk uploads files: the receipt lists them"
    again = render_receipt(receipt_content(compiled(submission.form_version), submission, files,
                                           access_code=service.receipt_code(submission)))
    assert service.receipt_for(submission).pdf == again


def test_submit_renders_the_receipt_after_the_submission_is_committed(app, client,
                                                                      monkeypatch) -> None:
    """The transaction (SQLite: the write lock) is not held while the PDF is made, and the
    application is stored before anything can go wrong with its receipt."""
    Walker(client, compiled(current_version("onlinewache"))).walk()
    render, committed_before = service.render_receipt, []

    def watched(content):
        with db.engine.connect() as other:  # what every other connection sees by now
            committed_before.append(other.execute(
                select(Submission.reference).where(Submission.reference == content.reference)
            ).scalar_one_or_none())
        return render(content)

    monkeypatch.setattr(service, "render_receipt", watched)
    with statements() as sent:
        assert client.post("/forms/onlinewache/submit").status_code == 303
    assert committed_before == [db.session.execute(select(Submission.reference)).scalar_one()]
    tables = _writes(sent)
    for table in ("submission", "delivery", "submission_event", "receipt", "draft", "attachment"):
        assert table in tables, (table, tables)
    assert tables[-1] == "receipt" and tables.count("receipt") == 1


def test_finding_the_submission_leaves_the_form_definition_unread(app, client) -> None:
    """The confirmation page and the receipt download need the submission, not the ~160 kB
    definition of its form version (compiled once per process)."""
    Walker(client, compiled(current_version("onlinewache"))).walk()
    client.post("/forms/onlinewache/submit")
    db.session.expunge_all()
    draft = db.session.execute(select(Draft)).scalar_one()
    with statements() as sent:
        submission = submission_for(draft)
    assert submission is not None and submission.draft_id == draft.id
    assert len(sent) == 1 and "definition" not in sent[0]
    # Still there for whoever asks for it.
    assert submission.form_version.definition["id"] == "onlinewache"
