# The portal's image: the web server by default, `portal worker` and `portal db upgrade` with another command.
# Build stage: the locked dependencies and the compiled catalogues into /app/.venv; runtime stage: the same tree,
# run as a user without rights, on a read-only root file system (only /tmp and the audit anchor's volume written).
FROM python:3.11.14-slim-bookworm AS build
ENV UV_COMPILE_BYTECODE=1 UV_LINK_MODE=copy UV_PYTHON_DOWNLOADS=never PIP_NO_CACHE_DIR=1
RUN pip install --no-cache-dir uv==0.13.8
WORKDIR /app
COPY pyproject.toml uv.lock README.md babel.cfg ./
COPY portal ./portal
COPY migrations ./migrations
COPY translations ./translations
COPY static ./static
# Exactly the versions of uv.lock; the project itself editable, so that migrations/ and static/ stay beside it.
RUN uv sync --locked --no-cache && .venv/bin/portal translations compile

FROM python:3.11.14-slim-bookworm
RUN useradd --system --uid 10001 --no-create-home --home-dir /app portal
WORKDIR /app
COPY --from=build /app /app
ENV PATH=/app/.venv/bin:$PATH PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PORTAL_INSTANCE=/tmp/portal
USER 10001
EXPOSE 8000
# The health check asks for 127.0.0.1: list it in PORTAL_TRUSTED_HOSTS (compose.yaml does).
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status != 200)"]
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--threads", "4", "--worker-tmp-dir", "/tmp", "portal:create_app()"]
