"""bookings

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-24
"""

from alembic import op
import sqlalchemy as sa
import storage.models


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('bookings',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('attendance', sa.String(length=10), nullable=True),
    sa.Column('created_at', storage.models.UTCDateTime(), nullable=False),
    sa.Column('updated_at', storage.models.UTCDateTime(), nullable=False),
    sa.CheckConstraint("attendance IS NULL OR attendance IN ('present', 'absent', 'excused')", name=op.f('ck_bookings_attendance')),
    sa.CheckConstraint("status IN ('booked', 'waiting', 'cancelled')", name=op.f('ck_bookings_status')),
    sa.ForeignKeyConstraint(['person_id'], ['people.id'], name=op.f('fk_bookings_person_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['session_id'], ['group_sessions.id'], name=op.f('fk_bookings_session_id_group_sessions'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_bookings'))
    )
    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_bookings_person_id'), ['person_id'], unique=False)
        batch_op.create_index('ix_bookings_session_status', ['session_id', 'status', 'id'], unique=False)
        batch_op.create_index('uq_bookings_one_active', ['session_id', 'person_id'], unique=True, sqlite_where=sa.text("status <> 'cancelled'"), postgresql_where=sa.text("status <> 'cancelled'"))

    with op.batch_alter_table('group_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('kind', sa.String(length=16), server_default='group', nullable=False))
        batch_op.add_column(sa.Column('booked', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('description', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('series', sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column('cancelled_at', storage.models.UTCDateTime(), nullable=True))
        batch_op.create_check_constraint(
            op.f('ck_group_sessions_kind'), "kind IN ('group', 'talk', 'mediation', 'workshop')")
        batch_op.create_check_constraint(op.f('ck_group_sessions_seats'), "booked >= 0 AND booked <= capacity")



def downgrade() -> None:
    with op.batch_alter_table('group_sessions', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_group_sessions_seats'), type_='check')
        batch_op.drop_constraint(op.f('ck_group_sessions_kind'), type_='check')
        batch_op.drop_column('cancelled_at')
        batch_op.drop_column('series')
        batch_op.drop_column('description')
        batch_op.drop_column('booked')
        batch_op.drop_column('kind')

    with op.batch_alter_table('bookings', schema=None) as batch_op:
        batch_op.drop_index('uq_bookings_one_active', sqlite_where=sa.text("status <> 'cancelled'"), postgresql_where=sa.text("status <> 'cancelled'"))
        batch_op.drop_index('ix_bookings_session_status')
        batch_op.drop_index(batch_op.f('ix_bookings_person_id'))

    op.drop_table('bookings')
