"""Error pages under database failure: a retry page, never a stack trace."""

from __future__ import annotations

import pytest
from flask import Flask

RETRY_DE = "Es ist nichts verloren gegangen"


def test_database_away_gives_a_retry_page(offline_app: Flask) -> None:
    client = offline_app.test_client()
    response = client.get("/forms/onlinewache/")
    assert response.status_code == 503
    body = response.get_data(as_text=True)
    assert RETRY_DE in body
    assert response.headers["Retry-After"] == "5"
    for leak in ("Traceback", "psycopg", "sqlalchemy", "OperationalError", "127.0.0.1:1"):
        assert leak not in body


def test_retry_page_speaks_the_citizens_language(offline_app: Flask) -> None:
    response = offline_app.test_client().get("/forms/onlinewache/",
                                             headers={"Accept-Language": "en"})
    assert response.status_code == 503
    assert "nothing was lost" in response.get_data(as_text=True).lower()


def test_database_away_on_the_api_is_problem_json(offline_app: Flask) -> None:
    from portal.handover.clients import TOKEN_PREFIX

    # A token of the right shape, so that the API asks the database about it.
    token = TOKEN_PREFIX + "x" * 40
    response = offline_app.test_client().get("/api/v1/submissions",
                                             headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 503
    assert response.mimetype == "application/problem+json"
    assert "psycopg" not in response.get_data(as_text=True)


@pytest.mark.own_app  # it adds a route
def test_unexpected_error_shows_no_stack_trace(app: Flask) -> None:
    @app.get("/boom-for-test")
    def boom() -> str:
        raise RuntimeError("secret internals")

    app.config["PROPAGATE_EXCEPTIONS"] = False
    response = app.test_client().get("/boom-for-test")
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "secret internals" not in body and "Traceback" not in body
