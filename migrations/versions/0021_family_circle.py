"""The family's circle: network members, the agreements they carry and their answers

A person of the family's circle (a neighbour, a brother) gets an account of the new role "network" and sees only the
agreements the duo confirmed they carry. Their answers ("I will do this", "I cannot do this") are kept per agreement
as it read then.

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-07 21:10:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0021'
down_revision = '0020'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("ALTER TYPE role ADD VALUE IF NOT EXISTS 'network'")
    op.create_table(
        'networkmember',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('family_id', sa.Integer(), nullable=False),
        sa.Column('account_id', sa.Integer(), nullable=True),
        sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
        sa.Column('relation', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=8), nullable=False),
        sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column('side', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column('added_by', sa.Integer(), nullable=True),
        sa.Column('added_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['account_id'], ['account.id']),
        sa.ForeignKeyConstraint(['added_by'], ['account.id']),
        sa.ForeignKeyConstraint(['family_id'], ['family.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('account_id'),
    )
    op.create_index('ix_networkmember_family_id', 'networkmember', ['family_id'])
    op.create_table(
        'namedinagreement',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('agreement_key', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('confirmed_by', sa.Integer(), nullable=True),
        sa.Column('confirmed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['confirmed_by'], ['account.id']),
        sa.ForeignKeyConstraint(['member_id'], ['networkmember.id']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('member_id', 'agreement_key'),
    )
    op.create_index('ix_namedinagreement_member_id', 'namedinagreement', ['member_id'])
    op.create_index('ix_namedinagreement_agreement_key', 'namedinagreement', ['agreement_key'])
    op.create_table(
        'circleanswer',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('member_id', sa.Integer(), nullable=False),
        sa.Column('agreement_key', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('version_id', sa.Integer(), nullable=False),
        sa.Column('digest', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('answer', sa.Enum('will', 'cannot', name='commitment'), nullable=False),
        sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
        sa.Column('answered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('handled_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('handled_by', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['handled_by'], ['account.id']),
        sa.ForeignKeyConstraint(['member_id'], ['networkmember.id']),
        sa.ForeignKeyConstraint(['version_id'], ['planversion.id']),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_circleanswer_member_id', 'circleanswer', ['member_id'])
    op.create_index('ix_circleanswer_agreement_key', 'circleanswer', ['agreement_key'])


def downgrade() -> None:
    op.drop_table('circleanswer')
    op.drop_table('namedinagreement')
    op.drop_table('networkmember')
    # PostgreSQL keeps an enum type after its table is gone; the role "network" stays in its type (harmless).
    sa.Enum(name='commitment').drop(op.get_bind(), checkfirst=True)
