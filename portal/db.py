"""Database engine per app, a Session per request on `g`, and migrations through Alembic."""
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from flask import Flask, current_app, g, has_request_context, request
from sqlalchemy import event, inspect, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, create_engine

from portal.config import PROJECT_ROOT

MIGRATIONS = PROJECT_ROOT / "migrations"


def make_engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        path = url.removeprefix("sqlite:///")
        if path and path != ":memory:":
            try:
                Path(path).parent.mkdir(parents=True, exist_ok=True)
            except OSError:
                pass  # connecting fails later: /healthz then reports the database unreachable
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 15})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection, _record):
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA busy_timeout=15000")
            cursor.close()

        @event.listens_for(engine, "savepoint")
        def _write_lock_first(connection, _name):
            """A savepoint is taken to write (a first draft that may race another). Outside a transaction SQLite
            would open a deferred one: its first read fixes a snapshot, and the write after it fails at once with
            "database is locked" when another request wrote meanwhile. Taking the write lock first waits instead."""
            if not connection.connection.dbapi_connection.in_transaction:
                connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=5, max_overflow=10)


def init_app(app: Flask) -> None:
    app.extensions["engine"] = make_engine(app.config["DATABASE_URL"])
    app.teardown_appcontext(_close_session)


def engine() -> Engine:
    return current_app.extensions["engine"]


SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


class ChangeOnSafeMethod(RuntimeError):
    """A GET, HEAD or OPTIONS request tried to change the database: state changes only on POST."""


def _kept_by_reading(method: str, obj, is_new: bool) -> bool:
    """What a request that only reads may still write: the idle time of its own session (and when a partner's
    system last used its token), and on GET (which shows a page, unlike HEAD and OPTIONS) the record that it was
    read: audit events, a parent's read receipt of a plan version, and when a parent saw the duo's reply to a
    question."""
    from portal.models import Acknowledgement, AuditEvent, PartnerToken, PlanQuestion, UserSession

    if isinstance(obj, UserSession):
        return not is_new
    if isinstance(obj, PartnerToken):
        return not is_new and _changed(obj) == {"last_used_at"}
    if method != "GET":
        return False
    if isinstance(obj, PlanQuestion) and not is_new:
        return _changed(obj) == {"reply_seen_at"}
    return is_new and (isinstance(obj, AuditEvent) or (isinstance(obj, Acknowledgement) and obj.answer is None))


def _changed(obj) -> set[str]:
    """The attributes of a loaded row that this session changed."""
    return {attribute.key for attribute in inspect(obj).attrs if attribute.history.has_changes()}


def _refuse_changes(method: str):
    def before_flush(db_session: Session, _context, _instances) -> None:
        changed = [(obj, True) for obj in db_session.new] + [(obj, False) for obj in db_session.dirty]
        changed += [(obj, False) for obj in db_session.deleted]
        refused = sorted({type(obj).__name__ for obj, is_new in changed if not _kept_by_reading(method, obj, is_new)})
        if refused:
            raise ChangeOnSafeMethod(f"{method} {request.path} tried to change {', '.join(refused)}")

    return before_flush


def session() -> Session:
    """The request's Session, opened on first use. In a GET, HEAD or OPTIONS request it refuses to
    write anything but the record of reading, so no view can change state outside POST."""
    if "db_session" not in g:
        g.db_session = Session(engine(), expire_on_commit=False)
        if has_request_context() and request.method in SAFE_METHODS:
            event.listen(g.db_session, "before_flush", _refuse_changes(request.method))
    return g.db_session


def _close_session(_exc) -> None:
    db_session = g.pop("db_session", None)
    if db_session is not None:
        db_session.close()


def is_reachable() -> bool:
    try:
        with engine().connect() as connection:
            connection.execute(text("SELECT 1"))
        return True
    except Exception:  # any driver error means: not reachable
        return False


def alembic_config(url: str) -> AlembicConfig:
    config = AlembicConfig()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str = "base") -> None:
    command.downgrade(alembic_config(url), revision)
