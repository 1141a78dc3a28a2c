"""What a submission leaves in the database: the row, its receipt, its outbox row.

The receipt (issue 6) and the outbox (issue 7) are found by name (a table with a
`submission_id` column whose name says receipt, or outbox/delivery), so these
checks join in by themselves once those tables exist.
"""

from __future__ import annotations

import sqlalchemy as sa

KINDS = {"receipt": ("receipt",), "outbox": ("outbox", "deliver")}


def linked_tables(conn: sa.Connection) -> dict[str, str]:
    """kind -> table name, for the kinds whose table exists."""
    inspector = sa.inspect(conn)
    found: dict[str, str] = {}
    for table in sorted(inspector.get_table_names()):
        columns = {column["name"] for column in inspector.get_columns(table)}
        if "submission_id" not in columns:
            continue
        for kind, words in KINDS.items():
            if kind not in found and any(word in table for word in words):
                found[kind] = table
    return found


def check(database_url: str, references: list[str]) -> dict[str, object]:
    """Counts for the confirmed `references`, and every submission that is incomplete.

    `missing` counts confirmed references without a submission row; `incomplete`
    lists submissions lacking a receipt or outbox row, or whose draft is not marked
    as submitted: a half-written submission.
    """
    engine = sa.create_engine(database_url)
    try:
        with engine.connect() as conn:
            tables = linked_tables(conn)
            rows = conn.execute(sa.text(
                "SELECT s.id, s.reference, d.submitted_at FROM submission s "
                "LEFT JOIN draft d ON d.id = s.draft_id")).all()
            by_reference = {reference: id_ for id_, reference, _ in rows}
            linked = {
                kind: {r[0] for r in conn.execute(sa.text(f"SELECT submission_id FROM {table}"))}  # noqa: S608
                for kind, table in tables.items()
            }
            drafts_without = conn.execute(sa.text(
                "SELECT count(*) FROM draft d WHERE d.submitted_at IS NOT NULL AND NOT EXISTS "
                "(SELECT 1 FROM submission s WHERE s.draft_id = d.id)")).scalar_one()
    finally:
        engine.dispose()
    incomplete = [
        reference for id_, reference, submitted_at in rows
        if submitted_at is None or any(id_ not in ids for ids in linked.values())
    ]
    result: dict[str, object] = {
        "confirmed": len(references),
        "stored": sum(1 for r in references if r in by_reference),
        "missing": [r for r in references if r not in by_reference],
        "submissions": len(rows),
        "incomplete": incomplete,
        "drafts_marked_submitted_without_submission": drafts_without,
    }
    for kind in KINDS:
        result[kind] = (sum(1 for r in references if by_reference.get(r) in linked[kind])
                        if kind in linked else None)
    return result
