"""Settings from environment variables, with safe defaults for a local run."""
import os
import secrets
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MIN_SECRET_KEY_LENGTH = 32


class ConfigError(RuntimeError):
    """The portal refuses to start with an unsafe or incomplete configuration."""


def _local_key(instance: Path, name: str) -> str:
    """Generate once and keep the key in instance/ so local sessions (and the audit chain) survive restarts."""
    path = instance / name
    if not path.exists():
        instance.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def load(overrides: dict | None = None) -> dict:
    """Build the settings: environment first, then explicit overrides (tests)."""
    env = os.environ
    overrides = dict(overrides or {})
    instance = Path(overrides.get("INSTANCE_PATH") or env.get("PORTAL_INSTANCE", PROJECT_ROOT / "instance"))
    production = (overrides.get("ENV") or env.get("PORTAL_ENV", "local")) == "production"
    settings = {
        "ENV": "production" if production else "local",
        "INSTANCE_PATH": str(instance),
        "DATABASE_URL": env.get("DATABASE_URL", f"sqlite:///{instance / 'portal.db'}"),
        "SECRET_KEY": env.get("SECRET_KEY"),
        # The audit chain's key lives outside the database: whoever can write the database cannot
        # recompute the chain. The anchor file keeps its checkpoints outside the table.
        "AUDIT_KEY": env.get("PORTAL_AUDIT_KEY"),
        "AUDIT_ANCHOR": env.get("PORTAL_AUDIT_ANCHOR", str(instance / "audit-anchor.log")),
        "APP_NAME": env.get("PORTAL_APP_NAME", "Mijn Portaal"),
        "NEUTRAL_SITE": env.get("PORTAL_NEUTRAL_SITE", "https://www.buienradar.nl"),
        "OUT_OF_HOURS_NAME": env.get("PORTAL_OUT_OF_HOURS_NAME", "Veilig Thuis"),
        "OUT_OF_HOURS_PHONE": env.get("PORTAL_OUT_OF_HOURS_PHONE", "0800-2000"),
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        # Always set: the limiter would otherwise carry the last app's choice over to the next.
        "RATELIMIT_ENABLED": True,
        "RETENTION_YEARS": int(env.get("PORTAL_RETENTION_YEARS", "15")),
        "NOTIFY_SENDER": env.get("PORTAL_NOTIFY_SENDER", "file"),
        "SMTP_HOST": env.get("PORTAL_SMTP_HOST", "localhost"),
        "SMTP_FROM": env.get("PORTAL_SMTP_FROM", "portaal@localhost"),
        "SMS_URL": env.get("PORTAL_SMS_URL", ""),
        "SMS_TOKEN": env.get("PORTAL_SMS_TOKEN", ""),
        # Reverse proxies in front of the app (TLS terminator, load balancer): their X-Forwarded-*
        # headers are trusted, so rate limits and the audit log see the real client address.
        "PROXY_COUNT": int(env.get("PORTAL_PROXY_COUNT", "0")),
    }
    settings.update(overrides)
    _require_key(settings, "SECRET_KEY", "SECRET_KEY", "the portal", instance, production)
    explicit_database = "DATABASE_URL" in env or "DATABASE_URL" in overrides
    if production and not explicit_database:
        raise ConfigError("DATABASE_URL is not set. In production the portal needs PostgreSQL.")
    _require_key(settings, "AUDIT_KEY", "PORTAL_AUDIT_KEY", "the audit log (kept outside the database)", instance,
                 production)
    return settings


def _require_key(settings: dict, setting: str, variable: str, user: str, instance: Path, production: bool) -> None:
    """A random key: generated into the instance folder locally; in production given, and strong."""
    if not settings[setting]:
        if production:
            raise ConfigError(f"{variable} is not set. In production {user} needs its own random key "
                              "of at least 32 characters.")
        settings[setting] = _local_key(instance, setting.lower())
    if production and _weak(settings[setting]):
        raise ConfigError(f"{variable} is too weak. Use at least 32 random characters, e.g. from "
                          "`python -c 'import secrets; print(secrets.token_hex(32))'`.")


def _weak(key: str) -> bool:
    return len(key) < MIN_SECRET_KEY_LENGTH or len(set(key)) < 10
