"""The authority's own record, edited by its administrator: contacts, legal texts, its overrides
of each shared service it offers (privacy notice, notice, emergency text, contacts) and its
four-eyes setting.

The file in authorities/ stays the source of the name, address and keys; what
the administrator changes here is kept beside it (`Authority.edited`) and laid
over it, so loading the files again never undoes it. Each person sees and edits
only their own authority's record.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ..authorities import (
    CONTACT_KEYS,
    LEGAL_KEYS,
    SERVICE_TEXTS,
    AuthorityRecord,
    authority_named,
    forget_cached,
    services_offered,
)
from ..engine.i18n import LANGUAGES
from ..extensions import unit_of_work
from ..models import utcnow
from . import audit, bp
from .rights import FOUR_EYES


def _fields(record: AuthorityRecord, services: list[str], four_eyes: str) -> dict[str, str]:
    values = {f"contacts-{key}": record.contacts.get(key, "") for key in CONTACT_KEYS}
    values |= {f"contacts-hours-{lang}": (record.contacts.get("hours") or {}).get(lang, "")
               for lang in LANGUAGES}
    values |= {f"legal-{key}-{lang}": (record.legal.get(key) or {}).get(lang, "")
               for key in LEGAL_KEYS for lang in LANGUAGES}
    for leika_key in services:
        own = record.services.get(leika_key) or {}
        values |= {f"service-{leika_key}-{key}-{lang}": (own.get(key) or {}).get(lang, "")
                   for key in SERVICE_TEXTS for lang in LANGUAGES}
        values |= {f"service-{leika_key}-contacts-{key}": (own.get("contacts") or {}).get(key, "")
                   for key in CONTACT_KEYS}
    values["four_eyes"] = four_eyes
    return values


def _contacts(form: Any, prefix: str, errors: dict[str, str]) -> dict[str, Any]:
    contacts: dict[str, Any] = {key: form.get(f"{prefix}-{key}", "").strip()
                                for key in CONTACT_KEYS}
    if contacts["web"] and not contacts["web"].startswith("https://"):
        errors[f"{prefix}-web"] = _("Die Adresse der Website beginnt mit https://.")
    if contacts["email"] and "@" not in contacts["email"]:
        errors[f"{prefix}-email"] = _("Bitte geben Sie eine E-Mail-Adresse mit @ an.")
    return contacts


def _texts(form: Any, prefix: str, errors: dict[str, str]) -> dict[str, str]:
    texts = {lang: text for lang in LANGUAGES
             if (text := form.get(f"{prefix}-{lang}", "").strip())}
    if texts and "de" not in texts:
        errors[f"{prefix}-de"] = _("Jeder Text braucht eine deutsche Fassung.")
    return texts


def _edited(form: Any, services: list[str], four_eyes: str
            ) -> tuple[dict[str, Any], dict[str, str]]:
    errors: dict[str, str] = {}
    contacts = _contacts(form, "contacts", errors)
    contacts["hours"] = {lang: text for lang in LANGUAGES
                         if (text := form.get(f"contacts-hours-{lang}", "").strip())}
    legal = {key: _texts(form, f"legal-{key}", errors) for key in LEGAL_KEYS}
    overrides = {}
    for leika_key in services:
        prefix = f"service-{leika_key}"
        overrides[leika_key] = {key: _texts(form, f"{prefix}-{key}", errors)
                                for key in SERVICE_TEXTS}
        overrides[leika_key]["contacts"] = _contacts(form, f"{prefix}-contacts", errors)
    if four_eyes not in FOUR_EYES:
        errors["four_eyes-shipped"] = _("Wählen Sie, wann das Vier-Augen-Prinzip gilt.")
    return {"contacts": contacts, "legal": legal, "services": overrides}, errors


@bp.route("/authority", methods=["GET", "POST"])
def authority_page() -> Any:
    """The signed-in person's authority; only its administrator may change it."""
    row = authority_named(g.staff.authority)
    if row is None:
        abort(404)
    errors: dict[str, str] = {}
    services = services_offered(row)
    values = _fields(AuthorityRecord.of(row), list(services), row.four_eyes or "shipped")
    if request.method == "POST":
        if not g.staff.can_administer:
            with unit_of_work():
                audit.record("denied", detail="authority_page needs the administrator role")
            abort(403)
        four_eyes = request.form.get("four_eyes") or row.four_eyes or "shipped"
        edited, errors = _edited(request.form, list(services), four_eyes)
        values = {key: request.form.get(key, "") for key in values} | {"four_eyes": four_eyes}
        if not errors:
            with unit_of_work():
                row.edited, row.updated_at = edited, utcnow()
                row.four_eyes = four_eyes
                audit.record("authority_changed", detail="contacts, legal texts, services "
                             f"({', '.join(services) or '-'}), four eyes: {row.four_eyes}")
            forget_cached()
            flash(_("Die Angaben Ihrer Behörde sind gespeichert."), "success")
            return redirect(url_for("designer.authority_page"), code=303)
    return render_template("designer/authority.html", authority=AuthorityRecord.of(row),
                           values=values, errors=errors, legal_keys=LEGAL_KEYS,
                           languages=LANGUAGES, services=services,
                           service_keys=SERVICE_TEXTS, contact_keys=CONTACT_KEYS,
                           four_eyes_options=FOUR_EYES), 422 if errors else 200
