"""Bytes on the wire per page, first and repeat visit: family pages 14,600 each (parents, the family's circle and
children of 12 and over), back-office pages 100 KB.

14,600 bytes is what a server may send before the first acknowledgement (ten segments of 1,460 bytes, TCP's
initial window): a family page and everything it needs arrive in the first round trip. A family page (and a
signed-out page of the parents) must also paint without a second one: no render-blocking stylesheet, its stylesheet
inline in a <style> element whose nonce is the one the response's CSP allows for styles; that is checked too."""
import re
import sys

from benchmarks.demo_server import Browser, DemoServer
from portal.demo import DEMO_ACCOUNTS

BUDGET = 14_600
BACK_OFFICE_BUDGET = 100_000
PAGES = ["/", "/plan", "/appointments", "/who-looked", "/about-leave-quickly"]
# The pages of the family's circle and of a child of 12 or over, by role.
OWN_PAGES = {"parent": PAGES, "network": ["/circle", "/circle/who-looked"], "child": ["/me", "/me/who-looked"]}
ASSET = re.compile(r'(?:href|src)="(/static/[^"]+)"')
STYLESHEET = re.compile(r'<link rel="stylesheet"[^>]*>')
STYLE = re.compile(r'<style nonce="([^"]+)">')
STYLE_NONCE = re.compile(r"style-src [^;]*'nonce-([^']+)'")


def measure(browser: Browser, path: str) -> tuple[int, int]:
    """First visit: the page and every asset it links; repeat visit: the page only (assets are cached)."""
    status, headers, body, html_bytes = browser.request("GET", path)
    if status != 200:
        raise RuntimeError(f"{path} answered {status}")
    html = browser.text(path)
    assets = sum(browser.request("GET", asset)[3] for asset in sorted(set(ASSET.findall(html))))
    return html_bytes + assets, html_bytes


def paints_in_one_round_trip(browser: Browser, path: str) -> str:
    """'' when the page links no stylesheet and its inline <style> carries the nonce its CSP allows; else why not."""
    status, headers, body, _wire = browser.request("GET", path, encoding="identity")
    html = body.decode()
    head = html[:html.find("<body")]
    if STYLESHEET.search(head):
        return "a render-blocking stylesheet"
    style, allowed = STYLE.search(head), STYLE_NONCE.search(headers.get("Content-Security-Policy", ""))
    if not style:
        return "no inline stylesheet"
    if not allowed or allowed.group(1) != style.group(1):
        return "its inline stylesheet's nonce is not the CSP's"
    return ""


def main() -> int:
    server = DemoServer()
    over = []
    print(f"{'parent':<15} {'page':<24} {'first visit':>12} {'repeat':>8}  budget {BUDGET}")
    try:
        for account in (a for a in DEMO_ACCOUNTS if a.role in OWN_PAGES):
            browser = Browser(server.port)
            browser.sign_in(account.username)
            appointment = re.search(r'href="(/appointments/appointment-[0-9a-f]{32})"',
                                    browser.text("/appointments")) if account.role == "parent" else None
            for path in OWN_PAGES[account.role] + ([appointment.group(1)] if appointment else []):
                first, repeat = measure(browser, path)
                blocked = paints_in_one_round_trip(browser, path)
                flag = ("" if first <= BUDGET else "  OVER") + (f"  {blocked.upper()}" if blocked else "")
                print(f"{account.username:<15} {path:<24} {first:>12} {repeat:>8}{flag}")
                if flag:
                    over.append((account.username, path, first))
        for path in ["/sign-in", "/activate"]:
            first, repeat = measure(Browser(server.port), path)
            blocked = paints_in_one_round_trip(Browser(server.port), path)
            flag = ("" if first <= BUDGET else "  OVER") + (f"  {blocked.upper()}" if blocked else "")
            print(f"{'(signed out)':<15} {path:<24} {first:>12} {repeat:>8}{flag}")
            if flag:
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
    print("All pages within budget; every family page paints without a stylesheet to fetch." if not over else
          f"{len(over)} pages over budget or waiting for a stylesheet.")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main())
