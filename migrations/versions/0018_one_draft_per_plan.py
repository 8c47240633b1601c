"""One draft per plan: a unique index on the plan's draft; duplicate drafts from before are removed

Two first saves at the same moment each started a draft, and the editor showed one of them. Of a plan's drafts the
one saved last (then the newest) is kept: it is the one the duo saw last. The others are removed with their content
(a draft reaches no parent, and nothing else refers to one).

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-07 13:40:00
"""
from alembic import op
from sqlalchemy import text

revision = '0018'
down_revision = '0017'
branch_labels = None
depends_on = None

DRAFT = text("status = 'draft'")
# Drafts of a plan that has a draft saved later (or as late, and newer): all but the one kept.
OLDER_DRAFTS = ("SELECT id FROM planversion AS older WHERE older.status = 'draft' AND EXISTS ("
                "SELECT 1 FROM planversion AS newer WHERE newer.plan_id = older.plan_id AND newer.status = 'draft' "
                "AND (newer.updated_at > older.updated_at OR (newer.updated_at = older.updated_at "
                "AND newer.id > older.id)))")


def upgrade() -> None:
    op.execute(f"DELETE FROM safetyagreement WHERE situation_id IN "
               f"(SELECT id FROM unsafesituation WHERE version_id IN ({OLDER_DRAFTS}))")
    op.execute(f"DELETE FROM unsafesituation WHERE version_id IN ({OLDER_DRAFTS})")
    op.execute(f"DELETE FROM planitem WHERE version_id IN ({OLDER_DRAFTS})")
    op.execute(f"DELETE FROM planversion WHERE id IN ({OLDER_DRAFTS})")
    with op.batch_alter_table('planversion', schema=None) as batch_op:
        batch_op.create_index('ix_planversion_one_draft', ['plan_id'], unique=True, sqlite_where=DRAFT,
                              postgresql_where=DRAFT)


def downgrade() -> None:
    with op.batch_alter_table('planversion', schema=None) as batch_op:
        batch_op.drop_index('ix_planversion_one_draft')
