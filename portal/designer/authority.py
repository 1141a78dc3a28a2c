"""The authority's own record, edited by its administrator: contacts and legal texts.

The file in authorities/ stays the source of the name, address and keys; what
the administrator changes here is kept beside it (`Authority.edited`) and laid
over it, so loading the files again never undoes it.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..authorities import LEGAL_KEYS, AuthorityRecord, authority_named, forget_cached
from ..engine.i18n import LANGUAGES
from ..extensions import unit_of_work
from ..models import utcnow
from . import audit, bp

CONTACT_KEYS = ("phone", "email", "web")


def _fields(record: AuthorityRecord) -> dict[str, str]:
    values = {f"contacts-{key}": record.contacts.get(key, "") for key in CONTACT_KEYS}
    values |= {f"contacts-hours-{lang}": (record.contacts.get("hours") or {}).get(lang, "")
               for lang in LANGUAGES}
    values |= {f"legal-{key}-{lang}": (record.legal.get(key) or {}).get(lang, "")
               for key in LEGAL_KEYS for lang in LANGUAGES}
    return values


def _edited(form: Any) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    contacts: dict[str, Any] = {key: form.get(f"contacts-{key}", "").strip()
                                for key in CONTACT_KEYS}
    if contacts["web"] and not contacts["web"].startswith("https://"):
        errors["contacts-web"] = _("Die Adresse der Website beginnt mit https://.")
    if contacts["email"] and "@" not in contacts["email"]:
        errors["contacts-email"] = _("Bitte geben Sie eine E-Mail-Adresse mit @ an.")
    contacts["hours"] = {lang: text for lang in LANGUAGES
                         if (text := form.get(f"contacts-hours-{lang}", "").strip())}
    legal = {}
    for key in LEGAL_KEYS:
        texts = {lang: text for lang in LANGUAGES
                 if (text := form.get(f"legal-{key}-{lang}", "").strip())}
        if texts and "de" not in texts:
            errors[f"legal-{key}-de"] = _("Jeder Text braucht eine deutsche Fassung.")
        legal[key] = texts
    return {"contacts": contacts, "legal": legal}, errors


@bp.route("/authority", methods=["GET", "POST"])
def authority_page() -> Any:
    """The signed-in person's authority; only its administrator may change it."""
    row = authority_named(g.staff.authority)
    if row is None:
        abort(404)
    errors: dict[str, str] = {}
    values = _fields(AuthorityRecord.of(row))
    if request.method == "POST":
        if not g.staff.can_administer:
            with unit_of_work():
                audit.record("denied", detail="authority_page needs the administrator role")
            abort(403)
        edited, errors = _edited(request.form)
        values = {key: request.form.get(key, "") for key in values}
        if not errors:
            with unit_of_work():
                row.edited, row.updated_at = edited, utcnow()
                audit.record("authority_changed", detail="contacts and legal texts")
            forget_cached()
            flash(_("Die Angaben Ihrer Behörde sind gespeichert."), "success")
            return redirect(url_for("designer.authority_page"), code=303)
    return render_template("designer/authority.html", authority=AuthorityRecord.of(row),
                           values=values, errors=errors, legal_keys=LEGAL_KEYS,
                           languages=LANGUAGES), 422 if errors else 200
