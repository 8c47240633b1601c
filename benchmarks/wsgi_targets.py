"""WSGI app factories for gunicorn in benchmarks.throughput: the portal, and a minimal Flask page of the same size."""
import os

from flask import Flask, render_template
from jinja2 import DictLoader

FILLER = ("<p>Dit is een vaste tekst van dezelfde grootte als de startpagina van een gezin. "
          "Er staat niets in dat uit een database komt.</p>\n")


def portal_app() -> Flask:
    """The portal exactly as `portal demo` builds it; settings come from DATABASE_URL, PORTAL_INSTANCE, SECRET_KEY."""
    from portal import create_app

    return create_app()


def static_text(size: int) -> str:
    """An HTML page of exactly `size` bytes (ASCII), without template syntax."""
    head = "<!doctype html>\n<html lang=\"nl\"><head><meta charset=\"utf-8\"><title>Minimaal</title></head><body>\n"
    tail = "</body></html>"  # no final newline: Jinja drops it, the page must keep its size
    body_size = max(0, size - len(head) - len(tail))
    body = (FILLER * (body_size // len(FILLER) + 1))[:body_size]
    return (head + body + tail)[:size] if size >= len(head) + len(tail) else "x" * size


def minimal_app(size: int | None = None) -> Flask:
    """One route that renders a template of `size` (else BENCH_MINIMAL_BYTES) bytes of static text: the floor for a
    page that size."""
    app = Flask(__name__)
    app.jinja_loader = DictLoader({"page.html": static_text(size or int(os.environ["BENCH_MINIMAL_BYTES"]))})

    @app.get("/")
    def page():
        return render_template("page.html")

    return app
