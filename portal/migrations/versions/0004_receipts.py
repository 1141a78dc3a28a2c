"""Receipts: the PDF made once at submission, with its checksum.

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'receipt',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('submission_id', sa.String(length=36), nullable=False),
        sa.Column('pdf', sa.LargeBinary(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('access_hash', sa.String(length=64), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['submission_id'], ['submission.id'],
                                name=op.f('fk_receipt_submission_id_submission')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_receipt')),
        sa.UniqueConstraint('submission_id', name=op.f('uq_receipt_submission_id')),
    )


def downgrade():
    op.drop_table('receipt')
