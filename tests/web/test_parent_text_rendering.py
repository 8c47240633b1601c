"""A parent's own words reach the duo in Dutch, and the duo's replies reach the parent in theirs (issue 15, point 4):
the duo asks the interpreter of the parent's language for a Dutch rendering of a question or a move reason and
reads it beside the original; the duo's reply to an appointment answer goes through the plan's job and memory."""

from sqlmodel import col, select

from portal.models import (
    AppointmentAnswer,
    AuditEvent,
    Interpreter,
    ParentTextRendering,
    PlanQuestion,
    TranslationJob,
)
from portal.web.forms import TooLong
from support import factories
from support.pages import database, form_values, say, soup, text_of
from support.sign_in import csrf_token, signed_in_client

QUESTION = "هل يمكن أن تأتي الجدة يوم الأحد الساعة 15:00؟"
REASON = "لا أستطيع يوم الثلاثاء. أستطيع بعد الساعة 14:00."
REPLY = "Dat kan. Wij bellen u morgen."


def ask_to_move(parent, appointment_key: str) -> None:
    url = f"/appointments/{appointment_key}"
    response = parent.post(url, data={"csrf_token": csrf_token(parent.get(url).text), "response": "move_requested",
                                      "reason": REASON})
    assert response.status_code == 302, text_of(response)[:500]


def ask(bram, page: str, button_url: str) -> None:
    """The duo presses "Ask the interpreter for a Dutch rendering" on the page that shows the parent's text."""
    shown = bram.get(page)
    assert soup(shown).select(f'form[action="{button_url}"] button, button[formaction="{button_url}"]')
    assert bram.post(button_url, data={"csrf_token": csrf_token(shown.text)}).status_code == 302


def test_the_duo_reads_a_parents_question_and_move_reason_in_dutch_beside_the_original(team_app):
    household = factories.household(team_app, ["ar", "ar"])
    family = household.family_id
    bram, tolk, turkish = (signed_in_client(team_app, name) for name in ("bram", "tolk-ar", "tolk-tr"))
    asker, other = (signed_in_client(team_app, name) for name in household.usernames)
    factories.published_plan(team_app, family)
    factories.question(team_app, household.usernames[0], QUESTION)
    appointment_id, appointment_key = factories.appointment(team_app, family)
    ask_to_move(asker, appointment_key)
    with database(team_app) as db:
        question = db.exec(select(PlanQuestion).where(PlanQuestion.parent_id == household.parent_ids[0])).one()
        answer = db.exec(select(AppointmentAnswer).where(AppointmentAnswer.parent_id == household.parent_ids[0])).one()
        names = {row.languages: row.name for row in db.exec(select(Interpreter))}

    answers_page, appointment_page = (f"/backoffice/families/{family}/answers",
                                      f"/backoffice/families/{family}/appointments/{appointment_id}")
    ask(bram, answers_page, f"/backoffice/families/{family}/questions/{question.id}/rendering")
    ask(bram, appointment_page, f"/backoffice/families/{family}/appointment-answers/{answer.id}/rendering")
    assert not soup(bram.get(answers_page)).select(f'form[action$="/questions/{question.id}/rendering"]')  # asked once

    home = soup(tolk.get("/backoffice/"))
    links = [link["href"] for link in home.select('a[href^="/backoffice/renderings/"]')]
    assert len(links) == 2
    assert not soup(turkish.get("/backoffice/")).select('a[href^="/backoffice/renderings/"]')
    for link in links:
        assert turkish.get(link).status_code == 404  # only an interpreter of the parent's language
        assert bram.get(link).status_code == 404
    with database(team_app) as db:
        rows = {row.kind: row for row in db.exec(select(ParentTextRendering))
                if row.family_id == family}
    question_page = text_of(tolk.get(f"/backoffice/renderings/{rows['question'].id}"))
    assert QUESTION in question_page and REASON not in question_page  # that one text, nothing else of the parent

    url = f"/backoffice/renderings/{rows['question'].id}"
    wrong = "Mag oma op zondag om 16:00 komen?"
    refused = tolk.post(url, data={"csrf_token": csrf_token(tolk.get(url).text), "rendering": wrong})
    assert refused.status_code == 400
    assert "15:00" in text_of(refused) and wrong in refused.text  # names the token, keeps what was typed
    for row, dutch in ((rows["question"], "Mag oma op zondag om 15:00 komen?"),
                       (rows["answer"], "Ik kan dinsdag niet. Na 14:00 kan ik wel.")):
        url = f"/backoffice/renderings/{row.id}"
        saved = tolk.post(url, data={"csrf_token": csrf_token(tolk.get(url).text), "rendering": dutch})
        assert saved.status_code == 302, text_of(saved)[:500]
    assert not soup(tolk.get("/backoffice/")).select('a[href^="/backoffice/renderings/"]')  # nothing waits

    for page, original, dutch in ((answers_page, QUESTION, "Mag oma op zondag om 15:00 komen?"),
                                  (appointment_page, REASON, "Ik kan dinsdag niet. Na 14:00 kan ik wel.")):
        shown = soup(bram.get(page))
        quote = shown.find("blockquote", string=original)
        assert quote["lang"] == "ar" and quote["dir"] == "auto"
        rendering = shown.find("span", string=dutch)
        assert rendering["lang"] == "nl" and rendering["dir"] == "ltr"
        assert names["ar"] in rendering.find_parent("p").get_text()  # who rendered it

    # The case timeline shows each rendering beside its original too.
    timeline = soup(bram.get(f"/backoffice/families/{family}/timeline"))
    for original, dutch in ((QUESTION, "Mag oma op zondag om 15:00 komen?"),
                            (REASON, "Ik kan dinsdag niet. Na 14:00 kan ik wel.")):
        entry = timeline.find("blockquote", string=original).find_parent("li")
        rendering = entry.find("span", string=dutch)
        assert rendering["lang"] == "nl" and names["ar"] in rendering.find_parent("p").get_text()

    for page in ("/plan", "/appointments", "/"):  # the other parent never reads the asker's words
        assert QUESTION not in other.get(page).text and REASON not in other.get(page).text
    with database(team_app) as db:
        done = {(event.action, event.result) for event in db.exec(select(AuditEvent).where(
            AuditEvent.family_id == family, AuditEvent.action.startswith("rendering.")))}
    assert {("rendering.ask", "ok"), ("rendering.view", "ok"), ("rendering.save", "refused"),
            ("rendering.save", "ok")} <= done


def test_only_the_duo_and_team_lead_ask_and_never_on_get_or_head(team_app):
    household = factories.household(team_app, ["ar"])
    bram = signed_in_client(team_app, "bram")
    factories.published_plan(team_app, household.family_id)
    factories.question(team_app, household.usernames[0], QUESTION)
    with database(team_app) as db:
        question = db.exec(select(PlanQuestion).where(PlanQuestion.parent_id == household.parent_ids[0])).one()
    url = f"/backoffice/families/{household.family_id}/questions/{question.id}/rendering"
    assert bram.get(url).status_code == 405 and bram.head(url).status_code == 405
    with database(team_app) as db:
        assert not db.exec(select(ParentTextRendering).where(ParentTextRendering.text_id == question.id)).all()
    answers = f"/backoffice/families/{household.family_id}/answers"
    chantal = signed_in_client(team_app, "chantal")  # of the team, not of this household's duo
    assert chantal.post(url, data={"csrf_token": csrf_token(chantal.get("/backoffice/").text)}).status_code == 404
    lead = signed_in_client(team_app, "teamlead")
    assert lead.post(url, data={"csrf_token": csrf_token(lead.get(answers).text)}).status_code == 302
    with database(team_app) as db:
        asked = db.exec(select(ParentTextRendering).where(ParentTextRendering.text_id == question.id)).one()
    assert asked.source_text == QUESTION and asked.kind == "question"


def test_the_duos_reply_to_an_appointment_answer_reaches_the_parent_sentence_by_sentence(team_app):
    household = factories.household(team_app, ["ar"])
    bram, tolk = signed_in_client(team_app, "bram"), signed_in_client(team_app, "tolk-ar")
    parent = signed_in_client(team_app, household.usernames[0])
    factories.published_plan(team_app, household.family_id)
    appointment_id, appointment_key = factories.appointment(team_app, household.family_id)
    ask_to_move(parent, appointment_key)
    with database(team_app) as db:
        answer = db.exec(select(AppointmentAnswer).where(AppointmentAnswer.parent_id == household.parent_ids[0])).one()
        job = db.exec(select(TranslationJob).where(TranslationJob.family_id == household.family_id,
                                                   col(TranslationJob.version_id).is_(None),
                                                   TranslationJob.language == "ar")).one()  # the appointments job
    url = f"/backoffice/families/{household.family_id}/appointments/{appointment_id}"
    form = form_values(bram.get(url), "appointment-form") | {f"reply-{answer.id}": REPLY, "action": "save"}
    assert bram.post(url, data=form).status_code == 302

    def reply_shown() -> list[tuple[str, str, str, bool]]:
        """(text without its mark, lang, dir, marked as "translation follows") of each part of the duo's answer."""
        strong = soup(parent.get("/appointments")).select_one("article.appointment p > strong")  # the duo's answer
        return [("".join(span.find_all(string=True, recursive=False)).strip(), span["lang"], span["dir"],
                 followed(span)) for span in strong.find_parent("p").select("span[lang]")]

    def followed(span) -> bool:
        """The mark is an element of its own, right after the Dutch text it belongs to."""
        mark = span.find_next_sibling()
        return mark is not None and mark.name == "small" and mark.get("class") == ["follows"]

    waiting = reply_shown()
    assert " ".join(text for text, *_rest in waiting) == REPLY  # in Dutch until it is translated, marked
    assert {(lang, direction) for _text, lang, direction, _marked in waiting} == {("nl", "ltr")}
    assert soup(parent.get("/appointments")).select("article.appointment p small.follows")  # "translation follows"

    work = f"/backoffice/translations/{job.id}"
    page = tolk.get(work)
    fields = {row.select_one('td[lang="nl"]').get_text(): row.select_one("textarea")["name"]
              for row in soup(page).select("table.side-by-side tbody tr")}
    assert {"Dat kan.", "Wij bellen u morgen."} <= set(fields)
    typed = {fields[source]: "ترجمة: " + source for source in ("Dat kan.", "Wij bellen u morgen.")}
    assert tolk.post(work, data=form_values(page, "translate-form") | typed).status_code == 200
    assert reply_shown() == [("ترجمة: Dat kan.", "ar", "rtl", False),
                             ("ترجمة: Wij bellen u morgen.", "ar", "rtl", False)]


def test_an_empty_or_too_long_rendering_is_refused_at_its_field_and_nothing_is_saved(team_app):
    household = factories.household(team_app, ["ar"])
    factories.published_plan(team_app, household.family_id)
    factories.question(team_app, household.usernames[0], QUESTION)
    bram, tolk = signed_in_client(team_app, "bram"), signed_in_client(team_app, "tolk-ar")
    with database(team_app) as db:
        question = db.exec(select(PlanQuestion).where(PlanQuestion.parent_id == household.parent_ids[0])).one()
    ask(bram, f"/backoffice/families/{household.family_id}/answers",
        f"/backoffice/families/{household.family_id}/questions/{question.id}/rendering")
    with database(team_app) as db:
        rendering = db.exec(select(ParentTextRendering).where(ParentTextRendering.text_id == question.id)).one()
    url = f"/backoffice/renderings/{rendering.id}"
    page = soup(tolk.get(url))
    limit = int(page.select_one("textarea#rendering")["maxlength"])

    empty = tolk.post(url, data={"csrf_token": csrf_token(tolk.get(url).text), "rendering": "  "})
    too_long = "Mag oma op zondag om 15:00 komen? " + "x" * limit
    long = tolk.post(url, data={"csrf_token": csrf_token(tolk.get(url).text), "rendering": too_long})

    assert empty.status_code == 400 and long.status_code == 400
    assert soup(empty).select_one("#rendering-error").get_text() == say(team_app, "nl", "Write the Dutch rendering.")
    with team_app.test_request_context():
        assert soup(long).select_one("#rendering-error").get_text() == TooLong(len(too_long), limit).message
    assert soup(long).select_one("textarea#rendering")["aria-invalid"] == "true"
    assert soup(long).select_one("textarea#rendering").get_text() == too_long.strip()  # kept whole, to shorten
    with database(team_app) as db:
        assert db.get(ParentTextRendering, rendering.id).text in ("", None)  # nothing saved
