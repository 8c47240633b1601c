"""Never lose what someone typed: autosave that says "not saved", text kept through signing in again, limits
that refuse instead of cutting; and parents who forgot their password or lost their phone."""
import datetime as dt
import hashlib
import json
import re

import pyotp
import pytest
from flask_babel import force_locale
from sqlalchemy import update
from sqlmodel import select

from portal import clock
from portal.backoffice.interpreting import TRANSLATION_LENGTH
from portal.demo import DEMO_PASSWORD
from portal.models import Account, Parent, PlanQuestion, SignInFlow, TranslationJob, UserSession
from portal.services.plans import current_version
from portal.web.forms import TooLong, strip_controls
from portal.web.kept import KEPT_FOR
from support import factories
from support.pages import database, form_values, say, soup, text_of
from support.sign_in import csrf_token, fresh_code, sign_in, signed_in_client

# Sign-in, sessions and stored state: every test here runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_databases

PASSWORD = DEMO_PASSWORD  # the password of every account the factories make with `password=True`
SIGNED_OUT = "You were signed out. Sign in again: what you typed is kept for 30 minutes."
KEPT = "You were signed out. What you typed is kept: check it and send it again."
NEW_LETTER = "Forgot your password or lost your phone? Ask your contact person for a new letter."
QUESTION = "Wie haalt Amira op als ik naar de huisarts moet? Ik kan dan niet op tijd bij school zijn."


# --- who is there ---------------------------------------------------------------------------------

@pytest.fixture
def el_idrissi(team_app) -> factories.Household:
    """Fatima and Youssef El Idrissi (usernames in that order) with Amira and Adam, kept apart, who read Arabic and
    sign in with password and app; Bram de Wit their contact person, Anouk Visser his duo partner; version 1 of their
    plan published (one acute situation, "Er is ruzie in huis.", with one agreement for the household)."""
    made = factories.fatima_and_youssef(team_app, children=True, password=True)
    factories.published_plan(team_app, made.family_id)
    return made


@pytest.fixture
def fatima(el_idrissi) -> str:
    return el_idrissi.usernames[0]


@pytest.fixture
def sanne(team_app) -> factories.Household:
    """Sanne de Boer, who reads Dutch and signs in with password and app, alone in her household (Bram and Anouk her
    duo)."""
    return factories.household(team_app, ["nl"], names=("Sanne de Boer",), password=True)


# --- helpers -----------------------------------------------------------------------------------

def expire_sessions(app, username: str) -> None:
    """The user did nothing for longer than any idle limit: every session of the account ran out."""
    with database(app) as db:
        account = db.exec(select(Account.id).where(Account.username == username)).one()
        db.exec(update(UserSession).where(UserSession.account_id == account)
                .values(last_seen_at=clock.now() - dt.timedelta(hours=1)))
        db.commit()


def kept_rows(app) -> list[SignInFlow]:
    with database(app) as db:
        return list(db.exec(select(SignInFlow).where(SignInFlow.kind == "kept")))


def plan_url(household: factories.Household) -> str:
    return f"/backoffice/families/{household.family_id}/plan"


def status_of(response) -> str:
    return soup(response).select_one("#draft-status").get_text(" ", strip=True)


def too_long(app, locale: str, length: int, limit: int) -> str:
    with app.test_request_context(), force_locale(locale):
        return TooLong(length, limit).message


def ask(client, text: str = QUESTION, **extra):
    """Send a question about the plan, as from the plan page (the form's token from a page open to anyone)."""
    token = csrf_token(client.get("/about-leave-quickly").text)
    return client.post("/plan", data={"answer": "question", "comment": text, "csrf_token": token, **extra})


# --- the plan editor's autosave ------------------------------------------------------------------

AUTOSAVE = {"HX-Request": "true", "HX-Trigger": "plan-form"}


def test_a_conflicting_autosave_says_not_saved_and_shows_both_texts(team_app, el_idrissi):
    url = plan_url(el_idrissi)
    anouk, bram = team_app.test_client(), team_app.test_client()
    sign_in(anouk, "anouk")
    sign_in(bram, "bram")
    anouks = form_values(anouk.get(url), "plan-form")
    brams = form_values(bram.get(url), "plan-form")
    anouks["s1-description"] = "Anouk: Fatima en Youssef hebben 's nachts harde ruzie."
    assert anouk.post(url, data=anouks, headers=AUTOSAVE).status_code == 200
    brams["s1-description"] = "Bram: de kinderen horen de ruzie vanuit hun kamer."
    conflict = bram.post(url, data=brams, headers=AUTOSAVE)
    assert conflict.status_code == 409
    status = status_of(conflict)
    assert say(team_app, "nl", "Not saved — your duo partner saved first. Your text is still here: see both "
                               "texts below.") == status
    assert "class=\"not-saved\"" in str(soup(conflict).select_one("#draft-status"))
    editor = soup(conflict).select_one("#plan-editor")  # the part static/portal.js swaps in
    assert editor.select_one("#conflict") is not None
    box = editor.select_one("textarea#s1-description").find_parent("div")
    assert "Anouk: Fatima en Youssef" in box.select_one(".conflict blockquote").get_text()
    assert form_values(conflict, "plan-form")["s1-description"] == brams["s1-description"]
    # No autosave while both texts are shown: Bram combines them and saves on purpose.
    form = editor.select_one("form#plan-form")
    assert not form.has_attr("data-autosave") and not form.has_attr("data-hx-post")


def test_an_autosave_that_cannot_save_says_not_saved(team_app, el_idrissi):
    url = plan_url(el_idrissi)
    bram = team_app.test_client()
    sign_in(bram, "bram")
    form = form_values(bram.get(url), "plan-form")
    form["s2-description"] = "x" * 2001  # too long for its field: refused whole, never cut
    answer = bram.post(url, data=form, headers=AUTOSAVE)
    assert answer.status_code == 400
    assert status_of(answer).startswith(say(team_app, "nl", "Not saved: %(problems)s", problems="").strip())
    assert too_long(team_app, "nl", 2001, 2000) in status_of(answer)
    # The texts for what static/portal.js shows when the answer never comes or is an error.
    shown = soup(bram.get(url)).select_one("#draft-status")
    assert shown["data-not-saved"] == say(team_app, "nl", "Not saved — your text is still here. "
                                                          "Press Save draft to try again.")
    assert shown["data-signed-out"] and shown["data-saving"]


# --- nothing typed is lost in the plan editor: unfinished items and the note are part of the draft ----------

NO_AUDIENCE = "Choose who may read this: in this household the parents are kept apart."
HELP = "Fatima gaat elke dinsdag naar een praatgroep van Blijf Groep."


def parent_pages(app, household: factories.Household) -> str:
    """What both parents of the household can read of their plan now."""
    return "".join(text_of(signed_in_client(app, username).get("/plan")) for username in household.usernames)


def test_an_autosave_keeps_every_field_while_a_new_item_has_no_audience_yet(team_app, el_idrissi):
    url = plan_url(el_idrissi)
    bram = signed_in_client(team_app, "bram")
    form = form_values(bram.get(url), "plan-form")
    new = form["help-count"]
    assert form[f"help-{new}-audience"] == ""  # kept apart: nobody chosen for a new item
    form |= {"s2-description": "Amira en Adam wachten na school soms een half uur alleen bij het hek.",
             f"help-{new}-text": HELP, f"help-{new}-who": "Blijf Groep"}
    answer = bram.post(url, data=form, headers=AUTOSAVE)
    assert answer.status_code == 200
    assert "not-saved" not in (soup(answer).select_one("#draft-status").get("class") or [])
    assert say(team_app, "nl", "Before publishing: %(problems)s", problems=say(team_app, "nl", NO_AUDIENCE)) \
        in status_of(answer)
    again = bram.get(url)  # a reload: every field as typed, the new item marked
    shown = form_values(again, "plan-form")
    assert shown["s2-description"] == form["s2-description"]
    assert (shown[f"help-{new}-text"], shown[f"help-{new}-who"], shown[f"help-{new}-audience"]) == (
        HELP, "Blijf Groep", "")
    assert soup(again).select_one(f"#help-{new}-audience-unfinished").get_text() == say(team_app, "nl", NO_AUDIENCE)
    assert HELP not in parent_pages(team_app, el_idrissi)


def test_an_unfinished_agreement_is_saved_as_typed_and_marked(team_app, el_idrissi):
    url = plan_url(el_idrissi)
    bram = signed_in_client(team_app, "bram")
    form = form_values(bram.get(url), "plan-form")
    new = f"s1-a-{form['s1-a-count']}"
    form |= {f"{new}-who": "Youssef", f"{new}-audience": "household"}  # who, but not yet what
    assert bram.post(url, data=form, headers=AUTOSAVE).status_code == 200
    again = bram.get(url)
    assert form_values(again, "plan-form")[f"{new}-who"] == "Youssef"
    assert soup(again).select_one(f"#{new}-what-unfinished").get_text() == say(
        team_app, "nl", "An agreement needs at least who and what.")


def test_publishing_waits_for_an_item_without_audience_and_keeps_everything(team_app, el_idrissi):
    url = plan_url(el_idrissi)
    bram = signed_in_client(team_app, "bram")
    form = form_values(bram.get(url), "plan-form")
    new = form["help-count"]
    form |= {f"help-{new}-text": HELP, "note": "Er is een praatgroep bijgekomen.", "note-audience": "household"}
    refused = bram.post(url, data=form | {"action": "publish"})
    assert refused.status_code == 400
    assert soup(refused).select_one(f"#help-{new}-audience-error").get_text() == say(team_app, "nl", NO_AUDIENCE)
    assert status_of(refused) == say(team_app, "nl", "Saved as a draft, not published: %(problems)s",
                                     problems=say(team_app, "nl", NO_AUDIENCE))
    shown = form_values(refused, "plan-form")
    assert (shown[f"help-{new}-text"], shown["note"]) == (HELP, "Er is een praatgroep bijgekomen.")
    with database(team_app) as db:
        assert current_version(db, el_idrissi.family_id).number == 1  # nothing published
    assert form_values(bram.get(url), "plan-form")[f"help-{new}-text"] == HELP  # but the draft holds it
    assert HELP not in parent_pages(team_app, el_idrissi)
    fatima, youssef = el_idrissi.usernames
    published = bram.post(url, data=shown | {f"help-{new}-audience": f"parents:{el_idrissi.parent_ids[0]}",
                                             "action": "publish"})
    assert published.status_code == 302
    assert HELP in text_of(signed_in_client(team_app, fatima).get("/plan"))
    assert HELP not in text_of(signed_in_client(team_app, youssef).get("/plan"))


def test_the_note_for_the_family_is_part_of_the_draft(team_app, el_idrissi):
    url = plan_url(el_idrissi)
    bram = signed_in_client(team_app, "bram")
    form = form_values(bram.get(url), "plan-form")
    note = "Lees het plan rustig door. Bel Bram als u een vraag heeft."
    assert bram.post(url, data=form | {"note": note, "action": "save"}).status_code == 200
    form = form_values(bram.get(url), "plan-form")  # a reload
    assert form["note"] == note
    assert form["note-audience"] == ""  # kept apart: still to choose
    autosaved = bram.post(url, data=form | {"note": note + " Of Anouk.", "note-audience": "household"},
                          headers=AUTOSAVE)
    assert autosaved.status_code == 200
    form = form_values(bram.get(url), "plan-form")
    assert (form["note"], form["note-audience"]) == (note + " Of Anouk.", "household")
    assert bram.post(url, data=form | {"action": "publish"}).status_code == 302
    with database(team_app) as db:
        version = current_version(db, el_idrissi.family_id)
    assert (version.number, version.note_for_family, version.note_audience) == (2, note + " Of Anouk.", "household")
    assert form_values(bram.get(url), "plan-form")["note"] == ""  # the next version's note is written anew


def test_an_autosave_after_the_session_ran_out_is_refused_without_leaving_the_page(team_app, el_idrissi):
    url = plan_url(el_idrissi)
    bram = team_app.test_client()
    sign_in(bram, "bram")
    form = form_values(bram.get(url), "plan-form")
    expire_sessions(team_app, "bram")
    answer = bram.post(url, data=form, headers=AUTOSAVE)
    assert answer.status_code == 401  # not a redirect: htmx would put the sign-in page into the status
    assert kept_rows(team_app) == []  # the page still has the text; pressing Save draft keeps it


# --- text kept through signing in again ------------------------------------------------------------

def test_a_parents_question_comes_back_after_signing_in_again_in_their_language(team_app, fatima):
    client = team_app.test_client()
    sign_in(client, fatima)
    expire_sessions(team_app, fatima)
    sent = ask(client)
    assert sent.status_code == 302 and sent.headers["Location"] == "/sign-in"
    page = client.get("/sign-in")
    assert 'lang="ar"' in page.text  # the session's language: the one the parent last saw
    assert say(team_app, "ar", SIGNED_OUT) in text_of(page)
    back = sign_in(client, fatima)
    assert back.headers["Location"] == "/plan"
    plan = client.get("/plan")
    assert plan.status_code == 200 and 'lang="ar"' in plan.text
    assert soup(plan).select_one("textarea#comment").get_text() == QUESTION
    assert soup(plan).select_one('input[name="answer"][value="question"]').has_attr("checked")
    assert say(team_app, "ar", KEPT) in text_of(plan)
    with database(team_app) as db:
        assert db.exec(select(PlanQuestion).where(PlanQuestion.text == QUESTION)).first() is None  # not sent
    # Once: the page shows it again only if the parent sends it.
    assert QUESTION not in text_of(client.get("/plan"))
    sent = ask(client)
    assert sent.status_code == 302
    with database(team_app) as db:
        assert db.exec(select(PlanQuestion).where(PlanQuestion.text == QUESTION)).first() is not None


def test_kept_text_lives_on_the_server_never_in_the_cookie_nor_with_passwords(team_app, fatima):
    client = team_app.test_client()
    sign_in(client, fatima)
    expire_sessions(team_app, fatima)
    ask(client, current_password="geheim-wachtwoord", code="123456")
    (row,) = kept_rows(team_app)
    typed = dict(json.loads(row.typed))
    assert typed == {"answer": "question", "comment": QUESTION}  # no password, code or form token
    assert row.path == "/plan" and row.expires_at - row.created_at == KEPT_FOR
    cookie = client.get_cookie("portal").value
    contents = team_app.session_interface.get_signing_serializer(team_app).loads(cookie)
    assert QUESTION not in json.dumps(contents, ensure_ascii=False)
    assert hashlib.sha256(contents["kept"].encode()).hexdigest() == row.token_hash  # a token, its hash stored


def test_a_workers_draft_comes_back_after_signing_in_again(team_app, el_idrissi):
    url = plan_url(el_idrissi)
    bram = team_app.test_client()
    sign_in(bram, "bram")
    form = form_values(bram.get(url), "plan-form")
    typed = "Amira en Adam wachten soms een half uur alleen bij school."
    form["s2-description"] = typed
    expire_sessions(team_app, "bram")
    sent = bram.post(url, data=dict(form, action="save"))
    assert sent.status_code == 302 and sent.headers["Location"] == "/backoffice/sign-in"
    assert say(team_app, "nl", SIGNED_OUT) in text_of(bram.get("/backoffice/sign-in"))
    assert sign_in(bram, "bram").headers["Location"] == url
    page = bram.get(url)
    assert form_values(page, "plan-form")["s2-description"] == typed
    assert form_values(page, "plan-form")["revision"] == form["revision"]  # a partner's save since: a conflict
    assert say(team_app, "nl", KEPT) in text_of(page)


def test_a_form_without_a_page_of_its_own_comes_back_on_a_page_to_send_it_again(team_app, el_idrissi):
    family = el_idrissi.family_id
    factories.question(team_app, el_idrissi.usernames[1], "Wie haalt Amira op als ik naar de huisarts moet?")
    with database(team_app) as db:
        question = db.exec(select(PlanQuestion).join(Parent, Parent.id == PlanQuestion.parent_id)
                           .where(Parent.family_id == family)).first()
    reply = f"/backoffice/families/{family}/questions/{question.id}"
    bram = team_app.test_client()
    sign_in(bram, "bram")
    token = csrf_token(bram.get(f"/backoffice/families/{family}/answers").text)
    expire_sessions(team_app, "bram")
    text = "Ja, Anouk haalt Amira dan op. Bel haar als het anders gaat."
    assert bram.post(reply, data={"reply": text, "csrf_token": token}).status_code == 302
    assert sign_in(bram, "bram").headers["Location"] == "/backoffice/kept"
    page = bram.get("/backoffice/kept")
    form = soup(page).select_one(f'form[action="{reply}"]')
    assert form.select_one('textarea[name="reply"]').get_text() == text
    assert form.select_one('input[name="csrf_token"]') is not None
    assert say(team_app, "nl", KEPT) in text_of(page)
    assert bram.post(reply, data=form_values_of(form)).status_code == 302
    with database(team_app) as db:
        assert db.get(PlanQuestion, question.id).reply == text


def test_choices_alone_of_a_form_without_a_page_are_not_kept(team_app, el_idrissi):
    family = el_idrissi.family_id
    bram = team_app.test_client()
    sign_in(bram, "bram")
    token = csrf_token(bram.get(f"/backoffice/families/{family}").text)
    expire_sessions(team_app, "bram")
    sent = bram.post(f"/backoffice/families/{family}/duo", data={"worker": "3", "role": "partner", "csrf_token": token})
    assert sent.status_code == 302 and kept_rows(team_app) == []  # nothing there to check and send again


def form_values_of(form) -> dict[str, str]:
    return {field["name"]: field.get_text() if field.name == "textarea" else field.get("value", "")
            for field in form.select("[name]")}


def test_kept_text_comes_back_only_to_the_same_account(team_app, el_idrissi):
    fatima, youssef = el_idrissi.usernames
    client = team_app.test_client()  # one phone, two parents
    sign_in(client, fatima)
    expire_sessions(team_app, fatima)
    ask(client)
    assert [row.step for row in kept_rows(team_app)] == ["waiting"]
    back = sign_in(client, youssef)
    assert back.headers["Location"] == "/"
    assert QUESTION not in text_of(client.get("/plan"))
    assert kept_rows(team_app) == []  # removed: nobody gets it later from this phone


def test_kept_text_expires_and_is_used_once(team_app, fatima):
    client = team_app.test_client()
    sign_in(client, fatima)
    expire_sessions(team_app, fatima)
    ask(client)
    assert len(kept_rows(team_app)) == 1
    with database(team_app) as db:
        db.exec(update(SignInFlow).where(SignInFlow.kind == "kept").values(expires_at=clock.now()))
        db.commit()
    assert sign_in(client, fatima).headers["Location"] == "/"
    assert QUESTION not in text_of(client.get("/plan"))


def test_text_is_not_kept_for_a_browser_that_signed_out_or_left_quickly(team_app, fatima):
    client = team_app.test_client()
    sign_in(client, fatima)
    token = csrf_token(client.get("/plan").text)
    client.post("/sign-out", data={"csrf_token": token})
    ask(client)
    assert kept_rows(team_app) == []  # whose text it is cannot be known any more
    sign_in(client, fatima)
    expire_sessions(team_app, fatima)
    ask(client)
    assert len(kept_rows(team_app)) == 1
    client.post("/quick-exit")
    assert kept_rows(team_app) == []


def test_a_form_whose_cookie_is_gone_shows_what_was_typed_to_copy(team_app, fatima):
    client = team_app.test_client()
    sign_in(client, fatima)
    token = csrf_token(client.get("/plan").text)
    client.delete_cookie("portal")  # the browser lost its session
    data = {"answer": "question", "comment": QUESTION, "csrf_token": token, "password": "geheim-wachtwoord"}
    page = client.post("/plan", data=data)
    assert page.status_code == 400
    assert soup(page).select_one("textarea").get_text() == QUESTION
    assert "geheim-wachtwoord" not in page.text
    assert soup(page).select_one('a[href="/sign-in"]') is not None
    assert soup(page).select_one("form button") is None  # signed out: sending again would not work
    assert kept_rows(team_app) == []
    forged = client.post("/plan", data=data, headers={"Origin": "https://elders.example"})
    assert forged.status_code == 400 and QUESTION not in text_of(forged)
    # Our pages send no referrer, so Chromium names the origin "null"; its Sec-Fetch-Site still tells this site's
    # form (what was typed comes back) from another site's, or a sandboxed frame's (nothing is shown).
    ours = client.post("/plan", data=data, headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"})
    assert soup(ours).select_one("textarea").get_text() == QUESTION
    for elsewhere in ({"Origin": "null", "Sec-Fetch-Site": "cross-site"}, {"Origin": "null"}):
        refused = client.post("/plan", data=data, headers=elsewhere)
        assert refused.status_code == 400 and QUESTION not in text_of(refused)


def test_a_circle_members_answer_lost_to_a_new_session_shows_the_reason_not_the_page_s_own_fields(team_app):
    made = factories.fatima_and_youssef(team_app)
    factories.published_plan(team_app, made.family_id)
    member = factories.circle_member(team_app, made.family_id)
    client = team_app.test_client()
    sign_in(client, member.username)
    data = {"csrf_token": "stale", "agreement": "a" * 32, "seen": "b" * 64, "commitment": "cannot",
            "reason": "Op dinsdag werk ik tot 17:00."}
    page = client.post("/circle", data=data, headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"})
    assert page.status_code == 400
    assert "Op dinsdag werk ik tot 17:00." in text_of(page)
    assert "a" * 32 not in text_of(page) and "b" * 64 not in text_of(page)


# --- limits that refuse instead of cutting -------------------------------------------------------

def test_cleaning_refuses_text_longer_than_its_field():
    assert strip_controls("a" * 10, 10) == "a" * 10
    assert strip_controls("ab\r\ncd", 5) == "ab\ncd"  # a line break counts once, as browsers count it
    with pytest.raises(TooLong) as refused:
        strip_controls("a" * 11, 10)
    assert (refused.value.length, refused.value.limit) == (11, 10)


def test_a_parents_question_that_is_too_long_is_refused_whole_in_their_language(team_app, fatima):
    client = team_app.test_client()
    sign_in(client, fatima)
    text = "و" * 2001
    answer = ask(client, text)
    assert answer.status_code == 400
    assert soup(answer).select_one("textarea#comment").get_text() == text  # whole, not cut
    assert too_long(team_app, "ar", 2001, 2000) in text_of(answer)
    with database(team_app) as db:
        assert db.exec(select(PlanQuestion).where(PlanQuestion.text.startswith("و"))).first() is None


def test_a_parents_reason_to_move_an_appointment_that_is_too_long_is_refused(team_app, sanne):
    factories.appointment(team_app, sanne.family_id)  # in four days, for the household
    client = team_app.test_client()
    sign_in(client, sanne.usernames[0])
    link = next(a["href"] for a in soup(client.get("/appointments")).select("a[href]")
                if re.fullmatch(r"/appointments/appointment-[0-9a-f]{32}", a["href"]))
    page = client.get(link)
    assert soup(page).select_one("textarea#reason")["maxlength"] == "1000"
    reason = "Ik werk dan. " * 80
    answer = client.post(link, data={"response": "move_requested", "reason": reason,
                                     "csrf_token": csrf_token(page.text)})
    assert answer.status_code == 400
    field = soup(answer).select_one("textarea#reason")
    assert field.get_text() == reason
    assert too_long(team_app, "nl", len(reason.strip()), 1000) in text_of(answer)
    # A screen reader reads the message with the field it belongs to.
    assert field["aria-invalid"] == "true"
    assert too_long(team_app, "nl", len(reason.strip()), 1000) in soup(answer).select_one(
        f"#{field['aria-describedby']}").get_text()
    unchosen = client.post(link, data={"reason": "Ik werk dan.", "csrf_token": csrf_token(page.text)})
    choice = soup(unchosen).select_one("#respond-form fieldset")
    assert choice.get("aria-describedby") and soup(unchosen).select_one(f"#{choice['aria-describedby']}")


def test_the_plan_editor_refuses_a_text_too_long_for_its_field(team_app, el_idrissi):
    url = plan_url(el_idrissi)
    bram = team_app.test_client()
    sign_in(bram, "bram")
    page = bram.get(url)
    fields = soup(page)
    assert fields.select_one("textarea#s1-description")["maxlength"] == "2000"  # the columns' lengths
    assert fields.select_one("textarea#s1-a-0-when")["maxlength"] == "500"
    assert fields.select_one("input#help-0-who")["maxlength"] == "500"
    form = form_values(page, "plan-form")
    before = form["s1-description"]
    form["s1-description"] = "x" * 2001
    form["help-0-who"] = "y" * 501
    answer = bram.post(url, data=dict(form, action="save"))
    assert answer.status_code == 400
    shown = form_values(answer, "plan-form")
    assert shown["s1-description"] == "x" * 2001 and shown["help-0-who"] == "y" * 501
    assert soup(answer).select_one("#s1-description-error").get_text() == too_long(team_app, "nl", 2001, 2000)
    assert soup(answer).select_one("#help-0-who-error").get_text() == too_long(team_app, "nl", 501, 500)
    assert form_values(bram.get(url), "plan-form")["s1-description"] == before  # nothing saved


def test_a_note_too_long_publishes_nothing(team_app, el_idrissi):
    url = plan_url(el_idrissi)
    bram = team_app.test_client()
    sign_in(bram, "bram")
    form = form_values(bram.get(url), "plan-form")
    answer = bram.post(url, data=dict(form, note="n" * 2001, action="publish"))
    assert answer.status_code == 400
    assert soup(answer).select_one("#note-error").get_text() == too_long(team_app, "nl", 2001, 2000)
    assert form_values(answer, "plan-form")["note"] == "n" * 2001
    assert form_values(bram.get(url), "plan-form")["revision"] == form["revision"]  # not even the draft saved


def test_a_reply_too_long_is_refused_on_a_page_that_keeps_it_to_send_again(team_app, el_idrissi):
    family = el_idrissi.family_id
    factories.question(team_app, el_idrissi.usernames[1], "Wie haalt Amira op als ik naar de huisarts moet?")
    with database(team_app) as db:
        question = db.exec(select(PlanQuestion).join(Parent, Parent.id == PlanQuestion.parent_id)
                           .where(Parent.family_id == family)).first()
        before = question.reply
    bram = team_app.test_client()
    sign_in(bram, "bram")
    token = csrf_token(bram.get(f"/backoffice/families/{family}/answers").text)
    reply = f"/backoffice/families/{family}/questions/{question.id}"
    text = "r" * 2001
    answer = bram.post(reply, data={"reply": text, "csrf_token": token})
    assert answer.status_code == 400
    form = soup(answer).select_one(f'form[action="{reply}"]')
    assert form.select_one('textarea[name="reply"]').get_text() == text
    assert too_long(team_app, "nl", 2001, 2000) in text_of(answer)
    with database(team_app) as db:
        assert db.get(PlanQuestion, question.id).reply == before


def test_a_translation_too_long_is_refused_and_kept(team_app, el_idrissi):
    """Version 1 of the El Idrissi plan waits for its Arabic translation, by Samira Benali (tolk-ar)."""
    with database(team_app) as db:
        job = db.exec(select(TranslationJob).where(TranslationJob.language == "ar",
                                                   TranslationJob.completed_at.is_(None))).first()
    tolk = team_app.test_client()
    sign_in(tolk, "tolk-ar")
    page = tolk.get(f"/backoffice/translations/{job.id}")
    assert soup(page).select_one("textarea#segment-0")["maxlength"] == str(TRANSLATION_LENGTH)
    text = " ".join(["ترجمة"] * 700)
    answer = tolk.post(f"/backoffice/translations/{job.id}",
                       data={"segment-0": text, "csrf_token": csrf_token(page.text)})
    assert answer.status_code == 400
    assert soup(answer).select_one("textarea#segment-0").get_text() == text
    assert too_long(team_app, "nl", len(text), TRANSLATION_LENGTH) in text_of(answer)


def test_text_areas_carry_their_limit_and_the_counters_words(team_app, fatima):
    client = team_app.test_client()
    sign_in(client, fatima)
    page = soup(client.get("/plan"))
    assert page.select_one("textarea#comment")["maxlength"] == "2000"
    body = page.select_one("body")
    assert body["data-count"] == say(team_app, "ar", "%(count)s of %(limit)s characters",
                                     count="{count}", limit="{limit}")
    assert "{over}" in body["data-count-over"]


# --- forgot the password, lost the phone ---------------------------------------------------------

def test_the_sign_in_pages_tell_parents_to_ask_for_a_new_letter(team_app):
    mehmet = factories.parent_who_signs_in(team_app, "tr")
    client = team_app.test_client()
    token = csrf_token(client.get("/sign-in").text)
    client.post("/language", data={"set_language": "tr", "csrf_token": token, "next": "/sign-in"})
    page = client.get("/sign-in")
    assert 'lang="tr"' in page.text and say(team_app, "tr", NEW_LETTER) in text_of(page)
    client.post("/sign-in", data={"username": mehmet, "password": PASSWORD,
                                  "csrf_token": csrf_token(page.text)})
    assert say(team_app, "tr", NEW_LETTER) in text_of(client.get("/sign-in/code"))


def test_the_activation_code_field_opens_a_keypad_with_letters(team_app):
    field = soup(team_app.test_client().get("/activate")).select_one("input#code")
    assert field["type"] == "text"
    assert not field.has_attr("inputmode") and field.get("autocomplete") != "one-time-code"


def test_a_new_letter_ends_the_old_codes_password_and_sessions(team_app, sanne):
    family, username = sanne.family_id, sanne.usernames[0]
    with database(team_app) as db:
        parent = db.get(Parent, sanne.parent_ids[0])
        secret = db.get(Account, parent.account_id).totp_secret
    phone = team_app.test_client()  # the lost phone, still signed in
    sign_in(phone, username)
    halfway = team_app.test_client()  # someone with the password, at the code step
    halfway.post("/sign-in", data={"username": username, "password": PASSWORD,
                                   "csrf_token": csrf_token(halfway.get("/sign-in").text)})
    anouk = team_app.test_client()
    sign_in(anouk, "anouk")
    letter = f"/backoffice/families/{family}/parents/{parent.id}/letter"

    def new_letter() -> str:
        token = csrf_token(anouk.get(f"/backoffice/families/{family}").text)
        page = anouk.post(letter, data={"csrf_token": token}, follow_redirects=True)
        assert page.status_code == 200
        return [s.get_text() for s in soup(page).select("article.letter strong")][1]

    old_code, new_code = new_letter(), new_letter()
    assert phone.get("/").status_code == 302  # signed out
    code_step = halfway.post("/sign-in/code", data={"code": pyotp.TOTP(secret).now(),
                                                    "csrf_token": csrf_token(halfway.get("/sign-in").text)})
    assert code_step.status_code == 302 and code_step.headers["Location"] == "/sign-in"
    visitor = team_app.test_client()
    token = csrf_token(visitor.get("/sign-in").text)
    assert visitor.post("/sign-in", data={"username": username, "password": PASSWORD,
                                          "csrf_token": token}).status_code == 401
    token = csrf_token(visitor.get("/activate").text)
    assert visitor.post("/activate", data={"username": username, "code": old_code,
                                           "csrf_token": token}).status_code == 401
    started = visitor.post("/activate", data={"username": username, "code": new_code.lower(),
                                              "csrf_token": token})
    assert started.status_code == 302 and started.headers["Location"] == "/activate/password"


def test_kept_text_waits_for_the_code_step(team_app, fatima):
    """A password alone brings nothing back: the text comes back once the account is signed in."""
    client = team_app.test_client()
    sign_in(client, fatima)
    expire_sessions(team_app, fatima)
    ask(client)
    client.post("/sign-in", data={"username": fatima, "password": PASSWORD,
                                  "csrf_token": csrf_token(client.get("/sign-in").text)})
    assert client.get("/plan").status_code == 302
    (row,) = kept_rows(team_app)
    assert row.step == "waiting"
    code = client.post("/sign-in/code", data={"code": fresh_code(fatima, team_app),
                                              "csrf_token": csrf_token(client.get("/sign-in/code").text)})
    assert code.headers["Location"] == "/plan"
