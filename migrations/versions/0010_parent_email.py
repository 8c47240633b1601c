"""A parent's e-mail address and the channel their messages go by (SMS or e-mail)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 18:00:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Adding columns needs no copy of the table, also on SQLite (as in 0006); every parent so far got SMS.
    with op.batch_alter_table('parent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=254), nullable=True))
        batch_op.add_column(sa.Column('notify_by', sqlmodel.sql.sqltypes.AutoString(length=8), server_default='sms',
                                      nullable=False))


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN, also on SQLite (as in 0006): no batch copy of the table.
    op.drop_column('parent', 'notify_by')
    op.drop_column('parent', 'email')
