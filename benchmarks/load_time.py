"""Signed-in family home and plan (the heaviest family page) in Chromium on emulated slow 3G (400 ms round trip,
50,000 bytes/s), first visit (nothing cached): first contentful paint after one round trip, and DOMContentLoaded
under 1,500 ms.

The first paint's budget is 2 x RTT (800 ms): the time before which no second request can have come back, so a page
painted before it waited for nothing but its own HTML. Chromium's emulation adds its latency once to each request and
nothing for opening the connection; a page within 14,600 bytes (TCP's initial window, `benchmarks.page_weight`) then
arrives within one round trip and 292 ms of transfer, which leaves about 100 ms for the browser's work. The budget
issue 23 suggests, 2 x RTT + the transfer time of 14,600 bytes (1,092 ms), counts a round trip for opening the
connection that the emulation does not spend, and does not tell one round trip from two here: the same home with its
stylesheet linked, render-blocking (before issue 23), painted after a median 1,072 ms (7 December, 3 runs), within
it. The script prints that figure too, for reference."""
import argparse
import statistics
import sys

from playwright.sync_api import sync_playwright

from benchmarks.common import Codes, quiet_request_log
from benchmarks.demo_server import DemoServer
from portal.demo import DEMO_PASSWORD

BUDGET_MS = 1_500  # DOMContentLoaded
WINDOW_BYTES = 14_600  # ten segments of 1,460 bytes: TCP's initial window
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
SLOW_3G = {"offline": False, "latency": 400, "downloadThroughput": 50_000, "uploadThroughput": 50_000}
NAVIGATION = """() => {
  const n = performance.getEntriesByType('navigation')[0];
  const resources = performance.getEntriesByType('resource');
  const paint = performance.getEntriesByName('first-contentful-paint')[0];
  return {html: n.responseEnd, fcp: paint ? paint.startTime : NaN, dcl: n.domContentLoadedEventEnd,
          load: n.loadEventEnd,
          bytes: n.transferSize + resources.reduce((sum, r) => sum + r.transferSize, 0),
          fetched: 1 + resources.filter(r => r.transferSize > 0).length};
}"""


def sign_in(page, base: str, username: str, code) -> None:
    """The real forms, unthrottled: password step, then the authenticator code."""
    page.goto(base + "/sign-in")
    page.fill("#username", username)
    page.fill("#password", DEMO_PASSWORD)
    page.click("#sign-in button.button")
    page.wait_for_url(base + "/sign-in/code")
    page.fill("#code", code())
    page.click("#code-form button.button")
    page.wait_for_url(base + "/")


def visit(page, url: str) -> dict:
    page.goto(url, wait_until="load")
    page.wait_for_function("performance.getEntriesByType('navigation')[0].loadEventEnd > 0"
                           " && performance.getEntriesByName('first-contentful-paint').length > 0")
    return page.evaluate(NAVIGATION)


def measure_once(browser, base: str, username: str, codes: Codes, path: str) -> tuple[dict, dict]:
    context = browser.new_context()
    try:
        page = context.new_page()
        sign_in(page, base, username, lambda: codes.next(username))
        cdp = context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.send("Network.emulateNetworkConditions", SLOW_3G)
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
        first = visit(page, base + path)
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
        repeat = visit(page, base + path)
        return first, repeat
    finally:
        context.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--parent", default="ouder-fatima")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--pages", nargs="+", default=["/", "/plan"])
    args = parser.parse_args()

    server = DemoServer()
    quiet_request_log()
    base = f"http://127.0.0.1:{server.port}"
    codes = Codes()
    runs: dict[str, list[tuple[dict, dict]]] = {path: [] for path in args.pages}
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                for _ in range(args.repeats):
                    for path in args.pages:
                        runs[path].append(measure_once(browser, base, args.parent, codes, path))
            finally:
                browser.close()
    finally:
        server.stop()

    rtt = SLOW_3G["latency"]
    window_ms = WINDOW_BYTES / SLOW_3G["downloadThroughput"] * 1000
    fcp_budget = 2 * rtt
    print(f"Family pages of {args.parent}, slow 3G as Chromium emulates it: round trip (latency) {rtt} ms, "
          f"{SLOW_3G['downloadThroughput']:,} B/s down and up; times in ms from the start of the navigation")
    print("html = the page's HTML received; FCP = first contentful paint; fetched = responses that came over the "
          "network, not from the cache")

    def row(label, first, repeat):
        print(f"{label:<14} " + "   ".join(
            f"{visit['html']:>12.0f} {visit['fcp']:>6.0f} {visit['dcl']:>6.0f} {visit['load']:>6.0f} "
            f"{visit['bytes']:>6.0f} {visit['fetched']:>7.0f}" for visit in (first, repeat)))

    met = True
    for path, page_runs in runs.items():
        columns = f"{'FCP':>6} {'DCL':>6} {'load':>6} {'bytes':>6} {'fetched':>7}"
        print(f"\n{'page ' + path:<14} {'first: html':>12} {columns}   {'repeat: html':>12} {columns}")
        for number, (first, repeat) in enumerate(page_runs, start=1):
            row(str(number), first, repeat)
        median = [{key: statistics.median(run[i][key] for run in page_runs) for key in page_runs[0][i]}
                  for i in (0, 1)]
        row("median", *median)
        fcp, usable = median[0]["fcp"], median[0]["dcl"]
        met &= fcp < fcp_budget and usable < BUDGET_MS
        print(f"{path}: first contentful paint, first visit, median: {fcp:.0f} ms = {fcp / rtt:.2f} round trips of "
              f"{rtt} ms; budget 2 x {rtt} = {fcp_budget:.0f} ms, before a second round trip can end: "
              f"{'within' if fcp < fcp_budget else 'OVER'}. Usable (DOMContentLoaded): {usable:.0f} ms; budget "
              f"{BUDGET_MS} ms: {'within' if usable < BUDGET_MS else 'OVER'}.")
    print(f"\nFor reference, 2 x RTT + the transfer time of {WINDOW_BYTES:,} bytes: {2 * rtt + window_ms:.0f} ms.")
    return 0 if met else 1

if __name__ == "__main__":
    sys.exit(main())
