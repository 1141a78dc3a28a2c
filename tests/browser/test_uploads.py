"""Uploading through the real page: add, remove, add another, and exactly those arrive;
hostile PDFs are refused."""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from playwright.sync_api import Page, expect

from tests.uploads.hostile_pdfs import HOSTILE, hostile
from tests.walk import minimal_pdf

from .axe import assert_accessible
from .citizen import fill_step, press_continue, start_and_answer_until, step_of
from .conftest import LiveServer


def _pdf(label: str) -> bytes:
    # Distinct files: the same tiny PDF with a different comment line.
    return minimal_pdf().replace(b"%PDF-1.4\n", b"%PDF-1.4\n% " + label.encode() + b"\n", 1)


def test_upload_remove_upload_another_and_submit(live_server: LiveServer, page: Page) -> None:
    form = start_and_answer_until(page, live_server.url, "onlinewache", "beweismittel")
    files = {name: _pdf(name) for name in ("quittung", "foto-tatort", "rechnung")}

    def upload(name: str) -> None:
        page.set_input_files("#beweise-upload", files=[
            {"name": f"{name}.pdf", "mimeType": "application/pdf", "buffer": files[name]}])
        page.locator("main button[name='action'][value='upload']").click()
        expect(page.locator(".file-list__name", has_text=f"{name}.pdf")).to_have_count(1)

    upload("quittung")
    upload("foto-tatort")
    assert_accessible(page, "step with two uploaded files")
    page.locator("main button[name='remove']", has_text="foto-tatort.pdf").click()
    expect(page.locator(".file-list__name")).to_have_text(["quittung.pdf"])
    upload("rechnung")

    # A file that lies about its type is refused with a reason; the others stay.
    page.set_input_files("#beweise-upload", files=[
        {"name": "beweis.pdf", "mimeType": "application/pdf",
         "buffer": b"MZ\x90\x00" + b"\x00" * 200}])
    page.locator("main button[name='action'][value='upload']").click()
    expect(page.locator(".error-summary")).to_have_count(1)
    assert_accessible(page, "upload refused")
    expect(page.locator(".file-list__name")).to_have_text(["quittung.pdf", "rechnung.pdf"])

    step = step_of(form, page.url)
    fill_step(page, step)  # everything else on the step; no new file is chosen
    page.set_input_files("#beweise-upload", files=[])
    press_continue(page)
    for _ in range(30):
        if page.url.endswith("/summary"):
            break
        step = step_of(form, page.url)
        if step.repeat is None or "/entries/" in page.url:
            fill_step(page, step)
        press_continue(page)
    assert "quittung.pdf" in page.locator("main").inner_text()
    page.locator("main form[action$='/submit'] button").click()
    reference = page.locator("#reference").inner_text()

    engine = sa.create_engine(live_server.database_url)
    with engine.connect() as conn:
        rows = conn.execute(sa.text(
            "SELECT a.display_name, a.sha256 FROM attachment a "
            "JOIN submission s ON s.id = a.submission_id WHERE s.reference = :ref "
            "ORDER BY a.display_name"), {"ref": reference}).all()
    engine.dispose()
    assert [(name, sha) for name, sha in rows] == [
        ("quittung.pdf", hashlib.sha256(files["quittung"]).hexdigest()),
        ("rechnung.pdf", hashlib.sha256(files["rechnung"]).hexdigest()),
    ]


def test_every_hostile_pdf_is_refused_through_the_real_wizard(
        live_server: LiveServer, page: Page) -> None:
    start_and_answer_until(page, live_server.url, "onlinewache", "beweismittel")
    for name in HOSTILE:
        page.set_input_files("#beweise-upload", files=[
            {"name": f"{name}.pdf", "mimeType": "application/pdf", "buffer": hostile(name)}])
        page.locator("main button[name='action'][value='upload']").click()
        summary = page.locator(".error-summary")
        expect(summary).to_contain_text(f"Die PDF-Datei „{name}.pdf“ enthält ausführbare Inhalte")
        expect(page.locator(".file-list__name")).to_have_count(0)
    assert_accessible(page, "hostile PDF refused")

    engine = sa.create_engine(live_server.database_url)
    with engine.connect() as conn:
        names = [f"{name}.pdf" for name in HOSTILE]
        stored = conn.execute(sa.text("SELECT display_name FROM attachment")).scalars()
        assert not set(stored) & set(names)
    engine.dispose()
