"""The family's circle (issue 24): the duo adds a person and confirms which agreements they carry; the member sees
exactly those, answers each one, is asked again when one changes and hears nothing of the rest of the plan."""
import pytest
from sqlmodel import select

from portal import clock
from portal.models import (
    Account,
    CircleAnswer,
    NamedInAgreement,
    NetworkMember,
    OutboxMessage,
    Role,
    TranslationJob,
)
from portal.rules.audience import HOUSEHOLD, only_for
from portal.rules.plan_content import Agreement, Item, PlanContent, Situation
from portal.services.interpreting import remember
from support import factories
from support.pages import database, form_values, say, soup, text_of
from support.sign_in import csrf_token, signed_in_client

pytestmark = pytest.mark.both_databases

PICK_UP = "Dan haalt buurvrouw mevrouw Haddou de kinderen op."
SLEEP = "De kinderen slapen bij oma."
BROTHER = "Youssef belt zijn broer Karim als hij boos wordt."
FATIMA_ONLY = "Fatima gaat naar het blijf-van-mijn-lijfhuis aan de Rozengracht."


def plan(fatima: int, youssef: int, pick_up: str = PICK_UP, help_text: str = "Hulp bij schulden.",
         brother_audience: str | None = None) -> PlanContent:
    """Two situations: one for the household (the neighbour's pick-up, oma's sleep-over), one of Youssef's anger
    (his brother, for Youssef alone) with Fatima's safe place (for Fatima alone), and one help item."""
    return PlanContent(
        situations=(
            Situation("s-school", 1, "acute", "De kinderen staan na school alleen buiten.", (), (
                Agreement("a-pickup", "Buurvrouw", pick_up, "Elke schooldag om 15:00.", "Bel Bram."),
                Agreement("a-oma", "Oma", SLEEP, "In het weekend.", "Bel Bram."))),
            Situation("s-anger", 2, "acute", "Vader wordt boos en schreeuwt.", (), (
                Agreement("a-brother", "Youssef", BROTHER, "Als hij boos wordt.", "Hij gaat naar buiten.",
                          brother_audience or only_for([youssef])),
                Agreement("a-safe", "Fatima", FATIMA_ONLY, "Als het onveilig is.", "Bel 112.", only_for([fatima])))),
        ),
        items=(Item("h-1", "help", help_text, "Schuldhulp"),))


@pytest.fixture
def household(team_app):
    made = factories.fatima_and_youssef(team_app, password=True)
    factories.published_content(team_app, made.family_id, plan(*made.parent_ids))
    return made


def circle_page(app, username: str):
    client = signed_in_client(app, username)
    return client, client.get("/circle")


def test_the_duo_adds_a_member_and_sees_the_name_offered_not_confirmed(team_app, household):
    duo = signed_in_client(team_app, "bram")
    url = f"/backoffice/families/{household.family_id}/circle/new"
    refused = duo.post(url, data={"csrf_token": csrf_token(duo.get(url).text), "name": "Samira Haddou",
                                  "relation": "", "language": "nl", "phone": "geen nummer", "side": "household"})
    assert refused.status_code == 400
    page = soup(refused)
    assert page.select_one("#name")["value"] == "Samira Haddou"  # nothing typed is lost
    assert page.select_one("#phone")["value"] == "geen nummer"
    assert say(team_app, "nl", "Write who this is to the family, e.g. neighbour or uncle.") in text_of(refused)
    made = duo.post(url, data={"csrf_token": csrf_token(duo.get(url).text), "name": "Samira Haddou",
                               "relation": "buurvrouw", "language": "ar", "phone": "06-12345678",
                               "side": "household"})
    assert made.status_code == 302
    member_page = duo.get(made.headers["Location"])
    boxes = {box["value"]: box for box in soup(member_page).select("#named-form input[type=checkbox]")}
    # The household's side reads only what is for the whole household: not Youssef's brother, not Fatima's place.
    assert set(boxes) == {"a-pickup", "a-oma"}
    assert not any(box.has_attr("checked") for box in boxes.values())  # offered, never assumed
    assert say(team_app, "nl", "The name appears in this agreement") in text_of(member_page)
    file = duo.get(f"/backoffice/families/{household.family_id}")
    assert "Samira Haddou" in soup(file).select_one("#circle").text


def test_a_side_of_another_household_or_an_unreadable_agreement_is_refused(team_app, household):
    other = factories.household(team_app, ["nl"])
    duo = signed_in_client(team_app, "bram")
    url = f"/backoffice/families/{household.family_id}/circle/new"
    response = duo.post(url, data={"csrf_token": csrf_token(duo.get(url).text), "name": "Karim",
                                   "relation": "broer", "language": "nl", "phone": "",
                                   "side": str(other.parent_ids[0])})
    assert response.status_code == 400
    assert say(team_app, "nl", "Choose the household or one of its parents.") in text_of(response)
    karim = factories.circle_member(team_app, household.family_id, "Karim El Idrissi",
                                    side=only_for([household.parent_ids[1]]))
    member_url = f"/backoffice/families/{household.family_id}/circle/{karim.member_id}"
    offered = {box["value"] for box in soup(duo.get(member_url)).select("#named-form input[type=checkbox]")}
    assert offered == {"a-pickup", "a-oma", "a-brother"}  # Youssef's side: never Fatima's safe place
    refused = duo.post(f"{member_url}/agreements", data={"csrf_token": csrf_token(duo.get(member_url).text),
                                                         "agreement-0": "a-safe", "agreement-1": "a-oma"})
    assert refused.status_code == 400  # shown again as ticked, nothing saved
    ticked = {box["value"] for box in soup(refused).select("#named-form input[checked]")}
    assert ticked == {"a-oma"}
    with database(team_app) as db:
        assert db.exec(select(NamedInAgreement).where(NamedInAgreement.member_id == karim.member_id)).all() == []


def test_the_member_sees_exactly_the_agreements_they_carry_and_nothing_else(team_app, household):
    karim = factories.circle_member(team_app, household.family_id, "Karim El Idrissi",
                                    side=only_for([household.parent_ids[1]]), carries=("a-brother",))
    client, page = circle_page(team_app, karim.username)
    text = text_of(page)
    assert BROTHER in text and "Who do I call now?" in text and "112" in text
    for hidden in (PICK_UP, SLEEP, FATIMA_ONLY, "Vader wordt boos", "Hulp bij schulden", "Youssef El Idrissi",
                   "Fatima El Idrissi", "version"):
        assert hidden not in text
    assert soup(page).select_one("#quick-exit")  # Leave quickly, as on every family page
    for path in ("/plan", "/appointments", "/who-looked", "/plan/history"):
        assert client.get(path).status_code == 404
        assert client.post(path, data={}).status_code in (400, 404, 405)
    assert client.get("/").headers["Location"].endswith("/circle")
    parent = signed_in_client(team_app, household.usernames[1])
    assert parent.get("/circle").status_code == 404


def test_an_agreement_given_to_the_other_parent_alone_leaves_the_members_page(team_app, household):
    fatima, youssef = household.parent_ids
    karim = factories.circle_member(team_app, household.family_id, "Karim", side=only_for([youssef]),
                                    carries=("a-brother",))
    factories.published_content(team_app, household.family_id,
                                plan(fatima, youssef, brother_audience=only_for([fatima])))
    _client, page = circle_page(team_app, karim.username)
    assert BROTHER not in text_of(page)
    assert "There is nothing for you to do at the moment" in text_of(page)


def answer(client, key: str, commitment: str, reason: str = ""):
    """The member's answer to one agreement, on the form of its card as the page shows it."""
    form = form_values(client.get("/circle"), f"answer-{key}")
    return client.post("/circle", data=form | {"commitment": commitment, "reason": reason})


def test_i_cannot_do_this_is_a_task_for_the_duo_until_handled(team_app, household):
    haddou = factories.circle_member(team_app, household.family_id, carries=("a-pickup",))
    client = signed_in_client(team_app, haddou.username)
    refused = answer(client, "a-pickup", "cannot", "")
    assert refused.status_code == 400 and "Write why you cannot do this" in text_of(refused)
    assert soup(refused).select_one("#answer-a-pickup input[value=cannot]").has_attr("checked")  # kept as chosen
    assert answer(client, "a-pickup", "cannot", "Op dinsdag werk ik tot 17:00.").status_code == 302
    assert "You said: I cannot do this" in text_of(client.get("/circle"))
    duo = signed_in_client(team_app, "bram")
    home = duo.get("/backoffice/")
    assert "Op dinsdag werk ik tot 17:00." in soup(home).select_one("#circle-tasks").text
    file = duo.get(f"/backoffice/families/{household.family_id}")
    assert "Op dinsdag werk ik tot 17:00." in soup(file).select_one("#circle").text
    timeline = duo.get(f"/backoffice/families/{household.family_id}/timeline")
    assert say(team_app, "nl", "%(name)s (the family's circle) cannot carry out an agreement",
               name="Samira Haddou") in text_of(timeline)
    with database(team_app) as db:
        given = db.exec(select(CircleAnswer)).one()
    member_url = f"/backoffice/families/{household.family_id}/circle/{haddou.member_id}"
    handled = duo.post(f"{member_url}/answers/{given.id}/handled",
                       data={"csrf_token": csrf_token(duo.get(member_url).text)})
    assert handled.status_code == 302
    assert "Op dinsdag" not in soup(duo.get("/backoffice/")).select_one("#circle-tasks").text
    assert duo.get(f"{member_url}/answers/{given.id}/handled").status_code == 405  # only a POST changes it


def test_a_version_that_changes_nothing_of_theirs_is_no_news_and_a_change_asks_again(team_app, household):
    fatima, youssef = household.parent_ids
    haddou = factories.circle_member(team_app, household.family_id, carries=("a-pickup",))
    client = signed_in_client(team_app, haddou.username)
    answer(client, "a-pickup", "will")

    def shown() -> str:
        return soup(client.get("/circle")).select_one("main").text

    before = shown()

    def messages_to_member() -> int:
        with database(team_app) as db:
            account = db.exec(select(Account).where(Account.username == haddou.username)).one()
            return len(db.exec(select(OutboxMessage).where(OutboxMessage.account_id == account.id)).all())

    duo = signed_in_client(team_app, "bram")
    _publish_with_news(team_app, household.family_id, plan(fatima, youssef, help_text="Hulp bij schulden en werk."))
    assert messages_to_member() == 0
    assert shown() == before  # not a number, notice or mark more
    _publish_with_news(team_app, household.family_id, plan(fatima, youssef, pick_up=PICK_UP + " Ook op woensdag."))
    assert messages_to_member() == 1
    page = text_of(client.get("/circle"))
    assert "This agreement has changed. Please answer again." in page and "Ook op woensdag" in page
    assert duo.get("/backoffice/").status_code == 200


def _publish_with_news(app, family_id: int, content: PlanContent) -> None:
    """Publish as the plan editor does when the duo tells the family (the messages join the transaction)."""
    from portal.models import Worker
    from portal.services import publishing

    with app.app_context(), database(app) as db:
        worker = db.exec(select(Worker.id).where(Worker.name == "Bram de Wit")).one()
        draft = publishing.open_draft(db, family_id, worker)
        revision = publishing.save(db, draft, draft.revision, content, worker)
        publishing.publish(db, draft, revision, family_id, worker, "", HOUSEHOLD, announce=True)
        db.commit()


def test_closing_the_case_ends_the_members_access_that_day(team_app, household):
    haddou = factories.circle_member(team_app, household.family_id, carries=("a-pickup",))
    client = signed_in_client(team_app, haddou.username)
    typed = form_values(client.get("/circle"), "answer-a-pickup") | {"commitment": "will"}  # the page left open
    lead = signed_in_client(team_app, "teamlead")
    url = f"/backoffice/families/{household.family_id}/case"
    closed = lead.post(url, data=form_values(lead.get(url), "case-form") | {"reason": "Het gaat goed, we sluiten af.",
                                                                            "closed_on": clock.today().isoformat()})
    assert closed.status_code == 302, text_of(closed)[:400]
    page = client.get("/circle")
    assert PICK_UP not in text_of(page) and not soup(page).select("form[id^=answer-]")
    assert client.post("/circle", data=typed).status_code == 200  # the closed case's message, nothing saved
    with database(team_app) as db:
        assert db.exec(select(CircleAnswer)).all() == []


def test_who_looked_shows_a_member_only_looks_at_what_is_theirs(team_app, household):
    haddou = factories.circle_member(team_app, household.family_id, carries=("a-pickup",))
    duo = signed_in_client(team_app, "bram")
    duo.get(f"/backoffice/families/{household.family_id}")  # the household's file: not theirs
    duo.get(f"/backoffice/families/{household.family_id}/plan")
    client = signed_in_client(team_app, haddou.username)
    assert "Nobody has looked at your file yet." in text_of(client.get("/circle/who-looked"))
    duo.get(f"/backoffice/families/{household.family_id}/circle/{haddou.member_id}")
    rows = soup(client.get("/circle/who-looked")).select("tbody tr")
    assert len(rows) == 1 and "Bram de Wit" in rows[0].text


def test_the_letter_makes_a_network_account_that_activates_and_signs_in(team_app, household):
    duo = signed_in_client(team_app, "bram")
    url = f"/backoffice/families/{household.family_id}/circle/new"
    made = duo.post(url, data={"csrf_token": csrf_token(duo.get(url).text), "name": "Samira Haddou",
                               "relation": "buurvrouw", "language": "nl", "phone": "06-12345678",
                               "side": "household"})
    member_url = made.headers["Location"]
    confirm = duo.get(member_url + "/letter/new")
    letter = duo.post(member_url + "/letter", data=form_values(confirm, "letter-form"))
    assert letter.status_code == 303
    printed = duo.get(letter.headers["Location"])
    assert say(team_app, "nl", "With this letter you can open your own page. There you see what was agreed with you "
               "in the family's safety plan, and whom to call.") in text_of(printed)
    with database(team_app) as db:
        member = db.exec(select(NetworkMember).where(NetworkMember.name == "Samira Haddou")).one()
        account = db.get(Account, member.account_id)
        assert account.role is Role.network and account.username.startswith("netwerk-")


def test_a_member_who_reads_another_language_gets_the_agreements_translated(team_app, household):
    """Samira reads English, which neither parent reads: naming her opens an English job for the household with
    the agreement she carries out (and nothing else of the plan), and its translation reaches her page."""
    haddou = factories.circle_member(team_app, household.family_id, language="en")
    duo = signed_in_client(team_app, "bram")
    member_url = f"/backoffice/families/{household.family_id}/circle/{haddou.member_id}"
    page = duo.get(member_url)
    ticked = duo.post(f"{member_url}/agreements", data={"csrf_token": csrf_token(page.text), "agreement-0": "a-pickup"})
    assert ticked.status_code == 302
    with database(team_app) as db:
        job = db.exec(select(TranslationJob).where(TranslationJob.family_id == household.family_id,
                                                   TranslationJob.language == "en")).one()
    interpreter = signed_in_client(team_app, "tolk-en")
    work = text_of(interpreter.get(f"/backoffice/translations/{job.id}"))
    assert PICK_UP in work and SLEEP not in work and BROTHER not in work and FATIMA_ONLY not in work
    with team_app.app_context(), database(team_app) as db:
        remember(db, PICK_UP, "en", "Then neighbour Mrs Haddou picks the children up.", job.interpreter_id,
                 household.family_id, True)
        db.commit()
    member_page = text_of(signed_in_client(team_app, haddou.username).get("/circle"))
    assert "Then neighbour Mrs Haddou picks the children up." in member_page


def test_handled_applies_only_to_the_members_own_cannot(team_app, household):
    """The handled button's address names a member and an answer: another member's answer, or an "I will do this",
    is no task of that member's and stays as it was (the timeline never says someone cannot who said they will)."""
    haddou = factories.circle_member(team_app, household.family_id, carries=("a-pickup",))
    karim = factories.circle_member(team_app, household.family_id, "Karim El Idrissi",
                                    side=only_for([household.parent_ids[1]]), carries=("a-brother",))
    answer(signed_in_client(team_app, karim.username), "a-brother", "will")
    answer(signed_in_client(team_app, haddou.username), "a-pickup", "cannot", "Dinsdag werk ik.")
    with database(team_app) as db:
        wills = db.exec(select(CircleAnswer).where(CircleAnswer.member_id == karim.member_id)).one()
        cannot = db.exec(select(CircleAnswer).where(CircleAnswer.member_id == haddou.member_id)).one()
    duo = signed_in_client(team_app, "bram")
    token = csrf_token(duo.get("/backoffice/").text)
    base = f"/backoffice/families/{household.family_id}/circle"
    for member_id, answer_id in ((haddou.member_id, wills.id), (karim.member_id, wills.id),
                                 (karim.member_id, cannot.id)):
        duo.post(f"{base}/{member_id}/answers/{answer_id}/handled", data={"csrf_token": token})
    with database(team_app) as db:
        assert db.get(CircleAnswer, wills.id).handled_at is None
        assert db.get(CircleAnswer, cannot.id).handled_at is None


def test_the_timeline_names_who_joined_the_circle_and_what_the_duo_did(team_app, household):
    duo = signed_in_client(team_app, "bram")
    url = f"/backoffice/families/{household.family_id}/circle/new"
    made = duo.post(url, data={"csrf_token": csrf_token(duo.get(url).text), "name": "Nadia Haddou",
                               "relation": "buurvrouw", "language": "nl", "phone": "", "side": "household"})
    member_url = made.headers["Location"]
    duo.post(f"{member_url}/agreements", data={"csrf_token": csrf_token(duo.get(member_url).text),
                                               "agreement-0": "a-pickup"})
    duo.post(f"{member_url}/letter", data=form_values(duo.get(f"{member_url}/letter/new"), "letter-form"))
    entries = [item.text for item in soup(duo.get(f"/backoffice/families/{household.family_id}/timeline?kind=members"))
               .select("li.entry strong")]
    for expected in ("%(name)s added to the family's circle", "Confirmed which agreements %(name)s carries out",
                     "Account letter printed for %(name)s"):
        assert say(team_app, "nl", expected, name="Nadia Haddou") in entries, entries


def test_switching_a_members_account_off_ends_their_session_at_once(team_app, household):
    haddou = factories.circle_member(team_app, household.family_id, carries=("a-pickup",))
    member = signed_in_client(team_app, haddou.username)
    assert member.get("/circle").status_code == 200
    duo = signed_in_client(team_app, "bram")
    member_url = f"/backoffice/families/{household.family_id}/circle/{haddou.member_id}"
    assert duo.get(f"{member_url}/deactivate").status_code == 405  # only its button, a POST, does it
    switched = duo.post(f"{member_url}/deactivate", data={"csrf_token": csrf_token(duo.get(member_url).text)})
    assert switched.status_code == 302
    assert member.get("/circle").headers["Location"].endswith("/sign-in")
    with database(team_app) as db:
        assert not db.exec(select(Account).where(Account.username == haddou.username)).one().active


def test_a_cannot_answered_again_is_no_task_of_its_own(team_app, household):
    """Asked again after the pick-up changed, the neighbour now says she will: her old "cannot" leaves the work list;
    had she said "cannot" again, only the new one would be on it."""
    fatima, youssef = household.parent_ids
    haddou = factories.circle_member(team_app, household.family_id, carries=("a-pickup",))
    client = signed_in_client(team_app, haddou.username)
    answer(client, "a-pickup", "cannot", "Dinsdag werk ik.")
    duo = signed_in_client(team_app, "bram")
    assert "Dinsdag werk ik." in soup(duo.get("/backoffice/")).select_one("#circle-tasks").text
    factories.published_content(team_app, household.family_id,
                                plan(fatima, youssef, pick_up=PICK_UP + " Niet op dinsdag."))
    answer(client, "a-pickup", "cannot", "Woensdag ook niet.")
    tasks = soup(duo.get("/backoffice/")).select_one("#circle-tasks").text
    assert "Woensdag ook niet." in tasks and "Dinsdag werk ik." not in tasks
    factories.published_content(team_app, household.family_id,
                                plan(fatima, youssef, pick_up=PICK_UP + " Alleen maandag."))
    answer(client, "a-pickup", "will")
    assert "Haddou" not in soup(duo.get("/backoffice/")).select_one("#circle-tasks").text
