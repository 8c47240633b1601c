"""Fingerprinted static files: a content hash in the URL, so browsers may cache them forever. And a stylesheet's
text to carry inline (templates/base.html): the family pages paint after one round trip, no stylesheet to wait for."""
import hashlib
import re
from functools import cache
from pathlib import Path

from flask import Flask, request, url_for
from markupsafe import Markup

COMMENT = re.compile(r"/\*.*?\*/\n?", re.S)


def init_app(app: Flask) -> None:
    assert app.static_folder is not None  # create_app names the project's static/
    static = Path(app.static_folder)

    @cache
    def fingerprint(filename: str) -> str:
        return hashlib.sha256((static / filename).read_bytes()).hexdigest()[:12]

    def asset_url(filename: str) -> str:
        return url_for("static", filename=filename, v=fingerprint(filename))

    @cache
    def inline_style(filename: str) -> Markup:
        """The stylesheet's rules without its comments, read once, for a <style> element with the CSP nonce."""
        text = COMMENT.sub("", (static / filename).read_text(encoding="utf-8")).strip()
        if "</" in text:  # it would end its <style> element early
            raise ValueError(f"{filename} cannot be carried inline: it holds '</'")
        return Markup(text)

    app.jinja_env.globals["asset_url"] = asset_url
    app.jinja_env.globals["inline_style"] = inline_style

    @app.after_request
    def cache_fingerprinted(response):
        if request.endpoint == "static" and request.args.get("v"):
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response
