"""The worker keeps its own schedule (issue 26, point 2): reminders, retention, sealing and verifying the audit log
run when due without cron, each by one worker only, and the team lead's home warns when one is overdue."""
import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import update
from sqlmodel import Session, select

from portal import clock
from portal import db as portal_db
from portal.models import Appointment, AuditEvent, OutboxMessage, ScheduledJob
from portal.services import audit, schedule
from support import factories
from support.pages import database, soup
from support.sign_in import signed_in_client

pytestmark = pytest.mark.both_databases


def run(app, worker: str, now: dt.datetime, engine=None) -> list[str]:
    with app.app_context():
        return schedule.run_due(app, engine or portal_db.engine(), worker, now)


def test_each_job_runs_when_due_and_not_again_before_its_interval(team_app):
    made = factories.household(team_app, ["nl"])
    now = clock.now()
    with database(team_app) as db:  # in two hours, whatever the time of day: its reminder is due now
        db.add(Appointment(family_id=made.family_id, key=f"schedule-{made.family_id}", starts_at=now + dt.timedelta(
            hours=2), with_whom="Bram de Wit", purpose="Gesprek over het plan."))
        db.commit()
    assert sorted(run(team_app, "one", now)) == sorted(schedule.JOBS)
    with database(team_app) as db:
        assert len(db.exec(select(OutboxMessage).where(OutboxMessage.dedupe_key.startswith("reminder:"))).all()) == 1
    assert run(team_app, "two", now + dt.timedelta(minutes=1)) == []
    assert run(team_app, "two", now + dt.timedelta(minutes=6)) == ["reminders"]
    assert sorted(run(team_app, "one", now + dt.timedelta(hours=1, minutes=1))) == ["audit-seal", "audit-verify",
                                                                                  "reminders"]


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)  # on SQLite one worker runs (operations.md)
def test_two_workers_at_once_run_each_job_once(team_app, database_url):
    start, ran, errors = threading.Barrier(2), [], []
    now = clock.now()

    def work(name: str) -> None:
        engine = portal_db.make_engine(database_url)  # each worker its own engine, as in its own process
        try:
            start.wait()
            ran.extend(run(team_app, name, now, engine))
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=work, args=(name,)) for name in ("one", "two")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    assert sorted(ran) == sorted(schedule.JOBS)  # every job once, by one of them


def test_the_team_lead_is_warned_until_the_worker_ran_and_when_a_job_fails(team_app):
    lead, worker = signed_in_client(team_app, "teamlead"), signed_in_client(team_app, "bram")
    overdue = soup(lead.get("/backoffice/")).select("#overdue li")
    assert len(overdue) == len(schedule.JOBS)  # never done: the worker has not run yet
    assert not soup(worker.get("/backoffice/")).select("#overdue")  # the team lead's to act on
    now = clock.now()
    run(team_app, "one", now)
    assert not soup(lead.get("/backoffice/")).select("#overdue")
    # The audit log is tampered with: the hourly check fails, says so, and is tried again later, not at every look.
    with database(team_app) as db:
        audit.append(db, action="test.event", result="ok", object="test:1", origin="192.0.2.1")
        db.commit()
    with team_app.app_context():
        audit.seal(team_app, wait=True)
    with database(team_app) as db:
        event = db.exec(select(AuditEvent).where(AuditEvent.action == "test.event")).one()
        db.exec(update(AuditEvent).where(AuditEvent.id == event.id).values(result="changed"))
        db.commit()
    later = now + dt.timedelta(hours=1, minutes=1)
    assert "audit-verify" in run(team_app, "one", later)
    with database(team_app) as db:
        checked = db.get(ScheduledJob, "audit-verify")
        assert "broken" in checked.last_error and checked.last_failure_at is not None
    assert "audit-verify" not in run(team_app, "two", later + dt.timedelta(minutes=1))
    assert "audit-verify" in run(team_app, "two", later + schedule.RETRY_AFTER + dt.timedelta(seconds=1))
    with database(team_app) as db:  # its last success is now two hours behind the clock the page reads
        db.exec(update(ScheduledJob).where(ScheduledJob.name == "audit-verify")
                .values(last_success_at=clock.now() - dt.timedelta(hours=3)))
        db.commit()
    warned = soup(lead.get("/backoffice/")).select("#overdue li")
    assert len(warned) == 1 and "·" in warned[0].text


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_worker_processes_run_each_scheduled_job_once_without_cron(team_app, database_url, tmp_path):
    env = dict(os.environ, DATABASE_URL=database_url, PORTAL_INSTANCE=team_app.instance_path,
               SECRET_KEY=team_app.config["SECRET_KEY"], PORTAL_AUDIT_KEY=team_app.config["AUDIT_KEY"])
    command = [str(Path(sys.executable).parent / "portal"), "worker", "--interval", "0.2"]
    logs = [tmp_path / f"worker-{number}.log" for number in range(2)]
    files = [log.open("w") for log in logs]
    workers = [subprocess.Popen(command, env=env, stdout=file, stderr=subprocess.STDOUT) for file in files]
    try:
        deadline = time.monotonic() + 30
        done = False
        while not done and time.monotonic() < deadline:
            time.sleep(0.2)
            with Session(team_app.extensions["engine"]) as db:
                finished = sum(1 for job in db.exec(select(ScheduledJob)) if job.last_success_at)
            # Both have started (their signal handlers are in place) and every job has run.
            done = finished == len(schedule.JOBS) and all("worker started" in log.read_text() for log in logs)
        assert done, [log.read_text() for log in logs]
        for worker in workers:
            worker.send_signal(signal.SIGTERM)
        for worker in workers:
            worker.wait(timeout=15)
    finally:
        for worker in workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait(5)
        for file in files:
            file.close()
    outputs = [log.read_text() for log in logs]
    ran = [line for output in outputs for line in output.splitlines() if line.startswith("Ran the scheduled job")]
    assert sorted(ran) == sorted(f"Ran the scheduled job {name}." for name in schedule.JOBS), outputs
    assert all(worker.returncode == 0 for worker in workers), outputs
