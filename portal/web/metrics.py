"""Metrics for a monitoring system, in Prometheus' text format, at /metrics behind a bearer token
(PORTAL_METRICS_TOKEN; without one the address does not exist): requests by endpoint and status with durations, the
outbox's waiting messages, their oldest age and failures, the audit sealer's lag, each scheduled job's last success.
Names of endpoints only, never a URL, household or person."""
import datetime as dt
import hmac
import os
import time

from flask import Flask, abort, current_app, g, request
from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import func
from sqlmodel import Session, col, select

from portal import clock
from portal.models import AuditEvent, OutboxMessage, ScheduledJob
from portal.web.guards import public

REQUESTS = Counter("portal_requests", "Requests answered, by endpoint, method and status.",
                   ["endpoint", "method", "status"])
DURATION = Histogram("portal_request_seconds", "Time to answer a request, by endpoint.", ["endpoint"],
                     buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0))


class StateCollector(Collector):
    """What the database says at the moment of the scrape: the outbox, the audit sealer and the schedule."""

    def __init__(self, engine):
        self.engine = engine

    def collect(self):
        now = clock.now()
        with Session(self.engine) as db:
            waiting = (col(OutboxMessage.sent_at).is_(None), col(OutboxMessage.failed_at).is_(None))
            count, oldest = db.exec(select(func.count(), func.min(OutboxMessage.created_at)).where(*waiting)).one()
            failed = db.exec(select(func.count()).where(col(OutboxMessage.failed_at).is_not(None))).one()
            unsealed, first = db.exec(select(func.count(), func.min(AuditEvent.at))
                                      .where(col(AuditEvent.seq).is_(None))).one()
            jobs = db.exec(select(ScheduledJob)).all()
        yield GaugeMetricFamily("portal_outbox_waiting", "Messages not sent yet and not given up on.", value=count)
        yield GaugeMetricFamily("portal_outbox_oldest_waiting_seconds", "Age of the oldest message waiting.",
                                value=_age(now, oldest))
        yield GaugeMetricFamily("portal_outbox_failed", "Messages given up on (shown to the team lead).",
                                value=failed)
        yield GaugeMetricFamily("portal_audit_unsealed", "Audit events not yet chained by the sealer.", value=unsealed)
        yield GaugeMetricFamily("portal_audit_sealer_lag_seconds", "Age of the oldest audit event not yet sealed.",
                                value=_age(now, first))
        success = GaugeMetricFamily("portal_scheduled_job_last_success_timestamp_seconds",
                                    "When each scheduled job last succeeded (0: never).", labels=["job"])
        for job in jobs:
            success.add_metric([job.name], job.last_success_at.timestamp() if job.last_success_at else 0)
        yield success


def _age(now: dt.datetime, since: dt.datetime | None) -> float:
    if since is None:
        return 0.0
    since = since if since.tzinfo else since.replace(tzinfo=dt.UTC)  # SQLite hands back naive UTC
    return max(0.0, (now - since).total_seconds())


def _requests_registry():
    """This process's request metrics; under gunicorn with PROMETHEUS_MULTIPROC_DIR set, every worker's."""
    if "PROMETHEUS_MULTIPROC_DIR" not in os.environ:
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


def init_app(app: Flask) -> None:
    @app.after_request
    def count_request(response):
        endpoint = request.endpoint or "unknown"
        REQUESTS.labels(endpoint, request.method, str(response.status_code)).inc()
        DURATION.labels(endpoint).observe(time.perf_counter() - g.get("started", time.perf_counter()))
        return response

    @app.get("/metrics")
    @public  # not a page of anyone's: a bearer token decides, and without a configured token it does not exist
    def metrics():
        token = current_app.config.get("METRICS_TOKEN") or ""
        given = request.headers.get("Authorization", "").removeprefix("Bearer ")
        if not token or not hmac.compare_digest(given.encode(), token.encode()):
            abort(404)
        state = CollectorRegistry()
        state.register(StateCollector(current_app.extensions["engine"]))
        body = generate_latest(_requests_registry()) + generate_latest(state)
        return body, 200, {"Content-Type": "text/plain; version=0.0.4; charset=utf-8", "Cache-Control": "no-store"}
