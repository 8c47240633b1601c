"""Each parent's own numbering of the plan's versions: a version that changes nothing a parent may read is none of theirs

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 12:00:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('parentversion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['parent_id'], ['parent.id'], ),
    sa.ForeignKeyConstraint(['version_id'], ['planversion.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('parent_id', 'number'),
    sa.UniqueConstraint('parent_id', 'version_id')
    )
    with op.batch_alter_table('parentversion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_parentversion_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_parentversion_version_id'), ['version_id'], unique=False)
    # Versions published before: every parent knew every one of them, in the household's numbering.
    op.execute("INSERT INTO parentversion (parent_id, version_id, number) "
               "SELECT parent.id, planversion.id, planversion.number FROM planversion "
               "JOIN safetyplan ON safetyplan.id = planversion.plan_id "
               "JOIN parent ON parent.family_id = safetyplan.family_id "
               "WHERE planversion.status = 'published'")


def downgrade() -> None:
    with op.batch_alter_table('parentversion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_parentversion_version_id'))
        batch_op.drop_index(batch_op.f('ix_parentversion_parent_id'))

    op.drop_table('parentversion')
