"""Shared helpers of the security tests: hostile text, what may never reach a page or the database.

  assert_not_executable(response)  the page runs nothing a user typed: every <script> carries the
                                   response's CSP nonce, no element has an on* attribute, and the
                                   classic payloads never appear as markup
  forbidden_in(text)               control characters (other than line break and tab) and bidi
                                   controls found in a text
  stored_text_problems(app)        every text cell of every table holding such characters
  table_rows(app)                  all rows of all tables (to prove a refused request changed nothing)
  Portal                           a test client with a CSRF token and per-request client addresses
  hostile_text, numberish, FUZZ    hypothesis strategies and settings shared by the fuzz tests
  stays_on_portal(location)        where a browser goes for a Location header stays on the portal
  form_fields(html, form_id)       the fields a browser would send for a form
  de_boer(app), el_idrissi(app)    the two households the security tests use, made on the team (factories)
"""
from __future__ import annotations

import itertools
import re
import unicodedata
from contextlib import contextmanager
from urllib.parse import urljoin, urlsplit

from bs4 import BeautifulSoup
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from sqlalchemy import String, Text, select
from sqlmodel import Session, SQLModel

import portal.models  # noqa: F401  (every table on the metadata)
from support import factories
from support.routes import question_of
from support.sign_in import csrf_token, sign_in

BIDI_CONTROLS = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
# Line breaks and tabs are text; every other C0 control, DEL and the bidi controls are not.
FORBIDDEN = frozenset(chr(c) for c in range(0x20) if chr(c) not in "\t\n") | {"\x7f"} | set(BIDI_CONTROLS)
SCRIPT_PAYLOAD = "<script>alert(1)</script>"
ATTRIBUTE_PAYLOAD = '"><img src=x onerror=alert(1)>'
# Columns a request may legitimately change without doing anything (the idle timer of a session).
VOLATILE = {("usersession", "last_seen_at")}


def forbidden_in(text: str | None) -> set[str]:
    return {ch for ch in text or "" if ch in FORBIDDEN}


def csp_nonce(response) -> str:
    policy = response.headers.get("Content-Security-Policy", "")
    found = re.search(r"'nonce-([^']+)'", policy)
    assert found, f"no script nonce in the CSP header: {policy!r}"
    return found.group(1)


def assert_not_executable(response) -> None:
    """Nothing in this page came alive: typed text only ever shows as text."""
    html = response.get_data(as_text=True)
    assert SCRIPT_PAYLOAD not in html, "a typed <script> element reached the page unescaped"
    assert "<img src=x onerror" not in html, "a typed <img onerror> element reached the page unescaped"
    assert "</textarea><script" not in html.lower()
    nonce = csp_nonce(response)
    soup = BeautifulSoup(html, "html.parser")
    for script in soup.find_all("script"):
        assert script.get("nonce") == nonce, f"a script without this response's nonce: {str(script)[:200]}"
    for element in soup.find_all(True):
        handlers = [name for name in element.attrs if name.lower().startswith("on")]
        assert not handlers, f"an element with an event handler attribute: {str(element)[:200]}"
        for name in ("href", "src", "action", "formaction"):
            value = element.get(name)
            if isinstance(value, str):
                assert not value.strip().lower().startswith(("javascript:", "data:text/html")), str(element)[:200]


@contextmanager
def database(app):
    with Session(app.extensions["engine"], expire_on_commit=False) as session:
        yield session


def _text_columns():
    for table in SQLModel.metadata.sorted_tables:
        for column in table.columns:
            if isinstance(column.type, (String, Text)):
                yield table, column


def stored_text_problems(app) -> list[str]:
    """Each text cell holding a control or bidi character: 'table.column #id: characters'."""
    problems = []
    with app.extensions["engine"].connect() as connection:
        for table, column in _text_columns():
            key = table.primary_key.columns.values()[0]
            for ident, value in connection.execute(select(key, column)):
                bad = forbidden_in(value)
                if bad:
                    problems.append(f"{table.name}.{column.name} #{ident}: {sorted(map(repr, bad))}")
    return problems


def table_rows(app) -> dict[str, list[tuple]]:
    """Every row of every table, in a comparable form (volatile columns left out)."""
    rows = {}
    with app.extensions["engine"].connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            columns = [c for c in table.columns if (table.name, c.name) not in VOLATILE]
            result = connection.execute(select(*columns).order_by(*table.primary_key.columns))
            rows[table.name] = [tuple(map(repr, row)) for row in result]
    return rows


def row_counts(app) -> dict[str, int]:
    return {name: len(rows) for name, rows in table_rows(app).items()}


_addresses = itertools.count(1)


def new_address() -> str:
    """A client address not used before in this run: per-address rate limits start afresh."""
    n = next(_addresses)
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


class Portal:
    """A browser-like client of one app: keeps its cookie, knows its CSRF token."""

    def __init__(self, app, username: str | None = None):
        self.app = app
        self.client = app.test_client()
        self.username = username
        if username:
            sign_in(self.client, username)
        self.token = None

    def csrf(self, page: str | None = None) -> str:
        if self.token is None:
            self.token = csrf_token(self.client.get(page or "/about-leave-quickly").text)
        return self.token

    def post(self, path: str, data: dict, address: str | None = None, token: bool = True, **kwargs):
        data = dict(data)
        if token:
            data.setdefault("csrf_token", self.csrf())
        overrides = {"REMOTE_ADDR": address} if address else {}
        return self.client.post(path, data=data, environ_overrides=overrides, **kwargs)

    def get(self, path: str, **kwargs):
        return self.client.get(path, **kwargs)


# --- hostile text ----------------------------------------------------------------------------

HOSTILE = (
    SCRIPT_PAYLOAD,
    ATTRIBUTE_PAYLOAD,
    "</textarea><script>alert(1)</script>",
    "'; DROP TABLE account; --",
    "Robert'); DELETE FROM acknowledgement; --",
    "😀🏠👨‍👩‍👧‍👦",
    "خطة الأمان: من يتصل بمن؟",
    "\u202eetad eht ta kool\u202c",
    "١٢٣٤٥٦",  # Arabic-Indic digits (what an Arabic phone keyboard types)
    "²³",  # digits to str.isdigit(), not to int()
    "{{ 7 * 7 }} %(name)s {0}",
    "javascript:alert(1)",
)
CONTROLS = tuple(chr(c) for c in range(0x20)) + ("\x7f",)

_piece = st.one_of(st.sampled_from(HOSTILE), st.sampled_from(CONTROLS), st.sampled_from(tuple(BIDI_CONTROLS)),
                   st.text(max_size=20))
short_text = st.lists(_piece, max_size=6).map("".join)
# Very long text (5,000+ characters) built from the same hostile pieces.
long_text = st.builds(lambda seed, n: (seed * (n // len(seed) + 1))[:n],
                      st.lists(_piece, min_size=1, max_size=4).map("".join).filter(bool),
                      st.integers(5000, 6000))
hostile_text = st.one_of(st.just(""), st.sampled_from(HOSTILE), short_text, long_text)
# For numeric fields: real numbers, digits of other scripts, huge numbers and garbage.
numberish = st.one_of(st.integers(-5, 100).map(str),
                      st.sampled_from(["²", "١٢", "٣", "", "0x1F", "1e3", "123456123456", "9" * 30, "9" * 5000]),
                      hostile_text)

FUZZ = settings(max_examples=25, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                       HealthCheck.data_too_large, HealthCheck.large_base_example])


# --- redirects ---------------------------------------------------------------------------------

PORTAL_ORIGIN = "http://portal.test"


def browser_target(location: str, page: str = "/plan") -> str:
    """Where a browser goes for this Location header (WHATWG URL parsing: surrounding controls and
    spaces dropped, tabs and line breaks removed, a backslash read as a slash in http URLs)."""
    cleaned = location.strip("".join(chr(c) for c in range(0x21)))
    cleaned = cleaned.replace("\t", "").replace("\n", "").replace("\r", "").replace("\\", "/")
    return urljoin(PORTAL_ORIGIN + page, cleaned)


def stays_on_portal(location: str) -> bool:
    parts = urlsplit(browser_target(location))
    return parts.scheme == "http" and parts.netloc == "portal.test"


# --- forms as a browser sends them ---------------------------------------------------------------

def visible_text(value: str) -> str:
    """What the portal should keep of typed text: without control and format characters (line
    breaks, tabs and the joiners of emoji and Arabic stay), without surrounding white space."""
    return "".join(ch for ch in value if ch in "\n\t\u200c\u200d"
                   or unicodedata.category(ch) not in ("Cc", "Cf")).strip()


def form_fields(html: str, form_id: str) -> dict[str, str]:
    """The fields a browser would send for a form of this page, as they are filled in now."""
    form = BeautifulSoup(html, "html.parser").find("form", id=form_id)
    assert form is not None, f"no form #{form_id} on the page"
    values: dict[str, str] = {}
    for field in form.find_all(["input", "textarea", "select"]):
        name = field.get("name")
        if not name or name == "csrf_token":
            continue
        if field.name == "textarea":
            values[name] = field.get_text()
        elif field.name == "select":
            chosen = field.find("option", selected=True) or field.find("option")
            values[name] = (chosen.get("value", chosen.get_text()) if chosen else "")
        elif field.get("type") in ("radio", "checkbox"):
            if field.has_attr("checked"):
                values[name] = field.get("value", "on")
        elif field.get("type") not in ("submit", "button"):
            values[name] = field.get("value", "")
    return values


# --- the households of the security tests --------------------------------------------------------

def de_boer(app) -> factories.Household:
    """Sanne de Boer (Dutch, able to sign in) and her son Thomas, with Anouk as contact person and Bram as duo partner:
    a plan Anouk published, and an appointment Anouk made for four days from now."""
    household = factories.household(app, ["nl"], contact="Anouk Visser", partner="Bram de Wit",
                                    names=("Sanne de Boer",), children=("Thomas de Boer",), password=True)
    factories.published_plan(app, household.family_id, by="anouk")
    factories.appointment(app, household.family_id, by="anouk")
    return household


EL_IDRISSI_QUESTION = "Mag oma de kinderen ook ophalen?"


def el_idrissi(app) -> factories.Household:
    """Fatima and Youssef El Idrissi (Arabic, kept apart, able to sign in; Bram's and Anouk's): a published plan,
    Youssef's question about it, and a new draft of the plan saved by Bram."""
    household = factories.fatima_and_youssef(app, password=True)
    factories.published_plan(app, household.family_id)
    question_of(app, household.usernames[1], EL_IDRISSI_QUESTION)
    factories.saved_draft(app, household.family_id, what="De kinderen slapen bij oma en opa.")
    return household
