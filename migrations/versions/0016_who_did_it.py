"""The factual file names who did it and the appointment a parent answered about; an appointment names its worker

Who put a worker in the duo or ended their place in it, and who planned an appointment, were not kept (the file named
the worker assigned as if they had done it); what an answer was about was read from the appointment as it is now.
Rows from before keep no name (it was not recorded); their answers are about the appointment as it is now, the best
that is known.

"With whom" was free text only; now an appointment names the duo's worker it is with, so that a day away of that
worker warns the duo. Rows from before whose text is exactly the name of a worker of the household's duo name that
worker; other texts ("Bram de Wit en Anouk Visser", the police officer) stay text.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-07 16:00:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

REFERENCES = {('duoassignment', 'assigned_by'): 'account', ('duoassignment', 'ended_by'): 'account',
              ('appointment', 'planned_by'): 'account', ('appointment', 'with_worker_id'): 'worker'}
ABOUT = ('answered_about', 'replied_about')
# The one worker ever in the household's duo whose name the text is.
MATCHED = ("(SELECT MIN(worker.id) FROM worker JOIN duoassignment ON duoassignment.worker_id = worker.id "
           "WHERE duoassignment.family_id = appointment.family_id AND worker.name = appointment.with_whom)")


def upgrade() -> None:
    # No batch copy on SQLite: dropping the old appointment table would break the answers that refer to it.
    # SQLite adds a column with its reference in place; PostgreSQL names the constraint.
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for (table, column), target in REFERENCES.items():
        if sqlite:
            op.execute(f'ALTER TABLE {table} ADD COLUMN {column} INTEGER REFERENCES {target} (id)')
        else:
            op.add_column(table, sa.Column(column, sa.Integer(), nullable=True))
            op.create_foreign_key(f'{table}_{column}_fkey', table, target, [column], ['id'])
    for column in ABOUT:
        op.add_column('appointmentanswer', sa.Column(column, sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    starts = "(SELECT appointment.starts_at FROM appointment WHERE appointment.id = appointmentanswer.appointment_id)"
    op.execute(f"UPDATE appointmentanswer SET answered_about = {starts}")
    op.execute(f"UPDATE appointmentanswer SET replied_about = {starts} WHERE replied_at IS NOT NULL")
    op.execute(f"UPDATE appointment SET with_worker_id = {MATCHED}")


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == 'sqlite'
    for column in reversed(ABOUT):
        op.drop_column('appointmentanswer', column)
    for table, column in reversed(list(REFERENCES)):
        if not sqlite:
            op.drop_constraint(f'{table}_{column}_fkey', table, type_='foreignkey')
        op.drop_column(table, column)
