"""The Blijvend Veilig family portal: create_app builds the Flask application."""
from flask import Flask, jsonify

from portal import config as settings
from portal import db
from portal.extensions import babel, compress, csrf, htmx, limiter, login_manager
from portal.web import audit, headers, i18n, links, logs, metrics, permissions
from portal.web.forms import AppointmentKeyConverter, IdConverter
from portal.web.guards import public
from portal.web.i18n import select_locale
from portal.web.proxies import TrustedProxies


def create_app(config: dict | None = None) -> Flask:
    values = settings.load(config)
    app = Flask(__name__, instance_path=values["INSTANCE_PATH"], static_folder=str(settings.PROJECT_ROOT / "static"))
    app.config.update(values)
    app.url_map.converters["id"] = IdConverter
    app.url_map.converters["appointment_key"] = AppointmentKeyConverter
    app.config.update(
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=app.config["ENV"] == "production",
        SESSION_COOKIE_NAME="portal",
        REMEMBER_COOKIE_DURATION=0,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the session
        BABEL_DEFAULT_LOCALE="nl",
        BABEL_DEFAULT_TIMEZONE="Europe/Amsterdam",
        BABEL_TRANSLATION_DIRECTORIES=str(settings.PROJECT_ROOT / "translations"),
        COMPRESS_ALGORITHM=["br", "gzip"],
        # Brotli's quality 1: a third of quality 4's CPU per page for about a fifth more bytes (issue 23), within
        # the page weight budget (benchmarks.page_weight).
        COMPRESS_BR_LEVEL=1,
        # Python 3.11's mimetypes serves .js as text/javascript; both names, so scripts are compressed.
        COMPRESS_MIMETYPES=["text/html", "text/css", "text/javascript", "application/javascript", "text/calendar",
                            "image/svg+xml"],
        COMPRESS_MIN_SIZE=200,
        SEND_FILE_MAX_AGE_DEFAULT=31536000,
        MAX_CONTENT_LENGTH=256 * 1024,
    )
    if app.config["PROXY_COUNT"]:
        # Flask's documented way to add WSGI middleware; its type declares wsgi_app a method, hence the ignore.
        app.wsgi_app = TrustedProxies(  # type: ignore[method-assign]
            app.wsgi_app, app.config["PROXIES"], app.config["PROXY_COUNT"])
    db.init_app(app)
    audit.init_app(app)
    babel.init_app(app, locale_selector=select_locale)
    compress.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)
    limiter.init_app(app)
    login_manager.init_app(app)
    headers.init_app(app)
    logs.init_app(app)
    metrics.init_app(app)

    from portal import auth
    from portal.auth import blueprint as auth_blueprint
    from portal.backoffice import blueprint as backoffice_blueprint
    from portal.family import blueprint as family_blueprint
    from portal.partner import api as partner_api
    from portal.partner import blueprint as partner_blueprint
    from portal.web import assets, errors

    assets.init_app(app)
    auth.init_login(app)
    errors.init_app(app)
    app.register_blueprint(auth_blueprint)
    app.register_blueprint(family_blueprint)
    app.register_blueprint(backoffice_blueprint, url_prefix="/backoffice")
    app.register_blueprint(partner_blueprint, url_prefix="/partner")
    app.register_blueprint(partner_api, url_prefix="/api/v1")
    i18n.init_app(app)
    permissions.init_app(app)
    app.jinja_env.globals.update(app_name=app.config["APP_NAME"], external_url=links.external_url)

    @app.get("/manifest.webmanifest")
    @public
    def manifest():
        """The web app's name is the neutral one too: nothing on a home screen gives the portal away."""
        name = app.config["APP_NAME"]
        response = jsonify(name=name, short_name=name, start_url="/", display="browser",
                           icons=[{"src": "/static/icon.svg", "sizes": "any", "type": "image/svg+xml"}])
        response.mimetype = "application/manifest+json"
        return response

    @app.get("/healthz")
    @public
    def healthz():
        if db.is_reachable():
            return jsonify(status="ok", database="ok")
        return jsonify(status="error", database="unreachable"), 503

    from portal.cli import register

    register(app)
    return app
