"""Interpreters work for their teams, and the translation memory keeps to its audience (data only, no schema change)

Before, work went to the lowest-id interpreter of the language (any team, also switched off), and a translation was
shared with other households unless its Dutch held a name or number. Whether a stored sentence came from an item for
the whole household was not kept; so every household's row is kept in its household from now on (it still serves
its own household; new translations of whole-household sentences are shared again). Open work held by an interpreter
who may not take it (switched off, not of the household's team, not speaking the language) waits for the team again.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 15:00:00
"""
from alembic import op

revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

# The interpreter holding the work may take it: switched on, of the household's team, speaking the language.
MAY_TAKE = ("EXISTS (SELECT 1 FROM interpreter JOIN account ON account.id = interpreter.account_id "
            "JOIN interpreterteam ON interpreterteam.interpreter_id = interpreter.id "
            "WHERE interpreter.id = {table}.interpreter_id AND account.active "
            "AND ',' || interpreter.languages || ',' LIKE '%,' || {table}.language || ',%' "
            "AND interpreterteam.team_id = (SELECT family.team_id FROM family WHERE family.id = {family}))")
FAMILY = {
    'translationjob': "(SELECT safetyplan.family_id FROM planversion JOIN safetyplan ON safetyplan.id = "
                      "planversion.plan_id WHERE planversion.id = translationjob.version_id)",
    'parenttextrendering': 'parenttextrendering.family_id',
}
DONE = {'translationjob': 'completed_at', 'parenttextrendering': 'rendered_at'}


def upgrade() -> None:
    op.execute("UPDATE translationsegment SET protected = TRUE WHERE family_id IS NOT NULL")
    for table, family in FAMILY.items():
        op.execute(f"UPDATE {table} SET interpreter_id = NULL WHERE {DONE[table]} IS NULL "
                   f"AND interpreter_id IS NOT NULL AND NOT {MAY_TAKE.format(table=table, family=family)}")


def downgrade() -> None:
    pass  # which rows were shared and who held the work before is not kept: nothing to undo
