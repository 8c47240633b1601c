"""Staff sign-in through their organisation's OpenID Connect provider: providers, linked subjects, sign-ins

A team lead configures an organisation's provider (issuer, client id, the name of the secret's environment
variable) and links staff accounts to a subject there; a sign-in on its way to the provider keeps its state,
nonce and PKCE verifier in providersignin until the answer uses it.

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-07 23:50:04.767584
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0025'
down_revision = '0024'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('identityprovider',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('issuer', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('client_id', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('secret_name', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('mfa_acr', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('team_id', 'issuer', 'client_id')
    )
    with op.batch_alter_table('identityprovider', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_identityprovider_team_id'), ['team_id'], unique=False)

    op.create_table('providersignin',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('state_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('nonce', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('code_verifier', sqlmodel.sql.sqltypes.AutoString(length=128), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('expires_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('used_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['provider_id'], ['identityprovider.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('state_hash')
    )
    with op.batch_alter_table('providersignin', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_providersignin_provider_id'), ['provider_id'], unique=False)

    op.create_table('staffidentity',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('provider_id', sa.Integer(), nullable=False),
    sa.Column('subject', sqlmodel.sql.sqltypes.AutoString(length=255), nullable=False),
    sa.Column('linked_by', sa.Integer(), nullable=True),
    sa.Column('linked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ),
    sa.ForeignKeyConstraint(['linked_by'], ['account.id'], ),
    sa.ForeignKeyConstraint(['provider_id'], ['identityprovider.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('account_id'),
    sa.UniqueConstraint('provider_id', 'subject')
    )
    with op.batch_alter_table('staffidentity', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staffidentity_provider_id'), ['provider_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('staffidentity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staffidentity_provider_id'))

    op.drop_table('staffidentity')
    with op.batch_alter_table('providersignin', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_providersignin_provider_id'))

    op.drop_table('providersignin')
    with op.batch_alter_table('identityprovider', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_identityprovider_team_id'))

    op.drop_table('identityprovider')
