"""Only ever redirect to a path on this site: `next=` parameters cannot send users elsewhere."""
import unicodedata
from urllib.parse import urlsplit

from flask import current_app, request
from werkzeug.exceptions import HTTPException, MethodNotAllowed


def local_target(target: str | None, fallback: str) -> str:
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return fallback
    # Browsers drop tabs and line breaks from URLs ("/\t/evil.example" is "//evil.example"), and a
    # line break cannot go into a Location header at all: a target with any control character is refused.
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in target):
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target


def shows_a_page(path: str) -> bool:
    """The address shows a page to go back to: it answers GET, or is no page at all ("not found" is shown again);
    not an address that only answers a form (POST), where a GET is "method not allowed"."""
    try:
        current_app.url_map.bind_to_environ(request.environ).match(urlsplit(path).path, method="GET")
    except MethodNotAllowed:
        return False
    except HTTPException:
        pass
    return True
