"""The `portal` command: the app's command line (portal/cli.py registers the commands on every app it builds)."""
from flask import Flask
from flask.cli import FlaskGroup

from portal import create_app


def _app(*_args, **_kwargs) -> Flask:
    return create_app()


main = FlaskGroup(create_app=_app, add_default_commands=False, help="Blijvend Veilig family portal.")
