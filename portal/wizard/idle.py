"""Shared computers: a draft left open in a browser closes after a time without activity.

On a computer in a library, a job centre or a shelter the next person must not
open the previous citizen's application. The signed session cookie records, per
form, when this browser last asked for one of its pages; after `IDLE_MINUTES`
(a form may ask for less with `idle_minutes`) the browser forgets the draft.
The draft itself is kept until it expires and can be opened again with the
resume code only; the next page says what was kept. Pages warn before the time
is up (portal/static/amtsweg.js, GOV.UK's timeout warning) and offer to stay.
"""

from __future__ import annotations

import time
from datetime import datetime
from typing import Any

from flask import current_app, session

from ..drafts import StoredDraft
from ..engine import Form

#: Session keys: when this browser last asked for a form's page, and what a closed draft kept.
SEEN, CLOSED = "seen", "closed"
#: A reading request re-sends the cookie at most this often (seconds), not on every page.
GRANULARITY = 60


def limit_seconds(form: Form) -> int:
    """How long a draft stays open without a request: the platform's limit or the form's less."""
    minutes = current_app.config["IDLE_MINUTES"]
    own = form.definition.get("idle_minutes")
    return int(min(minutes, own) if own else minutes) * 60


def timed_out(form: Form, now: float | None = None) -> bool:
    seen = (session.get(SEEN) or {}).get(form.id)
    now = time.time() if now is None else now
    return seen is not None and now - seen > limit_seconds(form)


def touch(form: Form, now: float | None = None, force: bool = False) -> None:
    """Note this request as activity (the cookie is re-sent at most once a minute)."""
    now = time.time() if now is None else now
    seen = dict(session.get(SEEN) or {})
    if force or now - seen.get(form.id, 0) >= GRANULARITY:
        seen[form.id] = int(now)
        session[SEEN] = seen


def close(form: Form, draft: StoredDraft | None) -> None:
    """Forget the form's draft in this browser, and note for the next page what was kept."""
    drafts = dict(session.get("drafts") or {})
    drafts.pop(form.id, None)
    session["drafts"] = drafts
    seen = dict(session.get(SEEN) or {})
    seen.pop(form.id, None)
    session[SEEN] = seen
    if draft is not None:
        closed = dict(session.get(CLOSED) or {})
        closed[form.id] = {"sent": draft.submitted_at is not None,
                           "steps": len(draft.completed_steps or ()),
                           "expires": draft.expires_at.isoformat()}
        session[CLOSED] = closed


def what_was_kept(form: Form) -> dict[str, Any] | None:
    """What the start page tells after a draft was closed in this browser (once)."""
    closed = dict(session.get(CLOSED) or {})
    kept = closed.pop(form.id, None)
    if kept is None:
        return None
    session[CLOSED] = closed
    return {**kept, "expires": datetime.fromisoformat(kept["expires"])}
