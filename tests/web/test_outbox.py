"""The transactional outbox: a change and its messages commit together, no request waits for a provider, the worker
(`portal worker`) sends each message once, only after the provider accepted it, and retries with backoff until
the last attempt, after which the team lead sees that it failed (by name and time, never the content)."""
import datetime as dt
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlmodel import Session, delete, select

from portal import clock
from portal import db as portal_db
from portal.models import Account, OutboxMessage, Parent
from portal.services import notifications
from portal.services.duo import current_duo
from support import factories
from support.pages import database, say, soup, text_of
from support.providers import SmsProvider
from support.sign_in import sign_in

pytestmark = pytest.mark.both_databases

MEHMET = "Mehmet Demir"


@pytest.fixture
def provider():
    running = SmsProvider()
    yield running
    running.close()


@pytest.fixture
def sms_app(team_app, provider):
    """The portal sending text messages through the provider, with one household: Mehmet, who reads Turkish and has
    a phone, the duo Chantal and Anouk, and a published plan. The news of that plan is taken out of the outbox
    again: every test starts with an empty one."""
    household = factories.household(team_app, ["tr"], names=(MEHMET,), contact="Chantal Pinas",
                                    partner="Anouk Visser")
    factories.published_plan(team_app, household.family_id, by="chantal")
    with database(team_app) as db:
        db.exec(delete(OutboxMessage))
        db.commit()
    team_app.config.update(NOTIFY_SENDER="sms=http-sms,email=smtp", SMS_URL=provider.url, SMS_TOKEN="t0ken")
    return team_app


def mehmet(app) -> tuple[Account, Parent]:
    with database(app) as db:
        return db.exec(select(Account, Parent).join(Parent, Parent.account_id == Account.id)
                       .where(Parent.name == MEHMET)).one()


def messages(app) -> list[OutboxMessage]:
    with database(app) as db:
        return list(db.exec(select(OutboxMessage).order_by(OutboxMessage.id)).all())


def worker_once(app) -> str:
    result = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert result.exit_code == 0, result.output
    return result.output


def test_a_publish_with_the_provider_down_succeeds_at_once_and_the_worker_sends_it_later(sms_app, provider):
    family = mehmet(sms_app)[1].family_id
    with database(sms_app) as db:
        duo = current_duo(db, family, clock.today())
        username = db.get(Account, (duo.contact or duo.partner).account_id).username
    client = sms_app.test_client()
    sign_in(client, username)
    provider.up = False
    form = plan_form(client.get(f"/backoffice/families/{family}/plan"))
    form["s1-description"] += " Dit is bijgewerkt."  # a version that changes nothing is no news to anyone
    started = time.monotonic()
    published = client.post(f"/backoffice/families/{family}/plan", data=dict(form, action="publish"))
    assert published.status_code == 302, text_of(published)
    assert time.monotonic() - started < 5
    assert provider.calls == 0  # the request never called the provider
    account, parent = mehmet(sms_app)
    waiting = messages(sms_app)
    assert [(m.account_id, m.channel, m.to, m.sent_at) for m in waiting] == [(account.id, "sms", parent.phone, None)]
    assert waiting[0].dedupe_key.startswith("version:")

    worker_once(sms_app)  # the provider is still down: the message waits for its next attempt
    failed = messages(sms_app)[0]
    assert (failed.sent_at, failed.attempts, failed.failed_at) == (None, 1, None)
    assert "503" in failed.last_error and failed.next_attempt_at > clock.now()

    provider.up = True
    with database(sms_app) as db:  # its backoff has passed
        db.get(OutboxMessage, failed.id).next_attempt_at = clock.now()
        db.commit()
    assert "Sent 1 messages" in worker_once(sms_app)
    assert provider.accepted == [{"to": parent.phone, "body": failed.body}]
    sent = messages(sms_app)[0]
    assert sent.sent_at is not None and sent.attempts == 2 and sent.last_error is None
    assert "Sent 0 messages" in worker_once(sms_app)
    assert len(provider.accepted) == 1


def plan_form(response) -> dict[str, str]:
    """What a browser sends for the plan editor as shown."""
    form = soup(response).select_one("form#plan-form")
    values = {}
    for field in form.select("input[name], textarea[name], select[name]"):
        if field.name == "textarea":
            values[field["name"]] = field.get_text()
        elif field.name == "select":
            chosen = field.select_one("option[selected]") or field.select_one("option")
            values[field["name"]] = chosen.get("value", "") if chosen else ""
        elif field.get("type") in ("checkbox", "radio"):
            if field.has_attr("checked"):
                values[field["name"]] = field.get("value", "on")
        elif field.get("type") != "submit":
            values[field["name"]] = field.get("value", "")
    return values


def test_failures_back_off_and_end_as_failed_shown_to_the_team_lead_without_content(sms_app, provider):
    provider.up = False
    account, parent = mehmet(sms_app)
    with sms_app.app_context(), Session(portal_db.engine()) as db:
        assert notifications.queue(db, account, "sms", parent.phone, "Geheim: nieuws", dedupe_key="test:1")
        assert not notifications.queue(db, account, "sms", parent.phone, "twice", dedupe_key="test:1")
        db.commit()
        now = clock.now() + dt.timedelta(seconds=1)
        for attempt, wait in enumerate(notifications.RETRY_AFTER, start=1):
            assert notifications.run_pass(db, now=now).failed == 1
            message = db.exec(select(OutboxMessage)).one()
            db.refresh(message)
            assert (message.attempts, message.failed_at, message.sent_at) == (attempt, None, None)
            assert message.next_attempt_at == now + wait
            assert notifications.run_pass(db, now=now + wait - dt.timedelta(seconds=1)).claimed == 0  # not yet
            now += wait
        assert notifications.run_pass(db, now=now).failed == 1  # the last attempt
        db.refresh(message)
        assert message.attempts == notifications.MAX_ATTEMPTS and message.failed_at == now
        assert notifications.run_pass(db, now=now + dt.timedelta(days=2)).claimed == 0  # given up
    assert provider.calls == notifications.MAX_ATTEMPTS and provider.accepted == []

    lead = sms_app.test_client()
    sign_in(lead, "teamlead")
    home = lead.get("/backoffice/")
    assert say(sms_app, "nl", "Messages that could not be sent") in text_of(home)
    listed = soup(home).select_one("#undelivered").get_text(" ")
    assert account.display_name in listed
    assert "Geheim" not in home.text and parent.phone not in home.text
    worker = sms_app.test_client()
    sign_in(worker, "bram")
    assert say(sms_app, "nl", "Messages that could not be sent") not in text_of(worker.get("/backoffice/"))


def test_a_rolled_back_change_takes_its_messages_with_it(sms_app):
    account, parent = mehmet(sms_app)
    with sms_app.app_context(), Session(portal_db.engine()) as db:
        notifications.tell_parents(db, parent.family_id, "rolled-back")
        assert messages(sms_app) == []  # in the caller's transaction, not committed on its own
        db.rollback()
    assert messages(sms_app) == []


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_two_workers_send_each_of_50_messages_exactly_once(sms_app, provider, database_url):
    provider.delay = 0.005  # the workers overlap
    account, parent = mehmet(sms_app)
    with sms_app.app_context(), Session(portal_db.engine()) as db:
        for number in range(50):
            notifications.queue(db, account, "sms", parent.phone, f"bericht {number}", dedupe_key=f"test:{number}")
        db.commit()
    start = threading.Barrier(2)
    results, errors = [], []

    def work():
        engine = portal_db.make_engine(database_url)  # each worker its own engine, as in its own process
        try:
            with sms_app.app_context(), Session(engine) as db:
                start.wait()
                results.append(notifications.drain(db, batch=5))
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            engine.dispose()

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    bodies = sorted(message["body"] for message in provider.accepted)
    assert bodies == sorted(f"bericht {number}" for number in range(50))  # each exactly once
    assert sum(result.sent for result in results) == 50 and all(result.sent for result in results)
    assert all(message.sent_at is not None and message.attempts == 1 for message in messages(sms_app))


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_the_worker_process_sends_within_seconds_and_stops_cleanly_on_sigterm(sms_app, provider, database_url):
    account, parent = mehmet(sms_app)
    env = dict(os.environ, DATABASE_URL=database_url, PORTAL_INSTANCE=sms_app.instance_path,
               SECRET_KEY=sms_app.config["SECRET_KEY"], PORTAL_AUDIT_KEY=sms_app.config["AUDIT_KEY"],
               PORTAL_NOTIFY_SENDER="sms=http-sms", PORTAL_SMS_URL=provider.url, PORTAL_SMS_TOKEN="t0ken")
    worker = subprocess.Popen([str(Path(sys.executable).parent / "portal"), "worker", "--interval", "0.2"], env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        with sms_app.app_context(), Session(portal_db.engine()) as db:
            notifications.queue(db, account, "sms", parent.phone, "Uw code: 123456", dedupe_key="test:code")
            db.commit()
        deadline = time.monotonic() + 15
        while not provider.accepted and time.monotonic() < deadline:
            time.sleep(0.05)
        assert provider.accepted == [{"to": parent.phone, "body": "Uw code: 123456"}]
        worker.send_signal(signal.SIGTERM)
        output, _ = worker.communicate(timeout=15)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0, output
    assert "Outbox worker stopped." in output


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_a_message_queued_meanwhile_by_another_transaction_is_not_doubled_and_the_change_still_commits(sms_app):
    account, parent = mehmet(sms_app)
    first_done, second = threading.Event(), {}
    with sms_app.app_context(), Session(portal_db.engine()) as first:
        assert notifications.queue(first, account, "sms", parent.phone, "nieuws", dedupe_key="test:same")
        first.flush()

        def other_request():  # the same news, from another transaction that also changes something
            with sms_app.app_context(), Session(portal_db.engine()) as db:
                db.get(Account, account.id).display_name = "Mehmet D."
                db.flush()
                second["queued"] = notifications.queue(db, account, "sms", parent.phone, "nieuws",
                                                       dedupe_key="test:same")  # waits for the first
                second["after_first"] = first_done.is_set()
                db.commit()

        thread = threading.Thread(target=other_request)
        thread.start()
        time.sleep(0.5)
        first_done.set()
        first.commit()
        thread.join(30)
    assert second == {"queued": False, "after_first": True}
    assert [m.dedupe_key for m in messages(sms_app)] == ["test:same"]
    assert mehmet(sms_app)[0].display_name == "Mehmet D."  # its change committed whole
