"""The GOV.UK Pay-shaped adapter against a fake GOV.UK Pay on 127.0.0.1."""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
import requests
from werkzeug.datastructures import Headers, ImmutableMultiDict

from portal.payments import ForgedCallback, PaymentError, PaymentRequest, ProviderSettings
from portal.payments.govuk import GovUkPay
from portal.payments.providers import provider_for

from .fakes import GovUkFake, Receiver, running

API_KEY = "api_test_1234"
WEBHOOK_SECRET = "webhook_live_secret"


@pytest.fixture
def fake() -> Iterator[GovUkFake]:
    with running(GovUkFake(API_KEY, WEBHOOK_SECRET)) as server:
        yield server


@pytest.fixture
def secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AMTSWEG_PAYMENT_BAUAUFSICHT_ROSTOCK_API_KEY", API_KEY)
    monkeypatch.setenv("AMTSWEG_PAYMENT_WEBHOOK_SECRET", WEBHOOK_SECRET)


def provider(fake: GovUkFake, **options: object) -> GovUkPay:
    settings = ProviderSettings("bauaufsicht-rostock", "govuk",
                                {"base_url": fake.url, **options})
    built = provider_for(settings)
    assert isinstance(built, GovUkPay)
    return built


def request(reference: str = "BA-2026-0001", amount: int = 4250) -> PaymentRequest:
    return PaymentRequest(reference=reference, amount=amount,
                          description="Bauantrag: Gebühr Gebäudeklasse 1",
                          return_url="https://amtsweg.example/payment/return/abc",
                          callback_url="https://amtsweg.example/payment/callback",
                          language="de")


def citizen_pays(next_url: str, outcome: str) -> str:
    """The citizen's browser on the provider's pages; where they are sent back to."""
    answer = requests.get(next_url, params={"outcome": outcome}, allow_redirects=False,
                          timeout=5)
    assert answer.status_code == 303
    return answer.headers["Location"]


def test_a_paid_payment_is_confirmed_by_the_api(fake: GovUkFake, secrets: None) -> None:
    govuk = provider(fake)
    started = govuk.start(request())

    created = json.loads(fake.seen[0].body)
    assert fake.seen[0].headers["authorization"] == f"Bearer {API_KEY}"
    assert created == {"amount": 4250, "reference": "BA-2026-0001",
                       "description": "Bauantrag: Gebühr Gebäudeklasse 1",
                       "return_url": "https://amtsweg.example/payment/return/abc",
                       "language": "en"}  # GOV.UK Pay speaks en and cy; de falls back
    assert started.method == "GET"
    assert started.next_url == f"{fake.url}/pay/{started.provider_payment_id}"
    assert govuk.state(started.provider_payment_id).status == "open"

    back = citizen_pays(started.next_url, "success")
    assert back == "https://amtsweg.example/payment/return/abc"
    state = govuk.state(started.provider_payment_id)
    assert (state.status, state.amount, state.reference) == ("paid", 4250, "BA-2026-0001")
    assert state.paid_at == datetime(2026, 12, 4, 10, 5, tzinfo=UTC)


def test_a_language_the_provider_speaks_is_passed_on(fake: GovUkFake, secrets: None) -> None:
    fake.languages = ("en", "cy", "de")
    govuk = provider(fake, languages=["de", "en"])
    govuk.start(request())
    assert json.loads(fake.seen[0].body)["language"] == "de"


@pytest.mark.parametrize(("outcome", "status"), [
    ("user-cancelled", "cancelled"),      # failed, P0030
    ("service-cancelled", "cancelled"),
    ("declined", "failed"),
    ("error", "failed"),
    ("submitted", "open"),
])
def test_unpaid_outcomes(fake: GovUkFake, secrets: None, outcome: str, status: str) -> None:
    govuk = provider(fake)
    started = govuk.start(request())
    citizen_pays(started.next_url, outcome)
    state = govuk.state(started.provider_payment_id)
    assert state.status == status
    assert state.paid_at is None


def test_an_unknown_final_status_is_an_error_not_a_guess(fake: GovUkFake, secrets: None) -> None:
    govuk = provider(fake)
    started = govuk.start(request())
    fake.payments[started.provider_payment_id]["state"] = {"status": "refunded",
                                                            "finished": True}
    with pytest.raises(PaymentError, match="unknown final status 'refunded'"):
        govuk.state(started.provider_payment_id)


def test_a_webhook_is_checked_and_then_confirmed_with_the_api(
        fake: GovUkFake, receiver: Receiver, secrets: None) -> None:
    fake.webhook_url = receiver.url
    govuk = provider(fake)
    started = govuk.start(request())
    citizen_pays(started.next_url, "success")

    [webhook] = receiver.received
    asked = len(fake.seen)
    # as a Flask view passes them: request.form, request.headers, request.get_data()
    state = govuk.verify_callback(ImmutableMultiDict(), Headers(webhook.headers),
                                  body=webhook.body, expected=request())
    assert state.status == "paid"
    assert fake.seen[asked].path == f"/v1/payments/{started.provider_payment_id}"


def test_a_webhook_is_only_a_trigger(fake: GovUkFake, secrets: None) -> None:
    """Correctly signed, but its content says success: the API's answer counts."""
    govuk = provider(fake)
    started = govuk.start(request())
    citizen_pays(started.next_url, "declined")
    payment = fake.payments[started.provider_payment_id]
    body, headers = fake.webhook(started.provider_payment_id,
                                 resource={**payment, "state": {"status": "success"}})
    assert govuk.verify_callback({}, headers, body=body).status == "failed"


def test_forged_webhooks_are_refused(fake: GovUkFake, secrets: None) -> None:
    govuk = provider(fake)
    started = govuk.start(request())
    body, headers = fake.webhook(started.provider_payment_id)
    asked = len(fake.seen)

    with pytest.raises(ForgedCallback, match="does not match"):
        govuk.verify_callback({}, headers, body=body.replace(b'"api_version": 1',
                                                             b'"api_version": 2'))
    _, other = fake.webhook(started.provider_payment_id, secret="someone else's secret")
    with pytest.raises(ForgedCallback, match="does not match"):
        govuk.verify_callback({}, other, body=body)
    with pytest.raises(ForgedCallback, match="no Pay-Signature"):
        govuk.verify_callback({}, {"Content-Type": "application/json"}, body=body)
    assert len(fake.seen) == asked  # nothing was asked on a forged webhook's behalf


def test_a_webhook_for_another_amount_is_refused(fake: GovUkFake, secrets: None) -> None:
    govuk = provider(fake)
    started = govuk.start(request(amount=100))
    citizen_pays(started.next_url, "success")
    body, headers = fake.webhook(started.provider_payment_id)
    with pytest.raises(ForgedCallback, match="100 cents"):
        govuk.verify_callback({}, headers, body=body, expected=request(amount=4250))


def test_a_wrong_api_key_says_so(fake: GovUkFake, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AMTSWEG_PAYMENT_API_KEY", "api_test_wrong")
    with pytest.raises(PaymentError) as error:
        provider(fake).start(request())
    message = str(error.value)
    assert "refused the API key (HTTP 401)" in message
    assert "AMTSWEG_PAYMENT_BAUAUFSICHT_ROSTOCK_API_KEY" in message


def test_missing_secrets_name_their_environment_variables(
        fake: GovUkFake, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("AMTSWEG_PAYMENT_API_KEY", "AMTSWEG_PAYMENT_WEBHOOK_SECRET",
                 "AMTSWEG_PAYMENT_BAUAUFSICHT_ROSTOCK_API_KEY",
                 "AMTSWEG_PAYMENT_BAUAUFSICHT_ROSTOCK_WEBHOOK_SECRET"):
        monkeypatch.delenv(name, raising=False)
    govuk = provider(fake)
    with pytest.raises(PaymentError, match="AMTSWEG_PAYMENT_BAUAUFSICHT_ROSTOCK_API_KEY"):
        govuk.start(request())
    with pytest.raises(PaymentError,
                       match="AMTSWEG_PAYMENT_BAUAUFSICHT_ROSTOCK_WEBHOOK_SECRET"):
        govuk.verify_callback({}, {"Pay-Signature": "00"}, body=b"{}")
    assert fake.seen == []


def test_an_unreachable_provider_is_a_payment_error(secrets: None) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    govuk = GovUkPay(ProviderSettings("bauaufsicht-rostock", "govuk",
                                      {"base_url": f"http://127.0.0.1:{port}", "timeout": 2}))
    with pytest.raises(PaymentError, match="GOV.UK Pay is not reachable"):
        govuk.start(request())
    with pytest.raises(PaymentError, match="GOV.UK Pay is not reachable"):
        govuk.state("abc")


@pytest.mark.parametrize(("broken", "message"), [
    ((503, "text/html", b"<h1>Service unavailable</h1>"), r"failed \(HTTP 503\)"),
    ((201, "text/html", b"<h1>Welcome</h1>"), "not JSON"),
    ((201, "application/json", b'{"payment_id": "x"}'), "no payment_id or _links.next_url"),
    ((201, "application/json", b"[1, 2]"), "not an object"),
])
def test_unusable_answers_are_payment_errors(fake: GovUkFake, secrets: None,
                                            broken: tuple[int, str, bytes],
                                            message: str) -> None:
    fake.broken = broken
    with pytest.raises(PaymentError, match=message):
        provider(fake).start(request())


def test_a_refused_payment_names_the_providers_reason(fake: GovUkFake, secrets: None) -> None:
    govuk = provider(fake, languages=["de"])  # the fake, like GOV.UK Pay, refuses "de"
    with pytest.raises(PaymentError, match="HTTP 422.*P0102: Invalid attribute value: language"):
        govuk.start(request())


def test_bad_options_are_refused_when_the_provider_is_built() -> None:
    with pytest.raises(PaymentError, match="base_url"):
        provider_for(ProviderSettings("a", "govuk", {"base_url": "ftp://pay.example"}))
    with pytest.raises(PaymentError, match="timeout"):
        provider_for(ProviderSettings("a", "govuk", {"timeout": 0}))
