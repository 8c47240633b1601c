"""Security headers, our own scripts only (with the request's nonce), nothing from other hosts,
and forms that only work with their CSRF token."""
import re

import pytest
from flask import url_for
from sqlmodel import Session, select

from portal.demo import DEMO_PASSWORD
from portal.models import BreakGlass
from portal.web.headers import PERMISSIONS_POLICY, content_security_policy
from support import factories
from support.apps import PRODUCTION_SERVING
from support.sign_in import csrf_token, sign_in

STRONG_KEY = "9f1c2e7a4b8d3f6e0a5c9b2d7e4f1a8c3b6d9e2f5a8c1b4d"
NEUTRAL = "https://www.buienradar.nl"  # the default neutral site: Leave quickly's form may lead there
AUDIT_KEY = "2c7e1a9f4d8b3e6a0f5c2d9b7e1a4f8c3d6b0e9a5f2c8d1b"
SCRIPT = re.compile(r"<script\b[^>]*>", re.I)
NONCE = re.compile(r'\snonce="([^"]+)"')
LINKS = re.compile(r'\s(?:src|href|action|formaction|poster|data|srcset)\s*=\s*["\']?([^"\'\s>]+)', re.I)


def engine(app):
    return app.extensions["engine"]


def page_nonce(html: str) -> str:
    tags = SCRIPT.findall(html)
    assert tags, "no script on the page"
    nonces = set()
    for tag in tags:
        found = NONCE.search(tag)
        assert found, f"a script without the nonce: {tag}"
        nonces.add(found.group(1))
    assert len(nonces) == 1, f"scripts with different nonces: {nonces}"
    return nonces.pop()


def family_page(app, client):
    sign_in(client, factories.household_of_anouk(app).usernames[0])
    return client.get("/")


def back_office_page(app, client):
    sign_in(client, "anouk")
    return client.get("/backoffice/")


def family_file_page(app, client):
    family_id = factories.household_of_anouk(app).family_id
    sign_in(client, "anouk")
    return client.get(f"/backoffice/families/{family_id}")


PAGES = [pytest.param(family_page, id="family-home"), pytest.param(back_office_page, id="back-office-home"),
         pytest.param(family_file_page, id="family-file")]


# --- headers -----------------------------------------------------------------------------------

@pytest.mark.parametrize("open_page", PAGES)
def test_signed_in_pages_carry_the_security_headers(team_app, open_page):
    page = open_page(team_app, team_app.test_client())
    assert page.status_code == 200
    headers = page.headers
    nonce = page_nonce(page.text)
    csp = headers["Content-Security-Policy"]
    assert csp == content_security_policy(nonce, NEUTRAL)
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "default-src 'none'" in csp
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    assert headers["Permissions-Policy"] == PERMISSIONS_POLICY
    assert headers["Cache-Control"] == "no-store"
    assert "Strict-Transport-Security" not in headers  # not over plain http on a laptop


@pytest.mark.parametrize("path", ["/sign-in", "/backoffice/sign-in", "/activate", "/about-leave-quickly"])
def test_signed_out_pages_carry_the_security_headers_too(team_app, path):
    page = team_app.test_client().get(path)
    assert page.status_code == 200
    assert page.headers["Content-Security-Policy"] == content_security_policy(page_nonce(page.text),
                                                                              NEUTRAL)
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["Permissions-Policy"] == PERMISSIONS_POLICY
    assert page.headers["Cache-Control"] == "no-store"


STYLE = re.compile(r"<style\b([^>]*)>(.*?)</style>", re.I | re.S)
STYLESHEET_LINK = re.compile(r"<link\b[^>]*rel=[\"']?stylesheet", re.I)


def inline_style(page) -> str:
    """The page's one <style> element, checked to carry the nonce its scripts and its CSP carry: its rules."""
    styles = STYLE.findall(page.text)
    assert len(styles) == 1, f"{len(styles)} <style> elements"
    attributes, rules = styles[0]
    assert NONCE.search(attributes).group(1) == page_nonce(page.text)
    assert f"style-src 'self' 'nonce-{page_nonce(page.text)}'" in page.headers["Content-Security-Policy"]
    return rules


@pytest.mark.parametrize("path", ["/", "/plan", "/appointments", "/sign-in", "/activate", "/about-leave-quickly",
                                  "/no-such-page"])
def test_family_pages_carry_their_stylesheet_inline_for_a_first_paint_in_one_round_trip(team_app, path):
    """A parent's phone on a weak connection paints the page from its first response: no stylesheet to fetch."""
    client = team_app.test_client()
    if path in ("/", "/plan", "/appointments"):
        household = factories.household_of_anouk(team_app)
        factories.published_plan(team_app, household.family_id, by="anouk")
        sign_in(client, household.usernames[0])
    page = client.get(path)
    assert page.status_code == (404 if path == "/no-such-page" else 200)
    assert not STYLESHEET_LINK.search(page.text)
    assert "body" in inline_style(page) and "/*" not in inline_style(page)  # the rules, without their comments


def test_the_back_office_links_its_stylesheets_instead(team_app):
    client = team_app.test_client()
    sign_in(client, "anouk")
    page = client.get("/backoffice/")
    assert len(STYLESHEET_LINK.findall(page.text)) == 2  # the shared rules and the office's own
    assert not STYLE.search(page.text)


def test_every_response_gets_a_new_nonce(team_app):
    client = team_app.test_client()
    first, second = client.get("/sign-in"), client.get("/sign-in")
    assert page_nonce(first.text) != page_nonce(second.text)
    assert len(page_nonce(first.text)) >= 16


def test_error_pages_and_redirects_carry_the_headers(team_app):
    client = team_app.test_client()
    missing = client.get("/does-not-exist")
    assert missing.status_code == 404
    assert missing.headers["Content-Security-Policy"] == content_security_policy(page_nonce(missing.text), NEUTRAL)
    redirect = client.get("/")
    assert redirect.status_code == 302
    assert "frame-ancestors 'none'" in redirect.headers["Content-Security-Policy"]
    assert redirect.headers["X-Content-Type-Options"] == "nosniff"


def test_production_adds_strict_transport_security(database_url, databases, make_app):
    databases.fill(database_url, "team")
    app = make_app(database_url, ENV="production", SECRET_KEY=STRONG_KEY, AUDIT_KEY=AUDIT_KEY,
                   DATABASE_URL=database_url, **PRODUCTION_SERVING)
    client = app.test_client()
    page = client.get("/sign-in", base_url="https://portaal.example")
    assert page.status_code == 200
    hsts = page.headers["Strict-Transport-Security"]
    max_age = int(re.search(r"max-age=(\d+)", hsts).group(1))
    assert max_age >= 365 * 24 * 3600
    assert page.headers["Content-Security-Policy"] == content_security_policy(page_nonce(page.text),
                                                                              NEUTRAL)


def test_static_files_are_cached_but_pages_are_not(team_app):
    """Family pages carry their stylesheet inline and link their script; the back office links its stylesheets."""
    client = team_app.test_client()
    linked = []
    for path in ("/sign-in", "/backoffice/sign-in"):
        page = client.get(path)
        assert page.status_code == 200 and page.headers["Cache-Control"] == "no-store", path
        linked += re.findall(r'<(?:link rel="stylesheet" href|script[^>]*\ssrc)="(/static/[^"]+)"', page.text)
    assert any(".css" in found for found in linked) and any(".js" in found for found in linked), linked
    for static in linked:
        with client.get(static) as response:
            assert response.status_code == 200, static
            assert response.headers.get("Cache-Control") != "no-store", static
            assert response.headers["X-Content-Type-Options"] == "nosniff", static


# --- nothing from other hosts ------------------------------------------------------------------

def assert_only_local_links(html: str) -> None:
    for target in LINKS.findall(html):
        assert not re.match(r"(?i)(https?:)?//", target), f"the page references another host: {target}"
        assert not target.lower().startswith("javascript:"), target
    assert "<iframe" not in html.lower()
    assert not re.search(r"(?i)url\(\s*['\"]?(https?:)?//", html)


@pytest.mark.parametrize("open_page", PAGES)
def test_signed_in_pages_reference_no_other_host(team_app, open_page):
    page = open_page(team_app, team_app.test_client())
    assert_only_local_links(page.text)
    for tag in SCRIPT.findall(page.text):
        src = re.search(r'\ssrc="([^"]+)"', tag)
        assert src and src.group(1).startswith("/"), f"an inline or foreign script: {tag}"


@pytest.mark.parametrize("path", ["/sign-in", "/backoffice/sign-in", "/activate", "/about-leave-quickly",
                                  "/plan", "/appointments"])
def test_family_pages_reference_no_other_host(team_app, path):
    """Signed in, with a published plan and an appointment on the family's pages."""
    made = factories.household_of_anouk(team_app)
    factories.published_plan(team_app, made.family_id, by="anouk")
    factories.appointment(team_app, made.family_id, by="anouk")
    client = team_app.test_client()
    sign_in(client, made.usernames[0])
    page = client.get(path)
    assert page.status_code == 200
    assert_only_local_links(page.text)


def test_the_quick_exit_leaves_through_the_portal_not_a_link(team_app):
    client = team_app.test_client()
    page = family_page(team_app, client)
    action = re.search(r'<form id="quick-exit-form"[^>]*action="([^"]+)"', page.text).group(1)
    assert action == "/quick-exit"
    assert team_app.config["NEUTRAL_SITE"] not in page.text
    response = client.post(action)  # no CSRF token: leaving must work even with an expired session
    assert response.status_code == 303
    assert response.headers["Location"] == team_app.config["NEUTRAL_SITE"]
    assert client.get("/quick-exit").status_code == 405  # a link or a prefetch cannot end a session


# --- CSRF --------------------------------------------------------------------------------------

def still_signed_in(client, home: str = "/") -> bool:
    return client.get(home).status_code == 200


def test_sign_out_without_the_token_is_refused(team_app):
    client = team_app.test_client()
    sign_in(client, factories.parent_who_signs_in(team_app))
    response = client.post("/sign-out", data={})
    assert response.status_code == 400
    assert still_signed_in(client)
    wrong = client.post("/sign-out", data={"csrf_token": "not-the-token"})
    assert wrong.status_code == 400
    assert still_signed_in(client)


def test_sign_in_without_the_token_is_refused(team_app):
    username = factories.parent_who_signs_in(team_app)
    client = team_app.test_client()
    client.get("/sign-in")
    response = client.post("/sign-in", data={"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 400
    assert client.get("/sign-in/code").status_code == 302  # no second step was opened


def test_a_token_from_another_session_is_refused(team_app):
    client = team_app.test_client()
    sign_in(client, factories.parent_who_signs_in(team_app))
    attacker = team_app.test_client()
    foreign = csrf_token(attacker.get("/sign-in").text)
    assert client.post("/sign-out", data={"csrf_token": foreign}).status_code == 400
    assert still_signed_in(client)


def test_new_recovery_codes_need_the_token(team_app):
    client = team_app.test_client()
    sign_in(client, "anouk")
    response = client.post("/backoffice/recovery-codes", data={})
    # A stale back-office form goes back to the staff sign-in page; no codes are made.
    assert response.status_code == 302 and response.headers["Location"].endswith("/backoffice/sign-in")
    assert not re.search(r"<code>[0-9A-F]{6}-[0-9A-F]{6}</code>", response.text)
    assert still_signed_in(client, "/backoffice/")


def test_break_the_glass_without_the_token_changes_nothing(team_app):
    family_id = factories.household_without_anouk(team_app).family_id
    client = team_app.test_client()
    sign_in(client, "anouk")
    response = client.post("/backoffice/break-glass", data={
        "family": str(family_id), "reason": "Politie belde, kinderen in gevaar vannacht"})
    assert response.status_code in (400, 302)
    if response.status_code == 302:  # the back office sends a stale form back to the sign-in page
        assert response.headers["Location"].endswith("/backoffice/sign-in")
    with Session(engine(team_app)) as db:
        assert db.exec(select(BreakGlass).where(BreakGlass.family_id == family_id)).all() == []
    assert client.get(f"/backoffice/families/{family_id}").status_code == 404


def test_htmx_requests_may_send_the_token_in_a_header(team_app):
    client = team_app.test_client()
    sign_in(client, factories.parent_who_signs_in(team_app))
    token = csrf_token(client.get("/").text)
    response = client.post("/sign-out", headers={"X-CSRFToken": token, "HX-Request": "true"})
    assert response.status_code == 302
    assert not still_signed_in(client)


def test_htmx_back_office_requests_send_the_token_in_a_header(team_app):
    family_id = factories.household_of_anouk(team_app).family_id
    client = team_app.test_client()
    sign_in(client, "anouk")
    with team_app.test_request_context():
        editor = url_for("backoffice.plan_editor", family_id=family_id)
        helper = url_for("backoffice.plain_language", family_id=family_id)
    page = client.get(editor)
    assert page.status_code == 200
    header_token = re.search(r"data-hx-headers='\{\"X-CSRFToken\": \"([^\"]+)\"\}'", page.text).group(1)
    field = re.search(r'<textarea id="([^"]+)" name="\1"[^>]*data-hx-post="' + re.escape(helper), page.text).group(1)
    htmx = {"HX-Request": "true", "HX-Trigger-Name": field}
    answered = client.post(helper, data={field: "De jeugdbescherming gaat een verzoekschrift indienen."},
                           headers={**htmx, "X-CSRFToken": header_token})
    assert answered.status_code == 200
    refused = client.post(helper, data={field: "Tekst"}, headers=htmx)
    assert refused.status_code != 200


def test_the_demo_server_names_no_versions(team_app):
    import threading
    import urllib.request

    from werkzeug.serving import make_server

    from portal.cli import UnnamedServerHandler

    server = make_server("127.0.0.1", 0, team_app, request_handler=UnnamedServerHandler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{server.server_port}/healthz", timeout=10) as response:
            assert response.headers["Server"] == "web"
    finally:
        server.shutdown()
        thread.join()


def test_a_missing_static_file_is_not_cached(team_app):
    missing = team_app.test_client().get("/static/no-such-file.css?v=123")
    assert missing.status_code == 404
    assert missing.headers["Cache-Control"] == "no-store"
