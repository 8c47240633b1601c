"""Structured request logs (JSON lines) without personal data: no names, addresses, ids or IPs."""
import json
import logging
import time

from flask import Flask, g, request

log = logging.getLogger("portal.requests")


class JsonLines(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        fields = {"at": self.formatTime(record, "%Y-%m-%dT%H:%M:%S"), "level": record.levelname,
                  "event": record.getMessage()}
        fields.update(getattr(record, "fields", {}))
        return json.dumps(fields)


def init_app(app: Flask) -> None:
    if not log.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(JsonLines())
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False

    @app.before_request
    def start_timer():
        g.started = time.perf_counter()

    @app.after_request
    def log_request(response):
        # The endpoint name, not the URL: URLs carry household and appointment numbers.
        log.info("request", extra={"fields": {
            "method": request.method, "endpoint": request.endpoint or "unknown", "status": response.status_code,
            "ms": round((time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 1)}})
        return response
