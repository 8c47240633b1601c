"""Helpers for web tests: a database session on the test app, page text, and texts as a user reads them."""
import html

from bs4 import BeautifulSoup
from flask_babel import force_locale, gettext
from sqlmodel import Session, select

from portal.models import Family, Parent


def database(app) -> Session:
    return Session(app.extensions["engine"], expire_on_commit=False)


def say(app, locale: str, message: str, **values) -> str:
    """An interface text as a user with this language reads it."""
    with app.test_request_context(), force_locale(locale):
        return gettext(message, **values)


def text_of(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.get_data(as_text=True), "html.parser")


def family_id(app, name: str) -> int:
    with database(app) as db:
        return db.exec(select(Family.id).where(Family.name == name)).one()


def parent_named(app, name: str) -> Parent:
    with database(app) as db:
        return db.exec(select(Parent).where(Parent.name == name)).one()


def form_values(response, form_id: str) -> dict[str, str]:
    """What a browser would send for this form as it is shown (without pressing a button)."""
    return form_fields(response.get_data(as_text=True), form_id)


def form_fields(page: str, form_id: str) -> dict[str, str]:
    """form_values of a page's HTML (the load test's locust users read pages with another client)."""
    form = BeautifulSoup(page, "html.parser").select_one(f"form#{form_id}")
    assert form is not None, form_id
    values = {}
    for field in form.select("input[name], textarea[name], select[name]"):
        name, kind = field["name"], field.get("type", "text")
        if field.name == "textarea":
            values[name] = field.get_text()
        elif field.name == "select":
            chosen = field.select_one("option[selected]") or field.select_one("option")
            values[name] = chosen.get("value", chosen.get_text()) if chosen else ""
        elif kind in ("radio", "checkbox"):
            if field.has_attr("checked"):
                values[name] = field.get("value", "on")
        else:
            values[name] = field.get("value", "")
    return values
