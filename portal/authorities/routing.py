"""Routing an application to the authority responsible for it.

The decision is kept with the citizen's answers under the key "@authority"
(never a field name: those are lower-case letters, digits and _), so it is
written by the same draft write as the answer that decided it, survives a
closed tab and is merged like every other answer. The submission data never
holds it (engine.submission_data takes fields only).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from typing import Any

from ..engine import Form, submission_data
from . import (
    AuthorityRecord,
    authorities_of,
    authority_record,
    destination_for,
    destination_owner,
    rows_for,
)
from .models import Jurisdiction

KEY = "@authority"
__all__ = ["KEY", "Decision", "Responsible", "authorities_of", "choices", "decide", "decides",
           "record_of", "responsible", "responsible_of"]


@dataclass
class Decision:
    """What the answers say about jurisdiction.

    kind: "one" (decided), "several" (the postcode spans several municipalities: ask),
    "none" (no authority on this platform serves it), "open" (not answered yet).
    """

    kind: str
    postcode: str | None = None
    source: str | None = None  # the field that gave the postcode
    rows: list[Jurisdiction] = field(default_factory=list)

    @property
    def record(self) -> dict[str, Any] | None:
        return record_of(self.rows[0], self.postcode) if self.kind == "one" else None


def record_of(row: Jurisdiction, postcode: str | None) -> dict[str, Any]:
    """What is stored with the answers for a decided row."""
    return {"id": row.authority_id, "ags": row.ags, "municipality": row.municipality,
            "postcode": postcode, "destination": row.destination}


def decide(form: Form, answers: dict[str, Any]) -> Decision:
    """For a form whose jurisdiction goes by postcode: which authority the answers lead to."""
    place = form.jurisdiction_place(submission_data(form, answers))
    if place is None or not form.leika_key:
        return Decision("open")
    source, postcode = place
    rows = rows_for(form.leika_key, postcode=postcode)
    if not rows:
        return Decision("none", postcode, source)
    municipalities = {(row.ags, row.municipality, row.authority_id) for row in rows}
    return Decision("one" if len(municipalities) == 1 else "several", postcode, source, rows)


def decides(form: Form, field_names: set[str]) -> bool:
    """Whether a step with these fields can decide jurisdiction (it names a postcode field)."""
    return form.jurisdiction.get("by") == "postcode" and bool(
        field_names & set(form.jurisdiction.get("fields") or ()))


def choices(form: Form) -> list[AuthorityRecord]:
    """The authorities a citizen chooses from (jurisdiction by choice)."""
    found = [authority_record(i) for i in form.jurisdiction.get("authorities") or ()]
    return [a for a in found if a is not None]


@dataclass(frozen=True)
class Responsible:
    authority: AuthorityRecord | None
    destination: str
    record: dict[str, Any] | None = None


def responsible(form: Form, answers: dict[str, Any] | None) -> Responsible | None:
    """The authority and destination an application goes to, or None while not decided; the
    authority as the form's service shows it (its own contacts for it, AuthorityRecord)."""
    found = _responsible(form, answers)
    if found is None or found.authority is None:
        return found
    return dataclasses.replace(found, authority=found.authority.for_service(form.leika_key))


def _responsible(form: Form, answers: dict[str, Any] | None) -> Responsible | None:
    """The authority and destination an application goes to, or None while not decided.

    A form without a jurisdiction goes to its `destination`, and to the authority that
    destination belongs to (if any).
    """
    by = form.jurisdiction.get("by")
    if by == "fixed":
        authority = authority_record(form.jurisdiction["authority"])
        if authority is None:
            return None
        return Responsible(authority, destination_for(authority) or form.destination)
    if by in ("postcode", "choice"):
        stored = (answers or {}).get(KEY)
        if not isinstance(stored, dict):
            return None
        authority = authority_record(stored.get("id"))
        if authority is None:
            return None
        return Responsible(authority, stored.get("destination") or destination_for(authority)
                           or form.destination, stored)
    return Responsible(authority_record(destination_owner(form.destination)), form.destination)


def responsible_of(submission: Any, form: Form) -> Responsible | None:
    """The authority a submission of `form` went to (as it recorded it), for its pages.

    `form` is the compiled form of the submission's version (publishing.compiled), so that
    its service key is read without loading the stored definition."""
    if not submission.authority_id:
        return None
    authority = authority_record(submission.authority_id)
    if authority is not None:
        authority = authority.for_service(form.leika_key)
    return Responsible(authority, submission.destination, submission.authority)


