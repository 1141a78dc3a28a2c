"""Designer: staff accounts, form drafts, the audit log.

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    # Who owns and who published a version; the shipped forms belong to no authority.
    with op.batch_alter_table('form_version', schema=None) as batch_op:
        batch_op.add_column(sa.Column('authority', sa.String(length=63), nullable=True))
        batch_op.add_column(sa.Column('published_by', sa.String(length=254), nullable=True))
        batch_op.create_index(batch_op.f('ix_form_version_authority'), ['authority'], unique=False)

    op.create_table('staff_user',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('authority', sa.String(length=63), nullable=False),
    sa.Column('password_hash', sa.String(length=255), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('failed_logins', sa.Integer(), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('session_nonce', sa.String(length=43), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_login_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_user')),
    sa.UniqueConstraint('email', name=op.f('uq_staff_user_email'))
    )
    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_user_authority'), ['authority'], unique=False)

    op.create_table('form_draft',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('form_id', sa.String(length=63), nullable=False),
    sa.Column('authority', sa.String(length=63), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('based_on_id', sa.Integer(), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('created_by', sa.String(length=254), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_by', sa.String(length=254), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['based_on_id'], ['form_version.id'],
                            name=op.f('fk_form_draft_based_on_id_form_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_form_draft'))
    )
    with op.batch_alter_table('form_draft', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_form_draft_form_id'), ['form_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_form_draft_authority'), ['authority'], unique=False)

    op.create_table('preview_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('form_draft_id', sa.Integer(), nullable=False),
    sa.Column('staff_user_id', sa.Integer(), nullable=False),
    sa.Column('answers', sa.JSON(), nullable=False),
    sa.Column('completed_steps', sa.JSON(), nullable=False),
    sa.Column('files', sa.JSON(), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['form_draft_id'], ['form_draft.id'],
                            name=op.f('fk_preview_answers_form_draft_id_form_draft'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['staff_user_id'], ['staff_user.id'],
                            name=op.f('fk_preview_answers_staff_user_id_staff_user'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_preview_answers')),
    sa.UniqueConstraint('form_draft_id', 'staff_user_id',
                        name=op.f('uq_preview_answers_form_draft_id'))
    )
    with op.batch_alter_table('preview_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_preview_answers_form_draft_id'), ['form_draft_id'],
                              unique=False)

    op.create_table('audit_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('actor', sa.String(length=254), nullable=False),
    sa.Column('authority', sa.String(length=63), nullable=True),
    sa.Column('action', sa.String(length=32), nullable=False),
    sa.Column('form_id', sa.String(length=63), nullable=True),
    sa.Column('version', sa.String(length=32), nullable=True),
    sa.Column('detail', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_entry'))
    )
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_entry_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_audit_entry_authority'), ['authority'], unique=False)


def downgrade():
    with op.batch_alter_table('audit_entry', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_entry_authority'))
        batch_op.drop_index(batch_op.f('ix_audit_entry_at'))
    op.drop_table('audit_entry')

    with op.batch_alter_table('preview_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_preview_answers_form_draft_id'))
    op.drop_table('preview_answers')

    with op.batch_alter_table('form_draft', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_form_draft_authority'))
        batch_op.drop_index(batch_op.f('ix_form_draft_form_id'))
    op.drop_table('form_draft')

    with op.batch_alter_table('staff_user', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_user_authority'))
    op.drop_table('staff_user')

    with op.batch_alter_table('form_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_form_version_authority'))
        batch_op.drop_column('published_by')
        batch_op.drop_column('authority')
