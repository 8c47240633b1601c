"""Fresh databases for tests on SQLite and PostgreSQL, cheap copies of cached templates.

Four kinds of content:
  "empty"     nothing at all (for migration tests and `portal demo` from scratch)
  "migrated"  the schema at head, made by the Alembic migrations (`portal.db.upgrade`)
  "team"      the migrated schema plus the demo team and its staff, no households (`portal.demo.load(db,
              households=False)`): tests build the households they need (support/factories.py)
  "demo"      the migrated schema plus `portal.demo.load` (hashes one argon2 password)

"migrated", "team" and "demo" are built once per backend per test run into a template (an SQLite file,
a PostgreSQL database) and copied for every test: a file copy, or CREATE DATABASE ... TEMPLATE.
"""
from __future__ import annotations

import itertools
import shutil
from collections.abc import Callable
from pathlib import Path

from sqlmodel import Session

from portal import db
from support.postgres import PostgresCluster

BACKENDS = ("sqlite", "postgresql")
KINDS = ("empty", "migrated", "team", "demo")


def backend_of(url: str) -> str:
    return "sqlite" if url.startswith("sqlite") else "postgresql"


def sqlite_path(url: str) -> Path:
    return Path(url.removeprefix("sqlite:///"))


class Databases:
    """Creates, fills and drops test databases; session-wide (the `databases` fixture)."""

    def __init__(self, directory: Path, cluster: Callable[[], PostgresCluster]):
        self.directory = directory  # SQLite files of the templates and of unnamed databases
        self._cluster = cluster  # starts the PostgreSQL cluster on first use only
        self._templates: dict[tuple[str, str], str] = {}  # (backend, kind) -> file path / database name
        self._failures: dict[tuple[str, str], BaseException] = {}
        self._names = itertools.count(1)

    @property
    def cluster(self) -> PostgresCluster:
        return self._cluster()

    def create(self, backend: str, kind: str = "empty", directory: Path | None = None) -> str:
        """A new database (SQLite: a new file in `directory`) holding `kind`; its SQLAlchemy URL."""
        assert backend in BACKENDS and kind in KINDS, (backend, kind)
        if backend == "sqlite":
            path = (directory or self.directory) / f"portal-{next(self._names)}.db"
            url = f"sqlite:///{path}"
            if kind != "empty":
                self.fill(url, kind)
            return url
        template = self.template(backend, kind) if kind != "empty" else None
        return self.cluster.create_database(template=template)

    def fill(self, url: str, kind: str) -> None:
        """Make the (unused) database at `url` a fresh copy of the `kind` template."""
        backend = backend_of(url)
        template = self.template(backend, kind)
        if backend == "sqlite":
            self.drop(url)
            target = sqlite_path(url)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(template, target)
            return
        name = url.rsplit("/", 1)[-1]
        self.cluster.drop_database(name)
        self.cluster.create_database(template=template, name=name)

    def drop(self, url: str) -> None:
        """Remove a database (closing what still connects to it, on PostgreSQL)."""
        if backend_of(url) == "sqlite":
            path = sqlite_path(url)
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)
        else:
            self.cluster.drop_database(url)

    def template(self, backend: str, kind: str) -> str:
        """The template of `kind` on `backend`, built on first use (a failure is remembered)."""
        key = (backend, kind)
        if key in self._failures:
            raise RuntimeError(f"Building the {kind} template on {backend} failed earlier") from self._failures[key]
        if key not in self._templates:
            try:
                self._templates[key] = self._build(backend, kind)
            except BaseException as error:
                self._failures[key] = error
                raise
        return self._templates[key]

    def _build(self, backend: str, kind: str) -> str:
        if backend == "sqlite":
            path = self.directory / f"template-{kind}.db"
            url = f"sqlite:///{path}"
            self.drop(url)
            if kind == "migrated":
                db.upgrade(url)
            else:
                shutil.copyfile(self.template(backend, "migrated"), path)
                _load_demo(url, households=kind == "demo")
            _checkpoint_sqlite(url)
            return str(path)
        name = f"template_{kind}"
        self.cluster.drop_database(name)
        if kind == "migrated":
            url = self.cluster.create_database(name=name)
            db.upgrade(url)
        else:
            url = self.cluster.create_database(template=self.template(backend, "migrated"), name=name)
            _load_demo(url, households=kind == "demo")
        return name


def _load_demo(url: str, households: bool) -> None:
    """The demo data (or its team only), its password hashed at the cost test apps use (TESTING_HASHER)."""
    from portal import demo
    from portal.accounts.secrets import TESTING_HASHER

    engine = db.make_engine(url)
    try:
        with Session(engine) as session:
            demo.load(session, password_hash=TESTING_HASHER.hash, households=households)
    finally:
        engine.dispose()


def _checkpoint_sqlite(url: str) -> None:
    """Fold the write-ahead log into the file, so that a plain file copy is complete."""
    import sqlite3

    path = sqlite_path(url)
    connection = sqlite3.connect(path)
    try:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        connection.execute("PRAGMA journal_mode=DELETE")
    finally:
        connection.close()
    leftover = Path(f"{path}-wal")
    assert not leftover.exists() or leftover.stat().st_size == 0, f"{leftover} is not empty"
