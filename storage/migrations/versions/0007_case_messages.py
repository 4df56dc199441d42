"""case messages

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03
"""

from alembic import op
import sqlalchemy as sa
import storage.models


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('case_messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('escalation_id', sa.Integer(), nullable=False),
    sa.Column('at', storage.models.UTCDateTime(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('level', sa.String(length=8), nullable=True),
    sa.Column('rule', sa.String(length=60), nullable=True),
    sa.CheckConstraint("level IS NULL OR level IN ('none', 'watch', 'high', 'urgent')",
                       name=op.f('ck_case_messages_level')),
    sa.ForeignKeyConstraint(['escalation_id'], ['escalations.id'],
                            name=op.f('fk_case_messages_escalation_id_escalations'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_messages'))
    )
    with op.batch_alter_table('case_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_messages_escalation_id'), ['escalation_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('case_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_messages_escalation_id'))

    op.drop_table('case_messages')
