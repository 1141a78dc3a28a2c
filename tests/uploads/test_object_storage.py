"""Uploads in object storage: the S3 backend against a real S3-compatible server (SeaweedFS).

The wizard's upload step, the removal, the cleanup and a submission, with
AMTSWEG_STORAGE_URL=s3://...; the backend itself with a file larger than one part
(a multipart upload, streamed from a generator), and the errors an operator meets:
a missing object, an unreachable store, a missing bucket, refused credentials.
"""

from __future__ import annotations

import hashlib
import io
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from portal import create_app
from portal.extensions import db
from portal.models import Attachment
from portal.uploads import StorageNotReady
from portal.uploads.objects import PART_SIZE, S3Storage, StorageUnavailable
from portal.uploads.service import delete_orphans, storage
from portal.uploads.storage import TooLarge
from tests.conftest import app_for_test

from . import files
from .forms import error_messages, listed_files, post_step, publish_form, start

PREFIX = "uploads"


@pytest.fixture
def s3_app(seaweed, database_url, tmp_path_factory):
    """The app with its uploads in the bucket (under PREFIX/), emptied before each test."""
    client = seaweed.client()
    for name in seaweed.object_names():
        client.delete_object(Bucket=seaweed.bucket, Key=name)
    with app_for_test(database_url, tmp_path_factory,
                      STORAGE_URL=seaweed.url(PREFIX)) as application:
        yield application


def _attachments() -> list[Attachment]:
    db.session.expire_all()
    return list(db.session.execute(select(Attachment).order_by(Attachment.created_at)).scalars())


def _object(seaweed, key: str) -> bytes:
    answer = seaweed.client().get_object(Bucket=seaweed.bucket, Key=f"{PREFIX}/{key}")
    return answer["Body"].read()


class Generated(io.RawIOBase):
    """`size` bytes of a repeating pattern, made while they are read (never held whole)."""

    def __init__(self, size: int) -> None:
        self.left, self.digest = size, hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, wanted: int = -1) -> bytes:
        count = min(self.left, 65536 if wanted is None or wanted < 0 else wanted)
        data = bytes((self.left - i) % 251 for i in range(count))
        self.left -= count
        self.digest.update(data)
        return data


# -- through the wizard --------------------------------------------------------------------------


def test_an_upload_lands_in_the_bucket_not_on_the_nodes_disk(s3_app, seaweed):
    url = publish_form(accept=["application/pdf", "image/png"], max_files=2)
    client = s3_app.test_client()
    start(client)
    pdf, png = files.minimal_pdf(), files.png_with_metadata()
    page = post_step(client, url, belege=[(pdf, "Mietvertrag.pdf"), (png, "Ausweis.png")])
    assert page.status_code == 200, error_messages(page.text)
    assert listed_files(page.text) == ["Mietvertrag.pdf", "Ausweis.png"]
    first, second = _attachments()
    assert _object(seaweed, first.storage_key) == pdf
    cleaned = _object(seaweed, second.storage_key)
    # The PNG's text chunks were removed in the bucket (a rewrite through a local copy).
    assert cleaned != png and b"tEXt" not in cleaned
    assert second.sha256 == hashlib.sha256(cleaned).hexdigest() and second.size == len(cleaned)
    assert sorted(seaweed.object_names()) == sorted(
        f"{PREFIX}/{a.storage_key}" for a in (first, second))
    assert not (Path(s3_app.instance_path) / "uploads").exists()


def test_a_refused_upload_leaves_nothing_in_the_bucket(s3_app, seaweed):
    url = publish_form(accept=["application/pdf"])
    client = s3_app.test_client()
    start(client)
    page = post_step(client, url, belege=(files.pdf_with_javascript(), "Formular.pdf"))
    assert "JavaScript" in " ".join(error_messages(page.text))
    assert seaweed.object_names() == []


def test_a_removed_file_is_deleted_from_the_bucket(s3_app, seaweed):
    url = publish_form(accept=["application/pdf", "image/png"], max_files=2)
    client = s3_app.test_client()
    start(client)
    post_step(client, url, belege=[(files.minimal_pdf(), "A.pdf"), (files.minimal_png(), "B.png")])
    first, second = _attachments()
    page = client.post(url, data={"betreff": "Mein Fahrrad", "remove": first.id},
                       content_type="multipart/form-data")
    assert listed_files(page.text) == ["B.png"]
    assert seaweed.object_names() == [f"{PREFIX}/{second.storage_key}"]


def test_the_drafts_files_survive_the_loss_of_the_nodes_disk(s3_app, seaweed):
    """Another node (or this one, its instance folder gone) finishes the application."""
    url = publish_form(accept=["application/pdf", "image/png"], max_files=2)
    client = s3_app.test_client()
    start(client)
    pdf = files.minimal_pdf()
    post_step(client, url, belege=(pdf, "Nachweis.pdf"))
    for child in Path(s3_app.instance_path).iterdir():
        shutil.rmtree(child) if child.is_dir() else child.unlink()
    page = client.get(url)
    assert listed_files(page.text) == ["Nachweis.pdf"]
    done = post_step(client, url, action="continue")
    assert done.status_code == 303, error_messages(done.text)
    client.post(done.headers["Location"], data={"bemerkung": "", "action": "continue"})
    assert "Nachweis.pdf" in client.get("/forms/upload-test/summary").text
    assert client.post("/forms/upload-test/submit").status_code == 303
    (bound,) = [a for a in _attachments() if a.submission_id]
    with storage().open(bound.storage_key) as stored:
        assert hashlib.sha256(stored.read()).hexdigest() == bound.sha256
    assert _object(seaweed, bound.storage_key) == pdf


def test_the_cleanup_deletes_unreferenced_objects_and_keeps_the_others(s3_app, seaweed):
    url = publish_form(accept=["application/pdf"])
    client = s3_app.test_client()
    start(client)
    post_step(client, url, belege=(files.minimal_pdf(), "Behalten.pdf"))
    (kept,) = _attachments()
    stray, _, _ = storage().save(io.BytesIO(b"left behind by a crash"), 1000)
    assert delete_orphans(min_age=0) == 1
    assert seaweed.object_names() == [f"{PREFIX}/{kept.storage_key}"]
    assert stray not in list(storage().keys())


# -- the backend -----------------------------------------------------------------------------


@pytest.fixture
def backend(seaweed) -> S3Storage:
    return S3Storage.from_url(seaweed.url("backend"))


def test_a_file_larger_than_a_part_is_streamed_up_and_down_intact(backend, seaweed):
    size = 2 * PART_SIZE + 12345  # three parts of a multipart upload
    source = Generated(size)
    key, stored_size, sha256 = backend.save(source, limit=size)
    assert (stored_size, sha256) == (size, source.digest.hexdigest())
    head = seaweed.client().head_object(Bucket=seaweed.bucket, Key=f"backend/{key}")
    assert head["ContentLength"] == size
    assert head["ETag"].strip('"').endswith("-3"), "sent as a multipart upload of 3 parts"
    digest, total = hashlib.sha256(), 0
    with backend.open(key) as stored:
        while chunk := stored.read(1024 * 1024):
            digest.update(chunk)
            total += len(chunk)
    assert (total, digest.hexdigest()) == (size, sha256)
    backend.delete(key)
    assert key not in list(backend.keys())


def test_a_stored_object_reads_like_a_file(backend):
    data = bytes(range(256)) * 4096  # 1 MiB
    key, _, _ = backend.save(io.BytesIO(data), limit=len(data))
    with backend.open(key) as stored:
        assert stored.read(10) == data[:10]
        stored.seek(-5, io.SEEK_END)
        assert stored.read() == data[-5:]
        stored.seek(500_000)
        assert stored.read(3) == data[500_000:500_003]
        assert stored.tell() == 500_003
    with backend.local_path(key) as path:
        assert path.read_bytes() == data
    assert not path.exists()
    backend.delete(key)


def test_past_the_limit_nothing_is_kept(backend, seaweed):
    with pytest.raises(TooLarge):
        backend.save(Generated(PART_SIZE + 5000), limit=PART_SIZE + 100)
    assert [n for n in seaweed.object_names() if n.startswith("backend/")] == []
    unfinished = seaweed.client().list_multipart_uploads(Bucket=seaweed.bucket)
    assert unfinished.get("Uploads", []) == []


def test_a_missing_object_is_a_clear_file_not_found(backend):
    with pytest.raises(FileNotFoundError, match="not in the object store"):
        backend.open("0" * 40)
    with pytest.raises(FileNotFoundError), backend.local_path("0" * 40):
        pass
    backend.delete("0" * 40)  # deleting what is gone is no error


# -- start-up: the operator learns at once what is wrong -------------------------------------


def _start_app(tmp_path, url: str) -> None:
    create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'db.sqlite3'}",
                "INSTANCE_PATH": str(tmp_path / "instance"), "SECRET_KEY": "x",
                "STORAGE_URL": url})


def test_an_unreachable_store_stops_the_start_with_the_reason(tmp_path):
    from tests.seaweed import _free_port

    with pytest.raises(StorageNotReady, match="unreachable.*AMTSWEG_STORAGE_URL"):
        _start_app(tmp_path, f"s3://amtsweg?endpoint=http://127.0.0.1:{_free_port()}")


def test_a_missing_bucket_stops_the_start_with_the_reason(tmp_path, seaweed):
    with pytest.raises(StorageNotReady, match="'nirgends'.*does not exist"):
        _start_app(tmp_path, f"s3://nirgends?endpoint={seaweed.endpoint}")


def test_wrong_credentials_stop_the_start_with_the_reason(tmp_path, seaweed, monkeypatch):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "falsch")
    with pytest.raises(StorageNotReady, match="access denied: check AWS_ACCESS_KEY_ID"):
        _start_app(tmp_path, seaweed.url("elsewhere"))


def test_an_unknown_setting_in_the_url_is_named(tmp_path):
    with pytest.raises(StorageNotReady, match="unknown setting.*endpunkt"):
        _start_app(tmp_path, "s3://amtsweg?endpunkt=http://127.0.0.1:1")


def test_storage_errors_are_oserrors_like_a_failing_disk(tmp_path):
    from tests.seaweed import _free_port

    dead = S3Storage.from_url(f"s3://amtsweg?endpoint=http://127.0.0.1:{_free_port()}")
    dead.client.meta.config.retries = {"max_attempts": 1}
    with pytest.raises(StorageUnavailable) as raised:
        dead.delete("ab" * 20)
    assert isinstance(raised.value, OSError)
