"""Authentication: passwords, second factors, one-time codes, sessions and the sign-in views."""
from flask import Flask

from portal.extensions import login_manager


def init_login(app: Flask) -> None:
    from portal.auth import sessions
    from portal.db import session

    login_manager.session_protection = None  # the server-side session row is the protection
    login_manager.login_view = "auth.sign_in"
    login_manager.blueprint_login_views = {"backoffice": "auth.staff_sign_in", "family": "auth.sign_in"}

    @login_manager.user_loader
    def load_user(token: str):
        return sessions.load(session(), token)
