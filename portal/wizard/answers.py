"""The citizen's draft as the journey's answer store, and the citizen's way through."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import g, redirect, request, session, url_for
from werkzeug.datastructures import FileStorage

from .. import drafts
from ..drafts import StoredDraft
from ..engine import Field, Step
from ..journey.store import Change
from ..languages import current_language
from ..uploads import service as uploads


class DraftAnswers:
    """A citizen's draft in the database; files go through the upload checks and storage."""

    def __init__(self, draft: StoredDraft, ttl_days: int) -> None:
        self.draft, self.ttl_days = draft, ttl_days

    @property
    def answers(self) -> dict[str, Any]:
        return self.draft.answers or {}

    @property
    def completed_steps(self) -> list[str]:
        return self.draft.completed_steps or []

    def write(self, change: Change, current: str | None) -> None:
        """Write the draft (only over the version read, see drafts.write) and extend its life.

        The cookie that names it is not re-signed here: the request already noted its
        activity (wizard.idle.touch, in load_form), which re-sends the cookie, and so
        moves its expiry with the draft's, whenever the last one noted is a minute old.
        The cookie therefore expires at most a minute before the draft. Re-signing it on
        every saved step cost a tenth of a step POST (docs/benchmarks.md).
        """
        drafts.write(self.draft, change, current, self.ttl_days)

    def accept_file(self, field: Field, upload: FileStorage) -> str:
        return uploads.accept(self.draft, field, upload.stream, upload.filename).id

    def discard_file(self, key: str) -> None:
        uploads.remove(self.draft, key)

    def attachments(self) -> Mapping[str, Any]:
        return {a.id: a for a in uploads.attachments_for(self.draft)}


class CitizenWay:
    """The journey as citizens walk it: steps in order, skeletons kept, resume codes."""

    templates = {"step": "wizard/step.html", "entries": "wizard/entries.html",
                 "summary": "wizard/summary.html"}
    guarded = True
    url_for = staticmethod(url_for)

    def skeleton_key(self, page: str, step: Step, entry_number: int | None = None) -> tuple:
        return (self.templates[page], g.form.content_hash, step.id, current_language(),
                request.path, entry_number)

    def save_for_later(self) -> Any:
        session["resume_code"] = drafts.issue_resume_code(g.draft)
        return redirect(url_for("wizard.saved", form_id=g.form.id), code=303)

    def context(self) -> dict[str, Any]:
        return {}


CITIZEN = CitizenWay()
