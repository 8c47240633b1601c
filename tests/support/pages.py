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
