"""encryption at rest

Names become text columns: an encrypted name is longer than the 80 (or 40) characters it holds.
The other encrypted columns were already text. Values are not touched here (a migration has no
key): what is still plain text is read as it is and encrypted by `relier keys rotate`.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03
"""

from alembic import op
import sqlalchemy as sa
import storage.models


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # On SQLite this copies the tables; storage.database.upgrade switches foreign keys off for it,
    # or dropping the old `people` would delete every booking and check-in that cascades from it.
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.alter_column('name', existing_type=sa.String(length=80), type_=sa.Text(), existing_nullable=True)
    with op.batch_alter_table('children', schema=None) as batch_op:
        batch_op.alter_column('first_name', existing_type=sa.String(length=40), type_=sa.Text(),
                              existing_nullable=False)


def downgrade() -> None:
    # Decrypt first if going back to a version without encryption: ciphertext does not fit 80 characters.
    with op.batch_alter_table('children', schema=None) as batch_op:
        batch_op.alter_column('first_name', existing_type=sa.Text(), type_=sa.String(length=40),
                              existing_nullable=False)
    with op.batch_alter_table('people', schema=None) as batch_op:
        batch_op.alter_column('name', existing_type=sa.Text(), type_=sa.String(length=80), existing_nullable=True)
