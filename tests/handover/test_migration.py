"""Migration 0005 creates exactly what the handover's models (and Submission's new columns) say."""

from __future__ import annotations

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from portal.extensions import db

pytestmark = pytest.mark.both_databases

HANDOVER_TABLES = {"destination", "api_client", "delivery", "submission_event", "submission"}


def _table_of(diff) -> str | None:
    kind = diff[0] if isinstance(diff, tuple) else diff[0][0]
    item = diff if isinstance(diff, tuple) else diff[0]
    if kind in ("add_table", "remove_table"):
        return item[1].name
    if kind in ("add_index", "remove_index"):
        return item[1].table.name
    if kind in ("add_column", "remove_column"):
        return item[2]
    if kind.startswith("modify_"):
        return item[2]
    if kind in ("add_fk", "remove_fk", "add_constraint", "remove_constraint"):
        return item[1].table.name
    return None


def test_the_migrated_schema_matches_the_models(app):
    with db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, db.metadata)
    ours = [d for d in differences if _table_of(d) in HANDOVER_TABLES]
    assert ours == []
