"""CPU per family page in process against a bare Flask page of the same size, and server CPU per request under
gunicorn, with the budgets of issue 23.

In process (Flask's test client, this process's CPU time): each family page signed in and compressed as sent, then
a bare Flask page rendering a static template of the same number of HTML bytes, one after the other, three runs;
the median ratio of the three counts. Budgets: home at most 15x, appointments 18x, plan 22x. The floor (a page
without a query of its own, signed out, signed in, compressed) is reported, not budgeted.

Under gunicorn (`-w 2 --threads 4`, compressed as a browser asks): the CPU time of the gunicorn processes (master
and workers, utime + stime from /proc/<pid>/stat) before and after a load, divided by the requests answered. The
load tool is wrk (Debian's `wrk`, in .ci/run) when installed, else this script's own HTTP threads; it runs on
another core than the server (taskset) where the machine has two or more, so its own CPU is not counted and does
not take the server's core. Median of three loads per page. Budgets: home at most 3 ms, plan 4 ms of server CPU per
request; requests/s and latencies are printed for reference (capacity), not budgeted.

Exits non-zero when a budget is missed or a request failed."""
import argparse
import http.client
import os
import re
import secrets
import shutil
import statistics
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

CPU_BUDGET = {"/": 15.0, "/appointments": 18.0, "/plan": 22.0}  # CPU per request, times the bare page's
SERVER_BUDGET_MS = {"/": 3.0, "/plan": 4.0}  # gunicorn's CPU per request (ms)
SERVER_PAGES = ("/", "/appointments", "/plan")  # measured under gunicorn; appointments for reference
RUNS = 3
CPU_REQUESTS = 300
FLOOR = ("floor: layout", "+ signed in", "+ compressed")  # STATIC_PAGE, for reference (not budgeted)
ROOT = Path(__file__).resolve().parent.parent
GUNICORN = str(Path(sys.executable).parent / "gunicorn")
STATIC_PAGE = "/about-leave-quickly"
ENCODING = "br, gzip"  # what a browser sends: the portal compresses, as it does for every family
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
# wrk counts answers other than 200 (a redirect to the sign-in page would be a 302 that wrk counts as a success).
WRK_SCRIPT = """local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) bad = 0 end
function response(status, headers, body) if status ~= 200 then bad = bad + 1 end end
function done(summary, latency, requests)
  local total = 0
  for _, thread in ipairs(threads) do total = total + thread:get("bad") end
  io.write(string.format("not-200 %d\\n", total))
  for _, p in ipairs({50, 95, 99}) do io.write(string.format("p%d %d\\n", p, latency:percentile(p))) end
end
"""


def cores() -> tuple[str | None, str | None]:
    """CPU lists for the server and the load tool (taskset -c): the last core for the load, the others for the
    server; (None, None) on a single core, where both share it."""
    available = sorted(os.sched_getaffinity(0))
    if len(available) < 2 or not shutil.which("taskset"):
        return None, None
    return ",".join(map(str, available[:-1])), str(available[-1])


def pinned(command: list[str], cpus: str | None) -> list[str]:
    return ["taskset", "-c", cpus, *command] if cpus else command


def children(pid: int) -> list[int]:
    """Every descendant of `pid` (taskset execs gunicorn: the pid is gunicorn's master)."""
    found, queue = [], [pid]
    while queue:
        parent = queue.pop()
        try:
            listed = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
        except FileNotFoundError:
            continue
        found += map(int, listed)
        queue += map(int, listed)
    return found


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

    def __init__(self, target: str, env: dict, workers: int, threads: int, log: Path, cpus: str | None = None):
        self.port, self.log = free_port(), log
        self._output = log.open("ab")
        self.process = subprocess.Popen(
            pinned([GUNICORN, "-w", str(workers), "--threads", str(threads), "-b", f"127.0.0.1:{self.port}",
                    "--graceful-timeout", "5", target], cpus),
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

    def cpu_seconds(self) -> float:
        """utime + stime of the master and its workers (and of workers it has reaped), from /proc."""
        total = 0.0
        for pid in [self.process.pid, *children(self.process.pid)]:
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except (FileNotFoundError, ProcessLookupError):
                continue  # a worker that has just exited: its time is in the master's cutime
            # After the command name: fields[11] utime, [12] stime, [13] cutime, [14] cstime (in clock ticks).
            total += sum(int(value) for value in fields[11:15 if pid == self.process.pid else 13])
        return total / CLOCK_TICKS

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


def cpu_ratios(url: str, instance: Path, secret_key: str, parent: str, requests: int,
               runs: int) -> dict[str, list[tuple]]:
    """Per family page and floor step, one (portal CPU ms, bare page CPU ms, ratio, HTML bytes) per run; each run
    measures the portal's page and then the bare page of its size, so both share the machine's state."""
    app = create_app({"DATABASE_URL": url, "INSTANCE_PATH": str(instance), "SECRET_KEY": secret_key,
                      "RATELIMIT_ENABLED": False})
    quiet_request_log()
    client = app.test_client()
    codes = Codes()
    sign_in_client(client, parent, lambda: codes.next(parent, secret_of(parent)))
    found: dict[str, list[tuple]] = {name: [] for name in (*CPU_BUDGET, *FLOOR)}
    # STATIC_PAGE is the floor: what every page pays before its own queries and content. Its parts: the translated
    # layout alone (signed out, no compression), then signed in (the session and its account), then compressed.
    floor = dict(zip(FLOOR, ((app.test_client(), {}), (client, {}), (client, {"Accept-Encoding": ENCODING})),
                     strict=True))
    bare_clients: dict[int, object] = {}
    try:
        for _run in range(runs):
            for name in found:
                measured, headers = floor.get(name, (client, {"Accept-Encoding": ENCODING}))
                path = STATIC_PAGE if name in floor else name
                portal_cpu, size = cpu_per_request(measured, path, headers, requests)
                bare = bare_clients.setdefault(size, minimal_app(size).test_client())
                bare_cpu, _size = cpu_per_request(bare, "/", {}, requests)
                found[name].append((portal_cpu * 1000, bare_cpu * 1000, portal_cpu / bare_cpu, size))
    finally:
        app.extensions["engine"].dispose()
    return found


@dataclass
class ServerRun:
    """One load against gunicorn: requests answered, server CPU they took, and what the client saw."""
    requests: int
    seconds: float
    server_cpu: float
    failed: int
    p50_ms: float
    p95_ms: float
    failure: str = ""

    @property
    def cpu_ms(self) -> float:
        return self.server_cpu / self.requests * 1000 if self.requests else float("nan")

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def wrk_load(port: int, path: str, headers: dict, clients: int, seconds: float, cpus: str | None,
             script: Path) -> tuple[int, float, int, float, float, str]:
    """wrk on `cpus`: (requests, seconds, answers other than 200 or socket errors, p50 ms, p95 ms, a failure)."""
    command = ["wrk", "-t1", f"-c{clients}", f"-d{seconds:g}s", "--timeout", "30s", "-s", str(script)]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    output = subprocess.run(pinned([*command, f"http://127.0.0.1:{port}{path}"], cpus), capture_output=True,
                            text=True, timeout=seconds + 60, check=True).stdout
    done = re.search(r"(\d+) requests in ([\d.]+)(us|ms|s|m)", output)
    if not done:
        raise RuntimeError(f"wrk printed no count:\n{output}")
    scale = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0}[done.group(3)]
    socket_errors = sum(int(n) for n in re.findall(
        r"(?:connect|read|write|timeout) (\d+)", (re.search(r"Socket errors:.*", output) or [""])[0]))
    not_200 = int(re.search(r"not-200 (\d+)", output).group(1))
    p50, p95 = (int(re.search(fr"p{p} (\d+)", output).group(1)) / 1000 for p in (50, 95))
    failure = output if not_200 or socket_errors else ""
    return int(done.group(1)), float(done.group(2)) * scale, not_200 + socket_errors, p50, p95, failure


def thread_load(port: int, path: str, headers: dict, clients: int, seconds: float, cpus: str | None,
                _script: Path) -> tuple[int, float, int, float, float, str]:
    """This script's own HTTP threads (when wrk is missing), moved to `cpus` for the time of the load."""
    before = os.sched_getaffinity(0)
    if cpus:
        os.sched_setaffinity(0, {int(c) for c in cpus.split(",")})
    try:
        result = load(port, path, headers, clients, seconds, 10_000_000, b"")
    finally:
        os.sched_setaffinity(0, before)
    latencies = result.latencies or [float("nan")]
    return (len(result.latencies), result.seconds, len(result.errors), percentile(latencies, 0.50) * 1000,
            percentile(latencies, 0.95) * 1000, "; ".join(result.errors[:3]))


def server_cpu(server: Gunicorn, path: str, headers: dict, clients: int, seconds: float, runs: int,
               load_cpus: str | None, tool, script: Path) -> list[ServerRun]:
    """A warm-up, then `runs` loads of `seconds` each, the server's CPU read before and after each."""
    tool(server.port, path, headers, clients, min(3.0, seconds), load_cpus, script)
    found = []
    for _ in range(runs):
        before = server.cpu_seconds()
        requests, elapsed, failed, p50, p95, failure = tool(server.port, path, headers, clients, seconds,
                                                            load_cpus, script)
        time.sleep(0.2)  # requests still in the server when the load stopped finish before the second reading
        found.append(ServerRun(requests, elapsed, server.cpu_seconds() - before, failed, p50, p95, failure))
    return found


def median_of(values) -> float:
    return statistics.median(values)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--clients", type=int, default=8, help="connections the load keeps open")
    parser.add_argument("--seconds", type=float, default=5.0, help="seconds of each load under gunicorn")
    parser.add_argument("--runs", type=int, default=RUNS, help="runs in process and loads per page (median)")
    parser.add_argument("--parent", default="ouder-fatima")
    parser.add_argument("--cpu-requests", type=int, default=CPU_REQUESTS, help="requests per page per run in process")
    parser.add_argument("--encoding", default=ENCODING, help="Accept-Encoding of the load (identity: no compression)")
    parser.add_argument("--load-tool", choices=("wrk", "threads"), default="wrk" if shutil.which("wrk") else "threads")
    args = parser.parse_args()

    instance = tempfile.TemporaryDirectory(prefix="portal-bench-")
    path = Path(instance.name)
    secret_key = secrets.token_hex(32)
    url = prepare_database(path, secret_key)
    env = {**os.environ, "DATABASE_URL": url, "PORTAL_INSTANCE": str(path), "SECRET_KEY": secret_key}
    cpu = cpu_ratios(url, path, secret_key, args.parent, args.cpu_requests, args.runs)
    server_cpus, load_cpus = cores()
    tool = wrk_load if args.load_tool == "wrk" else thread_load
    script = path / "count.lua"
    script.write_text(WRK_SCRIPT)
    log = path / "gunicorn.log"
    served: dict[str, tuple[int, list[ServerRun]]] = {}  # target -> (HTML bytes, loads)
    servers = []
    try:
        portal = Gunicorn("benchmarks.wsgi_targets:portal_app()", env, args.workers, args.threads, log, server_cpus)
        servers.append(portal)
        portal.wait_ready("/healthz")
        browser = Browser(portal.port)
        browser.sign_in(args.parent)
        cookie = "; ".join(f"{k}={v}" for k, v in browser.cookies.items())
        headers = {"Accept-Encoding": args.encoding, "Cookie": cookie}
        for page in SERVER_PAGES:
            status, _headers, html, _wire = browser.request("GET", page, encoding="identity")
            if status != 200:
                raise RuntimeError(f"the signed-in {page} answered {status}")
            served[page] = (len(html), server_cpu(portal, page, headers, args.clients, args.seconds, args.runs,
                                                  load_cpus, tool, script))
        portal.stop()

        size = served["/"][0]
        minimal = Gunicorn("benchmarks.wsgi_targets:minimal_app()", {**env, "BENCH_MINIMAL_BYTES": str(size)},
                           args.workers, args.threads, log, server_cpus)
        servers.append(minimal)
        minimal.wait_ready("/")
        served["bare page"] = (size, server_cpu(minimal, "/", {"Accept-Encoding": args.encoding}, args.clients,
                                                args.seconds, args.runs, load_cpus, tool, script))
    finally:
        for server in servers:
            server.stop()
        log_text = log.read_text(errors="replace") if log.exists() else ""
        instance.cleanup()

    print(f"CPU per request in this process, {args.cpu_requests} requests per page and run, against a bare Flask page "
          f"rendering a template of the same size; median of {args.runs} runs (the ratios of each run in brackets)")
    print(f"{'page':<14} {'bytes':>7} {'portal ms':>10} {'bare ms':>8} {'ratio':>7} {'budget':>7}  runs")
    cpu_met = True
    for page, runs in cpu.items():
        portal_ms, bare_ms, ratio = (median_of(run[i] for run in runs) for i in range(3))
        ratios = ", ".join(f"{run[2]:.1f}" for run in runs)
        budget = CPU_BUDGET.get(page)
        if page == FLOOR[0]:
            print(f"for reference, the floor: {STATIC_PAGE}, no query of its own: the translated layout with its CSP "
                  f"nonce and log signed out, then signed in (the session and its account, CSRF), then compressed")
        within = budget is None or ratio <= budget
        cpu_met &= within
        print(f"{page:<14} {runs[-1][3]:>7} {portal_ms:>10.2f} {bare_ms:>8.3f} {ratio:>6.1f}x "
              f"{f'{budget:.0f}x' if budget else '':>7}  [{ratios}]{'' if within else '  OVER'}")

    where = (f"gunicorn on CPU {server_cpus}, {args.load_tool} on CPU {load_cpus}" if server_cpus else
             f"gunicorn and {args.load_tool} sharing the one core")
    print(f"\nServer CPU per request under gunicorn -w {args.workers} --threads {args.threads} (utime + stime of its "
          f"processes), {where}; {args.clients} connections, Accept-Encoding: {args.encoding}; median of "
          f"{args.runs} loads of {args.seconds:g} s (CPU ms of each in brackets)")
    print(f"{'target':<14} {'bytes':>7} {'requests':>9} {'failed':>6} {'CPU ms':>7} {'budget':>7} {'req/s':>7} "
          f"{'p50 ms':>7} {'p95 ms':>7}  runs")
    server_met, failures = True, []
    for name, (size, runs) in served.items():
        cpu_ms = median_of(run.cpu_ms for run in runs)
        budget = SERVER_BUDGET_MS.get(name)
        within = budget is None or cpu_ms <= budget
        server_met &= within
        failures += [f"{name}: {run.failure[-1500:]}" for run in runs if run.failed]
        print(f"{name:<14} {size:>7} {sum(run.requests for run in runs):>9} {sum(run.failed for run in runs):>6} "
              f"{cpu_ms:>7.2f} {f'{budget:g}' if budget else '':>7} {median_of(run.rps for run in runs):>7.0f} "
              f"{median_of(run.p50_ms for run in runs):>7.1f} {median_of(run.p95_ms for run in runs):>7.1f}  "
              f"[{', '.join(f'{run.cpu_ms:.2f}' for run in runs)}]{'' if within else '  OVER'}")
    print(f"bare page: the minimal Flask page of the home's size under the same gunicorn, for reference; one core "
          f"at the home's CPU per request serves about {1000 / median_of(r.cpu_ms for r in served['/'][1]):.0f} "
          f"homes a second")
    if failures:
        print(f"{len(failures)} loads had failed requests, e.g. {failures[0]}")
        print(log_text[-2000:])
    print(f"CPU per page in process: {'within' if cpu_met else 'OVER'} budget; server CPU per request: "
          f"{'within' if server_met else 'OVER'} budget.")
    return 0 if cpu_met and server_met and not failures else 1


if __name__ == "__main__":
    sys.exit(main())
