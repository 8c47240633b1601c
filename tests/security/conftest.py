"""Fixtures of the security tests (helpers live in security_kit.py)."""
import pytest
from security_kit import Portal


@pytest.fixture
def visitor(demo_app) -> Portal:
    """A signed-out browser on the demo portal."""
    return Portal(demo_app)
