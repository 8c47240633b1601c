"""Calm error pages in the user's language, also when the database cannot be reached."""
from flask import Flask, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import AnonymousUserMixin, current_user
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import SecurityError

from portal.db import session as db_session
from portal.web.forms import TooLong, typed_fields


def _page(status: int, title: str, message: str):
    return render_template("error.html", title=title, message=message, status=status), status


def _from_this_site() -> bool:
    """A form of this portal: browsers name the page's origin on every POST (some older ones send none). Our pages
    send no referrer, so Chromium names the origin "null": then the browser's Sec-Fetch-Site says whether the form
    was this site's. What another site posted is never shown, so that it cannot put its words on a page of the
    portal."""
    origin = request.headers.get("Origin")
    if origin == "null":
        return request.headers.get("Sec-Fetch-Site") == "same-origin"
    return origin is None or origin == request.host_url.rstrip("/")


def init_app(app: Flask) -> None:
    @app.errorhandler(404)
    def not_found(_error):
        return _page(404, _("Page not found"), _("This page does not exist, or you cannot open it."))

    @app.errorhandler(405)
    def not_allowed(error):
        # The page exists, but not this way (an address typed or reloaded that only a button sends): say so, and
        # keep the Allow header that names the ways it does answer.
        body, status = _page(405, _("This cannot be opened this way"),
                             _("This page only works from its button. Go back and use the button on the page."))
        return body, status, [(name, value) for name, value in error.get_headers() if name == "Allow"]

    @app.errorhandler(SecurityError)
    def unknown_host(_error):
        # A Host this portal is not configured for (TRUSTED_HOSTS, from PORTAL_BASE_URL): nothing is here under that
        # name. A 400, as Flask answers it, with calm words instead of the name that was asked for.
        return render_template("unknown_host.html"), 400

    @app.errorhandler(413)
    def too_large(_error):
        return _page(413, _("Too much text"), _("What you sent is too long. Please make it shorter."))

    @app.errorhandler(429)
    def too_many(_error):
        return _page(429, _("Please wait a moment"),
                     _("There were too many attempts. Wait a few minutes and try again."))

    @app.errorhandler(CSRFError)
    def csrf_failed(_error):
        # The form's token does not match the browser's session: it lost its cookie, or signed in or out in
        # another window. Whose text this is cannot be known, so nothing is kept on the server (an expired
        # session, whose cookie is still there, passes this check and is kept by guards.roles). The page
        # shows what was typed: signed in, to send again; signed out, to copy after signing in.
        typed = typed_fields(request.form) if _from_this_site() else []
        staff = request.path.startswith("/backoffice")
        if not any(value.strip() for _name, value in typed):
            if staff:
                return redirect(url_for("auth.staff_sign_in"))
            return _page(400, _("Please try again"), _("This form was open too long or was sent twice. "
                                                       "Go back, reload the page and try again."))
        signed_in = current_user.is_authenticated
        message = (_("This form could not be sent: the page was open while you signed in again. "
                     "What you typed is below: send it again.") if signed_in else
                   _("You were signed out, so this form could not be sent. What you typed is below: "
                     "copy it, sign in again and paste it."))
        return render_template("error.html", status=400, typed=typed, resend=signed_in, title=_("Please try again"),
                               message=message, sign_in=None if signed_in else
                               url_for("auth.staff_sign_in" if staff else "auth.sign_in")), 400

    @app.errorhandler(TooLong)
    def too_long(error):
        # A view met a text longer than its field. Nothing of the request is written (not even its audit
        # events): the page shows everything typed, whole, to shorten and send again.
        db_session().rollback()
        return render_template("error.html", status=400, typed=typed_fields(request.form), resend=True,
                               title=_("Your text is too long"), message=error.message), 400

    @app.errorhandler(OperationalError)
    def database_unreachable(_error):
        # Without a database nobody can be looked up: show the page as to a visitor, in the language
        # kept in the session cookie, with what the user typed, ready to send again.
        g._login_user = AnonymousUserMixin()
        typed = typed_fields(request.form) if request.method == "POST" else []
        return render_template("error.html", status=503, typed=typed, resend=True,
                               title=_("The portal is not available right now"),
                               message=_("Nothing you typed is lost. Please try again in a few minutes. "
                                         "In danger? Call 112.")), 503

    @app.errorhandler(500)
    def server_error(_error):
        return _page(500, _("Something went wrong"),
                     _("Please try again in a few minutes. In danger? Call 112."))
