"""Language choice: kept across the form, never changing what the caseworker receives."""

from __future__ import annotations

from sqlalchemy import select

from portal.extensions import db
from portal.models import Draft, Submission
from portal.publishing import compiled, current_version
from tests.walk import Walker


def _switch(client, language: str, path: str):
    response = client.get(f"/language/{language}?next={path}")
    assert response.status_code == 303 and response.headers["Location"] == path
    return client.get(path)


def test_switching_language_on_step_3_keeps_every_earlier_answer(app, client):
    form = compiled(current_version("hilfe-zum-lebensunterhalt"))
    walker = Walker(client, form)
    location = walker.start()
    for answered in range(3):  # answer steps 1 and 2, then stand on step 3
        page = client.get(location)
        step = form.step(location.split("/steps/")[1].split("/")[0])
        if answered == 2:
            break
        if step.repeat is not None:
            location = client.post(location, data={"action": "continue"}).headers["Location"]
            continue
        response = client.post(location, data=walker.step_data(step, page.text),
                               content_type="multipart/form-data")
        location = response.headers["Location"]
    assert location.endswith("/steps/versicherung")
    assert "Abschnitt: Ihre Angaben" in client.get(location).text
    before = dict(db.session.execute(select(Draft)).scalar_one().answers)

    english = _switch(client, "en", location)
    assert '<html lang="en" dir="ltr">' in english.text and "Section: About you" in english.text
    db.session.expire_all()
    assert db.session.execute(select(Draft)).scalar_one().answers == before
    # Going back shows every earlier answer, now with English labels.
    first = client.get(f"/forms/hilfe-zum-lebensunterhalt/steps/{form.steps[0].id}")
    assert 'value="Olena"' in first.text and 'value="Kovalenko"' in first.text
    assert "Section: About you" in first.text


def _submit_in(app, language: str) -> dict:
    client = app.test_client()
    client.get(f"/language/{language}?next=/")
    form = compiled(current_version("onlinewache"))
    Walker(client, form, language=language).walk()
    assert client.post("/forms/onlinewache/submit").status_code == 303
    submission = db.session.execute(
        select(Submission).order_by(Submission.submitted_at.desc())
    ).scalars().first()
    assert submission.language == language
    return submission.data


def test_the_data_is_the_same_whatever_language_the_citizen_used(app):
    datas = {language: _submit_in(app, language) for language in ("de", "en", "uk", "tr", "ar")}

    def without_attachment_ids(data: dict) -> dict:
        return {k: v for k, v in data.items() if k != "beweise"}

    german = without_attachment_ids(datas["de"])
    assert german["schadenshoehe"] == "1234.50" if "schadenshoehe" in german else True
    for language, data in datas.items():
        assert without_attachment_ids(data) == german, language


def test_dates_and_money_are_shown_in_the_citizens_locale(app, client):
    client.get("/language/en?next=/")
    form = compiled(current_version("onlinewache"))
    summary = Walker(client, form, language="en").walk()
    assert "March 15, 2020" in summary or "15 March 2020" in summary
    client2 = app.test_client()
    summary_de = Walker(client2, form, language="de").walk()
    assert "15. März 2020" in summary_de
