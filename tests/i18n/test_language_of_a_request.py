"""The interface's language within one request: the catalogue kept per request follows
Flask-Babel's locale, so refresh() and force_locale() are honoured (portal/languages.py)."""

from __future__ import annotations

from flask import render_template_string
from flask_babel import force_locale, refresh

from portal.languages import COOKIE


def test_a_page_in_the_chosen_language_and_a_mail_in_another(app):
    template = "{{ _('Weiter') }}"
    with app.test_request_context("/", headers={"Cookie": f"{COOKIE}=en"}):
        assert render_template_string(template) == "Continue"
        # e.g. a notification rendered for a caseworker in German, inside the same request
        with force_locale("de"):
            assert render_template_string(template) == "Weiter"
        with force_locale("uk"):
            assert render_template_string(template) == "Продовжити"
        assert render_template_string(template) == "Continue"


def test_a_language_changed_mid_request_shows_after_refresh(app):
    from flask import request

    with app.test_request_context("/", headers={"Cookie": f"{COOKIE}=tr"}):
        assert render_template_string("{{ _('Weiter') }}") == "Devam et"
        request.environ.pop("amtsweg.wanted_language")
        request.cookies = {COOKIE: "en"}  # type: ignore[misc]
        refresh()
        assert render_template_string("{{ _('Weiter') }}") == "Continue"

