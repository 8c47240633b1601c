"""Sign-in and activation flows kept on the server

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 16:00:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('signinflow',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('step', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('audience', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('code_attempts', sa.Integer(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('consumed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('signinflow', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signinflow_account_id'), ['account_id'], unique=False)

    # Adding columns needs no copy of the table, also on SQLite; existing accounts start at 0.
    with op.batch_alter_table('account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('code_failures', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('code_failures_since', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN, also on SQLite: a batch copy of account would drop the table that
    # every other table refers to, which SQLite's foreign keys refuse once there is data.
    op.drop_column('account', 'code_failures_since')
    op.drop_column('account', 'code_failures')

    with op.batch_alter_table('signinflow', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signinflow_account_id'))

    op.drop_table('signinflow')
