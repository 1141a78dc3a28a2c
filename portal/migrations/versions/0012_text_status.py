"""The designer's text status: for each translation of a draft's text, the source it was
confirmed for, so that a changed source marks it outdated.

Revision ID: 0012
Revises: 0011
"""

import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'text_status',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('form_draft_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=500), nullable=False),
        sa.Column('language', sa.String(length=8), nullable=False),
        sa.Column('source_hash', sa.String(length=16), nullable=False),
        sa.Column('text_hash', sa.String(length=16), nullable=False),
        sa.Column('confirmed_by', sa.String(length=254), nullable=True),
        sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['form_draft_id'], ['form_draft.id'],
                                name=op.f('fk_text_status_form_draft_id_form_draft'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_text_status')),
        sa.UniqueConstraint('form_draft_id', 'key', 'language',
                            name=op.f('uq_text_status_form_draft_id')),
    )
    with op.batch_alter_table('text_status', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_text_status_form_draft_id'), ['form_draft_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('text_status', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_text_status_form_draft_id'))
    op.drop_table('text_status')
