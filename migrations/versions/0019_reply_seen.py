"""A parent's "your duo answered" notice goes once the parent has seen the answer

The notice stood on the parent's home for 14 days after every reply, read or not. Now a question keeps when its
parent last opened the plan page that shows the reply; the notice stays until then. Replies older than 14 days had
no notice any more, so they count as seen; newer ones keep theirs until the parent opens the plan.

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-07 13:45:00
"""
import datetime as dt

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0019'
down_revision = '0018'
branch_labels = None
depends_on = None

OLD_NOTICE = dt.timedelta(days=14)  # how long the notice stood before


def upgrade() -> None:
    with op.batch_alter_table('planquestion') as batch:
        batch.add_column(sa.Column('reply_seen_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    question = sa.table('planquestion', sa.column('replied_at', sqlmodel.sql.sqltypes.UTCDateTime()),
                        sa.column('reply_seen_at', sqlmodel.sql.sqltypes.UTCDateTime()))
    op.get_bind().execute(question.update().where(
        question.c.replied_at < dt.datetime.now(dt.UTC) - OLD_NOTICE).values(reply_seen_at=question.c.replied_at))


def downgrade() -> None:
    with op.batch_alter_table('planquestion') as batch:
        batch.drop_column('reply_seen_at')
