"""A parent's question or move reason rendered in Dutch by an interpreter, for the duo

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 00:20:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('parenttextrendering',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('family_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('text_id', sa.Integer(), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
    sa.Column('source_text', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('asked_by', sa.Integer(), nullable=False),
    sa.Column('asked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('interpreter_id', sa.Integer(), nullable=True),
    sa.Column('rendered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['asked_by'], ['worker.id'], ),
    sa.ForeignKeyConstraint(['family_id'], ['family.id'], ),
    sa.ForeignKeyConstraint(['interpreter_id'], ['interpreter.id'], ),
    sa.ForeignKeyConstraint(['parent_id'], ['parent.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('kind', 'text_id')
    )
    with op.batch_alter_table('parenttextrendering', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_parenttextrendering_family_id'), ['family_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_parenttextrendering_interpreter_id'), ['interpreter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_parenttextrendering_parent_id'), ['parent_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('parenttextrendering', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_parenttextrendering_parent_id'))
        batch_op.drop_index(batch_op.f('ix_parenttextrendering_interpreter_id'))
        batch_op.drop_index(batch_op.f('ix_parenttextrendering_family_id'))

    op.drop_table('parenttextrendering')
