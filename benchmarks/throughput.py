"""CPU per family page in process, and requests/s of the signed-in home under gunicorn, against a bare Flask page of the
same size in the same run. Budgets (issue 14): CPU at most 5x for the home and appointments and 8x for the plan;
under gunicorn at least 0.3x the requests/s, with p95 at least 0.3x as good."""
import argparse
import http.client
import os
import secrets
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session

from benchmarks.common import Codes, percentile, quiet_request_log, secret_of, sign_in_client
from benchmarks.demo_server import Browser, free_port
from benchmarks.wsgi_targets import minimal_app
from portal import create_app, db, demo

BUDGET_RATIO = 0.3
CPU_BUDGET = {"/": 5.0, "/appointments": 5.0, "/plan": 8.0}  # CPU per request, times the bare page's
CPU_REQUESTS = 300
FLOOR = ("floor: layout", "+ signed in", "+ compressed")  # STATIC_PAGE, for reference (not budgeted)
ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
STATIC_PAGE = "/about-leave-quickly"
ENCODING = "br, gzip"  # what a browser sends: the portal compresses, as it does for every family


@dataclass
class Result:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def rps(self) -> float:
        return len(self.latencies) / self.seconds if self.seconds else 0.0


class Gunicorn:
    """gunicorn on a free loopback port, stopped by stop() (SIGTERM, then SIGKILL after 10 s)."""

    def __init__(self, target: str, env: dict, workers: int, threads: int, log: Path):
        self.port, self.log = free_port(), log
        self._output = log.open("ab")
        self.process = subprocess.Popen(
            [GUNICORN, "-w", str(workers), "--threads", str(threads), "-b", f"127.0.0.1:{self.port}",
             "--graceful-timeout", "5", target],
            cwd=ROOT, env=env, stdin=subprocess.DEVNULL, stdout=self._output, stderr=subprocess.STDOUT)

    def wait_ready(self, path: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited ({self.process.returncode}):\n{self.log.read_text()[-3000:]}")
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
            try:
                connection.request("GET", path)
                if connection.getresponse().status < 500:
                    return
            except OSError:
                pass
            finally:
                connection.close()
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer within {timeout:.0f} s:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(5)
        self._output.close()


def load(port: int, path: str, headers: dict, clients: int, seconds: float, max_requests: int,
         expect: bytes) -> Result:
    """`clients` threads with a kept-alive connection each, until `max_requests` or `seconds` run out."""
    result, lock = Result(), threading.Lock()
    issued = 0
    started = time.perf_counter()
    deadline = started + seconds

    def client():
        nonlocal issued
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        while True:
            with lock:
                if issued >= max_requests or time.perf_counter() >= deadline:
                    break
                issued += 1
            began = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                body = response.read()
                status = response.status
                if response.getheader("Connection", "").lower() == "close":
                    connection.close()
            except (OSError, http.client.HTTPException) as error:
                connection.close()
                with lock:
                    result.errors.append(f"{type(error).__name__}: {error}")
                continue
            elapsed = time.perf_counter() - began
            with lock:
                if status == 200 and (not expect or expect in body or response.getheader("Content-Encoding")):
                    result.latencies.append(elapsed)
                else:
                    result.errors.append(f"status {status}")
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - started
    return result


def prepare_database(instance: Path, secret_key: str) -> str:
    url = f"sqlite:///{instance}/portal.db"
    db.upgrade(url)
    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(instance), "SECRET_KEY": secret_key})
    with app.app_context(), Session(db.engine()) as session:
        demo.load(session)
    app.extensions["engine"].dispose()
    return url


def cpu_per_request(client, path: str, headers: dict, requests: int) -> tuple[float, int]:
    """Seconds of this process's CPU per request (after a warm-up), and the page's size in bytes of HTML."""
    for _ in range(30):
        client.get(path, headers=headers)
    began = time.process_time()
    for _ in range(requests):
        response = client.get(path, headers=headers)
        if response.status_code != 200:
            raise RuntimeError(f"{path} answered {response.status_code}")
    return (time.process_time() - began) / requests, len(client.get(path).data)


def cpu_ratios(url: str, instance: Path, secret_key: str, parent: str, requests: int) -> dict[str, tuple]:
    """Per family page: (portal CPU ms, bare page CPU ms, ratio), both measured here, one after the other."""
    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(instance), "SECRET_KEY": secret_key,
                      "RATELIMIT_ENABLED": False})
    quiet_request_log()
    client = app.test_client()
    codes = Codes()
    sign_in_client(client, parent, lambda: codes.next(parent, secret_of(parent)))
    found = {}
    # STATIC_PAGE is the floor: what every page pays before its own queries and content. Its parts: the translated
    # layout alone (signed out, no compression), then signed in (the session and its account), then compressed.
    floor = dict(zip(FLOOR, ((app.test_client(), {}), (client, {}), (client, {"Accept-Encoding": ENCODING})),
                     strict=True))
    try:
        for name in (*CPU_BUDGET, *FLOOR):
            measured, headers = floor.get(name, (client, {"Accept-Encoding": ENCODING}))
            path = STATIC_PAGE if name in floor else name
            portal_cpu, size = cpu_per_request(measured, path, headers, requests)
            bare_cpu, _size = cpu_per_request(minimal_app(size).test_client(), "/", {}, requests)
            found[name] = (portal_cpu * 1000, bare_cpu * 1000, portal_cpu / bare_cpu, size)
    finally:
        app.extensions["engine"].dispose()
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--requests", type=int, default=100_000,
                        help="stop after this many requests, or after --seconds: both targets get the same time")
    parser.add_argument("--parent", default="ouder-fatima")
    parser.add_argument("--cpu-requests", type=int, default=CPU_REQUESTS, help="requests per page in process")
    parser.add_argument("--encoding", default=ENCODING, help="Accept-Encoding of the load (identity: no compression)")
    args = parser.parse_args()

    instance = tempfile.TemporaryDirectory(prefix="portal-bench-")
    path = Path(instance.name)
    secret_key = secrets.token_hex(32)
    url = prepare_database(path, secret_key)
    env = {**os.environ, "DATABASE_URL": url, "PORTAL_INSTANCE": str(path), "SECRET_KEY": secret_key}
    cpu = cpu_ratios(url, path, secret_key, args.parent, args.cpu_requests)
    log = path / "gunicorn.log"
    results: dict[str, Result] = {}
    servers = []
    try:
        portal = Gunicorn("benchmarks.wsgi_targets:portal_app()", env, args.workers, args.threads, log)
        servers.append(portal)
        portal.wait_ready("/healthz")
        browser = Browser(portal.port)
        browser.sign_in(args.parent)
        status, _headers, html, _wire = browser.request("GET", "/", encoding="identity")
        if status != 200:
            raise RuntimeError(f"the signed-in home answered {status}")
        size = len(html)
        cookie = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
        headers = {"Accept-Encoding": args.encoding, "Cookie": cookie}
        marker = b'id="call-now"'
        load(portal.port, "/", headers, args.clients, 5.0, 100, marker)  # warm-up: imports, caches, pools
        results["portal"] = load(portal.port, "/", headers, args.clients, args.seconds, args.requests, marker)
        # For reference, not budgeted: the portal's floor, a page without database or signed-in user.
        results["portal-static"] = load(portal.port, STATIC_PAGE, {"Accept-Encoding": args.encoding},
                                        args.clients, args.seconds, args.requests, b"")
        portal.stop()

        minimal = Gunicorn("benchmarks.wsgi_targets:minimal_app()", {**env, "BENCH_MINIMAL_BYTES": str(size)},
                           args.workers, args.threads, log)
        servers.append(minimal)
        minimal.wait_ready("/")
        headers = {"Accept-Encoding": args.encoding}
        load(minimal.port, "/", headers, args.clients, 5.0, 100, b"Minimaal")
        results["minimal"] = load(minimal.port, "/", headers, args.clients, args.seconds, args.requests, b"Minimaal")
    finally:
        for server in servers:
            server.stop()
        log_text = log.read_text(errors="replace") if log.exists() else ""
        instance.cleanup()

    print(f"CPU per request in this process, {args.cpu_requests} requests per page, against a bare Flask page "
          f"rendering a template of the same size (same run)")
    print(f"{'page':<14} {'bytes':>7} {'portal ms':>10} {'bare ms':>8} {'ratio':>7} {'budget':>7}")
    cpu_met = True
    for page, (portal_ms, bare_ms, ratio, size) in cpu.items():
        if page not in CPU_BUDGET:
            continue
        within = ratio <= CPU_BUDGET[page]
        cpu_met &= within
        print(f"{page:<14} {size:>7} {portal_ms:>10.2f} {bare_ms:>8.3f} {ratio:>6.1f}x {CPU_BUDGET[page]:>6.0f}x"
              f"{'' if within else '  OVER'}")
    print(f"for reference, the floor: {STATIC_PAGE}, no query of its own: the translated layout with its CSP nonce "
          f"and log signed out, then signed in (the session and its account, CSRF), then compressed as sent")
    for name in FLOOR:
        portal_ms, bare_ms, ratio, size = cpu[name]
        print(f"{name:<14} {size:>7} {portal_ms:>10.2f} {bare_ms:>8.3f} {ratio:>6.1f}x")
    print(f"gunicorn -w {args.workers} --threads {args.threads}, {args.clients} clients, "
          f"{args.requests} requests or {args.seconds:.0f} s, Accept-Encoding: {args.encoding}; "
          f"page {size} bytes of HTML")
    print(f"portal-static is {STATIC_PAGE} signed out (no database), for reference only")
    print(f"{'target':<14} {'requests':>9} {'errors':>7} {'seconds':>8} {'req/s':>8} {'p50 ms':>7} {'p95 ms':>7}")
    for name, result in results.items():
        p50 = percentile(result.latencies, 0.50) * 1000 if result.latencies else float("nan")
        p95 = percentile(result.latencies, 0.95) * 1000 if result.latencies else float("nan")
        print(f"{name:<14} {len(result.latencies):>9} {len(result.errors):>7} {result.seconds:>8.2f} "
              f"{result.rps:>8.1f} {p50:>7.1f} {p95:>7.1f}")
    errors = [e for r in results.values() for e in r.errors]
    if errors:
        print(f"{len(errors)} requests failed, e.g. {errors[0]}")
        print(log_text[-2000:])
        return 1
    ratio = results["portal"].rps / results["minimal"].rps
    p95 = {name: percentile(results[name].latencies, 0.95) for name in ("portal", "minimal")}
    latency_ratio = p95["minimal"] / p95["portal"]
    met = ratio >= BUDGET_RATIO and latency_ratio >= BUDGET_RATIO
    floor = results["portal-static"].rps / results["minimal"].rps
    print(f"for reference: portal-static_rps / minimal_rps = {floor:.2f} (the portal's layers alone, no database)")
    print(f"portal_rps / minimal_rps = {ratio:.2f}; minimal_p95 / portal_p95 = {latency_ratio:.2f}; "
          f"budget: both at least {BUDGET_RATIO}: {'within' if met else 'UNDER'}.")
    print(f"CPU per page: {'within' if cpu_met else 'OVER'} budget.")
    return 0 if met and cpu_met else 1


if __name__ == "__main__":
    sys.exit(main())
