"""Bytes on the wire per family page, first and repeat visit, for every demo parent. Budget: 14,600."""
import re
import sys

from benchmarks.demo_server import Browser, DemoServer
from portal.demo import DEMO_ACCOUNTS

BUDGET = 14_600
PAGES = ["/", "/plan", "/appointments", "/who-looked", "/about-leave-quickly"]
ASSET = re.compile(r'(?:href|src)="(/static/[^"]+)"')


def measure(browser: Browser, path: str) -> tuple[int, int]:
    """First visit: the page and every asset it links; repeat visit: the page only (assets are cached)."""
    status, headers, body, html_bytes = browser.request("GET", path)
    if status != 200:
        raise RuntimeError(f"{path} answered {status}")
    html = browser.text(path)
    assets = sum(browser.request("GET", asset)[3] for asset in sorted(set(ASSET.findall(html))))
    return html_bytes + assets, html_bytes


def main() -> int:
    server = DemoServer()
    over = []
    print(f"{'parent':<15} {'page':<24} {'first visit':>12} {'repeat':>8}  budget {BUDGET}")
    try:
        for account in (a for a in DEMO_ACCOUNTS if a.role == "parent"):
            browser = Browser(server.port)
            browser.sign_in(account.username)
            appointment = re.search(r'href="(/appointments/\d+)"', browser.text("/appointments"))
            for path in PAGES + ([appointment.group(1)] if appointment else []):
                first, repeat = measure(browser, path)
                flag = "" if first <= BUDGET else "  OVER"
                print(f"{account.username:<15} {path:<24} {first:>12} {repeat:>8}{flag}")
                if flag:
                    over.append((account.username, path, first))
        for path in ["/sign-in", "/activate"]:
            first, repeat = measure(Browser(server.port), path)
            print(f"{'(signed out)':<15} {path:<24} {first:>12} {repeat:>8}{'' if first <= BUDGET else '  OVER'}")
            if first > BUDGET:
                over.append(("signed out", path, first))
    finally:
        server.stop()
    print("All family pages within budget." if not over else f"{len(over)} pages over budget.")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
