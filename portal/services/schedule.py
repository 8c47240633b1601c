"""`portal worker`'s own schedule: which job is due, run by one worker at a time, and which is overdue."""
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from flask import Flask
from sqlalchemy import or_, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from portal import clock
from portal.models import ScheduledJob
from portal.services import audit, notifications, retention

LEASE = dt.timedelta(minutes=15)  # a worker that died while running a job lets go of it after this
RETRY_AFTER = dt.timedelta(minutes=5)  # a job that failed is tried again after this, not at every pass
OVERDUE_AFTER = 2  # a job is overdue when it has not succeeded for twice its interval
ERROR_KEPT = 500


class AuditBroken(RuntimeError):
    """`audit verify` found a broken link: the job fails, and the team lead's home says so."""


def _reminders(app: Flask, db: Session) -> None:
    notifications.queue_reminders(db, clock.now())
    db.commit()


def _retention(app: Flask, db: Session) -> None:
    retention.run(db, app.config["RETENTION_YEARS"], origin="worker")
    audit.seal(app, wait=True)


def _seal(app: Flask, _db: Session) -> None:
    audit.seal(app, wait=True)


def _verify(app: Flask, _db: Session) -> None:
    report = audit.verify(app)  # from where the last verify ended
    if report.first is not None:
        raise AuditBroken(f"audit log broken at seq {report.first.seq}: {report.first.reason}")


@dataclass(frozen=True)
class Job:
    every: dt.timedelta
    run: Callable[[Flask, Session], None]


# What cron did before: reminders every few minutes, retention daily, sealing and an incremental verify hourly.
JOBS: dict[str, Job] = {
    "reminders": Job(dt.timedelta(minutes=5), _reminders),
    "retention": Job(dt.timedelta(days=1), _retention),
    "audit-seal": Job(dt.timedelta(hours=1), _seal),
    "audit-verify": Job(dt.timedelta(hours=1), _verify),
}


def _ensure_rows(db: Session) -> None:
    known = set(db.exec(select(ScheduledJob.name)))
    for name in JOBS.keys() - known:
        try:
            with db.begin_nested():  # another worker may add it at the same moment
                db.add(ScheduledJob(name=name))
        except IntegrityError:
            pass
    db.commit()


def claim(db: Session, name: str, worker: str, now: dt.datetime) -> bool:
    """Take a due job for this worker: one conditional update, committed, so that of two workers only one gets it
    (on PostgreSQL the second update waits for the first and then finds it no longer due)."""
    every = JOBS[name].every
    claimed = db.exec(update(ScheduledJob).where(
        col(ScheduledJob.name) == name,
        or_(col(ScheduledJob.last_success_at).is_(None), col(ScheduledJob.last_success_at) <= now - every),
        or_(col(ScheduledJob.last_failure_at).is_(None), col(ScheduledJob.last_failure_at) <= now - RETRY_AFTER),
        or_(col(ScheduledJob.claimed_until).is_(None), col(ScheduledJob.claimed_until) < now),
    ).values(claimed_by=worker, claimed_until=now + LEASE, last_started_at=now))
    db.commit()
    return claimed.rowcount == 1


def _finish(db: Session, name: str, worker: str, now: dt.datetime, error: str = "") -> None:
    """Let go of the job: succeeded or failed at the time it was claimed for (`now`)."""
    values: dict[str, object] = {"claimed_until": None, "claimed_by": "", "last_error": error[:ERROR_KEPT]}
    values["last_failure_at" if error else "last_success_at"] = now
    db.exec(update(ScheduledJob).where(col(ScheduledJob.name) == name, col(ScheduledJob.claimed_by) == worker)
            .values(**values))
    db.commit()


def run_due(app: Flask, engine, worker: str, now: dt.datetime | None = None) -> list[str]:
    """Run every job that is due and that this worker could claim; the names of those it ran (failed or not)."""
    now = now or clock.now()
    ran = []
    with Session(engine) as db:
        _ensure_rows(db)
        for name, job in JOBS.items():
            if not claim(db, name, worker, now):
                continue
            ran.append(name)
            try:
                job.run(app, db)
            except Exception as error:  # noqa: BLE001 - any failure is recorded and shown, and retried next time
                db.rollback()
                app.logger.exception("scheduled job %s failed", name)
                _finish(db, name, worker, now, f"{type(error).__name__}: {error}")
            else:
                _finish(db, name, worker, now)
    return ran


@dataclass(frozen=True)
class Overdue:
    name: str
    last_success_at: dt.datetime | None
    last_error: str


def overdue(db: Session, now: dt.datetime) -> list[Overdue]:
    """The jobs that have not succeeded for twice their interval (or never): for the team lead's home."""
    rows = {row.name: row for row in db.exec(select(ScheduledJob))}
    late = []
    for name, job in JOBS.items():
        row = rows.get(name)
        success = row.last_success_at if row else None
        if success is None or success < now - OVERDUE_AFTER * job.every:
            late.append(Overdue(name, success, row.last_error if row else ""))
    return late
