"""Payment routes outside the citizen's journey: providers' callbacks and the test provider's
page; and the template helpers that show fees (`money`, `fee_overview`, `fee_lines`)."""

from __future__ import annotations

import logging
from typing import Any

from babel.numbers import format_currency
from flask import Blueprint, Flask, abort, current_app, g, redirect, render_template, request

from ..engine.fees import is_fixed, lowest_total, total
from ..extensions import csrf, db
from ..languages import current_language
from . import ForgedCallback, PaymentError, service
from .models import TestPayment

log = logging.getLogger(__name__)

bp = Blueprint("payments", __name__)


# -- providers' notifications -------------------------------------------------------------


def _fields() -> dict[str, str]:
    """What a provider posted as a form (empty for another body, e.g. a JSON webhook: the
    provider reads the raw body, passed as `body`)."""
    return request.form.to_dict()


@bp.post("/payments/<payment_id>/callback")
@csrf.exempt  # a provider's server posts here; its signature is checked instead
def callback(payment_id: str) -> Any:
    """A notification about one attempt (the callback URL given in its PaymentRequest)."""
    payment = service.find(payment_id)
    if payment is None:
        abort(404)
    return _settled(payment.reference,
                    lambda: service.callback(payment, _fields(), dict(request.headers),
                                             body=request.get_data()))


@bp.post("/payments/notify/<authority_id>")
@csrf.exempt
def notify(authority_id: str) -> Any:
    """A notification to one address for all of an authority's payments (a provider whose
    webhooks are configured per account): the provider's verified state names the payment."""
    return _settled(authority_id, lambda: service.notification(
        authority_id, _fields(), dict(request.headers), body=request.get_data()))


def _settled(what: str, settle: Any) -> Any:
    try:
        if settle() is None:
            abort(404)
    except ForgedCallback as error:
        log.warning("payment callback refused for %s: %s", what, error)
        return {"status": "refused"}, 400
    except PaymentError as error:  # the provider could not be asked: it retries later
        log.warning("payment callback for %s not settled: %s", what, error)
        return {"status": "retry later"}, 503
    return {"status": "ok"}, 200


# -- the test provider's page ---------------------------------------------------------------


@bp.route("/test-payment/<payment_id>", methods=["GET", "POST"])
def test_page(payment_id: str) -> Any:
    from .test_provider import OUTCOMES, finish

    row = db.session.get(TestPayment, payment_id)
    if row is None or not current_app.config.get("PAYMENT_TEST_PROVIDER"):
        abort(404)  # where the test provider is off, nobody pays (or fakes paying) with it
    if request.method == "POST":
        outcome = request.form.get("outcome", "")
        if outcome not in OUTCOMES:
            abort(400)
        finish(payment_id, outcome)
        return redirect(row.return_url, code=303)
    return render_template("payments/test_page.html", payment=row)


# -- showing fees ---------------------------------------------------------------------------------


def money(cents: int | None, language: str | None = None) -> str:
    """Euro cents as the citizen's locale writes an amount: 1.200,00 € / €1,200.00."""
    locale = {"de": "de_DE", "en": "en_GB", "uk": "uk_UA", "tr": "tr_TR", "ar": "ar_EG"}.get(
        language or current_language(), "de_DE")
    return format_currency((cents or 0) / 100, "EUR", locale=locale)


def fee_overview(form: Any) -> dict[str, Any] | None:
    """What the start page says about the cost: every item, and the lowest total."""
    if not form.fees:
        return None
    responsible = g.get("responsible")
    authority = responsible.authority if responsible is not None else None
    overrides = service.overrides_of(form, authority)
    items = [{"label": fee.label, "amount": fee.amount_for(overrides),
              "conditional": fee.condition is not None}
             for fee in form.fees if fee.amount_for(overrides) > 0]
    if not items:
        return None
    return {"items": items, "lowest": lowest_total(form.fees, overrides),
            "fixed": is_fixed(form.fees), "by_authority": authority is None}


def fee_lines(form: Any, answers: Any) -> dict[str, Any] | None:
    """What the summary lists: the items these answers make apply, and their total."""
    lines = service.fee_lines(form, answers or {})
    if not lines:
        return None
    return {"lines": lines, "total": total(lines)}


def init_app(app: Flask) -> None:
    from . import models  # noqa: F401 - the tables
    from .providers import load_built_in

    load_built_in()
    app.register_blueprint(bp)
    app.add_template_filter(money, "money")
    app.add_template_global(fee_overview, "fee_overview")
    app.add_template_global(fee_lines, "fee_lines")
