"""What the browser tests share: a live portal, a stand-in "neutral site", households made with
support/factories.py, signing in through the real forms, and the checks (touch targets, axe results)
that several tests run.

The fixtures that use these live in tests/browser/conftest.py.
"""
from __future__ import annotations

import datetime as dt
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
from portal.demo import DEMO_PASSWORD
from support import factories
from support.pages import database as support_database
from support.pages import form_values, soup
from support.sign_in import STAFF_ROLES, csrf_token, role_of, secret_of, signed_in_client

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_HINT = "apt-get install chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
FAMILY_VIEWPORT = {"width": 360, "height": 740}
OFFICE_VIEWPORT = {"width": 1280, "height": 900}
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
    """The portal on a copy of an SQLite database served by werkzeug in a thread."""

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
        # From the server's database: the demo's accounts and those a factory made sign in alike.
        return pyotp.TOTP(secret_of(self.app, username)).at(step * TOTP_STEP)

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


# --- households (helpers that could move to support/factories.py) -------------------------------

def household_with_plan(app, languages: list[str], what: str = "De kinderen slapen bij oma.", by: str = "bram",
                        **household):
    """`factories.household` with activated parents (the demo's password, an authenticator each) and the plan of
    `factories.published_plan` (Oma's agreement `what`), published by `by` (a worker of the household's duo, Bram de
    Wit unless `household` chooses another duo): what a parent reads on a phone."""
    made = factories.household(app, languages, password=True, **household)
    factories.published_plan(app, made.family_id, what=what, by=by)
    return made


def plan_edited(app, family_id: int, agreements: list[tuple[str, str, str, str, str]], action: str = "publish",
                by: str = "bram", description: str = "Er is ruzie in huis.") -> None:
    """`factories.published_plan` with agreements of one's own: one acute situation (`description`, for the household)
    with these agreements, each (who, what, when, if it goes wrong, audience: "household" or
    `portal.rules.audience.only_for([parent id])`), sent in the plan editor by `by`: published, or saved as a draft
    (`action` "save")."""
    client = signed_in_client(app, by)
    url = f"/backoffice/families/{family_id}/plan"
    fields = form_values(client.get(url), "plan-form") | {
        "s1-kind": "acute", "s1-description": description, "s1-audience": "household",
        "s1-a-count": str(len(agreements)), "action": action}
    for index, (who, what, when, wrong, audience) in enumerate(agreements):
        fields |= {f"s1-a-{index}-who": who, f"s1-a-{index}-what": what, f"s1-a-{index}-when": when,
                   f"s1-a-{index}-wrong": wrong, f"s1-a-{index}-audience": audience}
    response = client.post(url, data=fields)
    if action == "publish":
        assert response.status_code == 302, response.status_code
    else:
        assert response.status_code == 200 and not soup(response).select("[aria-invalid=true]"), response.status_code


def plan_read(app, username: str) -> None:
    """The parent opens the plan page (a GET records that they read the current version), as on a phone."""
    response = signed_in_client(app, username).get("/plan")
    assert response.status_code == 200, response.status_code


def plan_answered(app, username: str, answer: str = "agree", comment: str = "") -> None:
    """The parent's answer ("agree", "question", "disagree") to the current version, sent on the plan page."""
    client = signed_in_client(app, username)
    response = client.post("/plan", data={"csrf_token": csrf_token(client.get("/plan").text), "answer": answer,
                                          "comment": comment})
    assert response.status_code == 302, response.status_code


def question_replied(app, family_id: int, question: str, reply: str, by: str = "bram") -> None:
    """The duo's reply to the parent's question `question` (its text), sent on the answers page, marked handled."""
    from portal.models import PlanQuestion

    with support_database(app) as db:
        question_id = db.exec(select(PlanQuestion.id).where(PlanQuestion.text == question)).one()
    client = signed_in_client(app, by)
    token = csrf_token(client.get(f"/backoffice/families/{family_id}/answers").text)
    response = client.post(f"/backoffice/families/{family_id}/questions/{question_id}",
                           data={"csrf_token": token, "reply": reply, "handled": "y"})
    assert response.status_code == 302, response.status_code


def appointment_cancelled(app, family_id: int, appointment_id: int, by: str = "bram") -> None:
    """The duo cancels the appointment with the appointment form's cancel button."""
    client = signed_in_client(app, by)
    url = f"/backoffice/families/{family_id}/appointments/{appointment_id}"
    response = client.post(url, data={"csrf_token": csrf_token(client.get(url).text), "action": "cancel"})
    assert response.status_code == 302, response.status_code


# The Arabic of what factories.published_plan writes (and of the second versions the browser tests publish).
ARABIC = {
    "Er is ruzie in huis.": "هناك شجار في البيت.",
    "Oma": "الجدة",
    "De kinderen slapen bij oma.": "ينام الأطفال عند الجدة.",
    "De kinderen slapen bij oma of bij de buurvrouw.": "ينام الأطفال عند الجدة أو عند الجارة.",
    "Altijd.": "دائمًا.",
    "Bel de buurvrouw.": "اتصل بالجارة.",
}


def plan_translated(app, family_id: int, interpreter: str = "tolk-ar", language: str = "ar",
                    translations: dict[str, str] = ARABIC) -> None:
    """The interpreter translates every sentence of the household's open job for the current version in their
    translation form, as an interpreter does (a sentence missing from `translations` fails the set-up)."""
    from portal.models import TranslationJob

    with support_database(app) as db:
        job_id = db.exec(select(TranslationJob.id).where(
            TranslationJob.family_id == family_id, TranslationJob.language == language,
            TranslationJob.version_id.is_not(None), TranslationJob.completed_at.is_(None),
            TranslationJob.closed_at.is_(None))).one()
    client = signed_in_client(app, interpreter)
    url = f"/backoffice/translations/{job_id}"
    shown = soup(client.get(url))
    fields = {"csrf_token": shown.select_one("#translate-form input[name=csrf_token]")["value"]}
    for row in shown.select("table.side-by-side tbody tr"):
        source = row.select_one("td[lang=nl]").get_text()
        fields[row.select_one("textarea")["name"]] = translations[source]
    response = client.post(url, data=fields)
    assert response.status_code == 200 and not soup(response).select("[aria-invalid=true]"), response.status_code
    with support_database(app) as db:
        assert db.get(TranslationJob, job_id).completed_at is not None, "sentences left to translate"


def started_days_ago(app, family_id: int, days: int) -> None:
    """Move the household's intake `days` back (the team overview counts the days from intake to the first plan)."""
    from portal.models import Family

    with support_database(app) as db:
        family = db.get(Family, family_id)
        family.created_at = family.created_at - dt.timedelta(days=days)
        db.add(family)
        db.commit()


def phone_of(app, username: str) -> str:
    """The phone number stored for the parent with this account."""
    from portal.models import Account, Parent

    with support_database(app) as db:
        return db.exec(select(Parent.phone).join(Account, Account.id == Parent.account_id)
                       .where(Account.username == username)).one()


# --- signing in --------------------------------------------------------------------------------

def sign_in(page: Page, server: LiveServer, username: str) -> None:
    """Password, then the authenticator code, typed into the real forms; ends on the home page."""
    staff = role_of(server.app, username) in STAFF_ROLES
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
