"""Text typed when a session ran out, kept until the user signs in again

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01 10:00:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Adding columns needs no copy of the table, also on SQLite; existing steps hold no typed text.
    with op.batch_alter_table('signinflow', schema=None) as batch_op:
        batch_op.add_column(sa.Column('path', sqlmodel.sql.sqltypes.AutoString(length=200), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('typed', sqlmodel.sql.sqltypes.AutoString(), server_default='',
                                      nullable=False))


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN, also on SQLite (as in 0003): no batch copy of the table.
    op.drop_column('signinflow', 'typed')
    op.drop_column('signinflow', 'path')
