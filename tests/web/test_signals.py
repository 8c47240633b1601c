"""Partners' signals (issue 25) through the pages: a wijkagent signs in with two factors and sends what he saw; a
clear match lands on the household (its timeline, the duo's work list, a message to the contact person's work phone
that names no family) and the partner reads only that it was received; anything less waits on the team lead's intake
list, to link or to start a household from; urgent signals outside office hours go to the out-of-hours list; a
signal is never changed, only added to, and is a task until someone writes what was done; the team overview counts
them; nobody else reads a signal, and switching an organisation off ends its people's sessions and its tokens.

Made here: Fatima and Youssef El Idrissi (support/factories.py: Bram de Wit their contact person, Anouk Visser the duo
partner), whose years of birth and address Bram writes on the members page (which writes the matching keys), and the
people of the team's partner organisations (factories.partner: the police district's wijkagent, the school's intern
begeleider), made as the demo makes them. Everything else happens through the pages."""
import datetime as dt
import re

import pytest
from sqlmodel import func, select

from portal import clock
from portal.demo import DEMO_PASSWORD
from portal.models import (
    Account,
    AuditEvent,
    Family,
    OutboxMessage,
    PartnerToken,
    ProfessionalNetwork,
    Signal,
    SignalAddition,
    SignalCandidate,
    SignalState,
    Worker,
)
from portal.services.signals import ADDITIONS_MAX
from support import factories
from support.moments import running_from
from support.pages import database, form_values, say, soup, text_of
from support.rows import every_row
from support.sign_in import csrf_token, fresh_code, sign_in, signed_in_client

pytestmark = pytest.mark.both_databases

POLICE = "Politie Amsterdam-Zuid"
SCHOOL = "Basisschool De Regenboog"
FAMILY = "Gezin El Idrissi"
WHAT = ("Buren belden om 22.40 uur: geschreeuw in de woning. Ter plaatse trof ik meneer in de hal. Mevrouw zat met de "
        "twee kinderen in de slaapkamer. Geen letsel gezien.")
CALL_BACK = "06-24681357"
# What would tell a partner, or anyone who reads Bram's phone, about the El Idrissi household.
FAMILY_TEXTS = ("El Idrissi", "Idrissi", "Fatima", "Youssef", "Yusuf", "Amira", FAMILY)


# --- set-up ---------------------------------------------------------------------------------------

def el_idrissi(app, password: bool = False) -> factories.Household:
    """Fatima (1988) and Youssef (1986) El Idrissi at 1074 AB 12, Bram's household named "Gezin El Idrissi": Bram
    writes the years and the address on the members page, as the duo does (with `password`, the parents sign in)."""
    made = factories.fatima_and_youssef(app, password=password)
    bram = signed_in_client(app, "bram")
    url = f"/backoffice/families/{made.family_id}/members"
    values = form_values(bram.get(url), "members-form") | {"name": FAMILY}
    years = {"Fatima El Idrissi": "1988", "Youssef El Idrissi": "1986"}
    for field, value in list(values.items()):
        found = re.fullmatch(r"parent-(\d+)-name", field)
        if found and value in years:
            row = found.group(1)
            values |= {f"parent-{row}-birth_year": years[value], f"parent-{row}-postcode": "1074 AB",
                       f"parent-{row}-house_number": "12"}
    saved = bram.post(url, data=values)
    assert saved.status_code == 302, text_of(saved)[:800]
    return made


def partner_client(app, person: factories.PartnerPerson):
    """The partner signed in through both factors, on the back office's sign-in pages."""
    client = app.test_client()
    sign_in(client, person.username)
    return client


def signal_form(name: str, born: str = "", urgency: str = "normal", what: str = WHAT, postcode: str = "",
                house_number: str = "", more: tuple[tuple[str, str], ...] = ()) -> dict:
    """The signal form as a partner fills it in: the people, what was seen half an hour ago, by whom, how urgent,
    and the number to call back on."""
    seen = clock.local_now() - dt.timedelta(minutes=30)
    people = ((name, born), *more)
    form = {"person-count": str(len(people)), "postcode": postcode, "house_number": house_number, "what": what,
            "day": seen.date().isoformat(), "time": seen.strftime("%H:%M"), "observed_by": "wijkagent, ter plaatse",
            "urgency": urgency, "call_back": CALL_BACK}
    for number, (person, year) in enumerate(people):
        form |= {f"person-{number}-name": person, f"person-{number}-born": year}
    return form


def send(client, form: dict):
    return client.post("/partner/", data=form | {"csrf_token": csrf_token(client.get("/partner/").text)})


def sent(client, form: dict) -> Signal:
    """Send the form; the stored signal the partner was sent on to (its receipt)."""
    response = send(client, form)
    assert response.status_code == 302, text_of(response)[:800]
    found = re.fullmatch(r"/partner/signals/(\d+)", response.headers["Location"])
    assert found, response.headers["Location"]
    return stored(client.application, int(found.group(1)))


def stored(app, signal_id: int) -> Signal:
    with database(app) as db:
        return db.get(Signal, signal_id)


def events(app, action: str) -> list[tuple]:
    with database(app) as db:
        return [(e.result, e.object, e.family_id, e.actor_name) for e in db.exec(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))]


def worker(app, username: str) -> Worker:
    with database(app) as db:
        return db.exec(select(Worker).join(Account, Account.id == Worker.account_id)
                       .where(Account.username == username)).one()


def messages_of(app, signal_id: int) -> list[OutboxMessage]:
    with database(app) as db:
        return db.exec(select(OutboxMessage).where(OutboxMessage.dedupe_key == f"signal:{signal_id}")).all()


def night(today: dt.date) -> dt.datetime:
    """02:00 in Amsterdam in the night to the latest Sunday up to today: nobody of the demo team is at work."""
    sunday = today - dt.timedelta(days=(today.weekday() + 1) % 7)
    return dt.datetime.combine(sunday, dt.time(2, 0), tzinfo=clock.AMSTERDAM)


# --- signing in ----------------------------------------------------------------------------------------

def test_a_partner_signs_in_with_two_factors_where_staff_do(team_app):
    wijkagent = factories.partner(team_app)
    client = team_app.test_client()
    assert client.get("/partner/").headers["Location"] == "/backoffice/sign-in"
    # The family's sign-in page is not theirs.
    token = csrf_token(client.get("/sign-in").text)
    assert client.post("/sign-in", data={"username": wijkagent.username, "password": DEMO_PASSWORD,
                                         "csrf_token": token}).status_code == 401
    token = csrf_token(client.get("/backoffice/sign-in").text)
    first = client.post("/backoffice/sign-in", data={"username": wijkagent.username, "password": DEMO_PASSWORD,
                                                     "csrf_token": token})
    assert first.headers["Location"] == "/backoffice/sign-in/code"
    assert client.get("/partner/").status_code == 302  # the password alone is not enough
    token = csrf_token(client.get("/backoffice/sign-in/code").text)
    second = client.post("/backoffice/sign-in/code", data={"code": fresh_code(wijkagent.username, team_app),
                                                           "csrf_token": token})
    assert second.headers["Location"] == "/partner/"
    form = client.get("/partner/")
    assert form.status_code == 200
    assert say(team_app, "nl", "Send a signal") in text_of(form) and POLICE in text_of(form)
    assert client.get("/backoffice/").status_code == 404  # a partner reads no back office


# --- a clear match ---------------------------------------------------------------------------------------

def test_a_signal_about_a_known_family_lands_on_its_timeline_and_work_list_and_reaches_the_contact(team_app, at_work):
    made = el_idrissi(team_app)
    wijkagent = factories.partner(team_app)
    client = partner_client(team_app, wijkagent)
    signal = sent(client, signal_form("Yusuf Elidrissi", "1986"))
    assert (signal.state, signal.family_id, signal.repeat) == (SignalState.matched, made.family_id, True)
    assert signal.score >= 80 and not signal.out_of_hours

    bram = signed_in_client(team_app, "bram")
    work = soup(bram.get("/backoffice/")).select_one("#signals")
    assert work.select_one(f"a[href='/backoffice/signals/{signal.id}']").get_text(strip=True) == FAMILY
    assert POLICE in work.get_text()
    timeline = text_of(bram.get(f"/backoffice/families/{made.family_id}/timeline"))
    assert say(team_app, "nl", "Signal from %(name)s", name=POLICE) in timeline
    page = bram.get(f"/backoffice/signals/{signal.id}")
    assert page.status_code == 200 and WHAT in text_of(page) and CALL_BACK in text_of(page)
    assert "Sander Bakker" in text_of(page)  # who sent it, of which organisation

    # One message to Bram's work phone, queued with the signal: it names no family.
    bram_worker = worker(team_app, "bram")
    queued = messages_of(team_app, signal.id)
    assert [(m.channel, m.to, m.account_id) for m in queued] == [("sms", bram_worker.phone, bram_worker.account_id)]
    assert not [text for text in (*FAMILY_TEXTS, POLICE, "Gezin") if text in queued[0].body], queued[0].body
    assert queued[0].created_at - signal.sent_at < dt.timedelta(minutes=1)

    # The wijkagent reads only that it was received: no contact person (the duo did not list the police).
    receipt = text_of(client.get(f"/partner/signals/{signal.id}"))
    assert say(team_app, "nl", "Received") in receipt
    assert "Bram" not in receipt and bram_worker.phone not in receipt
    assert not [text for text in ("Fatima", FAMILY, "Anouk") if text in receipt]
    assert say(team_app, "nl", "We call you back on %(number)s when we need to know more.", number=CALL_BACK) in receipt
    assert events(team_app, "signal.send") == [("matched", f"signal:{signal.id}", made.family_id, "Sander Bakker")]


def test_the_contact_person_is_named_to_a_partner_only_while_the_duo_lists_its_organisation(team_app, at_work):
    made = el_idrissi(team_app)
    wijkagent = factories.partner(team_app)
    school = factories.partner(team_app, SCHOOL, "school", "Ilse Verbeek", "intern begeleider")
    bram_phone = worker(team_app, "bram").phone
    police_client, school_client = partner_client(team_app, wijkagent), partner_client(team_app, school)
    police_signal = sent(police_client, signal_form("Yusuf Elidrissi", "1986"))
    school_signal = sent(school_client, signal_form("Youssef El Idrissi", "1986", what="Amira werd niet opgehaald."))
    assert police_signal.family_id == school_signal.family_id == made.family_id

    def named(client, signal: Signal) -> bool:
        receipt = text_of(client.get(f"/partner/signals/{signal.id}"))
        shown = "Bram de Wit" in receipt, bram_phone in receipt
        assert shown[0] == shown[1], receipt  # the name and the work phone go together
        return shown[0]

    assert not named(police_client, police_signal) and not named(school_client, school_signal)
    bram = signed_in_client(team_app, "bram")
    network = f"/backoffice/families/{made.family_id}/network"
    token = csrf_token(bram.get(f"/backoffice/families/{made.family_id}").text)
    listed = bram.post(network, data={"organisation": str(wijkagent.organisation_id), "csrf_token": token})
    assert listed.status_code == 303
    assert named(police_client, police_signal)  # listed: the contact person to call back
    assert not named(school_client, school_signal)  # not listed: still only "received"
    removed = bram.post(network, data={"organisation": str(wijkagent.organisation_id), "remove": "1",
                                       "csrf_token": token})
    assert removed.status_code == 303
    assert not named(police_client, police_signal)
    organisation = f"partner-organisation:{wijkagent.organisation_id}"
    assert [(result, obj, family) for result, obj, family, _who in events(team_app, "family.network")] == [
        ("added", organisation, made.family_id), ("removed", organisation, made.family_id)]


# --- the intake list -------------------------------------------------------------------------------------

def test_a_name_alone_waits_on_the_intake_list_with_its_candidate_and_the_team_lead_links_it(team_app, at_work):
    made = el_idrissi(team_app)
    wijkagent = factories.partner(team_app)
    client = partner_client(team_app, wijkagent)
    signal = sent(client, signal_form("Yusuf Elidrissi"))
    assert (signal.state, signal.family_id) == (SignalState.intake, None)
    assert messages_of(team_app, signal.id) == []  # nobody's household yet: no message
    bram = signed_in_client(team_app, "bram")
    assert f"/backoffice/signals/{signal.id}" not in bram.get("/backoffice/").text  # not on the duo's list
    assert bram.get(f"/backoffice/signals/{signal.id}").status_code == 404  # nor theirs to read

    lead = signed_in_client(team_app, "teamlead")
    card = soup(lead.get("/backoffice/signals")).select_one(f"#signal-{signal.id}")
    with database(team_app) as db:
        score = db.exec(select(SignalCandidate.score).where(SignalCandidate.signal_id == signal.id,
                                                            SignalCandidate.family_id == made.family_id)).one()
    row = next(tr for tr in card.select("tbody tr") if FAMILY in tr.get_text())
    assert str(score) in [td.get_text(strip=True) for td in row.select("td")]
    token = csrf_token(lead.get("/backoffice/signals").text)
    other = factories.other_team(team_app).family_id
    refused = lead.post(f"/backoffice/signals/{signal.id}/link", data={"family": str(other), "csrf_token": token})
    # A household of another team is not this team lead's to link: nothing is linked, and the list says so.
    assert refused.status_code == 303 and refused.headers["Location"].startswith("/backoffice/signals")
    assert say(team_app, "nl", "No open household of your team has that number. Nothing was linked.") in text_of(
        lead.get(refused.headers["Location"]))
    assert stored(team_app, signal.id).state is SignalState.intake
    linked = lead.post(f"/backoffice/signals/{signal.id}/link", data={"family": str(made.family_id),
                                                                     "csrf_token": token})
    assert linked.status_code == 303
    signal = stored(team_app, signal.id)
    assert (signal.state, signal.family_id, signal.repeat) == (SignalState.matched, made.family_id, True)
    assert len(messages_of(team_app, signal.id)) == 1  # the contact person is told now
    assert f"/backoffice/signals/{signal.id}" in bram.get("/backoffice/").text
    assert f"signal-{signal.id}" not in lead.get("/backoffice/signals").text  # off the intake list
    again = lead.post(f"/backoffice/signals/{signal.id}/link", data={"family": str(made.family_id),
                                                                    "csrf_token": token})
    assert again.status_code == 404  # linked once
    assert stored(team_app, signal.id).linked_at == signal.linked_at
    assert [(result, family) for result, _obj, family, _who in events(team_app, "signal.link")] == [
        ("refused", None), ("ok", made.family_id), ("refused", made.family_id)]
    assert events(team_app, "signal.send")[0][0] == "intake"


def test_a_second_household_of_the_same_name_and_year_sends_the_signal_to_the_intake_list(team_app, at_work):
    first = el_idrissi(team_app)
    second = el_idrissi(team_app)  # another Youssef El Idrissi of 1986 (at the same address, as the form allows)
    client = partner_client(team_app, factories.partner(team_app))
    signal = sent(client, signal_form("Yusuf Elidrissi", "1986"))
    assert signal.state is SignalState.intake
    with database(team_app) as db:
        candidates = set(db.exec(select(SignalCandidate.family_id).where(SignalCandidate.signal_id == signal.id)))
    assert candidates == {first.family_id, second.family_id}


def test_an_unknown_family_starts_a_household_from_the_intake_list(team_app, at_work):
    school = factories.partner(team_app, SCHOOL, "school", "Ilse Verbeek", "intern begeleider")
    client = partner_client(team_app, school)
    signal = sent(client, signal_form("Lotte Vermeulen", "2015", postcode="1074 ab", house_number="7",
                                      what="Lotte stond om 16.30 uur nog alleen bij het hek.",
                                      more=(("Mirjam Vermeulen", "12-03-1984"),)))
    assert (signal.state, signal.family_id) == (SignalState.intake, None)
    lead = signed_in_client(team_app, "teamlead")
    card = soup(lead.get("/backoffice/signals")).select_one(f"#signal-{signal.id}")
    assert say(team_app, "nl", "No household comes close.") in card.get_text()
    start = card.select_one("a[href^='/backoffice/households/new']")["href"]
    page = lead.get(start)
    values = form_values(page, "household-form")
    assert values["name"] == "Gezin Vermeulen"  # the intake form is filled in from the signal
    assert (values["parent-0-name"], values["parent-0-birth_year"], values["parent-0-postcode"],
            values["parent-0-house_number"]) == ("Mirjam Vermeulen", "1984", "1074AB", "7")
    assert (values["child-0-name"], values["child-0-birth_year"]) == ("Lotte Vermeulen", "2015")
    chantal, dirk = worker(team_app, "chantal"), worker(team_app, "dirk")
    saved = lead.post(start, data=values | {"contact": str(chantal.id), "partner": str(dirk.id)})
    assert saved.status_code in (302, 303), text_of(saved)[:800]
    signal = stored(team_app, signal.id)
    with database(team_app) as db:
        family = db.exec(select(Family).where(Family.name == "Gezin Vermeulen")).one()
    assert (signal.state, signal.family_id, signal.repeat) == (SignalState.matched, family.id, False)
    assert [(m.to, m.account_id) for m in messages_of(team_app, signal.id)] == [(chantal.phone, chantal.account_id)]
    assert [(result, family_id) for result, _o, family_id, _w in events(team_app, "signal.link")] == [
        ("new", family.id)]
    # The next signal about Lotte at that address lands on the new household at once: a repeat.
    again = sent(client, signal_form("Lotte Vermeulen", "2015", postcode="1074AB", house_number="7"))
    assert (again.state, again.family_id, again.repeat) == (SignalState.matched, family.id, True)


# --- what the form refuses -------------------------------------------------------------------------------

def test_every_field_says_what_is_wrong_and_nothing_typed_is_lost(team_app, any_hour):
    client = partner_client(team_app, factories.partner(team_app))
    tomorrow = clock.local_now() + dt.timedelta(days=1)
    form = signal_form("", "1986", urgency="", postcode="12", house_number="12 - h", what="",
                       more=(("Youssef", "abc"),)) | {
        "day": tomorrow.date().isoformat(), "time": "09:15", "observed_by": "", "call_back": "bel mij maar"}
    refused = send(client, form)
    assert refused.status_code == 400
    page, body = soup(refused), text_of(refused)
    for message in ("Write the name, as far as you know it.", "Type a year or date of birth, e.g. 1986 or 12-03-1986.",
                    "Type a Dutch postcode, e.g. 1074 AB.", "Write what you saw or heard.",
                    "Give the day and time it happened (about, if you do not know exactly): not in the future, "
                    "within the past year.",
                    "Write who saw or heard it: you, a colleague, a neighbour.", "Choose how urgent it is.",
                    "Type a phone number, e.g. 06 12345678 or 0900-8844."):
        assert say(team_app, "nl", message) in body, message
    kept = {"person-0-born": "1986", "person-1-name": "Youssef", "person-1-born": "abc", "postcode": "12",
            "house_number": "12 - h", "day": tomorrow.date().isoformat(), "time": "09:15",
            "call_back": "bel mij maar"}
    assert {name: page.select_one(f"[name='{name}']")["value"] for name in kept} == kept
    assert page.select_one("[aria-invalid=true]") is not None

    # A form with what was seen, but nobody named and no number: it keeps the text.
    empty = send(client, signal_form("", what=WHAT) | {"call_back": ""})
    assert empty.status_code == 400
    assert say(team_app, "nl", "Write the name of at least one person it is about.") in text_of(empty)
    assert say(team_app, "nl", "Give a number the contact person can call you back on.") in text_of(empty)
    assert soup(empty).select_one("textarea#what").get_text() == WHAT
    with database(team_app) as db:
        assert db.exec(select(func.count()).select_from(Signal)).one() == 0
    assert events(team_app, "signal.send") == []


def test_a_date_of_birth_counts_as_its_year(team_app, at_work):
    made = el_idrissi(team_app)
    client = partner_client(team_app, factories.partner(team_app))
    for born in ("12-03-1986", "12/3/1986", "1986-03-12"):
        signal = sent(client, signal_form("Joesoef El-Idrissi", born))
        assert signal.family_id == made.family_id, born
        assert "Joesoef El-Idrissi; 1986" in signal.people


# --- never changed, only added to ---------------------------------------------------------------------

def test_a_signal_is_never_changed_only_added_to_up_to_its_cap(team_app, at_work):
    made = el_idrissi(team_app)
    wijkagent = factories.partner(team_app)
    client = partner_client(team_app, wijkagent)
    signal = sent(client, signal_form("Yusuf Elidrissi", "1986"))
    url = f"/partner/signals/{signal.id}"
    token = csrf_token(client.get(url).text)
    empty = client.post(url, data={"text": "", "csrf_token": token})
    assert empty.status_code == 400 and say(team_app, "nl", "Write what you want to add.") in text_of(empty)
    # What the partner adds is added; what the signal said stays, whatever the post names.
    added = client.post(url, data={"text": "Vanochtend opnieuw geschreeuw gehoord.", "what": "Niets aan de hand.",
                                   "urgency": "normal", "csrf_token": token})
    assert added.status_code == 302 and re.fullmatch(rf"{url}#addition-\d+", added.headers["Location"])
    assert "Vanochtend opnieuw geschreeuw gehoord." in text_of(client.get(url))
    bram = signed_in_client(team_app, "bram")
    assert "Vanochtend opnieuw geschreeuw gehoord." in text_of(bram.get(f"/backoffice/signals/{signal.id}"))
    for number in range(2, ADDITIONS_MAX + 1):
        assert client.post(url, data={"text": f"Aanvulling {number}", "csrf_token": token}).status_code == 302
    full = client.post(url, data={"text": "Nog een aanvulling", "csrf_token": token})
    assert full.status_code == 400
    assert say(team_app, "nl", "This signal has as many additions as it can hold (%(limit)s). Send a new signal.",
               limit=ADDITIONS_MAX) in text_of(full)
    assert soup(full).select_one("textarea#text").get_text() == "Nog een aanvulling"  # kept, to send anew
    with database(team_app) as db:
        assert db.exec(select(func.count()).select_from(SignalAddition)).one() == ADDITIONS_MAX
    unchanged = stored(team_app, signal.id)
    assert (unchanged.what, unchanged.urgency, unchanged.people, unchanged.family_id) == (
        signal.what, signal.urgency, signal.people, made.family_id)
    assert [result for result, *_rest in events(team_app, "signal.add")] == ["ok"] * ADDITIONS_MAX
    # No address of the portal changes a sent signal.
    for rule in team_app.url_map.iter_rules():
        assert not rule.methods & {"PUT", "PATCH", "DELETE"}, rule.rule


# --- urgency -------------------------------------------------------------------------------------------------

def test_an_urgent_signal_outside_office_hours_goes_to_the_out_of_hours_list_and_says_so(team_app, monkeypatch):
    monkeypatch.setattr(clock, "system_now", running_from(night(clock.today())))
    made = el_idrissi(team_app)  # its duo from yesterday on: theirs tonight
    client = partner_client(team_app, factories.partner(team_app))
    urgent = sent(client, signal_form("Yusuf Elidrissi", "1986", urgency="urgent"))
    unknown = sent(client, signal_form("Lotte Vermeulen", "2015", urgency="urgent"))
    calm = sent(client, signal_form("Yusuf Elidrissi", "1986", urgency="normal"))
    assert (urgent.family_id, urgent.out_of_hours) == (made.family_id, True)
    assert (unknown.state, unknown.out_of_hours) == (SignalState.intake, True)  # the team lead is not at work either
    assert not calm.out_of_hours
    config = team_app.config
    warning = say(team_app, "nl", "It is urgent and came outside office hours: it is on the out-of-hours service's "
                  "list. If there is danger now, call %(name)s on %(number)s, or 112.",
                  name=config["OUT_OF_HOURS_NAME"], number=config["OUT_OF_HOURS_PHONE"])
    assert warning in text_of(client.get(f"/partner/signals/{urgent.id}"))
    assert warning in text_of(client.get(f"/partner/signals/{unknown.id}"))
    assert warning not in text_of(client.get(f"/partner/signals/{calm.id}"))
    for username in ("bram", "chantal"):  # the team's workers, in the duo or not
        listed = soup(signed_in_client(team_app, username).get("/backoffice/signals/out-of-hours")).select("main li a")
        assert {a["href"] for a in listed} == {f"/backoffice/signals/{urgent.id}", f"/backoffice/signals/{unknown.id}"}
    # Chantal, not of the duo, may read the urgent signal that waits on the intake list tonight, not the household's.
    chantal = signed_in_client(team_app, "chantal")
    assert chantal.get(f"/backoffice/signals/{unknown.id}").status_code == 200
    assert chantal.get(f"/backoffice/signals/{urgent.id}").status_code == 404
    other = factories.other_team(team_app)
    other_lead = team_app.test_client()
    _sign_in_other_team(other_lead, other)
    assert soup(other_lead.get("/backoffice/signals/out-of-hours")).select("main li a") == []


def test_an_urgent_signal_in_office_hours_is_the_duos(team_app, at_work):
    el_idrissi(team_app)
    client = partner_client(team_app, factories.partner(team_app))
    urgent = sent(client, signal_form("Yusuf Elidrissi", "1986", urgency="urgent"))
    assert not urgent.out_of_hours
    assert "112." not in text_of(client.get(f"/partner/signals/{urgent.id}")).split(
        say(team_app, "nl", "What you sent"))[0]
    bram = signed_in_client(team_app, "bram")
    assert f"/backoffice/signals/{urgent.id}" not in bram.get("/backoffice/signals/out-of-hours").text
    work = soup(bram.get("/backoffice/")).select_one("#signals li")
    assert say(team_app, "nl", "urgent") in work.get_text()


def _sign_in_other_team(client, other: factories.OtherTeam) -> None:
    import pyotp

    token = csrf_token(client.get("/backoffice/sign-in").text)
    client.post("/backoffice/sign-in", data={"username": other.lead, "password": DEMO_PASSWORD, "csrf_token": token})
    token = csrf_token(client.get("/backoffice/sign-in/code").text)
    done = client.post("/backoffice/sign-in/code", data={"code": pyotp.TOTP(other.secret).now(), "csrf_token": token})
    assert done.status_code == 302


# --- what was done ------------------------------------------------------------------------------------------

def test_writing_what_was_done_ends_the_task_on_the_work_list(team_app, at_work):
    made = el_idrissi(team_app)
    client = partner_client(team_app, factories.partner(team_app))
    signal = sent(client, signal_form("Yusuf Elidrissi", "1986"))
    bram = signed_in_client(team_app, "bram")
    url = f"/backoffice/signals/{signal.id}"
    token = csrf_token(bram.get(url).text)
    empty = bram.post(url, data={"note": "", "csrf_token": token})
    assert empty.status_code == 400
    assert say(team_app, "nl", "Write what was done, e.g. called the wijkagent back, visited the family.") in text_of(
        empty)
    assert f"/backoffice/signals/{signal.id}" in bram.get("/backoffice/").text  # still a task
    done = bram.post(url, data={"note": "Wijkagent teruggebeld; huisbezoek morgen.", "csrf_token": token})
    assert done.status_code == 303
    assert f"/backoffice/signals/{signal.id}" not in bram.get("/backoffice/").text
    page = text_of(bram.get(url))
    assert "Wijkagent teruggebeld; huisbezoek morgen." in page and soup(bram.get(url)).select("#done-form") == []
    timeline = text_of(bram.get(f"/backoffice/families/{made.family_id}/timeline"))
    assert say(team_app, "nl", "Done with a signal from %(name)s", name=POLICE) in timeline
    assert bram.post(url, data={"note": "Nog eens", "csrf_token": token}).status_code == 404  # done once
    assert stored(team_app, signal.id).done_note == "Wijkagent teruggebeld; huisbezoek morgen."
    assert [(result, family) for result, _o, family, _w in events(team_app, "signal.done")] == [
        ("ok", made.family_id), ("refused", made.family_id)]


def test_the_team_overview_counts_the_months_signals_new_against_repeat_and_hours_to_first_action(team_app, any_hour,
                                                                                                   monkeypatch):
    # 09:00 today, or now if earlier (any_hour: also 00:30, when the UTC date is yesterday's): the three hours below
    # end the same day, in the same month, as Amsterdam counts them.
    start = min(clock.local_now().replace(hour=9, minute=0, second=0, microsecond=0), clock.local_now())
    monkeypatch.setattr(clock, "system_now", running_from(start))
    made = el_idrissi(team_app)
    client = partner_client(team_app, factories.partner(team_app))
    repeat = sent(client, signal_form("Yusuf Elidrissi", "1986"))
    new = sent(client, signal_form("Lotte Vermeulen", "2015", more=(("Mirjam Vermeulen", "1984"),)))
    sent(client, signal_form("Noor Bakker", "2014"))  # waits on the intake list
    lead = signed_in_client(team_app, "teamlead")
    token = csrf_token(lead.get(f"/backoffice/households/new?signal={new.id}").text)
    values = form_values(lead.get(f"/backoffice/households/new?signal={new.id}"), "household-form")
    chantal, dirk = worker(team_app, "chantal"), worker(team_app, "dirk")
    assert lead.post(f"/backoffice/households/new?signal={new.id}", data=values | {
        "contact": str(chantal.id), "partner": str(dirk.id), "csrf_token": token}).status_code in (302, 303)
    monkeypatch.setattr(clock, "system_now", running_from(start + dt.timedelta(hours=3)))
    bram = signed_in_client(team_app, "bram")
    url = f"/backoffice/signals/{repeat.id}"
    assert bram.post(url, data={"note": "Gebeld.", "csrf_token": csrf_token(bram.get(url).text)}).status_code == 303
    overview = soup(signed_in_client(team_app, "teamlead").get("/backoffice/team")).select_one("#signals")
    row = next(tr for tr in overview.select("tbody tr") if tr.th and tr.th.get_text() == start.strftime("%Y-%m"))
    assert [td.get_text(strip=True) for td in row.select("td")] == ["3", "1", "1 (50%)", "3.0"]
    assert made.family_id == repeat.family_id


# --- nobody else reads a signal -------------------------------------------------------------------------------

def test_nobody_but_the_sender_and_the_household_s_staff_reads_a_signal(team_app, at_work):
    made = el_idrissi(team_app, password=True)
    wijkagent = factories.partner(team_app)
    signal = sent(partner_client(team_app, wijkagent), signal_form("Yusuf Elidrissi", "1986"))
    assert signal.family_id == made.family_id
    colleague = factories.partner(team_app, name="Eva Smit")  # of the same police district
    school = factories.partner(team_app, SCHOOL, "school", "Ilse Verbeek", "intern begeleider")
    receipt = f"/partner/signals/{signal.id}"
    for person in (colleague, school):
        other = signed_in_client(team_app, person.username)
        assert other.get(receipt).status_code == 404
        token = csrf_token(other.get("/partner/").text)
        assert other.post(receipt, data={"text": "Ingebroken", "csrf_token": token}).status_code == 404
        assert signal.people not in other.get("/partner/").text  # not among their own signals
        assert other.get(f"/backoffice/signals/{signal.id}").status_code == 404
    # A parent, a member of the household's circle, a child of it and an interpreter of the team: every partner and
    # signal page is "not found".
    member = factories.circle_member(team_app, made.family_id).username
    child = factories.child_with_account(team_app, made.family_id).username
    # Every page of the partners and every back-office page of signals and partner organisations, from the routes.
    token_id = factories.partner_token(team_app, wijkagent.organisation_id)[0]
    values = {"signal_id": signal.id, "organisation_id": wijkagent.organisation_id, "family_id": signal.family_id,
              "account_id": wijkagent.account_id, "token_id": token_id}
    adapter = team_app.url_map.bind("localhost")
    modules = ("portal.partner.views", "portal.backoffice.signals", "portal.backoffice.partners")
    routes = [(adapter.build(rule.endpoint, {name: values[name] for name in rule.arguments}), method)
              for rule in team_app.url_map.iter_rules()
              if team_app.view_functions[rule.endpoint].__module__ in modules
              for method in sorted(rule.methods & {"GET", "POST"})]
    assert {url for url, _method in routes} >= {"/partner/", receipt, "/backoffice/signals", "/backoffice/partners",
                                                f"/backoffice/families/{signal.family_id}/network"}
    visitors = {username: signed_in_client(team_app, username) for username in (made.usernames[0], member, child,
                                                                                  "tolk-ar")}
    before = every_row(team_app)
    for username, visitor in visitors.items():
        token = csrf_token(visitor.get("/about-leave-quickly").text)
        for url, method in routes:
            answer = visitor.get(url) if method == "GET" else visitor.post(url, data={
                "csrf_token": token, "text": "x", "note": "x", "family": str(signal.family_id),
                "organisation": str(wijkagent.organisation_id), "name": "x", "kind": "police", "token_name": "x"})
            assert answer.status_code == 404, (username, method, url, answer.status_code)
    assert every_row(team_app) == before  # and nothing changed
    # Staff outside the household's duo: Chantal of the team, and the team lead and worker of another team.
    other = factories.other_team(team_app)
    for username in ("chantal", other.lead, "joost"):
        outsider = signed_in_client(team_app, username)
        assert outsider.get(f"/backoffice/signals/{signal.id}").status_code == 404, username
        token = csrf_token(outsider.get("/backoffice/").text)
        assert outsider.post(f"/backoffice/signals/{signal.id}", data={"note": "x", "csrf_token": token}
                             ).status_code == 404, username
    assert stored(team_app, signal.id).done_at is None
    refused = [(result, family) for result, _o, family, _w in events(team_app, "signal.view") if result == "refused"]
    assert refused.count(("refused", signal.family_id)) >= 3  # each outsider's look, with the household
    assert signed_in_client(team_app, "anouk").get(f"/backoffice/signals/{signal.id}").status_code == 200


# --- switching an organisation off ----------------------------------------------------------------------------

def test_switching_the_organisation_off_ends_its_people_s_sessions_and_its_tokens(team_app, at_work):
    el_idrissi(team_app)
    wijkagent = factories.partner(team_app)
    _token_id, token = factories.partner_token(team_app, wijkagent.organisation_id)
    client = partner_client(team_app, wijkagent)
    signal = sent(client, signal_form("Yusuf Elidrissi", "1986"))
    bearer = {"Authorization": f"Bearer {token}"}
    by_system = team_app.test_client().post("/api/v1/signals", headers=bearer, json={
        "people": [{"name": "Yusuf Elidrissi", "born": "1986"}], "what": WHAT,
        "happened_at": (clock.now() - dt.timedelta(minutes=30)).isoformat(), "observed_by": "wijkagent",
        "urgency": "normal", "call_back": CALL_BACK})
    assert by_system.status_code == 201, by_system.get_json()
    system_receipt = by_system.headers["Location"]
    assert team_app.test_client().get(system_receipt, headers=bearer).status_code == 200

    lead = signed_in_client(team_app, "teamlead")
    organisation = f"/backoffice/partners/{wijkagent.organisation_id}"
    switched = lead.post(f"{organisation}/switch", data={"csrf_token": csrf_token(lead.get(organisation).text)})
    assert switched.status_code == 303
    # At once: the open session is gone, and the token answers 401.
    assert client.get(f"/partner/signals/{signal.id}").headers.get("Location") == "/backoffice/sign-in"
    assert client.get("/partner/").status_code == 302
    assert team_app.test_client().get(system_receipt, headers=bearer).status_code == 401
    refused = team_app.test_client().post("/api/v1/signals", headers=bearer, json={"people": []})
    assert refused.status_code == 401
    # Signing in again is refused as for any switched-off account: the organisation sends nothing while it is off.
    again = team_app.test_client()
    token = csrf_token(again.get("/backoffice/sign-in").text)
    attempt = again.post("/backoffice/sign-in", data={"username": wijkagent.username, "password": DEMO_PASSWORD,
                                                      "csrf_token": token})
    assert attempt.status_code != 302, attempt.headers.get("Location")
    # Switched on again, its people sign in and send as before.
    lead.post(f"{organisation}/switch", data={"csrf_token": csrf_token(lead.get(organisation).text)})
    sign_in(again, wijkagent.username)
    assert again.get("/partner/").status_code == 200


# --- the team lead's partner organisations ------------------------------------------------------------------

def test_the_team_lead_adds_an_organisation_and_a_person_who_signs_in_from_the_letter(team_app):
    lead = signed_in_client(team_app, "teamlead")
    token = csrf_token(lead.get("/backoffice/partners").text)
    refused = lead.post("/backoffice/partners", data={"name": "", "kind": "bakery", "csrf_token": token})
    assert refused.status_code == 400
    assert say(team_app, "nl", "Write the organisation's name, e.g. Politie Amsterdam-Zuid.") in text_of(refused)
    assert say(team_app, "nl", "Choose what kind of organisation it is.") in text_of(refused)
    made = lead.post("/backoffice/partners", data={"name": "Huisartsen De Pijp", "kind": "gp", "csrf_token": token})
    assert made.status_code == 303
    organisation = made.headers["Location"]
    person = lead.post(f"{organisation}/people", data={"name": "Eva Smit", "function": "huisarts",
                                                       "csrf_token": csrf_token(lead.get(organisation).text)})
    assert person.status_code == 303
    letter = lead.get(person.headers["Location"])
    assert letter.status_code == 200, letter.headers.get("Location")  # the letter to print, with its password
    username, password = (strong.get_text() for strong in soup(letter).select("article.letter strong"))
    assert username.startswith("partner-") and password
    assert lead.get(person.headers["Location"]).status_code == 200  # again on a reload, on this computer
    # The letter's username and start password: the next step is linking an authenticator (two factors).
    newcomer = team_app.test_client()
    first = newcomer.post("/backoffice/sign-in", data={"username": username, "password": password, "csrf_token":
                                                       csrf_token(newcomer.get("/backoffice/sign-in").text)})
    assert first.headers["Location"] == "/backoffice/enrol"
    assert newcomer.get("/partner/").status_code == 302  # not signed in before the second factor
    assert [result for result, *_rest in events(team_app, "partner.create")] == ["ok"]
    assert [result for result, *_rest in events(team_app, "partner.person")] == ["ok"]


def test_a_token_is_shown_once_and_works_until_it_is_revoked(team_app, at_work):
    wijkagent = factories.partner(team_app)
    lead = signed_in_client(team_app, "teamlead")
    organisation = f"/backoffice/partners/{wijkagent.organisation_id}"
    page = lead.post(f"{organisation}/tokens", data={"token_name": "BVH koppeling",
                                                     "csrf_token": csrf_token(lead.get(organisation).text)})
    assert page.status_code == 200
    token = re.search(r"bv_[A-Za-z0-9_-]{20,}", page.get_data(as_text=True)).group(0)
    assert token not in lead.get(organisation).get_data(as_text=True)  # shown on that answer only
    with database(team_app) as db:
        assert token not in str(db.exec(select(PartnerToken.token_hash)).all())  # only its hash is kept
        token_id = db.exec(select(PartnerToken.id)).one()
    bearer = {"Authorization": f"Bearer {token}"}
    api = team_app.test_client()
    assert api.get("/api/v1/signals/999999", headers=bearer).status_code == 404  # known token, no such signal
    revoked = lead.post(f"{organisation}/tokens/{token_id}/revoke",
                        data={"csrf_token": csrf_token(lead.get(organisation).text)})
    assert revoked.status_code == 303
    assert api.get("/api/v1/signals/999999", headers=bearer).status_code == 401
    assert [result for result, *_rest in events(team_app, "partner.token")] == ["ok"]
    assert [result for result, *_rest in events(team_app, "partner.token_revoke")] == ["ok"]
    # Another team's lead reaches none of it.
    other = factories.other_team(team_app)
    other_lead = team_app.test_client()
    _sign_in_other_team(other_lead, other)
    assert other_lead.get(organisation).status_code == 404
    token_page = csrf_token(other_lead.get("/backoffice/").text)
    assert other_lead.post(f"{organisation}/switch", data={"csrf_token": token_page}).status_code == 404


def test_a_household_lists_only_its_own_team_s_partners_in_its_network(team_app, at_work):
    """Another team's household cannot list this team's police: the police would read that team's contact person."""
    wijkagent = factories.partner(team_app)
    other = factories.other_team(team_app)
    other_lead = team_app.test_client()
    _sign_in_other_team(other_lead, other)
    family_file = other_lead.get(f"/backoffice/families/{other.family_id}")
    assert family_file.status_code == 200
    assert f'value="{wijkagent.organisation_id}"' not in family_file.text  # not offered
    refused = other_lead.post(f"/backoffice/families/{other.family_id}/network", data={
        "organisation": str(wijkagent.organisation_id), "csrf_token": csrf_token(family_file.text)})
    assert refused.status_code == 404
    with database(team_app) as db:
        assert db.exec(select(func.count()).select_from(ProfessionalNetwork)).one() == 0
    assert [result for result, *_rest in events(team_app, "family.network")] == ["refused"]
