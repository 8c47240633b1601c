"""A household's appointments are translated in a job of their own, not in the job of the current plan version

The texts of appointments (what for, where) and the duo's replies to answers about them rode in the job of the
current version. When no version had been published they had no job, so in a household kept apart the first
version published for one parent alone decided when the other parent's appointments were translated. Now every job
names its household; a job without a version holds the household's appointments in one language. Each household
and language with a job gets an open appointments job (an interpreter's save completes it at once when nothing
waits), so texts that waited in a version's job keep waiting in it.

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-07 16:20:00
"""
import datetime as dt

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0020'
down_revision = '0019'
branch_labels = None
depends_on = None

APPOINTMENTS = sa.text("version_id IS NULL")


def upgrade() -> None:
    with op.batch_alter_table('translationjob') as batch:
        batch.add_column(sa.Column('family_id', sa.Integer(), nullable=True))
    op.execute("UPDATE translationjob SET family_id = (SELECT safetyplan.family_id FROM planversion JOIN safetyplan "
               "ON safetyplan.id = planversion.plan_id WHERE planversion.id = translationjob.version_id)")
    with op.batch_alter_table('translationjob') as batch:
        batch.alter_column('family_id', existing_type=sa.Integer(), nullable=False)
        batch.alter_column('version_id', existing_type=sa.Integer(), nullable=True)
        batch.create_foreign_key('fk_translationjob_family_id_family', 'family', ['family_id'], ['id'])
        batch.create_index('ix_translationjob_family_id', ['family_id'])
        batch.create_index('ix_translationjob_appointments', ['family_id', 'language'], unique=True,
                           sqlite_where=APPOINTMENTS, postgresql_where=APPOINTMENTS)
    job = sa.table('translationjob', sa.column('family_id', sa.Integer()), sa.column('version_id', sa.Integer()),
                   sa.column('language', sa.String()), sa.column('interpreter_id', sa.Integer()),
                   sa.column('opened_at', sqlmodel.sql.sqltypes.UTCDateTime()), sa.column('carried', sa.String()))
    bind = op.get_bind()
    newest = bind.execute(sa.text(
        "SELECT family_id, language, MAX(interpreter_id) FROM translationjob GROUP BY family_id, language")).all()
    if newest:
        bind.execute(job.insert(), [{"family_id": family_id, "version_id": None, "language": language,
                                     "interpreter_id": interpreter_id, "opened_at": dt.datetime.now(dt.UTC),
                                     "carried": "[]"} for family_id, language, interpreter_id in newest])


def downgrade() -> None:
    op.execute("DELETE FROM translationjob WHERE version_id IS NULL")
    with op.batch_alter_table('translationjob') as batch:
        batch.drop_index('ix_translationjob_appointments')
        batch.drop_index('ix_translationjob_family_id')
        batch.drop_constraint('fk_translationjob_family_id_family', type_='foreignkey')
        batch.alter_column('version_id', existing_type=sa.Integer(), nullable=False)
        batch.drop_column('family_id')
