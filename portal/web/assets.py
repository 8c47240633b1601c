"""Fingerprinted static files: a content hash in the URL, so browsers may cache them forever."""
import hashlib
from functools import cache
from pathlib import Path

from flask import Flask, request, url_for


def init_app(app: Flask) -> None:
    assert app.static_folder is not None  # create_app names the project's static/
    static = Path(app.static_folder)

    @cache
    def fingerprint(filename: str) -> str:
        return hashlib.sha256((static / filename).read_bytes()).hexdigest()[:12]

    def asset_url(filename: str) -> str:
        return url_for("static", filename=filename, v=fingerprint(filename))

    app.jinja_env.globals["asset_url"] = asset_url

    @app.after_request
    def cache_fingerprinted(response):
        if request.endpoint == "static" and request.args.get("v"):
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response
