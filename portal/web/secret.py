"""The app's secret key as the accounts package takes it: the web passes it in, so accounts never reads Flask."""
from flask import current_app


def code_key() -> bytes:
    """The key of the stored one-time and recovery codes (portal/accounts/secrets.py: code_hash)."""
    return current_app.config["SECRET_KEY"].encode()
