"""The shared app of the suite: each test gets it as if no test had run before."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select, update

from portal.extensions import db
from portal.models import Draft, FormVersion
from tests.conftest import app_for_test


@pytest.mark.both_databases
def test_the_next_test_sees_no_rows_files_settings_or_counts_of_the_previous(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    with app_for_test(database_url, tmp_path_factory) as app:
        shipped = db.session.scalar(select(func.count()).select_from(FormVersion))
        (Path(app.instance_path) / "uploads" / "ab").mkdir(parents=True)
        (Path(app.instance_path) / "uploads" / "ab" / "file").write_bytes(b"left over")
        app.config["RATELIMIT_START"] = "1/minute"
        client = app.test_client()
        assert client.post("/forms/onlinewache/start").status_code == 303
        assert client.post("/forms/onlinewache/start").status_code == 429
        assert db.session.scalar(select(func.count()).select_from(Draft)) == 1
        db.session.execute(update(FormVersion).values(status="retired"))
        db.session.commit()
        first = app

    with app_for_test(database_url, tmp_path_factory) as app:
        assert app is first  # shared, not built again
        assert db.session.scalar(select(func.count()).select_from(Draft)) == 0
        statuses = db.session.scalars(select(FormVersion.status)).all()
        assert statuses == ["published"] * shipped and shipped > 0
        assert list(Path(app.instance_path).iterdir()) == []
        assert app.config["RATELIMIT_START"] != "1/minute"
        app.config["RATELIMIT_START"] = "1/minute"
        assert app.test_client().post("/forms/onlinewache/start").status_code == 303


def test_other_settings_get_an_app_of_their_own(
    database_url: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    with app_for_test(database_url, tmp_path_factory) as plain:
        pass
    with app_for_test(database_url, tmp_path_factory, DRAFT_TTL_DAYS=2) as changed:
        assert changed is not plain
        assert changed.config["DRAFT_TTL_DAYS"] == 2
