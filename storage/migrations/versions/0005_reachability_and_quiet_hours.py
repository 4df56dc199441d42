"""reachability and quiet hours

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-24
"""

from alembic import op
import sqlalchemy as sa
import storage.models


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('centres', schema=None) as batch_op:
        batch_op.add_column(sa.Column('quiet_from', sa.Integer(), server_default='1260', nullable=False))
        batch_op.add_column(sa.Column('quiet_until', sa.Integer(), server_default='480', nullable=False))

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('unreachable_at', storage.models.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('explicit_notifications', sa.Boolean(), server_default='0', nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_column('explicit_notifications')
        batch_op.drop_column('unreachable_at')

    with op.batch_alter_table('centres', schema=None) as batch_op:
        batch_op.drop_column('quiet_until')
        batch_op.drop_column('quiet_from')

