"""Facts first: how many interpretations and judgements were marked in a version when it was published

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 14:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Adding a column needs no copy of the table, also on SQLite (as in 0006); versions published before the
    # check existed count none.
    with op.batch_alter_table('planversion', schema=None) as batch_op:
        batch_op.add_column(sa.Column('interpretations_marked', sa.Integer(), server_default='0', nullable=False))


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN, also on SQLite (as in 0006): no batch copy of the table.
    op.drop_column('planversion', 'interpretations_marked')
