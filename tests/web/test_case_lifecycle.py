"""The life of a case in the back office: intake with members and duo, letters that name the contact person,
staff accounts of a team, members kept by the duo, closing and reopening a case, and who may do which."""
import datetime as dt

import pyotp
import pytest
from sqlalchemy import update
from sqlmodel import delete, select

from portal import clock
from portal.demo import DEMO_PASSWORD
from portal.models import (
    Account,
    Appointment,
    AuditEvent,
    CaseClosure,
    DuoAssignment,
    DuoRole,
    Family,
    FamilyMember,
    Interpreter,
    InterpreterTeam,
    OutboxMessage,
    Parent,
    Role,
    Team,
    Worker,
    WorkingHours,
)
from portal.policy import can
from portal.rules.actions import Action
from portal.rules.audience import only_for
from portal.services import notifications
from portal.services.duo import call_now, current_duo
from support import factories
from support.pages import database, parent_named, say, soup, text_of
from support.rows import every_row
from support.sign_in import csrf_token, sign_in

# Sign-in, sessions and stored state: every test here runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_databases

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
SAFE_PLACE_STREET = "Kastanjehof"
SAFE_PLACE = f"Opvanglocatie, {SAFE_PLACE_STREET} 7 (geheim adres)"
PLAN_AGREEMENT = ("Youssef merkt dat hij boos wordt. Hij gaat dan naar buiten. "
                  "Fatima en Youssef gaan samen naar de budgetcoach.")
SOME_FIELDS = "Some fields need your attention. Nothing is saved yet; what you typed is kept."


# --- helpers -----------------------------------------------------------------------------------

def workers(app) -> dict[str, int]:
    """Worker ids of the demo staff by username."""
    with database(app) as db:
        rows = db.exec(select(Worker, Account).join(Account, Account.id == Worker.account_id))
        return {account.username: worker.id for worker, account in rows}


def account_id(app, username: str) -> int:
    with database(app) as db:
        return db.exec(select(Account.id).where(Account.username == username)).one()


def last_event(app) -> int:
    with database(app) as db:
        return db.exec(select(AuditEvent.id).order_by(AuditEvent.id.desc())).first() or 0


def events_since(app, since: int) -> list[tuple]:
    with database(app) as db:
        return [(e.action, e.result, e.object, e.family_id) for e in db.exec(
            select(AuditEvent).where(AuditEvent.id > since).order_by(AuditEvent.id))]


def changes_since(app, since: int) -> list[tuple]:
    """The events since, but the reads (the page a form is on records that it was shown)."""
    return [event for event in events_since(app, since) if not event[0].endswith(".view")]


def post_form(client, page: str, data: dict, action: str | None = None, follow: bool = False):
    """Open a page and send a form of it (to `action`, or back to the page) with the page's CSRF token; `follow`: land
    where the answer sends the browser (a letter is shown on its own address)."""
    token = csrf_token(client.get(page).text)
    return client.post(action or page, data=dict(data, csrf_token=token), follow_redirects=follow)


def print_letter(client, family: int, parent_id: int):
    """Ask for a parent's letter on its own page, confirm, and land on the letter."""
    letter = f"/backoffice/families/{family}/parents/{parent_id}/letter"
    return client.post(letter, data={"csrf_token": csrf_token(client.get(f"{letter}/new").text)},
                       follow_redirects=True)


def whom_to_call(app, family: int):
    """Whom "who do I call now" names for the household at this moment (a contact person away: the partner)."""
    now = clock.local_now()
    with database(app) as db:
        return call_now(db, current_duo(db, family, now.date()), now, app.config["OUT_OF_HOURS_NAME"],
                        app.config["OUT_OF_HOURS_PHONE"])[0]


def intake(ids: dict[str, int], **extra) -> dict[str, str]:
    """A household of two parents and a child, with Chantal as contact person and Dirk as partner."""
    return {"name": "Gezin Jansen", "interpreter_needed": "1", "parents_kept_apart": "1",
            "parent-count": "2", "parent-0-name": "Ingrid Jansen", "parent-0-language": "nl",
            "parent-0-phone": "06 11112222", "parent-1-name": "Kerem Yilmaz", "parent-1-language": "tr",
            "parent-1-phone": "", "child-count": "1", "child-0-name": "Lotte Jansen", "child-0-birth_year": "2016",
            "other-count": "1", "other-0-name": "", "other-0-relation": "",
            "contact": str(ids["chantal"]), "partner": str(ids["dirk"])} | extra


def start_jansen(app, client) -> int:
    response = post_form(client, "/backoffice/households/new", intake(workers(app)))
    assert response.status_code == 302, text_of(response)[:2000]
    with database(app) as db:
        return db.exec(select(Family.id).where(Family.name == "Gezin Jansen")).one()


def sign_in_staff(client, username: str, password: str, code: str | None = None):
    """The password step, then the code step when a code is given; returns the last response."""
    token = csrf_token(client.get("/backoffice/sign-in").text)
    first = client.post("/backoffice/sign-in", data={"username": username, "password": password,
                                                      "csrf_token": token})
    if code is None or first.status_code != 302:
        return first
    token = csrf_token(client.get(first.headers["Location"]).text)
    return client.post("/backoffice/sign-in/code", data={"code": code, "csrf_token": token})


# --- intake, duo and letters -------------------------------------------------------------------

def test_a_team_lead_starts_a_household_and_its_letters_name_the_contact_person(team_app):
    lead = team_app.test_client()
    sign_in(lead, "teamlead")
    ids = workers(team_app)
    form = lead.get("/backoffice/households/new")
    assert form.status_code == 200
    options = {o["value"] for o in soup(form).select("select#contact option") if o["value"]}
    assert options == {str(ids[name]) for name in ("anouk", "bram", "chantal", "dirk")}  # workers, not the lead

    since = last_event(team_app)
    family = start_jansen(team_app, lead)
    with database(team_app) as db:
        household = db.get(Family, family)
        assert household.parents_kept_apart and household.interpreter_needed and household.closed_at is None
        parents = db.exec(select(Parent).where(Parent.family_id == family).order_by(Parent.id)).all()
        assert [(p.name, p.language, p.phone) for p in parents] == [
            ("Ingrid Jansen", "nl", "06 11112222"), ("Kerem Yilmaz", "tr", None)]
        children = db.exec(select(FamilyMember).where(FamilyMember.family_id == family)).all()
        assert [(c.name, c.birth_year, c.is_child, c.relation) for c in children] == [
            ("Lotte Jansen", 2016, True, "kind")]
        duo = {(a.worker_id, a.role, a.end) for a in db.exec(select(DuoAssignment).where(
            DuoAssignment.family_id == family))}
        assert duo == {(ids["chantal"], DuoRole.contact, None), (ids["dirk"], DuoRole.partner, None)}
    assert events_since(team_app, since) == [("family.create", "ok", f"family:{family}", family)]

    file = lead.get(f"/backoffice/families/{family}")
    marker = soup(file).select_one("#kept-apart")
    assert marker is not None and say(team_app, "nl", "Parents are kept apart") in marker.get_text()

    # The team lead prints Ingrid's letter: it names whom to call as "who do I call now" does, not the team lead;
    # Chantal, the contact person, is away this week (the demo), so not her either.
    letter = print_letter(lead, family, parents[0].id)
    assert letter.status_code == 200
    text = soup(letter).select_one("article.letter").get_text()
    call = whom_to_call(team_app, family)
    assert say(team_app, "nl", "Questions? Call %(name)s:", name=call.name) in text
    assert call.phone in text and "Marieke Smit" not in text and "Chantal Pinas" not in text

    # Ten days on, the team lead makes Anouk the contact person: the file keeps the history, letters name her.
    today = clock.today()
    with database(team_app) as db:
        db.exec(update(DuoAssignment).where(DuoAssignment.family_id == family)
                .values(start=today - dt.timedelta(days=10)))
        db.commit()
    changed = post_form(lead, f"/backoffice/families/{family}",
                        {"worker": str(ids["anouk"]), "role": "contact", "start": today.isoformat()},
                        f"/backoffice/families/{family}/duo")
    assert changed.status_code == 302
    with database(team_app) as db:
        history = db.exec(select(DuoAssignment).where(DuoAssignment.family_id == family,
                                                      DuoAssignment.role == DuoRole.contact)
                          .order_by(DuoAssignment.id)).all()
        assert [(a.worker_id, a.end) for a in history] == [
            (ids["chantal"], today - dt.timedelta(days=1)), (ids["anouk"], None)]
    chantal = team_app.test_client()
    sign_in(chantal, "chantal")
    assert chantal.get(f"/backoffice/families/{family}").status_code == 404  # no longer in the duo
    dirk = team_app.test_client()
    sign_in(dirk, "dirk")  # the duo partner prints Kerem's letter, in Turkish: whom to call with Anouk as contact
    letter = print_letter(dirk, family, parents[1].id)
    text = soup(letter).select_one("article.letter").get_text()
    call = whom_to_call(team_app, family)
    assert call.name != "Chantal Pinas"
    assert say(team_app, "tr", "Questions? Call %(name)s:", name=call.name) in text and call.phone in text
    history = soup(lead.get(f"/backoffice/families/{family}")).select_one("#duo table").get_text()
    assert "Chantal Pinas" in history and "Anouk Visser" in history and "Dirk Hoekstra" in history


def test_a_letter_needs_a_contact_person(team_app):
    family = factories.fatima_and_youssef(team_app).family_id  # Bram and Anouk their duo
    fatima = parent_named(team_app, "Fatima El Idrissi")
    with database(team_app) as db:
        db.exec(update(DuoAssignment).where(DuoAssignment.family_id == family, DuoAssignment.role == DuoRole.contact)
                .values(end=clock.today() - dt.timedelta(days=1)))
        db.commit()
    anouk = team_app.test_client()
    sign_in(anouk, "anouk")
    before = every_row(team_app)
    response = post_form(anouk, f"/backoffice/families/{family}", {},
                         f"/backoffice/families/{family}/parents/{fatima.id}/letter")
    assert response.status_code == 302 and response.headers["Location"].endswith("#duo")
    assert every_row(team_app) == before
    assert say(team_app, "nl", "Choose a contact person first: the letter tells the parent whom to call.") in \
        text_of(anouk.get(response.headers["Location"]))


@SQLITE_ONLY
def test_the_intake_form_keeps_what_was_typed_and_shows_each_error_at_its_field(team_app):
    lead = team_app.test_client()
    sign_in(lead, "teamlead")
    ids = workers(team_app)
    # "Add a parent" shows one more row and keeps everything typed; nothing is saved.
    before = every_row(team_app)
    more = post_form(lead, "/backoffice/households/new", intake(ids, add="parent"))
    assert more.status_code == 200
    page = soup(more)
    assert page.select_one("#parent-2-name") is not None and page.select_one("#parent-3-name") is None
    assert page.select_one("#parent-1-name")["value"] == "Kerem Yilmaz"
    assert page.select_one("#parent-1-language option[selected]")["value"] == "tr"
    assert every_row(team_app) == before

    wrong = intake(ids, **{"parent-0-phone": "bel me", "child-0-birth_year": "tweeduizend",
                           "other-0-name": "Oma Jansen", "partner": str(ids["chantal"]), "name": ""})
    since = last_event(team_app)
    response = post_form(lead, "/backoffice/households/new", wrong)
    assert response.status_code == 400
    page = soup(response)
    expected = {
        "parent-0-phone": "Type a phone number, e.g. 06 12345678.",
        "child-0-birth_year": "Type the year of birth, e.g. 2016.",
        "other-0-relation": "Write how this person belongs to the household, e.g. grandmother.",
        "partner": "Choose a duo partner other than the contact person.",
        "name": "Give the household a name, e.g. Gezin Jansen.",
    }
    for field, message in expected.items():
        error = page.select_one(f"#{field}-error")
        assert error is not None and error.get_text() == say(team_app, "nl", message), field
    assert say(team_app, "nl", SOME_FIELDS) in text_of(response)
    for field in ("parent-0-phone", "parent-1-name", "child-0-name", "child-0-birth_year", "other-0-name"):
        assert page.select_one(f"#{field}")["value"] == wrong[field], field
    assert page.select_one("#parents_kept_apart").has_attr("checked")
    assert page.select_one("#partner option[selected]")["value"] == str(ids["chantal"])
    assert every_row(team_app) == before and events_since(team_app, since) == []

    # Switching the language keeps the typed text too; the errors then come in the new language.
    english = post_form(lead, "/backoffice/households/new", dict(wrong, set_language="en"))
    assert english.status_code == 200 and soup(english).select_one("#child-0-name")["value"] == "Lotte Jansen"
    again = post_form(lead, "/backoffice/households/new", wrong)
    assert soup(again).select_one("#name-error").get_text() == say(team_app, "en", expected["name"])


@SQLITE_ONLY
def test_a_huge_member_count_costs_no_more_than_the_cap(team_app):
    lead = team_app.test_client()
    sign_in(lead, "teamlead")
    token = csrf_token(lead.get("/backoffice/households/new").text)
    for count in ("99999999999999999999", "-3", "1e9", "٣", "20", "21"):
        response = lead.post("/backoffice/households/new", data={
            "csrf_token": token, "parent-count": count, "child-count": count, "other-count": count, "add": "child"})
        assert response.status_code == 200, count
        page = soup(response)
        for kind in ("parent", "child", "other"):
            assert len(page.select(f"input[name^={kind}-][name$=-name]")) <= 20, (count, kind)


# --- who may --------------------------------------------------------------------------------------

@SQLITE_ONLY
def test_a_worker_cannot_start_households_manage_staff_or_close_a_case(team_app):
    family = factories.fatima_and_youssef(team_app).family_id  # Bram and Anouk their duo
    bram = team_app.test_client()
    sign_in(bram, "bram")  # in the El Idrissi duo
    token = csrf_token(bram.get(f"/backoffice/families/{family}").text)
    anouk = account_id(team_app, "anouk")
    before = every_row(team_app)
    for url in ("/backoffice/households/new", "/backoffice/staff", "/backoffice/staff/new",
                f"/backoffice/staff/{anouk}", f"/backoffice/families/{family}/case"):
        assert bram.get(url).status_code == 404, url
    for url, data in (("/backoffice/households/new", intake(workers(team_app))),
                      ("/backoffice/staff/new", {"name": "Evi Jansen", "organisation": "Veilig Thuis",
                                                 "phone": "06 12345678"}),
                      (f"/backoffice/staff/{anouk}/active", {"active": "off"}),
                      (f"/backoffice/staff/{anouk}/letter", {}),
                      (f"/backoffice/families/{family}/case", {"reason": "Het gaat goed, we sluiten af.",
                                                               "closed_on": clock.today().isoformat()})):
        assert bram.post(url, data=dict(data, csrf_token=token)).status_code == 404, url
    assert every_row(team_app) == before
    assert say(team_app, "nl", "Start a household") not in text_of(bram.get("/backoffice/"))
    assert say(team_app, "nl", "Close the case") not in text_of(bram.get(f"/backoffice/families/{family}"))


@SQLITE_ONLY
def test_a_team_lead_of_another_team_cannot_see_or_change_them(team_app):
    other = factories.other_team(team_app)
    username, secret = other.lead, other.secret
    family = factories.fatima_and_youssef(team_app).family_id  # Bram and Anouk their duo
    other = team_app.test_client()
    assert sign_in_staff(other, username, DEMO_PASSWORD, pyotp.TOTP(secret).now()).status_code == 302
    token = csrf_token(other.get("/backoffice/").text)
    anouk, tolk = account_id(team_app, "anouk"), account_id(team_app, "tolk-ar")
    before, since = every_row(team_app), last_event(team_app)
    for url in (f"/backoffice/families/{family}", f"/backoffice/families/{family}/members",
                f"/backoffice/families/{family}/case", f"/backoffice/staff/{anouk}", f"/backoffice/staff/{tolk}",
                f"/backoffice/staff/{tolk}/letter/new", f"/backoffice/staff/{tolk}/letter"):
        assert other.get(url).status_code == 404, url
    for url, data in ((f"/backoffice/families/{family}/case", {"reason": "Afgesloten door een ander team.",
                                                               "closed_on": clock.today().isoformat()}),
                      (f"/backoffice/families/{family}/members", {"name": "Gezin X", "parent-0-name": "X"}),
                      (f"/backoffice/staff/{anouk}", {"name": "Anouk X", "organisation": "X", "phone": "06 12345678"}),
                      (f"/backoffice/staff/{anouk}/active", {"active": "off"}),
                      (f"/backoffice/staff/{tolk}/letter", {})):
        assert other.post(url, data=dict(data, csrf_token=token)).status_code == 404, url
    assert every_row(team_app) == before
    refused = [(action, result) for action, result, *_rest in events_since(team_app, since)]
    assert refused and all(result == "refused" for _action, result in refused)

    staff_page = text_of(other.get("/backoffice/staff"))
    assert "Joost Mulder" in staff_page and "Anouk Visser" not in staff_page and "Samira Benali" not in staff_page
    # Their own intake offers only their own workers: one of the demo team is refused.
    ids = workers(team_app)
    response = post_form(other, "/backoffice/households/new", intake(ids, partner=str(ids["joost"])))
    assert response.status_code == 400 and soup(response).select_one("#contact-error") is not None
    started = post_form(other, "/backoffice/households/new",
                        intake(ids, contact=str(ids["joost"]), partner=str(ids["joost"])))
    assert started.status_code == 400  # one worker cannot be both


@SQLITE_ONLY
def test_the_access_rules_of_the_case_life(team_app):
    made = factories.fatima_and_youssef(team_app)  # Bram and Anouk their duo
    with database(team_app) as db:
        team = db.exec(select(Team)).one()
        family = db.get(Family, made.family_id)
        interpreter = db.exec(select(Interpreter).where(Interpreter.name == "Samira Benali")).one()

        def user(username):
            account = db.exec(select(Account).where(Account.username == username)).one()
            worker = db.exec(select(Worker).where(Worker.account_id == account.id)).first()
            return type("User", (), {"is_authenticated": True, "role": account.role, "worker": worker,
                                     "parent": None, "interpreter": None, "account": account})()

        lead, bram, chantal = user("teamlead"), user("bram"), user("chantal")
        other_team = Team(id=999, name="elders")
        assert can(lead, Action.family_create, team, db) and not can(lead, Action.family_create, other_team, db)
        assert can(lead, Action.staff_manage, interpreter, db) and can(lead, Action.staff_manage, bram.worker, db)
        assert not can(bram, Action.family_create, team, db)
        assert not can(bram, Action.staff_manage, chantal.worker, db)
        # Only the team lead closes an open case, and reopens a closed one.
        assert can(lead, Action.family_close, family, db) and not can(lead, Action.family_reopen, family, db)
        assert not can(bram, Action.family_close, family, db) and not can(bram, Action.family_reopen, family, db)
        assert can(bram, Action.family_members, family, db) and not can(chantal, Action.family_members, family, db)
        family.closed_at = clock.now()  # not committed: only what can() says of a closed case
        assert can(lead, Action.family_reopen, family, db) and not can(lead, Action.family_close, family, db)
        assert not can(bram, Action.family_reopen, family, db) and not can(bram, Action.family_members, family, db)
        db.rollback()
        # An interpreter belongs to the teams they work for: without that link the team lead has no say.
        db.exec(delete(InterpreterTeam).where(InterpreterTeam.interpreter_id == interpreter.id))
        assert not can(lead, Action.staff_manage, interpreter, db)


# --- staff accounts -------------------------------------------------------------------------------

def test_a_team_lead_creates_changes_and_switches_off_a_worker(team_app):
    lead = team_app.test_client()
    sign_in(lead, "teamlead")
    since = last_event(team_app)
    letter = post_form(lead, "/backoffice/staff/new?role=worker", {
        "role": "worker", "name": "Evi Jansen", "organisation": "Veilig Thuis", "phone": "06 12345699",
        "day-0-start": "09:00", "day-0-end": "17:00", "day-2-start": "08:30", "day-2-end": "12:30"}, follow=True)
    assert letter.status_code == 200
    strong = [s.get_text() for s in soup(letter).select("article.letter strong")]
    username, start_password = strong
    assert username == "evi" and len(start_password) == 19
    with database(team_app) as db:
        account = db.exec(select(Account).where(Account.username == "evi")).one()
        evi = db.exec(select(Worker).where(Worker.account_id == account.id)).one()
        lead_team = db.exec(select(Worker.team_id).where(Worker.name == "Marieke Smit")).one()
        assert account.role is Role.worker and not account.totp_enrolled and account.password_hash
        assert (evi.team_id, evi.organisation, evi.phone) == (lead_team, "Veilig Thuis", "06 12345699")
        hours = [(h.weekday, h.start, h.end) for h in db.exec(select(WorkingHours).where(
            WorkingHours.worker_id == evi.id).order_by(WorkingHours.weekday))]
        assert hours == [(0, dt.time(9), dt.time(17)), (2, dt.time(8, 30), dt.time(12, 30))]
    assert events_since(team_app, since) == [("staff.create", "ok", f"account:{account.id}", None)]

    # First sign-in: the start password, then linking an authenticator app, as for every new staff account.
    client = team_app.test_client()
    first = sign_in_staff(client, "evi", start_password)
    assert first.status_code == 302 and first.headers["Location"].endswith("/backoffice/enrol")
    page = client.get("/backoffice/enrol")
    with database(team_app) as db:
        secret = db.get(Account, account.id).totp_secret
    enrolled = client.post("/backoffice/enrol", data={"code": pyotp.TOTP(secret).now(),
                                                      "csrf_token": csrf_token(page.text)})
    assert enrolled.status_code == 200 and client.get("/backoffice/").status_code == 200

    # A change of hours and phone.
    since = last_event(team_app)
    changed = post_form(lead, f"/backoffice/staff/{account.id}", {
        "name": "Evi Jansen", "organisation": "Veilig Thuis", "phone": "06 12345698",
        "day-4-start": "10:00", "day-4-end": "14:00"})
    assert changed.status_code == 302
    with database(team_app) as db:
        assert db.get(Worker, evi.id).phone == "06 12345698"
        assert [h.weekday for h in db.exec(select(WorkingHours).where(WorkingHours.worker_id == evi.id))] == [4]
    assert events_since(team_app, since) == [("staff.change", "ok", f"account:{account.id}", None)]
    family = factories.fatima_and_youssef(team_app).family_id  # Bram and Anouk their duo
    assert f'<option value="{evi.id}">' in lead.get(f"/backoffice/families/{family}").get_data(as_text=True)

    # Switched off: her session ends at once, she cannot sign in, and no new duo can have her.
    since = last_event(team_app)
    off = post_form(lead, f"/backoffice/staff/{account.id}", {"active": "off"},
                    f"/backoffice/staff/{account.id}/active")
    assert off.status_code == 302
    assert events_since(team_app, since) == [("staff.switch_off", "ok", f"account:{account.id}", None)]
    assert client.get("/backoffice/").status_code == 302
    assert sign_in_staff(team_app.test_client(), "evi", start_password).status_code == 401
    file = lead.get(f"/backoffice/families/{family}")
    assert f'<option value="{evi.id}">' not in file.get_data(as_text=True)
    before = every_row(team_app)
    refused = post_form(lead, f"/backoffice/families/{family}", {"worker": str(evi.id), "role": "partner"},
                        f"/backoffice/families/{family}/duo")
    assert refused.status_code == 302 and every_row(team_app) == before
    assert say(team_app, "nl", "switched off") in text_of(lead.get("/backoffice/staff"))


@SQLITE_ONLY
def test_interpreters_team_leads_and_new_letters(team_app):
    lead = team_app.test_client()
    sign_in(lead, "teamlead")
    letter = post_form(lead, "/backoffice/staff/new?role=interpreter",
                       {"role": "interpreter", "name": "Hamid Farah", "languages": ["so", "ti", "xx"]}, follow=True)
    assert letter.status_code == 200
    with database(team_app) as db:
        account = db.exec(select(Account).where(Account.username == "tolk-hamid")).one()
        interpreter = db.exec(select(Interpreter).where(Interpreter.account_id == account.id)).one()
        assert account.role is Role.interpreter and interpreter.languages == "so,ti"
        assert db.exec(select(InterpreterTeam).where(InterpreterTeam.interpreter_id == interpreter.id)).one()
    missing = post_form(lead, "/backoffice/staff/new?role=interpreter", {"role": "interpreter", "name": "Hamid"})
    assert missing.status_code == 400 and soup(missing).select_one("#languages-error") is not None

    made = post_form(lead, "/backoffice/staff/new?role=teamlead", {
        "role": "teamlead", "name": "Petra de Vries", "organisation": "Jeugdbescherming", "phone": "020 555 0101"},
        follow=True)
    assert made.status_code == 200
    with database(team_app) as db:
        assert db.exec(select(Account.role).where(Account.username == "petra")).one() is Role.teamlead

    # A new letter for someone who lost their phone: a new start password, the app is linked again.
    anouk = account_id(team_app, "anouk")
    worker = team_app.test_client()
    sign_in(worker, "anouk")
    since = last_event(team_app)
    letter = f"/backoffice/staff/{anouk}/letter"
    again = post_form(lead, f"{letter}/new", {}, letter, follow=True)  # the page that asks first, then the letter
    password = [s.get_text() for s in soup(again).select("article.letter strong")][1]
    with database(team_app) as db:
        account = db.get(Account, anouk)
        assert account.active and not account.totp_enrolled and account.totp_secret is None
    assert events_since(team_app, since) == [("staff.letter", "ok", f"account:{anouk}", None)]
    assert worker.get("/backoffice/").status_code == 302  # signed out everywhere
    assert sign_in_staff(team_app.test_client(), "anouk", password).headers["Location"].endswith("/backoffice/enrol")

    # Nobody switches off their own account.
    lead_account = account_id(team_app, "teamlead")
    before = every_row(team_app)
    own = post_form(lead, f"/backoffice/staff/{lead_account}", {"active": "off"},
                    f"/backoffice/staff/{lead_account}/active")
    assert own.status_code == 302 and every_row(team_app) == before


@SQLITE_ONLY
def test_the_staff_form_keeps_what_was_typed(team_app):
    lead = team_app.test_client()
    sign_in(lead, "teamlead")
    before = every_row(team_app)
    response = post_form(lead, "/backoffice/staff/new?role=worker", {
        "role": "worker", "name": "Evi Jansen", "organisation": "", "phone": "bel me",
        "day-1-start": "17:00", "day-1-end": "09:00", "day-3-start": "09:00", "day-3-end": "17:00"})
    assert response.status_code == 400
    page = soup(response)
    for field in ("organisation", "phone", "day-1-start"):
        assert page.select_one(f"#{field}-error") is not None, field
    assert page.select_one("#name")["value"] == "Evi Jansen" and page.select_one("#phone")["value"] == "bel me"
    assert page.select_one("#day-3-end")["value"] == "17:00"
    assert every_row(team_app) == before


# --- members -----------------------------------------------------------------------------------

def test_the_duo_adds_and_changes_members(team_app):
    # Fatima and Youssef with Amira and Adam, Bram and Anouk their duo; the intake asked for an interpreter.
    family = factories.fatima_and_youssef(team_app, children=True, interpreter_needed=True).family_id
    factories.household(team_app, ["nl"], children=("Noor Proef",))  # another household, with a member
    bram = team_app.test_client()
    sign_in(bram, "bram")
    since = last_event(team_app)
    page = bram.get(f"/backoffice/families/{family}/members")
    assert page.status_code == 200
    assert events_since(team_app, since) == [("family.view", "ok", f"family:{family}", family)]
    form = {field["name"]: field.get("value", "") for field in soup(page).select("#members-form input[name]")
            if field.get("type") not in ("checkbox", "radio") or field.has_attr("checked")}
    form |= {select["name"]: select.select_one("option[selected]")["value"]
             for select in soup(page).select("#members-form select")}
    assert form["parents_kept_apart"] == "1" and form["interpreter_needed"] == "1"
    assert form["child-0-name"] == "Amira El Idrissi" and form["child-2-name"] == ""
    with database(team_app) as db:
        other_household = db.exec(select(FamilyMember.id).where(FamilyMember.family_id != family)).first()
    form.update({"child-0-birth_year": "2015", "child-2-name": "Sara El Idrissi", "child-2-birth_year": "2025",
                 "other-0-name": "Khadija Haddou", "other-0-relation": "grootmoeder",
                 "other-count": "2", "other-1-id": str(other_household), "other-1-name": "Niet van dit gezin",
                 "other-1-relation": "buurman"})
    since = last_event(team_app)
    saved = bram.post(f"/backoffice/families/{family}/members", data=dict(form, csrf_token=csrf_token(page.text)))
    assert saved.status_code == 302
    with database(team_app) as db:
        members = {m.name: m for m in db.exec(select(FamilyMember).where(FamilyMember.family_id == family))}
        assert members["Amira El Idrissi"].birth_year == 2015
        assert members["Sara El Idrissi"].is_child and members["Sara El Idrissi"].birth_year == 2025
        assert members["Khadija Haddou"].relation == "grootmoeder" and not members["Khadija Haddou"].is_child
        assert db.get(FamilyMember, other_household).name != "Niet van dit gezin"  # another household's
        assert len(members) == 4
    changed = {obj for action, result, obj, fam in events_since(team_app, since) if action == "family.members"}
    assert changed == {f"member:{members[name].id}" for name in ("Amira El Idrissi", "Sara El Idrissi",
                                                                  "Khadija Haddou")}
    assert {action for action, *_rest in events_since(team_app, since)} == {"family.members"}

    # A member cannot lose their name, and what was typed stays.
    form["child-1-name"] = ""
    wrong = bram.post(f"/backoffice/families/{family}/members", data=dict(form, csrf_token=csrf_token(page.text)))
    assert wrong.status_code == 400
    assert soup(wrong).select_one("#child-1-name-error").get_text() == say(team_app, "nl", "Write the name.")
    assert soup(wrong).select_one("#child-2-name")["value"] == "Sara El Idrissi"

    chantal = team_app.test_client()
    sign_in(chantal, "chantal")  # not in this duo
    assert chantal.get(f"/backoffice/families/{family}/members").status_code == 404


# --- closing and reopening ----------------------------------------------------------------------

def test_closing_a_case_ends_the_parents_access_and_reopening_restores_it(team_app, at_work):
    # Fatima and Youssef sign in with their password and app; Bram de Wit is their contact person.
    made = factories.fatima_and_youssef(team_app, password=True)
    family = made.family_id
    factories.published_plan(team_app, family, what=PLAN_AGREEMENT)
    factories.appointment(team_app, family, audience=only_for(made.parent_ids[:1]), safe_place=True,
                          place=SAFE_PLACE, purpose="Gesprek met Fatima alleen.")
    fatima = team_app.test_client()
    sign_in(fatima, made.usernames[0])
    assert "Youssef merkt" in text_of(fatima.get("/plan"))  # her plan, while the case is open
    lead = team_app.test_client()
    sign_in(lead, "teamlead")
    case = f"/backoffice/families/{family}/case"
    # Errors keep what was typed.
    future = (clock.today() + dt.timedelta(days=3)).isoformat()
    wrong = post_form(lead, case, {"reason": "Klaar", "closed_on": future})
    assert wrong.status_code == 400
    assert soup(wrong).select_one("#reason-error") and soup(wrong).select_one("#closed_on-error")
    assert soup(wrong).select_one("#reason").get_text() == "Klaar"
    assert soup(wrong).select_one("#closed_on")["value"] == future

    since = last_event(team_app)
    closed = post_form(lead, case, {"reason": "De veiligheid is duurzaam hersteld.",
                                    "closed_on": clock.today().isoformat()})
    assert closed.status_code == 302
    assert changes_since(team_app, since) == [("family.close", "ok", f"family:{family}", family)]
    with database(team_app) as db:
        assert db.get(Family, family).closed_at is not None
        closure = db.exec(select(CaseClosure).where(CaseClosure.family_id == family)).one()
        assert closure.reason == "De veiligheid is duurzaam hersteld." and closure.reopened_at is None

    closed_text = say(team_app, "ar", "Your file is closed")
    call = say(team_app, "ar", "Questions? Call %(name)s:", name="Bram de Wit")
    for url in ("/", "/plan", "/appointments", "/who-looked"):
        page = fatima.get(url)
        assert page.status_code == 200, url
        text = soup(page).get_text()
        assert closed_text in text and call in text and "06-12345602" in text, url
        assert "Youssef merkt" not in text and SAFE_PLACE_STREET not in text and "budgetcoach" not in text, url
    before = every_row(team_app)
    answer = fatima.post("/plan", data={"answer": "question", "comment": "Nog een vraag",
                                        "csrf_token": csrf_token(fatima.get("/").text)})
    assert closed_text in text_of(answer) and every_row(team_app) == before
    youssef = team_app.test_client()
    sign_in(youssef, made.usernames[1])  # signing in works; what follows is the message
    assert say(team_app, "ar", "Your file is closed") in text_of(youssef.get("/"))

    # No news reaches a closed household (the plan and the appointments made above told them while it was open).
    with team_app.app_context(), database(team_app) as db:
        parents = db.exec(select(Parent.account_id).where(Parent.family_id == family)).all()
        told = set(db.exec(select(OutboxMessage.id).where(OutboxMessage.account_id.in_(parents))))
        db.add(Appointment(family_id=family, key="appointment-closed-case",
                           starts_at=clock.now() + dt.timedelta(hours=3), with_whom="Bram de Wit", purpose="Afsluiten"))
        db.commit()
        notifications.queue_reminders(db, clock.now())
        db.commit()
        assert set(db.exec(select(OutboxMessage.id).where(OutboxMessage.account_id.in_(parents)))) == told

    file = text_of(lead.get(f"/backoffice/families/{family}"))
    assert say(team_app, "nl", "Case closed") in file
    assert say(team_app, "nl", "case closed") in text_of(lead.get("/backoffice/"))

    since = last_event(team_app)
    reopened = post_form(lead, case, {"reason": "Nieuwe melding van de school."})
    assert reopened.status_code == 302
    assert changes_since(team_app, since) == [("family.reopen", "ok", f"family:{family}", family)]
    with database(team_app) as db:
        assert db.get(Family, family).closed_at is None
        closure = db.get(CaseClosure, closure.id)
        assert closure.reopen_reason == "Nieuwe melding van de school." and closure.reopened_at is not None
    home = text_of(fatima.get("/"))
    assert closed_text not in home and say(team_app, "ar", "Who do I call now?") in home
    assert "Youssef merkt dat hij boos wordt" in text_of(fatima.get("/plan"))


@SQLITE_ONLY
def test_a_case_past_its_retention_period_is_not_reopened(team_app):
    family = factories.fatima_and_youssef(team_app).family_id  # Bram and Anouk their duo
    lead = team_app.test_client()
    sign_in(lead, "teamlead")
    case = f"/backoffice/families/{family}/case"
    assert post_form(lead, case, {"reason": "De veiligheid is duurzaam hersteld.",
                                  "closed_on": clock.today().isoformat()}).status_code == 302
    years = team_app.config["RETENTION_YEARS"]
    with database(team_app) as db:
        db.exec(update(Family).where(Family.id == family)
                .values(closed_at=clock.now() - dt.timedelta(days=round(365.25 * years) + 1)))
        db.commit()
    page = lead.get(case)
    assert page.status_code == 200 and soup(page).select_one("#case-form") is None
    before = every_row(team_app)
    refused = lead.post(case, data={"reason": "Toch weer open graag.", "csrf_token": csrf_token(page.text)})
    assert refused.status_code == 400 and every_row(team_app) == before


# --- GET and HEAD change nothing ------------------------------------------------------------------

@SQLITE_ONLY
def test_get_and_head_of_the_case_pages_change_nothing(team_app):
    family = factories.fatima_and_youssef(team_app).family_id  # Bram and Anouk their duo
    anouk = account_id(team_app, "anouk")
    lead = team_app.test_client()
    sign_in(lead, "teamlead")
    body = intake(workers(team_app)) | {"reason": "Afgesloten want klaar.", "closed_on": clock.today().isoformat(),
                                        "active": "off", "organisation": "X", "phone": "06 12345678"}
    for url in ("/backoffice/households/new", f"/backoffice/families/{family}/members",
                f"/backoffice/families/{family}/case", "/backoffice/staff", "/backoffice/staff/new",
                f"/backoffice/staff/{anouk}"):
        for method in ("GET", "HEAD"):
            before, since = every_row(team_app), last_event(team_app)
            response = lead.open(url, method=method, data=body)
            assert response.status_code == 200, (method, url)
            assert every_row(team_app) == before, (method, url)
            written = events_since(team_app, since)
            assert all(action.endswith(".view") for action, *_rest in written), (method, url, written)
            assert method == "GET" or written == [], (method, url, written)
    with database(team_app) as db:
        assert db.get(Family, family).closed_at is None
