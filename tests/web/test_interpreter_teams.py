"""Interpreters work for teams, and the translation memory keeps to its audience (issue 20, points 5 and 6).

The findings: another team's plan (with a shelter address for one parent) went to this team's interpreter, the
lowest id of the language, also when switched off; the appointment form listed every interpreter in the country;
and a sentence for one parent only ("... in de opvang aan de Kastanjehof.") was offered, translated, to another
team's interpreter as "89% alike, another household"."""
import datetime as dt

from sqlmodel import col, select

from portal import clock
from portal.models import (
    Account,
    Appointment,
    Family,
    Interpreter,
    InterpreterTeam,
    ParentTextRendering,
    PlanQuestion,
    TranslationJob,
    Worker,
)
from portal.services.plans import current_version
from support import factories
from support.pages import database, form_values, say, soup, text_of
from support.sign_in import csrf_token, signed_in_client

SHELTER = "Moeder woont nu met de kinderen in de opvang aan de Kastanjehof."
ELSEWHERE = "Moeder slaapt nu op een andere plek."  # for one parent, and nothing in it is protected
OUTSIDE = "De kinderen spelen buiten in de tuin."  # for the whole household, nothing protected
OTHER_TEAM = {"contact": "Joost Mulder", "partner": "Ria Bakker"}  # factories.other_team's worker and lead


def publish(worker, family_id: int, extra: dict | None = None) -> None:
    """The duo writes a one-agreement plan (and what `extra` adds) in the editor and publishes it."""
    url = f"/backoffice/families/{family_id}/plan"
    form = form_values(worker.get(url), "plan-form") | {
        "s1-kind": "acute", "s1-description": "Er is ruzie in huis.", "s1-a-count": "1", "s1-a-0-who": "Oma",
        "s1-a-0-what": "De kinderen slapen bij oma.", "s1-a-0-when": "Altijd.", "s1-a-0-wrong": "Bel de buurvrouw.",
        "action": "publish"} | (extra or {})
    response = worker.post(url, data=form)
    assert response.status_code == 302, text_of(response)[:800]


def job_of(app, family_id: int, language: str = "ar") -> TranslationJob:
    with database(app) as db:
        version = current_version(db, family_id)
        return db.exec(select(TranslationJob).where(TranslationJob.version_id == version.id,
                                                    TranslationJob.language == language)).one()


def team_of(app, family_id: int) -> int:
    with database(app) as db:
        return db.get(Family, family_id).team_id


def demo_team(app) -> int:
    with database(app) as db:
        return db.exec(select(Worker.team_id).where(Worker.name == "Bram de Wit")).one()


def interpreter_of(app, username: str) -> tuple[int, int]:
    """(interpreter id, account id) of a demo interpreter."""
    with database(app) as db:
        return db.exec(select(Interpreter.id, Account.id).join(Account, Account.id == Interpreter.account_id)
                       .where(Account.username == username)).one()


def open_work(app, interpreter_id: int | None) -> tuple[set[int], set[int]]:
    """The ids of the open translation jobs (neither completed nor closed) and of the parents' texts waiting for a
    rendering that someone holds (None: that nobody holds)."""
    with database(app) as db:
        jobs = db.exec(select(TranslationJob.id).where(TranslationJob.interpreter_id == interpreter_id,
                                                       col(TranslationJob.completed_at).is_(None),
                                                       col(TranslationJob.closed_at).is_(None))).all()
        texts = db.exec(select(ParentTextRendering.id).where(ParentTextRendering.interpreter_id == interpreter_id,
                                                             col(ParentTextRendering.rendered_at).is_(None))).all()
        return set(jobs), set(texts)


def ask_rendering(app, worker, household: factories.Household) -> int:
    """The household's first parent asks a question about the plan; the duo asks for it in Dutch."""
    factories.question(app, household.usernames[0], "هل يمكن أن تأتي الجدة يوم الأحد؟")
    with database(app) as db:
        question = db.exec(select(PlanQuestion).where(PlanQuestion.parent_id == household.parent_ids[0])).one()
    page = worker.get(f"/backoffice/families/{household.family_id}/answers").text
    response = worker.post(f"/backoffice/families/{household.family_id}/questions/{question.id}/rendering",
                           data={"csrf_token": csrf_token(page)})
    assert response.status_code == 302
    with database(app) as db:
        return db.exec(select(ParentTextRendering.id).where(ParentTextRendering.text_id == question.id,
                                                            ParentTextRendering.kind == "question")).one()


def switch(lead, account_id: int, active: str):
    page = lead.get(f"/backoffice/staff/{account_id}").text
    return lead.post(f"/backoffice/staff/{account_id}/active", data={"csrf_token": csrf_token(page), "active": active})


# --- point 5: whose work -------------------------------------------------------------------------------------

def test_another_teams_plan_goes_only_to_an_active_interpreter_of_that_team_with_the_least_work(team_app):
    factories.other_team(team_app)
    joost = signed_in_client(team_app, "joost")
    first, second, third = (factories.household(team_app, ["ar"], **OTHER_TEAM) for _ in range(3))
    publish(joost, first.family_id)
    job = job_of(team_app, first.family_id)
    # The demo team's Arabic interpreter (the lowest id of the language) is not theirs: nobody has it yet.
    assert job.interpreter_id is None
    assert signed_in_client(team_app, "tolk-ar").get(f"/backoffice/translations/{job.id}").status_code == 404
    overview = soup(signed_in_client(team_app, "lead-zuidoost").get("/backoffice/team"))
    waiting = [row.get_text(" ", strip=True) for row in overview.select("#translations ~ div tbody tr")]
    assert any(row.startswith("Gezin Proef") and say(team_app, "nl", "nobody yet") in row for row in waiting)

    team = team_of(team_app, first.family_id)
    switched_off = factories.interpreter(team_app, team, "Layla Amrani", "ar", active=False)  # the team's lowest id
    karim = factories.interpreter(team_app, team, "Karim Said", "tr,ar")
    noor = factories.interpreter(team_app, team, "Noor Haddad", "ar")
    factories.interpreter(team_app, team, "Olga Nowak", "pl")  # of the team, another language
    publish(joost, second.family_id)
    assert job_of(team_app, second.family_id).interpreter_id == karim.interpreter_id  # no work yet; the lower id
    publish(joost, third.family_id)
    assert job_of(team_app, third.family_id).interpreter_id == noor.interpreter_id  # Karim has one job open
    rendering = ask_rendering(team_app, joost, first)  # one job each: the lower id
    assert open_work(team_app, karim.interpreter_id)[1] == {rendering}
    assert open_work(team_app, switched_off.interpreter_id) == (set(), set())


def test_a_switched_off_interpreter_gets_no_work_and_their_open_work_moves_at_once(team_app):
    household, later = factories.household(team_app, ["ar"]), factories.household(team_app, ["ar"])
    bram, lead = signed_in_client(team_app, "bram"), signed_in_client(team_app, "teamlead")
    samira, samira_account = interpreter_of(team_app, "tolk-ar")
    publish(bram, household.family_id)
    rendering = ask_rendering(team_app, bram, household)
    jobs, texts = open_work(team_app, samira)
    assert job_of(team_app, household.family_id).id in jobs and texts == {rendering}
    nadia = factories.interpreter(team_app, team_of(team_app, household.family_id), "Nadia Bouzid", "ar")

    assert switch(lead, samira_account, "off").status_code == 302
    assert open_work(team_app, samira) == (set(), set())
    assert open_work(team_app, nadia.interpreter_id) == (jobs, texts)  # the one other Arabic interpreter
    publish(bram, later.family_id)
    assert job_of(team_app, later.family_id).interpreter_id == nadia.interpreter_id
    jobs, texts = open_work(team_app, nadia.interpreter_id)

    assert switch(lead, nadia.account_id, "off").status_code == 302  # nobody of the team is left for Arabic
    assert open_work(team_app, nadia.interpreter_id) == (set(), set())
    assert jobs <= open_work(team_app, None)[0] and texts <= open_work(team_app, None)[1]
    overview = text_of(lead.get("/backoffice/team"))
    assert overview.count(say(team_app, "nl", "nobody yet")) >= len(jobs)

    assert switch(lead, samira_account, "on").status_code == 302  # back: the waiting work is hers again
    assert open_work(team_app, samira) == (jobs, texts)


def test_work_that_opens_again_goes_to_who_may_take_it_now(team_app):
    household = factories.household(team_app, ["ar"])
    bram, lead = signed_in_client(team_app, "bram"), signed_in_client(team_app, "teamlead")
    publish(bram, household.family_id)
    job = job_of(team_app, household.family_id)
    with database(team_app) as db:  # Samira finished it
        done = db.get(TranslationJob, job.id)
        done.completed_at = done.opened_at
        db.add(done)
        db.commit()
    nadia = factories.interpreter(team_app, team_of(team_app, household.family_id), "Nadia Bouzid", "ar")
    assert switch(lead, interpreter_of(team_app, "tolk-ar")[1], "off").status_code == 302
    rendering = ask_rendering(team_app, bram, household)
    with database(team_app) as db:
        question = db.exec(select(PlanQuestion).where(PlanQuestion.parent_id == household.parent_ids[0])).one()
    answers = f"/backoffice/families/{household.family_id}/answers"
    replied = bram.post(f"/backoffice/families/{household.family_id}/questions/{question.id}",
                        data={"csrf_token": csrf_token(bram.get(answers).text), "reply": "Ja, dat mag."})
    assert replied.status_code == 302
    jobs, texts = open_work(team_app, nadia.interpreter_id)
    assert job.id in jobs and texts == {rendering}  # the reply opened the finished job again: for Nadia

def test_the_appointment_form_offers_only_the_households_teams_active_interpreters(team_app):
    other = factories.other_team(team_app)
    household = factories.household(team_app, ["ar"])
    theirs = factories.interpreter(team_app, team_of(team_app, other.family_id), "Karim Said", "ar")
    switched_off = factories.interpreter(team_app, team_of(team_app, household.family_id), "Layla Amrani", "ar",
                                         active=False)
    samira, _account = interpreter_of(team_app, "tolk-ar")
    zeynep, _account = interpreter_of(team_app, "tolk-tr")
    bram = signed_in_client(team_app, "bram")
    url = f"/backoffice/families/{household.family_id}/appointments"
    page = bram.get(url)
    offered = {option["value"] for option in soup(page).select("select#interpreter_id option") if option["value"]}
    with database(team_app) as db:
        active = db.exec(select(Interpreter.id).join(Account, Account.id == Interpreter.account_id)
                         .join(InterpreterTeam, InterpreterTeam.interpreter_id == Interpreter.id)
                         .where(InterpreterTeam.team_id == demo_team(team_app), col(Account.active))).all()
    assert len(active) == 7 and offered == {str(number) for number in active}
    assert str(theirs.interpreter_id) not in offered and "Karim Said" not in text_of(page)

    day = (clock.today() + dt.timedelta(days=3)).isoformat()
    typed = {"date": day, "time": "10:00", "duration": "45", "place": "Buurthuis De Boog", "with_whom": "Bram de Wit",
             "purpose": "Samen het plan lezen.", "audience": "household", "interpreter_language": "ar"}
    for refused in (theirs.interpreter_id, switched_off.interpreter_id, zeynep):  # Zeynep speaks Turkish
        response = bram.post(url, data=typed | {"csrf_token": csrf_token(page.text), "interpreter_id": str(refused)})
        assert response.status_code == 400
        shown = soup(response)
        assert shown.select_one("#interpreter_id-error").get_text(strip=True) == say(
            team_app, "nl", "Choose an interpreter from the list who speaks the chosen language.")
        assert shown.select_one("input[name=place]")["value"] == "Buurthuis De Boog"
        assert shown.select_one("input[name=purpose]")["value"] == "Samen het plan lezen."
        assert shown.select_one("input[name=duration]")["value"] == "45"
        assert shown.select_one("select#interpreter_language option[selected]")["value"] == "ar"
    with database(team_app) as db:
        assert db.exec(select(Appointment).where(Appointment.family_id == household.family_id)).all() == []
    saved = bram.post(url, data=typed | {"csrf_token": csrf_token(page.text), "interpreter_id": str(samira)})
    assert saved.status_code == 302
    with database(team_app) as db:
        made = db.exec(select(Appointment).where(Appointment.family_id == household.family_id)).one()
        assert (made.interpreter_id, made.interpreter_language) == (samira, "ar")


def test_a_team_lead_manages_and_prints_letters_only_for_interpreters_of_their_own_team(team_app):
    other = factories.other_team(team_app)
    ours = factories.interpreter(team_app, demo_team(team_app), "Nadia Bouzid", "ar")
    theirs = factories.interpreter(team_app, team_of(team_app, other.family_id), "Karim Said", "ar")
    lead = signed_in_client(team_app, other.lead)
    token = csrf_token(lead.get("/backoffice/").text)
    staff = f"/backoffice/staff/{ours.account_id}"
    assert lead.get(staff).status_code == 404
    for url, data in ((staff, {"name": "Nadia X", "languages": "ar"}), (f"{staff}/active", {"active": "off"}),
                      (f"{staff}/letter", {})):
        assert lead.post(url, data=data | {"csrf_token": token}).status_code == 404, url
    with database(team_app) as db:
        account = db.get(Account, ours.account_id)
        assert account.active and account.password_hash is None and account.display_name == "Nadia Bouzid"
    # Their own interpreter: the same lead may.
    assert lead.get(f"/backoffice/staff/{theirs.account_id}").status_code == 200
    letter = lead.post(f"/backoffice/staff/{theirs.account_id}/letter", data={"csrf_token": token},
                       follow_redirects=True)
    assert letter.status_code == 200 and "Karim Said" in text_of(letter)


# --- point 6: the memory keeps to its audience ---------------------------------------------------------------

def test_a_sentence_for_one_parent_never_reaches_another_households_interpreter(team_app):
    factories.other_team(team_app)
    ours = factories.household(team_app, ["ar", "ar"])
    only_her = f"parents:{ours.parent_ids[0]}"
    bram, samira = signed_in_client(team_app, "bram"), signed_in_client(team_app, "tolk-ar")
    publish(bram, ours.family_id, {
        "help-count": "2", "help-0-text": SHELTER, "help-0-who": "", "help-0-audience": only_her,
        "help-1-text": ELSEWHERE, "help-1-who": "", "help-1-audience": only_her,
        "future-count": "1", "future-0-text": OUTSIDE, "future-0-who": "", "future-0-audience": "household"})
    job = job_of(team_app, ours.family_id)
    page = samira.get(f"/backoffice/translations/{job.id}")
    form = form_values(page, "translate-form")
    for row in soup(page).select("table.side-by-side tbody tr"):
        form[row.select_one("textarea")["name"]] = "ترجمة: " + row.select_one('td[lang="nl"]').get_text()
    assert samira.post(f"/backoffice/translations/{job.id}", data=form).status_code == 200

    # Another team's household: the same sentences for everyone, and alike ones.
    theirs = factories.household(team_app, ["ar"], **OTHER_TEAM)
    karim = factories.interpreter(team_app, team_of(team_app, theirs.family_id), "Karim Said", "ar")
    alike = "Moeder woont nu met de kinderen in de opvang."  # 81% alike the shelter sentence, nothing protected
    publish(signed_in_client(team_app, "joost"), theirs.family_id, {
        "help-count": "2", "help-0-text": alike, "help-0-who": "", "help-0-audience": "household",
        "help-1-text": ELSEWHERE, "help-1-who": "", "help-1-audience": "household",
        "future-count": "2", "future-0-text": OUTSIDE, "future-0-who": "", "future-0-audience": "household",
        "future-1-text": "De kinderen spelen binnen in de tuin.", "future-1-who": "", "future-1-audience": "household"})
    their_job = job_of(team_app, theirs.family_id)
    assert their_job.interpreter_id == karim.interpreter_id
    page = signed_in_client(team_app, karim.username).get(f"/backoffice/translations/{their_job.id}")
    assert "Kastanjehof" not in text_of(page) and "ترجمة: Moeder" not in text_of(page)
    rows = {row.select_one('td[lang="nl"]').get_text(): row for row in soup(page).select("table.side-by-side tbody tr")}
    for private in (alike, ELSEWHERE):  # neither suggested nor copied in
        assert rows[private].select("ul.suggestions") == [], private
        assert rows[private].select_one("textarea").get_text() == "", private
    # A whole-household sentence without protected text still is: copied in, and suggested for an alike one.
    assert rows[OUTSIDE].select_one("textarea").get_text() == "ترجمة: " + OUTSIDE
    suggested = rows["De kinderen spelen binnen in de tuin."].select_one("ul.suggestions")
    assert suggested is not None and "ترجمة: " + OUTSIDE in suggested.get_text()


def test_work_given_before_an_interpreter_left_the_team_is_closed_to_them(team_app):
    """A job handed out while the interpreter was of the household's team: once unlinked, they open it no more."""
    bram = signed_in_client(team_app, "bram")
    household = factories.household(team_app, ["ar"])
    taken = factories.interpreter(team_app, demo_team(team_app), "Sara Amrani", "ar")
    publish(bram, household.family_id)
    job = job_of(team_app, household.family_id)
    with database(team_app) as db:  # given to Sara directly: as an assignment made before the team rule was
        row = db.get(TranslationJob, job.id)
        row.interpreter_id = taken.interpreter_id
        db.add(row)
        db.commit()
    sara = signed_in_client(team_app, taken.username)
    assert sara.get(f"/backoffice/translations/{job.id}").status_code == 200
    with database(team_app) as db:
        for link in db.exec(select(InterpreterTeam).where(InterpreterTeam.interpreter_id == taken.interpreter_id)):
            db.delete(link)
        db.commit()
    assert sara.get(f"/backoffice/translations/{job.id}").status_code == 404
