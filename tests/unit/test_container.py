"""The container image and the compose file (issue 26, point 3): the Dockerfile passes hadolint, runs as a user
without rights with a health check, and the compose file's services run the web server, the worker and the
migration read-only as that user, with a configuration the portal accepts in production."""
import os
import subprocess
import sys
from pathlib import Path

import yaml

from portal import create_app
from portal.config import PROJECT_ROOT

DOCKERFILE = PROJECT_ROOT / "Dockerfile"
COMPOSE = PROJECT_ROOT / "compose.yaml"
HADOLINT = Path(sys.executable).parent / "hadolint"


def test_the_dockerfile_passes_hadolint():
    linted = subprocess.run([str(HADOLINT), "--failure-threshold", "info", str(DOCKERFILE)], capture_output=True,
                            text=True, timeout=60)
    assert linted.returncode == 0, linted.stdout + linted.stderr


def test_the_image_runs_as_a_user_without_rights_with_a_health_check():
    lines = [line.strip() for line in DOCKERFILE.read_text().splitlines()]
    runtime = lines[max(i for i, line in enumerate(lines) if line.startswith("FROM ")):]
    user = next(line for line in runtime if line.startswith("USER "))
    assert user.split()[1].isdecimal() and user.split()[1] != "0"
    assert any(line.startswith("HEALTHCHECK ") for line in runtime)
    assert any(line.startswith("CMD ") and "gunicorn" in line for line in runtime)
    assert all(":latest" not in line for line in lines if line.startswith("FROM "))
    assert any("uv sync --locked" in line for line in lines)  # exactly uv.lock's versions


def _compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def test_compose_runs_web_worker_and_migration_read_only_beside_postgresql_and_redis():
    services = _compose()["services"]
    assert set(services) == {"postgres", "redis", "migrate", "web", "worker"}
    for name in ("migrate", "web", "worker"):
        service = services[name]
        assert service["read_only"] is True and service["user"] == "10001" and "/tmp" in service["tmpfs"]
        assert service["environment"]["DATABASE_URL"].startswith("postgresql+psycopg://")
        assert service["environment"]["RATELIMIT_STORAGE_URI"].startswith("redis://")
    assert services["worker"]["command"] == ["portal", "worker"]
    assert services["migrate"]["command"] == ["portal", "db", "upgrade"]
    assert services["web"]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    assert ":?" in services["web"]["environment"]["SECRET_KEY"]  # no key is baked in


def test_the_compose_configuration_is_one_the_portal_accepts_in_production(tmp_path, monkeypatch):
    environment = _compose()["services"]["web"]["environment"]
    given = {"SECRET_KEY": os.urandom(32).hex(), "PORTAL_AUDIT_KEY": os.urandom(32).hex(),
             "PORTAL_BASE_URL": "https://portaal.example.nl"}
    for name, value in environment.items():
        monkeypatch.setenv(name, given.get(name, str(value)))
    # The database and the anchor of this test, not the compose network's; everything else as compose sets it.
    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path}/portal.db")
    monkeypatch.setenv("PORTAL_AUDIT_ANCHOR", str(tmp_path / "anchor.log"))
    monkeypatch.setenv("PORTAL_INSTANCE", str(tmp_path / "instance"))
    app = create_app()
    health = app.test_client().get("http://127.0.0.1:8000/healthz")  # as the image's health check asks
    assert health.status_code == 200 and health.json["status"] == "ok"
