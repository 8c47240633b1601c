"""Links that leave the portal's pages (a letter, its QR code) start at the configured base URL, never at the Host a
request names: whoever can send a Host header cannot put their address in a parent's letter."""
from flask import current_app, url_for


def external_url(endpoint: str, **values) -> str:
    """The full address of a page of the portal, as PORTAL_BASE_URL says it is reached."""
    return current_app.config["BASE_URL"] + url_for(endpoint, **values)
