"""Staff sign in through their organisation's OpenID Connect provider, tested against a real provider on loopback.

The provider is the `oidc-provider` npm package (tests/support/oidc_provider: discovery, JWKS, code flow with PKCE,
signed ID tokens); only its interaction is ours: the browser's request names the subject (login_hint) and how the
person signed in (test_amr), so that no human types anything. The team lead configures the organisation and links a
colleague through the back office's pages; the colleague's browser goes to the provider and back as a browser does.
"""
import datetime as dt
import html
import http.cookiejar
import os
import re
import secrets
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlmodel import Session, func, select

from portal import clock
from portal.auth import oidc
from portal.demo import DEMO_PASSWORD
from portal.models import Account
from portal.models.identity import IdentityProvider, ProviderSignIn, StaffIdentity
from support.binaries import missing, require_binary
from support.moments import running_from
from support.servers import start_process, stop
from support.sign_in import csrf_token, fresh_code, sign_in
from support.sign_in_steps import account_of, engine, events, nl, password_step

# Sign-in, sessions and stored state: every test here runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_databases

PROVIDER_DIR = Path(__file__).resolve().parent.parent / "support" / "oidc_provider"
CLIENT_ID = "blijvend-veilig-portal"
CLIENT_SECRET = secrets.token_urlsafe(24)
SECRET_NAME = "VEILIG_THUIS"
ANSWER_URL = "http://localhost/backoffice/sign-in/provider/answer"  # the test client's host
ID_TOKEN_TTL = 60  # seconds: the expired-token test moves the portal's clock past it (and past the leeway)
START_TIMEOUT = 30


@pytest.fixture(scope="module")
def issuer(tmp_path_factory) -> str:
    """The provider, started for this module on a free loopback port; its issuer address."""
    node = require_binary("node", "apt-get install nodejs npm")
    if not (PROVIDER_DIR / "node_modules" / "oidc-provider").is_dir():
        missing(f"oidc-provider is not installed; `make test` installs it (npm ci --prefix {PROVIDER_DIR}).")
    log = tmp_path_factory.mktemp("oidc") / "provider.log"
    env = {key: value for key, value in os.environ.items() if not key.startswith("PORTAL_")}
    env.update(CLIENT_ID=CLIENT_ID, CLIENT_SECRET=CLIENT_SECRET, REDIRECT_URIS=ANSWER_URL, PORT="0",
               ID_TOKEN_TTL=str(ID_TOKEN_TTL))
    process = start_process([node, "provider.mjs"], log, env=env, cwd=PROVIDER_DIR)
    deadline = time.monotonic() + START_TIMEOUT
    found = None
    while found is None and time.monotonic() < deadline and process.poll() is None:
        found = re.search(r"^listening (http://127\.0\.0\.1:\d+)$", log.read_text(errors="replace"), re.M)
        time.sleep(0.05)
    if found is None:
        stop(process)
        raise RuntimeError(f"the OpenID provider did not start:\n{log.read_text(errors='replace')}")
    yield found.group(1)
    stop(process)
    oidc.forget_documents()


@pytest.fixture(autouse=True)
def real_time(monkeypatch):
    """The provider signs with the machine's time; the portal's clock keeps it too here, also in a run started
    from another moment (PORTAL_TEST_NOW), as it does in production. A test moves it on by itself."""
    monkeypatch.setattr(clock, "system_now", lambda: dt.datetime.now(dt.UTC))


@pytest.fixture
def portal(team_app, monkeypatch):
    """The portal of the demo team, allowed to reach a provider over plain http on loopback, with the secret of
    the organisation's client in the environment as an administrator puts it there."""
    team_app.config["OIDC_ALLOW_HTTP_LOOPBACK"] = True
    monkeypatch.setenv("PORTAL_OIDC_SECRET_" + SECRET_NAME, CLIENT_SECRET)
    return team_app


@pytest.fixture
def team_lead(portal):
    browser = portal.test_client()
    sign_in(browser, "teamlead")
    return browser


def configure(team_lead, issuer: str, name: str = "Veilig Thuis") -> int:
    """The team lead adds the organisation's provider on the back office's page; its id."""
    token = csrf_token(team_lead.get("/backoffice/staff/providers").text)
    added = team_lead.post("/backoffice/staff/providers", data={
        "csrf_token": token, "name": name, "issuer": issuer, "client_id": CLIENT_ID, "secret_name": SECRET_NAME})
    assert added.status_code == 303, added.text
    with Session(engine(team_lead.application)) as db:
        return db.exec(select(IdentityProvider.id).where(IdentityProvider.issuer == issuer)).one()


def link(team_lead, username: str, provider_id: int, subject: str):
    account_id = account_of(team_lead.application, username).id
    token = csrf_token(team_lead.get(f"/backoffice/staff/{account_id}").text)
    return team_lead.post(f"/backoffice/staff/{account_id}/identity",
                          data={"csrf_token": token, "provider": str(provider_id), "subject": subject})


@pytest.fixture
def organisation(team_lead, issuer) -> int:
    """Veilig Thuis signs its staff in; Bram's account is linked to his subject there."""
    provider_id = configure(team_lead, issuer)
    assert link(team_lead, "bram", provider_id, "vt-bram-0042").status_code == 303
    return provider_id


def to_provider(browser, provider_id: int) -> str:
    """Press "Sign in with <organisation>" on the staff sign-in page: the provider's address the portal sends to."""
    page = browser.get("/backoffice/sign-in")
    assert f'action="/backoffice/sign-in/provider/{provider_id}"' in page.text
    started = browser.post(f"/backoffice/sign-in/provider/{provider_id}", data={"csrf_token": csrf_token(page.text)})
    assert started.status_code == 303, started.text
    return started.headers["Location"]


class _Stay(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def at_provider(authorize_url: str, subject: str, amr: str = "pwd,mfa") -> str:
    """The browser at the provider: the person signs in as `subject` with these methods (the interaction reads
    them from the request), and the provider sends the browser back; the address it sends it back to."""
    url = authorize_url + "&" + urllib.parse.urlencode({"login_hint": subject, "test_amr": amr})
    opener = urllib.request.build_opener(_Stay, urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()),
                                         urllib.request.ProxyHandler({}))
    for _ in range(10):
        try:
            opener.open(url, timeout=10)
            raise AssertionError(f"the provider did not send the browser on from {url}")
        except urllib.error.HTTPError as answer:
            location = answer.headers.get("Location")
            assert answer.code in (302, 303) and location, (answer.code, answer.read()[:500])
        url = urllib.parse.urljoin(url, location)
        if url.startswith(ANSWER_URL):
            return url
    raise AssertionError("the provider sent the browser around in circles")


def back_at_portal(browser, answer_url: str):
    """The provider's answer arrives as a GET; its page (which changes nothing) hands it on as a POST, as its
    script does in a browser: the answer to that POST."""
    page = browser.get(answer_url.removeprefix("http://localhost"))
    assert page.status_code == 200
    form = re.search(r'<form id="provider-answer" method="post" action="([^"]+)">(.*?)</form>', page.text, re.S)
    fields = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', form.group(2)))
    return browser.post(form.group(1), data={name: html.unescape(value) for name, value in fields.items()})


def through_provider(browser, provider_id: int, subject: str, amr: str = "pwd,mfa"):
    return back_at_portal(browser, at_provider(to_provider(browser, provider_id), subject, amr))


def signed_in_as(browser, name: str) -> bool:
    home = browser.get("/backoffice/")
    return home.status_code == 200 and name in home.text


def refusal(portal, reason: str) -> list[str]:
    return [event.object for event in events(portal, action="sign_in.provider", result="refused")
            if event.object.endswith(":" + reason)]


def test_a_full_sign_in_lands_on_the_staff_home(portal, organisation):
    browser = portal.test_client()
    answer = through_provider(browser, organisation, "vt-bram-0042")
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/backoffice/"
    assert signed_in_as(browser, "Bram")
    bram = account_of(portal, "bram")
    ok = events(portal, action="sign_in.provider", result="ok")
    assert [(event.object, event.actor_id) for event in ok] == [(f"provider:{organisation}:mfa", bram.id)]
    # The sign-in page offers the organisation by name, and so does its own page (for the organisation's intranet).
    button = nl(portal, "Sign in with %(organisation)s", organisation="Veilig Thuis")
    assert button in portal.test_client().get("/backoffice/sign-in").text
    assert button in portal.test_client().get(f"/backoffice/sign-in/provider/{organisation}").text


def test_the_same_answer_twice_signs_in_once(portal, organisation):
    """The answer is a GET, as the protocol has it; its state is used once, so a second arrival changes nothing."""
    browser = portal.test_client()
    answer_url = at_provider(to_provider(browser, organisation), "vt-bram-0042")
    assert back_at_portal(browser, answer_url).status_code == 302
    other = portal.test_client()
    with browser.session_transaction() as cookie:
        state = urllib.parse.parse_qs(urllib.parse.urlsplit(answer_url).query)["state"][0]
        cookie["provider_state"] = state  # even with the state put back in the cookie
    with other.session_transaction() as cookie:
        cookie["provider_state"] = state
    assert back_at_portal(other, answer_url).status_code == 400
    assert not signed_in_as(other, "Bram")
    assert refusal(portal, "state") == ["provider:state"]


def test_a_wrong_state_is_refused(portal, organisation):
    browser = portal.test_client()
    answer_url = at_provider(to_provider(browser, organisation), "vt-bram-0042")
    state = urllib.parse.parse_qs(urllib.parse.urlsplit(answer_url).query)["state"][0]
    forged = answer_url.replace("state=" + urllib.parse.quote(state), "state=" + secrets.token_urlsafe(32))
    assert forged != answer_url
    refused = back_at_portal(browser, forged)
    assert refused.status_code == 400
    assert nl(portal, "This sign-in was not started in this browser, or it was used already. Start again.") \
        in refused.text
    assert not signed_in_as(browser, "Bram")
    assert refusal(portal, "state") == ["provider:state"]


def test_an_answer_this_browser_did_not_ask_for_is_refused(portal, organisation):
    """Someone else's answer (with its own, right state) sent to this browser signs nobody in here."""
    asker, victim = portal.test_client(), portal.test_client()
    answer_url = at_provider(to_provider(asker, organisation), "vt-bram-0042")
    assert back_at_portal(victim, answer_url).status_code == 400
    assert not signed_in_as(victim, "Bram")


def test_a_wrong_nonce_is_refused(portal, organisation):
    browser = portal.test_client()
    answer_url = at_provider(to_provider(browser, organisation), "vt-bram-0042")
    with Session(engine(portal)) as db:  # what the portal stored no longer matches what the provider signed
        db.exec(update(ProviderSignIn).values(nonce=secrets.token_urlsafe(32)))
        db.commit()
    refused = back_at_portal(browser, answer_url)
    assert refused.status_code == 401
    assert nl(portal, "The answer of your organisation could not be checked. Start again.") in refused.text
    assert not signed_in_as(browser, "Bram")
    assert refusal(portal, "token") == [f"provider:{organisation}:token"]


def test_an_expired_id_token_is_refused(portal, organisation, monkeypatch):
    browser = portal.test_client()
    answer_url = at_provider(to_provider(browser, organisation), "vt-bram-0042")
    later = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=ID_TOKEN_TTL + oidc.LEEWAY + 60)
    assert later < dt.datetime.now(dt.UTC) + oidc.ANSWER_WITHIN  # the sign-in itself is still waiting then
    monkeypatch.setattr(clock, "system_now", running_from(later))
    refused = back_at_portal(browser, answer_url)
    assert refused.status_code == 401
    assert not signed_in_as(browser, "Bram")
    assert refusal(portal, "token") == [f"provider:{organisation}:token"]


def test_without_a_second_factor_at_the_provider_the_portal_asks_its_own_code(portal, organisation):
    browser = portal.test_client()
    answer = through_provider(browser, organisation, "vt-bram-0042", amr="pwd")
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/backoffice/sign-in/code"
    assert not signed_in_as(browser, "Bram")  # not before the code
    page = browser.get("/backoffice/sign-in/code")
    assert page.status_code == 200
    wrong = browser.post("/backoffice/sign-in/code", data={"csrf_token": csrf_token(page.text), "code": "000000"})
    assert wrong.status_code == 401
    assert not signed_in_as(browser, "Bram")
    right = browser.post("/backoffice/sign-in/code", data={"csrf_token": csrf_token(wrong.text),
                                                           "code": fresh_code("bram", portal)})
    assert right.status_code == 302
    assert signed_in_as(browser, "Bram")
    assert [event.object for event in events(portal, action="sign_in.provider", result="ok")] == \
        [f"provider:{organisation}:code_asked"]


def test_an_acr_the_organisation_named_counts_as_a_second_factor(portal, team_lead, issuer):
    provider_id = configure(team_lead, issuer)
    with Session(engine(portal)) as db:
        db.exec(update(IdentityProvider).values(mfa_acr="urn:veilig-thuis:mfa"))
        db.commit()
    assert link(team_lead, "bram", provider_id, "vt-bram-0042").status_code == 303
    browser = portal.test_client()
    url = to_provider(browser, provider_id) + "&test_acr=" + urllib.parse.quote("urn:veilig-thuis:mfa")
    answer = back_at_portal(browser, at_provider(url, "vt-bram-0042", amr="pwd"))
    assert answer.headers["Location"] == "/backoffice/"
    assert signed_in_as(browser, "Bram")


def test_an_unknown_subject_is_refused_and_no_account_is_made(portal, organisation):
    with Session(engine(portal)) as db:
        accounts = db.exec(select(func.count()).select_from(Account)).one()
    browser = portal.test_client()
    refused = through_provider(browser, organisation, "vt-nieuwe-collega-7")
    assert refused.status_code == 403
    assert nl(portal, "Your organisation knows you, but no account of this portal is linked to you. Ask your team "
                      "lead to link your account, and give them this code.") in refused.text
    assert "vt-nieuwe-collega-7" in refused.text  # the code to give the team lead
    assert not signed_in_as(browser, "Bram")
    with Session(engine(portal)) as db:
        assert db.exec(select(func.count()).select_from(Account)).one() == accounts
    assert refusal(portal, "unknown") == [f"provider:{organisation}:unknown"]


def test_a_subject_is_linked_by_the_team_lead_never_found_by_e_mail(portal, team_lead, organisation):
    """Linking names the provider's subject; a second account cannot take a subject that is linked already."""
    taken = link(team_lead, "anouk", organisation, "vt-bram-0042")
    assert taken.status_code == 400
    assert nl(portal, "This code is linked to another colleague's account already.") in taken.text
    with Session(engine(portal)) as db:
        links = db.exec(select(StaffIdentity.subject, Account.username)
                        .join(Account, Account.id == StaffIdentity.account_id)).all()
    assert [tuple(row) for row in links] == [("vt-bram-0042", "bram")]


def test_switching_the_organisation_off_ends_an_open_session_at_once(portal, team_lead, organisation):
    browser = portal.test_client()
    through_provider(browser, organisation, "vt-bram-0042")
    assert signed_in_as(browser, "Bram")
    page = team_lead.get("/backoffice/staff/providers")
    switched = team_lead.post(f"/backoffice/staff/providers/{organisation}/active",
                              data={"csrf_token": csrf_token(page.text), "active": "off"})
    assert switched.status_code == 303
    assert browser.get("/backoffice/").status_code == 302  # the very next request: signed out
    assert not signed_in_as(browser, "Bram")
    # Nobody signs in through it any more: the sign-in page no longer offers it, and pressing an old button fails.
    page = browser.get("/backoffice/sign-in")
    assert f"/backoffice/sign-in/provider/{organisation}" not in page.text
    refused = browser.post(f"/backoffice/sign-in/provider/{organisation}", data={"csrf_token": csrf_token(page.text)})
    assert refused.status_code == 403
    assert [event.object for event in events(portal, action="identity_provider.switch_off")] == \
        [f"provider:{organisation}"]
    assert signed_in_as(team_lead, "")  # the team lead, not linked, stays signed in


def test_switching_the_account_off_ends_its_provider_session_at_once(portal, team_lead, organisation):
    browser = portal.test_client()
    through_provider(browser, organisation, "vt-bram-0042")
    assert signed_in_as(browser, "Bram")
    bram = account_of(portal, "bram")
    page = team_lead.get(f"/backoffice/staff/{bram.id}")
    assert team_lead.post(f"/backoffice/staff/{bram.id}/active",
                          data={"csrf_token": csrf_token(page.text), "active": "off"}).status_code == 302
    assert not signed_in_as(browser, "Bram")
    refused = through_provider(portal.test_client(), organisation, "vt-bram-0042")
    assert refused.status_code == 403
    assert refusal(portal, "switched_off_account") == [f"provider:{organisation}:switched_off_account"]


def test_a_linked_account_cannot_use_the_local_password(portal, organisation):
    """Linking removes the account's password: a linked colleague signs in through the organisation only."""
    browser = portal.test_client()
    refused = password_step(browser, "bram", DEMO_PASSWORD, staff=True)
    assert refused.status_code == 401
    assert browser.get("/backoffice/sign-in/code").status_code == 302  # no second step was opened
    assert not signed_in_as(browser, "Bram")
    assert account_of(portal, "bram").password_hash is None


def test_linking_signs_the_colleague_out_of_their_password_session(portal, team_lead, issuer):
    browser = portal.test_client()
    sign_in(browser, "bram")
    assert signed_in_as(browser, "Bram")
    provider_id = configure(team_lead, issuer)
    assert link(team_lead, "bram", provider_id, "vt-bram-0042").status_code == 303
    assert not signed_in_as(browser, "Bram")


def test_a_team_lead_cannot_link_their_own_account(portal, team_lead, issuer):
    """A provider that does not work would lock them out: another team lead of the team links them."""
    provider_id = configure(team_lead, issuer)
    refused = link(team_lead, "teamlead", provider_id, "vt-teamlead-1")
    assert refused.status_code == 400
    assert nl(portal, "You cannot link your own account. Ask another team lead.") in refused.text
    assert account_of(portal, "teamlead").password_hash is not None
    assert signed_in_as(team_lead, "")


def test_a_linked_colleague_gets_no_first_sign_in_letter(portal, team_lead, organisation):
    """A letter's start password would open a second way in beside the organisation's sign-in."""
    bram = account_of(portal, "bram")
    page = team_lead.get(f"/backoffice/staff/{bram.id}")
    assert f"/backoffice/staff/{bram.id}/letter/new" not in page.text
    assert "vt-bram-0042" in page.text  # the page says whom the account is linked to
    refused = team_lead.post(f"/backoffice/staff/{bram.id}/letter", data={"csrf_token": csrf_token(page.text)})
    assert refused.status_code == 303
    assert account_of(portal, "bram").password_hash is None
    assert [event.object for event in events(portal, action="staff.letter", result="refused")] == \
        [f"account:{bram.id}"]
    # Unlinked, the colleague can be given a letter (and so a password) again.
    unlinked = team_lead.post(f"/backoffice/staff/{bram.id}/identity/remove",
                              data={"csrf_token": csrf_token(page.text)})
    assert unlinked.status_code == 303
    page = team_lead.get(f"/backoffice/staff/{bram.id}")
    assert f"/backoffice/staff/{bram.id}/letter/new" in page.text
    refused = through_provider(portal.test_client(), organisation, "vt-bram-0042")
    assert refused.status_code == 403  # no longer linked: an unknown subject


def test_an_interpreter_signs_in_through_the_organisation_too(portal, team_lead, organisation):
    assert link(team_lead, "tolk-ar", organisation, "vt-tolk-ar-7").status_code == 303
    browser = portal.test_client()
    answer = through_provider(browser, organisation, "vt-tolk-ar-7")
    assert answer.headers["Location"] == "/backoffice/"
    assert browser.get("/backoffice/").status_code == 200
    tolk = account_of(portal, "tolk-ar")
    assert [event.actor_id for event in events(portal, action="sign_in.provider", result="ok")] == [tolk.id]


def test_without_mfa_a_colleague_who_never_linked_an_app_links_one_first(portal, organisation):
    with Session(engine(portal)) as db:  # Bram never signed in with the portal's own second step
        db.exec(update(Account).where(Account.username == "bram").values(totp_enrolled=False, totp_secret=None))
        db.commit()
    browser = portal.test_client()
    answer = through_provider(browser, organisation, "vt-bram-0042", amr="pwd")
    assert answer.headers["Location"] == "/backoffice/enrol"
    assert browser.get("/backoffice/enrol").status_code == 200
    assert not signed_in_as(browser, "Bram")
    assert account_of(portal, "bram").totp_secret  # made for the page that links the app
