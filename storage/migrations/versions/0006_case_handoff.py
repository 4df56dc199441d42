"""case handoff

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24
"""

from alembic import op
import sqlalchemy as sa
import storage.models


revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', storage.models.UTCDateTime(), nullable=False),
    sa.Column('escalation_id', sa.Integer(), nullable=True),
    sa.Column('actor_id', sa.Integer(), nullable=True),
    sa.Column('action', sa.String(length=24), nullable=False),
    sa.Column('detail', sa.String(length=40), nullable=True),
    sa.ForeignKeyConstraint(['actor_id'], ['people.id'], name=op.f('fk_audit_log_actor_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['escalation_id'], ['escalations.id'], name=op.f('fk_audit_log_escalation_id_escalations'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_log_escalation_id'), ['escalation_id'], unique=False)

    with op.batch_alter_table('centres', schema=None) as batch_op:
        batch_op.add_column(sa.Column('open_days', sa.String(length=16), server_default='0,1,2,3,4', nullable=False))
        batch_op.add_column(sa.Column('open_from', sa.Integer(), server_default='540', nullable=False))
        batch_op.add_column(sa.Column('open_until', sa.Integer(), server_default='1080', nullable=False))
        batch_op.add_column(sa.Column('case_timers', sa.Text(), server_default='{}', nullable=False))

    with op.batch_alter_table('escalations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('topic_id', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('card_chat_id', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('card_message_id', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('taken_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('taken_at', storage.models.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('first_reply_at', storage.models.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('alert_stage', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('next_alert_at', storage.models.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('closed_at', storage.models.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('closed_by', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('outcome', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('close_note', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('followup_at', storage.models.UTCDateTime(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_escalations_closed_by_people'), 'people', ['closed_by'], ['id'], ondelete='SET NULL')
        batch_op.create_foreign_key(batch_op.f('fk_escalations_taken_by_people'), 'people', ['taken_by'], ['id'], ondelete='SET NULL')

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('on_duty', sa.Boolean(), server_default='1', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_column('on_duty')

    with op.batch_alter_table('escalations', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_escalations_taken_by_people'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_escalations_closed_by_people'), type_='foreignkey')
        batch_op.drop_column('followup_at')
        batch_op.drop_column('close_note')
        batch_op.drop_column('outcome')
        batch_op.drop_column('closed_by')
        batch_op.drop_column('closed_at')
        batch_op.drop_column('next_alert_at')
        batch_op.drop_column('alert_stage')
        batch_op.drop_column('first_reply_at')
        batch_op.drop_column('taken_at')
        batch_op.drop_column('taken_by')
        batch_op.drop_column('card_message_id')
        batch_op.drop_column('card_chat_id')
        batch_op.drop_column('topic_id')

    with op.batch_alter_table('centres', schema=None) as batch_op:
        batch_op.drop_column('case_timers')
        batch_op.drop_column('open_until')
        batch_op.drop_column('open_from')
        batch_op.drop_column('open_days')

    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_audit_log_escalation_id'))

    op.drop_table('audit_log')
