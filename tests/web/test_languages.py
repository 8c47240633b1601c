"""Every family page in every one of the eight languages: translated, with the right direction."""
import re

import pytest
from babel.messages.pofile import read_po

from portal.web.catalogues import TRANSLATIONS
from portal.web.i18n import LANGUAGES
from support.sign_in import csrf_token, sign_in

PAGES = ["/", "/plan", "/appointments", "/who-looked", "/about-leave-quickly", "/password"]
# Texts every family page shows: in any language but English they must not be left in English.
ALWAYS_SHOWN = ["Leave quickly", "Home", "Appointments", "Sign out", "In danger? Call %(number)s"]
EMERGENCY_LINK = '<a class="tel" href="tel:112" dir="ltr">112</a>'


def translated(locale: str, msgid: str) -> str:
    with (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").open("rb") as source:
        return read_po(source, locale=locale)[msgid].string


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_every_family_page_in_every_language(demo_app):
    client = demo_app.test_client()
    sign_in(client, "ouder-sanne")
    pages = PAGES + re.findall(r'href="(/appointments/appointment-[0-9a-f]{32})"', client.get("/appointments").text)[:1]
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


def test_the_language_choice_is_kept_on_the_parents_account(demo_app):
    client = demo_app.test_client()
    sign_in(client, "ouder-sanne")
    client.post("/language", data={"set_language": "uk", "csrf_token": csrf_token(client.get("/").text),
                                   "next": "/"})
    again = demo_app.test_client()
    sign_in(again, "ouder-sanne")
    assert '<html lang="uk" dir="ltr">' in again.get("/").text


def test_signed_out_visitors_get_their_browsers_language(demo_app):
    page = demo_app.test_client().get("/sign-in", headers={"Accept-Language": "tr-TR,tr;q=0.9,en;q=0.5"})
    assert '<html lang="tr" dir="ltr">' in page.text
    page = demo_app.test_client().get("/sign-in", headers={"Accept-Language": "fr-FR"})
    assert '<html lang="nl" dir="ltr">' in page.text


def test_a_worker_who_switches_language_from_a_page_with_a_bad_return_address_lands_on_the_back_office(demo_app):
    client = demo_app.test_client()
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
