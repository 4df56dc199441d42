"""check-ins and escalations

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-24
"""

from alembic import op
import sqlalchemy as sa
import storage.models


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('checkins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('child_id', sa.Integer(), nullable=True),
    sa.Column('subject', sa.String(length=24), nullable=False),
    sa.Column('audience', sa.String(length=8), nullable=False),
    sa.Column('week', sa.String(length=8), nullable=False),
    sa.Column('answers', sa.Text(), nullable=False),
    sa.Column('message', sa.Text(), nullable=True),
    sa.Column('level', sa.String(length=8), nullable=False),
    sa.Column('rule', sa.String(length=40), nullable=True),
    sa.Column('started_at', storage.models.UTCDateTime(), nullable=False),
    sa.Column('completed_at', storage.models.UTCDateTime(), nullable=True),
    sa.CheckConstraint("audience IN ('parent', 'youth')", name=op.f('ck_checkins_audience')),
    sa.CheckConstraint("level IN ('none', 'watch', 'high', 'urgent')", name=op.f('ck_checkins_level')),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_checkins_child_id_children'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_checkins_person_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_checkins'))
    )
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_checkins_child_id'), ['child_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_checkins_person_id'), ['person_id'], unique=False)

    op.create_table('escalations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('centre_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('child_id', sa.Integer(), nullable=True),
    sa.Column('level', sa.String(length=8), nullable=False),
    sa.Column('reason', sa.String(length=60), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('snapshot', sa.Text(), nullable=False),
    sa.Column('checkin_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=8), nullable=False),
    sa.Column('opened_at', storage.models.UTCDateTime(), nullable=False),
    sa.Column('updated_at', storage.models.UTCDateTime(), nullable=False),
    sa.CheckConstraint("level IN ('none', 'watch', 'high', 'urgent')", name=op.f('ck_escalations_level')),
    sa.CheckConstraint("status IN ('open', 'closed')", name=op.f('ck_escalations_status')),
    sa.ForeignKeyConstraint(['centre_id'], ['centres.id'], name=op.f('fk_escalations_centre_id_centres')),
    sa.ForeignKeyConstraint(['checkin_id'], ['checkins.id'], name=op.f('fk_escalations_checkin_id_checkins'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['child_id'], ['children.id'], name=op.f('fk_escalations_child_id_children'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_escalations_person_id_people'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_escalations'))
    )
    with op.batch_alter_table('escalations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_escalations_centre_id'), ['centre_id'], unique=False)
        batch_op.create_index('uq_escalations_one_open', ['person_id'], unique=True, sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('checkin_weekday', sa.Integer(), server_default='6', nullable=False))
        batch_op.add_column(sa.Column('checkin_hour', sa.Integer(), server_default='18', nullable=False))
        batch_op.add_column(sa.Column('checkins_paused', sa.Boolean(), server_default='0', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_column('checkins_paused')
        batch_op.drop_column('checkin_hour')
        batch_op.drop_column('checkin_weekday')

    with op.batch_alter_table('escalations', schema=None) as batch_op:
        batch_op.drop_index('uq_escalations_one_open', sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'"))
        batch_op.drop_index(batch_op.f('ix_escalations_centre_id'))

    op.drop_table('escalations')
    with op.batch_alter_table('checkins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_checkins_person_id'))
        batch_op.drop_index(batch_op.f('ix_checkins_child_id'))

    op.drop_table('checkins')
