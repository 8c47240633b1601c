"""One open duo row per worker and household: a worker added twice stood in the duo's history twice

Adding the same worker again (or the contact person as partner too) made a second row. Before the unique index, a
worker's older open rows of a household end the day before their newest row starts (or on its first day, when both
began the same day), so the history keeps every row and the newest one says what the worker is now.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 13:20:00
"""
import datetime as dt

import sqlalchemy as sa
from alembic import op

revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

INDEX = 'uq_duoassignment_open_worker'
OPEN = sa.text('"end" IS NULL')


def upgrade() -> None:
    connection = op.get_bind()
    assignment = sa.table('duoassignment', sa.column('id', sa.Integer), sa.column('family_id', sa.Integer),
                          sa.column('worker_id', sa.Integer), sa.column('start', sa.Date),
                          sa.column('end', sa.Date))
    newest: dict[tuple[int, int], tuple[int, dt.date]] = {}
    rows = connection.execute(sa.select(assignment.c.id, assignment.c.family_id, assignment.c.worker_id,
                                        assignment.c.start).where(assignment.c.end.is_(None))
                              .order_by(assignment.c.start.desc(), assignment.c.id.desc())).all()
    for row_id, family_id, worker_id, start in rows:
        kept = newest.setdefault((family_id, worker_id), (row_id, start))
        if kept[0] != row_id:
            end = max(start, kept[1] - dt.timedelta(days=1))
            connection.execute(assignment.update().where(assignment.c.id == row_id).values(end=end))
    with op.batch_alter_table('duoassignment') as batch:
        batch.create_index(INDEX, ['family_id', 'worker_id'], unique=True, sqlite_where=OPEN, postgresql_where=OPEN)


def downgrade() -> None:
    with op.batch_alter_table('duoassignment') as batch:
        batch.drop_index(INDEX, sqlite_where=OPEN, postgresql_where=OPEN)
