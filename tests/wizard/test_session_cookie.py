"""The session cookie: a cookie this process verified before is not decoded again (portal.
_CookieSessions), and that must change nothing a citizen could notice."""

from __future__ import annotations

import time

STEP = "/forms/onlinewache/steps/anliegen"


def _started(client) -> str:
    client.post("/forms/onlinewache/start")
    assert client.get(STEP).status_code == 200
    return client.get_cookie("session").value


def test_a_cookie_read_before_still_expires_with_the_session_lifetime(app, client, monkeypatch):
    _started(client)
    assert client.get(STEP).status_code == 200  # read again: now known to this process
    lifetime = app.permanent_session_lifetime.total_seconds()
    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + lifetime + 60)
    # Too old: the browser has no session any more, so no draft (not a closed one either).
    assert client.get(STEP).status_code == 404


def test_a_changed_cookie_is_refused_even_when_the_original_was_read_before(app, client):
    cookie = _started(client)
    forged = cookie[:-2] + ("AA" if cookie[-2:] != "AA" else "BB")
    other = app.test_client()
    other.set_cookie("session", forged)
    assert other.get(STEP).status_code == 404
    assert client.get(STEP).status_code == 200


def test_each_browser_gets_its_own_session_and_changes_stay_in_their_request(app, client):
    cookie = _started(client)
    second = app.test_client()
    _started(second)
    assert second.get_cookie("session").value != cookie
    # Two requests with the same cookie: what the first did to its session's nested
    # values is not what the second starts with.
    with app.test_request_context(STEP, headers={"Cookie": f"session={cookie}"}):
        first = app.session_interface.open_session(app, app.request_class(
            {"HTTP_COOKIE": f"session={cookie}"}))
        first["drafts"]["onlinewache"] = "someone-else"
        again = app.session_interface.open_session(app, app.request_class(
            {"HTTP_COOKIE": f"session={cookie}"}))
        assert again["drafts"]["onlinewache"] != "someone-else"
