"""erasure, export, consent, retention

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03
"""

from alembic import op
import sqlalchemy as sa
import storage.models


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('centres', schema=None) as batch_op:
        batch_op.add_column(sa.Column('keep_text_months', sa.Integer(), server_default='6', nullable=False))
        batch_op.add_column(sa.Column('keep_checkins_months', sa.Integer(), server_default='24', nullable=False))
        batch_op.add_column(sa.Column('keep_cases_months', sa.Integer(), server_default='24', nullable=False))
        batch_op.add_column(sa.Column('keep_inactive_months', sa.Integer(), server_default='24', nullable=False))
        batch_op.add_column(sa.Column('retention_ran_at', storage.models.UTCDateTime(), nullable=True))

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.add_column(sa.Column('consent_version', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('last_seen_at', storage.models.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('inactive_notice_at', storage.models.UTCDateTime(), nullable=True))

    with op.batch_alter_table('invites', schema=None) as batch_op:
        batch_op.add_column(sa.Column('parental_consent_at', storage.models.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('parental_consent_by', sa.String(length=16), nullable=True))
        batch_op.add_column(sa.Column('youth_age', sa.Integer(), nullable=True))

    # Invitations a parent made before this version: making one was the parent's consent.
    op.execute("UPDATE invites SET parental_consent_at = created_at, parental_consent_by = 'parent' "
               "WHERE created_by IS NOT NULL")
    # Everyone registered so far agreed to the notice of version 1. Their last activity known: the last
    # change of their conversation, else their registration (a month's notice comes before any removal).
    op.execute("UPDATE people SET consent_version = '1' WHERE consented_at IS NOT NULL")
    op.execute("UPDATE people SET last_seen_at = (SELECT conversations.updated_at FROM conversations "
               "WHERE conversations.telegram_user_id = people.telegram_user_id)")
    op.execute("UPDATE people SET last_seen_at = created_at WHERE last_seen_at IS NULL")


def downgrade() -> None:
    with op.batch_alter_table('invites', schema=None) as batch_op:
        batch_op.drop_column('youth_age')
        batch_op.drop_column('parental_consent_by')
        batch_op.drop_column('parental_consent_at')

    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.drop_column('inactive_notice_at')
        batch_op.drop_column('last_seen_at')
        batch_op.drop_column('consent_version')

    with op.batch_alter_table('centres', schema=None) as batch_op:
        batch_op.drop_column('retention_ran_at')
        batch_op.drop_column('keep_inactive_months')
        batch_op.drop_column('keep_cases_months')
        batch_op.drop_column('keep_checkins_months')
        batch_op.drop_column('keep_text_months')
