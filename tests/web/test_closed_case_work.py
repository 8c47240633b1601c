"""A closed household's work ends with its case (issue 20, point 7): its translation jobs and the renderings of its
parents' words are no longer open, and its questions, drafts, appointments (the safe place's too) and jobs leave
every work list - the worker's, the team lead's, the interpreter's and the team overview. Reopening the case gives
the work the closing stopped back to its interpreters, as it was."""
import datetime as dt

from sqlmodel import select

from portal import clock
from portal.models import AuditEvent, ParentTextRendering, PlanQuestion, TranslationJob
from portal.rules.audience import only_for
from portal.services.plans import current_version
from support import factories
from support.pages import database, form_values, say, soup, text_of
from support.sign_in import csrf_token, signed_in_client

SAFE_PURPOSE = "Gesprek met Fatima alleen."
FATIMAS_QUESTION = "Mag Amira bij oma slapen?"
# The lists of a worker's and a team lead's home.
WORK = ("Questions and disagreements", "Drafts waiting", "Coming appointments", "Translations waiting")


def section(app, response, heading: str) -> str:
    """The text of the card whose heading is `heading` (in Dutch, the staff's language)."""
    title = soup(response).find("h2", string=say(app, "nl", heading))
    assert title is not None, heading
    return " ".join(title.find_parent("section").get_text(" ").split())


def el_idrissi(app) -> factories.Household:
    """Fatima and Youssef, who read Arabic and are kept apart, with Bram and Anouk as their duo: a published plan (its
    Arabic job goes to tolk-ar), an appointment for both and one at a safe place for Fatima alone with tolk-ar."""
    household = factories.fatima_and_youssef(app, children=True)
    factories.published_plan(app, household.family_id)
    factories.appointment(app, household.family_id, days=3)
    factories.appointment(app, household.family_id, audience=only_for(household.parent_ids[:1]), safe_place=True,
                          purpose=SAFE_PURPOSE, interpreter="tolk-ar")
    return household


def work_of(app, family: int) -> tuple[list[TranslationJob], list[ParentTextRendering]]:
    """The jobs of the household's current version (a newer version closed those before it) and its renderings."""
    with database(app) as db:
        jobs = db.exec(select(TranslationJob).where(
            TranslationJob.version_id == current_version(db, family).id).order_by(TranslationJob.id)).all()
        renderings = db.exec(select(ParentTextRendering).where(ParentTextRendering.family_id == family)).all()
        return list(jobs), list(renderings)


def waiting_everywhere(app, bram, household: factories.Household) -> None:
    """Through the pages: Fatima asks a question, the duo asks for its rendering and saves a draft of the plan."""
    family = household.family_id
    factories.question(app, household.usernames[0], FATIMAS_QUESTION)
    with database(app) as db:
        question = db.exec(select(PlanQuestion.id).where(PlanQuestion.text == FATIMAS_QUESTION)).one()
    answers = f"/backoffice/families/{family}/answers"
    ask = bram.post(f"/backoffice/families/{family}/questions/{question}/rendering",
                    data={"csrf_token": csrf_token(bram.get(answers).text)})
    assert ask.status_code == 302
    editor = f"/backoffice/families/{family}/plan"
    assert bram.post(editor, data=form_values(bram.get(editor), "plan-form")).status_code == 200  # a draft


def change_case(lead, family: int, **fields) -> None:
    url = f"/backoffice/families/{family}/case"
    response = lead.post(url, data=dict(fields, csrf_token=csrf_token(lead.get(url).text)))
    assert response.status_code == 302, text_of(response)[:1000]


def looks_at(app, since: int, family: int) -> list[str]:
    with database(app) as db:
        return [event.action for event in db.exec(select(AuditEvent).where(
            AuditEvent.id > since, AuditEvent.family_id == family, AuditEvent.action == "overview.view"))]


def last_event(app) -> int:
    with database(app) as db:
        return db.exec(select(AuditEvent.id).order_by(AuditEvent.id.desc())).first() or 0


def test_a_closed_household_leaves_every_work_list_and_its_work_is_no_longer_open(team_app):
    household = el_idrissi(team_app)
    family, name = household.family_id, household.name
    bram, lead, tolk = (signed_in_client(team_app, name) for name in ("bram", "teamlead", "tolk-ar"))
    waiting_everywhere(team_app, bram, household)
    jobs, renderings = work_of(team_app, family)
    links = [f"/backoffice/translations/{job.id}" for job in jobs] + [
        f"/backoffice/renderings/{rendering.id}" for rendering in renderings]
    # Before: the household's work is on every list (else this test would prove nothing).
    for client in (bram, lead):
        home = client.get("/backoffice/")
        for heading in WORK:
            assert name in section(team_app, home, heading), heading
    interpreter_home = tolk.get("/backoffice/")
    assert all(soup(interpreter_home).select(f'a[href="{link}"]') for link in links)
    assert SAFE_PURPOSE in text_of(interpreter_home)
    overview = text_of(lead.get("/backoffice/team"))
    assert name in overview

    change_case(lead, family, reason="De veiligheid is duurzaam hersteld.", closed_on=clock.today().isoformat())

    jobs, renderings = work_of(team_app, family)
    assert jobs and all(job.closed_at is not None and job.completed_at is None for job in jobs)  # not translated
    assert renderings and all(row.closed_at is not None and row.rendered_at is None for row in renderings)
    since = last_event(team_app)
    for client in (bram, lead):
        home = client.get("/backoffice/")
        for heading in WORK:
            assert name not in section(team_app, home, heading), heading
        families = section(team_app, home, "My families")
        assert name in families and say(team_app, "nl", "case closed") in families  # the file is still kept
    interpreter_home = tolk.get("/backoffice/")
    assert not any(soup(interpreter_home).select(f'a[href="{link}"]') for link in links)
    assert SAFE_PURPOSE not in text_of(interpreter_home)
    assert all(tolk.get(link).status_code == 404 for link in links)  # nor opened by its address (portal.policy)
    assert name not in text_of(lead.get("/backoffice/team"))
    assert looks_at(team_app, since, family) == []  # the lists showed nothing of it: no look on record


def test_reopening_gives_the_stopped_work_back_to_its_interpreters(team_app):
    household = el_idrissi(team_app)
    family, name = household.family_id, household.name
    bram, lead, tolk = (signed_in_client(team_app, name) for name in ("bram", "teamlead", "tolk-ar"))
    waiting_everywhere(team_app, bram, household)
    before = work_of(team_app, family)
    change_case(lead, family, reason="De veiligheid is duurzaam hersteld.", closed_on=clock.today().isoformat())
    change_case(lead, family, reason="Nieuwe melding van de school.")

    jobs, renderings = work_of(team_app, family)
    assert [(job.id, job.interpreter_id, job.completed_at, job.closed_at) for job in jobs] == [
        (job.id, job.interpreter_id, job.completed_at, None) for job in before[0]]
    assert [(row.id, row.interpreter_id, row.rendered_at, row.closed_at) for row in renderings] == [
        (row.id, row.interpreter_id, row.rendered_at, None) for row in before[1]]
    interpreter_home = tolk.get("/backoffice/")
    for link in [f"/backoffice/translations/{job.id}" for job in jobs] + [
            f"/backoffice/renderings/{row.id}" for row in renderings]:
        assert soup(interpreter_home).select(f'a[href="{link}"]'), link
        assert tolk.get(link).status_code == 200, link
    assert SAFE_PURPOSE in text_of(interpreter_home)
    home = bram.get("/backoffice/")
    for heading in WORK:
        assert name in section(team_app, home, heading), heading


def test_work_finished_before_the_closing_stays_finished(team_app):
    """Only open work is stopped, and only that comes back: a finished translation is not opened again."""
    family = el_idrissi(team_app).family_id
    lead = signed_in_client(team_app, "teamlead")
    jobs, _renderings = work_of(team_app, family)
    finished_at = dt.datetime(2026, 1, 5, 12, tzinfo=dt.UTC)
    with database(team_app) as db:
        job = db.get(TranslationJob, jobs[0].id)
        job.completed_at = finished_at
        db.add(job)
        db.commit()
    change_case(lead, family, reason="De veiligheid is duurzaam hersteld.", closed_on=clock.today().isoformat())
    closed = {job.id: job for job in work_of(team_app, family)[0]}
    assert closed[jobs[0].id].closed_at is None and closed[jobs[0].id].completed_at == finished_at
    assert all(job.closed_at is not None for number, job in closed.items() if number != jobs[0].id)
    change_case(lead, family, reason="Nieuwe melding van de school.")
    reopened = {job.id: job for job in work_of(team_app, family)[0]}
    assert reopened[jobs[0].id].completed_at == finished_at
    assert all(job.closed_at is None for job in reopened.values())
