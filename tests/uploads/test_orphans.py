"""Files nobody needs are deleted: removed at once, expired with the draft, strays later."""

from __future__ import annotations

import os
import time
from datetime import timedelta
from io import BytesIO

import pytest
from sqlalchemy import func, select

from portal import drafts
from portal.extensions import db
from portal.models import Attachment, Draft
from portal.uploads import service

from . import files
from .conftest import stored_files
from .forms import post_step


def _draft() -> Draft:
    db.session.expire_all()
    return db.session.execute(select(Draft)).scalar_one()


def _attachment_count() -> int:
    return db.session.execute(select(func.count(Attachment.id))).scalar()


def _expire(draft: Draft) -> None:
    draft.expires_at = drafts.now() - timedelta(minutes=1)
    db.session.commit()


def _age(path, seconds: float) -> None:
    old = time.time() - seconds
    os.utime(path, (old, old))


@pytest.mark.both_databases
def test_an_expired_drafts_files_disappear_with_the_cleanup(app, client, step_url, upload_dir):
    post_step(client, step_url,
              belege=[(files.minimal_pdf(), "A.pdf"), (files.minimal_png(), "B.png")])
    post_step(client, step_url, fotos=(files.jpeg_with_gps(), "C.jpg"))
    assert len(stored_files(upload_dir)) == 3
    _expire(_draft())
    assert drafts.delete_expired() == 1
    assert service.delete_orphans() == 3
    assert stored_files(upload_dir) == []
    assert _attachment_count() == 0
    assert service.delete_orphans() == 0


def test_the_cleanup_command_deletes_them_too(app, client, step_url, upload_dir, runner):
    post_step(client, step_url, belege=(files.minimal_pdf(), "A.pdf"))
    _expire(_draft())
    result = runner.invoke(args=["cleanup"])
    assert result.exit_code == 0, result.output
    assert "1 orphaned files" in result.output
    assert stored_files(upload_dir) == []


def test_submitted_files_outlive_their_draft(app, client, step_url, upload_dir):
    post_step(client, step_url, belege=(files.minimal_pdf(), "Nachweis.pdf"))
    assert post_step(client, step_url, action="continue").status_code == 303
    client.post("/forms/upload-test/steps/ende", data={"action": "continue"})
    assert client.post("/forms/upload-test/submit").status_code == 303
    draft = _draft()
    # A file the draft holds but the submission does not refer to (say, of a question that
    # no longer applied) goes with the draft.
    key, size, sha256 = service.storage().save(BytesIO(files.minimal_png()), 10**6)
    db.session.add(Attachment(id="a" * 36, draft_id=draft.id, field_name="fotos",
                              display_name="x.png", media_type="image/png", size=size,
                              sha256=sha256, storage_key=key))
    db.session.commit()
    _expire(draft)
    drafts.delete_expired()
    assert service.delete_orphans() == 1
    (kept,) = db.session.execute(select(Attachment)).scalars()
    assert kept.display_name == "Nachweis.pdf" and kept.submission_id is not None
    assert [p.name for p in stored_files(upload_dir)] == [kept.storage_key]


def test_a_stray_file_is_deleted_once_it_is_old_enough(app, client, step_url, upload_dir):
    post_step(client, step_url, belege=(files.minimal_pdf(), "Behalten.pdf"))
    stray, _, _ = service.storage().save(BytesIO(b"left by a crash"), 100)
    (path,) = [p for p in stored_files(upload_dir) if p.name == stray]
    partial = path.parent / "deadbeef.part"
    partial.write_bytes(b"half")
    # Young: it may be an upload still being checked.
    assert service.delete_orphans() == 0
    assert path.exists() and partial.exists()
    _age(path, 2 * service.ORPHAN_MIN_AGE)
    _age(partial, 2 * service.ORPHAN_MIN_AGE)
    assert service.delete_orphans() == 1
    assert not path.exists() and not partial.exists()
    names = [a.display_name for a in db.session.execute(select(Attachment)).scalars()]
    assert names == ["Behalten.pdf"]
    assert len(stored_files(upload_dir)) == 1


@pytest.mark.both_databases
def test_a_removal_that_is_rolled_back_keeps_the_file(app, client, step_url, upload_dir):
    post_step(client, step_url, belege=(files.minimal_pdf(), "A.pdf"))
    draft = _draft()
    (attachment,) = db.session.execute(select(Attachment)).scalars()
    service.remove(draft, attachment.id)
    db.session.rollback()
    assert _attachment_count() == 1
    assert len(stored_files(upload_dir)) == 1
    service.remove(draft, attachment.id)
    db.session.commit()
    assert _attachment_count() == 0
    assert stored_files(upload_dir) == []
