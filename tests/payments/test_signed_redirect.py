"""The signed-redirect adapter against a fake municipal payment service on 127.0.0.1."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from urllib.parse import parse_qsl

import pytest
import requests
from werkzeug.datastructures import Headers, ImmutableMultiDict

from portal.payments import ForgedCallback, PaymentError, PaymentRequest, ProviderSettings
from portal.payments.providers import provider_for
from portal.payments.signed_redirect import STATUS_QUERY_FIELDS, SignedRedirect, canonical

from .fakes import MunicipalFake, Receiver, running

KEY = "a shared key of the Kasse"
MERCHANT = "kasse-rostock"


@pytest.fixture
def fake() -> Iterator[MunicipalFake]:
    with running(MunicipalFake(KEY, MERCHANT)) as server:
        yield server


@pytest.fixture
def secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AMTSWEG_PAYMENT_BAUAUFSICHT_ROSTOCK_HMAC_KEY", KEY)


def provider(fake: MunicipalFake, **options: object) -> SignedRedirect:
    built = provider_for(ProviderSettings(
        "bauaufsicht-rostock", "redirect",
        {"url": f"{fake.url}/pay", "merchant_id": MERCHANT, **options}))
    assert isinstance(built, SignedRedirect)
    return built


def request(receiver: Receiver, reference: str = "BA-2026-0001", amount: int = 4250,
            description: str = "Bauantrag: Gebühr Gebäudeklasse 1") -> PaymentRequest:
    return PaymentRequest(reference=reference, amount=amount, description=description,
                          return_url="https://amtsweg.example/payment/return/abc",
                          callback_url=receiver.url, language="de")


def browser_posts(url: str, fields: dict[str, str], outcome: str = "paid") -> requests.Response:
    """The citizen's browser submits the signed form to the provider and pays (or not)."""
    return requests.post(url, params={"outcome": outcome}, data=fields, allow_redirects=False,
                         timeout=5)


def notification(receiver: Receiver) -> dict[str, str]:
    [received] = receiver.received
    return dict(parse_qsl(received.body.decode(), keep_blank_values=True))


def test_a_paid_payment_is_confirmed_by_the_signed_notification(
        fake: MunicipalFake, receiver: Receiver, secrets: None) -> None:
    redirect = provider(fake)
    attempt = request(receiver)
    started = redirect.start(attempt)
    assert (started.method, started.next_url) == ("POST", f"{fake.url}/pay")
    assert started.provider_payment_id == "BA-2026-0001"
    assert started.fields["amount"] == "4250"
    assert started.fields["notify_url"] == receiver.url

    answer = browser_posts(started.next_url, dict(started.fields))
    assert answer.status_code == 303  # the fake checked our hash and took the payment
    assert answer.headers["Location"] == attempt.return_url

    [received] = receiver.received  # as a Flask view passes request.form, request.headers
    form = ImmutableMultiDict(parse_qsl(received.body.decode(), keep_blank_values=True))
    state = redirect.verify_callback(form, Headers(received.headers), expected=attempt)
    assert (state.status, state.amount, state.reference) == ("paid", 4250, "BA-2026-0001")
    assert state.provider_payment_id == started.provider_payment_id
    assert state.paid_at == datetime(2026, 12, 4, 10, 5, tzinfo=UTC)


@pytest.mark.parametrize("outcome", ["cancelled", "failed", "open"])
def test_unpaid_outcomes(fake: MunicipalFake, receiver: Receiver, secrets: None,
                         outcome: str) -> None:
    redirect = provider(fake)
    started = redirect.start(request(receiver))
    browser_posts(started.next_url, dict(started.fields), outcome)
    state = redirect.verify_callback(notification(receiver), {})
    assert state.status == outcome
    assert state.paid_at is None


def test_a_changed_form_is_refused_by_the_provider(fake: MunicipalFake, receiver: Receiver,
                                                  secrets: None) -> None:
    started = provider(fake).start(request(receiver))
    answer = browser_posts(started.next_url, {**started.fields, "amount": "1"})
    assert answer.status_code == 400
    assert fake.refused == ["BA-2026-0001"]
    assert receiver.received == []


def test_line_breaks_in_the_description_cannot_shift_the_signed_fields(
        fake: MunicipalFake, receiver: Receiver, secrets: None) -> None:
    started = provider(fake).start(request(receiver, description="Gebühr\namount=1"))
    assert started.fields["description"] == "Gebühr amount=1"
    assert browser_posts(started.next_url, dict(started.fields)).status_code == 303


@pytest.mark.parametrize("change", [
    {"status": "paid"},                   # a cancelled payment turned into a paid one
    {"amount": "1"},
    {"hash": "0" * 64},
    {"hash": ""},
])
def test_forged_notifications_are_refused(fake: MunicipalFake, receiver: Receiver,
                                          secrets: None, change: dict[str, str]) -> None:
    redirect = provider(fake)
    started = redirect.start(request(receiver))
    browser_posts(started.next_url, dict(started.fields), "cancelled")
    with pytest.raises(ForgedCallback, match="hash does not match"):
        redirect.verify_callback({**notification(receiver), **change}, {})


def test_a_notification_signed_with_another_key_is_refused(
        fake: MunicipalFake, receiver: Receiver, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AMTSWEG_PAYMENT_HMAC_KEY", KEY)
    redirect = provider(fake)
    started = redirect.start(request(receiver))
    browser_posts(started.next_url, dict(started.fields))
    monkeypatch.setenv("AMTSWEG_PAYMENT_BAUAUFSICHT_ROSTOCK_HMAC_KEY", "another authority's")
    with pytest.raises(ForgedCallback, match="hash does not match"):
        redirect.verify_callback(notification(receiver), {})


def test_incomplete_notifications_and_other_merchants_are_refused(
        fake: MunicipalFake, receiver: Receiver, secrets: None) -> None:
    redirect = provider(fake)
    started = redirect.start(request(receiver))
    browser_posts(started.next_url, dict(started.fields))
    fields = notification(receiver)
    with pytest.raises(ForgedCallback, match="lacks paid_at, hash"):
        redirect.verify_callback({k: v for k, v in fields.items()
                                  if k not in ("paid_at", "hash")}, {})
    fake.merchant_id = "kasse-schwerin"
    other = fake.notification(fake.payments["BA-2026-0001"])
    with pytest.raises(ForgedCallback, match="merchant 'kasse-schwerin'"):
        redirect.verify_callback(other, {})


def test_a_stale_notification_is_refused(fake: MunicipalFake, receiver: Receiver,
                                         secrets: None) -> None:
    fake.clock_offset = -3600
    redirect = provider(fake)
    started = redirect.start(request(receiver))
    browser_posts(started.next_url, dict(started.fields))
    with pytest.raises(ForgedCallback, match="stale or replayed"):
        redirect.verify_callback(notification(receiver), {})


def test_a_notification_replayed_after_the_window_is_refused(
        fake: MunicipalFake, receiver: Receiver, secrets: None) -> None:
    redirect = provider(fake, replay_window=300)
    started = redirect.start(request(receiver))
    browser_posts(started.next_url, dict(started.fields))
    fields = notification(receiver)
    assert redirect.verify_callback(fields, {}).status == "paid"
    assert redirect.verify_callback(fields, {}).status == "paid"  # a retry in the window

    later = SignedRedirect(redirect.settings, clock=lambda: time.time() + 301)
    with pytest.raises(ForgedCallback, match="stale or replayed"):
        later.verify_callback(fields, {})


def test_a_payment_of_another_amount_or_reference_is_refused(
        fake: MunicipalFake, receiver: Receiver, secrets: None) -> None:
    """A careless provider that does not check our hash takes the citizen's changed amount
    and signs its notification honestly: the adapter compares with the attempt."""
    fake.check_hash = False
    redirect = provider(fake)
    attempt = request(receiver)
    started = redirect.start(attempt)
    browser_posts(started.next_url, {**started.fields, "amount": "1"})
    fields = notification(receiver)
    assert redirect.verify_callback(fields, {}).amount == 1  # genuine, but...
    with pytest.raises(ForgedCallback, match="confirms 1 cents"):
        redirect.verify_callback(fields, {}, expected=attempt)
    with pytest.raises(ForgedCallback, match="reference 'BA-2026-0001'"):
        redirect.verify_callback(fields, {}, expected=request(receiver, reference="BA-2"))


def test_the_status_service_confirms_server_side(fake: MunicipalFake, receiver: Receiver,
                                                 secrets: None) -> None:
    redirect = provider(fake, status_url=f"{fake.url}/status")
    started = redirect.start(request(receiver))
    assert redirect.state(started.provider_payment_id).status == "open"  # not posted yet
    browser_posts(started.next_url, dict(started.fields))
    state = redirect.state(started.provider_payment_id)
    assert (state.status, state.amount, state.reference) == ("paid", 4250, "BA-2026-0001")

    fake.payments["BA-2026-0001"].status = "cancelled"
    assert redirect.state("BA-2026-0001").status == "cancelled"


def test_a_status_answer_that_does_not_check_out_is_an_error(
        fake: MunicipalFake, receiver: Receiver, secrets: None,
        monkeypatch: pytest.MonkeyPatch) -> None:
    redirect = provider(fake, status_url=f"{fake.url}/status")
    started = redirect.start(request(receiver))
    browser_posts(started.next_url, dict(started.fields))
    monkeypatch.setattr(fake, "notification", lambda payment: {
        **MunicipalFake.notification(fake, payment), "status": "paid", "amount": "99999"})
    fake.payments["BA-2026-0001"].status = "failed"
    with pytest.raises(PaymentError, match="does not check out.*hash does not match"):
        redirect.state(started.provider_payment_id)


def test_a_status_service_that_refuses_our_key_says_so(
        fake: MunicipalFake, receiver: Receiver, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AMTSWEG_PAYMENT_BAUAUFSICHT_ROSTOCK_HMAC_KEY", "not the Kasse's key")
    redirect = provider(fake, status_url=f"{fake.url}/status")
    with pytest.raises(PaymentError, match=r"refused our signed query \(HTTP 401\).*"
                                           "AMTSWEG_PAYMENT_BAUAUFSICHT_ROSTOCK_HMAC_KEY"):
        redirect.state("BA-2026-0001")


def test_without_a_status_service_state_confirms_nothing(fake: MunicipalFake, receiver: Receiver,
                                                         secrets: None) -> None:
    redirect = provider(fake)
    started = redirect.start(request(receiver))
    browser_posts(started.next_url, dict(started.fields))
    assert redirect.state(started.provider_payment_id).status == "open"


def test_an_unreachable_status_service_is_a_payment_error(fake: MunicipalFake,
                                                          secrets: None) -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    redirect = provider(fake, status_url=f"http://127.0.0.1:{port}/status")
    with pytest.raises(PaymentError, match="status service is not reachable"):
        redirect.state("BA-2026-0001")


def test_a_missing_key_names_its_environment_variable(
        fake: MunicipalFake, receiver: Receiver, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("AMTSWEG_PAYMENT_HMAC_KEY", raising=False)
    monkeypatch.delenv("AMTSWEG_PAYMENT_BAUAUFSICHT_ROSTOCK_HMAC_KEY", raising=False)
    redirect = provider(fake)
    for action in (lambda: redirect.start(request(receiver)),
                   lambda: redirect.verify_callback({}, {})):
        with pytest.raises(PaymentError, match="AMTSWEG_PAYMENT_BAUAUFSICHT_ROSTOCK_HMAC_KEY"):
            action()


def test_the_documented_canonical_string() -> None:
    assert canonical({"merchant_id": "M1", "reference": "K-1", "timestamp": "1700000000"},
                     STATUS_QUERY_FIELDS) == "merchant_id=M1\nreference=K-1\ntimestamp=1700000000"


@pytest.mark.parametrize(("options", "message"), [
    ({"merchant_id": MERCHANT}, "option 'url'"),
    ({"url": "https://pay.example/pay"}, "option 'merchant_id'"),
    ({"url": "https://pay.example/pay", "merchant_id": "m", "replay_window": "5"},
     "replay_window"),
    ({"url": "https://pay.example/pay", "merchant_id": "m", "status_url": "pay.example"},
     "status_url"),
])
def test_bad_options_are_refused_when_the_provider_is_built(options: dict[str, object],
                                                           message: str) -> None:
    with pytest.raises(PaymentError, match=message):
        provider_for(ProviderSettings("bauaufsicht-rostock", "redirect", options))
