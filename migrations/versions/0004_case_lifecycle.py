"""Case lifecycle: households started and closed in the back office, staff accounts managed by team leads

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30 16:00:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('caseclosure',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('family_id', sa.Integer(), nullable=False),
    sa.Column('closed_on', sa.Date(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('closed_by', sa.Integer(), nullable=False),
    sa.Column('reopened_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('reopen_reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('reopened_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['closed_by'], ['account.id'], ),
    sa.ForeignKeyConstraint(['family_id'], ['family.id'], ),
    sa.ForeignKeyConstraint(['reopened_by'], ['account.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('caseclosure', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_caseclosure_family_id'), ['family_id'], unique=False)

    op.create_table('interpreterteam',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('interpreter_id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['interpreter_id'], ['interpreter.id'], ),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('interpreter_id', 'team_id')
    )
    with op.batch_alter_table('interpreterteam', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_interpreterteam_interpreter_id'), ['interpreter_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_interpreterteam_team_id'), ['team_id'], unique=False)

    # Adding a column needs no copy of the table, also on SQLite; existing households start as not kept apart.
    op.add_column('family', sa.Column('parents_kept_apart', sa.Boolean(), server_default='0', nullable=False))


def downgrade() -> None:
    # ALTER TABLE ... DROP COLUMN, also on SQLite: a batch copy of family would drop the table that every
    # household's rows refer to, which SQLite's foreign keys refuse once there is data.
    op.drop_column('family', 'parents_kept_apart')

    with op.batch_alter_table('interpreterteam', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_interpreterteam_team_id'))
        batch_op.drop_index(batch_op.f('ix_interpreterteam_interpreter_id'))

    op.drop_table('interpreterteam')
    with op.batch_alter_table('caseclosure', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_caseclosure_family_id'))

    op.drop_table('caseclosure')
