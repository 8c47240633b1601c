"""The back office as workers use it: their work list, the plan editor with conflicts and publishing,
plain-language help, appointments, and parent accounts with activation letters."""
import datetime as dt
import threading
from dataclasses import replace

import pytest
from flask_babel import force_locale, format_datetime
from sqlalchemy import update
from sqlmodel import Session, select

from portal import clock
from portal.clock import AMSTERDAM
from portal.models import (
    Account,
    Appointment,
    AppointmentStatus,
    DuoAssignment,
    Interpreter,
    OneTimeCode,
    Parent,
    PlanQuestion,
    PlanVersion,
    SafetyPlan,
    TranslationJob,
    VersionStatus,
    Worker,
)
from portal.models.plans import new_key
from portal.rules.audience import only_for
from portal.rules.plan_content import Agreement, Item, PlanContent, Situation
from portal.services import publishing
from portal.services.plans import draft_of, load_contents
from support import factories
from support.pages import database, form_values, parent_named, say, soup, text_of
from support.races import all_at_once
from support.sign_in import csrf_token, sign_in, signed_in_client

LONG_SENTENCE = ("Wij willen graag dat Fatima en Youssef samen met de kinderen elke week op een vaste dag "
                 "naar het buurthuis gaan zodat zij daar andere ouders leren kennen en hulp kunnen vragen.")


# --- helpers -----------------------------------------------------------------------------------

def worker_id(app, username: str) -> int:
    with database(app) as db:
        return db.exec(select(Worker.id).join(Account, Account.id == Worker.account_id)
                       .where(Account.username == username)).one()


def section(response, heading: str) -> str:
    """The text of the card whose heading is `heading`."""
    title = soup(response).find("h2", string=heading)
    assert title is not None, heading
    return " ".join(title.find_parent("section").get_text(" ").split())


def draft_content(app, family: int) -> tuple[PlanVersion, PlanContent]:
    with database(app) as db:
        draft = draft_of(db, family)
        return draft, load_contents(db, [draft.id])[draft.id]


KARIM = "Youssef gaat naar buiten en loopt een half uur. Hij belt ook zijn broer Karim."
SAFE_ADDRESS = "Fatima heeft een veilig adres bij haar zus."


def el_idrissi_plan(fatima: int) -> PlanContent:
    """A plan for Fatima and Youssef: two acute situations (the first with Youssef's agreement to walk away) and a
    structural one, help from a budget coach for both, and, for Fatima alone, her safe address."""
    fight = Situation(new_key(), 1, "acute", "Fatima en Youssef hebben vaak harde ruzie.", ("Zorgen over geld",),
                      (Agreement(new_key(), "Youssef", "Youssef gaat naar buiten en loopt een half uur.",
                                 "Elke keer als hij boos wordt.",
                                 "Fatima gaat met de kinderen naar een andere kamer."),))
    school = Situation(new_key(), 2, "acute", "Amira en Adam staan soms lang alleen te wachten bij school.", (),
                       (Agreement(new_key(), "Fatima", "Fatima haalt Amira en Adam op van school.",
                                  "Elke schooldag om 15.15 uur.", "De school belt Youssef."),))
    money = Situation(new_key(), 3, "structural", "Er zijn schulden.", (), ())
    return PlanContent((fight, school, money), (
        Item(new_key(), "help", "Een budgetcoach helpt met de schulden en de brieven.", "Sociaal team"),
        Item(new_key(), "help", "Fatima heeft een veilig adres.", "Blijf Groep", only_for([fatima]))))


def with_a_draft(app) -> factories.Household:
    """Fatima and Youssef El Idrissi with Amira and Adam, kept apart, who sign in with password and app, Bram and
    Anouk their duo: version 1 of `el_idrissi_plan` published and read by Youssef; Bram's draft of the next version
    adds to Youssef's agreement that he calls his brother Karim, and changes Fatima's safe address."""
    made = factories.fatima_and_youssef(app, children=True, password=True)
    first = el_idrissi_plan(made.parent_ids[0])
    factories.published_content(app, made.family_id, first)
    assert signed_in_client(app, made.usernames[1]).get("/plan").status_code == 200  # Youssef read version 1
    fight = replace(first.situations[0], agreements=(replace(first.situations[0].agreements[0], what=KARIM),))
    items = tuple(replace(item, text=SAFE_ADDRESS) if item.who == "Blijf Groep" else item for item in first.items)
    factories.drafted_content(app, made.family_id, PlanContent((fight, *first.situations[1:]), items))
    return made


# --- the worker's home ---------------------------------------------------------------------------

def draft_status(app, family: int, published: int) -> str:
    """The editor's status of the household's draft, in Dutch: when it was saved, and the version published."""
    draft, _content = draft_content(app, family)
    with app.test_request_context(), force_locale("nl"):
        when = format_datetime(draft.updated_at, "EEE d MMM, HH:mm")  # in Amsterdam, as the page shows it
    return " ".join((say(app, "nl", "Draft saved on %(time)s, not published yet.", time=when),
                     say(app, "nl", "Published: version %(number)s.", number=published)))


def reply_and_handle(app, family: int, text: str, by: str = "bram") -> None:
    """The duo worker `by` replies to the household's one question and marks it handled, on the answers page."""
    with database(app) as db:
        (question,) = db.exec(select(PlanQuestion.id).join(Parent, Parent.id == PlanQuestion.parent_id)
                              .where(Parent.family_id == family)).all()
    client = signed_in_client(app, by)
    token = csrf_token(client.get(f"/backoffice/families/{family}/answers").text)
    response = client.post(f"/backoffice/families/{family}/questions/{question}",
                           data={"reply": text, "handled": "y", "csrf_token": token})
    assert response.status_code == 302, text_of(response)[:500]


def left_the_duo(app, family: int, worker: str) -> None:
    """`worker` was in the household's duo for a month until yesterday."""
    with database(app) as db:
        assignment = db.exec(select(DuoAssignment).join(Worker, Worker.id == DuoAssignment.worker_id)
                             .where(DuoAssignment.family_id == family, Worker.name == worker)).one()
        assignment.start, assignment.end = clock.today() - dt.timedelta(days=30), clock.today() - dt.timedelta(days=1)
        db.add(assignment)
        db.commit()


def cancelled(app, appointment: int) -> None:
    with database(app) as db:
        db.exec(update(Appointment).where(Appointment.id == appointment).values(status=AppointmentStatus.cancelled))
        db.commit()


def test_worker_home_lists_families_waiting_answers_drafts_and_appointments(team_app):
    # Anouk is in the duo of three households: El Idrissi (Bram contact person), with a draft and a question that
    # Bram answered and marked handled; Demir (Chantal contact person), where Mehmet does not agree with the plan;
    # De Boer (she is contact person, Dirk her partner). Her time in Nowak's duo ended yesterday; Kovalenko's duo is
    # Bram and Dirk.
    el_idrissi = factories.fatima_and_youssef(team_app, children=True, password=True)
    factories.published_plan(team_app, el_idrissi.family_id)
    factories.question(team_app, el_idrissi.usernames[1], "Mag ik Amira en Adam zaterdag zien?")
    reply_and_handle(team_app, el_idrissi.family_id, "Ja, bij oma, van 10.00 tot 12.00 uur.")
    factories.saved_draft(team_app, el_idrissi.family_id, what="De kinderen slapen bij oma of bij tante.")
    factories.appointment(team_app, el_idrissi.family_id, days=3, place="Basisschool De Regenboog",
                          purpose="Gesprek op school over hoe het met Amira gaat.")
    demir = factories.household(team_app, ["tr"], contact="Chantal Pinas", partner="Anouk Visser",
                                names=("Mehmet Demir",), password=True)
    factories.published_plan(team_app, demir.family_id, by="anouk")
    factories.question(team_app, demir.usernames[0], "Ik wil hierover praten met Chantal.", answer="disagree")
    visit, _key = factories.appointment(team_app, demir.family_id, days=1, purpose="Chantal komt bij u thuis.",
                                        by="anouk")
    cancelled(team_app, visit)
    de_boer = factories.household(team_app, ["nl"], contact="Anouk Visser", partner="Dirk Hoekstra",
                                  names=("Sanne de Boer",))
    factories.appointment(team_app, de_boer.family_id, days=2, purpose="Samen het plan lezen. Thomas is er ook bij.",
                          by="anouk")
    nowak = factories.household(team_app, ["pl"], contact="Anouk Visser", partner="Dirk Hoekstra",
                                names=("Kasia Nowak",))
    factories.appointment(team_app, nowak.family_id, days=-19, purpose="Kennismaken met Dirk, uw nieuwe "
                          "contactpersoon.", by="dirk")
    left_the_duo(team_app, nowak.family_id, "Anouk Visser")
    kovalenko = factories.household(team_app, ["uk"], contact="Bram de Wit", partner="Dirk Hoekstra",
                                    names=("Olena Kovalenko",))
    client = team_app.test_client()
    sign_in(client, "anouk")
    home = client.get("/backoffice/")
    assert home.status_code == 200
    families = section(home, say(team_app, "nl", "My families"))
    for household in (el_idrissi, demir, de_boer):
        assert household.name in families
    assert nowak.name not in families  # her time in Nowak's duo ended
    assert kovalenko.name not in families
    answers = section(home, say(team_app, "nl", "Questions and disagreements"))
    assert "Mehmet Demir" in answers and say(team_app, "nl", "does not agree") in answers
    assert "Youssef" not in answers  # his question was answered and handled
    drafts = section(home, say(team_app, "nl", "Drafts waiting"))
    assert el_idrissi.name in drafts and demir.name not in drafts
    coming = section(home, say(team_app, "nl", "Coming appointments"))
    assert "Gesprek op school over hoe het met Amira gaat." in coming
    assert "Samen het plan lezen. Thomas is er ook bij." in coming
    assert "Chantal komt bij u thuis." not in coming  # cancelled
    assert "Kennismaken met Dirk" not in coming  # past
    chantal = team_app.test_client()
    sign_in(chantal, "chantal")
    assert "Mehmet Demir" in section(chantal.get("/backoffice/"), say(team_app, "nl", "Questions and disagreements"))


# --- the plan editor -----------------------------------------------------------------------------

def test_editor_shows_the_draft_and_saving_raises_the_revision(team_app):
    family = with_a_draft(team_app).family_id
    before, _content = draft_content(team_app, family)
    client = team_app.test_client()
    sign_in(client, "bram")
    page = client.get(f"/backoffice/families/{family}/plan")
    assert page.status_code == 200
    # The draft's status names it as what it is: not a version (the plan is at version 1), not yet published.
    assert soup(page).select_one("#draft-status").get_text(" ", strip=True) == draft_status(team_app, family, 1)
    form = form_values(page, "plan-form")
    assert form["revision"] == str(before.revision)
    assert "Hij belt ook zijn broer Karim." in form["s1-a-0-what"]
    assert form["s1-kind"] == "acute" and form["s3-kind"] == "structural"
    form["s2-description"] = "Amira en Adam wachten soms een half uur alleen bij school."
    saved = client.post(f"/backoffice/families/{family}/plan", data=dict(form, action="save"))
    assert saved.status_code == 200
    assert form_values(saved, "plan-form")["revision"] == str(before.revision + 1)
    draft, content = draft_content(team_app, family)
    assert draft.revision == before.revision + 1 and draft.updated_by == worker_id(team_app, "bram")
    assert soup(saved).select_one("#draft-status").get_text(" ", strip=True) == draft_status(team_app, family, 1)
    assert content.situations[1].description == "Amira en Adam wachten soms een half uur alleen bij school."
    assert "Hij belt ook zijn broer Karim." in content.situations[0].agreements[0].what  # the rest is kept
    assert len(content.items) == len([k for k in form if k.endswith("-text") and form[k]])


def test_two_workers_saving_the_same_draft_get_a_conflict_and_lose_nothing(team_app):
    family = with_a_draft(team_app).family_id
    before, _content = draft_content(team_app, family)
    bram, anouk = team_app.test_client(), team_app.test_client()
    sign_in(bram, "bram")
    sign_in(anouk, "anouk")
    bram_form = form_values(bram.get(f"/backoffice/families/{family}/plan"), "plan-form")
    anouk_form = form_values(anouk.get(f"/backoffice/families/{family}/plan"), "plan-form")
    bram_text = "Bram: de ouders hebben vaak harde ruzie, ook 's nachts."
    anouk_text = "Anouk: Fatima en Youssef hebben ruzie. De kinderen horen het."
    bram_form["s1-description"] = bram_text
    anouk_form["s1-description"] = anouk_text
    anouk_form["future-0-text"] = "Anouk: het is rustig in huis."
    assert bram.post(f"/backoffice/families/{family}/plan", data=dict(bram_form, action="save")).status_code == 200
    conflict = anouk.post(f"/backoffice/families/{family}/plan", data=dict(anouk_form, action="save"))
    assert conflict.status_code == 409
    assert say(team_app, "nl", "Your duo partner saved this plan while you were writing") in text_of(conflict)
    box = soup(conflict).select_one("textarea#s1-description").find_parent("div")
    assert bram_text in box.select_one(".conflict blockquote").get_text()  # what Bram saved
    shown = form_values(conflict, "plan-form")
    assert shown["s1-description"] == anouk_text  # what Anouk typed is still hers to save
    assert shown["future-0-text"] == "Anouk: het is rustig in huis."
    assert shown["revision"] == str(before.revision + 1)
    _draft, content = draft_content(team_app, family)
    assert content.situations[0].description == bram_text  # nothing of Anouk's was written yet
    again = anouk.post(f"/backoffice/families/{family}/plan", data=dict(shown, action="save"))
    assert again.status_code == 200
    draft, content = draft_content(team_app, family)
    assert draft.revision == before.revision + 2
    assert content.situations[0].description == anouk_text
    assert content.section("future")[0].text == "Anouk: het is rustig in huis."


def test_publishing_makes_the_next_version_that_parents_read(team_app):
    household = with_a_draft(team_app)
    family = household.family_id
    client = team_app.test_client()
    sign_in(client, "bram")
    form = form_values(client.get(f"/backoffice/families/{family}/plan"), "plan-form")
    form["note"] = "Youssef belt nu ook zijn broer."
    # The parents are kept apart: a note for the family needs a choice of who may read it.
    refused = client.post(f"/backoffice/families/{family}/plan", data=dict(form, action="publish"))
    assert refused.status_code == 400
    assert say(team_app, "nl", "Choose who may read this: in this household the parents are kept apart.") in \
        text_of(refused)
    form = form_values(refused, "plan-form") | {"note-audience": "household"}  # saved as a draft: its revision
    published = client.post(f"/backoffice/families/{family}/plan", data=dict(form, action="publish"))
    assert published.status_code == 302
    assert published.headers["Location"] == f"/backoffice/families/{family}/plan/compare?b=2"
    with database(team_app) as db:
        version = db.exec(select(PlanVersion).join(SafetyPlan, SafetyPlan.id == PlanVersion.plan_id)
                          .where(SafetyPlan.family_id == family, PlanVersion.number == 2)).one()
        assert version.status is VersionStatus.published
        assert version.published_by == worker_id(team_app, "bram")
        assert abs(version.published_at - clock.now()) < dt.timedelta(minutes=5)
        assert version.note_for_family == "Youssef belt nu ook zijn broer."
        assert "Hij belt ook zijn broer Karim." in version.change_summary
        assert draft_of(db, family) is None
    compare = client.get(published.headers["Location"])
    assert "Hij belt ook zijn broer Karim." in text_of(compare)
    # Youssef read version 1: he now sees version 2 and what changed.
    youssef = team_app.test_client()
    sign_in(youssef, household.usernames[1])
    plan = youssef.get("/plan")
    assert say(team_app, "ar", "What changed since the version you read before") in text_of(plan)
    changes = soup(plan).select_one("ul.changes").get_text(" ")
    assert "Hij belt ook zijn broer Karim." in changes
    assert "Fatima heeft een veilig adres" not in changes  # changed, and still only for Fatima
    assert "Youssef belt nu ook zijn broer." in text_of(plan)
    # The next edit starts a fresh draft from version 2.
    again = client.get(f"/backoffice/families/{family}/plan")
    assert "Hij belt ook zijn broer Karim." in form_values(again, "plan-form")["s1-a-0-what"]


def test_publishing_opens_translation_work_for_every_language_of_the_parents(team_app):
    family = factories.fatima_and_youssef(team_app, children=True).family_id  # they read Arabic
    factories.saved_draft(team_app, family)  # the first version, not published yet
    with database(team_app) as db:  # a third carer who reads Turkish, and one who reads Dutch
        db.add(Parent(family_id=family, name="Hatice El Idrissi", language="tr"))
        db.add(Parent(family_id=family, name="Karim El Idrissi", language="nl"))
        db.commit()
    client = team_app.test_client()
    sign_in(client, "bram")
    form = form_values(client.get(f"/backoffice/families/{family}/plan"), "plan-form")
    assert client.post(f"/backoffice/families/{family}/plan", data=dict(form, action="publish")).status_code == 302
    with database(team_app) as db:
        version = db.exec(select(PlanVersion).join(SafetyPlan, SafetyPlan.id == PlanVersion.plan_id)
                          .where(SafetyPlan.family_id == family, PlanVersion.number == 1)).one()
        jobs = db.exec(select(TranslationJob, Interpreter).join(
            Interpreter, Interpreter.id == TranslationJob.interpreter_id, isouter=True)
            .where(TranslationJob.version_id == version.id)).all()
    assert sorted((job.language, interpreter.name if interpreter else None) for job, interpreter in jobs) == [
        ("ar", "Samira Benali"), ("tr", "Zeynep Kaya")]


def _racing_save(app, family: int, rounds: int = 4) -> None:
    bram, anouk = worker_id(app, "bram"), worker_id(app, "anouk")
    for round_number in range(rounds):
        draft, _before = draft_content(app, family)

        def content(who: str) -> PlanContent:
            situation = Situation("race-s", 1, "acute", f"{who} schreef dit in ronde {round_number}.",
                                  (f"{who} risico",), (Agreement("race-a", who, f"{who} doet iets.", "Altijd.",
                                                                 f"{who} belt."),))
            return PlanContent((situation,), tuple(Item(f"race-{who}-{i}", "help", f"{who} hulp {i}.", who)
                                                   for i in range(5)))

        barrier = threading.Barrier(2)
        results: dict[str, object] = {}

        def save(who: str, worker: int) -> None:
            with Session(app.extensions["engine"], expire_on_commit=False) as db:
                mine = db.get(PlanVersion, draft.id)
                barrier.wait()
                try:
                    results[who] = publishing.save(db, mine, draft.revision, content(who), worker)
                    db.commit()
                except publishing.Conflict as conflict:
                    results[who] = conflict
                except Exception as error:  # noqa: BLE001  (reported below)
                    results[who] = error

        threads = [threading.Thread(target=save, args=("Bram", bram)),
                   threading.Thread(target=save, args=("Anouk", anouk))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        winners = [who for who, result in results.items() if result == draft.revision + 1]
        losers = [who for who, result in results.items() if isinstance(result, publishing.Conflict)]
        assert len(winners) == 1 and len(losers) == 1, results
        saved, stored = draft_content(app, family)
        assert saved.revision == draft.revision + 1
        assert stored == content(winners[0])  # all of the winner's text, nothing of the other's


def test_racing_saves_of_the_same_revision_one_wins_the_other_conflicts(team_app):
    family = factories.fatima_and_youssef(team_app).family_id
    factories.saved_draft(team_app, family)  # Bram's draft, which he and Anouk then both save
    _racing_save(team_app, family)


FIRST_SAVES = 20


@pytest.mark.both_databases
def test_twenty_first_saves_at_once_make_one_draft_and_the_others_see_both_texts(team_app):
    """A household without a plan: twenty autosaves of the first change arrive together (the duo, each in their
    own browser). One draft is made (a unique index per plan); one save wins, every other gets the conflict."""
    made = factories.household(team_app, ["nl"])
    url = f"/backoffice/families/{made.family_id}/plan"
    clients = [signed_in_client(team_app, ("bram", "anouk")[number % 2]) for number in range(FIRST_SAVES)]
    forms = [form_values(client.get(url), "plan-form") for client in clients]
    def first_save(number: int):
        form = forms[number] | {"s1-description": f"Opslag {number}: er wordt 's nachts geschreeuwd."}
        return clients[number].post(url, data=form, headers={"HX-Request": "true"})

    answers = all_at_once(first_save, FIRST_SAVES)
    codes = {number: getattr(answer, "status_code", answer) for number, answer in answers.items()}
    winners = [number for number, code in codes.items() if code == 200]
    assert len(winners) == 1 and sorted(codes.values()) == [200] + [409] * (FIRST_SAVES - 1), codes
    with database(team_app) as db:
        drafts = db.exec(select(PlanVersion).join(SafetyPlan, SafetyPlan.id == PlanVersion.plan_id).where(
            SafetyPlan.family_id == made.family_id, PlanVersion.status == VersionStatus.draft)).all()
        assert len(drafts) == 1
        content = load_contents(db, [drafts[0].id])[drafts[0].id]
    assert content.situations[0].description == f"Opslag {winners[0]}: er wordt 's nachts geschreeuwd."
    loser = next(number for number in codes if number != winners[0])
    box = soup(answers[loser]).select_one("textarea#s1-description").find_parent("div")
    assert f"Opslag {winners[0]}:" in box.select_one(".conflict blockquote").get_text()  # both texts


# --- plain-language help -------------------------------------------------------------------------

def test_plain_language_help_while_typing_and_on_save_without_javascript(team_app):
    family = factories.fatima_and_youssef(team_app, children=True).family_id
    client = signed_in_client(team_app, "anouk")
    editor = client.get(f"/backoffice/families/{family}/plan")
    token = csrf_token(editor.text)
    text = f"Er is een ondertoezichtstelling. {LONG_SENTENCE}"
    live = client.post(f"/backoffice/families/{family}/plain-language", data={"s1-description": text},
                       headers={"HX-Request": "true", "HX-Trigger-Name": "s1-description", "X-CSRFToken": token})
    assert live.status_code == 200
    flagged = [mark.get_text() for mark in soup(live).select("li.finding mark")]
    assert "ondertoezichtstelling" in flagged
    assert LONG_SENTENCE in flagged
    assert "<html" not in live.text  # only the fragment for the field
    long_label = say(team_app, "nl", "Long sentence (over 20 words):")
    assert long_label in text_of(live) and say(team_app, "nl", "Difficult word:") in text_of(live)
    # The same help appears when the draft is saved without JavaScript.
    form = form_values(editor, "plan-form")
    form["s1-description"] = text
    saved = client.post(f"/backoffice/families/{family}/plan", data=dict(form, action="save"))
    assert saved.status_code == 200
    help_box = soup(saved).select_one("#s1-description-help")
    assert [mark.get_text() for mark in help_box.select("li.finding mark")][:2] == flagged[:2]
    assert long_label in help_box.get_text()


def test_names_in_the_household_are_not_flagged_as_rare_words(team_app):
    family = factories.fatima_and_youssef(team_app, children=True).family_id
    client = signed_in_client(team_app, "anouk")
    token = csrf_token(client.get(f"/backoffice/families/{family}/plan").text)
    live = client.post(f"/backoffice/families/{family}/plain-language",
                       data={"s1-description": "Amira en Adam zien dat. Daarna belt Fatima met Bram."},
                       headers={"HX-Request": "true", "HX-Trigger-Name": "s1-description", "X-CSRFToken": token})
    assert live.status_code == 200
    assert soup(live).select("li.finding") == []
    assert soup(live).select_one(".plain-ok") is not None


def test_short_fields_are_not_given_a_reading_ease(team_app):
    family = factories.fatima_and_youssef(team_app, children=True).family_id
    client = signed_in_client(team_app, "anouk")
    token = csrf_token(client.get(f"/backoffice/families/{family}/plan").text)
    headers = {"HX-Request": "true", "HX-Trigger-Name": "s1-description", "X-CSRFToken": token}

    def live(text):
        return soup(client.post(f"/backoffice/families/{family}/plain-language", data={"s1-description": text},
                                headers=headers))

    label = live("Elke maandagochtend.")  # scored, this read -26.0: "not plain"
    assert label.select_one(".plain-ok") is not None and label.select("li.finding") == []
    jargon = live("Bespreek de OTS.")
    assert [mark.get_text() for mark in jargon.select("li.finding mark")] == ["OTS"]
    assert jargon.select_one(".plain-ok") is None and "None" not in jargon.get_text()


# --- appointments --------------------------------------------------------------------------------

def _appointment_form(client, url):
    page = client.get(url)
    assert page.status_code == 200, url
    return form_values(page, "appointment-form")


def test_planning_moving_and_cancelling_an_appointment(team_app):
    household = factories.fatima_and_youssef(team_app, children=True)
    family = household.family_id
    client = signed_in_client(team_app, "bram")
    url = f"/backoffice/families/{family}/appointments"
    day = clock.today() + dt.timedelta(days=20)
    form = _appointment_form(client, url)
    form.update(date=day.isoformat(), time="14:30", duration="45", place="Blijf Groep, Lindelaan 3 (geheim)",
                safe_place="1", with_whom="Bram de Wit", purpose="Gesprek met Fatima over een veilige plek.",
                interpreter_language="ar")
    # A safe place is never for everyone, and never saved without saying who it is for.
    for refused_audience in ("", "household"):
        refused = client.post(url, data=dict(form, audience=refused_audience))
        assert refused.status_code == 400, refused_audience
        assert form_values(refused, "appointment-form")["place"] == "Blijf Groep, Lindelaan 3 (geheim)"
    fatima = parent_named(team_app, "Fatima El Idrissi")
    form["audience"] = f"parents:{fatima.id}"
    created = client.post(url, data=form)
    assert created.status_code == 302
    with database(team_app) as db:
        item = db.exec(select(Appointment).where(
            Appointment.purpose == "Gesprek met Fatima over een veilige plek.")).one()
    assert item.safe_place and item.place == "Blijf Groep, Lindelaan 3 (geheim)" and item.duration_minutes == 45
    assert item.starts_at == dt.datetime.combine(day, dt.time(14, 30), tzinfo=AMSTERDAM)
    assert item.interpreter_language == "ar"
    fatima = signed_in_client(team_app, household.usernames[0])
    assert "Gesprek met Fatima over een veilige plek." in text_of(fatima.get("/appointments"))
    assert "Lindelaan" not in text_of(fatima.get("/appointments"))
    # Move it.
    edit = f"{url}/{item.id}"
    form = _appointment_form(client, edit)
    assert form["place"] == "Blijf Groep, Lindelaan 3 (geheim)" and form["safe_place"] == "1"
    form.update(date=(day + dt.timedelta(days=1)).isoformat(), time="09:15")
    assert client.post(edit, data=dict(form, action="save")).status_code == 302
    with database(team_app) as db:
        moved = db.get(Appointment, item.id)
    assert moved.starts_at == dt.datetime.combine(day + dt.timedelta(days=1), dt.time(9, 15), tzinfo=AMSTERDAM)
    assert moved.status is AppointmentStatus.planned
    # Cancel it.
    form = _appointment_form(client, edit)
    assert client.post(edit, data=dict(form, action="cancel")).status_code == 302
    with database(team_app) as db:
        assert db.get(Appointment, item.id).status is AppointmentStatus.cancelled
    assert say(team_app, "ar", "This appointment is cancelled.") in text_of(fatima.get("/appointments"))


def test_an_invalid_date_is_explained_and_the_typed_text_kept(team_app):
    family = factories.fatima_and_youssef(team_app, children=True).family_id
    factories.appointment(team_app, family)  # one coming appointment, to move
    client = signed_in_client(team_app, "bram")
    url = f"/backoffice/families/{family}/appointments"
    form = _appointment_form(client, url)
    form.update(date="31-02-2026", time="25:00", place="Kantoor Nieuw-West", with_whom="Bram de Wit",
                purpose="Het plan samen lezen.")
    with database(team_app) as db:
        before = len(db.exec(select(Appointment.id)).all())
    refused = client.post(url, data=form)
    assert refused.status_code == 400
    assert say(team_app, "nl", "Give a date and a time, e.g. 2026-12-01 and 10:00.") in text_of(refused)
    shown = form_values(refused, "appointment-form")
    assert (shown["date"], shown["time"], shown["place"], shown["purpose"]) == (
        "31-02-2026", "25:00", "Kantoor Nieuw-West", "Het plan samen lezen.")
    with database(team_app) as db:
        assert len(db.exec(select(Appointment.id)).all()) == before
    # Moving an existing appointment to a wrong date keeps it where it was.
    with database(team_app) as db:
        item = db.exec(select(Appointment).where(Appointment.family_id == family,
                                                 Appointment.starts_at > clock.now())).first()
    form = _appointment_form(client, f"{url}/{item.id}")
    form["date"] = "morgen"
    refused = client.post(f"{url}/{item.id}", data=dict(form, action="save"))
    assert refused.status_code == 400
    assert form_values(refused, "appointment-form")["date"] == "morgen"
    with database(team_app) as db:
        assert db.get(Appointment, item.id).starts_at == item.starts_at


def test_a_parents_request_to_move_reaches_the_duo_and_their_answer_reaches_the_parent(team_app):
    household = factories.household(team_app, ["nl"])  # a parent who reads Dutch; Bram and Anouk are the duo
    family = household.family_id
    factories.appointment(team_app, family)
    with database(team_app) as db:
        item = db.exec(select(Appointment).where(Appointment.family_id == family,
                                                 Appointment.starts_at > clock.now())).first()
    sanne = signed_in_client(team_app, household.usernames[0])
    token = csrf_token(sanne.get(f"/appointments/{item.key}").text)
    reason = "Thomas kan dan niet. Donderdag kan wel."
    assert sanne.post(f"/appointments/{item.key}", data={"response": "move_requested", "reason": reason,
                                                         "csrf_token": token}).status_code == 302
    anouk = signed_in_client(team_app, "anouk")
    url = f"/backoffice/families/{family}/appointments"
    listing = " ".join(soup(anouk.get(url)).get_text().split())
    assert say(team_app, "nl", "asks to move") + ": " + reason in listing
    edit = anouk.get(f"{url}/{item.id}")
    assert reason in text_of(edit)
    form = form_values(edit, "appointment-form")
    (reply_field,) = [name for name in form if name.startswith("reply-")]  # one answer: Sanne's
    form[reply_field] = "Goed, ik kom donderdag om 14.00 uur."
    assert anouk.post(f"{url}/{item.id}", data=dict(form, action="save")).status_code == 302
    page = " ".join(soup(sanne.get("/appointments")).get_text(" ").split())
    assert say(team_app, "nl", "Answer from your duo:") + " Goed, ik kom donderdag om 14.00 uur." in page


# --- parent accounts -----------------------------------------------------------------------------

def _new_parent(app, name: str, language: str) -> tuple[int, Parent]:
    """A parent without an account yet, added to the household of Fatima and Youssef El Idrissi (Bram and Anouk
    their duo)."""
    family = factories.fatima_and_youssef(app).family_id
    with database(app) as db:
        parent = Parent(family_id=family, name=name, language=language)
        db.add(parent)
        db.commit()
    return family, parent


def test_a_new_parent_account_gets_a_letter_whose_code_activates_once(team_app):
    family, parent = _new_parent(team_app, "Karim El Idrissi", "nl")
    client = team_app.test_client()
    sign_in(client, "bram")
    action = f"/backoffice/families/{family}/parents/{parent.id}/letter"
    confirm = client.get(f"{action}/new")  # the family file links here: the page says what the letter does
    form = soup(confirm).select_one(f'form[action="{action}"]')
    assert form is not None and say(team_app, "nl", "Create account and print letter") in form.get_text()
    letter = client.post(action, data={"csrf_token": csrf_token(confirm.text)}, follow_redirects=True)
    assert letter.status_code == 200
    page = soup(letter)
    strong = [s.get_text() for s in page.select("article.letter strong")]
    username, code = strong[0], strong[1]
    assert username == "ouder-karim"
    assert len(code) == 14 and code.count("-") == 2
    assert page.select_one("article.letter .qr svg") is not None  # the QR code, inline
    assert "Karim El Idrissi" in letter.get_data(as_text=True)
    with database(team_app) as db:
        account = db.exec(select(Account).where(Account.username == "ouder-karim")).one()
        assert db.get(Parent, parent.id).account_id == account.id and account.password_hash is None
        assert len(db.exec(select(OneTimeCode).where(OneTimeCode.account_id == account.id)).all()) == 1
    # The file now says the letter was sent.
    family_page = text_of(client.get(f"/backoffice/families/{family}"))
    assert say(team_app, "nl", "letter sent, not activated yet") in family_page
    # The code works once.
    visitor = team_app.test_client()
    token = csrf_token(visitor.get(f"/activate?username={username}&code={code}").text)
    first = visitor.post("/activate", data={"username": username, "code": code, "csrf_token": token})
    assert first.status_code == 302 and first.headers["Location"] == "/activate/password"
    assert visitor.get("/activate/password").status_code == 200
    again = team_app.test_client()
    token = csrf_token(again.get("/activate").text)
    second = again.post("/activate", data={"username": username, "code": code, "csrf_token": token})
    assert second.status_code == 401
    assert say(team_app, "nl", "This code is not right, was already used or is older than 7 days. "
                               "Ask your contact person for a new letter.") in text_of(second)


def test_the_letter_speaks_the_parents_language_while_the_worker_reads_dutch(team_app):
    family, parent = _new_parent(team_app, "Nadia El Idrissi", "ar")
    client = team_app.test_client()
    sign_in(client, "bram")
    file = client.get(f"/backoffice/families/{family}")
    letter = client.post(f"/backoffice/families/{family}/parents/{parent.id}/letter",
                         data={"csrf_token": csrf_token(file.text)}, follow_redirects=True)
    text = text_of(letter)
    assert say(team_app, "ar", "Dear %(name)s,", name="Nadia El Idrissi") in text
    assert say(team_app, "nl", "Dear %(name)s,", name="Nadia El Idrissi") not in text
    # The letter alone is the parent's: the page around it stays in the worker's language.
    page = soup(letter)
    assert (page.html["lang"], page.html["dir"]) == ("nl", "ltr")
    article = page.select_one("article.letter")
    assert (article["lang"], article["dir"]) == ("ar", "rtl")
    # The next page the worker opens is Dutch again.
    assert '<html lang="nl" dir="ltr">' in client.get(f"/backoffice/families/{family}").get_data(as_text=True)
