"""The worker keeps its own schedule: a row per scheduled job, claimed by one worker at a time

`portal worker` runs the reminders, retention, sealing and verifying of the audit log itself; each job's row says
which worker holds it (until when) and when it last succeeded, for the team lead's home to warn when one is overdue.

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-07 22:10:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0023'
down_revision = '0022'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'scheduledjob',
        sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('claimed_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('claimed_until', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('last_started_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('last_success_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('last_failure_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('last_error', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.PrimaryKeyConstraint('name'),
    )


def downgrade() -> None:
    op.drop_table('scheduledjob')
