"""Who may publish what: shared (shipped) services and their owner, and four eyes.

A form shipped with the platform (forms/) is shared by every authority (Einer für
Alle). The authority whose file lists it in `owns` maintains it: only its publishers
publish new versions. Every other authority keeps its own texts, contacts, emergency
texts and destination for it as overrides (the Behörde page, designer/authority.py),
or copies it under a form id of its own. An authority may require four eyes: a version
is published by someone other than the people who changed its draft.
"""

from __future__ import annotations

from flask_babel import gettext as _

from ..authorities import authority_named, name_of, owner_of_shipped
from ..languages import current_language
from . import audit
from .models import FormDraft, StaffUser
from .workspace import is_shared

#: An authority's four-eyes settings: for shipped, shared forms only (the default), every form,
#: or none.
FOUR_EYES = ("shipped", "all", "off")


def shared_refusal(form_id: str, authority: str) -> str | None:
    """Why `authority` may not publish (or start) a new version of a shared form, or None."""
    if not is_shared(form_id):
        return None
    owner = owner_of_shipped(form_id)
    if owner == authority:
        return None
    row = authority_named(owner)
    if row is not None:
        return _("„%(id)s“ wird mit Amtsweg ausgeliefert und von mehreren Behörden genutzt. Neue "
                 "Versionen veröffentlicht nur die Behörde, die es pflegt: %(owner)s. Was Ihre "
                 "Behörde anders braucht (Datenschutzhinweis, Kontakt, Notfall-Hinweise), legen "
                 "Sie unter „Behörde“ fest; ein eigenes Formular legen Sie als Kopie unter einer "
                 "eigenen Formular-ID an.", id=form_id, owner=name_of(row, current_language()))
    return _("„%(id)s“ wird mit Amtsweg ausgeliefert und von mehreren Behörden genutzt. Keine "
             "Behörde pflegt es auf dieser Installation, daher veröffentlicht niemand neue "
             "Versionen davon. Was Ihre Behörde anders braucht (Datenschutzhinweis, Kontakt, "
             "Notfall-Hinweise), legen Sie unter „Behörde“ fest; ein eigenes Formular legen Sie "
             "als Kopie unter einer eigenen Formular-ID an.", id=form_id)


def four_eyes_applies(form_id: str, authority: str) -> bool:
    """Whether the authority requires a second person to publish a version of this form."""
    row = authority_named(authority)
    setting = row.four_eyes if row is not None and row.four_eyes in FOUR_EYES else "shipped"
    return setting == "all" or (setting == "shipped" and is_shared(form_id))


def authors(draft: FormDraft) -> list[str]:
    """Everyone who changed the draft (created, copied, imported or saved it), first first."""
    people = [entry.actor for entry in audit.draft_changes(draft.id)]
    people += [draft.created_by, draft.updated_by]  # drafts from before the log named drafts
    return list(dict.fromkeys(p for p in people if p and p != "-"))


def four_eyes_refusal(draft: FormDraft, form_id: str, staff: StaffUser) -> str | None:
    """Why `staff` may not publish the draft under four eyes (they changed it), or None."""
    if not four_eyes_applies(form_id, staff.authority) or staff.email not in authors(draft):
        return None
    return _("Vier-Augen-Prinzip: Sie haben diesen Entwurf selbst geändert. Veröffentlichen muss "
             "ihn eine andere Person mit der Rolle „Veröffentlichen“.")
