"""Step pages rendered in two stages.

The kept skeleton never carries one citizen's page to another.
"""

from __future__ import annotations

import re

import pytest

from portal.journey import pages
from portal.publishing import compiled, current_version
from tests.walk import Walker

FORM = "hilfe-zum-lebensunterhalt"


def _first_step(app):
    client = app.test_client()
    form = compiled(current_version(FORM))
    location = Walker(client, form).start()
    return client, form, location


def test_two_citizens_on_the_same_step_each_see_only_their_own_answers_and_errors(app):
    olena, form, location = _first_step(app)
    step = form.step(location.split("/steps/")[1])
    walker = Walker(olena, form)
    data = walker.step_data(step, olena.get(location).text)
    data = {k: ("Olena" if k.endswith("given_name") else v) for k, v in data.items()}
    assert olena.post(location, data=data).status_code == 303
    mine = olena.get(location).text
    assert 'value="Olena"' in mine

    # A second citizen opens the same step (the skeleton is now kept): nothing of Olena's.
    other, _, other_location = _first_step(app)
    assert other_location == location
    theirs = other.get(location).text
    assert "Olena" not in theirs
    assert "erledigt" not in theirs  # Olena's finished step is not finished for them
    # Their errors are theirs; Olena's page shows none afterwards.
    failed = other.post(location, data={"action": "continue"})
    assert failed.status_code == 422 and 'class="error-summary"' in failed.text
    assert "<title>Fehler: " in failed.text
    again = olena.get(location).text
    assert 'class="error-summary"' not in again and 'value="Olena"' in again
    assert "<title>Fehler: " not in again


def test_a_kept_page_is_shown_in_the_language_of_each_citizen(app):
    german, form, location = _first_step(app)
    assert "Abschnitt: Ihre Angaben" in german.get(location).text
    english = app.test_client()
    english.get("/language/en?next=/")
    Walker(english, form, language="en").start()
    page = english.get(location).text
    assert "Section: About you" in page and "Abschnitt" not in page
    assert "Abschnitt: Ihre Angaben" in german.get(location).text


def test_values_are_escaped_when_filled_in(app):
    client, form, location = _first_step(app)
    step = form.step(location.split("/steps/")[1])
    data = Walker(client, form).step_data(step, client.get(location).text)
    data = {k: ('"><script>x</script>' if k.endswith("given_name") else v) for k, v in data.items()}
    page = client.post(location, data=data).text
    client.get(location)
    page = client.get(location).text
    assert "<script>x</script>" not in page
    assert re.search(r'value="&#34;&gt;&lt;script&gt;x&lt;/script&gt;"', page)


def test_a_when_without_end_is_a_template_error():
    recorder = pages._Recorder()
    text = f"a{recorder('when', 'errors')}b"
    with pytest.raises(ValueError, match="never ended"):
        pages.Skeleton(text, recorder)
    recorder = pages._Recorder()
    with pytest.raises(ValueError, match="without"):
        pages.Skeleton(f"a{recorder('end')}", recorder)


def test_markers_in_a_definition_text_are_not_taken_for_slots():
    recorder = pages._Recorder()
    # A label that happens to contain NUL-delimited digits is only text: the nonce differs.
    text = f"<label>\x000:0\x00</label>{recorder('value', 'name')}"
    page = pages.Skeleton(text, recorder)
    filled = page.fill(pages.PageState(data={"name": "Kim"}), render_live=None)
    assert filled == "<label>\x000:0\x00</label>Kim"


def test_without_javascript_both_residence_questions_say_for_whom_and_only_one_is_kept(app):
    from sqlalchemy import select

    from portal.extensions import db
    from portal.models import Draft

    client, form, location = _first_step(app)
    assert location.endswith("/steps/antragsteller")
    page = client.get(location).text
    # Nothing hides a question whose condition reads an answer on the same page until a
    # script runs: without one, both are shown, and each says whom it is for.
    assert 'name="aufenthaltsstatus"' in page and 'name="freizuegigkeit"' in page
    assert "Nur für Staatsangehörige eines Staates außerhalb der EU, des EWR und der" in page
    assert "Als Staatsangehörige oder Staatsangehöriger eines Staates der EU" in page
    # A Turkish national who answered both: the one that applies is kept, the other is not.
    data = Walker(client, form).step_data(form.step("antragsteller"), page)
    data.update(staatsangehoerigkeit="TR", aufenthaltsstatus="Niederlassungserlaubnis",
                freizuegigkeit="Arbeit")
    assert client.post(location, data=data).status_code == 303
    answers = db.session.execute(select(Draft.answers)).scalar_one()
    assert answers["aufenthaltsstatus"] == "Niederlassungserlaubnis"
    assert "freizuegigkeit" not in answers
