"""The audit log: who did what, when, from where and with what result; never a secret;
and a hash chain that `portal audit verify` checks."""
import datetime as dt
import logging
from pathlib import Path

import pytest
from flask import url_for
from sqlalchemy import delete, update
from sqlmodel import Session, select

from portal import audit
from portal.demo import DEMO_PASSWORD
from portal.models import Account, AuditEvent, Parent
from portal.models.base import utcnow
from support.sign_in import csrf_token, sign_in

SECRET_GUESS = "Geheim-Raadsel-7731-wachtwoord"


def engine(app):
    return app.extensions["engine"]


def all_events(app) -> list[AuditEvent]:
    with Session(engine(app)) as db:
        return list(db.exec(select(AuditEvent).order_by(AuditEvent.id)).all())


def account(app, username: str) -> Account:
    with Session(engine(app)) as db:
        return db.exec(select(Account).where(Account.username == username)).one()


def family_of(app, parent_username: str) -> int:
    with Session(engine(app)) as db:
        return db.exec(select(Parent.family_id).join(Account, Account.id == Parent.account_id)
                       .where(Account.username == parent_username)).one()


def post_password(client, username: str, password: str, staff: bool = False, address: str = "127.0.0.1"):
    base = "/backoffice" if staff else ""
    token = csrf_token(client.get(base + "/sign-in").text)
    return client.post(base + "/sign-in", data={"username": username, "password": password, "csrf_token": token},
                       environ_base={"REMOTE_ADDR": address})


def recent(event: AuditEvent) -> bool:
    return abs(utcnow() - event.at) < dt.timedelta(minutes=2)


def verify(app):
    return app.test_cli_runner().invoke(args=["audit", "verify"])


# --- sign-in events ----------------------------------------------------------------------------

@pytest.mark.parametrize("username, role", [("ouder-sanne", "parent"), ("anouk", "worker")])
def test_a_sign_in_is_recorded_with_who_what_when_where_and_result(demo_app, demo_client, username, role):
    assert all_events(demo_app) == []
    sign_in(demo_client, username)
    person = account(demo_app, username)
    recorded = [(e.action, e.result) for e in all_events(demo_app)]
    assert recorded == [("sign_in.password", "ok"), ("sign_in.totp", "ok")]
    for event in all_events(demo_app):
        assert event.actor_id == person.id
        assert event.actor_name == person.display_name
        assert event.role == role
        assert event.object == f"account:{person.id}"
        assert event.origin == "127.0.0.1"
        assert recent(event)
        assert event.family_id is None


def test_a_failed_sign_in_is_recorded(demo_app, demo_client):
    assert post_password(demo_client, "ouder-sanne", SECRET_GUESS, address="198.51.100.23").status_code == 401
    (event,) = all_events(demo_app)
    sanne = account(demo_app, "ouder-sanne")
    assert (event.action, event.result) == ("sign_in.password", "refused")
    assert (event.actor_id, event.actor_name, event.role) == (sanne.id, sanne.display_name, "parent")
    assert event.origin == "198.51.100.23"
    assert event.object == "account:ouder-sanne"
    assert recent(event)


def test_a_sign_in_with_an_unknown_name_is_recorded_without_an_actor(demo_app, demo_client):
    assert post_password(demo_client, "niemand", SECRET_GUESS, staff=True, address="198.51.100.24").status_code == 401
    (event,) = all_events(demo_app)
    assert (event.action, event.result) == ("sign_in.password", "refused")
    assert (event.actor_id, event.actor_name, event.role) == (None, "", "")
    assert event.object == "account:niemand"
    assert event.origin == "198.51.100.24"
    assert recent(event)


def test_a_wrong_code_is_recorded(demo_app, demo_client):
    assert post_password(demo_client, "anouk", DEMO_PASSWORD, staff=True).status_code == 302
    token = csrf_token(demo_client.get("/backoffice/sign-in/code").text)
    assert demo_client.post("/backoffice/sign-in/code", data={"code": "12345", "csrf_token": token}).status_code == 401
    anouk = account(demo_app, "anouk")
    last = all_events(demo_app)[-1]
    assert (last.action, last.result, last.actor_id, last.role) == ("sign_in.totp", "refused", anouk.id, "worker")


def test_sign_out_is_recorded(demo_app, demo_client):
    sign_in(demo_client, "ouder-sanne")
    demo_client.post("/sign-out", data={"csrf_token": csrf_token(demo_client.get("/").text)})
    last = all_events(demo_app)[-1]
    assert (last.action, last.result, last.actor_id) == ("sign_out", "ok", account(demo_app, "ouder-sanne").id)


# --- need-to-know: opening a file is recorded ---------------------------------------------------

def test_a_worker_opening_a_family_file_is_recorded(demo_app, demo_client):
    family_id = family_of(demo_app, "ouder-sanne")  # Anouk is the contact person of De Boer
    sign_in(demo_client, "anouk")
    before = len(all_events(demo_app))
    page = demo_client.get(f"/backoffice/families/{family_id}")
    assert page.status_code == 200
    new = all_events(demo_app)[before:]
    assert [(e.action, e.result, e.family_id) for e in new] == [("family.view", "ok", family_id)]
    anouk = account(demo_app, "anouk")
    (event,) = new
    assert (event.actor_id, event.actor_name, event.role) == (anouk.id, anouk.display_name, "worker")
    assert event.object == f"family:{family_id}"
    assert event.origin == "127.0.0.1" and recent(event)


def test_a_worker_cannot_open_a_file_outside_their_duos_and_nothing_is_recorded_as_seen(demo_app, demo_client):
    family_id = family_of(demo_app, "ouder-olena")  # Kovalenko: Bram and Dirk, not Anouk
    sign_in(demo_client, "anouk")
    before = len(all_events(demo_app))
    assert demo_client.get(f"/backoffice/families/{family_id}").status_code == 404
    assert [e for e in all_events(demo_app)[before:] if e.action == "family.view" and e.result == "ok"] == []


def test_the_parent_sees_who_opened_the_file(demo_app, demo_client):
    family_id = family_of(demo_app, "ouder-sanne")
    worker = demo_app.test_client()
    sign_in(worker, "anouk")
    assert worker.get(f"/backoffice/families/{family_id}").status_code == 200
    sign_in(demo_client, "ouder-sanne")
    with demo_app.test_request_context():
        path = url_for("family.who_viewed")
    page = demo_client.get(path)
    assert page.status_code == 200
    assert "Anouk Visser" in page.text


# --- no secrets in events or logs -------------------------------------------------------------

def test_no_password_or_code_ends_up_in_the_audit_log_or_the_logs(demo_app, demo_client, caplog, capsys):
    caplog.set_level(logging.DEBUG)
    post_password(demo_client, "ouder-sanne", SECRET_GUESS)
    post_password(demo_client, "niemand", SECRET_GUESS)
    post_password(demo_client, "anouk", SECRET_GUESS, staff=True)
    response = sign_in(demo_client, "ouder-sanne")
    assert response.status_code == 302
    secrets = (SECRET_GUESS, DEMO_PASSWORD)

    events = all_events(demo_app)
    assert len(events) >= 5
    for event in events:
        text = " ".join(str(value) for value in event.model_dump().values())
        for secret in secrets:
            assert secret not in text, f"event {event.id} holds a password"
    logged = caplog.text + "".join(str(record.__dict__) for record in caplog.records)
    captured = capsys.readouterr()
    for secret in secrets:
        assert secret not in logged
        assert secret not in captured.out + captured.err
    for path in Path(demo_app.instance_path).rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            for secret in secrets:
                assert secret.encode() not in content, f"{path.name} holds a password"


def test_a_refused_password_is_not_sent_back_in_the_page(demo_client):
    response = post_password(demo_client, "ouder-sanne", SECRET_GUESS)
    assert response.status_code == 401
    assert SECRET_GUESS not in response.text
    assert 'value="ouder-sanne"' in response.text  # the username is kept, so only the password is typed again


# --- the hash chain ----------------------------------------------------------------------------

def make_events(app, client, count: int = 3) -> list[AuditEvent]:
    for n in range(count):
        post_password(client, f"onbekend-{n}", SECRET_GUESS)
    events = all_events(app)
    assert len(events) == count
    return events


def test_verify_says_intact_for_an_untouched_log(demo_app, demo_client):
    empty = verify(demo_app)
    assert empty.exit_code == 0 and "intact" in empty.output.lower()
    sign_in(demo_client, "anouk")
    result = verify(demo_app)
    assert result.exit_code == 0, result.output
    assert "Audit log intact." in result.output
    with Session(engine(demo_app)) as db:
        assert audit.verify(db) is None


def test_verify_finds_a_changed_result(demo_app, demo_client):
    first, middle, last = make_events(demo_app, demo_client)
    with Session(engine(demo_app)) as db:
        db.exec(update(AuditEvent).where(AuditEvent.id == middle.id).values(result="ok"))
        db.commit()
    result = verify(demo_app)
    assert result.exit_code == 1
    assert f"event {middle.id} " in result.output
    assert "intact" not in result.output.lower()
    with Session(engine(demo_app)) as db:
        assert audit.verify(db).id == middle.id


@pytest.mark.parametrize("column, value", [("actor_name", "Iemand Anders"), ("origin", "10.0.0.1"),
                                           ("object", "account:anouk"), ("role", "teamlead")])
def test_verify_finds_any_changed_field(demo_app, demo_client, column, value):
    _first, middle, _last = make_events(demo_app, demo_client)
    with Session(engine(demo_app)) as db:
        db.exec(update(AuditEvent).where(AuditEvent.id == middle.id).values(**{column: value}))
        db.commit()
    result = verify(demo_app)
    assert result.exit_code == 1 and f"event {middle.id} " in result.output


def test_verify_finds_a_changed_time(demo_app, demo_client):
    _first, middle, _last = make_events(demo_app, demo_client)
    with Session(engine(demo_app)) as db:
        db.exec(update(AuditEvent).where(AuditEvent.id == middle.id).values(at=middle.at - dt.timedelta(hours=1)))
        db.commit()
    result = verify(demo_app)
    assert result.exit_code == 1 and f"event {middle.id} " in result.output


def test_verify_reports_the_event_after_a_deleted_one(demo_app, demo_client):
    first, middle, last = make_events(demo_app, demo_client)
    with Session(engine(demo_app)) as db:
        db.exec(delete(AuditEvent).where(AuditEvent.id == middle.id))
        db.commit()
    result = verify(demo_app)
    assert result.exit_code == 1
    assert f"event {last.id} " in result.output


def test_verify_finds_a_rewritten_event_with_a_recomputed_hash(demo_app, demo_client):
    """Changing an event and its own hash still breaks the link from the next one."""
    _first, middle, last = make_events(demo_app, demo_client)
    with Session(engine(demo_app), expire_on_commit=False) as db:
        event = db.get(AuditEvent, middle.id)
        event.result = "ok"
        event.hash = audit.event_hash(event)
        db.add(event)
        db.commit()
    result = verify(demo_app)
    assert result.exit_code == 1
    assert f"event {last.id} " in result.output


def test_events_keep_chaining_after_many_writes(demo_app, demo_client):
    sign_in(demo_client, "anouk")
    family_id = family_of(demo_app, "ouder-sanne")
    for _ in range(3):
        demo_client.get(f"/backoffice/families/{family_id}")
    events = all_events(demo_app)
    assert events[0].prev_hash == audit.GENESIS
    for previous, event in zip(events, events[1:], strict=False):
        assert event.prev_hash == previous.hash
    assert verify(demo_app).exit_code == 0
