"""Sentences are the unit of translation (issue 15, points 1 and 3): the duo changes one sentence of a published
plan and the interpreter has exactly that one sentence to do, with what changed in the Dutch and the old
translation beside it; meanwhile the parent reads every other sentence in their own language, and the changed
one in Dutch, marked, each sentence with its own lang and dir."""
import datetime as dt

import pytest
from sqlmodel import col, select

from portal import clock
from portal.models import Account, Appointment, Family, Interpreter, PlanQuestion, TranslationJob
from portal.services.interpreting import job_work, memory, open_segments, remember
from portal.services.plans import current_version
from support import factories
from support.pages import database, form_values, say, soup, text_of
from support.sign_in import csrf_token, signed_in_client

WHAT = ("De kinderen slapen bij oma als er ruzie is. Oma haalt de kinderen van school. "
        "De kinderen bellen elke avond met mama.")
CHANGED = WHAT.replace("van school", "van de sportclub")
DESCRIPTION = "Er wordt hard geschreeuwd in huis."
NOTE = "Er is iets veranderd in de afspraken."


def publish(bram, family_id: int, what: str, description: str = DESCRIPTION, extra: dict | None = None) -> None:
    """The duo writes (or changes) the plan in the editor and publishes it, as in the back office."""
    url = f"/backoffice/families/{family_id}/plan"
    form = form_values(bram.get(url), "plan-form")
    form |= {"s1-kind": "acute", "s1-description": description, "s1-a-count": "1", "s1-a-0-who": "Oma",
             "s1-a-0-what": what, "s1-a-0-when": "Altijd.", "s1-a-0-wrong": "Bel dan de buurvrouw.",
             "action": "publish"}
    form |= extra or {}
    response = bram.post(url, data=form)
    assert response.status_code == 302, text_of(response)[:800]


def job_of(app, family_id: int, language: str) -> TranslationJob:
    with database(app) as db:
        version = current_version(db, family_id)
        return db.exec(select(TranslationJob).where(TranslationJob.version_id == version.id,
                                                    TranslationJob.language == language)).one()


def rows_of(page) -> list[tuple[str, str]]:
    """(Dutch sentence, its field name) of every segment on the interpreter's page."""
    return [(row.select_one('td[lang="nl"]').get_text(), row.select_one("textarea")["name"])
            for row in soup(page).select("table.side-by-side tbody tr")]


def translate(interpreter, job_id: int, only=lambda source: True) -> None:
    """The interpreter fills in the segments chosen (a pretend translation that keeps every token) and saves."""
    url = f"/backoffice/translations/{job_id}"
    page = interpreter.get(url)
    form = form_values(page, "translate-form")
    form |= {name: "ترجمة: " + source for source, name in rows_of(page) if only(source)}
    response = interpreter.post(url, data=form)
    assert response.status_code == 200, text_of(response)[:800]


def open_work(app, job_id: int) -> list[str]:
    with database(app) as db:
        job = db.get(TranslationJob, job_id)
        work = job_work(db, job, clock.today())
        return open_segments(work.texts, memory(db, work.texts, job.language, work.family_id))


def interpreter_locale(app) -> str:
    from portal.models import Account

    with database(app) as db:
        return db.exec(select(Account.language).where(Account.username == "tolk-ar")).one()


def translated_household(app):
    """An Arabic-reading household whose first plan the Arabic interpreter translated whole: the household, Bram's,
    the interpreter's and the parent's clients, and the translation job."""
    household = factories.household(app, ["ar"])
    bram, interpreter = signed_in_client(app, "bram"), signed_in_client(app, "tolk-ar")
    parent = signed_in_client(app, household.usernames[0])
    publish(bram, household.family_id, WHAT)
    job = job_of(app, household.family_id, "ar")
    translate(interpreter, job.id)
    return household, bram, interpreter, parent, job


def sentences_shown(page, within: str = "main") -> list[tuple[str, str, str, bool]]:
    """(text, lang, dir, marked as "translation follows") of every plan sentence on a parent's plan page (without
    the Dutch text to compare, and without the list of what changed unless `within` is that list)."""
    found = []
    for span in soup(page).select(f"{within} span[lang]"):
        in_changes = within == "main" and span.find_parent(class_="changes") is not None
        if span.find_parent("details", class_="dutch") is None and not in_changes:
            # A Dutch text that waits is followed by its mark, an element of its own.
            mark = span.find_next_sibling()
            follows = span.get("class") == ["pending"] and mark is not None and mark.name == "small" \
                and mark.get("class") == ["follows"]
            text = "".join(span.find_all(string=True, recursive=False)).strip()
            found.append((text, span["lang"], span["dir"], follows))
    return found


def test_one_changed_sentence_is_one_segment_with_its_diff_and_the_parent_reads_the_rest_translated(team_app):
    household = factories.household(team_app, ["ar"])
    bram, interpreter = signed_in_client(team_app, "bram"), signed_in_client(team_app, "tolk-ar")
    parent = signed_in_client(team_app, household.usernames[0])
    publish(bram, household.family_id, WHAT, extra={"note": NOTE, "note-audience": "household"})
    first = job_of(team_app, household.family_id, "ar")
    sources = [source for source, _name in rows_of(interpreter.get(f"/backoffice/translations/{first.id}"))]
    assert sources[:2] == [DESCRIPTION, "Oma"]
    assert WHAT.split(". ")[1] + "." in sources  # the agreement's three sentences are three segments
    translate(interpreter, first.id)
    assert open_work(team_app, first.id) == []
    assert ("ترجمة: " + NOTE, "ar", "rtl", False) in sentences_shown(parent.get("/plan"), "p.notice")  # and read

    publish(bram, household.family_id, CHANGED)  # the duo changes one sentence of the three
    second = job_of(team_app, household.family_id, "ar")
    assert second.id != first.id
    assert open_work(team_app, second.id) == ["Oma haalt de kinderen van de sportclub."]
    page = interpreter.get(f"/backoffice/translations/{second.id}")
    changed = soup(page).select_one("p.word-diff")
    assert changed["lang"] == "nl"
    assert [tag.get_text() for tag in changed.select("del")] == ["school."]
    assert [tag.get_text() for tag in changed.select("ins")] == ["de sportclub."]
    assert soup(page).select_one("blockquote.earlier").get_text() == "ترجمة: Oma haalt de kinderen van school."
    # The old translation is beside the box, never in it: saving the form must not store it unchecked.
    box = next(name for source, name in rows_of(page) if "sportclub" in source)
    assert form_values(page, "translate-form")[box] == ""

    shown = sentences_shown(parent.get("/plan"))
    assert ("Oma haalt de kinderen van de sportclub.", "nl", "ltr", True) in shown
    assert ("ترجمة: De kinderen slapen bij oma als er ruzie is.", "ar", "rtl", False) in shown
    assert ("ترجمة: De kinderen bellen elke avond met mama.", "ar", "rtl", False) in shown
    assert [text for text, _lang, _dir, follows in shown if follows] == ["Oma haalt de kinderen van de sportclub."]
    plan = text_of(parent.get("/plan"))
    assert say(team_app, "ar", "translation follows") in plan
    waiting = say(team_app, "ar",
                  "Some sentences are not translated yet: you read them in Dutch, marked “translation follows”.")
    assert waiting in plan

    # What changed, built from the sentences: the earlier one in Arabic (translated before), the new one waiting.
    changes = sentences_shown(parent.get("/plan"), "ul.changes")
    assert ("ترجمة: Oma haalt de kinderen van school.", "ar", "rtl", False) in changes
    assert ("Oma haalt de kinderen van de sportclub.", "nl", "ltr", True) in changes

    translate(interpreter, second.id, only=lambda source: "sportclub" in source)
    assert open_work(team_app, second.id) == []
    plan = parent.get("/plan")
    assert all(lang == "ar" for _text, lang, _dir, _follows in sentences_shown(plan))
    assert waiting not in text_of(plan) and say(team_app, "ar", "translation follows") not in text_of(plan)


LANGUAGES = ["en", "ar", "tr", "pl", "uk", "so", "ti"]


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_partly_translated_plan_gives_every_sentence_its_own_language_and_direction(team_app, language):
    household = factories.household(team_app, [language, "nl"])
    publish(signed_in_client(team_app, "bram"), household.family_id, WHAT)
    job = job_of(team_app, household.family_id, language)
    translated = [s for s in WHAT.split(". ")][:2]  # two of the agreement's three sentences
    with database(team_app) as db:
        for sentence in (translated[0] + ".", translated[1] + "."):
            remember(db, sentence, language, f"[{language}] {sentence}", job.interpreter_id, household.family_id, False)
        db.commit()
    page = signed_in_client(team_app, household.usernames[0]).get("/plan")
    shown = sentences_shown(page)
    direction = "rtl" if language == "ar" else "ltr"
    assert (f"[{language}] {translated[0]}.", language, direction, False) in shown
    assert (f"[{language}] {translated[1]}.", language, direction, False) in shown
    assert ("De kinderen bellen elke avond met mama.", "nl", "ltr", True) in shown
    assert (DESCRIPTION, "nl", "ltr", True) in shown
    assert soup(page).html["lang"] == language
    assert say(team_app, language, "translation follows") in text_of(page)

    dutch = signed_in_client(team_app, household.usernames[1]).get("/plan")  # the Dutch reader of the household
    assert say(team_app, "nl", "translation follows") not in text_of(dutch)
    assert sentences_shown(dutch) == []  # plain Dutch on a Dutch page: no banner, no markers, no other language
    assert WHAT in text_of(dutch)


def test_a_sentence_with_protected_text_gets_no_suggestion_from_another_household(team_app):
    bram, interpreter = signed_in_client(team_app, "bram"), signed_in_client(team_app, "tolk-ar")
    first, second = factories.household(team_app, ["ar"]), factories.household(team_app, ["ar"])
    uncle = {"s1-a-0-wrong": "Bel dan oom Hasan."}  # a name (named by relation): protected in both households
    publish(bram, first.family_id, "De kinderen gaan naar oma. De kinderen spelen buiten in de tuin.", extra=uncle)
    translate(interpreter, job_of(team_app, first.family_id, "ar").id)
    publish(bram, second.family_id, "De kinderen gaan om 15.30 uur naar oma. De kinderen spelen binnen in de tuin.",
            extra=uncle)
    page = interpreter.get(f"/backoffice/translations/{job_of(team_app, second.family_id, 'ar').id}")
    rows = {row.select_one('td[lang="nl"]').get_text(): row for row in soup(page).select("table.side-by-side tbody tr")}
    with_time = rows["De kinderen gaan om 15.30 uur naar oma."]
    assert with_time.select("ul.suggestions") == []  # alike enough (a score over 70), but it holds a time
    free = rows["De kinderen spelen binnen in de tuin."].select_one("ul.suggestions")
    assert "ترجمة: De kinderen spelen buiten in de tuin." in free.get_text()
    assert say(team_app, interpreter_locale(team_app), "another household") in free.get_text()
    assert "%" in free.select_one(".score").get_text()
    # A sentence without protected text that another household translated already is done at once.
    assert rows[DESCRIPTION].select_one("textarea").get_text() == "ترجمة: " + DESCRIPTION
    assert rows["Bel dan oom Hasan."].select_one("textarea").get_text() == ""  # a name: translated in this household
    assert rows["Bel dan oom Hasan."].select("ul.suggestions") == []


def test_the_duos_reply_to_a_parents_question_is_translated_through_the_same_job(team_app):
    household, bram, interpreter, parent, job = translated_household(team_app)
    asked = parent.post("/plan", data={"csrf_token": csrf_token(parent.get("/plan").text), "answer": "question",
                                       "comment": "Mag oma ook op zondag komen?"})
    assert asked.status_code == 302
    with database(team_app) as db:
        question = db.exec(select(PlanQuestion).where(PlanQuestion.parent_id == household.parent_ids[0])).one()
    answers = f"/backoffice/families/{household.family_id}/answers"
    reply = "Ja, dat mag. Oma belt dan eerst even."
    sent = bram.post(f"/backoffice/families/{household.family_id}/questions/{question.id}",
                     data={"csrf_token": csrf_token(bram.get(answers).text), "reply": reply})
    assert sent.status_code == 302
    assert open_work(team_app, job.id) == ["Ja, dat mag.", "Oma belt dan eerst even."]  # the job is open again
    # Both sentences wait: one Dutch text, marked once.
    assert (reply, "nl", "ltr", True) in sentences_shown(parent.get("/plan"), "div.question")
    translate(interpreter, job.id, only=lambda source: source in reply)
    assert open_work(team_app, job.id) == []
    assert ("ترجمة: Ja, dat mag.", "ar", "rtl", False) in sentences_shown(parent.get("/plan"), "div.question")


def appointments_job(app, family_id: int, language: str = "ar") -> TranslationJob:
    with database(app) as db:
        return db.exec(select(TranslationJob).where(TranslationJob.family_id == family_id,
                                                    col(TranslationJob.version_id).is_(None),
                                                    TranslationJob.language == language)).one()


def plan_two_appointments(bram, household) -> None:
    """One at a community centre for the household, one at a safe place for the first parent alone."""
    url = f"/backoffice/families/{household.family_id}/appointments"
    day = (clock.today() + dt.timedelta(days=3)).isoformat()
    only_her = f"parents:{household.parent_ids[0]}"  # a safe place is for one parent
    for place, purpose, safe, audience in (("Buurthuis De Boog", "Gesprek over het plan.", "", "household"),
                                           ("Opvang Lindelaan 12", "Gesprek alleen met u.", "1", only_her)):
        response = bram.post(url, data={"csrf_token": csrf_token(bram.get(url).text), "date": day, "time": "10:00",
                                        "duration": "60", "place": place, "with_whom": "Bram de Wit",
                                        "purpose": purpose, "safe_place": safe, "audience": audience})
        assert response.status_code == 302, text_of(response)[:500]


def test_what_an_appointment_is_for_and_where_reach_the_parent_through_the_appointments_job(team_app):
    household, bram, interpreter, parent, plan_job = translated_household(team_app)
    plan_two_appointments(bram, household)
    assert open_work(team_app, plan_job.id) == []  # the plan's job is done: appointments are work of their own
    job = appointments_job(team_app, household.family_id)
    assert open_work(team_app, job.id) == ["Gesprek over het plan.", "Buurthuis De Boog", "Gesprek alleen met u."]
    assert "Lindelaan" not in text_of(interpreter.get(f"/backoffice/translations/{job.id}"))  # a safe place: nobody
    assert ("Gesprek over het plan.", "nl", "ltr", True) in sentences_shown(parent.get("/appointments"))
    translate(interpreter, job.id, only=lambda source: "Gesprek" in source or "Boog" in source)
    assert open_work(team_app, job.id) == []
    shown = sentences_shown(parent.get("/appointments"))
    assert ("ترجمة: Gesprek over het plan.", "ar", "rtl", False) in shown
    assert ("ترجمة: Buurthuis De Boog", "ar", "rtl", False) in shown


def test_appointments_are_translated_before_any_plan_is_published(team_app):
    """An intake appointment comes before the first plan: it waits for no version (in a household kept apart, the
    first version may be one parent's alone)."""
    household = factories.household(team_app, ["ar"])
    bram, interpreter = signed_in_client(team_app, "bram"), signed_in_client(team_app, "tolk-ar")
    parent = signed_in_client(team_app, household.usernames[0])
    plan_two_appointments(bram, household)
    job = appointments_job(team_app, household.family_id)
    locale = interpreter_locale(team_app)
    with database(team_app) as db:
        name = db.get(Family, household.family_id).name
    listed = soup(interpreter.get("/backoffice/")).select_one(f"a[href$='/backoffice/translations/{job.id}']")
    assert listed.get_text() == say(team_app, locale, "%(household)s, appointments", household=name)
    heading = soup(interpreter.get(f"/backoffice/translations/{job.id}")).h1.get_text()
    assert heading.startswith(say(team_app, locale, "Translate the appointments into %(language)s", language=""))
    translate(interpreter, job.id)
    shown = sentences_shown(parent.get("/appointments"))
    assert ("ترجمة: Gesprek over het plan.", "ar", "rtl", False) in shown
    assert ("ترجمة: Buurthuis De Boog", "ar", "rtl", False) in shown


def test_a_difficult_words_explanation_is_a_standing_text_translated_once_per_language(team_app):
    bram, interpreter = signed_in_client(team_app, "bram"), signed_in_client(team_app, "tolk-ar")
    first, second = factories.household(team_app, ["ar"]), factories.household(team_app, ["ar"])
    jargon = "Er is een ondertoezichtstelling voor de kinderen."
    explanation = ["De rechter beslist dat uw gezin hulp moet krijgen.",
                   "Een vaste begeleider kijkt mee of het goed gaat met uw kind."]
    publish(bram, first.family_id, WHAT, description=jargon)
    job = job_of(team_app, first.family_id, "ar")
    assert all(sentence in open_work(team_app, job.id) for sentence in explanation)
    translate(interpreter, job.id)
    shown = sentences_shown(signed_in_client(team_app, first.usernames[0]).get("/plan"), "details.word p")
    assert [(text, lang, direction) for text, lang, direction, _follows in shown] == [
        ("ترجمة: " + sentence, "ar", "rtl") for sentence in explanation]
    publish(bram, second.family_id, "De kinderen slapen bij oma.", description=jargon)
    assert not any(sentence in open_work(team_app, job_of(team_app, second.family_id, "ar").id)
                   for sentence in explanation)  # translated once for the language, not per household


def test_reading_along_shows_the_same_partly_translated_plan(team_app):
    household = factories.household(team_app, ["ar"])
    publish(signed_in_client(team_app, "bram"), household.family_id, WHAT)
    job = job_of(team_app, household.family_id, "ar")
    with database(team_app) as db:
        account = db.exec(select(Account).where(Account.username == "tolk-ar")).one()
        interpreter_id = db.exec(select(Interpreter.id).where(Interpreter.account_id == account.id)).one()
        remember(db, DESCRIPTION, "ar", "ترجمة: " + DESCRIPTION, job.interpreter_id, household.family_id, False)
        appointment = Appointment(family_id=household.family_id, key=f"appointment-read-along-{job.id}",
                                  starts_at=clock.now() + dt.timedelta(minutes=30), place="Buurthuis",
                                  with_whom="Bram de Wit", purpose="Gesprek", interpreter_language="ar",
                                  interpreter_id=interpreter_id)
        db.add(appointment)
        db.commit()
    page = signed_in_client(team_app, "tolk-ar").get(f"/backoffice/read-along/{appointment.id}")
    assert page.status_code == 200
    translated = [(text, lang, direction) for text, lang, direction, _marked in sentences_shown(page, "section.card")]
    assert ("ترجمة: " + DESCRIPTION, "ar", "rtl") in translated
    # still waiting: Dutch, with the other waiting sentence before it as one text, marked
    assert any(text.endswith("De kinderen bellen elke avond met mama.") and (lang, direction) == ("nl", "ltr")
               for text, lang, direction in translated)
    assert soup(page).select("section.card span.pending + small.follows")
