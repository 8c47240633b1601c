"""Audience of every item and per-parent answers

Every plan item, version note and appointment gets an audience column ("household" or "parents:3,7"),
filled from the old visibility rows, which go. Appointment answers move from the appointment (one per
appointment) to appointmentanswer (one per parent), and questions from acknowledgement (one per parent
and version, overwritten by the next) to planquestion (each one kept, with its reply).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-30 16:00:00
"""
import sqlalchemy as sa
import sqlmodel
from alembic import op
from sqlalchemy.dialects import postgresql

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

ITEM_TABLES = ('unsafesituation', 'safetyagreement', 'planitem', 'appointment')


def existing_enum(*values: str, name: str) -> sa.Enum:
    """An enum type PostgreSQL already has (from the columns it was made for), used by a new table."""
    return sa.Enum(*values, name=name).with_variant(postgresql.ENUM(*values, name=name, create_type=False),
                                                     'postgresql')


def audience_column(name: str = 'audience') -> sa.Column:
    return sa.Column(name, sqlmodel.sql.sqltypes.AutoString(length=200), server_default='household', nullable=False)


def upgrade() -> None:
    bind = op.get_bind()
    # Keep the old answers aside: the tables they live in are rebuilt on SQLite, which a foreign key from a
    # new table would refuse.
    op.execute("CREATE TABLE old_appointment_answer AS SELECT id, response, response_reason, response_by, "
               "response_reply, created_at FROM appointment WHERE response IS NOT NULL AND response_by IS NOT NULL")
    op.execute("CREATE TABLE old_plan_question AS SELECT parent_id, version_id, answer, comment, answered_at, reply, "
               "replied_by, replied_at, handled_at FROM acknowledgement WHERE comment <> '' AND answer IS NOT NULL")
    restricted: dict[str, list[int]] = {}
    for key, parent_id in bind.execute(sa.text("SELECT item_key, parent_id FROM visibility ORDER BY parent_id")):
        restricted.setdefault(key, []).append(parent_id)

    for table in ('unsafesituation', 'safetyagreement', 'planitem'):
        op.add_column(table, audience_column())
    op.add_column('planversion', audience_column('note_audience'))
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.add_column(audience_column())
        batch_op.drop_column('response_reply')
        batch_op.drop_column('response_by')
        batch_op.drop_column('response_reason')
        batch_op.drop_column('response')
    with op.batch_alter_table('acknowledgement', schema=None) as batch_op:
        batch_op.drop_column('handled_at')
        batch_op.drop_column('replied_at')
        batch_op.drop_column('replied_by')
        batch_op.drop_column('reply')
        batch_op.drop_column('comment')

    for key, parents in restricted.items():
        stored = 'parents:' + ','.join(str(parent) for parent in sorted(set(parents)))
        for table in ITEM_TABLES:
            bind.execute(sa.text(f"UPDATE {table} SET audience = :stored WHERE key = :key"),
                         {"stored": stored, "key": key})
    with op.batch_alter_table('visibility', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_visibility_item_key'))
        batch_op.drop_index(batch_op.f('ix_visibility_family_id'))
    op.drop_table('visibility')

    op.create_table('appointmentanswer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('appointment_id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=False),
    sa.Column('response', existing_enum('confirmed', 'move_requested', name='appointmentresponse'), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('answered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('reply', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.Column('replied_by', sa.Integer(), nullable=True),
    sa.Column('replied_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['appointment_id'], ['appointment.id'], ),
    sa.ForeignKeyConstraint(['parent_id'], ['parent.id'], ),
    sa.ForeignKeyConstraint(['replied_by'], ['worker.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('appointment_id', 'parent_id')
    )
    with op.batch_alter_table('appointmentanswer', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_appointmentanswer_appointment_id'), ['appointment_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_appointmentanswer_parent_id'), ['parent_id'], unique=False)
    op.create_table('planquestion',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('kind', existing_enum('agree', 'question', 'disagree', name='answer'), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('asked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('reply', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('replied_by', sa.Integer(), nullable=True),
    sa.Column('replied_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('handled_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['parent.id'], ),
    sa.ForeignKeyConstraint(['replied_by'], ['worker.id'], ),
    sa.ForeignKeyConstraint(['version_id'], ['planversion.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('planquestion', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_planquestion_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_planquestion_version_id'), ['version_id'], unique=False)

    op.execute("INSERT INTO appointmentanswer (appointment_id, parent_id, response, reason, answered_at, reply) "
               "SELECT id, response_by, response, response_reason, created_at, response_reply "
               "FROM old_appointment_answer")
    op.execute("INSERT INTO planquestion (parent_id, version_id, kind, text, asked_at, reply, replied_by, replied_at, "
               "handled_at) SELECT parent_id, version_id, answer, comment, answered_at, reply, replied_by, replied_at, "
               "handled_at FROM old_plan_question")
    op.drop_table('old_appointment_answer')
    op.drop_table('old_plan_question')


def downgrade() -> None:
    bind = op.get_bind()
    # The newest question of each parent and version, and one answer per appointment, go back where they were.
    op.execute("CREATE TABLE new_plan_question AS SELECT parent_id, version_id, text, reply, replied_by, replied_at, "
               "handled_at, asked_at FROM planquestion")
    op.execute("CREATE TABLE new_appointment_answer AS SELECT appointment_id, parent_id, response, reason, reply "
               "FROM appointmentanswer")
    audiences = [(table, key, stored) for table in ITEM_TABLES for key, stored in bind.execute(
        sa.text(f"SELECT key, audience FROM {table} WHERE audience <> 'household'"))]
    with op.batch_alter_table('planquestion', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_planquestion_version_id'))
        batch_op.drop_index(batch_op.f('ix_planquestion_parent_id'))
    op.drop_table('planquestion')
    with op.batch_alter_table('appointmentanswer', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_appointmentanswer_parent_id'))
        batch_op.drop_index(batch_op.f('ix_appointmentanswer_appointment_id'))
    op.drop_table('appointmentanswer')

    with op.batch_alter_table('acknowledgement', schema=None) as batch_op:
        batch_op.add_column(sa.Column('comment', sqlmodel.sql.sqltypes.AutoString(length=2000), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('reply', sqlmodel.sql.sqltypes.AutoString(length=2000), server_default='',
                                      nullable=False))
        batch_op.add_column(sa.Column('replied_by', sa.Integer(), sa.ForeignKey('worker.id', name='fk_acknowledgement_replied_by'),
                                      nullable=True))
        batch_op.add_column(sa.Column('replied_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('handled_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('response', existing_enum('confirmed', 'move_requested',
                                                                name='appointmentresponse'), nullable=True))
        batch_op.add_column(sa.Column('response_reason', sqlmodel.sql.sqltypes.AutoString(length=1000),
                                      server_default='', nullable=False))
        batch_op.add_column(sa.Column('response_by', sa.Integer(), sa.ForeignKey('parent.id', name='fk_appointment_response_by'),
                                      nullable=True))
        batch_op.add_column(sa.Column('response_reply', sqlmodel.sql.sqltypes.AutoString(length=1000),
                                      server_default='', nullable=False))
        batch_op.drop_column('audience')
    op.drop_column('planversion', 'note_audience')
    for table in ('unsafesituation', 'safetyagreement', 'planitem'):
        op.drop_column(table, 'audience')

    op.create_table('visibility',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('family_id', sa.Integer(), nullable=False),
    sa.Column('item_key', sqlmodel.sql.sqltypes.AutoString(length=48), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['family_id'], ['family.id'], ),
    sa.ForeignKeyConstraint(['parent_id'], ['parent.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('item_key', 'parent_id')
    )
    with op.batch_alter_table('visibility', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_visibility_family_id'), ['family_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_visibility_item_key'), ['item_key'], unique=False)
    for _table, key, stored in audiences:
        for parent in stored.removeprefix('parents:').split(','):
            bind.execute(sa.text("INSERT INTO visibility (family_id, item_key, parent_id) SELECT family_id, :key, id "
                                 "FROM parent WHERE id = :parent AND NOT EXISTS (SELECT 1 FROM visibility "
                                 "WHERE item_key = :key AND parent_id = :parent)"), {"key": key, "parent": int(parent)})
    op.execute("UPDATE appointment SET response = (SELECT a.response FROM new_appointment_answer a "
               "WHERE a.appointment_id = appointment.id ORDER BY a.parent_id LIMIT 1), "
               "response_by = (SELECT a.parent_id FROM new_appointment_answer a "
               "WHERE a.appointment_id = appointment.id ORDER BY a.parent_id LIMIT 1)")
    op.execute("UPDATE acknowledgement SET comment = COALESCE((SELECT q.text FROM new_plan_question q "
               "WHERE q.parent_id = acknowledgement.parent_id AND q.version_id = acknowledgement.version_id "
               "ORDER BY q.asked_at DESC LIMIT 1), '')")
    op.drop_table('new_plan_question')
    op.drop_table('new_appointment_answer')
