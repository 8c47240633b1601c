"""Flask extensions, created once and bound to the app in create_app."""
from flask_babel import Babel
from flask_compress import Compress
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect
from htmx_flask import Htmx


class ClosingCompress(Compress):
    """flask-compress swaps a streamed body (static files) for a compressing generator and never
    closes the original, so every br/zstd static response leaked its open file: close it too."""

    def after_request(self, response):
        original = response.response
        response = super().after_request(response)
        if response.response is not original and hasattr(original, "close"):
            response.call_on_close(original.close)
        return response


babel = Babel()
compress = ClosingCompress()
csrf = CSRFProtect()
htmx = Htmx()
login_manager = LoginManager()
# No default limits: the sign-in and code steps declare their own.
limiter = Limiter(key_func=get_remote_address, default_limits=[], headers_enabled=False)

