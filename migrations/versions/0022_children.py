"""Children of 12 and over: an account of their own, their own plan and their own words

A child member of a household may get an account (role "child") when the duo decides so with the child; the
decision records whether the parents know. The child's plan (who I call, where I go, my code word) and "my words"
(for the duo; a parent reads one only when the child shares it) have tables of their own.

Revision ID: 0022
Revises: 0021
Create Date: 2026-12-07 21:45:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0022'
down_revision = '0021'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("ALTER TYPE role ADD VALUE IF NOT EXISTS 'child'")
    with op.batch_alter_table('familymember') as batch:
        batch.add_column(sa.Column('account_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=8), server_default='nl',
                                   nullable=False))
        batch.create_foreign_key('fk_familymember_account_id', 'account', ['account_id'], ['id'])
        batch.create_unique_constraint('uq_familymember_account_id', ['account_id'])
    op.create_table(
        'childaccountdecision',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('decided_by', sa.Integer(), nullable=False),
        sa.Column('decided_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('parents_know', sa.Boolean(), nullable=False),
        sa.Column('why_not_told', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.ForeignKeyConstraint(['decided_by'], ['account.id']),
        sa.ForeignKeyConstraint(['member_id'], ['familymember.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('member_id'),
    )
    op.create_table(
        'childplan',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('call', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column('go', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column('code_word', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('updated_by', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['member_id'], ['familymember.id']),
        sa.ForeignKeyConstraint(['updated_by'], ['account.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('member_id'),
    )
    op.create_table(
        'childwords',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
        sa.Column('written_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('shared_with', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('shared_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('read_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('read_by', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['member_id'], ['familymember.id']),
        sa.ForeignKeyConstraint(['read_by'], ['account.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_childwords_member_id', 'childwords', ['member_id'])


def downgrade() -> None:
    op.drop_table('childwords')
    op.drop_table('childplan')
    op.drop_table('childaccountdecision')
    with op.batch_alter_table('familymember') as batch:
        batch.drop_constraint('uq_familymember_account_id', type_='unique')
        batch.drop_constraint('fk_familymember_account_id', type_='foreignkey')
        batch.drop_column('language')
        batch.drop_column('account_id')
