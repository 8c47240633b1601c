"""p95 of the signed-in home at 100 and 100,000 households, SQLite and PostgreSQL; budget: 100k within 1.5x.

The national roll-out (issue 14): 1,000,000 households and 10,000,000 sealed audit events on PostgreSQL,
and `portal audit verify` of the newest 10,000 events within VERIFY_BUDGET seconds:

    .venv/bin/python -m benchmarks.scale --sizes 100 1000000 --backends postgresql --audit-events 10000000
"""
import argparse
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from benchmarks.common import Codes, percentile, postgres_cluster_class, quiet_request_log, sign_in_client
from benchmarks.generate_audit import generate_audit
from benchmarks.generate_households import GENERATED_TOTP_SECRET, generate, username
from portal import create_app, db
from portal.services import audit

AUDIT_KEY = "bench-audit-" + "k" * 40
VERIFY_BUDGET = 3.0  # seconds for `portal audit verify` of the newest 10,000 events

BUDGET_FACTOR = 1.5
SIZES = (100, 100_000)
ROUNDS = 10  # the requests are spread over rounds that alternate between the sizes, so a busy moment
             # of the machine hits both sizes alike


@dataclass
class Target:
    backend: str
    households: int
    url: str
    generate_seconds: float = 0.0
    generate_cpu: float = 0.0  # this process only: on PostgreSQL the server's share is not in it
    rows: int = 0
    audit_events: int = 0
    verify_seconds: float = 0.0
    verified: int = 0
    client: object = None
    app: object = None
    latencies: list[float] = field(default_factory=list)

    def p(self, fraction: float) -> float:
        return percentile(self.latencies, fraction) * 1000


def _progress(total: int):
    """A log for the generators that prints only for large runs, every tenth of the way."""
    if total < 100_000:
        return None
    step = max(1, total // 10)

    def log(line: str) -> None:
        done = int(line.split()[0])
        if done % step < 5_000 or done == total:
            print(line, flush=True)

    return log


def prepare(target: Target, instance: Path) -> None:
    db.upgrade(target.url)
    began, began_cpu = time.perf_counter(), time.process_time()
    target.rows = sum(generate(target.url, target.households, log=_progress(target.households)).values())
    anchor = instance / f"anchor-{target.backend}-{target.households}.log"
    if target.audit_events:
        generate_audit(target.url, target.audit_events, AUDIT_KEY.encode(), anchor, log=_progress(target.audit_events))
        target.rows += target.audit_events
    target.generate_seconds = time.perf_counter() - began
    target.generate_cpu = time.process_time() - began_cpu
    target.app = create_app({"DATABASE_URL": target.url, "INSTANCE_PATH": str(instance), "AUDIT_KEY": AUDIT_KEY,
                             "AUDIT_ANCHOR": str(anchor), "SECRET_KEY": "bench-" + "x" * 40,
                             "RATELIMIT_ENABLED": False})
    quiet_request_log()
    print(f"  {target.backend:<10} {target.households:>7} households: {target.rows} rows generated in "
          f"{target.generate_seconds:.1f} s ({target.generate_cpu:.1f} s CPU in this process)", flush=True)


def request_home(target: Target) -> float:
    began = time.perf_counter()
    response = target.client.get("/", headers={"Accept-Encoding": "br, gzip"})
    elapsed = time.perf_counter() - began
    if response.status_code != 200:
        raise RuntimeError(f"{target.backend} {target.households}: the home page answered {response.status_code}")
    return elapsed


def sign_in(target: Target) -> None:
    """Sign the parent of the middle household in: after every database is filled, so no session runs out
    while a large one is generated."""
    target.client = target.app.test_client()
    parent = username(target.households // 2)
    codes = Codes()
    sign_in_client(target.client, parent, lambda: codes.next(parent, GENERATED_TOTP_SECRET))


def measure(targets: list[Target], requests: int) -> None:
    for target in targets:
        sign_in(target)
    for target in targets:
        for _ in range(30):  # warm-up: statement caches, connection pool, page cache
            request_home(target)
    per_round = max(1, requests // ROUNDS)
    for _ in range(ROUNDS):
        for target in targets:
            target.latencies += [request_home(target) for _ in range(per_round)]


def verify_newest(target: Target) -> None:
    """`portal audit verify` as an operator runs it: from the last verify's mark to the chain's end."""
    began = time.perf_counter()
    report = audit.verify(target.app)
    target.verify_seconds = time.perf_counter() - began
    target.verified = report.examined
    if report.breaks:
        raise RuntimeError(f"{target.backend} {target.households}: the audit chain broke: {report.first}")


def release(targets: list[Target]) -> None:
    for target in targets:
        if target.app is not None:
            target.app.extensions["engine"].dispose()


def prepare_and_measure(targets: list[Target], directory: str, requests: int, audit_events: int) -> list[Target]:
    targets[-1].audit_events = audit_events  # the large database holds the years of audit events
    try:
        for target in targets:
            prepare(target, Path(directory))
        measure(targets, requests)
        for target in targets:
            if target.audit_events:
                verify_newest(target)
    finally:
        release(targets)
    return targets


def run_sqlite(sizes, requests: int, audit_events: int) -> list[Target]:
    with tempfile.TemporaryDirectory(prefix="portal-scale-") as directory:
        targets = [Target("sqlite", n, f"sqlite:///{directory}/households-{n}.db") for n in sizes]
        return prepare_and_measure(targets, directory, requests, audit_events)


def run_postgresql(sizes, requests: int, audit_events: int) -> list[Target]:
    postgres = postgres_cluster_class()
    cluster = postgres.PostgresCluster.start()
    try:
        with tempfile.TemporaryDirectory(prefix="portal-scale-") as directory:
            targets = [Target("postgresql", n, cluster.create_database()) for n in sizes]
            return prepare_and_measure(targets, directory, requests, audit_events)
    finally:
        cluster.stop()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--sizes", type=int, nargs=2, default=SIZES, metavar=("SMALL", "LARGE"))
    parser.add_argument("--backends", nargs="+", default=["sqlite", "postgresql"],
                        choices=["sqlite", "postgresql"])
    parser.add_argument("--audit-events", type=int, default=0,
                        help="sealed audit events in the large database; then verify the newest 10,000")
    args = parser.parse_args()

    print("Generating households and signing in (the parent of the middle household)...", flush=True)
    results: dict[str, list[Target]] = {}
    unavailable = None
    for backend in args.backends:
        if backend == "sqlite":
            results[backend] = run_sqlite(args.sizes, args.requests, args.audit_events)
            continue
        try:
            results[backend] = run_postgresql(args.sizes, args.requests, args.audit_events)
        except postgres_cluster_class().ClusterError as error:
            unavailable = str(error).splitlines()[0]

    print(f"\nSigned-in family home, {args.requests} requests per size (test client, in rounds that alternate)")
    print(f"{'database':<11} {'households':>10} {'rows':>9} {'generated':>10} {'p50 ms':>7} {'p95 ms':>7} "
          f"{'p95 / small':>11}")
    over = []
    for backend, (small, large) in results.items():
        for target in (small, large):
            factor = target.p(0.95) / small.p(0.95)
            flag = "  OVER" if target is large and factor > BUDGET_FACTOR else ""
            print(f"{backend:<11} {target.households:>10} {target.rows:>9} {target.generate_seconds:>9.1f}s "
                  f"{target.p(0.50):>7.2f} {target.p(0.95):>7.2f} {factor:>10.2f}x{flag}")
            if flag:
                over.append(backend)
    for backend, (_small, large) in results.items():
        if large.audit_events:
            slow = large.verify_seconds > VERIFY_BUDGET
            print(f"{backend}: {large.audit_events} audit events; `portal audit verify` checked the newest "
                  f"{large.verified} in {large.verify_seconds:.2f} s (budget {VERIFY_BUDGET:.0f} s)"
                  f"{'  OVER' if slow else ''}")
            if slow:
                over.append(f"{backend} (audit verify)")
    if unavailable:
        print(f"PostgreSQL is not available, so it was not measured: {unavailable}")
        return 2
    print(f"Budget: p95 at {args.sizes[1]} households within {BUDGET_FACTOR}x of {args.sizes[0]}: "
          + ("met on every database." if not over else f"MISSED on {', '.join(over)}."))
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
