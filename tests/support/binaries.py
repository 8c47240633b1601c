"""Find a program the tests need; skip plainly when it is missing, but fail under CI.

A missing PostgreSQL or Chromium must never make a CI run green by silently skipping
the tests that need it: with CI=true the test fails with the same install hint.
"""
import os
import shutil
from pathlib import Path

import pytest


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def missing(message: str) -> None:
    """Stop the current test: a failure under CI, a visible skip elsewhere."""
    if in_ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)  # listed with its reason in the summary (addopts has -ra)


def find_binary(name: str, search: tuple[str, ...] = ()) -> str | None:
    """An absolute path of `name` (a path or a program on PATH or in one of `search`), or None."""
    if os.sep in name:
        return name if os.access(name, os.X_OK) and Path(name).is_file() else None
    found = shutil.which(name)
    if found:
        return found
    for directory in search:
        candidate = Path(directory) / name
        if candidate.is_file() and os.access(candidate, os.X_OK):
            return str(candidate)
    return None


def require_binary(name: str, install_hint: str, search: tuple[str, ...] = ()) -> str:
    """The path of `name`; when it is missing, skip with `install_hint` (or fail when CI=true).

    Use inside a test or fixture, e.g.
    `chromium = require_binary("/usr/bin/chromium", "apt-get install chromium chromium-driver")`.
    """
    found = find_binary(name, search)
    if found is None:
        missing(f"{name} is not installed; install it with `{install_hint}`.")
    return found
