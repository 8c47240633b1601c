"""Every family page in every one of the eight languages: translated, with the right direction; a language chosen
speaks on the page it was chosen on and stays through signing in and out (not after Leave quickly)."""
import re

import pyotp
import pytest
from babel.messages.pofile import read_po
from sqlmodel import select

from portal.demo import DEMO_PASSWORD
from portal.models import Account, Parent
from portal.web.catalogues import TRANSLATIONS
from portal.web.i18n import LANGUAGES, text_direction
from support import factories
from support.pages import database, parent_named, say, soup
from support.sign_in import csrf_token, fresh_code, sign_in

PAGES = ["/", "/plan", "/appointments", "/who-looked", "/about-leave-quickly", "/password"]
# Texts every family page shows: in any language but English they must not be left in English.
ALWAYS_SHOWN = ["Leave quickly", "Home", "Appointments", "Sign out", "In danger? Call %(number)s"]
EMERGENCY_LINK = '<a class="tel" href="tel:112" dir="ltr">112</a>'


def translated(locale: str, msgid: str) -> str:
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as source:
        return read_po(source, locale=locale)[msgid].string


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_every_family_page_in_every_language(team_app):
    """A parent with a published plan and an appointment: the appointment's own page is among the pages."""
    made = factories.household(team_app, ["nl"], password=True)
    factories.published_plan(team_app, made.family_id)
    factories.appointment(team_app, made.family_id)
    client = team_app.test_client()
    sign_in(client, made.usernames[0])
    appointments = re.findall(r'href="(/appointments/appointment-[0-9a-f]{32})"', client.get("/appointments").text)
    assert len(appointments) == 1
    pages = PAGES + appointments
    for locale in LANGUAGES:
        token = csrf_token(client.get("/").text)
        client.post("/language", data={"set_language": locale, "csrf_token": token, "next": "/"})
        for path in pages:
            page = client.get(path)
            assert page.status_code == 200, (locale, path)
            direction = "rtl" if locale == "ar" else "ltr"
            assert f'<html lang="{locale}" dir="{direction}">' in page.text, (locale, path)
            for msgid in ALWAYS_SHOWN:
                expected = translated(locale, msgid) % {"number": EMERGENCY_LINK}
                assert expected in page.text.replace("&#39;", "'"), (locale, path, msgid)
                if locale != "en":
                    assert f">{msgid}<" not in page.text, (locale, path, msgid)


def test_the_language_choice_is_kept_on_the_parents_account(team_app):
    username = factories.parent_who_signs_in(team_app)
    client = team_app.test_client()
    sign_in(client, username)
    client.post("/language", data={"set_language": "uk", "csrf_token": csrf_token(client.get("/").text),
                                   "next": "/"})
    again = team_app.test_client()
    sign_in(again, username)
    assert '<html lang="uk" dir="ltr">' in again.get("/").text


def test_signed_out_visitors_get_their_browsers_language(team_app):
    page = team_app.test_client().get("/sign-in", headers={"Accept-Language": "tr-TR,tr;q=0.9,en;q=0.5"})
    assert '<html lang="tr" dir="ltr">' in page.text
    page = team_app.test_client().get("/sign-in", headers={"Accept-Language": "fr-FR"})
    assert '<html lang="nl" dir="ltr">' in page.text


def test_a_worker_who_switches_language_from_a_page_with_a_bad_return_address_lands_on_the_back_office(team_app):
    client = team_app.test_client()
    sign_in(client, "bram")
    switched = client.post("/language", data={"set_language": "en", "next": "//elsewhere.example/",
                                              "csrf_token": csrf_token(client.get("/backoffice/").text)})
    assert switched.status_code == 302 and switched.headers["Location"] == "/backoffice/"
    assert '<html lang="en" dir="ltr">' in client.get("/backoffice/").text


def test_a_page_in_one_language_can_render_a_letter_in_another(app):
    """Templates look their catalogue up once per request, yet force_locale (a letter in the parent's language,
    printed by a Dutch worker) still switches it, and switches back."""
    from flask import render_template_string
    from flask_babel import force_locale

    with app.test_request_context("/", headers={"Accept-Language": "nl"}):
        def home():
            return render_template_string('{{ _("Home") }}')

        assert home() == translated("nl", "Home")
        with force_locale("ar"):
            assert home() == translated("ar", "Home")
        assert home() == translated("nl", "Home")


# --- a language chosen applies where it was chosen, and stays through signing in and out --------------

def spoken(response) -> tuple[str, str]:
    """The page's language and direction, as its <html> element says."""
    root = soup(response).select_one("html")
    return root["lang"], root["dir"]


def switch(client, path: str, page, code: str, **typed):
    """Press a language button under a form of the page: the button sends that form to the page's own address."""
    return client.post(path, data={"set_language": code, "csrf_token": csrf_token(page.text), **typed})


def account_language(app, username: str) -> str | None:
    with database(app) as db:
        return db.exec(select(Account.language).where(Account.username == username)).one()


TYPED_NAME = "ouder-die-typt"  # a username typed into a signed-out form


@pytest.mark.parametrize("path", ["/sign-in", "/backoffice/sign-in", "/activate"])
def test_a_language_chosen_in_a_signed_out_form_speaks_on_that_very_page(team_app, path):
    client = team_app.test_client()
    page = client.get(path)
    # Chromium found: Arabic chosen, the page still in English; Polish chosen, the page in Arabic.
    for code in ("en", "ar", "pl"):
        page = switch(client, path, page, code, username=TYPED_NAME)
        assert page.status_code == 200 and spoken(page) == (code, text_direction(code)), code
        assert soup(page).select_one("nav.languages")["aria-label"] == say(team_app, code, "Language")
        assert soup(page).select_one("#username")["value"] == TYPED_NAME  # what was typed stays
        assert soup(page).select_one(f'nav.languages button[value="{code}"]')["aria-current"] == "true"
    assert spoken(client.get(path)) == ("pl", "ltr")


@pytest.mark.both_databases
@pytest.mark.parametrize("who, base, home", [("parent", "", "/"), ("anouk", "/backoffice", "/backoffice/")])
def test_a_language_chosen_while_signing_in_stays_through_every_step(team_app, who, base, home):
    """A parent (a factory household's, who has activated their account) or Anouk, a worker."""
    username = factories.parent_who_signs_in(team_app) if who == "parent" else who
    client = team_app.test_client()
    page = client.get(base + "/sign-in")
    page = switch(client, base + "/sign-in", page, "ar", username=username)
    password = client.post(base + "/sign-in", data={"username": username, "password": DEMO_PASSWORD,
                                                    "csrf_token": csrf_token(page.text)})
    code_page = client.get(password.headers["Location"])
    assert spoken(code_page) == ("ar", "rtl")
    code_page = switch(client, base + "/sign-in/code", code_page, "tr")
    assert spoken(code_page) == ("tr", "ltr")
    signed_in = client.post(base + "/sign-in/code", data={"code": fresh_code(username, team_app),
                                                          "csrf_token": csrf_token(code_page.text)})
    assert signed_in.status_code == 302 and signed_in.headers["Location"] == home
    assert spoken(client.get(home)) == ("tr", "ltr")
    assert account_language(team_app, username) == "tr"  # chosen now: the account keeps it, on every device


def new_parent_with_letter(app, language: str) -> tuple[str, str]:
    """A parent added to a household of Fatima and Youssef El Idrissi, and the letter the team lead prints for them:
    (username, code)."""
    family = factories.fatima_and_youssef(app).family_id
    with database(app) as db:
        parent = Parent(family_id=family, name="Nadia El Idrissi", language=language)
        db.add(parent)
        db.commit()
    lead = app.test_client()
    sign_in(lead, "teamlead")
    token = csrf_token(lead.get(f"/backoffice/families/{family}").text)
    letter = lead.post(f"/backoffice/families/{family}/parents/{parent.id}/letter", data={"csrf_token": token},
                       follow_redirects=True)
    username, code = (strong.get_text() for strong in soup(letter).select("article.letter strong")[:2])
    return username, code


@pytest.mark.both_databases
def test_a_language_chosen_while_activating_stays_through_every_step(team_app):
    username, code = new_parent_with_letter(team_app, "nl")
    client = team_app.test_client()
    page = switch(client, "/activate", client.get("/activate"), "uk", username=username)
    activated = client.post("/activate", data={"username": username, "code": code,
                                               "csrf_token": csrf_token(page.text)})
    assert activated.status_code == 302
    password_page = client.get(activated.headers["Location"])
    assert spoken(password_page) == ("uk", "ltr")  # it was Dutch: the code step dropped the choice
    password_page = switch(client, "/activate/password", password_page, "ar")
    assert spoken(password_page) == ("ar", "rtl")
    chosen = client.post("/activate/password", data={"password": "paarse fiets op het dak",
                                                     "password_again": "paarse fiets op het dak",
                                                     "csrf_token": csrf_token(password_page.text)})
    factor_page = client.get(chosen.headers["Location"])
    assert spoken(factor_page) == ("ar", "rtl")
    factor_page = switch(client, "/activate/second-factor", factor_page, "so")
    assert spoken(factor_page) == ("so", "ltr")
    with database(team_app) as db:
        secret = db.exec(select(Account.totp_secret).where(Account.username == username)).one()
    done = client.post("/activate/second-factor", data={"method": "app", "code": pyotp.TOTP(secret).now(),
                                                        "csrf_token": csrf_token(factor_page.text)})
    assert done.status_code == 302 and done.headers["Location"] == "/"
    assert spoken(client.get("/")) == ("so", "ltr")
    assert account_language(team_app, username) == "so"


@pytest.mark.both_databases
def test_signing_out_keeps_the_language_for_the_sign_in_page_and_nobody_else(team_app):
    """Two parents of two households share a phone: one reads Dutch, the next one Ukrainian."""
    first, next_one = factories.parent_who_signs_in(team_app, "nl"), factories.parent_who_signs_in(team_app, "uk")
    client = team_app.test_client()
    sign_in(client, first)
    client.post("/language", data={"set_language": "ar", "next": "/", "csrf_token": csrf_token(client.get("/").text)})
    signed_out = client.post("/sign-out", data={"csrf_token": csrf_token(client.get("/").text)})
    assert spoken(client.get(signed_out.headers["Location"])) == ("ar", "rtl")
    # The next person on this phone signs in: their own language, not the one the page was left in.
    sign_in(client, next_one)
    assert spoken(client.get("/")) == ("uk", "ltr")
    assert account_language(team_app, next_one) == "uk"


def test_leave_quickly_leaves_no_language_behind(team_app):
    client = team_app.test_client()
    sign_in(client, factories.parent_who_signs_in(team_app))
    client.post("/language", data={"set_language": "ar", "next": "/", "csrf_token": csrf_token(client.get("/").text)})
    left = client.post("/quick-exit")
    assert left.status_code == 303 and "cookies" in left.headers["Clear-Site-Data"]
    assert client.get_cookie("portal") is None
    assert spoken(client.get("/sign-in")) == ("nl", "ltr")  # the browser's own language, nothing of Arabic


def test_the_letter_is_in_the_parents_language_and_the_back_office_in_the_staff_members(team_app):
    family = factories.fatima_and_youssef(team_app).family_id
    fatima = parent_named(team_app, "Fatima El Idrissi")
    lead = team_app.test_client()
    sign_in(lead, "teamlead")
    lead.post("/language", data={"set_language": "en", "next": "/backoffice/",
                                 "csrf_token": csrf_token(lead.get("/backoffice/").text)})
    token = csrf_token(lead.get(f"/backoffice/families/{family}").text)
    letter = lead.post(f"/backoffice/families/{family}/parents/{fatima.id}/letter", data={"csrf_token": token},
                       follow_redirects=True)
    assert letter.status_code == 200 and spoken(letter) == ("en", "ltr")
    page = soup(letter)
    article = page.select_one("article.letter")
    assert (article["lang"], article["dir"]) == ("ar", "rtl")
    assert say(team_app, "ar", "Activation code") in article.get_text()
    outside = page.select_one("nav.languages")["aria-label"], page.select_one("p.no-print").get_text()
    assert outside == (say(team_app, "en", "Language"), say(team_app, "en", "Back to the family file"))
    assert spoken(lead.get("/backoffice/")) == ("en", "ltr")


def test_a_language_chosen_on_a_page_with_a_query_keeps_its_query(team_app):
    """The plan printed with the family name (?print-name=1): the button sends the answer form back to that address."""
    made = factories.household(team_app, ["nl"], password=True)
    factories.published_plan(team_app, made.family_id)
    client = team_app.test_client()
    sign_in(client, made.usernames[0])
    page = client.get("/plan?print-name=1")
    name = soup(page).select_one("p.print-only").get_text()
    assert name == made.name
    button = soup(page).select_one('nav.languages button[value="tr"]')
    switched = client.post(button["formaction"], data={"set_language": "tr", "csrf_token": csrf_token(page.text)})
    assert spoken(switched) == ("tr", "ltr")
    assert soup(switched).select_one("p.print-only").get_text() == name


def test_a_language_chosen_on_a_page_that_only_answers_a_form_lands_on_a_page(team_app):
    """The recovery codes are shown once, in answer to a form: a language chosen there cannot bring them back, so it
    opens the back office home in that language (the address itself would answer "method not allowed")."""
    client = team_app.test_client()
    sign_in(client, "anouk")
    codes = client.post("/backoffice/recovery-codes", data={"csrf_token": csrf_token(client.get("/backoffice/").text)})
    form = soup(codes).select_one("form#language-form")
    chosen = client.post(form["action"], data={"set_language": "ar", "next": form.select_one('[name="next"]')["value"],
                                               "csrf_token": csrf_token(codes.text)})
    assert chosen.status_code == 302 and chosen.headers["Location"] == "/backoffice/"
    assert spoken(client.get(chosen.headers["Location"])) == ("ar", "rtl")


def test_a_language_chosen_on_the_parents_sign_in_page_does_not_go_to_a_staff_account(team_app):
    """A worker shows a parent the sign-in page in Arabic on the worker's laptop, then signs in to the back office:
    the back office stays in the worker's language, on this laptop and on every other."""
    client = team_app.test_client()
    switch(client, "/sign-in", client.get("/sign-in"), "ar")
    sign_in(client, "anouk")
    assert spoken(client.get("/backoffice/")) == ("nl", "ltr")
    assert account_language(team_app, "anouk") == "nl"


def test_a_language_chosen_on_a_page_not_found_shows_that_page_again(team_app):
    client = team_app.test_client()
    missing = client.get("/no-such-page?x=1")
    assert missing.status_code == 404
    form = soup(missing).select_one("form#language-form")
    chosen = client.post(form["action"], data={"set_language": "so", "next": form.select_one('[name="next"]')["value"],
                                               "csrf_token": csrf_token(missing.text)})
    assert chosen.headers["Location"] == "/no-such-page?x=1"
    again = client.get(chosen.headers["Location"])
    assert again.status_code == 404 and spoken(again) == ("so", "ltr")
