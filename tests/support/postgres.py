"""A throwaway PostgreSQL cluster for one test run: initdb + pg_ctl on a free loopback port.

The cluster lives in a temporary directory (data and socket directory) and is removed when
the run ends. initdb refuses to run as root, so as root the binaries run as the `postgres`
system user through `runuser`; the temporary directory is handed to that user. Every
connection over 127.0.0.1 is trusted: the cluster only ever holds throwaway test data.

    cluster = PostgresCluster.start()
    url = cluster.create_database()                  # a new, empty database
    copy = cluster.create_database(template="tmpl")  # a copy of the database "tmpl"
    cluster.drop_database(url)
    cluster.stop()
"""
from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
from psycopg import sql

INSTALL_HINT = "apt-get install postgresql"
SYSTEM_USER = "postgres"
SUPERUSER = "postgres"
PREFIX = "portal-test-pg-"


def postgres_bindir() -> Path | None:
    """The directory holding initdb and pg_ctl: PATH first, then Debian's /usr/lib/postgresql/N/bin."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl", path=str(Path(found).resolve().parent)):
        return Path(found).resolve().parent
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"),
                        key=lambda path: int(Path(path).parts[-3]) if Path(path).parts[-3].isdigit() else 0)
    for initdb in reversed(candidates):
        bindir = Path(initdb).parent
        if (bindir / "pg_ctl").exists():
            return bindir
    return None


def scratch_directory() -> str | None:
    """Where the cluster lives: memory (/dev/shm) when there is room, creating a database there
    takes ~40 ms instead of ~350 ms on a disk; PORTAL_TEST_PG_DIR overrides."""
    chosen = os.environ.get("PORTAL_TEST_PG_DIR")
    if chosen:
        return chosen
    shm = Path("/dev/shm")
    try:
        usage = shutil.disk_usage(shm)
    except OSError:
        return None
    if os.access(shm, os.W_OK | os.X_OK) and usage.free > 2 * 1024**3:
        return str(shm)
    return None


def remove_abandoned_clusters(bindir: Path, scratch: Path) -> None:
    """Stop and remove clusters whose test run died without cleaning up (e.g. killed with SIGKILL)."""
    for root in scratch.glob(f"{PREFIX}*"):
        try:
            owner = int((root / "owner").read_text())
            os.kill(owner, 0)
            continue  # its run is still going
        except ProcessLookupError:
            pass
        except (OSError, ValueError):
            continue  # not ours to judge
        leftover = PostgresCluster(bindir=bindir, root=root, port=0)
        leftover.stop(mode="immediate")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ClusterError(RuntimeError):
    """The cluster did not start; the message carries initdb's or the server's log."""


@dataclass
class PostgresCluster:
    bindir: Path
    root: Path  # temporary directory: data/, socket/, server.log
    port: int
    startup_seconds: float = 0.0
    _names: itertools.count = field(default_factory=lambda: itertools.count(1))
    _admin: psycopg.Connection | None = None

    # --- lifecycle ------------------------------------------------------------------------

    @classmethod
    def start(cls, bindir: Path | None = None, attempts: int = 3) -> PostgresCluster:
        bindir = bindir or postgres_bindir()
        if bindir is None:
            raise ClusterError(f"PostgreSQL is not installed; install it with `{INSTALL_HINT}`.")
        began = time.monotonic()
        scratch = scratch_directory()
        remove_abandoned_clusters(bindir, Path(scratch or tempfile.gettempdir()))
        root = Path(tempfile.mkdtemp(prefix=PREFIX, dir=scratch))
        try:
            (root / "owner").write_text(str(os.getpid()))
            cluster = cls(bindir=bindir, root=root, port=0)
            cluster._initdb()
            for attempt in range(1, attempts + 1):  # another process may grab the port first
                cluster.port = free_port()
                try:
                    cluster._pg_ctl_start()
                    break
                except ClusterError:
                    if attempt == attempts:
                        raise
            cluster.startup_seconds = time.monotonic() - began
            return cluster
        except BaseException:
            shutil.rmtree(root, ignore_errors=True)
            raise

    def stop(self, mode: str = "fast") -> None:
        if self._admin is not None:
            self._admin.close()
            self._admin = None
        if (self.data / "postmaster.pid").exists():
            self._run([self.bindir / "pg_ctl", "stop", "-D", self.data, "-m", mode, "-w", "-t", "30"],
                      check=False)
        shutil.rmtree(self.root, ignore_errors=True)

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def sockets(self) -> Path:
        return self.root / "socket"

    @property
    def log(self) -> Path:
        return self.root / "server.log"

    @property
    def url(self) -> str:
        """SQLAlchemy URL of the maintenance database `postgres`: create databases, don't fill it."""
        return self.database_url("postgres")

    def database_url(self, name: str) -> str:
        return f"postgresql+psycopg://{SUPERUSER}@127.0.0.1:{self.port}/{name}"

    # --- databases ------------------------------------------------------------------------

    def create_database(self, template: str | None = None, name: str | None = None) -> str:
        """Create a database with a unique name (empty, or a copy of `template`); its URL."""
        name = name or f"test_{next(self._names):05d}"
        statement = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            # FILE_COPY: a cheap file copy plus a checkpoint, which costs little with fsync off.
            statement = sql.SQL("CREATE DATABASE {} TEMPLATE {} STRATEGY FILE_COPY").format(
                sql.Identifier(name), sql.Identifier(template))
        self.admin().execute(statement)
        return self.database_url(name)

    def drop_database(self, name_or_url: str) -> None:
        name = name_or_url.rsplit("/", 1)[-1]
        self.admin().execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def admin(self) -> psycopg.Connection:
        """An autocommit connection to the maintenance database, kept open for the run."""
        if self._admin is None or self._admin.closed:
            self._admin = psycopg.connect(host="127.0.0.1", port=self.port, user=SUPERUSER,
                                          dbname="postgres", autocommit=True)
        return self._admin

    # --- internals ------------------------------------------------------------------------

    def _as_postgres(self) -> bool:
        return os.geteuid() == 0

    def _run(self, argv: list, check: bool = True) -> subprocess.CompletedProcess:
        argv = [str(part) for part in argv]
        if self._as_postgres():
            argv = ["runuser", "-u", SYSTEM_USER, "--", *argv]
        env = {key: value for key, value in os.environ.items() if not key.startswith("PG")}
        env["LC_ALL"] = "C"
        result = subprocess.run(argv, cwd=self.root, env=env, stdin=subprocess.DEVNULL,
                                capture_output=True, text=True, timeout=120)
        if check and result.returncode != 0:
            raise ClusterError(f"{' '.join(argv)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        return result

    def _initdb(self) -> None:
        if self._as_postgres():
            try:
                account = pwd.getpwnam(SYSTEM_USER)
            except KeyError:
                raise ClusterError(f"Running as root needs the `{SYSTEM_USER}` system user "
                                   f"(initdb refuses root); install PostgreSQL with `{INSTALL_HINT}`.") from None
            os.chown(self.root, account.pw_uid, account.pw_gid)
        self.root.chmod(0o700)
        self._run([self.bindir / "initdb", "-D", self.data, "-U", SUPERUSER, "--auth=trust",
                   "--encoding=UTF8", "--locale=C", "--no-sync", "--no-instructions"])
        self._run(["mkdir", "-m", "0700", self.sockets])
        settings = {
            "listen_addresses": "'127.0.0.1'",
            "unix_socket_directories": f"'{self.sockets}'",
            # Throwaway data: durability off, which makes CREATE/DROP DATABASE cheap.
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "max_connections": "300",
            "shared_buffers": "64MB",
            "log_min_messages": "warning",
            # Shared memory segments inside the data directory: removed with it, whatever happens.
            "dynamic_shared_memory_type": "mmap",
        }
        with open(self.data / "postgresql.conf", "a") as conf:  # root may append; the owner stays
            conf.write("\n# portal test run\n")
            conf.writelines(f"{key} = {value}\n" for key, value in settings.items())

    def _pg_ctl_start(self) -> None:
        result = self._run([self.bindir / "pg_ctl", "start", "-D", self.data, "-l", self.log, "-w", "-t", "60",
                            "-o", f"-p {self.port}"], check=False)
        if result.returncode != 0:
            log = self.log.read_text(errors="replace") if self.log.exists() else ""
            raise ClusterError(f"PostgreSQL did not start on port {self.port}:\n{result.stdout}\n"
                               f"{result.stderr}\n{log[-4000:]}")
