"""Rights: designer accounts belong to an authority record, who owns a shared service, four eyes.

- `staff_user.authority` becomes a foreign key to `authority.id`. An account whose
  authority has no record yet gets a placeholder record (name = the id, no address),
  and the migration says so on its output: load the authority's file afterwards
  (`amtsweg authorities load`) to give it its name and address. Nothing else is
  created, and no account is changed or removed.
- `authority.owns`: the shipped forms (form ids) the authority maintains (Einer für Alle:
  only it publishes new versions of them; every other authority overrides its own texts).
- `authority.four_eyes`: "shipped" (default: a version of a shipped, shared form is
  published by someone other than its authors), "all" (every form) or "off".
- `audit_entry.draft_id`: which draft an entry concerns, so the publication page can show
  who changed the draft.

Revision ID: 0011
Revises: 0010
"""

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('authority', schema=None) as batch_op:
        batch_op.add_column(sa.Column('owns', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('four_eyes', sa.String(length=8), nullable=False,
                                      server_default='shipped'))

    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.add_column(sa.Column('draft_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_audit_entry_draft_id'), ['draft_id'], unique=False)

    connection = op.get_bind()
    missing = [row[0] for row in connection.execute(sa.text(
        "SELECT DISTINCT authority FROM staff_user WHERE authority NOT IN "
        "(SELECT id FROM authority) ORDER BY authority"))]
    if missing:
        authority = sa.table(
            'authority', sa.column('id', sa.String), sa.column('name', sa.JSON),
            sa.column('address', sa.JSON), sa.column('contacts', sa.JSON),
            sa.column('legal', sa.JSON), sa.column('services', sa.JSON),
            sa.column('edited', sa.JSON), sa.column('owns', sa.JSON),
            sa.column('updated_at', sa.DateTime(timezone=True)))
        op.bulk_insert(authority, [
            {"id": name, "name": {"de": name}, "address": {"street": "", "postcode": "",
                                                            "city": ""},
             "contacts": {}, "legal": {}, "services": {}, "edited": {}, "owns": [],
             "updated_at": datetime.now(UTC)} for name in missing])
        print("0011: designer accounts name authorities without a record: "
              f"{', '.join(missing)}. Placeholder records (name = id, no address) were "
              "created; write authorities/<id>.json for each and run "
              "`amtsweg authorities load`.")

    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.create_foreign_key('fk_staff_user_authority_authority', 'authority',
                                    ['authority'], ['id'])


def downgrade():
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.drop_constraint('fk_staff_user_authority_authority', type_='foreignkey')
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entry_draft_id'))
        batch_op.drop_column('draft_id')
    with op.batch_alter_table('authority', schema=None) as batch_op:
        batch_op.drop_column('four_eyes')
        batch_op.drop_column('owns')
