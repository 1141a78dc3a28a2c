"""Handover: destinations, API clients, outbox deliveries, submission events.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def upgrade():
    op.create_table(
        'destination',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('label', sa.String(length=200), nullable=False),
        sa.Column('push_url', sa.String(length=2000), nullable=True),
        sa.Column('signing_secret', sa.String(length=200), nullable=True),
        sa.Column('public_jwk', sa.JSON(), nullable=True),
        sa.Column('created_at', TZ, nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_destination')),
        sa.UniqueConstraint('name', name=op.f('uq_destination_name')),
    )
    op.create_table(
        'api_client',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('destination_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=200), nullable=False),
        sa.Column('prefix', sa.String(length=16), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', TZ, nullable=False),
        sa.Column('revoked_at', TZ, nullable=True),
        sa.Column('last_used_at', TZ, nullable=True),
        sa.Column('rotated_from_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['destination_id'], ['destination.id'],
                                name=op.f('fk_api_client_destination_id_destination')),
        sa.ForeignKeyConstraint(['rotated_from_id'], ['api_client.id'],
                                name=op.f('fk_api_client_rotated_from_id_api_client')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_api_client')),
        sa.UniqueConstraint('prefix', name=op.f('uq_api_client_prefix')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_api_client_token_hash')),
    )
    with op.batch_alter_table('api_client', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_client_destination_id'), ['destination_id'],
                              unique=False)

    op.create_table(
        'delivery',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('webhook_id', sa.String(length=64), nullable=False),
        sa.Column('submission_id', sa.String(length=36), nullable=False),
        sa.Column('destination', sa.String(length=200), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('queued_at', TZ, nullable=False),
        sa.Column('next_attempt_at', TZ, nullable=False),
        sa.Column('claimed_until', TZ, nullable=True),
        sa.Column('claim_token', sa.String(length=32), nullable=True),
        sa.Column('last_status', sa.Integer(), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('delivered_at', TZ, nullable=True),
        sa.ForeignKeyConstraint(['submission_id'], ['submission.id'],
                                name=op.f('fk_delivery_submission_id_submission')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery')),
        sa.UniqueConstraint('webhook_id', name=op.f('uq_delivery_webhook_id')),
    )
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_delivery_destination'), ['destination'], unique=False)
        batch_op.create_index(batch_op.f('ix_delivery_next_attempt_at'), ['next_attempt_at'],
                              unique=False)
        batch_op.create_index(batch_op.f('ix_delivery_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_delivery_submission_id'), ['submission_id'],
                              unique=False)

    op.create_table(
        'submission_event',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('submission_id', sa.String(length=36), nullable=False),
        sa.Column('type', sa.String(length=32), nullable=False),
        sa.Column('occurred_at', TZ, nullable=False),
        sa.Column('detail', sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(['submission_id'], ['submission.id'],
                                name=op.f('fk_submission_event_submission_id_submission')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_submission_event')),
    )
    with op.batch_alter_table('submission_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_submission_event_submission_id'), ['submission_id'],
                              unique=False)

    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.add_column(sa.Column('acknowledged_at', TZ, nullable=True))
        batch_op.add_column(sa.Column('case_number', sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column('rejected_at', TZ, nullable=True))
        batch_op.add_column(sa.Column('rejection_reason', sa.String(length=1000), nullable=True))
        batch_op.add_column(sa.Column('deleted_at', TZ, nullable=True))


def downgrade():
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.drop_column('deleted_at')
        batch_op.drop_column('rejection_reason')
        batch_op.drop_column('rejected_at')
        batch_op.drop_column('case_number')
        batch_op.drop_column('acknowledged_at')

    with op.batch_alter_table('submission_event', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_submission_event_submission_id'))
    op.drop_table('submission_event')

    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_delivery_submission_id'))
        batch_op.drop_index(batch_op.f('ix_delivery_status'))
        batch_op.drop_index(batch_op.f('ix_delivery_next_attempt_at'))
        batch_op.drop_index(batch_op.f('ix_delivery_destination'))
    op.drop_table('delivery')

    with op.batch_alter_table('api_client', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_client_destination_id'))
    op.drop_table('api_client')
    op.drop_table('destination')
