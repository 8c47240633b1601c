"""Partners' signals: partner organisations, their people (role "partner") and tokens, signals and matching keys

A wijkagent, a school or a GP sends a signal about a family; it is matched to a household by the people's names,
birth years and address (table matchkey, one row per person), and lands on that household's timeline or on the
team lead's intake list. Parents get a year of birth and an address (staff-only) for the matching.

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-07 23:49:02.940037
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0024'
down_revision = '0023'
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute("ALTER TYPE role ADD VALUE IF NOT EXISTS 'partner'")
    op.create_table('partnerorganisation',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.Enum('police', 'school', 'gp', 'veilig_thuis', 'social_team', name='partnerkind'),
              nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_by'], ['account.id'], ),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('partnerorganisation', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partnerorganisation_team_id'), ['team_id'], unique=False)

    op.create_table('matchkey',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('family_id', sa.Integer(), nullable=False),
    sa.Column('person', sqlmodel.sql.sqltypes.AutoString(length=24), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('surname_key', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('given_key', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('birth_year', sa.Integer(), nullable=True),
    sa.Column('postcode', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('house_number', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.ForeignKeyConstraint(['family_id'], ['family.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('matchkey', schema=None) as batch_op:
        batch_op.create_index('ix_matchkey_address', ['postcode', 'house_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_matchkey_family_id'), ['family_id'], unique=False)
        batch_op.create_index('ix_matchkey_surname', ['surname_key', 'given_key'], unique=False)
        batch_op.create_index('ix_matchkey_surname_year', ['surname_key', 'birth_year'], unique=False)

    op.create_table('partner',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('account_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('function', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.ForeignKeyConstraint(['account_id'], ['account.id'], ),
    sa.ForeignKeyConstraint(['organisation_id'], ['partnerorganisation.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('account_id')
    )
    with op.batch_alter_table('partner', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partner_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('partnertoken',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=120), nullable=False),
    sa.Column('scope', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('revoked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('last_used_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['account.id'], ),
    sa.ForeignKeyConstraint(['organisation_id'], ['partnerorganisation.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token_hash')
    )
    with op.batch_alter_table('partnertoken', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_partnertoken_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('professionalnetwork',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('family_id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('added_by', sa.Integer(), nullable=True),
    sa.Column('added_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['added_by'], ['account.id'], ),
    sa.ForeignKeyConstraint(['family_id'], ['family.id'], ),
    sa.ForeignKeyConstraint(['organisation_id'], ['partnerorganisation.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('family_id', 'organisation_id')
    )
    with op.batch_alter_table('professionalnetwork', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_professionalnetwork_family_id'), ['family_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_professionalnetwork_organisation_id'), ['organisation_id'], unique=False)

    op.create_table('signal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('organisation_id', sa.Integer(), nullable=False),
    sa.Column('sent_by', sa.Integer(), nullable=True),
    sa.Column('token_id', sa.Integer(), nullable=True),
    sa.Column('team_id', sa.Integer(), nullable=False),
    sa.Column('people', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('postcode', sqlmodel.sql.sqltypes.AutoString(length=7), nullable=False),
    sa.Column('house_number', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('what', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('happened_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('observed_by', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('urgency', sa.Enum('urgent', 'soon', 'normal', name='urgency'), nullable=False),
    sa.Column('call_back', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('state', sa.Enum('matched', 'intake', name='signalstate'), nullable=False),
    sa.Column('family_id', sa.Integer(), nullable=True),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('repeat', sa.Boolean(), nullable=False),
    sa.Column('linked_by', sa.Integer(), nullable=True),
    sa.Column('linked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('out_of_hours', sa.Boolean(), nullable=False),
    sa.Column('done_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('done_by', sa.Integer(), nullable=True),
    sa.Column('done_note', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.ForeignKeyConstraint(['done_by'], ['account.id'], ),
    sa.ForeignKeyConstraint(['family_id'], ['family.id'], ),
    sa.ForeignKeyConstraint(['linked_by'], ['account.id'], ),
    sa.ForeignKeyConstraint(['organisation_id'], ['partnerorganisation.id'], ),
    sa.ForeignKeyConstraint(['sent_by'], ['account.id'], ),
    sa.ForeignKeyConstraint(['team_id'], ['team.id'], ),
    sa.ForeignKeyConstraint(['token_id'], ['partnertoken.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('signal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signal_family_id'), ['family_id'], unique=False)
        batch_op.create_index('ix_signal_open', ['state', 'done_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_signal_organisation_id'), ['organisation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_signal_team_id'), ['team_id'], unique=False)

    op.create_table('signaladdition',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('signal_id', sa.Integer(), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
    sa.Column('added_by', sa.Integer(), nullable=True),
    sa.Column('added_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['added_by'], ['account.id'], ),
    sa.ForeignKeyConstraint(['signal_id'], ['signal.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('signaladdition', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signaladdition_signal_id'), ['signal_id'], unique=False)

    op.create_table('signalcandidate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('signal_id', sa.Integer(), nullable=False),
    sa.Column('family_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['family_id'], ['family.id'], ),
    sa.ForeignKeyConstraint(['signal_id'], ['signal.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('signal_id', 'family_id')
    )
    with op.batch_alter_table('signalcandidate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signalcandidate_family_id'), ['family_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_signalcandidate_signal_id'), ['signal_id'], unique=False)

    with op.batch_alter_table('parent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('birth_year', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('postcode', sqlmodel.sql.sqltypes.AutoString(length=7), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('house_number', sqlmodel.sql.sqltypes.AutoString(length=10), server_default='',
                                      nullable=False))



def downgrade() -> None:
    with op.batch_alter_table('parent', schema=None) as batch_op:
        batch_op.drop_column('house_number')
        batch_op.drop_column('postcode')
        batch_op.drop_column('birth_year')

    with op.batch_alter_table('signalcandidate', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signalcandidate_signal_id'))
        batch_op.drop_index(batch_op.f('ix_signalcandidate_family_id'))

    op.drop_table('signalcandidate')
    with op.batch_alter_table('signaladdition', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signaladdition_signal_id'))

    op.drop_table('signaladdition')
    with op.batch_alter_table('signal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_signal_team_id'))
        batch_op.drop_index(batch_op.f('ix_signal_organisation_id'))
        batch_op.drop_index('ix_signal_open')
        batch_op.drop_index(batch_op.f('ix_signal_family_id'))

    op.drop_table('signal')
    with op.batch_alter_table('professionalnetwork', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_professionalnetwork_organisation_id'))
        batch_op.drop_index(batch_op.f('ix_professionalnetwork_family_id'))

    op.drop_table('professionalnetwork')
    with op.batch_alter_table('partnertoken', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partnertoken_organisation_id'))

    op.drop_table('partnertoken')
    with op.batch_alter_table('partner', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partner_organisation_id'))

    op.drop_table('partner')
    with op.batch_alter_table('matchkey', schema=None) as batch_op:
        batch_op.drop_index('ix_matchkey_surname_year')
        batch_op.drop_index('ix_matchkey_surname')
        batch_op.drop_index(batch_op.f('ix_matchkey_family_id'))
        batch_op.drop_index('ix_matchkey_address')

    op.drop_table('matchkey')
    with op.batch_alter_table('partnerorganisation', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_partnerorganisation_team_id'))

    op.drop_table('partnerorganisation')
    # PostgreSQL keeps an enum type after its table is gone; the role "partner" stays in its type (harmless).
    for name in ('partnerkind', 'urgency', 'signalstate'):
        sa.Enum(name=name).drop(op.get_bind(), checkfirst=True)
