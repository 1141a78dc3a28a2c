"""A small form with file fields, published into the test database, and ways to post to it."""

from __future__ import annotations

import re
from io import BytesIO
from typing import Any

from portal.engine import check_definition
from portal.extensions import db
from portal.publishing import publish


def L(de: str, en: str | None = None) -> dict[str, str]:  # noqa: N802 - reads like a literal
    return {"de": de, "en": en or de}


def definition(**file_field: Any) -> dict[str, Any]:
    """A two-step form: `nachweise` (a text field, a file field, a second file field), then `ende`.

    Keyword arguments override the first file field's settings (accept, max_size_mb, max_files).
    """
    belege = {"name": "belege", "type": "file", "label": L("Belege", "Documents"), **file_field}
    return {
        "id": "upload-test",
        "version": "1.0.0",
        "languages": ["de", "en"],
        "default_language": "de",
        "title": L("Upload-Test", "Upload test"),
        "privacy_notice": L("Nur für Tests.", "Tests only."),
        "destination": "testamt",
        "retention_days": 30,
        "steps": [
            {
                "id": "nachweise",
                "title": L("Nachweise", "Evidence"),
                "fields": [
                    {"name": "betreff", "type": "text", "label": L("Betreff", "Subject"),
                     "required": True},
                    belege,
                    {"name": "fotos", "type": "file", "label": L("Fotos", "Photos"),
                     "accept": ["image/jpeg", "image/png"], "max_files": 3},
                ],
            },
            {
                "id": "ende",
                "title": L("Abschluss", "Finish"),
                "fields": [
                    {"name": "bemerkung", "type": "text", "label": L("Bemerkung", "Remark")},
                ],
            },
        ],
    }


def publish_form(**file_field: Any) -> str:
    """Check and publish the test form; returns the URL of its upload step."""
    document, problems = check_definition(definition(**file_field))
    assert document is not None, [str(p) for p in problems]
    publish(document)
    db.session.commit()
    return "/forms/upload-test/steps/nachweise"


def start(client) -> str:
    response = client.post("/forms/upload-test/start")
    assert response.status_code == 303
    return response.headers["Location"]


def post_step(client, url: str, *, betreff: str = "Mein Fahrrad", action: str = "upload",
              **files: Any) -> Any:
    """Post the step as a browser does: the text answer, the chosen files, the button pressed.

    `files` maps a field name to (bytes, filename) or a list of them.
    """
    data: dict[str, Any] = {"betreff": betreff, "action": action}
    for name, chosen in files.items():
        items = chosen if isinstance(chosen, list) else [chosen]
        data[f"{name}-upload"] = [(BytesIO(content), filename) for content, filename in items]
    return client.post(url, data=data, content_type="multipart/form-data")


def listed_files(html: str) -> list[str]:
    """The file names the page lists as uploaded."""
    return re.findall(r'<span class="file-list__name">([^<]*)</span>', html)


def error_messages(html: str) -> list[str]:
    """The messages in the error summary at the top of the page."""
    found = re.findall(r'<li><a href="#[^"]+">(.*?)</a></li>', html, re.S)
    return [re.sub(r"\s+", " ", m) for m in found]
