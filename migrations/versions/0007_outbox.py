"""The outbox sent by a worker: attempts, backoff, the last error, failure, and the worker's claim

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 12:00:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    # Adding columns needs no copy of the table, also on SQLite (as in 0006).
    with op.batch_alter_table('outboxmessage', schema=None) as batch_op:
        batch_op.add_column(sa.Column('attempts', sa.Integer(), server_default='0', nullable=False))
        batch_op.add_column(sa.Column('next_attempt_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=True))
        batch_op.add_column(sa.Column('failed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('claimed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('claimed_by', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True))
    # The worker looks for unsent messages that are due.
    op.create_index('ix_outboxmessage_due', 'outboxmessage', ['sent_at', 'failed_at', 'next_attempt_at'])


def downgrade() -> None:
    op.drop_index('ix_outboxmessage_due', table_name='outboxmessage')
    for column in ('claimed_by', 'claimed_at', 'failed_at', 'last_error', 'next_attempt_at', 'attempts'):
        op.drop_column('outboxmessage', column)
