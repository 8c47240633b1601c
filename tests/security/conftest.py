"""Fixtures of the security tests (helpers live in security_kit.py), on the team alone (`team_app`) with the
households security_kit makes. Each signs in once per test; hypothesis reuses the signed-in client across the
examples of that test."""
import pytest
from security_kit import Portal
from security_kit import de_boer as make_de_boer
from security_kit import el_idrissi as make_el_idrissi

from support.factories import Household


@pytest.fixture
def visitor(team_app) -> Portal:
    """A signed-out browser on the portal."""
    return Portal(team_app)


@pytest.fixture
def de_boer(team_app) -> Household:
    """Sanne de Boer's household: Anouk's as contact person (security_kit.de_boer)."""
    return make_de_boer(team_app)


@pytest.fixture
def el_idrissi(team_app) -> Household:
    """Fatima and Youssef El Idrissi, kept apart: Bram's as contact person, Anouk's as partner (security_kit)."""
    return make_el_idrissi(team_app)


@pytest.fixture
def sanne(team_app, de_boer) -> Portal:
    """Sanne de Boer (Dutch), signed in."""
    return Portal(team_app, de_boer.usernames[0])


@pytest.fixture
def anouk(team_app) -> Portal:
    """Worker anouk (Anouk Visser)."""
    return Portal(team_app, "anouk")


@pytest.fixture
def teamlead(team_app) -> Portal:
    """The team lead, who sees every family of the team."""
    return Portal(team_app, "teamlead")
