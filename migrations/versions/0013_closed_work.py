"""A closed case's work: translation jobs and renderings still open when the case closed are closed with it

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 14:00:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('translationjob', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    with op.batch_alter_table('parenttextrendering', schema=None) as batch_op:
        batch_op.add_column(sa.Column('closed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    # Cases closed before: what was still open in them is no longer worked on, from the day the case closed.
    for table, done in (('translationjob', 'completed_at'), ('parenttextrendering', 'rendered_at')):
        family = ("(SELECT safetyplan.family_id FROM planversion JOIN safetyplan ON safetyplan.id = planversion.plan_id "
                  "WHERE planversion.id = translationjob.version_id)" if table == 'translationjob'
                  else 'parenttextrendering.family_id')
        op.execute(f"UPDATE {table} SET closed_at = (SELECT family.closed_at FROM family WHERE family.id = {family}) "
                   f"WHERE {done} IS NULL AND EXISTS (SELECT 1 FROM family WHERE family.id = {family} "
                   f"AND family.closed_at IS NOT NULL)")


def downgrade() -> None:
    with op.batch_alter_table('parenttextrendering', schema=None) as batch_op:
        batch_op.drop_column('closed_at')
    with op.batch_alter_table('translationjob', schema=None) as batch_op:
        batch_op.drop_column('closed_at')
