"""The audit log: who did what, when, from where and with what result; never a secret; written in
the transaction of the change it records; sealed into a keyed chain that `portal audit verify` checks
against its checkpoints and the anchor file, also with two app servers writing at once."""
import collections
import datetime as dt
import hashlib
import json
import logging
import re
import stat
import threading
import time
from pathlib import Path

import pytest
from flask import abort, url_for
from sqlalchemy import delete, func, text, update
from sqlmodel import Session, col, select

from portal import clock, create_app
from portal import db as portal_db
from portal.config import ConfigError
from portal.demo import DEMO_PASSWORD
from portal.extensions import csrf
from portal.models import Account, AuditCheckpoint, AuditEvent, Team
from portal.services import audit as audit_chain
from portal.web import audit
from portal.web.guards import public
from support import factories
from support.apps import PRODUCTION_SERVING
from support.servers import Browser, server_env, start_app_servers, stop, tail, totp_code
from support.sign_in import csrf_token, sign_in

# Dialect-specific: every test here runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_databases

SECRET_GUESS = "Geheim-Raadsel-7731-wachtwoord"


def engine(app):
    return app.extensions["engine"]


def all_events(app) -> list[AuditEvent]:
    with Session(engine(app)) as db:
        return list(db.exec(select(AuditEvent).order_by(AuditEvent.id)).all())


def account(app, username: str) -> Account:
    with Session(engine(app)) as db:
        return db.exec(select(Account).where(Account.username == username)).one()


def post_password(client, username: str, password: str, staff: bool = False, address: str = "127.0.0.1"):
    base = "/backoffice" if staff else ""
    token = csrf_token(client.get(base + "/sign-in").text)
    return client.post(base + "/sign-in", data={"username": username, "password": password, "csrf_token": token},
                       environ_base={"REMOTE_ADDR": address})


def recent(event: AuditEvent) -> bool:
    return abs(clock.now() - event.at) < dt.timedelta(minutes=2)


# --- sign-in events ----------------------------------------------------------------------------

@pytest.mark.parametrize("who, role", [("parent", "parent"), ("anouk", "worker")])
def test_a_sign_in_is_recorded_with_who_what_when_where_and_result(team_app, who, role):
    """A parent (a factory household's, who has activated their account) or Anouk, a worker."""
    username = factories.parent_who_signs_in(team_app) if who == "parent" else who
    assert all_events(team_app) == []
    sign_in(team_app.test_client(), username)
    person = account(team_app, username)
    recorded = [(e.action, e.result) for e in all_events(team_app)]
    assert recorded == [("sign_in.password", "ok"), ("sign_in.totp", "ok")]
    for event in all_events(team_app):
        assert event.actor_id == person.id
        assert event.actor_name == person.display_name
        assert event.role == role
        assert event.object == f"account:{person.id}"
        assert event.origin == "127.0.0.1"
        assert recent(event)
        assert event.family_id is None


def test_a_failed_sign_in_is_recorded(team_app):
    username = factories.parent_who_signs_in(team_app)
    assert post_password(team_app.test_client(), username, SECRET_GUESS, address="198.51.100.23").status_code == 401
    (event,) = all_events(team_app)
    parent = account(team_app, username)
    assert (event.action, event.result) == ("sign_in.password", "refused")
    assert (event.actor_id, event.actor_name, event.role) == (parent.id, parent.display_name, "parent")
    assert event.origin == "198.51.100.23"
    assert event.object == f"account:{username}"
    assert recent(event)


def test_a_sign_in_with_an_unknown_name_is_recorded_without_an_actor(team_app):
    client = team_app.test_client()
    assert post_password(client, "niemand", SECRET_GUESS, staff=True, address="198.51.100.24").status_code == 401
    (event,) = all_events(team_app)
    assert (event.action, event.result) == ("sign_in.password", "refused")
    assert (event.actor_id, event.actor_name, event.role) == (None, "", "")
    assert event.object == "account:niemand"
    assert event.origin == "198.51.100.24"
    assert recent(event)


def test_a_wrong_code_is_recorded(team_app):
    client = team_app.test_client()
    assert post_password(client, "anouk", DEMO_PASSWORD, staff=True).status_code == 302
    token = csrf_token(client.get("/backoffice/sign-in/code").text)
    assert client.post("/backoffice/sign-in/code", data={"code": "12345", "csrf_token": token}).status_code == 401
    anouk = account(team_app, "anouk")
    last = all_events(team_app)[-1]
    assert (last.action, last.result, last.actor_id, last.role) == ("sign_in.totp", "refused", anouk.id, "worker")


def test_sign_out_is_recorded(team_app):
    username = factories.parent_who_signs_in(team_app)
    client = team_app.test_client()
    sign_in(client, username)
    client.post("/sign-out", data={"csrf_token": csrf_token(client.get("/").text)})
    last = all_events(team_app)[-1]
    assert (last.action, last.result, last.actor_id) == ("sign_out", "ok", account(team_app, username).id)


# --- need-to-know: opening a file is recorded ---------------------------------------------------

def test_a_worker_opening_a_family_file_is_recorded(team_app):
    family_id = factories.household_of_anouk(team_app).family_id
    client = team_app.test_client()
    sign_in(client, "anouk")
    before = len(all_events(team_app))
    page = client.get(f"/backoffice/families/{family_id}")
    assert page.status_code == 200
    new = all_events(team_app)[before:]
    assert [(e.action, e.result, e.family_id) for e in new] == [("family.view", "ok", family_id)]
    anouk = account(team_app, "anouk")
    (event,) = new
    assert (event.actor_id, event.actor_name, event.role) == (anouk.id, anouk.display_name, "worker")
    assert event.object == f"family:{family_id}"
    assert event.origin == "127.0.0.1" and recent(event)


def test_a_worker_cannot_open_a_file_outside_their_duos_and_nothing_is_recorded_as_seen(team_app):
    family_id = factories.household_without_anouk(team_app).family_id
    client = team_app.test_client()
    sign_in(client, "anouk")
    before = len(all_events(team_app))
    assert client.get(f"/backoffice/families/{family_id}").status_code == 404
    assert [e for e in all_events(team_app)[before:] if e.action == "family.view" and e.result == "ok"] == []


def test_the_parent_sees_who_opened_the_file(team_app):
    made = factories.household_of_anouk(team_app)
    worker = team_app.test_client()
    sign_in(worker, "anouk")
    assert worker.get(f"/backoffice/families/{made.family_id}").status_code == 200
    parent = team_app.test_client()
    sign_in(parent, made.usernames[0])
    with team_app.test_request_context():
        path = url_for("family.who_viewed")
    page = parent.get(path)
    assert page.status_code == 200
    assert "Anouk Visser" in page.text


# --- no secrets in events or logs -------------------------------------------------------------

def test_no_password_or_code_ends_up_in_the_audit_log_or_the_logs(team_app, caplog, capsys):
    username = factories.parent_who_signs_in(team_app)
    client = team_app.test_client()
    caplog.set_level(logging.DEBUG)
    post_password(client, username, SECRET_GUESS)
    post_password(client, "niemand", SECRET_GUESS)
    post_password(client, "anouk", SECRET_GUESS, staff=True)
    response = sign_in(client, username)
    assert response.status_code == 302
    secrets = (SECRET_GUESS, DEMO_PASSWORD)

    events = all_events(team_app)
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
    for path in Path(team_app.instance_path).rglob("*"):
        if path.is_file():
            content = path.read_bytes()
            for secret in secrets:
                assert secret.encode() not in content, f"{path.name} holds a password"


def test_a_refused_password_is_not_sent_back_in_the_page(team_app):
    username = factories.parent_who_signs_in(team_app)
    response = post_password(team_app.test_client(), username, SECRET_GUESS)
    assert response.status_code == 401
    assert SECRET_GUESS not in response.text
    assert f'value="{username}"' in response.text  # the username is kept, so only the password is typed again


# --- the change and its event: one transaction --------------------------------------------------

def add_test_routes(app) -> None:
    """Views that change something and record it, as the portal's views do; added before any request."""

    def change(fail: str):
        db = portal_db.session()
        db.add(Team(name="Team Noord"))
        audit.record("test.change", "ok", object="team:noord")
        if fail == "before-commit":
            raise RuntimeError("the view fails after recording, before its commit")
        db.commit()  # a second Team Noord fails here: the name is unique
        return "", 204

    def refuse():
        audit.record("test.read", "refused", object="test:page")
        abort(404)

    app.add_url_rule("/test/change/<fail>", "test_change", csrf.exempt(public(change)), methods=["POST"])
    app.add_url_rule("/test/refuse", "test_refuse", public(refuse))
    app.config["PROPAGATE_EXCEPTIONS"] = False  # a failing view answers 500, as in production


def teams_named(app, name: str) -> int:
    with Session(engine(app)) as db:
        return db.exec(select(func.count()).select_from(Team).where(Team.name == name)).one()


def test_a_change_and_its_event_commit_together_or_not_at_all(app):
    add_test_routes(app)
    client = app.test_client()
    assert client.post("/test/change/no").status_code == 204
    assert teams_named(app, "Team Noord") == 1
    assert [(e.action, e.object) for e in all_events(app)] == [("test.change", "team:noord")]

    # The commit of the change fails (the name is taken): its event is not written either.
    assert client.post("/test/change/no").status_code == 500
    # The view fails before its commit: neither the change nor the event.
    assert client.post("/test/change/before-commit").status_code == 500
    assert teams_named(app, "Team Noord") == 1
    assert len(all_events(app)) == 1


def test_a_refusal_on_a_page_that_only_reads_is_written_before_the_page_is_sent(app):
    add_test_routes(app)
    response = app.test_client().get("/test/refuse")
    assert response.status_code == 404
    # The page is in our hands, its body not yet sent: the event is in the database already.
    (event,) = all_events(app)
    assert (event.action, event.result, event.seq) == ("test.read", "refused", None)
    response.close()  # the server has sent the page: the sealer runs
    (event,) = all_events(app)
    assert event.seq == 1 and event.mac


def test_a_plan_save_that_loses_a_conflict_leaves_only_the_conflict_event(team_app):
    """save() rolls back when someone saved first: the 'ok' event recorded before it goes too; the page that shows
    both texts is a look at the plan, as every page of the editor is."""
    family_id = factories.household_of_anouk(team_app).family_id
    client = team_app.test_client()
    sign_in(client, "anouk")
    path = f"/backoffice/families/{family_id}/plan"
    page = client.get(path).text
    revision = re.search(r'name="revision" value="(\d*)"', page).group(1)
    form = {"csrf_token": csrf_token(page), "revision": revision, "s1-description": "Ruzie", "s1-kind": "acute"}
    assert client.post(path, data=form).status_code == 200  # the first save of the draft
    before = len(all_events(team_app))
    assert client.post(path, data=form).status_code == 409  # the same base revision again
    assert [(e.action, e.result) for e in all_events(team_app)[before:]] == [("plan.save", "conflict"),
                                                                         ("plan.view", "ok")]


def test_a_parent_reading_their_pages_records_nothing(team_app):
    """A parent whose household has a published plan and an appointment, and whose file Anouk has opened."""
    made = factories.household_of_anouk(team_app)
    factories.published_plan(team_app, made.family_id, by="anouk")
    factories.appointment(team_app, made.family_id, by="anouk")
    worker = team_app.test_client()
    sign_in(worker, "anouk")
    assert worker.get(f"/backoffice/families/{made.family_id}").status_code == 200
    client = team_app.test_client()
    sign_in(client, made.usernames[0])
    before = len(all_events(team_app))
    for path in ("/", "/plan", "/appointments", "/who-looked"):
        assert client.get(path).status_code == 200, path
    assert len(all_events(team_app)) == before


# --- the sealed chain ----------------------------------------------------------------------------

def write_events(app, count: int, seal_each: bool = True) -> list[AuditEvent]:
    """Events as requests write them: each committed on its own, then sealed (a checkpoint each)."""
    for n in range(count):
        with Session(engine(app)) as db:
            audit_chain.append(db, action="test.event", result="ok", object=f"test:{n}", origin="192.0.2.1")
            db.commit()
        if seal_each:
            audit_chain.seal(app)
    return all_events(app)


def change(app, event: AuditEvent, **values) -> None:
    with Session(engine(app)) as db:
        db.exec(update(AuditEvent).where(AuditEvent.id == event.id).values(**values))
        db.commit()


def remove(app, *events: AuditEvent) -> None:
    with Session(engine(app)) as db:
        db.exec(delete(AuditEvent).where(col(AuditEvent.id).in_([e.id for e in events])))
        db.commit()


def verify(app, *args):
    return app.test_cli_runner().invoke(args=["audit", "verify", *args])


def named(event: AuditEvent) -> str:
    return f"Audit log broken at event {event.id} (seq {event.seq})"


def test_events_are_sealed_in_order_with_a_checkpoint_in_the_table_and_the_anchor_file(team_app):
    family_id = factories.household_of_anouk(team_app).family_id
    client = team_app.test_client()
    sign_in(client, "anouk")
    client.get(f"/backoffice/families/{family_id}").close()
    events = all_events(team_app)
    assert [e.seq for e in events] == [1, 2, 3]
    assert all(len(e.mac) == 64 for e in events)
    with Session(engine(team_app)) as db:
        checkpoint = db.exec(select(AuditCheckpoint).order_by(col(AuditCheckpoint.seq).desc())).first()
    assert (checkpoint.seq, checkpoint.mac) == (3, events[-1].mac)
    anchored = [json.loads(line) for line in Path(team_app.config["AUDIT_ANCHOR"]).read_text().splitlines()]
    assert anchored[-1] == {"checkpoint": 3, "mac": events[-1].mac, "at": checkpoint.at.isoformat(),
                            "signature": checkpoint.signature}
    assert Path(team_app.config["AUDIT_ANCHOR"]).parent == Path(team_app.instance_path)  # the default place


def test_verify_says_intact_for_an_untouched_log(team_app):
    empty = verify(team_app)
    assert empty.exit_code == 0 and "Audit log intact." in empty.output
    sign_in(team_app.test_client(), "anouk")  # its responses are not closed here: verify seals what waits
    result = verify(team_app)
    assert result.exit_code == 0, result.output
    assert "Sealed 2 events first." in result.output
    assert "Audit log intact." in result.output
    assert all(e.seq for e in all_events(team_app))


def test_verify_finds_a_changed_result_and_names_the_event(team_app):
    _first, middle, _last = write_events(team_app, 3)
    change(team_app, middle, result="refused")
    result = verify(team_app)
    assert result.exit_code == 1
    assert named(middle) in result.output and "changed" in result.output
    assert "intact" not in result.output.lower()
    report = audit_chain.verify(team_app, full=True)
    assert (report.first.event_id, report.first.seq) == (middle.id, middle.seq)


@pytest.mark.parametrize("column, value", [("actor_name", "Iemand Anders"), ("origin", "10.0.0.1"),
                                           ("object", "account:anouk"), ("role", "teamlead"), ("actor_id", 7),
                                           ("family_id", 3), ("action", "sign_out")])
def test_verify_finds_any_changed_field(team_app, column, value):
    _first, middle, _last = write_events(team_app, 3)
    change(team_app, middle, **{column: value})
    result = verify(team_app)
    assert result.exit_code == 1 and named(middle) in result.output


def test_verify_finds_a_changed_time(team_app):
    _first, middle, _last = write_events(team_app, 3)
    change(team_app, middle, at=middle.at - dt.timedelta(hours=1))
    result = verify(team_app)
    assert result.exit_code == 1 and named(middle) in result.output


def test_verify_finds_a_deleted_event_by_the_gap_it_leaves(team_app):
    _first, middle, last = write_events(team_app, 3)
    remove(team_app, middle)
    result = verify(team_app)
    assert result.exit_code == 1
    assert named(last) in result.output
    assert f"seq {middle.seq} is missing" in result.output


@pytest.mark.parametrize("verified_before", [False, True], ids=["never-verified", "verified-before"])
def test_verify_finds_a_truncated_tail(team_app, verified_before):
    events = write_events(team_app, 25)
    if verified_before:
        assert verify(team_app).exit_code == 0
    remove(team_app, *events[-20:])
    result = verify(team_app)
    assert result.exit_code == 1, result.output
    assert "Audit log broken at seq 6: the log ends at seq 5" in result.output
    assert "the newest events were deleted" in result.output
    assert verify(team_app, "--full").exit_code == 1


def test_verify_finds_a_truncated_tail_even_when_new_events_follow(team_app):
    """New events after the cut are sealed onto the shortened chain: the anchored MAC no longer matches."""
    events = write_events(team_app, 25, seal_each=False)
    audit_chain.seal(team_app)  # one checkpoint at seq 25
    remove(team_app, *events[-20:])
    write_events(team_app, 20, seal_each=False)
    result = verify(team_app)
    assert result.exit_code == 1, result.output
    assert "seq 25" in result.output


def _plain_chain(app, events: list[AuditEvent], previous: str) -> None:
    """What the old log allowed: rewrite the events and recompute an unkeyed SHA-256 chain over them."""
    with Session(engine(app)) as db:
        for event in events:
            row = db.get(AuditEvent, event.id)
            row.result = "ok"
            fields = [previous, row.seq, row.id, row.at.isoformat(), row.actor_id, row.actor_name, row.role,
                      row.action, row.object, row.family_id, row.result, row.origin]
            row.mac = previous = hashlib.sha256(json.dumps(fields).encode()).hexdigest()
            db.add(row)
        db.commit()


def test_verify_finds_a_chain_recomputed_with_plain_sha256(team_app):
    events = write_events(team_app, 5)
    _plain_chain(team_app, events[2:], events[1].mac)
    result = verify(team_app)
    assert result.exit_code == 1 and named(events[2]) in result.output


def test_verify_finds_a_chain_and_checkpoints_recomputed_with_another_key(team_app):
    """Someone who can write the database but has not got the key re-seals everything with a key of their own."""
    events = write_events(team_app, 5)
    wrong = b"someone-elses-key-" + b"z" * 32
    with Session(engine(team_app)) as db:
        previous = audit_chain.GENESIS
        for event in events:
            row = db.get(AuditEvent, event.id)
            row.result = "refused" if row.seq == 3 else row.result
            row.mac = previous = audit_chain.event_mac(wrong, previous, row)
            db.add(row)
        macs = {row.seq: row.mac for row in db.exec(select(AuditEvent))}
        for checkpoint in db.exec(select(AuditCheckpoint)):
            checkpoint.mac = macs[checkpoint.seq]
            checkpoint.signature = audit_chain.checkpoint_mac(wrong, checkpoint.seq, checkpoint.mac, checkpoint.at)
            db.add(checkpoint)
        db.commit()
    result = verify(team_app)
    assert result.exit_code == 1 and named(events[0]) in result.output


def test_verify_finds_a_deleted_checkpoint_row(team_app):
    write_events(team_app, 4)
    with Session(engine(team_app)) as db:
        db.exec(delete(AuditCheckpoint).where(AuditCheckpoint.seq == 2))
        db.commit()
    result = verify(team_app)
    assert result.exit_code == 1
    assert "the checkpoint at seq 2 was deleted from the table" in result.output


@pytest.mark.parametrize("values", [{"mac": "0" * 64}, {"at": dt.datetime(2020, 1, 1, tzinfo=dt.UTC)},
                                    {"seq": 40}], ids=["mac", "time", "seq"])
def test_verify_finds_an_altered_checkpoint_row(team_app, values):
    write_events(team_app, 4)
    with Session(engine(team_app)) as db:
        db.exec(update(AuditCheckpoint).where(AuditCheckpoint.seq == 2).values(**values))
        db.commit()
    result = verify(team_app)
    assert result.exit_code == 1, result.output
    assert "checkpoint at seq" in result.output


def test_verify_names_the_first_of_several_broken_links(team_app):
    events = write_events(team_app, 6)
    change(team_app, events[4], result="refused")
    change(team_app, events[1], origin="10.9.9.9")
    result = verify(team_app)
    assert result.exit_code == 1
    assert named(events[1]) in result.output
    assert "2 broken links in all" in result.output


def test_verify_continues_from_where_the_last_verify_ended(team_app):
    write_events(team_app, 10, seal_each=False)
    first = audit_chain.verify(team_app)
    assert (first.sealed, first.examined, first.breaks) == (10, 10, [])
    events = write_events(team_app, 5)
    again = audit_chain.verify(team_app)
    # The five new events, and the event the last verify ended at (its MAC is the anchor's).
    assert (again.start, again.end, again.examined, again.breaks) == (10, 15, 6, [])
    assert again.checkpoints == again.anchored == 5
    nothing_new = audit_chain.verify(team_app)
    assert (nothing_new.examined, nothing_new.breaks) == (1, [])

    # A change before that point is left to the full check.
    change(team_app, events[0], result="refused")
    assert verify(team_app).exit_code == 0
    full = verify(team_app, "--full")
    assert full.exit_code == 1 and named(events[0]) in full.output
    assert "Checked 15 events (seq 1 to 15)" in full.output


def test_the_sealer_skips_while_another_sealer_holds_the_lock(team_app):
    write_events(team_app, 2, seal_each=False)
    anchor = Path(team_app.config["AUDIT_ANCHOR"])
    with audit_chain._sealer_lock(engine(team_app), anchor, wait=True) as held:
        assert held is not None
        assert audit_chain.seal(team_app) is None  # without waiting
        assert [e.seq for e in all_events(team_app)] == [None, None]
    end = audit_chain.seal(team_app)
    assert (end.sealed, end.seq) == (2, 2)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
def test_an_event_committed_late_with_a_lower_id_is_sealed_later(team_app):
    """PostgreSQL hands out ids before commit: the chain follows the order of sealing, not of ids."""
    with Session(engine(team_app)) as slow, Session(engine(team_app)) as quick:
        early = audit_chain.append(slow, action="test.slow", result="ok")
        slow.flush()  # has its id, not committed
        late = audit_chain.append(quick, action="test.quick", result="ok")
        quick.commit()
        audit_chain.seal(team_app)
        slow.commit()
        assert early.id < late.id
    audit_chain.seal(team_app)
    events = {e.action: e for e in all_events(team_app)}
    assert (events["test.quick"].seq, events["test.slow"].seq) == (1, 2)
    assert verify(team_app, "--full").exit_code == 0


# --- the key and the anchor ----------------------------------------------------------------------

PRODUCTION = {"ENV": "production", "SECRET_KEY": "9f1c2e7a4b8d3f6e0a5c9b2d7e4f1a8c3b6d9e2f5a8c1b4d",
              "DATABASE_URL": "postgresql+psycopg://portal@127.0.0.1:5432/portal", **PRODUCTION_SERVING}


@pytest.fixture
def no_audit_env(monkeypatch):
    for name in ("PORTAL_AUDIT_KEY", "PORTAL_AUDIT_ANCHOR", "PORTAL_ENV"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def test_production_refuses_to_start_without_an_audit_key(no_audit_env, tmp_path):
    with pytest.raises(ConfigError, match="PORTAL_AUDIT_KEY is not set"):
        create_app({**PRODUCTION, "INSTANCE_PATH": str(tmp_path)})
    assert not (tmp_path / "audit_key").exists()


@pytest.mark.parametrize("weak", ["x" * 40, "2f7c9a1e4b8d3f6a0c5e9b2d7f4a1c8"], ids=["one-character", "31-characters"])
def test_production_refuses_a_weak_audit_key(no_audit_env, tmp_path, weak):
    no_audit_env.setenv("PORTAL_AUDIT_KEY", weak)
    with pytest.raises(ConfigError, match="PORTAL_AUDIT_KEY is too weak"):
        create_app({**PRODUCTION, "INSTANCE_PATH": str(tmp_path)})


def test_the_audit_key_and_anchor_come_from_the_environment(no_audit_env, tmp_path):
    key = "3a8f2c6e9b1d5f7a0c4e8b2d6f9a1c3e5b7d0f2a4c6e8b1d"
    no_audit_env.setenv("PORTAL_AUDIT_KEY", key)
    no_audit_env.setenv("PORTAL_AUDIT_ANCHOR", str(tmp_path / "elsewhere" / "anchor.log"))
    app = create_app({**PRODUCTION, "INSTANCE_PATH": str(tmp_path / "instance")})
    app.extensions["engine"].dispose()
    assert app.config["AUDIT_KEY"] == key
    assert app.config["AUDIT_ANCHOR"] == str(tmp_path / "elsewhere" / "anchor.log")


def test_a_local_run_makes_an_audit_key_once_in_the_instance_folder(no_audit_env, tmp_path):
    first = create_app({"INSTANCE_PATH": str(tmp_path)})
    first.extensions["engine"].dispose()
    key_file = tmp_path / "audit_key"
    assert first.config["AUDIT_KEY"] == key_file.read_text().strip()
    assert len(first.config["AUDIT_KEY"]) >= 32 and first.config["AUDIT_KEY"] != first.config["SECRET_KEY"]
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    again = create_app({"INSTANCE_PATH": str(tmp_path)})
    again.extensions["engine"].dispose()
    assert again.config["AUDIT_KEY"] == first.config["AUDIT_KEY"]
    assert first.config["AUDIT_ANCHOR"] == str(tmp_path / "audit-anchor.log")


# --- the migration -------------------------------------------------------------------------------

def _old_hash(previous: str, row) -> str:
    fields = [previous, row.at.isoformat(), row.actor_id, row.actor_name, row.role, row.action, row.object,
              row.family_id, row.result, row.origin]
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode()).hexdigest()


def test_events_from_before_the_keyed_chain_are_kept_and_sealed(database_url, make_app):
    portal_db.upgrade(database_url, "0001")
    old = portal_db.make_engine(database_url)
    try:
        with old.begin() as connection:
            previous = audit_chain.GENESIS
            for n in range(3):
                at = clock.now() - dt.timedelta(days=3 - n)
                row = collections.namedtuple("Row", "at actor_id actor_name role action object family_id result "
                                                    "origin")(at, n, f"Medewerker {n}", "worker", "family.view",
                                                             f"family:{n}", n, "ok", "127.0.0.1")
                digest = _old_hash(previous, row)
                connection.execute(text(
                    "INSERT INTO auditevent (at, actor_id, actor_name, role, action, object, family_id, result, "
                    "origin, prev_hash, hash) VALUES (:at, :actor_id, :actor_name, :role, :action, :object, "
                    ":family_id, :result, :origin, :prev_hash, :hash)"),
                    dict(row._asdict(), at=at.isoformat() if database_url.startswith("sqlite") else at,
                         prev_hash=previous, hash=digest))
                previous = digest
    finally:
        old.dispose()
    portal_db.upgrade(database_url)
    app = make_app(database_url)
    assert [e.seq for e in all_events(app)] == [None, None, None]
    report = audit_chain.verify(app)
    assert (report.sealed, report.examined, report.breaks) == (3, 3, [])
    assert [e.actor_name for e in all_events(app)] == ["Medewerker 0", "Medewerker 1", "Medewerker 2"]
    app.extensions["engine"].dispose()

    portal_db.downgrade(database_url, "0001")  # the plain chain again, intact for the old code
    back = portal_db.make_engine(database_url)
    try:
        with back.connect() as connection:
            rows = connection.execute(text("SELECT * FROM auditevent ORDER BY id")).all()
    finally:
        back.dispose()
    assert [row.prev_hash for row in rows][0] == audit_chain.GENESIS
    assert [row.prev_hash for row in rows[1:]] == [row.hash for row in rows[:-1]]


# --- two app servers writing at once -------------------------------------------------------------

SERVER_THREADS = 8
ROUNDS = 5  # per client thread: a look at a family file and a break-glass, each audited


@pytest.fixture(scope="module")
def two_servers(databases, tmp_path_factory):
    """Two gunicorn processes of eight threads each on one PostgreSQL database, sharing the audit key
    and the anchor file as every server of one portal must."""
    url = databases.create("postgresql", "team")
    shared = {"DATABASE_URL": url, "PORTAL_AUDIT_KEY": "6b1f9d3a7e2c5f8b0d4a9e1c6f3b8d2a7c5e0f9b4d1a6c8e",
              "PORTAL_AUDIT_ANCHOR": str(tmp_path_factory.mktemp("audit") / "audit-anchor.log"),
              "SECRET_KEY": "e7a1c9f3b5d2e8a4c6f0b9d1e3a7c5f2b8d4e6a0c9f1b3d5"}
    wanted = {}
    for name in ("A", "B"):
        directory = tmp_path_factory.mktemp(f"audit-server-{name}")
        wanted[name] = directory, server_env(PORTAL_ENV="local", PORTAL_INSTANCE=str(directory / "instance"), **shared)
    started = {}
    try:
        started = start_app_servers(wanted, threads=SERVER_THREADS)
        yield started, shared
    finally:
        for server in started.values():
            stop(server.process)
        databases.drop(url)


def test_two_servers_writing_at_once_lose_no_event_and_seal_every_one(two_servers, make_app):
    servers, shared = two_servers
    app = make_app(shared["DATABASE_URL"], AUDIT_KEY=shared["PORTAL_AUDIT_KEY"],
                   AUDIT_ANCHOR=shared["PORTAL_AUDIT_ANCHOR"])
    own, other = factories.household_of_anouk(app).family_id, factories.household_without_anouk(app).family_id
    signed_in = Browser(servers)
    answer = signed_in.post("A", "/backoffice/sign-in", {"username": "anouk", "password": DEMO_PASSWORD,
                                                         "csrf_token": signed_in.token("A", "/backoffice/sign-in")})
    assert answer.status == 302, (answer.status, tail(servers["A"].log))
    answer = signed_in.post("B", "/backoffice/sign-in/code", {
        "code": totp_code("anouk", app), "csrf_token": signed_in.token("B", "/backoffice/sign-in/code")})
    assert answer.status == 302, (answer.status, tail(servers["B"].log))
    token = signed_in.token("A", "/backoffice/break-glass")
    failures: list[str] = []

    def client(server: str) -> None:
        browser = Browser(servers, dict(signed_in.cookies))
        try:
            for _round in range(ROUNDS):
                page = browser.get(server, f"/backoffice/families/{own}")
                opened = browser.post(server, "/backoffice/break-glass", {
                    "family": str(other), "reason": "Melding van de politie, vannacht.", "csrf_token": token})
                if (page.status, opened.status) != (200, 302):
                    failures.append(f"{server}: {page.status} {opened.status}")
        except Exception as error:  # reported by the test, not lost in a thread
            failures.append(f"{server}: {error!r}")

    threads = [threading.Thread(target=client, args=(server,)) for server in "AB" for _ in range(SERVER_THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not failures, failures[:5]
    assert not any(thread.is_alive() for thread in threads)

    requests = 2 * SERVER_THREADS * ROUNDS
    expected = {("sign_in.password", "ok"): 1, ("sign_in.totp", "ok"): 1,
                ("family.view", "ok"): requests, ("family.break_glass", "ok"): requests}
    assert collections.Counter((e.action, e.result) for e in all_events(app)) == expected
    # Each server seals once its page is sent; the last seal may still run when the client has its answer.
    deadline = time.monotonic() + 20
    while any(e.seq is None for e in all_events(app)) and time.monotonic() < deadline:
        time.sleep(0.2)
    events = all_events(app)
    assert all(e.seq is not None for e in events), "the servers left events unsealed"
    assert sorted(e.seq for e in events) == list(range(1, len(events) + 1))
    report = audit_chain.verify(app, full=True)
    assert (report.sealed, report.examined, report.breaks) == (0, len(events), [])
    assert report.anchored == report.checkpoints > 1
