"""Children of 12 and over (issue 24, point 4): an account only by the duo's decision, their own plan at a child's
level, "my words" that reach the duo and a parent only when the child shares them, nothing else of the household."""
import pytest
from sqlmodel import select

from portal import clock
from portal.models import Account, ChildWords, FamilyMember, OutboxMessage, Role
from portal.rules.plan_content import Agreement, PlanContent, Situation
from support import factories
from support.pages import database, form_values, say, soup, text_of
from support.sign_in import csrf_token, signed_in_client

pytestmark = pytest.mark.both_databases

PLAN_TEXT = "De kinderen slapen bij oma als er ruzie is."
WORDS = "Als papa boos is ga ik naar mijn kamer."


@pytest.fixture
def household(team_app):
    """Fatima and Youssef (kept apart), with Amira (10) and a published plan."""
    made = factories.fatima_and_youssef(team_app, password=True)
    factories.published_content(team_app, made.family_id, PlanContent(situations=(
        Situation("s-1", 1, "acute", "Er is ruzie in huis.", (), (
            Agreement("a-1", "Oma", PLAN_TEXT, "Altijd.", "Bel Bram."),)),)))
    with database(team_app) as db:
        db.add(FamilyMember(family_id=made.family_id, name="Amira El Idrissi", relation="kind", is_child=True,
                            birth_year=clock.today().year - 10))
        db.commit()
    return made


def _member(app, name: str) -> FamilyMember:
    with database(app) as db:
        return db.exec(select(FamilyMember).where(FamilyMember.name == name)).one()


def test_only_a_child_of_12_or_over_gets_a_page_and_only_by_the_duos_decision(team_app, household):
    with database(team_app) as db:
        db.add(FamilyMember(family_id=household.family_id, name="Sara El Idrissi", relation="kind", is_child=True,
                            birth_year=clock.today().year - 13))
        db.commit()
    sara, amira = _member(team_app, "Sara El Idrissi"), _member(team_app, "Amira El Idrissi")
    duo = signed_in_client(team_app, "bram")
    file = soup(duo.get(f"/backoffice/families/{household.family_id}")).select_one("#parents")
    links = {a["href"] for a in file.select("a[href*='/children/']")}
    assert links == {f"/backoffice/families/{household.family_id}/children/{sara.id}"}  # Amira is 10
    assert duo.get(f"/backoffice/families/{household.family_id}/children/{amira.id}").status_code == 404
    page_url = f"/backoffice/families/{household.family_id}/children/{sara.id}"
    page = duo.get(page_url)
    refused = duo.post(f"{page_url}/decision", data=form_values(page, "decision-form") | {
        "parents": "not_told", "why_not_told": "Vader mag het niet weten."})
    assert refused.status_code == 400  # not decided together with her: nothing made, the reason kept
    assert soup(refused).select_one("#why_not_told").text == "Vader mag het niet weten."
    with database(team_app) as db:
        assert db.get(FamilyMember, sara.id).account_id is None
    made = duo.post(f"{page_url}/decision", data=form_values(page, "decision-form") | {
        "together": "y", "parents": "not_told", "why_not_told": "Vader mag het niet weten."})
    assert made.status_code == 303
    letter = duo.get(made.headers["Location"])
    assert say(team_app, "nl", "With this letter you can open your own page. There you see your own plan and whom "
               "to call, and you can write to us.") in text_of(letter)
    with database(team_app) as db:
        account = db.get(Account, db.get(FamilyMember, sara.id).account_id)
        assert account.role is Role.child and account.username.startswith("kind-")


def test_the_child_sees_their_own_plan_and_nothing_of_the_household(team_app, household):
    elif_ = factories.child_with_account(team_app, household.family_id)
    duo = signed_in_client(team_app, "bram")
    url = f"/backoffice/families/{household.family_id}/children/{elif_.member_id}"
    saved = duo.post(f"{url}/plan", data={"csrf_token": csrf_token(duo.get(url).text), "call": "Ik bel oma.",
                                          "go": "Ik ga naar de buren op nummer 12.", "code_word": "pannenkoek"})
    assert saved.status_code == 302
    child = signed_in_client(team_app, elif_.username)
    page = child.get("/me")
    text = text_of(page)
    assert "Ik bel oma." in text and "pannenkoek" in text and "0800-0432" in text and "112" in text
    for hidden in (PLAN_TEXT, "Er is ruzie in huis", "Fatima", "Youssef", "Amira"):
        assert hidden not in text
    assert soup(page).select_one("#quick-exit")
    for path in ("/plan", "/appointments", "/who-looked", "/circle", "/plan/history"):
        assert child.get(path).status_code == 404
    assert child.get("/").headers["Location"].endswith("/me")
    assert signed_in_client(team_app, household.usernames[0]).get("/me").status_code == 404


def test_the_plan_is_checked_at_a_childs_level(team_app, household):
    elif_ = factories.child_with_account(team_app, household.family_id)
    duo = signed_in_client(team_app, "bram")
    url = f"/backoffice/families/{household.family_id}/children/{elif_.member_id}"
    # Sixteen words: plain enough for an adult (at most 20), too long for a child (at most 12).
    sentence = "Als het thuis niet veilig is dan bel ik meteen mijn oma of mijn tante op."
    saved = duo.post(f"{url}/plan", data={"csrf_token": csrf_token(duo.get(url).text), "call": sentence,
                                            "go": "", "code_word": ""})
    assert saved.status_code == 302  # advice, not a refusal
    advice = soup(duo.get(url)).select_one("#child-plan-form").text
    assert "Deze zin heeft 16 woorden. Maak er kortere zinnen van, met hooguit 12 woorden." in advice


def test_my_words_reach_the_duo_and_a_parent_only_when_shared_with_them(team_app, household):
    fatima, youssef = household.parent_ids
    elif_ = factories.child_with_account(team_app, household.family_id)
    child = signed_in_client(team_app, elif_.username)
    empty = child.post("/me", data={"csrf_token": csrf_token(child.get("/me").text), "text": "  "})
    assert empty.status_code == 400
    assert child.post("/me", data={"csrf_token": csrf_token(child.get("/me").text), "text": WORDS}).status_code == 302
    duo = signed_in_client(team_app, "bram")
    assert WORDS not in text_of(duo.get("/backoffice/"))  # the list names the child, not the words
    assert "Elif Proef" in soup(duo.get("/backoffice/")).select_one("#child-words").text
    parents = {number: signed_in_client(team_app, name) for number, name in zip(household.parent_ids,
                                                                                 household.usernames, strict=True)}
    for client in parents.values():
        for path in ("/", "/plan", "/who-looked"):
            assert WORDS not in text_of(client.get(path))
    with database(team_app) as db:
        words = db.exec(select(ChildWords)).one()
    page = child.get("/me")
    shared = child.post(f"/me/words/{words.id}/share", data={"csrf_token": csrf_token(page.text),
                                                             "parent-0": str(fatima)})
    assert shared.status_code == 302
    assert WORDS in text_of(parents[fatima].get("/"))
    assert WORDS not in text_of(parents[youssef].get("/"))  # kept apart: shared with Fatima alone
    url = f"/backoffice/families/{household.family_id}/children/{elif_.member_id}"
    read = duo.post(f"{url}/words/{words.id}/read", data={"csrf_token": csrf_token(duo.get(url).text)})
    assert read.status_code == 302
    assert "Elif Proef" not in soup(duo.get("/backoffice/")).select_one("#child-words").text
    assert duo.get(f"{url}/words/{words.id}/read").status_code == 405


def test_words_of_another_child_cannot_be_shared(team_app, household):
    one = factories.child_with_account(team_app, household.family_id, "Elif Proef")
    other = factories.child_with_account(team_app, household.family_id, "Emre Proef")
    first = signed_in_client(team_app, one.username)
    first.post("/me", data={"csrf_token": csrf_token(first.get("/me").text), "text": WORDS})
    with database(team_app) as db:
        words = db.exec(select(ChildWords)).one()
    second = signed_in_client(team_app, other.username)
    second.post(f"/me/words/{words.id}/share", data={"csrf_token": csrf_token(second.get("/me").text),
                                                     "parent-0": str(household.parent_ids[0])})
    with database(team_app) as db:
        assert db.get(ChildWords, words.id).shared_at is None
    assert WORDS not in text_of(second.get("/me"))


def test_no_message_goes_to_a_childs_phone_and_closing_ends_access(team_app, household):
    elif_ = factories.child_with_account(team_app, household.family_id)
    factories.published_plan(team_app, household.family_id, what="De kinderen slapen bij opa.")
    with database(team_app) as db:
        account = db.exec(select(Account).where(Account.username == elif_.username)).one()
        assert db.exec(select(OutboxMessage).where(OutboxMessage.account_id == account.id)).all() == []
    child = signed_in_client(team_app, elif_.username)
    lead = signed_in_client(team_app, "teamlead")
    url = f"/backoffice/families/{household.family_id}/case"
    closed = lead.post(url, data=form_values(lead.get(url), "case-form") | {
        "reason": "Het gaat goed, we sluiten af.", "closed_on": clock.today().isoformat()})
    assert closed.status_code == 302
    closed_page = child.get("/me")
    assert not soup(closed_page).select("#words-form")
    assert "0800-0432" in text_of(closed_page)  # the children's helpline stays, also after the help ended


def test_who_looked_shows_a_child_only_looks_at_what_is_theirs(team_app, household):
    elif_ = factories.child_with_account(team_app, household.family_id)
    duo = signed_in_client(team_app, "bram")
    duo.get(f"/backoffice/families/{household.family_id}")
    child = signed_in_client(team_app, elif_.username)
    assert not soup(child.get("/me/who-looked")).select("tbody tr")
    duo.get(f"/backoffice/families/{household.family_id}/children/{elif_.member_id}")
    rows = soup(child.get("/me/who-looked")).select("tbody tr")
    assert len(rows) == 1 and "Bram de Wit" in rows[0].text
