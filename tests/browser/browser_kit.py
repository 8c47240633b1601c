"""What the browser tests share: a live demo portal, a stand-in "neutral site", signing in through
the real forms, and the checks (touch targets, axe results) that several tests run.

The fixtures that use these live in tests/browser/conftest.py.
"""
from __future__ import annotations

import http.server
import logging
import re
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pyotp
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from playwright.sync_api import Page, expect
from sqlmodel import Session, select
from werkzeug.serving import make_server

from portal import create_app
from portal import db as portal_db
from portal.demo import DEMO_ACCOUNTS, DEMO_PASSWORD

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_HINT = "apt-get install chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
FAMILY_VIEWPORT = {"width": 360, "height": 740}
OFFICE_VIEWPORT = {"width": 1280, "height": 900}
STAFF = {a.username for a in DEMO_ACCOUNTS if a.role in {"worker", "teamlead", "interpreter"}}
TOTP_STEP = 30
PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = PROJECT_ROOT / "screenshots"


# --- interface translations --------------------------------------------------------------------

def compile_catalogues(source: Path, target: Path) -> Path:
    """Compile every translations/<locale>/LC_MESSAGES/messages.po into a copy under `target`.

    The .mo files are git-ignored build output (`make test` builds them, a plain `pytest` does
    not); without them every language shows the English message ids. Compiling the current .po
    files into a scratch copy makes the browser tests independent of that (and of stale .mo
    files) and leaves translations/ alone.
    """
    for po in sorted(source.glob("*/LC_MESSAGES/messages.po")):
        out = target / po.relative_to(source).with_suffix(".mo")
        out.parent.mkdir(parents=True, exist_ok=True)
        with po.open("rb") as infile:
            catalogue = read_po(infile, locale=po.parts[-3])
        with out.open("wb") as outfile:
            write_mo(outfile, catalogue)  # fuzzy entries are left out, like `pybabel compile`
    return target


# --- the neutral site --------------------------------------------------------------------------

NEUTRAL_HTML = (b'<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Het weer</title></head>'
                b'<body><h1 id="neutral">Het weer vandaag</h1><p>Zonnig, 18 graden.</p></body></html>')


class _NeutralHandler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 (http.server's name)
        body = NEUTRAL_HTML if self.path.split("?")[0] == "/neutral" else b"not here"
        self.send_response(200 if body is NEUTRAL_HTML else 404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *_args):  # quiet
        pass


class NeutralSite:
    """A tiny weather page on another loopback port: what the quick exit leads to in tests."""

    def __init__(self):
        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _NeutralHandler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}/neutral"
        # A short poll: shutdown() waits for it, and every server of the run is stopped at its end.
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


# --- the live portal ---------------------------------------------------------------------------

class LiveServer:
    """The demo portal (a copy of the demo SQLite database) served by werkzeug in a thread."""

    def __init__(self, database_url: str, instance: Path, neutral_site: str, translations: Path):
        self.database_url = database_url
        self.app = create_app({
            "DATABASE_URL": database_url, "INSTANCE_PATH": str(instance), "SECRET_KEY": "browser-" + "x" * 40,
            "RATELIMIT_ENABLED": False, "RATELIMIT_STORAGE_URI": "memory://", "NEUTRAL_SITE": neutral_site,
        })
        # create_app always points Babel at translations/; use the compiled scratch copy instead.
        self.app.extensions["babel"].translation_directories = [str(translations)]
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.port = self.server.server_port
        self.base = f"http://127.0.0.1:{self.port}"
        self._steps: dict[str, int] = {}
        # A short poll: shutdown() waits for it, and every server of the run is stopped at its end.
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        self.thread.start()

    def url(self, path: str = "/") -> str:
        return self.base + path

    def code(self, username: str) -> str:
        """A TOTP code of a 30 s step this server's database has not accepted yet for `username`.

        The portal accepts the previous, current and next step, each once, in increasing order.
        The previous step is used only early in the current one, so the code is still good when
        the form arrives; more sign-ins of one account than the steps allow wait for the clock.
        """
        now = time.time()
        current = int(now // TOTP_STEP)
        earliest = current - 1 if now % TOTP_STEP < 20 else current
        step = max(earliest, self._steps.get(username, earliest - 1) + 1)
        if step > current + 1:
            time.sleep((step - 1) * TOTP_STEP - now + 0.2)
        self._steps[username] = step
        secret = next(a.totp_secret for a in DEMO_ACCOUNTS if a.username == username)
        return pyotp.TOTP(secret).at(step * TOTP_STEP)

    @contextmanager
    def session(self):
        """A database session on the server's database, for setting up and checking data."""
        with self.app.app_context(), Session(portal_db.engine(), expire_on_commit=False) as db:
            yield db

    def translate(self, locale: str, message: str, **variables) -> str:
        """`message` in `locale` as the portal shows it (the same compiled catalogues)."""
        from flask_babel import force_locale, gettext

        with self.app.test_request_context("/"), force_locale(locale):
            return gettext(message, **variables)

    def family_id(self, name: str) -> int:
        from portal.models import Family

        with self.session() as db:
            return db.exec(select(Family.id).where(Family.name == name)).one()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)
        self.app.extensions["engine"].dispose()


# --- signing in --------------------------------------------------------------------------------

def sign_in(page: Page, server: LiveServer, username: str) -> None:
    """Password, then the authenticator code, typed into the real forms; ends on the home page."""
    staff = username in STAFF
    base = "/backoffice" if staff else ""
    page.goto(server.url(base + "/sign-in"))
    page.locator("#username").fill(username)
    page.locator("#password").fill(DEMO_PASSWORD)
    page.locator("#sign-in button").click()
    page.wait_for_url(server.url(base + "/sign-in/code"))  # event driven: no polling delay
    page.locator("#code").fill(server.code(username))
    page.locator("#code-form button:not([name])").click()
    page.wait_for_url(server.url("/backoffice/" if staff else "/"))


def new_family_page(browser, server: LiveServer, username: str | None = None, locale: str = "nl-NL"):
    """A fresh context at 360x740 (phone size); signed in as `username` when given."""
    context = browser.new_context(viewport=FAMILY_VIEWPORT, locale=locale, base_url=server.base)
    context.set_default_timeout(10_000)
    page = context.new_page()
    if username:
        sign_in(page, server, username)
    return context, page


def new_office_page(browser, server: LiveServer, username: str):
    context = browser.new_context(viewport=OFFICE_VIEWPORT, locale="nl-NL", base_url=server.base)
    context.set_default_timeout(10_000)
    page = context.new_page()
    sign_in(page, server, username)
    return context, page


# --- checks ------------------------------------------------------------------------------------

# Every pointer target on the page with its box; `strict` ones must be 44x44 without exception.
TOUCH_TARGETS_JS = r"""
() => {
  const out = [];
  const visible = (el) => {
    const style = getComputedStyle(el);
    if (style.visibility === "hidden" || style.display === "none") return false;
    if (el.closest("[hidden]")) return false;
    const r = el.getBoundingClientRect();
    return r.width > 0 && r.height > 0;
  };
  const describe = (el) => {
    const text = (el.innerText || el.value || el.getAttribute("aria-label") || "").trim().replace(/\s+/g, " ");
    return el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
      (el.className && typeof el.className === "string" ? "." + el.className.trim().split(/\s+/).join(".") : "") +
      (text ? ' "' + text.slice(0, 40) + '"' : "");
  };
  // An inline link inside a sentence (WCAG 2.5.8 inline exception): inline-level (inline,
  // inline-flex, ...), in a text block (p, li, dd) that has words outside its links. A link alone
  // in its paragraph, or links separated by a "·", are not in a sentence.
  const inlineInText = (el) => {
    if (el.tagName !== "A" || !getComputedStyle(el).display.startsWith("inline")) return false;
    const block = el.closest("p, li, dd");
    if (!block) return false;
    const copy = block.cloneNode(true);
    copy.querySelectorAll("a").forEach((a) => a.remove());
    return /\p{L}/u.test(copy.textContent);
  };
  const seen = new Set();
  const add = (el, kind, strict) => {
    if (seen.has(el) || !visible(el)) return;
    if (el.classList.contains("skip")) return;  // the skip link: only shown on keyboard focus
    seen.add(el);
    const r = el.getBoundingClientRect();
    out.push({kind, strict, what: describe(el), width: r.width, height: r.height,
              inline: !strict && inlineInText(el)});
  };
  document.querySelectorAll("#quick-exit").forEach((el) => add(el, "quick exit", true));
  document.querySelectorAll("nav.tabs a").forEach((el) => add(el, "nav link", true));
  document.querySelectorAll("button").forEach((el) => add(el, "button", true));
  document.querySelectorAll("input[type=radio], input[type=checkbox]").forEach((input) => {
    const label = input.closest("label");
    if (label) add(label, "choice label", true); else add(input, "form control", true);
  });
  document.querySelectorAll("input:not([type=hidden]):not([type=radio]):not([type=checkbox]), textarea, select")
    .forEach((el) => add(el, "form control", true));
  document.querySelectorAll("summary").forEach((el) => add(el, "summary", true));
  document.querySelectorAll("a[href]").forEach((el) => add(el, "link", false));
  return out;
}
"""

MIN_TARGET = 44
# WCAG 2.0, 2.1 and 2.2, levels A and AA: what axe-core checks on every page the browser tests look at.
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def axe_violations(page: Page) -> list[dict]:
    """What axe-core (shipped by axe-playwright-python) finds on the page as it is now, WCAG 2.2 A and AA."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS},
                                       "resultTypes": ["violations"]})
    assert results.response["passes"] is not None  # axe really ran
    return results.response["violations"]


def choose_language(page: Page, language: str) -> None:
    """Switch with the footer's language menu, as a parent does. The switch is a form post and a redirect: waiting
    for the navigation first means no check ever runs on the half-loaded document in between."""
    if page.locator("html").get_attribute("lang") == language:
        return
    with page.expect_navigation():
        page.locator(f"footer button[name=set_language][value={language}]").click()
    expect(page.locator("html")).to_have_attribute("lang", language)


def small_targets(page: Page) -> tuple[list[dict], list[dict]]:
    """(too small, all targets): targets under 44x44 CSS px that are not inline links in text."""
    targets = page.evaluate(TOUCH_TARGETS_JS)
    small = [t for t in targets if (t["width"] < MIN_TARGET - 0.5 or t["height"] < MIN_TARGET - 0.5)
             and not t["inline"]]
    return small, targets


def describe_targets(targets: list[dict]) -> str:
    return "\n".join(f"  {t['kind']}: {t['what']} is {t['width']:.0f}x{t['height']:.0f}" for t in targets)


def describe_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation.get('impact')}): {violation['help']} {violation['helpUrl']}")
        for node in violation["nodes"][:8]:
            lines.append(f"    {node['target']}: {node.get('failureSummary', '').replace(chr(10), ' ')}")
            lines.append(f"      {node['html'][:200]}")
    return "\n".join(lines)


def text_of(page: Page, selector: str) -> str:
    return re.sub(r"\s+", " ", page.locator(selector).inner_text()).strip()
