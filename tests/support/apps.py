"""The settings of a portal app under test."""
from pathlib import Path

TEST_SECRET_KEY = "test-" + "x" * 40
TEST_AUDIT_KEY = "test-audit-" + "y" * 40


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
    }
