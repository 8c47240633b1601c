"""Redirects only ever go back into the portal (the quick exit only to the neutral site), and what
workers paste into a plan is shown as text, never run; every page carries a strict CSP. The portal is the team alone
(`team_app`); the parent is one a factory makes, in the households security_kit builds."""
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from security_kit import (
    ATTRIBUTE_PAYLOAD,
    SCRIPT_PAYLOAD,
    Portal,
    assert_not_executable,
    browser_target,
    csp_nonce,
    form_fields,
    stays_on_portal,
)

from support import factories

FOREIGN = [
    "https://evil.example",
    "//evil.example",
    "/\\evil.example",
    "javascript:alert(1)",
    "https:evil.example",
    "\\\\evil.example",
    " //evil.example",
    "/\t/evil.example",  # browsers drop the tab: //evil.example
    "/\n/evil.example",
    "/\r\n/evil.example",
    "//evil.example/%2F..",
    "http://127.0.0.1.evil.example/",
    "data:text/html,<script>alert(1)</script>",
]


def assert_local(response, target: str, fallback: str) -> None:
    assert response.status_code == 302, (target, response.status_code)
    location = response.headers["Location"]
    assert stays_on_portal(location), f"next={target!r}: {location!r} leads to {browser_target(location)}"
    assert location.startswith("/") and not location.startswith("//"), (target, location)
    assert urlsplit(location).path == fallback, (target, location)


# Stands for a parent of a household of her own (factories.parent_who_signs_in), made in the test.
PARENT = "a parent"


def signed_in(app, who: str | None) -> Portal:
    """A browser of `who`: nobody, PARENT (a new parent who signs in), or a member of the staff by username."""
    return Portal(app, factories.parent_who_signs_in(app) if who == PARENT else who)


@pytest.mark.parametrize("who, home", [(None, "/"), (PARENT, "/"), ("anouk", "/backoffice/")],
                         ids=["visitor", "parent", "anouk"])
def test_language_switch_never_leaves_the_portal(team_app, who, home):
    portal = signed_in(team_app, who)
    for target in FOREIGN:
        response = portal.post("/language", {"set_language": "en", "next": target})
        assert_local(response, target, fallback=home)
        assert portal.get(response.headers["Location"]).status_code < 500


@pytest.mark.parametrize("who, home", [(PARENT, "/"), ("anouk", "/backoffice/")], ids=["parent", "anouk"])
def test_stay_signed_in_never_leaves_the_portal(team_app, who, home):
    portal = signed_in(team_app, who)
    for target in FOREIGN:
        response = portal.post("/session/extend", {"next": target})
        assert_local(response, target, fallback=home)
    assert portal.get(home).status_code == 200  # and the session holds


def test_a_local_next_page_is_kept(team_app):
    """The language buttons and 'stay signed in' bring the user back to the page they were on."""
    portal = signed_in(team_app, PARENT)
    assert portal.post("/language", {"set_language": "en", "next": "/appointments?x=1"}).headers["Location"] \
        == "/appointments?x=1"
    assert portal.post("/session/extend", {"next": "/plan"}).headers["Location"] == "/plan"


@pytest.mark.parametrize("query", ["", "?next=https://evil.example", "?next=//evil.example", "?url=/\\evil.example"])
def test_quick_exit_goes_only_to_the_neutral_site(team_app, query):
    portal = signed_in(team_app, PARENT)
    cookie = portal.client.get_cookie("portal").value
    response = portal.client.post("/quick-exit" + query)
    assert response.status_code == 303
    assert response.headers["Location"] == team_app.config["NEUTRAL_SITE"] == "https://www.buienradar.nl"
    assert "cookies" in response.headers["Clear-Site-Data"]
    portal.client.set_cookie("portal", cookie)  # the old cookie, as if the browser had kept it
    assert portal.get("/").status_code == 302  # the session ended on the server


def test_quick_exit_follows_the_configured_neutral_site(database_url, databases, make_app):
    databases.fill(database_url, "team")
    app = make_app(database_url, NEUTRAL_SITE="https://www.nu.nl/weer")
    response = app.test_client().post("/quick-exit?next=https://evil.example")
    assert response.headers["Location"] == "https://www.nu.nl/weer"


# --- pasted plan text is shown, never run ------------------------------------------------------

@pytest.fixture
def hostile_plan(team_app, de_boer):
    """Anouk pastes script and an <img onerror> into the De Boer plan and publishes it."""
    anouk = Portal(team_app, "anouk")
    family = de_boer.family_id
    page = anouk.get(f"/backoffice/families/{family}/plan")
    form = form_fields(page.get_data(as_text=True), "plan-form")
    published = anouk.post(f"/backoffice/families/{family}/plan", form | {
        "s1-description": f"Ruzie {SCRIPT_PAYLOAD} in huis.",
        "help-0-text": f"Hulp {ATTRIBUTE_PAYLOAD} van de huisarts.",
        "action": "publish", "note": f"Lees dit {SCRIPT_PAYLOAD}"})
    assert published.status_code == 302, published.get_data(as_text=True)[:1000]
    return anouk, family, published.headers["Location"]


def assert_shown_as_text(response) -> None:
    assert response.status_code == 200
    assert_not_executable(response)
    html = response.get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html  # escaped in the markup ...
    text = BeautifulSoup(html, "html.parser").get_text()
    assert f"Ruzie {SCRIPT_PAYLOAD} in huis." in text  # ... and readable as the worker typed it
    assert f"Hulp {ATTRIBUTE_PAYLOAD} van de huisarts." in text


def test_pasted_script_shows_as_text_on_the_parents_plan_page(team_app, de_boer, hostile_plan):
    sanne = Portal(team_app, de_boer.usernames[0])
    assert_shown_as_text(sanne.get("/plan"))


def test_pasted_script_shows_as_text_in_the_compare_view(hostile_plan):
    anouk, family, compare = hostile_plan
    assert urlsplit(compare).path == f"/backoffice/families/{family}/plan/compare"
    assert_shown_as_text(anouk.get(compare))
    assert_shown_as_text(anouk.get(f"/backoffice/families/{family}/plan"))  # the editor's next draft too


# --- Content-Security-Policy ---------------------------------------------------------------------

PAGES = {
    None: ["/sign-in", "/backoffice/sign-in", "/activate", "/about-leave-quickly", "/no-such-page", "/quick-exit",
           "/healthz"],
    PARENT: ["/", "/plan", "/appointments", "/who-looked"],
    "anouk": ["/backoffice/", "/backoffice/break-glass"],
}


@pytest.mark.parametrize("who", list(PAGES), ids=lambda who: who or "visitor")
def test_every_response_has_a_strict_csp(team_app, de_boer, who):
    """The parent is Sanne de Boer, whose pages show a plan and an appointment."""
    portal = Portal(team_app, de_boer.usernames[0] if who == PARENT else who)
    nonces = set()
    for path in PAGES[who]:
        response = portal.get(path)
        policy = response.headers.get("Content-Security-Policy", "")
        directives = dict((part.strip().split(" ", 1) + [""])[:2] for part in policy.split(";") if part.strip())
        assert "'unsafe-inline'" not in policy and "'unsafe-eval'" not in policy, (path, policy)
        assert directives.get("default-src") == "'none'", (path, policy)
        assert "'nonce-" in directives.get("script-src", ""), (path, policy)
        assert directives.get("object-src", "'none'") == "'none'" and directives.get("base-uri") == "'none'"
        assert directives.get("frame-ancestors") == "'none'", (path, policy)
        nonce = csp_nonce(response)
        assert nonce not in nonces, "the nonce was used twice"
        nonces.add(nonce)
        assert_not_executable(response)  # every script of the page carries this response's nonce
