"""Bytes on the wire per page, first and repeat visit: family pages 14,600 each, back-office pages 100 KB."""
import re
import sys

from benchmarks.demo_server import Browser, DemoServer
from portal.demo import DEMO_ACCOUNTS

BUDGET = 14_600
BACK_OFFICE_BUDGET = 100_000
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
            appointment = re.search(r'href="(/appointments/appointment-[0-9a-f]{32})"', browser.text("/appointments"))
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
        print(f"\n{'worker':<15} {'back-office page':<24} {'first visit':>12} {'repeat':>8}  "
              f"budget {BACK_OFFICE_BUDGET}")
        worker = Browser(server.port)
        worker.sign_in("bram", staff=True)
        family = re.search(r'href="/backoffice/families/(\d+)"', worker.text("/backoffice/")).group(1)
        for path in ["/backoffice/", f"/backoffice/families/{family}", f"/backoffice/families/{family}/plan",
                     f"/backoffice/families/{family}/plan/compare", f"/backoffice/families/{family}/answers",
                     f"/backoffice/families/{family}/appointments"]:
            first, repeat = measure(worker, path)
            flag = "" if first <= BACK_OFFICE_BUDGET else "  OVER"
            print(f"{'bram':<15} {path:<24} {first:>12} {repeat:>8}{flag}")
            if flag:
                over.append(("bram", path, first))
    finally:
        server.stop()
    print("All pages within budget." if not over else f"{len(over)} pages over budget.")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
