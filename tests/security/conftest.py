"""Fixtures of the security tests (helpers live in security_kit.py). Each signs in once per test;
hypothesis reuses the signed-in client across the examples of that test."""
import pytest
from security_kit import Portal


@pytest.fixture
def visitor(demo_app) -> Portal:
    """A signed-out browser on the demo portal."""
    return Portal(demo_app)


@pytest.fixture
def sanne(demo_app) -> Portal:
    """Ouder-sanne (Dutch), household De Boer."""
    return Portal(demo_app, "ouder-sanne")


@pytest.fixture
def anouk(demo_app) -> Portal:
    """Worker anouk: contact person of De Boer, duo partner at El Idrissi and Demir."""
    return Portal(demo_app, "anouk")


@pytest.fixture
def teamlead(demo_app) -> Portal:
    """The team lead, who sees every family of the team."""
    return Portal(demo_app, "teamlead")
