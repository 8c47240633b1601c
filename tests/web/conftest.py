"""Fixtures shared by the sign-in test modules: the frozen code clock, a browser, and who signs in."""
import time
from types import SimpleNamespace

import pytest

from portal.accounts import secrets as auth_secrets
from support import factories
from support.sign_in_steps import person


@pytest.fixture
def clock(monkeypatch) -> float:
    """Freeze the portal's TOTP clock in the middle of the current 30 s step (no flaky step edges)."""
    now = (int(time.time()) // 30) * 30 + 15.0
    monkeypatch.setattr(auth_secrets, "time", SimpleNamespace(time=lambda: now))
    return now


@pytest.fixture
def browser(team_app):
    """A browser on the portal of the demo team and its staff, without households."""
    return team_app.test_client()


@pytest.fixture
def username(team_app, staff) -> str:
    """Who signs in at the page `staff` names (a test parametrised on `staff`): a worker, or a parent of a household
    made here (`person`)."""
    return person(team_app, staff)


@pytest.fixture
def parent(team_app) -> str:
    """A parent whose account is in use: the one parent of a new household, with a password and an app."""
    return factories.parent_who_signs_in(team_app)
