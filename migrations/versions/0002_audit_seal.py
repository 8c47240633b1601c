"""Audit trail sealed by a keyed chain with checkpoints

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 16:00:00
"""
import hashlib
import json

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('auditcheckpoint',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('mac', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('signature', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('auditcheckpoint', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_auditcheckpoint_seq'), ['seq'], unique=True)

    # Events written before this revision keep their fields; the plain hash chain goes, and the
    # first seal after the upgrade chains them with the key, in id order.
    with op.batch_alter_table('auditevent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seq', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('mac', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.create_index(batch_op.f('ix_auditevent_seq'), ['seq'], unique=True)
        batch_op.drop_column('hash')
        batch_op.drop_column('prev_hash')


def downgrade() -> None:
    with op.batch_alter_table('auditevent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('prev_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.add_column(sa.Column('hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        batch_op.drop_index(batch_op.f('ix_auditevent_seq'))
        batch_op.drop_column('mac')
        batch_op.drop_column('seq')
    _rebuild_plain_chain()
    with op.batch_alter_table('auditevent', schema=None) as batch_op:
        batch_op.alter_column('prev_hash', existing_type=sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False)
        batch_op.alter_column('hash', existing_type=sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False)
        batch_op.create_unique_constraint('auditevent_prev_hash_key', ['prev_hash'])
        batch_op.create_unique_constraint('auditevent_hash_key', ['hash'])

    with op.batch_alter_table('auditcheckpoint', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_auditcheckpoint_seq'))

    op.drop_table('auditcheckpoint')


def _rebuild_plain_chain() -> None:
    """Revision 0001's SHA-256 chain over the events in id order, so its code finds an intact log."""
    names = ('at', 'actor_id', 'actor_name', 'role', 'action', 'object', 'family_id', 'result', 'origin')
    events = sa.table('auditevent', sa.column('id', sa.Integer()), sa.column('at', sqlmodel.sql.sqltypes.UTCDateTime()),
                      *(sa.column(name) for name in names[1:]), sa.column('prev_hash'), sa.column('hash'))
    bind = op.get_bind()
    previous = '0' * 64
    for row in bind.execute(sa.select(events.c.id, *(events.c[name] for name in names)).order_by(events.c.id)).all():
        fields = [previous, row.at.isoformat(), *(getattr(row, name) for name in names[1:])]
        digest = hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode()).hexdigest()
        bind.execute(events.update().where(events.c.id == row.id).values(prev_hash=previous, hash=digest))
        previous = digest
