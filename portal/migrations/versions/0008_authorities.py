"""Authorities, the jurisdiction table, a destination's authority, a submission's authority.

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'authority',
        sa.Column('id', sa.String(length=63), nullable=False),
        sa.Column('name', sa.JSON(), nullable=False),
        sa.Column('address', sa.JSON(), nullable=False),
        sa.Column('contacts', sa.JSON(), nullable=False),
        sa.Column('ags', sa.String(length=8), nullable=True),
        sa.Column('ars', sa.String(length=12), nullable=True),
        sa.Column('legal', sa.JSON(), nullable=False),
        sa.Column('logo', sa.String(length=500), nullable=True),
        sa.Column('destination', sa.String(length=200), nullable=True),
        sa.Column('services', sa.JSON(), nullable=False),
        sa.Column('edited', sa.JSON(), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('authority', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_authority_ags'), ['ags'], unique=False)
        batch_op.create_index(batch_op.f('ix_authority_ars'), ['ars'], unique=False)

    op.create_table(
        'jurisdiction',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('leika_key', sa.String(length=14), nullable=False),
        sa.Column('postcode', sa.String(length=5), nullable=True),
        sa.Column('ags', sa.String(length=8), nullable=True),
        sa.Column('municipality', sa.String(length=200), nullable=False),
        sa.Column('authority_id', sa.String(length=63), nullable=False),
        sa.Column('destination', sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(['authority_id'], ['authority.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('jurisdiction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_jurisdiction_leika_key'), ['leika_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_jurisdiction_postcode'), ['postcode'], unique=False)
        batch_op.create_index(batch_op.f('ix_jurisdiction_ags'), ['ags'], unique=False)
        batch_op.create_index(batch_op.f('ix_jurisdiction_authority_id'), ['authority_id'],
                              unique=False)

    with op.batch_alter_table('destination', schema=None) as batch_op:
        batch_op.add_column(sa.Column('authority_id', sa.String(length=63), nullable=True))
        batch_op.create_index(batch_op.f('ix_destination_authority_id'), ['authority_id'],
                              unique=False)

    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.add_column(sa.Column('authority_id', sa.String(length=63), nullable=True))
        batch_op.add_column(sa.Column('authority', sa.JSON(), nullable=True))
        batch_op.create_index(batch_op.f('ix_submission_authority_id'), ['authority_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submission_authority_id'))
        batch_op.drop_column('authority')
        batch_op.drop_column('authority_id')
    with op.batch_alter_table('destination', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_destination_authority_id'))
        batch_op.drop_column('authority_id')
    op.drop_table('jurisdiction')
    op.drop_table('authority')
