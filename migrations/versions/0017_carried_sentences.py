"""A newer version's translation job carries the sentences the job before it left open

Publishing a version now closes the open translation jobs of the versions before it; the sentences still waiting
in them go on in the new job, kept with it (section and audience included), so nothing waiting is dropped. Jobs
from before start with nothing carried.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-07 13:20:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0017'
down_revision = '0016'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('translationjob', schema=None) as batch_op:
        batch_op.add_column(sa.Column('carried', sqlmodel.sql.sqltypes.AutoString(), nullable=False, server_default='[]'))


def downgrade() -> None:
    with op.batch_alter_table('translationjob', schema=None) as batch_op:
        batch_op.drop_column('carried')
