"""Authentication: passwords, second factors, one-time codes, sessions and the sign-in views."""
from flask import Blueprint, Flask
from flask_login import current_user

from portal.extensions import login_manager

blueprint = Blueprint("auth", __name__, template_folder="templates")


def init_login(app: Flask) -> None:
    from portal import clock
    from portal.accounts import sessions
    from portal.db import session
    from portal.web import kept

    login_manager.session_protection = None  # the server-side session row is the protection
    login_manager.login_view = "auth.sign_in"
    login_manager.blueprint_login_views = {"backoffice": "auth.staff_sign_in", "family": "auth.sign_in"}

    @app.context_processor
    def session_expiry():
        """Seconds until the idle limit, for the warning that lets the user stay signed in."""
        if not current_user.is_authenticated:
            return {}
        return {"expires_in": int((current_user.expires_at() - clock.now()).total_seconds())}

    @login_manager.user_loader
    def load_user(token: str):
        return sessions.load(session(), token)

    kept.init_app(app)  # what was typed before a session ran out comes back after signing in again


# The sign-in, activation and session pages register on the blueprint.
from portal.auth import oidc, views  # noqa: E402,F401
