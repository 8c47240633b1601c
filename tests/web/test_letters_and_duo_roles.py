"""Steps that cannot be undone ask first: a new letter (it resets a parent's password and second factor) and the end
of a duo role each have a page of their own that says what they do; a letter can be printed again after a reload;
a worker stands in a household's duo once; an address that only a button sends is not "page not found"."""
import datetime as dt

import pyotp
import pytest
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from portal import clock
from portal.models import Account, DuoAssignment, DuoRole, Worker
from support import factories
from support.pages import database, parent_named, say, soup, text_of
from support.races import all_at_once
from support.sign_in import csrf_token, sign_in, signed_in_client

pytestmark = pytest.mark.both_databases



def el_idrissi(app) -> int:
    """Fatima and Youssef El Idrissi, who read Arabic, kept apart, with accounts in use (a password chosen); Bram de
    Wit is their contact person, Anouk Visser the duo partner."""
    return factories.fatima_and_youssef(app, password=True).family_id


def account_of(app, parent_name: str) -> Account:
    with database(app) as db:
        return db.get(Account, parent_named(app, parent_name).account_id)


def assignments(app, family: int) -> list[tuple[str, DuoRole, dt.date | None]]:
    with database(app) as db:
        return [(worker.name, row.role, row.end) for row, worker in db.exec(
            select(DuoAssignment, Worker).join(Worker, Worker.id == DuoAssignment.worker_id)
            .where(DuoAssignment.family_id == family).order_by(DuoAssignment.id))]


def session_of(client) -> dict:
    """What the browser's signed session cookie holds (readable by whoever holds the browser)."""
    cookie = client.get_cookie("portal")
    return URLSafeTimedSerializer("unused").loads_unsafe(cookie.value)[1] if cookie else {}


def worker_id(app, name: str) -> int:
    with database(app) as db:
        return db.exec(select(Worker.id).where(Worker.name == name)).one()


def test_a_new_letter_asks_first_and_prints_again_after_a_reload(team_app):
    family, fatima = el_idrissi(team_app), parent_named(team_app, "Fatima El Idrissi")
    bram = team_app.test_client()
    sign_in(bram, "bram")
    before = account_of(team_app, "Fatima El Idrissi")
    assert before.password_hash and before.totp_enrolled

    # The family file offers the new letter as a link to a page that says what it does; nothing happens yet.
    file = soup(bram.get(f"/backoffice/families/{family}"))
    confirm_url = f"/backoffice/families/{family}/parents/{fatima.id}/letter/new"
    assert file.select_one(f"#parents a[href='{confirm_url}']") is not None
    assert file.select(f"#parents form[action$='/parents/{fatima.id}/letter']") == []
    confirm = bram.get(confirm_url)
    assert confirm.status_code == 200
    said = text_of(confirm)
    for sentence in ("A new letter makes a new activation code. The old letter and its code stop working.",
                     "The password and the second sign-in step of %(name)s are removed.",
                     "%(name)s is signed out on every phone and computer."):
        assert say(team_app, "nl", sentence, name="Fatima El Idrissi") in said
    unchanged = account_of(team_app, "Fatima El Idrissi")
    assert (unchanged.password_hash, unchanged.totp_enrolled, unchanged.session_generation) == (
        before.password_hash, True, before.session_generation)

    # Only the confirming POST makes the letter; it lands on a page that a reload shows again, same code.
    made = bram.post(f"/backoffice/families/{family}/parents/{fatima.id}/letter",
                     data={"csrf_token": csrf_token(confirm.text)})
    assert made.status_code == 303
    letter_url = f"/backoffice/families/{family}/parents/{fatima.id}/letter"
    assert made.headers["Location"].endswith(letter_url)
    after = account_of(team_app, "Fatima El Idrissi")
    assert after.password_hash is None and not after.totp_enrolled
    first, again = bram.get(letter_url), bram.get(letter_url)
    assert first.status_code == again.status_code == 200
    code = soup(first).select("article.letter strong[dir=ltr]")[1].get_text()
    assert code and code == soup(again).select("article.letter strong[dir=ltr]")[1].get_text()
    assert say(team_app, "nl", "A new letter makes a new code and ends this one.") in text_of(again)
    # Back to the family file: the browser forgets the letter; its code is no longer readable anywhere.
    bram.get(f"/backoffice/families/{family}")
    assert code not in text_of(bram.get(letter_url)) and "letter" not in session_of(bram)

    # Another browser of the same worker does not see the code, and once the parent used it, it is gone here too.
    elsewhere = team_app.test_client()
    sign_in(elsewhere, "bram")
    gone = say(team_app, "nl", "A new letter makes a new code and ends the old one: the parent chooses a password "
                                "and a second sign-in step again.")
    assert code not in text_of(elsewhere.get(letter_url)) and gone in text_of(elsewhere.get(letter_url))
    visitor = team_app.test_client()
    activation = visitor.post("/activate", data={"csrf_token": csrf_token(visitor.get("/activate").text),
                                                 "username": after.username, "code": code})
    assert activation.status_code in (200, 302) and "code" not in activation.headers.get("Location", "code")
    shown = text_of(bram.get(letter_url))
    assert code not in shown and gone in shown


def test_a_new_staff_letter_asks_first_and_prints_again_until_the_password_is_used(team_app):
    lead = team_app.test_client()
    sign_in(lead, "teamlead")
    with database(team_app) as db:
        anouk = db.exec(select(Account).where(Account.username == "anouk")).one()
    staff_page, letter_url = f"/backoffice/staff/{anouk.id}", f"/backoffice/staff/{anouk.id}/letter"
    assert soup(lead.get(staff_page)).select_one(f"a[href='{letter_url}/new']") is not None
    assert not soup(lead.get(staff_page)).select(f"form[action='{letter_url}']")
    confirm = lead.get(f"{letter_url}/new")
    assert say(team_app, "nl", "With the new letter, %(name)s links an authenticator app again and chooses a new "
                               "password.", name="Anouk Visser") in text_of(confirm)
    with database(team_app) as db:
        assert db.get(Account, anouk.id).password_hash == anouk.password_hash  # asking changed nothing
    made = lead.post(letter_url, data={"csrf_token": csrf_token(confirm.text)})
    assert made.status_code == 303 and made.headers["Location"].endswith(letter_url)
    first, again = lead.get(letter_url), lead.get(letter_url)
    password = soup(first).select("article.letter strong")[1].get_text()
    assert password and password == soup(again).select("article.letter strong")[1].get_text()
    # Once Anouk signed in with it and linked her app, the letter is no longer shown.
    worker = team_app.test_client()
    token = csrf_token(worker.get("/backoffice/sign-in").text)
    first = worker.post("/backoffice/sign-in", data={"username": "anouk", "password": password, "csrf_token": token})
    assert first.headers["Location"].endswith("/backoffice/enrol")
    page = worker.get("/backoffice/enrol")
    with database(team_app) as db:
        secret = db.get(Account, anouk.id).totp_secret
    assert worker.post("/backoffice/enrol", data={"code": pyotp.TOTP(secret).now(),
                                                  "csrf_token": csrf_token(page.text)}).status_code == 200
    gone = text_of(lead.get(letter_url))
    assert password not in gone
    assert say(team_app, "nl", "A new letter makes a new start password and ends the old one.") in gone


def test_an_address_only_a_button_sends_says_so_and_is_not_page_not_found(team_app):
    family = el_idrissi(team_app)
    bram = team_app.test_client()
    sign_in(bram, "bram")
    for url in (f"/backoffice/families/{family}/duo", "/sign-out"):
        response = bram.get(url)
        assert response.status_code == 405 and "POST" in response.headers["Allow"]
        page = text_of(response)
        assert say(team_app, "nl", "Page not found") not in page
        assert say(team_app, "nl", "This cannot be opened this way") in soup(response).select_one("h1").get_text()


def test_ending_a_duo_role_asks_first_keeps_a_wrong_date_and_ends_on_the_confirming_post(team_app):
    family = el_idrissi(team_app)
    lead = team_app.test_client()
    sign_in(lead, "teamlead")
    with database(team_app) as db:
        anouk = db.exec(select(DuoAssignment).join(Worker, Worker.id == DuoAssignment.worker_id).where(
            DuoAssignment.family_id == family, Worker.name == "Anouk Visser", DuoAssignment.end.is_(None))).one()
    end_url = f"/backoffice/families/{family}/duo/{anouk.id}/end"
    duo = soup(lead.get(f"/backoffice/families/{family}")).select_one("#duo")
    assert duo.select_one(f"a[href='{end_url}']") is not None and not duo.select("table form")

    page = lead.get(end_url)
    assert page.status_code == 200
    assert say(team_app, "nl", "End the role of %(name)s?", name="Anouk Visser") in text_of(page)
    before = assignments(team_app, family)
    token = csrf_token(page.text)
    wrong = lead.post(end_url, data={"csrf_token": token, "end": "1-1-2020"})
    assert wrong.status_code == 400
    assert soup(wrong).select_one("input#end")["value"] == "1-1-2020"
    assert say(team_app, "nl", "Give the last day in the duo: a date from %(start)s on, e.g. 2026-12-31.",
               start=anouk.start.isoformat()) in text_of(wrong)
    assert assignments(team_app, family) == before

    last_day = clock.today() + dt.timedelta(days=7)
    ended = lead.post(end_url, data={"csrf_token": token, "end": last_day.isoformat()})
    assert ended.status_code == 302 and ended.headers["Location"].endswith(f"/backoffice/families/{family}#duo")
    assert ("Anouk Visser", DuoRole.partner, last_day) in assignments(team_app, family)


def test_a_worker_added_twice_stands_in_the_duo_once_with_a_clear_message(team_app):
    family = el_idrissi(team_app)
    lead = team_app.test_client()
    sign_in(lead, "teamlead")
    before = assignments(team_app, family)
    add = {"worker": str(worker_id(team_app, "Anouk Visser")), "role": "partner",
           "start": clock.today().isoformat()}
    for _ in range(2):
        token = csrf_token(lead.get(f"/backoffice/families/{family}").text)
        added = lead.post(f"/backoffice/families/{family}/duo", data=add | {"csrf_token": token})
        assert added.status_code == 302
        assert say(team_app, "nl", "%(name)s is already %(role)s in this duo. Nothing was added.",
                   name="Anouk Visser", role=say(team_app, "nl", "duo partner")) in text_of(
            lead.get(added.headers["Location"]))
    assert assignments(team_app, family) == before

    # The partner who becomes the contact person is the partner no longer: one open row for Anouk, none for Bram.
    token = csrf_token(lead.get(f"/backoffice/families/{family}").text)
    lead.post(f"/backoffice/families/{family}/duo", data=add | {"role": "contact", "csrf_token": token})
    still = [(name, role) for name, role, end in assignments(team_app, family) if end is None]
    assert still == [("Anouk Visser", DuoRole.contact)]

    # The database keeps it so too, whatever writes (two requests at the same moment).
    with database(team_app) as db, pytest.raises(IntegrityError):
        db.add(DuoAssignment(family_id=family, worker_id=worker_id(team_app, "Anouk Visser"), role=DuoRole.partner,
                             start=clock.today()))
        db.commit()


def test_a_duo_role_that_starts_today_in_amsterdam_counts_while_it_is_yesterday_in_utc(team_app, monkeypatch):
    """At 23:30 UTC it is already the next day in Amsterdam: a worker added from "today" works in the household
    at once, not only when the server's UTC date catches up an hour later."""
    household = factories.household(team_app, ["nl"])
    late_evening = dt.datetime.combine(clock.now().date() - dt.timedelta(days=1), dt.time(23, 30), tzinfo=dt.UTC)
    monkeypatch.setattr(clock, "now", lambda: late_evening)
    amsterdam_today = clock.today()
    assert amsterdam_today == late_evening.date() + dt.timedelta(days=1)  # 00:30 or 01:30 in Amsterdam

    bram = signed_in_client(team_app, "bram")  # the contact person adds a partner from today
    family_file = f"/backoffice/families/{household.family_id}"
    token = csrf_token(bram.get(family_file).text)
    added = bram.post(f"{family_file}/duo", data={"worker": str(worker_id(team_app, "Chantal Pinas")),
                                                  "role": "partner", "start": amsterdam_today.isoformat(),
                                                  "csrf_token": token})
    assert added.status_code == 302
    assert ("Chantal Pinas", DuoRole.partner, None) in assignments(team_app, household.family_id)

    chantal = signed_in_client(team_app, "chantal")
    assert chantal.get(family_file).status_code == 200
    assert soup(chantal.get("/backoffice/")).select_one(f"a[href='{family_file}']") is not None  # her work list


SAME_ADDS = 20


def test_twenty_adds_of_the_same_worker_at_once_make_one_row(team_app):
    """Twenty team lead's browsers add Chantal as the partner at the same moment: one row, every answer calm."""
    family = el_idrissi(team_app)
    clients = [signed_in_client(team_app, "teamlead") for _ in range(SAME_ADDS)]
    tokens = [csrf_token(client.get(f"/backoffice/families/{family}").text) for client in clients]
    add = {"worker": str(worker_id(team_app, "Chantal Pinas")), "role": "partner",
           "start": clock.today().isoformat()}
    answers = all_at_once(lambda number: clients[number].post(f"/backoffice/families/{family}/duo",
                                                              data=add | {"csrf_token": tokens[number]}), SAME_ADDS)
    assert {getattr(answer, "status_code", answer) for answer in answers.values()} == {302}, answers
    open_rows = [(name, role) for name, role, end in assignments(team_app, family) if end is None]
    assert sorted(open_rows) == [("Bram de Wit", DuoRole.contact), ("Chantal Pinas", DuoRole.partner)]
