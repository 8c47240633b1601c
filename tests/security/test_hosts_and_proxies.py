"""Where the portal is and who is in front of it: letters link to the configured base URL whatever Host a request
names, only configured hosts are served, forwarded headers count only from the configured proxies, and production
refuses settings under which the limits would not hold (issue 21: a letter's QR code for `Host: evil.example`, 80 of
80 guesses with forged X-Forwarded-For addresses, each gunicorn worker counting alone)."""
import re
from pathlib import Path

import pytest
import segno
from sqlmodel import select

from portal import create_app
from portal.config import ConfigError
from portal.models import Account, AuditEvent, OneTimeCode
from support import factories
from support.pages import database, soup
from support.sign_in import csrf_token, signed_in_client

BASE_URL = "https://portaal.example"
PROXY = "10.0.0.2"
STRONG_KEY = "9f1c2e7a4b8d3f6e0a5c9b2d7e4f1a8c3b6d9e2f5a8c1b4d"
PRODUCTION = {"ENV": "production", "SECRET_KEY": STRONG_KEY, "AUDIT_KEY": STRONG_KEY[::-1],
              "DATABASE_URL": "postgresql+psycopg://portal@127.0.0.1:5432/portal"}
SERVING = ("PORTAL_ENV", "PORTAL_BASE_URL", "PORTAL_TRUSTED_HOSTS", "PORTAL_PROXIES", "PORTAL_PROXY_COUNT",
           "RATELIMIT_STORAGE_URI", "WEB_CONCURRENCY", "PORTAL_AUDIT_KEY", "SECRET_KEY", "DATABASE_URL")


@pytest.fixture
def clean_env(monkeypatch):
    """No serving settings from the environment of whoever runs the tests."""
    for name in SERVING:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def letter_for(client, app, household: factories.Household, **request):
    """Anouk prints a new letter for the household's parent from the family file: the page, and what its QR code
    holds."""
    family, parent = household.family_id, household.parent_ids[0]
    token = csrf_token(client.get(f"/backoffice/families/{family}").text)
    made, make = [], segno.make
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(segno, "make", lambda content, **options: made.append(content) or make(content, **options))
        letter = client.post(f"/backoffice/families/{family}/parents/{parent}/letter",
                             data={"csrf_token": token}, follow_redirects=True, **request)
    return letter, made


def test_the_letter_links_to_the_base_url_whatever_host_the_request_names(database_url, databases, make_app):
    databases.fill(database_url, "team")
    app = make_app(database_url, BASE_URL=BASE_URL)  # served here as localhost too (the test client's name)
    household = factories.household_of_anouk(app)
    username = household.usernames[0]
    anouk = signed_in_client(app, "anouk")

    letter, qr = letter_for(anouk, app, household)

    assert letter.status_code == 200
    code = re.search(rf"#username={re.escape(username)}&code=([\w-]+)$", qr[0]).group(1)
    assert qr == [f"{BASE_URL}/activate#username={username}&code={code}"]
    assert soup(letter).find("code", string=f"{BASE_URL}/activate"), "the address to type is the base URL's"
    assert "localhost" not in letter.text


def test_the_staff_letter_links_to_the_base_url(database_url, databases, make_app):
    databases.fill(database_url, "team")
    app = make_app(database_url, BASE_URL=BASE_URL)
    lead = signed_in_client(app, "teamlead")
    with database(app) as db:
        bram = db.exec(select(Account).where(Account.username == "bram")).one()
    staff = lead.get("/backoffice/staff")
    letter = lead.post(f"/backoffice/staff/{bram.id}/letter", data={"csrf_token": csrf_token(staff.text)},
                       follow_redirects=True)
    assert letter.status_code == 200, letter.status_code
    assert soup(letter).find("code", string=f"{BASE_URL}/backoffice/sign-in")
    assert "localhost" not in letter.text


def test_a_host_that_is_not_configured_gets_a_calm_400_and_changes_nothing(database_url, databases, make_app):
    databases.fill(database_url, "team")
    app = make_app(database_url, BASE_URL=BASE_URL)
    household = factories.household_of_anouk(app)
    anouk = signed_in_client(app, "anouk")
    with database(app) as db:
        codes_before = len(db.exec(select(OneTimeCode)).all())
    # Anouk's own cookie, sent to this portal under a name it does not have (a proxy or cache that passes any Host).
    evil = {"Host": "evil.example", "Cookie": f"portal={anouk.get_cookie('portal').value}"}

    letter, qr = letter_for(anouk, app, household, headers=evil)

    assert letter.status_code == 400 and qr == []
    assert "evil.example" not in letter.text and "Traceback" not in letter.text
    assert soup(letter).select_one("html[lang=nl]") and soup(letter).find("h1"), "the portal's own calm page"
    with database(app) as db:
        assert len(db.exec(select(OneTimeCode)).all()) == codes_before, "no letter was made"
    for path in ("/", "/sign-in", "/healthz", "/backoffice/"):
        assert app.test_client().get(path, headers={"Host": "evil.example"}).status_code == 400, path
    assert app.test_client().get("/sign-in", base_url=BASE_URL).status_code == 200


def sign_in_attempt(client, token: str, remote: str, forwarded: str | None = None):
    headers = {"X-Forwarded-For": forwarded} if forwarded else {}
    return client.post("/sign-in", data={"username": "onbekend", "password": "fout-wachtwoord", "csrf_token": token},
                       environ_base={"REMOTE_ADDR": remote}, headers=headers).status_code


def origins(app) -> list[str]:
    with database(app) as db:
        return [event.origin for event in db.exec(select(AuditEvent).where(AuditEvent.action == "sign_in.password")
                                                  .order_by(AuditEvent.id)).all()]


def test_forwarded_addresses_count_only_from_the_configured_proxy(database_url, databases, make_app):
    databases.fill(database_url, "team")
    app = make_app(database_url, PROXIES=[PROXY])
    client = app.test_client()
    token = csrf_token(client.get("/sign-in").text)

    # A client reaching the app port directly names another address each time: it is still one address.
    direct = [sign_in_attempt(client, token, "203.0.113.9", f"198.51.100.{n}") for n in range(31)]
    assert direct == [401] * 30 + [429]
    assert set(origins(app)) == {"203.0.113.9"}, "no forged address in the audit log"

    # Behind the proxy each client counts alone, by the address the proxy adds last.
    behind = [sign_in_attempt(client, token, PROXY, f"192.0.2.77, 198.51.100.{n}") for n in range(31)]
    assert behind == [401] * 31
    assert origins(app)[-31:] == [f"198.51.100.{n}" for n in range(31)]
    one = [sign_in_attempt(client, token, PROXY, "198.51.100.200") for _n in range(31)]
    assert one == [401] * 30 + [429]


def test_a_proxy_can_be_named_by_its_network(database_url, databases, make_app):
    databases.fill(database_url, "team")
    app = make_app(database_url, PROXIES=["10.0.0.0/24"])
    client = app.test_client()
    token = csrf_token(client.get("/sign-in").text)
    sign_in_attempt(client, token, "10.0.0.9", "198.51.100.5")
    sign_in_attempt(client, token, "10.0.1.9", "198.51.100.6")
    assert origins(app) == ["198.51.100.5", "10.0.1.9"]


# --- the settings -----------------------------------------------------------------------------------------

def test_production_refuses_to_start_without_a_base_url(clean_env, tmp_path):
    with pytest.raises(ConfigError, match="PORTAL_BASE_URL is not set"):
        create_app({**PRODUCTION, "INSTANCE_PATH": str(tmp_path), "WORKERS": 1})


@pytest.mark.parametrize("url", ["http://portaal.example", "portaal.example", "https://portaal.example/mijn?x=1",
                                 "https://"])
def test_production_refuses_a_base_url_that_is_no_https_address(clean_env, tmp_path, url):
    clean_env.setenv("PORTAL_BASE_URL", url)
    with pytest.raises(ConfigError, match="PORTAL_BASE_URL"):
        create_app({**PRODUCTION, "INSTANCE_PATH": str(tmp_path), "WORKERS": 1})


def started(tmp_path, **settings):
    app = create_app({**PRODUCTION, "INSTANCE_PATH": str(tmp_path), **settings})
    app.extensions["engine"].dispose()
    return app


def test_production_serves_the_base_urls_host_and_the_hosts_named_besides_it(clean_env, tmp_path):
    clean_env.setenv("PORTAL_BASE_URL", "https://mijnportaal.example/")
    clean_env.setenv("PORTAL_TRUSTED_HOSTS", "portaal-intern.example, 10.0.0.5")
    clean_env.setenv("WEB_CONCURRENCY", "1")
    app = started(tmp_path)
    assert app.config["BASE_URL"] == "https://mijnportaal.example"
    assert app.config["TRUSTED_HOSTS"] == ["mijnportaal.example", "portaal-intern.example", "10.0.0.5"]


def test_a_local_run_links_to_the_local_address_and_serves_the_local_names(clean_env, tmp_path):
    app = create_app({"INSTANCE_PATH": str(tmp_path)})
    app.extensions["engine"].dispose()
    assert app.config["BASE_URL"] == "http://127.0.0.1:5000"  # where `make run` serves
    assert set(app.config["TRUSTED_HOSTS"]) == {"127.0.0.1", "localhost"}


@pytest.mark.parametrize("workers", [None, "2", "4"])
def test_production_refuses_limits_in_memory_unless_one_worker_process_is_configured(clean_env, tmp_path, workers):
    """Gunicorn reads WEB_CONCURRENCY as its number of worker processes, and so does the portal: memory:// counts
    in each process alone. Without it the portal cannot tell (`gunicorn -w` is not visible to it)."""
    if workers:
        clean_env.setenv("WEB_CONCURRENCY", workers)
    with pytest.raises(ConfigError, match="RATELIMIT_STORAGE_URI.*WEB_CONCURRENCY"):
        create_app({**PRODUCTION, "INSTANCE_PATH": str(tmp_path), "BASE_URL": BASE_URL,
                    "RATELIMIT_STORAGE_URI": "memory://"})


def test_production_starts_with_shared_limits_or_one_worker_process(clean_env, tmp_path):
    clean_env.setenv("WEB_CONCURRENCY", "4")
    assert started(tmp_path, BASE_URL=BASE_URL, RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/0")
    clean_env.setenv("WEB_CONCURRENCY", "1")
    assert started(tmp_path, BASE_URL=BASE_URL, RATELIMIT_STORAGE_URI="memory://")


@pytest.mark.parametrize(("variable", "value", "message"), [
    ("PORTAL_PROXY_COUNT", "1", "PORTAL_PROXIES"), ("PORTAL_PROXIES", "10.0.0.300", "PORTAL_PROXIES"),
    ("WEB_CONCURRENCY", "vier", "WEB_CONCURRENCY"), ("PORTAL_BASE_URL", "ftp://portaal.example", "PORTAL_BASE_URL")])
def test_settings_that_cannot_work_are_refused_in_a_local_run_too(clean_env, tmp_path, variable, value, message):
    clean_env.setenv(variable, value)
    with pytest.raises(ConfigError, match=message):
        create_app({"INSTANCE_PATH": str(tmp_path)})


def test_no_link_is_built_from_the_host_a_request_names():
    """Flask's url_for(..., _external=True) takes the request's Host: every full link goes through external_url."""
    portal = Path(__file__).resolve().parents[2] / "portal"
    found = [f"{path.relative_to(portal)}:{number}" for path in sorted(portal.rglob("*"))
             if path.suffix in (".py", ".html")
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
             if "_external" in line]
    assert not found, found
