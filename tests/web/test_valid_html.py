"""Every page of the portal is valid HTML (issue 21, point 11): the Nu HTML Checker (vnu.jar of the npm package
vnu-jar, which `make test` installs) finds no error in any page, for every role, in Dutch and in Arabic.

The pages are collected with the Flask test client: every GET route for each kind of reader (signed out, a parent,
a member of the family's circle, a child of 14, a worker of the duo, the team lead, an interpreter, a partner), each
form sent empty, the error pages, and the pages that only a step of a flow shows (the sign-in code, the letter,
activation). All of them are checked in one run of the checker: its JVM takes seconds to start. The portal is the
team alone (`team_app`) with the households that support/routes.py builds: Fatima and Youssef El Idrissi (kept apart)
with one thing of each kind, and a Dutch-reading parent with a plan."""
import json
import subprocess
from pathlib import Path

import pytest

from portal.config import PROJECT_ROOT
from portal.demo import DEMO_PASSWORD
from portal.extensions import limiter
from support.binaries import missing, require_binary
from support.pages import soup
from support.routes import dutch_reader, household_ids, in_read_along_window, parent_account
from support.sign_in import csrf_token, signed_in_client

# Where the Makefile's test install puts the checker.
VNU_JAR = PROJECT_ROOT / ".venv" / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
VNU_HINT = "make test (it installs the npm package vnu-jar into .venv/vnu)"
JAVA_HINT = "apt-get install default-jre-headless"
LANGUAGES = ("nl", "ar")
# Each kind of reader, and the page they start from.
# Both parents of the El Idrissi household (kept apart) and a Dutch-reading one (ids["fatima"], ids["youssef"],
# ids["dutch"]: their usernames), Karim of its circle and Sara (14) with her own page; two duo workers; the wijkagent
# of the team's police district (ids["wijkagent"]), a partner who sent a signal about the household.
READERS = {None: "/sign-in", "fatima": "/", "youssef": "/", "dutch": "/", "karim": "/circle", "sara": "/me",
           "bram": "/backoffice/", "anouk": "/backoffice/", "teamlead": "/backoffice/", "tolk-ar": "/backoffice/",
           "wijkagent": "/partner/"}
# Who gets a new letter in which language (after the sign-in code pages: a letter resets the account).
LETTERS = {"nl": "dutch", "ar": "youssef"}
# Pages that only a step of a flow shows: walk_flows collects them.
FLOW_PAGES = {"auth.code", "auth.staff_code", "auth.choose_password", "auth.second_factor",
              "backoffice.partner_letter"}
# A GET that shows no page of its own: a file, or a redirect unless something was kept or a staff account has no
# second factor yet (the staff's enrolment is tested in tests/web/test_second_factor.py).
NOT_PAGES = {"static", "healthz", "manifest", "metrics", "family.appointment_calendar", "auth.kept", "auth.staff_kept",
             "auth.enrol"}
# The partners' signals interface answers JSON to their systems (tests/web/test_signal_api.py), never a page.
NOT_PAGES |= {"partner_api.description", "partner_api.read"}
# A page with one known error, checked in the same run: the checker really read the pages.
CONTROL = ('<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Controle</title></head>'
           '<body><p><time datetime="gisteren">gisteren</time></p></body></html>')


class Pages:
    """The HTML of each page collected, in files named by number, and who saw which URL in which language."""

    def __init__(self, directory: Path):
        self.directory = directory
        self.names: dict[str, str] = {}
        self.shown: set[str] = set()  # endpoints answered with a page (200)

    def add(self, who: str, language: str, url: str, response, endpoint: str | None = None) -> None:
        if not response.content_type.startswith("text/html") or 300 <= response.status_code < 400:
            return
        name = f"page-{len(self.names):04d}.html"
        (self.directory / name).write_bytes(response.get_data())
        self.names[name] = f"{who} {language} {url} ({response.status_code})"
        if response.status_code == 200 and endpoint:
            self.shown.add(endpoint)


def choose_language(client, home: str, language: str) -> None:
    """The footer's language menu, as a reader uses it."""
    token = csrf_token(client.get(home).text)
    chosen = client.post("/language", data={"set_language": language, "next": home, "csrf_token": token})
    assert chosen.status_code == 302, chosen.status_code


def walk_get_routes(app, pages: Pages, ids: dict) -> None:
    adapter = app.url_map.bind("localhost")
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint not in NOT_PAGES | FLOW_PAGES]
    for reader, home in READERS.items():
        who = reader or "signed out"
        client = signed_in_client(app, ids.get(reader, reader)) if reader else app.test_client()
        for language in LANGUAGES:
            choose_language(client, home, language)
            # A GET of a POST-only route is the "page not found" page (405), as is a refused one (404).
            for rule in rules:
                url = adapter.build(rule.endpoint, {name: ids[name] for name in rule.arguments})
                page = client.get(url)
                pages.add(who, language, f"GET {url}", page, rule.endpoint)
                # Its form sent empty: the page again, saying what is missing. Only a page's own form: a POST-only
                # action that shares its address with a page (a new letter) would act.
                if page.status_code == 200 and {"GET", "POST"} <= rule.methods:
                    empty = client.post(url, data={"csrf_token": csrf_token(page.text)})
                    pages.add(who, language, f"POST {url} empty", empty)
            pages.add(who, language, "GET /nowhere", client.get("/nowhere"))
            # A form sent from a page left open while the session changed: what was typed is shown.
            stale = client.post(home, data={"comment": "Wat ik typte", "csrf_token": "stale"})
            pages.add(who, language, f"POST {home} with a stale token", stale)


def walk_flows(app, pages: Pages, ids: dict) -> None:
    """The sign-in code pages; then a new letter (the team lead's) that a parent activates, in each language."""
    for language in LANGUAGES:
        for username, base, endpoint in ((ids["dutch"], "", "auth.code"), ("anouk", "/backoffice", "auth.staff_code")):
            client = app.test_client()
            choose_language(client, base + "/sign-in", language)
            token = csrf_token(client.get(base + "/sign-in").text)
            password = client.post(base + "/sign-in", data={"username": username, "password": DEMO_PASSWORD,
                                                            "csrf_token": token})
            assert password.headers["Location"] == base + "/sign-in/code", password.status_code
            pages.add("signing in", language, f"GET {base}/sign-in/code", client.get(base + "/sign-in/code"), endpoint)
    teamlead = signed_in_client(app, "teamlead")
    # A new person of the police district: the team lead's page shows their first-sign-in letter.
    people = f"/backoffice/partners/{ids['organisation_id']}/people"
    for language in LANGUAGES:
        choose_language(teamlead, "/backoffice/", language)
        token = csrf_token(teamlead.get(f"/backoffice/partners/{ids['organisation_id']}").text)
        made = teamlead.post(people, data={"name": f"Eva Smit {language}", "function": "wijkagent",
                                           "csrf_token": token})
        assert made.status_code == 303, made.status_code
        pages.add("teamlead", language, f"GET {made.headers['Location']}", teamlead.get(made.headers["Location"]),
                  "backoffice.partner_letter")
    # The walk sent every reader's empty forms from this one address: the activation below is a new visitor's.
    with app.app_context():
        limiter.reset()
    for language, username in LETTERS.items():
        parent = parent_account(app, ids[username])
        household = f"/backoffice/families/{parent.family_id}"
        letter_url = f"{household}/parents/{parent.id}/letter"
        letter = teamlead.post(letter_url, data={"csrf_token": csrf_token(teamlead.get(household).text)},
                               follow_redirects=True)
        assert letter.status_code == 200, letter.status_code
        pages.add("teamlead", language, f"POST {letter_url} (and its redirect)", letter)
        shown_username, code = (strong.get_text() for strong in soup(letter).select("article.letter strong"))
        visitor = app.test_client()
        choose_language(visitor, "/activate", language)
        token = csrf_token(visitor.get("/activate").text)
        first = visitor.post("/activate", data={"username": shown_username, "code": code, "csrf_token": token})
        assert first.status_code == 302, first.status_code
        chosen = visitor.get("/activate/password")
        pages.add("activating", language, "GET /activate/password", chosen, "auth.choose_password")
        password = {"password": "groene boot in de gracht 4", "password_again": "groene boot in de gracht 4"}
        assert visitor.post("/activate/password", data=password | {"csrf_token": csrf_token(chosen.text)}
                            ).status_code == 302
        pages.add("activating", language, "GET /activate/second-factor", visitor.get("/activate/second-factor"),
                  "auth.second_factor")


def vnu_errors(directory: Path) -> list[dict]:
    """Every error the Nu HTML Checker finds in the .html files of `directory`, in one run."""
    java = require_binary("java", JAVA_HINT)
    if not VNU_JAR.is_file():
        missing(f"{VNU_JAR} is not installed; install it with `{VNU_HINT}`.")
    checked = subprocess.run([java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json", "--exit-zero-always",
                              str(directory)], capture_output=True, text=True, timeout=180)
    return [message for message in json.loads(checked.stderr)["messages"] if message["type"] != "info"]


@pytest.fixture
def pages(team_app, tmp_path) -> Pages:
    (tmp_path / "pages").mkdir()
    collected = Pages(tmp_path / "pages")
    ids = household_ids(team_app)
    ids |= {"appointment_id": in_read_along_window(team_app, ids["family_id"]), "dutch": dutch_reader(team_app)}
    walk_get_routes(team_app, collected, ids)
    walk_flows(team_app, collected, ids)
    return collected


def test_the_nu_html_checker_finds_no_error_on_any_page(team_app, pages):
    every_page = {rule.endpoint for rule in team_app.url_map.iter_rules() if "GET" in rule.methods} - NOT_PAGES
    assert every_page - pages.shown == set(), "pages the walk did not reach"
    (pages.directory / "control.html").write_text(CONTROL, encoding="utf-8")
    errors = vnu_errors(pages.directory)
    control = [error for error in errors if Path(error["url"]).name == "control.html"]
    assert len(control) == 1 and "gisteren" in control[0]["message"], control  # the checker read the files
    described = [f"{pages.names[Path(e['url']).name]} line {e.get('lastLine')}: {e['message']}\n"
                 f"    {e.get('extract', '').strip()[:160]}" for e in errors if e not in control]
    assert not described, f"{len(described)} HTML error(s) in {len(pages.names)} pages:\n" + "\n".join(described)
