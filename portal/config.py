"""Settings from environment variables, with safe defaults for a local run."""
import ipaddress
import os
import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
MIN_SECRET_KEY_LENGTH = 32
# Where `make run` and `portal demo` serve; a local run also answers to the machine's own names.
LOCAL_BASE_URL = "http://127.0.0.1:5000"
LOCAL_HOSTS = ("127.0.0.1", "localhost")


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
    instance = Path(overrides.get("INSTANCE_PATH") or env.get("PORTAL_INSTANCE", str(PROJECT_ROOT / "instance")))
    production = (overrides.get("ENV") or env.get("PORTAL_ENV", "local")) == "production"
    settings: dict[str, Any] = {  # values of any type: the overrides of tests come as they are
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
        # A child's page names the national children's helpline besides the duo and 112.
        "CHILD_HELPLINE_PHONE": env.get("PORTAL_CHILD_HELPLINE_PHONE", "0800-0432"),
        # A monitoring system's bearer token for /metrics; unset, there are no metrics to read.
        "METRICS_TOKEN": env.get("PORTAL_METRICS_TOKEN", ""),
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI", "memory://"),
        # Gunicorn's number of worker processes, which it reads from WEB_CONCURRENCY too: `-w` is not visible here.
        "WORKERS": _whole_number(env.get("WEB_CONCURRENCY"), "WEB_CONCURRENCY"),
        # Always set: the limiter would otherwise carry the last app's choice over to the next.
        "RATELIMIT_ENABLED": True,
        "RETENTION_YEARS": int(env.get("PORTAL_RETENTION_YEARS", "15")),
        # Calls of one partner system's token to the signals interface (flask-limiter's notation).
        "PARTNER_API_LIMIT": env.get("PORTAL_PARTNER_API_LIMIT", "60/minute;2000/day"),
        "NOTIFY_SENDER": env.get("PORTAL_NOTIFY_SENDER", "file"),
        "SMTP_HOST": env.get("PORTAL_SMTP_HOST", "localhost"),
        "SMTP_FROM": env.get("PORTAL_SMTP_FROM", "portaal@localhost"),
        "SMS_URL": env.get("PORTAL_SMS_URL", ""),
        "SMS_TOKEN": env.get("PORTAL_SMS_TOKEN", ""),
        # The address in letters (and their QR codes): never the Host a request names.
        "BASE_URL": env.get("PORTAL_BASE_URL", LOCAL_BASE_URL),
        # The addresses (or networks) of the reverse proxies that talk to the app (TLS terminator, load balancer):
        # only their X-Forwarded-* headers are read, PROXY_COUNT deep, so that rate limits and the audit log see
        # the client's address and nobody else can name one.
        "PROXIES": _listed(env.get("PORTAL_PROXIES", "")),
    }
    settings.update(overrides)
    if "PROXY_COUNT" not in overrides:  # one proxy when any is named (a TLS terminator in front of the app)
        settings["PROXY_COUNT"] = _whole_number(env.get("PORTAL_PROXY_COUNT", "1" if settings["PROXIES"] else "0"),
                                                "PORTAL_PROXY_COUNT")
    _require_key(settings, "SECRET_KEY", "SECRET_KEY", "the portal", instance, production)
    explicit_database = "DATABASE_URL" in env or "DATABASE_URL" in overrides
    if production and not explicit_database:
        raise ConfigError("DATABASE_URL is not set. In production the portal needs PostgreSQL.")
    _require_key(settings, "AUDIT_KEY", "PORTAL_AUDIT_KEY", "the audit log (kept outside the database)", instance,
                 production)
    explicit_base_url = "PORTAL_BASE_URL" in env or "BASE_URL" in overrides
    settings["BASE_URL"] = _base_url(settings["BASE_URL"], production, explicit_base_url)
    if "TRUSTED_HOSTS" not in overrides:
        # The base URL's host, the names given besides it (PORTAL_TRUSTED_HOSTS), and locally the machine's own.
        hosts = [urlsplit(settings["BASE_URL"]).hostname, *_listed(env.get("PORTAL_TRUSTED_HOSTS", "")),
                 *(() if production else LOCAL_HOSTS)]
        settings["TRUSTED_HOSTS"] = list(dict.fromkeys(hosts))
    _check_proxies(settings)
    if production and settings["RATELIMIT_STORAGE_URI"].startswith("memory://") and settings["WORKERS"] != 1:
        raise ConfigError("RATELIMIT_STORAGE_URI is memory://, which counts in each worker process alone: with "
                          "several, every limit is that many times as high. Use redis://host:6379/0, or run one "
                          "worker process and say so with WEB_CONCURRENCY=1 (gunicorn reads it as its number of "
                          "workers; the portal cannot see `-w`).")
    return settings


def _listed(value: str) -> list[str]:
    """A comma-separated setting's parts."""
    return [part.strip() for part in value.split(",") if part.strip()]


def _whole_number(value: str | None, variable: str) -> int | None:
    if value is None:
        return None
    if not value.strip().isdecimal():
        raise ConfigError(f"{variable} must be a whole number, not {value!r}.")
    return int(value)


def _base_url(url: str, production: bool, explicit: bool) -> str:
    """The portal's address as parents and staff type it, without a trailing slash; https in production."""
    if production and not explicit:
        raise ConfigError("PORTAL_BASE_URL is not set. In production the letters' links and QR codes need the "
                          "portal's address, e.g. https://portaal.example.nl.")
    parts = urlsplit(url.strip())
    schemes = ("https",) if production else ("http", "https")
    if parts.scheme not in schemes or not parts.hostname or parts.path not in ("", "/") or parts.query \
            or parts.fragment or parts.username or parts.password:
        raise ConfigError(f"PORTAL_BASE_URL must be the portal's address, {' or '.join(schemes)}:// and a host "
                          f"name only (e.g. https://portaal.example.nl), not {url!r}.")
    return f"{parts.scheme}://{parts.netloc}"


def _check_proxies(settings: dict) -> None:
    try:
        settings["PROXIES"] = [ipaddress.ip_network(proxy, strict=False) for proxy in settings["PROXIES"]]
    except ValueError as error:
        raise ConfigError(f"PORTAL_PROXIES holds something that is no address or network: {error}.") from None
    if settings["PROXY_COUNT"] and not settings["PROXIES"]:
        raise ConfigError("PORTAL_PROXY_COUNT is set but PORTAL_PROXIES is not: name the addresses of the proxies "
                          "in front of the app (e.g. 127.0.0.1), whose X-Forwarded-For may be trusted.")


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
