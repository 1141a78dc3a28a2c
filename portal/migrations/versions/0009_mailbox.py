"""The mailbox: status history, messages and their files, sign-in links, the mail queue;
deliveries name the event they push (a new submission, or a citizen's reply); a
destination may have its own e-mail sender.

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

TZ = sa.DateTime(timezone=True)


def _submission_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(['submission_id'], ['submission.id'],
                                   name=op.f(f'fk_{table}_submission_id_submission'))


def _index(table: str, column: str, unique: bool = False) -> None:
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.create_index(batch_op.f(f'ix_{table}_{column}'), [column], unique=unique)


def upgrade():
    op.create_table(
        'status_change',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('submission_id', sa.String(length=36), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('note', sa.Text(), nullable=True),
        sa.Column('changed_at', TZ, nullable=False),
        sa.Column('client', sa.String(length=16), nullable=True),
        _submission_fk('status_change'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_status_change')),
    )
    _index('status_change', 'submission_id')
    op.create_table(
        'message',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('submission_id', sa.String(length=36), nullable=False),
        sa.Column('author', sa.String(length=16), nullable=False),
        sa.Column('subject', sa.String(length=200), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('answer_requested', sa.Boolean(), nullable=False),
        sa.Column('answer_due', sa.Date(), nullable=True),
        sa.Column('in_reply_to', sa.String(length=36), nullable=True),
        sa.Column('client', sa.String(length=16), nullable=True),
        sa.Column('created_at', TZ, nullable=False),
        sa.Column('read_at', TZ, nullable=True),
        _submission_fk('message'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_message')),
    )
    _index('message', 'submission_id')
    op.create_table(
        'message_file',
        sa.Column('id', sa.String(length=36), nullable=False),
        sa.Column('message_id', sa.String(length=36), nullable=False),
        sa.Column('display_name', sa.String(length=255), nullable=False),
        sa.Column('media_type', sa.String(length=127), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('storage_key', sa.String(length=255), nullable=False),
        sa.Column('created_at', TZ, nullable=False),
        sa.ForeignKeyConstraint(['message_id'], ['message.id'],
                                name=op.f('fk_message_file_message_id_message')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_message_file')),
        sa.UniqueConstraint('storage_key', name=op.f('uq_message_file_storage_key')),
    )
    _index('message_file', 'message_id')
    op.create_table(
        'sign_in_link',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('submission_id', sa.String(length=36), nullable=False),
        sa.Column('expires_at', TZ, nullable=False),
        sa.Column('used_at', TZ, nullable=True),
        _submission_fk('sign_in_link'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sign_in_link')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_sign_in_link_token_hash')),
    )
    _index('sign_in_link', 'submission_id')
    op.create_table(
        'outgoing_mail',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('submission_id', sa.String(length=36), nullable=True),
        sa.Column('kind', sa.String(length=32), nullable=False),
        sa.Column('sender', sa.String(length=254), nullable=True),
        sa.Column('recipient', sa.String(length=254), nullable=False),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('subject', sa.String(length=300), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('html', sa.Text(), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', TZ, nullable=False),
        sa.Column('claimed_until', TZ, nullable=True),
        sa.Column('claim_token', sa.String(length=32), nullable=True),
        sa.Column('last_error', sa.Text(), nullable=True),
        sa.Column('created_at', TZ, nullable=False),
        sa.Column('sent_at', TZ, nullable=True),
        _submission_fk('outgoing_mail'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outgoing_mail')),
    )
    _index('outgoing_mail', 'submission_id')
    _index('outgoing_mail', 'status')
    _index('outgoing_mail', 'next_attempt_at')
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.add_column(sa.Column('event', sa.String(length=40), nullable=False,
                                      server_default='submission.created'))
        batch_op.add_column(sa.Column('message_id', sa.String(length=36), nullable=True))
    with op.batch_alter_table('destination', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mail_from', sa.String(length=254), nullable=True))


def downgrade():
    with op.batch_alter_table('destination', schema=None) as batch_op:
        batch_op.drop_column('mail_from')
    with op.batch_alter_table('delivery', schema=None) as batch_op:
        batch_op.drop_column('message_id')
        batch_op.drop_column('event')
    for table in ('outgoing_mail', 'sign_in_link', 'message_file', 'message', 'status_change'):
        op.drop_table(table)
