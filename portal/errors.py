"""Calm error pages in the user's language, also when the database cannot be reached."""
from flask import Flask, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import AnonymousUserMixin
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError


def _page(status: int, title: str, message: str):
    return render_template("error.html", title=title, message=message, status=status), status


def init_app(app: Flask) -> None:
    @app.errorhandler(404)
    def not_found(_error):
        return _page(404, _("Page not found"), _("This page does not exist, or you cannot open it."))

    @app.errorhandler(405)
    def not_allowed(_error):
        return _page(405, _("Page not found"), _("This page does not exist, or you cannot open it."))

    @app.errorhandler(413)
    def too_large(_error):
        return _page(413, _("Too much text"), _("What you sent is too long. Please make it shorter."))

    @app.errorhandler(429)
    def too_many(_error):
        return _page(429, _("Please wait a moment"),
                     _("There were too many attempts. Wait a few minutes and try again."))

    @app.errorhandler(CSRFError)
    def csrf_failed(_error):
        # Mostly an expired session: send the user to sign in again.
        if request.path.startswith("/backoffice"):
            return redirect(url_for("auth.staff_sign_in"))
        return _page(400, _("Please try again"),
                     _("This form was open too long or was sent twice. Go back, reload the page and try again."))

    @app.errorhandler(OperationalError)
    def database_unreachable(_error):
        # Without a database nobody can be looked up: show the page as to a visitor, in the language
        # kept in the session cookie, with what the user typed, ready to send again.
        g._login_user = AnonymousUserMixin()
        typed = {k: v for k, v in request.form.items() if k != "set_language"} if request.method == "POST" else {}
        return render_template("error.html", status=503, typed=typed,
                               title=_("The portal is not available right now"),
                               message=_("Nothing you typed is lost. Please try again in a few minutes. "
                                         "In danger? Call 112.")), 503

    @app.errorhandler(500)
    def server_error(_error):
        return _page(500, _("Something went wrong"),
                     _("Please try again in a few minutes. In danger? Call 112."))
