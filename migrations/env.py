"""Alembic environment: the target is SQLModel.metadata with every portal table."""
from alembic import context
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

import portal.models  # noqa: F401  (registers the tables)
from portal.db import make_engine

config = context.config
target_metadata = SQLModel.metadata


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


def ddl_in_transactions(engine: Engine) -> None:
    """SQLite can undo CREATE TABLE, but Python's driver commits before each one: let SQLAlchemy say BEGIN
    itself, so an upgrade stopped half way leaves nothing behind and can simply run again."""

    @event.listens_for(engine, "connect")
    def _driver_leaves_transactions_alone(dbapi_connection, _record):
        dbapi_connection.isolation_level = None

    @event.listens_for(engine, "begin")
    def _begin(connection):
        connection.exec_driver_sql("BEGIN")


def run_migrations_online() -> None:
    url = config.get_main_option("sqlalchemy.url")
    connectable = make_engine(url)
    sqlite = connectable.dialect.name == "sqlite"
    if sqlite:
        ddl_in_transactions(connectable)
    try:
        with connectable.connect() as connection:
            context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=sqlite,
                              compare_type=True, transactional_ddl=True)
            with context.begin_transaction():
                context.run_migrations()
    finally:
        connectable.dispose()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
