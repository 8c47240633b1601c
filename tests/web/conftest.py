"""Fixtures shared by the sign-in test modules: the frozen code clock."""
import time
from types import SimpleNamespace

import pytest

from portal.accounts import secrets as auth_secrets


@pytest.fixture
def clock(monkeypatch) -> float:
    """Freeze the portal's TOTP clock in the middle of the current 30 s step (no flaky step edges)."""
    now = (int(time.time()) // 30) * 30 + 15.0
    monkeypatch.setattr(auth_secrets, "time", SimpleNamespace(time=lambda: now))
    return now
