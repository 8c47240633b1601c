"""Sentence memory: each translation belongs to a household and says whether its Dutch held protected text

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 16:00:00
"""
import hashlib
from collections import defaultdict

import sqlalchemy as sa
from alembic import op

revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

# 0001 left the unique constraint unnamed; on SQLite this convention names it as PostgreSQL does.
NAMES = {"uq": "%(table_name)s_%(column_0_N_name)s_key"}
OLD_UNIQUE = 'translationsegment_source_hash_language_key'
NEW_UNIQUE = 'translationsegment_source_hash_language_family_id_key'


def upgrade() -> None:
    with op.batch_alter_table('translationsegment', schema=None, naming_convention=NAMES) as batch_op:
        batch_op.add_column(sa.Column('family_id', sa.Integer(), nullable=True))
        # Rows from before did not say: when in doubt, they are never offered to another household.
        batch_op.add_column(sa.Column('protected', sa.Boolean(), server_default=sa.true(), nullable=False))
        batch_op.create_foreign_key('translationsegment_family_id_fkey', 'family', ['family_id'], ['id'])
        batch_op.create_index('ix_translationsegment_family_id', ['family_id'], unique=False)
        batch_op.drop_constraint(OLD_UNIQUE, type_='unique')
        batch_op.create_unique_constraint(NEW_UNIQUE, ['source_hash', 'language', 'family_id'])
    _give_rows_their_households()


def _give_rows_their_households() -> None:
    """No stored translation is lost: a row goes to the household whose plan holds its Dutch text, and is
    copied for every further household that holds it (each could already read it). A row whose text no plan
    holds stays without a household and is no longer shown (a text of several sentences now counts as its
    sentences; the translation of one sentence is still found by its text)."""
    bind = op.get_bind()
    plan = ("JOIN planversion v ON v.id = {0}.version_id JOIN safetyplan p ON p.id = v.plan_id")
    texts = defaultdict(set)
    for family_id, *fields in bind.execute(sa.text(
            "SELECT p.family_id, s.description, s.risk_factors, a.who, a.what, a.\"when\", a.if_it_goes_wrong "
            "FROM unsafesituation s " + plan.format("s") + " LEFT JOIN safetyagreement a ON a.situation_id = s.id")):
        for field in fields:
            for line in (field or "").split("\n"):
                texts[hashlib.sha256(line.strip().encode()).hexdigest()].add(family_id)
    for family_id, *fields in bind.execute(sa.text(
            "SELECT p.family_id, i.text, i.who FROM planitem i " + plan.format("i"))):
        for field in fields:
            texts[hashlib.sha256((field or "").strip().encode()).hexdigest()].add(family_id)
    columns = "source_hash, language, source_text, text, translator_id, translated_at, verified_by, verified_at"
    for row in bind.execute(sa.text(f"SELECT id, {columns} FROM translationsegment")).mappings().all():
        households = sorted(texts.get(row["source_hash"], ()))
        if not households:
            continue
        bind.execute(sa.text("UPDATE translationsegment SET family_id = :family WHERE id = :id"),
                     {"family": households[0], "id": row["id"]})
        for family_id in households[1:]:
            bind.execute(sa.text(f"INSERT INTO translationsegment ({columns}, family_id) VALUES "
                                 "(:source_hash, :language, :source_text, :text, :translator_id, :translated_at, "
                                 ":verified_by, :verified_at, :family)"), dict(row, family=family_id))


def downgrade() -> None:
    # One translation per sentence and language again: the first one made is kept.
    op.execute("DELETE FROM translationsegment WHERE id NOT IN (SELECT first FROM (SELECT MIN(id) AS first "
               "FROM translationsegment GROUP BY source_hash, language) AS kept)")
    with op.batch_alter_table('translationsegment', schema=None, naming_convention=NAMES) as batch_op:
        batch_op.drop_constraint(NEW_UNIQUE, type_='unique')
        batch_op.create_unique_constraint(OLD_UNIQUE, ['source_hash', 'language'])
        batch_op.drop_index('ix_translationsegment_family_id')
        batch_op.drop_constraint('translationsegment_family_id_fkey', type_='foreignkey')
        batch_op.drop_column('protected')
        batch_op.drop_column('family_id')
