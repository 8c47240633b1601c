"""Load test: 200 parents and 20 workers for two minutes (locust), two gunicorn servers, one PostgreSQL, one Redis.

    .venv/bin/python -m benchmarks.load_test            # needs the "load" extra (docs/benchmarks.md)

Everything runs on 127.0.0.1 and stops by itself. Budget: zero errors and p95 under 300 ms over the run;
afterwards every answer the portal accepted is in the database, every message was sent once (the loopback
SMS provider received exactly the messages the outbox marks sent, and none is left), and `portal audit
verify` finds the chain whole.
"""
import argparse
import csv
import http.server
import json
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from sqlalchemy import func
from sqlmodel import Session, col, select

from benchmarks.common import CSRF, Codes, postgres_cluster_class
from benchmarks.demo_server import Browser, free_port
from benchmarks.generate_households import GENERATED_TOTP_SECRET, generate, username
from benchmarks.throughput import Gunicorn
from portal import db
from portal.accounts.secrets import hash_password
from portal.demo import DEMO_PASSWORD
from portal.models import Account, DuoAssignment, OutboxMessage, PlanQuestion, Role, Worker

P95_BUDGET_MS = 300
HOUSEHOLDS = 500  # 20 workers at 25 households each; the first 200 parents are the simulated ones
ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


class Provider(http.server.BaseHTTPRequestHandler):
    """The SMS provider on loopback: accepts every message and counts it."""

    received: list[dict] = []
    lock = threading.Lock()

    def do_POST(self):  # noqa: N802 (the name http.server calls)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        with self.lock:
            self.received.append(body)
        self.send_response(202)
        self.end_headers()

    def log_message(self, *_args):
        pass


def worker_accounts(url: str, count: int) -> list[str]:
    """Accounts for the first `count` generated workers (the generator makes workers without accounts)."""
    password = hash_password(DEMO_PASSWORD)
    names = []
    engine = db.make_engine(url)
    with Session(engine) as session:
        busy = select(DuoAssignment.worker_id).group_by(DuoAssignment.worker_id)
        for worker in session.exec(select(Worker).where(col(Worker.id).in_(busy)).order_by(Worker.id).limit(count)):
            account = Account(username=f"gen-werker-{worker.id}", role=Role.worker, display_name=worker.name,
                              password_hash=password, totp_secret=GENERATED_TOTP_SECRET, totp_enrolled=True)
            session.add(account)
            session.flush()
            worker.account_id = account.id
            session.add(worker)
            names.append(account.username)
        session.commit()
    engine.dispose()
    return names


def sign_in(port: int, name: str, staff: bool, address: str, codes: Codes) -> dict[str, str]:
    """Sign in through the forms (password, then code), from this user's address; the cookies."""
    browser = Browser(port, headers={"X-Forwarded-For": address})
    base = "/backoffice" if staff else ""
    token = CSRF.search(browser.text(base + "/sign-in")).group(1)
    status, *_ = browser.request("POST", base + "/sign-in", {"username": name, "password": DEMO_PASSWORD,
                                                             "csrf_token": token})
    if status != 302:
        raise RuntimeError(f"password step for {name}: {status}")
    status, *_ = browser.request("POST", base + "/sign-in/code", {"code": codes.next(name, GENERATED_TOTP_SECRET),
                                                                  "csrf_token": token})
    if status != 302:
        raise RuntimeError(f"code step for {name}: {status}")
    return browser.cookies


def start_redis(directory: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    process = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                "--appendonly", "no", "--dir", str(directory)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    time.sleep(0.5)
    return process, port


def drain(url: str, timeout: float) -> dict[str, int]:
    """Wait for the outbox worker to send everything; the outbox's counts by state."""
    engine = db.make_engine(url)
    deadline = time.monotonic() + timeout
    try:
        while True:
            with Session(engine) as session:
                counts = {
                    "queued": session.exec(select(func.count()).select_from(OutboxMessage)).one(),
                    "sent": session.exec(select(func.count()).where(col(OutboxMessage.sent_at).is_not(None))).one(),
                    "failed": session.exec(select(func.count()).where(col(OutboxMessage.failed_at).is_not(None))).one()}
            if counts["sent"] + counts["failed"] == counts["queued"] or time.monotonic() > deadline:
                return counts
            time.sleep(1)
    finally:
        engine.dispose()


def saved_questions(url: str, texts: list[str]) -> int:
    engine = db.make_engine(url)
    try:
        with Session(engine) as session:
            found = set()
            for start in range(0, len(texts), 500):
                found |= set(session.exec(select(PlanQuestion.text).where(
                    col(PlanQuestion.text).in_(texts[start:start + 500]))).all())
            return len(found)
    finally:
        engine.dispose()


def aggregated(stats_csv: Path) -> dict:
    with open(stats_csv, newline="") as source:
        rows = list(csv.DictReader(source))
    return {row["Name"]: row for row in rows}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parents", type=int, default=200)
    parser.add_argument("--workers", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=120)
    args = parser.parse_args()
    postgres = postgres_cluster_class()
    cluster = postgres.PostgresCluster.start()
    processes: list = []
    servers: list[Gunicorn] = []
    provider = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Provider)
    threading.Thread(target=provider.serve_forever, daemon=True).start()
    try:
        with tempfile.TemporaryDirectory(prefix="portal-load-") as scratch:
            directory = Path(scratch)
            url = cluster.create_database()
            db.upgrade(url)
            began = time.perf_counter()
            generate(url, max(HOUSEHOLDS, args.parents))
            workers = worker_accounts(url, args.workers)
            print(f"Generated {max(HOUSEHOLDS, args.parents)} households and {len(workers)} worker accounts in "
                  f"{time.perf_counter() - began:.0f} s", flush=True)
            redis, redis_port = start_redis(directory)
            processes.append(redis)
            env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": secrets.token_hex(32),
                   "PORTAL_AUDIT_KEY": secrets.token_hex(32), "PORTAL_INSTANCE": str(directory),
                   "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{redis_port}/0", "PORTAL_PROXIES": "127.0.0.1",
                   "PORTAL_NOTIFY_SENDER": "sms=http-sms", "PORTAL_SMS_URL": f"http://127.0.0.1:{provider.server_port}/",
                   "PORTAL_SMS_TOKEN": "load-test"}
            log = directory / "servers.log"
            for _name in ("A", "B"):
                server = Gunicorn("portal:create_app()", env, 1, 8, log)
                servers.append(server)
            for server in servers:
                server.wait_ready("/healthz")
            with open(log, "ab") as output:
                processes.append(subprocess.Popen([str(BIN / "portal"), "worker"], env=env, cwd=ROOT,
                                                  stdout=output, stderr=subprocess.STDOUT))
            codes = Codes()
            people = [("parent", username(h)) for h in range(args.parents)] + [("worker", w) for w in workers]

            def signed_in(index_person):
                index, (kind, name) = index_person
                address = f"10.{index // 250}.{index % 250}.{1 + index % 200}"
                cookies = sign_in(servers[index % 2].port, name, kind == "worker", address, codes)
                return {"kind": kind, "username": name, "cookies": cookies, "address": address}

            began = time.perf_counter()
            with ThreadPoolExecutor(4) as pool:
                users = list(pool.map(signed_in, enumerate(people)))
            print(f"Signed in {len(users)} users in {time.perf_counter() - began:.0f} s; load for {args.seconds} s...",
                  flush=True)
            (directory / "users.json").write_text(json.dumps(users))
            results = directory / "results.json"
            locust = subprocess.run(
                [str(BIN / "locust"), "-f", str(ROOT / "benchmarks" / "locustfile.py"), "--headless",
                 "-u", str(args.parents + args.workers), "-r", "20", "-t", f"{args.seconds}s", "--stop-timeout", "10",
                 "--csv", str(directory / "load"), "--only-summary", "--loglevel", "WARNING"],
                env={**env, "PYTHONPATH": str(ROOT), "LOAD_USERS": str(directory / "users.json"),
                     "LOAD_RESULTS": str(results),
                     "LOAD_SERVERS": ",".join(f"http://127.0.0.1:{s.port}" for s in servers),
                     "LOAD_PARENTS": str(args.parents), "LOAD_WORKERS": str(args.workers)},
                cwd=ROOT, capture_output=True, text=True, timeout=args.seconds + 120)
            print(locust.stdout[-6000:])
            stats = aggregated(directory / "load_stats.csv")
            outcome = json.loads(results.read_text()) if results.exists() else {"accepted": [], "published": []}
            outbox = drain(url, timeout=60)
            verify = subprocess.run([str(BIN / "portal"), "audit", "verify"], env=env, cwd=ROOT, capture_output=True,
                                    text=True, timeout=300)
            total = stats["Aggregated"]
            requests, failures = int(total["Request Count"]), int(total["Failure Count"])
            p95 = float(total["95%"])
            saved = saved_questions(url, outcome["accepted"])
            received = len(Provider.received)
            checks = {
                f"zero errors ({failures} of {requests} requests failed)": failures == 0 and requests > 0,
                f"p95 {p95:.0f} ms under {P95_BUDGET_MS} ms": p95 < P95_BUDGET_MS,
                f"every accepted answer saved ({saved} of {len(outcome['accepted'])})":
                    saved == len(outcome["accepted"]) and saved > 0,
                f"every message sent once ({received} received, {outbox['sent']} sent, {outbox['queued']} queued, "
                f"{outbox['failed']} failed; {len(outcome['published'])} versions published)":
                    received == outbox["sent"] == outbox["queued"] and outbox["failed"] == 0 and received > 0,
                f"audit chain verified ({verify.stdout.strip().splitlines()[-1] if verify.stdout.strip() else ''})":
                    verify.returncode == 0,
            }
            print(f"{args.parents} parents and {args.workers} workers for {args.seconds} s, two gunicorn servers "
                  f"(-w 1 --threads 8), one PostgreSQL, one Redis; {requests} requests, "
                  f"{requests / args.seconds:.1f} req/s, p50 {float(total['50%']):.0f} ms, p95 {p95:.0f} ms, "
                  f"p99 {float(total['99%']):.0f} ms")
            for check, met in checks.items():
                print(f"  {'ok  ' if met else 'MISS'} {check}")
            if locust.returncode not in (0, 1) or not all(checks.values()):
                print(locust.stderr[-3000:])
                print(log.read_text(errors="replace")[-3000:])
            return 0 if all(checks.values()) else 1
    finally:
        for server in servers:
            server.stop()
        for process in processes:
            process.terminate()
            process.wait(10)
        provider.shutdown()
        cluster.stop()


if __name__ == "__main__":
    sys.exit(main())
