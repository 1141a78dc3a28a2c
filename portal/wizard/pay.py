"""Paying the fee inside the journey: after the summary, before the application is sent.

"Send" on the summary of a fee-bearing form starts a payment attempt (portal.payments.service)
and sends the citizen to the provider: straight there for a provider on this site (the test
provider), else through a page of ours that says the citizen is leaving to pay, with a link
(GET providers) or a form with a button (providers that take a signed form post; no
JavaScript needed, and the page's form-action allows that provider only). On the way back the
server asks the provider what became of the payment; only a confirmed `paid` sends the
application. Anything else shows a page that keeps the draft: try again, or save and continue
later.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

from flask import g, redirect, render_template, request, url_for

from ..engine.fees import FeeLine, total
from ..extensions import csrf
from ..languages import current_language
from ..payments import PaymentError, service
from ..security import CSP
from ..submissions import check_ready, submit
from . import bp
from .answers import CITIZEN
from .views import no_draft_page

log = logging.getLogger(__name__)


def pay(lines: list[FeeLine]) -> Any:
    """Start paying the draft's fee (NotComplete if the answers cannot be sent yet)."""
    form, draft = g.form, g.draft
    check_ready(draft)  # no money for an application that cannot be sent
    waiting = service.waiting_payment(draft.id)
    if waiting is not None:  # paid before, not sent then (answers changed meanwhile)
        submit(draft, payment_id=waiting.id)
        return redirect(url_for("wizard.confirmation", form_id=form.id), code=303)

    def urls(payment_id: str) -> tuple[str, str]:
        return (url_for("wizard.payment_return", form_id=form.id, payment_id=payment_id,
                        _external=True),
                url_for("payments.callback", payment_id=payment_id, _external=True))

    try:
        attempt, started = service.begin(draft, form, lines, current_language(), urls)
    except PaymentError as error:
        log.error("payment could not be started for form %s: %s", form.id, error)
        return _outcome("unavailable", None, 503, amount=total(lines))
    target = urlsplit(started.next_url)
    if started.method == "GET" and target.netloc in ("", request.host):
        return redirect(started.next_url, code=303)
    response = render_template("wizard/payment_redirect.html", form=form, payment=attempt,
                               started=started)
    headers = {}
    if started.method == "POST":
        origin = f"{target.scheme}://{target.netloc}"
        headers["Content-Security-Policy"] = CSP.replace("form-action 'self'",
                                                         f"form-action 'self' {origin}")
    return response, 200, headers


def _outcome(kind: str, attempt: Any, status: int = 200, **context: Any) -> Any:
    return render_template("wizard/payment_outcome.html", form=g.form, kind=kind,
                           payment=attempt, **context), status


@bp.get("/forms/<form_id>/payment/<payment_id>/return")
def payment_return(form_id: str, payment_id: str) -> Any:
    """The citizen is back from the provider: the provider says what became of it."""
    attempt = service.find(payment_id)
    if attempt is None:
        return no_draft_page()
    mine = g.draft is not None and attempt.draft_id == g.draft.id
    try:
        result = service.confirm(attempt)
    except PaymentError as error:
        log.warning("payment %s could not be confirmed: %s", attempt.reference, error)
        return _outcome("unknown", attempt, 503) if mine else no_draft_page()
    if not mine:
        # Another browser (or none): settled all the same, but nothing of the draft is shown.
        return no_draft_page()
    attempt = result.payment
    if result.submission is not None and attempt.submission_id is not None:
        return redirect(url_for("wizard.confirmation", form_id=form_id), code=303)
    if attempt.status == "paid":
        kind = "incomplete" if result.incomplete else "duplicate"
        return _outcome(kind, attempt)
    return _outcome(attempt.status, attempt)


@bp.post("/forms/<form_id>/payment/<payment_id>/return")
@csrf.exempt  # a provider that sends the citizen back with a form post; nothing changes here
def payment_return_post(form_id: str, payment_id: str) -> Any:
    """Back with a form post: the same page by GET (the session cookie, SameSite=Lax, is
    not sent with another site's POST, but is with the GET it is redirected to)."""
    return redirect(url_for("wizard.payment_return", form_id=form_id, payment_id=payment_id),
                    code=303)


@bp.post("/forms/<form_id>/payment/save")
def payment_save(form_id: str) -> Any:
    """"Save and continue later" from a payment page: the resume code, as from a step."""
    if g.draft is None or g.draft.submitted_at is not None:
        return no_draft_page()
    return CITIZEN.save_for_later()
