"""Saved for later: the resume link by e-mail, with the code and never an answer."""

from __future__ import annotations

import re

from sqlalchemy import func, select

from portal.extensions import db
from portal.mailbox.mail import send_due
from portal.mailbox.models import OutgoingMail
from portal.mailbox.sealed import unseal


def _saved_page(client):
    client.post("/forms/onlinewache/start")
    client.post("/forms/onlinewache/steps/anliegen", data={
        "art": "anzeige", "bezug_aktenzeichen": "AZ-GEHEIM-4711", "action": "continue"})
    saved = client.post("/forms/onlinewache/steps/tat",
                        data={"delikt": "betrug", "action": "save"})
    page = client.get(saved.headers["Location"])
    return page, re.search(r'id="resume-code">([^<]+)<', page.text).group(1)


def test_the_saved_page_offers_the_link_by_email(app, client):
    page, code = _saved_page(client)
    assert 'autocomplete="email"' in page.text
    assert 'action="/forms/onlinewache/saved/email"' in page.text
    assert "Ihre E-Mail-Adresse speichern wir darüber hinaus nicht" in page.text


def test_the_mail_is_queued_with_the_link_and_no_answer(app, client):
    page, code = _saved_page(client)
    posted = client.post("/forms/onlinewache/saved/email",
                         data={"resume_code": code, "email": " buerger@example.org "})
    assert posted.status_code == 303
    assert posted.headers["Location"].endswith("/forms/onlinewache/saved#email-sent")
    sent = client.get(posted.headers["Location"])
    assert "Wir haben den Link an buerger@example.org gesendet" in sent.text
    assert code in sent.text  # the code is still on the page
    mail = db.session.execute(select(OutgoingMail)).scalar_one()
    assert mail.recipient == "buerger@example.org" and mail.kind == "resume_link"
    # While it waits for the worker, the row does not give the code away: its bodies are sealed.
    assert code not in mail.text and code not in mail.html and code not in mail.subject
    link = f"/forms/onlinewache/resume?code={code}"
    assert link in unseal(mail.text) and link in unseal(mail.html)
    for body in (unseal(mail.text), unseal(mail.html), mail.subject):
        assert "AZ-GEHEIM-4711" not in body and "betrug" not in body.casefold()
    # Once sent, the address and the code are gone with the row (no retention would reach it).
    send_due()
    assert db.session.execute(select(func.count()).select_from(OutgoingMail)).scalar_one() == 0


def test_a_bad_address_is_explained_and_the_page_stays(app, client):
    page, code = _saved_page(client)
    wrong = client.post("/forms/onlinewache/saved/email",
                        data={"resume_code": code, "email": "buerger@example"})
    assert wrong.status_code == 422
    assert "Bitte geben Sie eine E-Mail-Adresse wie name@beispiel.de ein." in wrong.text
    assert 'id="email-error"' in wrong.text and 'value="buerger@example"' in wrong.text
    assert code in wrong.text  # the code is still there to note down
    assert db.session.execute(select(func.count()).select_from(OutgoingMail)).scalar_one() == 0


def test_a_code_that_is_not_this_drafts_sends_nothing(app, client):
    _saved_page(client)
    response = client.post("/forms/onlinewache/saved/email",
                           data={"resume_code": "AAAA-BBBB-CCCC", "email": "a@example.org"})
    assert response.status_code == 303
    assert db.session.execute(select(func.count()).select_from(OutgoingMail)).scalar_one() == 0


def test_the_link_fills_in_the_code_and_resuming_works(app, client):
    page, code = _saved_page(client)
    client.post("/forms/onlinewache/saved/email",
                data={"resume_code": code, "email": "buerger@example.org"})
    mail = db.session.execute(select(OutgoingMail)).scalar_one()
    link = re.search(r"(http://\S+/resume\?code=\S+?)#", unseal(mail.text)).group(1)
    other_device = app.test_client()
    start = other_device.get(link)
    assert start.status_code == 200
    assert f'value="{code}"' in start.text
    assert other_device.get("/forms/onlinewache/continue").status_code != 303  # nothing resumed
    resumed = other_device.post("/forms/onlinewache/resume", data={"resume_code": code})
    assert resumed.status_code == 303 and resumed.headers["Location"].endswith("/steps/tat")


def test_in_ukrainian_the_page_the_error_and_the_mail_are_ukrainian(app, client):
    client.get("/language/uk?next=/")
    page, code = _saved_page(client)
    assert "Надіслати посилання електронною поштою" in page.text
    wrong = client.post("/forms/onlinewache/saved/email",
                        data={"resume_code": code, "email": "kein-at-zeichen"})
    assert wrong.status_code == 422
    assert "Введіть адресу електронної пошти, наприклад name@example.com." in wrong.text
    client.post("/forms/onlinewache/saved/email",
                data={"resume_code": code, "email": "hromadianyn@example.org"})
    mail = db.session.execute(select(OutgoingMail)).scalar_one()
    assert mail.language == "uk"
    assert "Ще нічого не надіслано" in unseal(mail.text)


def test_one_mail_per_press_of_the_button_and_none_on_reload(app, client):
    page, code = _saved_page(client)
    posted = client.post("/forms/onlinewache/saved/email",
                         data={"resume_code": code, "email": "buerger@example.org"})
    shown = client.get(posted.headers["Location"])
    assert "Wir haben den Link an buerger@example.org gesendet" in shown.text
    reloaded = client.get(posted.headers["Location"])  # the browser's reload: a GET, no mail
    assert reloaded.status_code == 303
    assert db.session.execute(select(func.count()).select_from(OutgoingMail)).scalar_one() == 1


def test_a_sealed_mail_that_no_longer_opens_is_given_up_and_deleted(app, client):
    page, code = _saved_page(client)
    client.post("/forms/onlinewache/saved/email",
                data={"resume_code": code, "email": "buerger@example.org"})
    app.config["SECRET_KEY"] = "a-new-secret-key-since-the-mail-was-queued"
    assert send_due()["mail_dead"] == 1
    assert db.session.execute(select(func.count()).select_from(OutgoingMail)).scalar_one() == 0
