"""The same journey, walked as a citizen (a draft) and as a designer (the preview's answers)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from portal.designer.models import PreviewAnswers
from portal.engine import Form
from portal.extensions import db
from portal.models import Draft
from portal.publishing import compiled, current_version
from tests.designer.conftest import accounts, app, copy_form, designer  # noqa: F401 - fixtures
from tests.walk import Walker


@dataclass
class Way:
    """One way through onlinewache: who walks it, where its pages are, where answers are kept."""

    name: str
    client: FlaskClient
    base: str
    form: Form
    stored: Callable[[], dict[str, Any]]

    def url(self, path: str) -> str:
        return f"{self.base}/{path}"

    def walker(self) -> Walker:
        way = self

        class WayWalker(Walker):
            def start(self) -> str:
                if way.name == "citizen":
                    return super().start()
                return way.url(f"steps/{way.form.steps[0].id}")

        return WayWalker(self.client, self.form)


def seen_on(html: str, index: int = 0) -> str:
    """The `answers_seen` a page carries (the index-th, on a list of entries)."""
    found = re.findall(r'name="answers_seen" value="([0-9a-f]*)"', html)
    return found[index] if len(found) > index else ""


def _stored(model: Any) -> Callable[[], dict[str, Any]]:
    def read() -> dict[str, Any]:
        db.session.rollback()  # what the requests committed, not what this session saw before
        return db.session.execute(select(model.answers)).scalar_one()

    return read


@pytest.fixture(params=["citizen", "preview"])
def way(request: pytest.FixtureRequest, app, designer) -> Way:  # noqa: F811 - the fixtures above
    form = compiled(current_version("onlinewache"))
    if request.param == "citizen":
        return Way("citizen", app.test_client(), "/forms/onlinewache", form, _stored(Draft))
    draft_id = copy_form(designer)
    return Way("preview", designer, f"/designer/drafts/{draft_id}/preview", form,
               _stored(PreviewAnswers))
