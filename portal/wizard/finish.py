"""The end of the journey: check answers, submit, confirmation and the PDF receipt."""

from __future__ import annotations

from base64 import b64encode
from typing import Any

from flask import abort, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from ..authorities.routing import responsible_of
from ..payments import service as payment
from ..receipt.service import ensure_receipt, receipt_by_code, receipt_code
from ..reference import normalise as normalise_reference
from ..submissions import NotComplete, submission_for, submit
from . import bp
from .pay import pay
from .views import controller, no_draft_page

# -- check answers, submit, confirmation ----------------------------------------------


@bp.get("/forms/<form_id>/summary")
def summary(form_id: str) -> Any:
    journey = controller()
    first_open = journey.journey.first_open()
    if first_open is not None:
        return redirect(journey.step_url(first_open), code=303)
    return journey.summary()


@bp.post("/forms/<form_id>/submit")
def send(form_id: str) -> Any:
    journey = controller()
    try:
        lines = payment.fee_lines(g.form, g.draft.answers)
        if lines:
            # A fee: sent only once the provider confirms the payment (wizard/pay.py).
            return pay(lines)
        submit(g.draft)
    except NotComplete as incomplete:
        first = g.form.step(next(iter(incomplete.problems)))
        return journey.summary(incomplete.problems, 422, first_problem=first)
    return redirect(url_for("wizard.confirmation", form_id=form_id), code=303)


@bp.get("/forms/<form_id>/confirmation")
def confirmation(form_id: str) -> Any:
    if g.draft is None or (submission := submission_for(g.draft)) is None:
        return no_draft_page()
    # The reference is shown whatever became of the receipt; one that could not be made at
    # the submit is tried again here, and until then the page says it is being prepared.
    stored = ensure_receipt(submission)
    g.responsible = responsible_of(submission, g.form)  # the footer links the authority's pages
    return render_template(
        "wizard/confirmation.html", form=g.form, submission=submission,
        receipt_url=url_for("wizard.receipt", form_id=form_id) if stored else None,
        receipt_code=receipt_code(submission) if stored else None)


# -- the PDF receipt ---------------------------------------------------------------------


def _pdf_download(pdf: bytes, sha256: str, reference: str) -> Response:
    response = Response(pdf, mimetype="application/pdf")
    response.headers["Content-Disposition"] = f'attachment; filename="{reference}.pdf"'
    response.headers["Content-Digest"] = f"sha-256=:{b64encode(bytes.fromhex(sha256)).decode()}:"
    response.headers["Cache-Control"] = "no-store"  # it holds every answer
    return response


@bp.get("/forms/<form_id>/receipt")
def receipt(form_id: str) -> Any:
    """The receipt, for the browser whose draft became the submission."""
    submission = submission_for(g.draft) if g.draft is not None else None
    if submission is None or submission.deleted_at is not None:
        abort(404)
    stored = ensure_receipt(submission)
    if stored is None:  # still not made: the confirmation page says so
        return redirect(url_for("wizard.confirmation", form_id=form_id), code=303)
    return _pdf_download(stored.pdf, stored.sha256, submission.reference)


@bp.route("/receipt", methods=["GET", "POST"])
def find_receipt() -> Any:
    """The receipt by reference number and receipt code, from any browser."""
    reference = request.form.get("reference", "").strip()
    code = request.form.get("receipt_code", "").strip()
    if request.method == "POST":
        if (stored := receipt_by_code(reference, code)) is not None:
            return _pdf_download(stored.pdf, stored.sha256, normalise_reference(reference))
        # One answer for a wrong reference and a wrong code: neither is confirmed to exist.
        error = _("Zu dieser Vorgangsnummer und diesem Code haben wir keine Eingangsbestätigung "
                  "gefunden. Prüfen Sie beide Angaben.")
        return render_template("wizard/receipt.html", error=error, reference=reference,
                               code=code), 404
    return render_template("wizard/receipt.html", error=None, reference="", code="")
