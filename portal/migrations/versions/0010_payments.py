"""Payments: an authority's payment provider, payment attempts (one per Kassenzeichen) and the
built-in test provider's ledger.

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade():
    with op.batch_alter_table('authority', schema=None) as batch_op:
        batch_op.add_column(sa.Column('payment', sa.JSON(), nullable=True))
    op.create_table(
        'payment',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('reference', sa.String(length=40), nullable=False),
        sa.Column('draft_id', sa.String(length=43), nullable=False),
        sa.Column('form_version_id', sa.Integer(), nullable=False),
        sa.Column('authority_id', sa.String(length=63), nullable=True),
        sa.Column('provider', sa.String(length=32), nullable=False),
        sa.Column('provider_payment_id', sa.String(length=200), nullable=True),
        sa.Column('amount', sa.Integer(), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('items', sa.JSON(), nullable=False),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('created_at', TZ, nullable=False),
        sa.Column('updated_at', TZ, nullable=False),
        sa.Column('paid_at', TZ, nullable=True),
        sa.Column('submission_id', sa.String(length=36), nullable=True),
        sa.Column('note', sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(['form_version_id'], ['form_version.id'],
                                name=op.f('fk_payment_form_version_id_form_version')),
        sa.ForeignKeyConstraint(['submission_id'], ['submission.id'],
                                name=op.f('fk_payment_submission_id_submission')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_payment')),
        sa.UniqueConstraint('reference', name=op.f('uq_payment_reference')),
        sa.UniqueConstraint('submission_id', name=op.f('uq_payment_submission_id')),
    )
    with op.batch_alter_table('payment', schema=None) as batch_op:
        for column in ('draft_id', 'authority_id', 'provider_payment_id', 'status'):
            batch_op.create_index(batch_op.f(f'ix_payment_{column}'), [column], unique=False)
    op.create_table(
        'test_payment',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('reference', sa.String(length=40), nullable=False),
        sa.Column('amount', sa.Integer(), nullable=False),
        sa.Column('currency', sa.String(length=3), nullable=False),
        sa.Column('description', sa.String(length=500), nullable=False),
        sa.Column('return_url', sa.String(length=2000), nullable=False),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('created_at', TZ, nullable=False),
        sa.Column('paid_at', TZ, nullable=True),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_test_payment')),
    )


def downgrade():
    op.drop_table('test_payment')
    with op.batch_alter_table('payment', schema=None) as batch_op:
        for column in ('status', 'provider_payment_id', 'authority_id', 'draft_id'):
            batch_op.drop_index(batch_op.f(f'ix_payment_{column}'))
    op.drop_table('payment')
    with op.batch_alter_table('authority', schema=None) as batch_op:
        batch_op.drop_column('payment')
