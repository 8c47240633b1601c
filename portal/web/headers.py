"""Security headers on every response, with a per-request nonce for our own scripts and inline stylesheet."""
import secrets
from urllib.parse import urlsplit

from flask import Flask, g, request

PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), "
    "interest-cohort=(), browsing-topics=()"
)


def csp_nonce() -> str:
    if "csp_nonce" not in g:
        g.csp_nonce = secrets.token_urlsafe(16)
    return g.csp_nonce


def content_security_policy(nonce: str, neutral_site: str = "") -> str:
    """Our own scripts and styles only: files of the portal, and a <script> or <style> element with this response's
    nonce (the family pages carry their stylesheet inline; no 'unsafe-inline', so no style attribute applies). Forms
    post to the portal, and the Leave quickly form's answer may lead on to the neutral site: browsers hold a form's
    redirect to form-action."""
    leave_to = urlsplit(neutral_site)
    exit_origin = f" {leave_to.scheme}://{leave_to.netloc}" if leave_to.scheme and leave_to.netloc else ""
    return (
        "default-src 'none'; "
        f"script-src 'self' 'nonce-{nonce}'; "
        f"style-src 'self' 'nonce-{nonce}'; img-src 'self' data:; connect-src 'self'; "
        f"form-action 'self'{exit_origin}; base-uri 'none'; frame-ancestors 'none'; manifest-src 'self'"
    )


def init_app(app: Flask) -> None:
    app.jinja_env.globals["csp_nonce"] = csp_nonce

    @app.after_request
    def set_security_headers(response):
        headers = response.headers
        headers["Content-Security-Policy"] = content_security_policy(csp_nonce(), app.config["NEUTRAL_SITE"])
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "no-referrer"
        headers["X-Frame-Options"] = "DENY"
        headers["Permissions-Policy"] = PERMISSIONS_POLICY
        headers["Cross-Origin-Opener-Policy"] = "same-origin"
        if app.config["ENV"] == "production":
            headers["Strict-Transport-Security"] = "max-age=63072000; includeSubDomains"
        if request.endpoint != "static" or response.status_code >= 400:
            # Nothing of a family's file may stay in a shared phone's cache; nor may a missing file.
            headers["Cache-Control"] = "no-store"
            headers.add("Vary", "HX-Request")
        return response
