"""The family pages say exactly what they said before the work on their speed (issue 23, point 5): the <body> of
/, /appointments and /plan (twice: the first GET records the reading, the second shows the plan as read) for every
demo parent, compared with pages stored under tests/web/expected_pages/ from the code before that work.

Why the demo and not the factories: it is the richest set of households a parent can have (nine parents in eight
languages, a kept-apart Arabic couple with a safe address and appointments for one of them, two versions with
changes since the last read, questions with replies, translations finished and waiting, a new contact person), and
the issue asks for "every demo parent". The demo is loaded here, not copied from `demo_app`'s template, so that it is
made at one fixed moment (MOMENT) with the portal's clock running from it (support.moments.running_from): the
stored pages then hold the same dates whatever day the suite runs.

Normalised before comparing, as they differ between any two runs: the CSP nonces, CSRF tokens, the seconds until
the session's idle limit, and random keys (item keys, appointment keys: 32 hex digits or url-safe tokens), each
replaced by a placeholder numbered in order of first appearance on the page, so a key that moves still shows.

To store the pages anew (only from code whose output is known to be right):
    PORTAL_REGENERATE_PAGES=1 .venv/bin/python -m pytest -p no:cacheprovider -q tests/web/test_page_output.py
"""
import datetime as dt
import os
import re
from pathlib import Path

from portal import clock
from portal.demo import load
from portal.demo.people import DEMO_ACCOUNTS
from support.moments import running_from
from support.pages import database
from support.sign_in import signed_in_client

EXPECTED = Path(__file__).parent / "expected_pages"
REGENERATE = os.environ.get("PORTAL_REGENERATE_PAGES") == "1"
# A Thursday in working hours: both demo duo workers work, so the pages name the contact person.
MOMENT = dt.datetime(2026, 12, 3, 10, 0, tzinfo=clock.AMSTERDAM)
PAGES = (("home", "/"), ("appointments", "/appointments"), ("plan", "/plan"), ("plan-read", "/plan"))
PARENTS = tuple(demo.username for demo in DEMO_ACCOUNTS if demo.role == "parent")

_BODY = re.compile(r"<body.*</body>", re.S)
_FIXED = ((re.compile(r'nonce="[^"]*"'), 'nonce="NONCE"'),
          (re.compile(r'(name="csrf_token"[^>]*value=")[^"]*"'), r'\1CSRF"'),
          (re.compile(r'(value=")[^"]*("[^>]*name="csrf_token")'), r'\1CSRF\2'),
          (re.compile(r'(data-expires-in=")\d+"'), r'\1SECONDS"'))
_RANDOM = re.compile(r"\b[0-9a-f]{32}\b|(?<=/appointments/)[A-Za-z0-9_-]{16,}")


def normalised(page: str) -> str:
    """The page's <body> with what differs between runs replaced (see the module's docstring)."""
    found = _BODY.search(page)
    assert found is not None, page[:300]
    body = found.group(0)
    for pattern, replacement in _FIXED:
        body = pattern.sub(replacement, body)
    seen: dict[str, str] = {}
    return _RANDOM.sub(lambda match: seen.setdefault(match.group(0), f"KEY{len(seen) + 1}"), body)


def test_every_demo_parents_pages_are_as_before(app, monkeypatch):
    monkeypatch.setattr(clock, "system_now", running_from(MOMENT.astimezone(dt.UTC)))
    with database(app) as db:
        assert load(db)
    EXPECTED.mkdir(exist_ok=True)
    differ = []
    for username in PARENTS:
        client = signed_in_client(app, username)
        for name, url in PAGES:
            response = client.get(url)
            assert response.status_code == 200, (username, url)
            page = normalised(response.get_data(as_text=True))
            stored = EXPECTED / f"{username}-{name}.html"
            if REGENERATE:
                stored.write_text(page, encoding="utf-8")
            elif stored.read_text(encoding="utf-8") != page:
                differ.append(stored.name)
    assert not differ, f"pages that changed (compare with {EXPECTED}): {differ}"
