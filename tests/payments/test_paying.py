"""Paying a fee inside the journey: only a payment the provider confirms sends the application,
exactly once, whatever order the citizen's return and the provider's callback come in."""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from portal import drafts
from portal.authorities import forget_cached
from portal.authorities.models import Authority
from portal.extensions import db
from portal.handover.envelope import build_envelope
from portal.models import Draft, Submission
from portal.payments import ForgedCallback, PaymentState, Started
from portal.payments.models import Payment
from portal.payments.providers import FACTORIES
from portal.payments.test_provider import callback_fields
from portal.publishing import compiled, current_version
from tests.handover.helpers import bearer, destination, token_for
from tests.walk import Walker, send

pytestmark = pytest.mark.both_databases


def _summary(client) -> str:
    return Walker(client, compiled(current_version("bauantrag"))).walk()


def _submissions() -> list[Submission]:
    return list(db.session.execute(select(Submission)).scalars())


def _payments() -> list[Payment]:
    return list(db.session.execute(select(Payment).order_by(Payment.created_at)).scalars())


def _to_provider(client) -> str:
    """Press send on the summary: the test provider's page."""
    response = client.post("/forms/bauantrag/submit")
    assert response.status_code == 303
    location = response.headers["Location"]
    assert "/test-payment/" in location
    return location


def test_the_start_page_says_what_it_costs_and_the_summary_lists_the_fee(app, client):
    start = client.get("/forms/bauantrag/").text
    assert "Kosten" in start and "ab 150,00\xa0€" in start
    assert "Baugenehmigungsgebühr, Gebäudeklasse 5: 1.200,00\xa0€" in start
    summary = _summary(client)  # the walker chooses building class 1
    lines = re.search(r'<dl class="summary-list" id="fee-lines">(.*?)</dl>', summary, re.S)[1]
    assert "Baugenehmigungsgebühr, Gebäudeklasse 1 oder 2" in lines
    assert "Gebäudeklasse 5" not in lines
    assert re.search(r'id="fee-total">300,00\xa0€<', summary)
    assert "Als Nächstes bezahlen Sie 300,00\xa0€ online." in summary


def test_english_amounts_are_written_the_english_way(app, client):
    client.get("/language/en")
    start = client.get("/forms/bauantrag/").text
    assert "from €150.00" in start


def test_paying_with_the_test_provider_sends_the_application_with_its_payment(app, client):
    _summary(client)
    page = client.get(_to_provider(client))
    assert "Dies ist eine Testzahlung. Es wird kein echtes Geld bewegt." in page.text
    assert not _submissions()  # nothing is sent before the payment is confirmed
    response = send(client, "bauantrag")
    assert response.status_code == 303 and response.headers["Location"].endswith(
        "/confirmation")
    [submission] = _submissions()
    [paid, open_attempt] = sorted(_payments(), key=lambda p: p.status != "paid")
    assert open_attempt.status == "open"  # the first page, left without a button: abandoned
    assert paid.status == "paid" and paid.submission_id == submission.id
    assert paid.amount == 30000 and paid.items[0]["code"] == "genehmigung_gk1_2"
    payment = build_envelope(submission)["metadata"]["payment"]
    assert payment["status"] == "paid" and payment["amount"] == 30000
    assert payment["currency"] == "EUR" and payment["reference"] == paid.reference
    assert payment["provider"] == "test" and payment["paid_at"].endswith("Z")
    confirmation = client.get("/forms/bauantrag/confirmation")
    assert submission.reference in confirmation.text


@pytest.mark.parametrize("outcome,words", [("cancel", "Sie haben die Bezahlung abgebrochen"),
                                           ("fail", "Die Bezahlung hat nicht geklappt")])
def test_a_cancelled_or_failed_payment_keeps_the_draft_and_can_be_tried_again(
        app, client, outcome, words):
    _summary(client)
    response = send(client, "bauantrag", outcome=outcome)
    assert response.status_code == 200 and words in response.text
    assert 'id="try-again"' in response.text and 'id="save-for-later"' in response.text
    assert not _submissions()
    [attempt] = _payments()
    assert attempt.status == {"cancel": "cancelled", "fail": "failed"}[outcome]
    # The answers are all still there: the summary opens, complete.
    assert 'id="fee-total"' in client.get("/forms/bauantrag/summary").text
    # Save and continue later gives a resume code.
    saved = client.post("/forms/bauantrag/payment/save")
    assert saved.status_code == 303 and saved.headers["Location"].endswith("/saved")
    # Trying again is a new attempt with a new Kassenzeichen, and this one is paid.
    assert send(client, "bauantrag").status_code == 303
    [submission] = _submissions()
    first, second = _payments()
    assert first.reference != second.reference and second.submission_id == submission.id


def _return_url(payment: Payment) -> str:
    return f"/forms/bauantrag/payment/{payment.id}/return"


@pytest.mark.parametrize("order", [
    ("callback", "callback", "return", "return"),
    ("return", "callback", "return", "callback"),
    ("return", "return", "callback", "callback"),
])
def test_return_and_callback_in_any_order_and_twice_make_one_submission(app, client, order):
    _summary(client)
    provider_page = _to_provider(client)
    assert client.post(provider_page, data={"outcome": "pay"}).status_code == 303
    [attempt] = _payments()
    for what in order:
        if what == "callback":
            answer = app.test_client().post(f"/payments/{attempt.id}/callback",
                                            data=callback_fields(attempt.provider_payment_id))
            assert answer.status_code == 200
        else:
            answer = client.get(_return_url(attempt))
            assert answer.status_code == 303
            assert answer.headers["Location"].endswith("/confirmation")
    [submission] = _submissions()
    [payment] = _payments()
    assert payment.status == "paid" and payment.submission_id == submission.id


def test_the_return_alone_is_not_trusted(app, client):
    _summary(client)
    _to_provider(client)  # the citizen leaves for the provider and comes back without paying
    [attempt] = _payments()
    page = client.get(_return_url(attempt))
    assert page.status_code == 200 and "Ihre Zahlung ist noch nicht bestätigt" in page.text
    assert not _submissions()


def test_a_forged_test_provider_callback_is_refused(app, client):
    _summary(client)
    _to_provider(client)
    [attempt] = _payments()
    fields = {"payment_id": attempt.provider_payment_id, "status": "paid",
              "signature": "0" * 64}
    answer = app.test_client().post(f"/payments/{attempt.id}/callback", data=fields)
    assert answer.status_code == 400
    assert not _submissions() and _payments()[0].status == "open"


# -- a provider of another site, with signed callbacks (a stand-in for the real adapters) ------


KEY = b"fake provider secret"


class SignedFake:
    """Pays at "https://pay.example", confirms by state() and HMAC-signed callbacks."""

    name = "signed-fake"
    ledger: dict[str, str] = {}

    def __init__(self, settings) -> None:
        self.method = settings.options.get("method", "GET")

    def start(self, request) -> Started:
        payment_id = f"fake-{request.reference}"
        self.ledger[payment_id] = "open"
        return Started(payment_id, f"https://pay.example/checkout/{payment_id}", self.method,
                       {"reference": request.reference, "amount": str(request.amount)}
                       if self.method == "POST" else {})

    def state(self, provider_payment_id: str) -> PaymentState:
        status = self.ledger[provider_payment_id]
        return PaymentState(provider_payment_id, status, None,
                            datetime.now(UTC) if status == "paid" else None)

    def verify_callback(self, form, headers, **_) -> PaymentState:
        expected = hmac.new(KEY, f"{form.get('id')}:{form.get('status')}".encode(),
                            hashlib.sha256).hexdigest()
        if not hmac.compare_digest(headers.get("X-Signature", ""), expected):
            raise ForgedCallback("bad signature")
        return PaymentState(form["id"], form["status"], None, datetime.now(UTC))


@pytest.fixture
def fake_provider(app):
    FACTORIES["signed-fake"] = SignedFake
    SignedFake.ledger.clear()

    def configure(**options):
        db.session.execute(update(Authority).where(Authority.id == "bauaufsicht-berlin-mitte")
                           .values(payment={"provider": "signed-fake", "options": options}))
        db.session.commit()
        forget_cached()

    yield configure
    FACTORIES.pop("signed-fake", None)
    forget_cached()


def _sign(payment_id: str, status: str) -> dict[str, str]:
    return {"X-Signature": hmac.new(KEY, f"{payment_id}:{status}".encode(),
                                    hashlib.sha256).hexdigest()}


def test_a_forged_callback_signature_is_refused_and_a_signed_one_settles(app, client,
                                                                         fake_provider):
    fake_provider()
    _summary(client)
    page = client.post("/forms/bauantrag/submit")
    # Another site: our page says so and links there (a redirect from the form's POST would
    # be blocked by the page's form-action policy).
    assert page.status_code == 200 and "Weiter zur Bezahlung" in page.text
    assert 'href="https://pay.example/checkout/fake-' in page.text
    [attempt] = _payments()
    assert attempt.provider == "signed-fake"
    SignedFake.ledger[attempt.provider_payment_id] = "paid"
    fields = {"id": attempt.provider_payment_id, "status": "paid"}
    forged = app.test_client().post(f"/payments/{attempt.id}/callback", data=fields,
                                    headers={"X-Signature": "f" * 64})
    assert forged.status_code == 400 and not _submissions()
    other = app.test_client().post(f"/payments/{attempt.id}/callback",
                                   data={"id": "fake-somebody-else", "status": "paid"},
                                   headers=_sign("fake-somebody-else", "paid"))
    assert other.status_code == 400 and not _submissions()
    assert _payments()[0].status == "open"
    signed = app.test_client().post(f"/payments/{attempt.id}/callback", data=fields,
                                    headers=_sign(attempt.provider_payment_id, "paid"))
    assert signed.status_code == 200
    [submission] = _submissions()
    assert _payments()[0].submission_id == submission.id


def test_a_provider_that_takes_a_form_post_gets_a_form_with_a_button(app, client,
                                                                     fake_provider):
    fake_provider(method="POST")
    _summary(client)
    page = client.post("/forms/bauantrag/submit")
    assert page.status_code == 200
    assert re.search(r'<form method="post" action="https://pay.example/checkout/fake-[^"]+">',
                     page.text)
    assert 'name="amount" value="30000"' in page.text and 'id="to-provider"' in page.text
    assert "form-action 'self' https://pay.example" in page.headers["Content-Security-Policy"]


# -- abandoned, reconciled, expired ---------------------------------------------------------------


def test_reconcile_sends_a_paid_application_nobody_came_back_for(app, client, runner):
    _summary(client)
    provider_page = _to_provider(client)
    client.post(provider_page, data={"outcome": "pay"})  # and the browser is closed
    result = runner.invoke(args=["payments", "reconcile"])
    assert result.exit_code == 0, result.output
    [submission] = _submissions()
    assert f"paid; application {submission.reference} sent" in result.output
    again = runner.invoke(args=["payments", "reconcile"])
    assert "0 paid" in again.output and len(_submissions()) == 1


def test_reconcile_records_a_cancelled_payment_and_keeps_the_draft(app, client, runner):
    _summary(client)
    provider_page = _to_provider(client)
    client.post(provider_page, data={"outcome": "cancel"})
    result = runner.invoke(args=["payments", "reconcile"])
    assert ": cancelled" in result.output
    assert _payments()[0].status == "cancelled" and not _submissions()
    assert db.session.execute(select(Draft)).scalar_one().submitted_at is None


def test_a_payment_confirmed_after_the_draft_expired_still_becomes_the_submission(
        app, client, runner):
    _summary(client)
    provider_page = _to_provider(client)
    client.post(provider_page, data={"outcome": "pay"})
    db.session.execute(update(Draft).values(expires_at=datetime.now(UTC) - timedelta(days=1)))
    db.session.commit()
    assert drafts.delete_expired() == 0  # kept: its payment is not settled yet
    result = runner.invoke(args=["payments", "reconcile"])
    assert result.exit_code == 0
    [submission] = _submissions()
    assert _payments()[0].submission_id == submission.id


# -- configuration --------------------------------------------------------------------------------


def test_without_a_provider_in_production_forms_load_and_payments_check_fail(app, runner,
                                                                              client):
    app.config["PAYMENT_TEST_PROVIDER"] = False
    from portal.authorities import import_jurisdictions, load_authorities
    from tests.conftest import ROOT

    load_authorities(ROOT / "authorities", create_destinations=True)
    import_jurisdictions(ROOT / "authorities" / "jurisdictions.csv")
    result = runner.invoke(args=["payments", "check"])
    assert result.exit_code == 1
    assert "bauantrag: charges a fee, but bauaufsicht-berlin-mitte cannot take it" in \
        result.output
    loaded = runner.invoke(args=["forms", "load"])
    assert loaded.exit_code == 1 and "payments are not configured" in loaded.output
    # Should a citizen get there all the same, nothing is lost: the answers stay.
    _summary(client)
    page = client.post("/forms/bauantrag/submit")
    assert page.status_code == 503 and "Die Bezahlung ist gerade nicht möglich" in page.text
    assert not _submissions()


def test_the_api_lists_the_payment(app, client):
    destination("bauaufsicht")
    token = token_for("bauaufsicht")
    _summary(client)
    send(client, "bauantrag")
    listed = client.get("/api/v1/submissions", headers=bearer(token)).get_json()["items"]
    assert listed[0]["payment"]["status"] == "paid"
    assert listed[0]["payment"]["amount"] == 30000
    one = client.get(f"/api/v1/submissions/{listed[0]['id']}", headers=bearer(token)).get_json()
    assert one["envelope"]["metadata"]["payment"]["reference"] == listed[0]["payment"][
        "reference"]


def test_a_form_without_a_fee_is_sent_at_once(app, client):
    Walker(client, compiled(current_version("onlinewache"))).walk()
    response = client.post("/forms/onlinewache/submit")
    assert response.status_code == 303 and response.headers["Location"].endswith(
        "/confirmation")
    assert not _payments()
    assert "payment" not in build_envelope(_submissions()[0])["metadata"]




def test_where_the_test_provider_is_off_its_page_is_gone_and_no_authority_can_name_it(
        app, client, runner):
    _summary(client)
    provider_page = _to_provider(client)
    app.config["PAYMENT_TEST_PROVIDER"] = False
    assert client.get(provider_page).status_code == 404
    assert client.post(provider_page, data={"outcome": "pay"}).status_code == 404
    db.session.execute(update(Authority).where(Authority.id == "bauaufsicht-berlin-mitte")
                       .values(payment={"provider": "test", "options": {}}))
    db.session.commit()
    forget_cached()
    try:
        result = runner.invoke(args=["payments", "check"])
        assert result.exit_code == 1 and "names the test provider, which is switched off" \
            in result.output
    finally:
        forget_cached()


def test_paying_twice_in_two_tabs_sends_once_and_notes_the_second_payment(app, client,
                                                                          runner):
    _summary(client)
    first_page, second_page = _to_provider(client), _to_provider(client)  # two tabs
    client.post(first_page, data={"outcome": "pay"})
    client.post(second_page, data={"outcome": "pay"})
    first, second = _payments()
    assert client.get(_return_url(first)).status_code == 303
    again = client.get(_return_url(second))
    assert again.status_code == 200 and "mit einer anderen Zahlung gesendet" in again.text
    [submission] = _submissions()
    first, second = _payments()
    assert first.submission_id == submission.id and second.submission_id is None
    assert second.status == "paid" and "refund" in second.note
    assert f"{second.reference}: NOTE" in runner.invoke(args=["payments", "reconcile"]).output


def test_answers_made_incomplete_while_paying_wait_for_the_citizen_and_are_not_paid_again(
        app, client):
    _summary(client)
    provider_page = _to_provider(client)
    client.post(provider_page, data={"outcome": "pay"})
    [attempt] = _payments()
    # Another window removes a required answer meanwhile.
    draft = drafts.find_draft(attempt.draft_id)
    answers = dict(draft.answers)
    answers.pop("gebaeudeklasse")
    drafts.save(draft, answers, draft.completed_steps, None, 30)
    page = client.get(_return_url(attempt))
    assert page.status_code == 200 and "noch nicht vollständig" in page.text
    assert not _submissions()
    # The answer is given again; sending uses the payment made, no second one.
    drafts.save(draft, {**answers, "gebaeudeklasse": "1"}, draft.completed_steps, None, 30)
    response = client.post("/forms/bauantrag/submit")
    assert response.status_code == 303 and response.headers["Location"].endswith(
        "/confirmation")
    [submission] = _submissions()
    [payment] = _payments()
    assert payment.submission_id == submission.id


def test_one_notification_address_per_authority_and_a_return_by_form_post(app, client,
                                                                          fake_provider):
    fake_provider()
    _summary(client)
    client.post("/forms/bauantrag/submit")
    [attempt] = _payments()
    SignedFake.ledger[attempt.provider_payment_id] = "paid"
    fields = {"id": attempt.provider_payment_id, "status": "paid"}
    address = "/payments/notify/bauaufsicht-berlin-mitte"
    forged = app.test_client().post(address, data=fields, headers={"X-Signature": "0" * 64})
    assert forged.status_code == 400 and not _submissions()
    unknown = app.test_client().post(address, data={"id": "fake-nobody", "status": "paid"},
                                     headers=_sign("fake-nobody", "paid"))
    assert unknown.status_code == 404
    signed = app.test_client().post(address, data=fields,
                                    headers=_sign(attempt.provider_payment_id, "paid"))
    assert signed.status_code == 200 and len(_submissions()) == 1
    # The provider sends the citizen back with a form post (no CSRF token, no cookie needed):
    back = client.post(_return_url(attempt), data={"anything": "x"})
    assert back.status_code == 303 and back.headers["Location"].endswith(_return_url(attempt))
    assert client.get(_return_url(attempt)).headers["Location"].endswith("/confirmation")


def test_providers_post_without_a_csrf_token_the_citizens_pages_keep_it(app, client):
    _summary(client)
    provider_page = _to_provider(client)
    client.post(provider_page, data={"outcome": "pay"})
    [attempt] = _payments()
    app.config["WTF_CSRF_ENABLED"] = True
    fields = callback_fields(attempt.provider_payment_id)
    assert app.test_client().post(f"/payments/{attempt.id}/callback",
                                  data=fields).status_code == 200
    assert client.post(_return_url(attempt)).status_code == 303
    # The test provider's buttons and "send" are the citizen's own forms: a token is needed.
    assert client.post(provider_page, data={"outcome": "fail"}).status_code == 400
    assert client.post("/forms/bauantrag/payment/save").status_code == 400


def test_a_return_in_another_browser_settles_but_shows_nothing_of_the_draft(app, client):
    _summary(client)
    provider_page = _to_provider(client)
    client.post(provider_page, data={"outcome": "pay"})
    [attempt] = _payments()
    stranger = app.test_client().get(_return_url(attempt))
    assert stranger.status_code in (404, 410)
    assert "Baugenehmigungsgebühr" not in stranger.text
    [submission] = _submissions()  # confirmed server-side all the same
    assert client.get(_return_url(attempt)).headers["Location"].endswith("/confirmation")
    assert _payments()[0].submission_id == submission.id
