"""Operations: a backup taken while the portal runs restores the data; retention removes old households and
sign-ins that ended."""
import datetime as dt
import json
import logging
import re

import pytest
from sqlalchemy import select as sql_select
from sqlmodel import Session, SQLModel, func, select

from portal import clock, db
from portal.models import (
    Account,
    Answer,
    AuditEvent,
    Commitment,
    Family,
    FamilyMember,
    NetworkMember,
    OneTimeCode,
    Parent,
    ParentTextRendering,
    PlanQuestion,
    PlanVersion,
    SafetyAgreement,
    SignInFlow,
    UserSession,
    Worker,
)
from portal.services import children, circle, retention
from support import factories
from support.pages import database
from support.sign_in import sign_in, signed_in_client

# Dialect-specific: every test here runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_databases


def families(app) -> int:
    with database(app) as session:
        return session.exec(select(func.count(Family.id))).one()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_backup_and_restore_bring_back_what_was_there(team_app, tmp_path):
    in_use = factories.parent_who_signs_in(team_app)
    removed = factories.household(team_app, ["uk"], contact="Bram de Wit", partner="Dirk Hoekstra")
    assert families(team_app) == 2
    runner = team_app.test_cli_runner()
    backup = tmp_path / "backup.db"
    client = team_app.test_client()
    sign_in(client, in_use)  # the portal is in use while the copy is made
    result = runner.invoke(args=["backup", str(backup)])
    assert result.exit_code == 0, result.output
    with team_app.app_context(), Session(db.engine()) as session:
        retention.remove_family(session, session.get(Family, removed.family_id))
        session.commit()
        assert session.exec(select(func.count(Family.id))).one() == 1
    team_app.extensions["engine"].dispose()
    result = runner.invoke(args=["restore", str(backup)])
    assert result.exit_code == 0, result.output
    with team_app.app_context(), Session(db.engine()) as session:
        assert session.exec(select(func.count(Family.id))).one() == 2
        assert session.exec(select(Account).where(Account.username == removed.usernames[0])).one()


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_a_damaged_backup_is_refused(team_app, tmp_path):
    for _ in range(2):
        factories.household(team_app, ["nl"])
    broken = tmp_path / "broken.db"
    broken.write_bytes(b"not a database at all" * 100)
    assert families(team_app) == 2  # the households made above
    result = team_app.test_cli_runner().invoke(args=["restore", str(broken)])
    assert result.exit_code != 0
    with team_app.app_context(), Session(db.engine()) as session:
        assert session.exec(select(func.count(Family.id))).one() == 2


def test_retention_removes_only_households_closed_long_enough_ago_and_audits_it(team_app):
    closed_long_ago = factories.household(team_app, ["uk"], contact="Bram de Wit", partner="Dirk Hoekstra")
    closed_recently = factories.household(team_app, ["pl"], contact="Anouk Visser", partner="Chantal Pinas")
    with team_app.app_context(), Session(db.engine()) as session:
        old = session.get(Family, closed_long_ago.family_id)
        recent = session.get(Family, closed_recently.family_id)
        old.closed_at = clock.now() - dt.timedelta(days=365 * 16)
        recent.closed_at = clock.now() - dt.timedelta(days=365 * 2)
        session.add_all([old, recent])
        session.commit()
        old_id, recent_id = old.id, recent.id
    runner = team_app.test_cli_runner()
    dry = runner.invoke(args=["retention", "--dry-run"])
    assert re.findall(r"Would remove household (\d+) ", dry.output) == [str(old_id)]  # not the recent one
    result = runner.invoke(args=["retention"])
    assert result.exit_code == 0, result.output
    with team_app.app_context(), Session(db.engine()) as session:
        assert session.get(Family, old_id) is None
        assert session.get(Family, recent_id) is not None
        assert session.exec(select(Account).where(Account.username == closed_long_ago.usernames[0])).first() is None
        assert session.exec(select(Parent).where(Parent.family_id == old_id)).all() == []
        event = session.exec(select(AuditEvent).where(AuditEvent.action == "family.retention")).one()
        assert event.family_id == old_id and event.result == "removed"
    assert "intact" in runner.invoke(args=["audit", "verify"]).output


def rows_naming(app, family_id: int, parent_ids: set[int], account_ids: set[int],
                member_ids: set[int] = frozenset()) -> dict[str, int]:
    """Per table and column, the rows outside the audit log that name the household, one of its parents, one of
    their accounts, or one of its members (of its circle, or its children: `member_id`)."""
    found = {}
    with app.extensions["engine"].connect() as connection:
        for table in SQLModel.metadata.sorted_tables:
            for column, ids in (("family_id", {family_id}), ("parent_id", parent_ids), ("account_id", account_ids),
                                ("member_id", member_ids)):
                if column in table.columns and table.name != "auditevent":
                    count = connection.execute(sql_select(func.count()).select_from(table)
                                               .where(table.columns[column].in_(ids))).scalar()
                    if count:
                        found[f"{table.name}.{column}"] = count
    return found


def test_retention_leaves_no_row_of_the_household_in_any_table_but_the_audit_log(team_app):
    """Every table that names a household, a parent or an account is checked, so a table added later is too."""
    # A Ukrainian household in use: a child, a published plan the parent has read and asked about, an appointment
    # with the team's Ukrainian interpreter, a session, and a question with its Dutch rendering.
    made = factories.household(team_app, ["uk"], contact="Bram de Wit", partner="Dirk Hoekstra",
                               children=("Maksym Proef",), password=True)
    (parent_id,), (username,) = made.parent_ids, made.usernames
    factories.published_plan(team_app, made.family_id)
    factories.appointment(team_app, made.family_id, interpreter="tolk-uk")
    assert signed_in_client(team_app, username).get("/plan").status_code == 200
    factories.question(team_app, username, "Kan oma op zondag komen?")
    # Its circle: a neighbour with an account who carries the agreement and answered; a child of 14 who wrote.
    with team_app.app_context(), Session(db.engine()) as session:
        key = session.exec(select(SafetyAgreement.key)).first()
    neighbour = factories.circle_member(team_app, made.family_id, carries=(key,))
    child = factories.child_with_account(team_app, made.family_id)
    with team_app.app_context(), Session(db.engine()) as session:
        member = session.get(NetworkMember, neighbour.member_id)
        carried = circle.carried_by(session, member)[0]
        circle.answer(session, member, key, carried.digest, Commitment.cannot, "Dinsdag werk ik.")
        children.write(session, session.get(FamilyMember, child.member_id), "Ik wil praten.")
        children.save_plan(session, session.get(FamilyMember, child.member_id), "Oma.", "De buren.", "appel", None)
        session.commit()
    with team_app.app_context(), Session(db.engine()) as session:
        family = session.get(Family, made.family_id)
        question = PlanQuestion(parent_id=parent_id, kind=Answer.question, text="Чи може бабуся прийти?",
                                version_id=session.exec(select(PlanVersion.id)).one())
        session.add(question)
        session.flush()
        session.add(ParentTextRendering(kind="question", text_id=question.id, family_id=family.id,
                                        parent_id=parent_id, language="uk", source_text=question.text,
                                        text="Mag oma komen?", asked_by=session.exec(select(Worker.id)).first()))
        session.commit()
        family_id, parent_ids = family.id, set(session.exec(select(Parent.id).where(Parent.family_id == family.id)))
        account_ids = {a for holder in (Parent, NetworkMember, FamilyMember)
                       for a in session.exec(select(holder.account_id).where(holder.family_id == family.id)) if a}
        member_ids = {neighbour.member_id, child.member_id}
        before = rows_naming(team_app, family_id, parent_ids, account_ids, member_ids)
        assert {"familymember.family_id", "parent.family_id", "appointment.family_id", "planquestion.parent_id",
                "parenttextrendering.family_id", "usersession.account_id", "networkmember.family_id",
                "circleanswer.member_id", "namedinagreement.member_id", "childwords.member_id",
                "childplan.member_id", "childaccountdecision.member_id"} <= set(before), before
        retention.remove_family(session, family)
        session.commit()
    assert rows_naming(team_app, family_id, parent_ids, account_ids, member_ids) == {}


def test_retention_removes_sign_ins_that_ended_and_keeps_the_ones_in_use(team_app):
    username = factories.parent_who_signs_in(team_app)
    client = team_app.test_client()
    sign_in(client, username)  # a session in use
    long_ago, now = clock.now() - dt.timedelta(days=3), clock.now()
    with team_app.app_context(), Session(db.engine()) as session:
        account = session.exec(select(Account).where(Account.username == username)).one()
        in_use = set(session.exec(select(UserSession.id)))
        session.add_all([
            UserSession(token_hash="a" * 64, account_id=account.id, generation=account.session_generation,
                        created_at=long_ago, last_seen_at=long_ago),
            SignInFlow(token_hash="b" * 64, account_id=account.id, kind="kept", step="waiting", audience="family",
                       created_at=long_ago, expires_at=now - dt.timedelta(minutes=1), path="/plan",
                       typed='[["comment", "Mag oma komen?"]]'),
            SignInFlow(token_hash="c" * 64, account_id=account.id, kind="sign_in", step="code", audience="family",
                       expires_at=now + dt.timedelta(minutes=4)),
            OneTimeCode(account_id=account.id, purpose="sms", code_hash="d", created_at=long_ago,
                        expires_at=long_ago + dt.timedelta(minutes=5)),
            # Expired, but still counted toward the limit of texts to the phone in the last hour: kept.
            OneTimeCode(account_id=account.id, purpose="sms", code_hash="e", created_at=now - dt.timedelta(minutes=10),
                        expires_at=now - dt.timedelta(minutes=5)),
        ])
        session.commit()
    runner = team_app.test_cli_runner()
    dry = runner.invoke(args=["retention", "--dry-run"])
    assert "Would remove ended sign-ins: 1 sessions, 1 sign-in steps, 1 codes." in dry.output, dry.output
    assert runner.invoke(args=["retention"]).exit_code == 0
    with team_app.app_context(), Session(db.engine()) as session:
        assert set(session.exec(select(UserSession.id))) == in_use
        left = {flow.token_hash for flow in session.exec(select(SignInFlow))}
        assert "c" * 64 in left and "b" * 64 not in left  # the typed text went with its expired step
        assert {code.code_hash for code in session.exec(select(OneTimeCode))} & {"d", "e"} == {"e"}
    assert client.get("/plan").status_code == 200  # still signed in


def test_request_logs_are_structured_and_hold_no_personal_data(team_app, caplog):
    made = factories.household(team_app, ["nl"], names=("Lotte Jansen",), password=True)
    factories.published_plan(team_app, made.family_id)
    client = team_app.test_client()
    with caplog.at_level(logging.INFO, logger="portal.requests"):
        sign_in(client, made.usernames[0])
        client.get("/plan")
    lines = [record for record in caplog.records if record.name == "portal.requests"]
    assert lines and all(record.fields["endpoint"] for record in lines)
    text = json.dumps([record.fields for record in lines])
    for personal in (made.usernames[0], "Lotte", "Jansen", made.name, "127.0.0.1", "veilig-demo"):
        assert personal not in text
