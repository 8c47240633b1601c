"""The interpreter's work (issue 21, point 9): the work list names household, version and waiting time, the one
waiting longest first; a newer version closes the job of the one before and carries what it left open, and replies
join the newest version's job; every segment says where it stands and who will read it; a sentence that is only a
name is no segment."""
import datetime as dt

import pytest
from flask_babel import force_locale, gettext, ngettext
from sqlmodel import select

from portal import clock
from portal.models import Family, PlanQuestion, PlanVersion, SafetyPlan, TranslationJob
from portal.services.interpreting import job_work, memory, open_segments
from portal.services.plans import current_version
from support import factories
from support.pages import database, form_values, say, soup, text_of
from support.sign_in import csrf_token, signed_in_client

pytestmark = pytest.mark.both_databases

WHAT = ("De kinderen slapen bij oma als er ruzie is. Oma haalt de kinderen van school. "
        "De kinderen bellen elke avond met mama.")
CHANGED = WHAT.replace("van school", "van de sportclub")
DESCRIPTION = "Er wordt hard geschreeuwd in huis."
NOTE = "Er is iets veranderd in de afspraken."
OTHER_TEAM = {"contact": "Joost Mulder", "partner": "Ria Bakker"}  # factories.other_team's worker and lead


def publish(worker, family_id: int, what: str, extra: dict | None = None) -> None:
    """The duo writes (or changes) a one-agreement plan in the editor and publishes it."""
    url = f"/backoffice/families/{family_id}/plan"
    form = form_values(worker.get(url), "plan-form") | {
        "s1-kind": "acute", "s1-description": DESCRIPTION, "s1-a-count": "1", "s1-a-0-who": "Oma", "s1-a-0-what": what,
        "s1-a-0-when": "Altijd.", "s1-a-0-wrong": "Bel dan de buurvrouw.", "note": "", "action": "publish"}
    response = worker.post(url, data=form | (extra or {}))
    assert response.status_code == 302, text_of(response)[:800]


def jobs_of(app, family_id: int) -> list[TranslationJob]:
    """The household's Arabic jobs, oldest version first."""
    with database(app) as db:
        return list(db.exec(select(TranslationJob).join(PlanVersion, PlanVersion.id == TranslationJob.version_id)
                            .join(SafetyPlan, SafetyPlan.id == PlanVersion.plan_id)
                            .where(SafetyPlan.family_id == family_id, TranslationJob.language == "ar")
                            .order_by(TranslationJob.id)))


def job_of(app, family_id: int) -> TranslationJob:
    with database(app) as db:
        version = current_version(db, family_id)
        return db.exec(select(TranslationJob).where(TranslationJob.version_id == version.id,
                                                    TranslationJob.language == "ar")).one()


def rows_of(page) -> dict[str, object]:
    """The interpreter's segments by their Dutch sentence: each table row."""
    return {row.select_one('td[lang="nl"]').get_text(): row for row in soup(page).select("table.side-by-side tbody tr")}


def translate(interpreter, job_id: int, only=lambda source: True) -> None:
    """The interpreter fills in the segments chosen (a pretend translation that keeps every token) and saves."""
    url = f"/backoffice/translations/{job_id}"
    page = interpreter.get(url)
    form = form_values(page, "translate-form")
    form |= {row.select_one("textarea")["name"]: "ترجمة: " + source for source, row in rows_of(page).items()
             if only(source)}
    response = interpreter.post(url, data=form)
    assert response.status_code == 200, text_of(response)[:800]


def open_work(app, job_id: int) -> list[str]:
    with database(app) as db:
        job = db.get(TranslationJob, job_id)
        work = job_work(db, job, clock.today())
        return open_segments(work.texts, memory(db, work.texts, job.language, work.family_id))


def ask(app, parent, question: str) -> int:
    """A parent asks a question about the plan they read; its id."""
    asked = parent.post("/plan", data={"csrf_token": csrf_token(parent.get("/plan").text), "answer": "question",
                                       "comment": question})
    assert asked.status_code == 302
    with database(app) as db:
        return db.exec(select(PlanQuestion.id).where(PlanQuestion.text == question)).one()


def reply(worker, family_id: int, question_id: int, text: str) -> None:
    answers = f"/backoffice/families/{family_id}/answers"
    sent = worker.post(f"/backoffice/families/{family_id}/questions/{question_id}",
                       data={"csrf_token": csrf_token(worker.get(answers).text), "reply": text})
    assert sent.status_code == 302, text_of(sent)[:800]


def waiting(app, days: int) -> str:
    """How the work list says how long a job waited, in Dutch (the staff's language)."""
    with app.test_request_context(), force_locale("nl"):
        return ngettext("waiting %(num)d day", "waiting %(num)d days", days) if days else gettext("since today")


def household_name(app, family_id: int) -> str:
    with database(app) as db:
        return db.get(Family, family_id).name


def test_the_work_list_names_household_version_and_waiting_time_the_oldest_first(team_app):
    factories.other_team(team_app)
    joost = signed_in_client(team_app, "joost")
    first, second = (factories.household(team_app, ["ar"], **OTHER_TEAM) for _ in range(2))
    with database(team_app) as db:
        team = db.get(Family, first.family_id).team_id
    lina = factories.interpreter(team_app, team, "Lina Haddad", "ar")  # the team's one Arabic interpreter
    publish(joost, first.family_id, WHAT)
    publish(joost, second.family_id, WHAT)
    publish(joost, second.family_id, CHANGED)
    with database(team_app) as db:  # the second household's newest job has waited three days
        job = db.get(TranslationJob, job_of(team_app, second.family_id).id)
        job.opened_at -= dt.timedelta(days=3)
        db.add(job)
        db.commit()

    work = soup(signed_in_client(team_app, lina.username).get("/backoffice/")).select("ul.jobs li")
    shown = [" ".join(item.get_text(" ").split()) for item in work]
    assert len(shown) == 2, shown  # version 1 of the second household was replaced: its job is on no list
    for text, family_id, number, days in ((shown[0], second.family_id, 2, 3), (shown[1], first.family_id, 1, 0)):
        assert text.startswith(say(team_app, "nl", "%(household)s, plan version %(number)d",
                                   household=household_name(team_app, family_id), number=number)), text
        assert text.endswith(waiting(team_app, days)), text
    assert work[0].a["href"] == f"/backoffice/translations/{job_of(team_app, second.family_id).id}"


def test_a_newer_version_closes_the_older_job_and_carries_over_what_it_left_open(team_app):
    household = factories.household(team_app, ["ar"])
    bram, interpreter = signed_in_client(team_app, "bram"), signed_in_client(team_app, "tolk-ar")
    parent = signed_in_client(team_app, household.usernames[0])
    publish(bram, household.family_id, WHAT, {"note": NOTE, "note-audience": "household"})
    first = job_of(team_app, household.family_id)
    translate(interpreter, first.id, only=lambda source: source not in (NOTE, "Oma haalt de kinderen van school."))
    sunday, school = ask(team_app, parent, "Mag oma ook op zondag komen?"), ask(team_app, parent, "En de school?")
    reply(bram, household.family_id, sunday, "Ja, dat mag.")
    assert set(open_work(team_app, first.id)) == {NOTE, "Oma haalt de kinderen van school.", "Ja, dat mag."}

    publish(bram, household.family_id, CHANGED)  # a new version without a note; one sentence changed
    older, second = jobs_of(team_app, household.family_id)
    assert older.id == first.id and older.closed_at is not None and older.completed_at is None
    home = soup(interpreter.get("/backoffice/"))
    assert home.select(f'ul.jobs a[href="/backoffice/translations/{second.id}"]')
    assert not home.select(f'ul.jobs a[href="/backoffice/translations/{first.id}"]')
    # What waited goes on in the new job; what was translated stays translated.
    assert set(open_work(team_app, second.id)) == {NOTE, "Oma haalt de kinderen van school.", "Ja, dat mag.",
                                                  "Oma haalt de kinderen van de sportclub."}
    rows = rows_of(interpreter.get(f"/backoffice/translations/{second.id}"))
    assert rows[DESCRIPTION].select_one("textarea").get_text() == "ترجمة: " + DESCRIPTION
    assert rows["De kinderen bellen elke avond met mama."].select_one("textarea").get_text().startswith("ترجمة")

    reply(bram, household.family_id, school, "De school weet het.")  # about version 1, answered now
    assert "De school weet het." in open_work(team_app, second.id)
    older, again = jobs_of(team_app, household.family_id)
    assert again.id == second.id and older.closed_at is not None  # the old job did not open again

    translate(interpreter, second.id)
    assert open_work(team_app, second.id) == [] and job_of(team_app, household.family_id).completed_at is not None
    plan = text_of(parent.get("/plan"))
    assert "ترجمة: De school weet het." in plan and "ترجمة: Ja, dat mag." in plan


def test_each_segment_says_where_it_stands_and_who_will_read_it(team_app):
    household = factories.household(team_app, ["ar", "ar"])
    bram, interpreter = signed_in_client(team_app, "bram"), signed_in_client(team_app, "tolk-ar")
    first = signed_in_client(team_app, household.usernames[0])
    only_first = f"parents:{household.parent_ids[0]}"
    help_text = "Moeder gaat naar de huisarts."
    publish(bram, household.family_id, WHAT, {"note": NOTE, "note-audience": "household", "s1-risks": "Geldzorgen.",
                                              "help-count": "1", "help-0-text": help_text, "help-0-who": "",
                                              "help-0-audience": only_first})
    reply(bram, household.family_id, ask(team_app, first, "Wie belt de school?"), "Dat doen wij.")
    job = job_of(team_app, household.family_id)
    rows = rows_of(interpreter.get(f"/backoffice/translations/{job.id}"))

    def where(source: str) -> list[str]:
        return [" ".join(item.get_text(" ").split()) for item in rows[source].select("ul.where li")]

    def at(section: str, readers: str, **values) -> str:
        return f"{say(team_app, 'nl', section)} · {say(team_app, 'nl', readers, **values)}"

    everyone, first_only = "Everyone in the household", "Only for %(names)s"
    assert where(DESCRIPTION) == [at("Unsafe situation", everyone)]
    assert where("Geldzorgen.") == [at("Risk factor", everyone)]
    assert where("Oma haalt de kinderen van school.") == [at("Safety agreement", everyone)]
    assert where(help_text) == [at("Help plan", first_only, names="Ouder 0 Proef")]
    assert where(NOTE) == [at("Note to the family", everyone)]
    assert where("Dat doen wij.") == [at("Reply to a question about the plan", first_only, names="Ouder 0 Proef")]
    assert where("Altijd.") == [at("Safety agreement", everyone)]


def test_a_sentence_that_is_only_a_name_is_no_segment_and_is_shown_as_it_is(team_app):
    household = factories.household(team_app, ["ar"])
    bram, interpreter = signed_in_client(team_app, "bram"), signed_in_client(team_app, "tolk-ar")
    parent = signed_in_client(team_app, household.usernames[0])
    publish(bram, household.family_id, WHAT, {"s1-description": "Zijn broer Karim komt vaak langs.",
                                              "s1-a-0-who": "Karim", "s1-a-0-wrong": "Bel Bram de Wit."})
    job = job_of(team_app, household.family_id)
    sources = list(rows_of(interpreter.get(f"/backoffice/translations/{job.id}")))
    assert "Karim" not in sources and "Zijn broer Karim komt vaak langs." in sources
    assert "Bel Bram de Wit." in sources  # a name in a sentence is translated with it (and kept)

    translate(interpreter, job.id)
    assert open_work(team_app, job.id) == [] and job_of(team_app, household.family_id).completed_at is not None
    page = soup(parent.get("/plan"))
    karim = [span for span in page.select("main span[lang]") if span.get_text() == "Karim"]
    assert karim and all("pending" not in span.get("class", []) for span in karim)  # as it is, nothing follows
    assert not page.select("main span.pending")
