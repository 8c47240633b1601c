"""The settings of a portal app under test, and the compiled templates all of them share."""
from pathlib import Path

from jinja2 import BytecodeCache

TEST_SECRET_KEY = "test-" + "x" * 40
TEST_AUDIT_KEY = "test-audit-" + "y" * 40
# What a production app needs besides its keys and database: its address (https), and one worker process for the
# limits kept in memory (RATELIMIT_STORAGE_URI=memory://, as every test app has them).
PRODUCTION_SERVING = {"BASE_URL": "https://portaal.example", "WORKERS": 1}


def app_settings(database_url: str, instance: Path) -> dict:
    """What every test app gets (the `make_app`, `app` and `demo_app` fixtures); tests may override."""
    return {
        "DATABASE_URL": database_url,
        "INSTANCE_PATH": str(instance),
        "SECRET_KEY": TEST_SECRET_KEY,
        "AUDIT_KEY": TEST_AUDIT_KEY,
        "WTF_CSRF_ENABLED": True,
        "TESTING": True,
        "RATELIMIT_STORAGE_URI": "memory://",
        "BASE_URL": "http://localhost",  # where the test client sends its requests: letters link there
    }


class CompiledTemplates(BytecodeCache):
    """Templates compiled once per test process, not once per app: every test builds its own app, and compiling
    the templates again was a quarter of a signed-in test's time. Jinja checks each entry against its template's
    source, so an edited template is compiled anew."""

    def __init__(self):
        self._code: dict[str, bytes] = {}

    def load_bytecode(self, bucket) -> None:
        if bucket.key in self._code:
            bucket.bytecode_from_string(self._code[bucket.key])

    def dump_bytecode(self, bucket) -> None:
        self._code[bucket.key] = bucket.bytecode_to_string()


COMPILED_TEMPLATES = CompiledTemplates()
