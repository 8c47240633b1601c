"""Every form of the portal, fed hostile text (hypothesis), on SQLite and on PostgreSQL.

Hostile text mixes very long text (5,000+ characters), nothing at all, control characters,
right-to-left overrides and other bidi controls, HTML that would run script, SQL, emoji and Arabic.
For every form and every example:
  - the portal never answers 500;
  - the page never runs what was typed (scripts only with the response's nonce, no on* attributes);
  - a refused submission saves nothing (the rows it would touch are unchanged);
  - nothing stored holds a control character (other than line break and tab) or a bidi control.
One client signs in once per test and is reused across the examples of that test. The portal is the team alone
(`team_app`) with the households each test asks for (fixtures in conftest.py, made by security_kit).
"""

import pytest
from argon2 import PasswordHasher
from hypothesis import example, given
from hypothesis import strategies as st
from security_kit import (
    ATTRIBUTE_PAYLOAD,
    FUZZ,
    SCRIPT_PAYLOAD,
    Portal,
    assert_not_executable,
    database,
    forbidden_in,
    form_fields,
    hostile_text,
    new_address,
    numberish,
    short_text,
    stays_on_portal,
    stored_text_problems,
    visible_text,
)
from sqlalchemy import update
from sqlmodel import select

from portal import clock
from portal.accounts import secrets as auth_secrets
from portal.demo import DEMO_PASSWORD
from portal.models import (
    Account,
    Acknowledgement,
    Appointment,
    AppointmentAnswer,
    AppointmentStatus,
    BreakGlass,
    DuoAssignment,
    DuoRole,
    Family,
    Interpreter,
    OneTimeCode,
    Parent,
    PlanQuestion,
    SignInFlow,
    TranslationJob,
    TranslationSegment,
    UserSession,
    Worker,
)
from portal.policy import in_current_duo
from portal.services import publishing
from portal.services.interpreting import job_work, source_hash
from portal.services.plans import draft_of, load_contents
from portal.web.forms import bounded_date
from portal.web.i18n import LANGUAGES
from portal.web.secret import code_key
from support import factories
from support.plan_editor import posted, text_fields
from support.sign_in import fresh_code

# Dialect-specific: every test here runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.both_databases

# Who signs in: the parents of the `parents` fixture by what they are, the staff by their usernames.
USERNAMES = ("a Dutch parent", "an Arabic parent", "anouk", "tolk-ar", "teamlead")


# --- helpers -----------------------------------------------------------------------------------

def survived(response, *refusals: int, success: tuple[int, ...] = (302,)) -> bool:
    """The answer is a success (True) or one of the expected refusals (False), never an error page;
    either way nothing typed runs in it."""
    assert response.status_code < 500, f"{response.status_code}:\n{response.get_data(as_text=True)[:1500]}"
    assert response.status_code in success + refusals + (413,), response.status_code
    assert_not_executable(response)
    return response.status_code in success


def assert_database_clean(app) -> None:
    problems = stored_text_problems(app)
    assert not problems, "control or bidi characters were stored:\n" + "\n".join(problems[:20])


def one(app, model, *where):
    with database(app) as db:
        return db.exec(select(model).where(*where)).first()


def _all(app, model):
    with database(app) as db:
        return db.exec(select(model).order_by(model.id)).all()


def fields(row, *names) -> tuple:
    return tuple(getattr(row, name) for name in names)


def test_the_demo_data_itself_is_clean(demo_app):
    assert_database_clean(demo_app)


def test_the_households_the_tests_start_from_are_clean(team_app, de_boer, el_idrissi):
    """What the fuzz tests find stored afterwards was stored by them: the team and the households are clean."""
    assert_database_clean(team_app)


@pytest.fixture
def parents(team_app) -> dict[str, str]:
    """Two parents of households of their own who can sign in: their usernames by what they are."""
    return {"a Dutch parent": factories.parent_who_signs_in(team_app, "nl"),
            "an Arabic parent": factories.parent_who_signs_in(team_app, "ar")}


# --- sign-in, code, activation, choose password ------------------------------------------------

@FUZZ
@given(username=st.one_of(st.sampled_from(USERNAMES), hostile_text), password=hostile_text,
       staff=st.booleans())
def test_sign_in_form(visitor, parents, username, password, staff):
    app = visitor.app
    username = parents.get(username, username)
    sessions_before = len(_all(app, UserSession))
    response = visitor.post("/backoffice/sign-in" if staff else "/sign-in",
                            {"username": username, "password": password}, address=new_address())
    assert not survived(response, 200, 401, 429, success=())  # never a password step passed
    assert len(_all(app, UserSession)) == sessions_before
    assert_database_clean(app)


@pytest.fixture
def arabic_parent(team_app) -> str:
    """A parent who reads Arabic and can sign in: her username."""
    return factories.parent_who_signs_in(team_app, "ar")


@pytest.fixture
def pending_parent(team_app, arabic_parent) -> Portal:
    """The Arabic-reading parent after the password step, at the code step."""
    portal = Portal(team_app)
    first = portal.post("/sign-in", {"username": arabic_parent, "password": DEMO_PASSWORD})
    assert first.status_code == 302 and first.headers["Location"].endswith("/sign-in/code")
    return portal


@FUZZ
@given(code=st.one_of(numberish, hostile_text))
@example(code="١٢٣٤٥٦")  # an Arabic phone keyboard types Arabic-Indic digits
@example(code="²²²²²²")
@example(code="1234567" + "\u202e")
def test_code_form(pending_parent, code):
    app = pending_parent.app
    with database(app) as db:  # each example is one guess: the limits on wrong codes are tested in test_sign_in_limits
        db.exec(update(SignInFlow).values(code_attempts=0))
        db.exec(update(Account).values(code_failures=0))
        db.commit()
    sessions_before = len(_all(app, UserSession))
    response = pending_parent.post("/sign-in/code", {"code": code}, address=new_address())
    assert not survived(response, 200, 401, 429, success=())
    assert len(_all(app, UserSession)) == sessions_before
    assert pending_parent.get("/").status_code == 302  # still not signed in
    assert_database_clean(app)


ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")


def test_a_code_typed_in_arabic_indic_digits_signs_in(pending_parent, arabic_parent):
    """What an Arabic phone keyboard types for the six digits of the authenticator app."""
    code = fresh_code(arabic_parent, pending_parent.app).translate(ARABIC_INDIC)
    response = pending_parent.post("/sign-in/code", {"code": code})
    assert response.status_code == 302 and response.headers["Location"] == "/"
    assert pending_parent.get("/").status_code == 200


def _letter_code(app, username: str) -> str:
    with app.app_context(), database(app) as db:
        account = db.exec(select(Account).where(Account.username == username)).one()
        return auth_secrets.issue_code(db, account, "activation", code_key())


@pytest.fixture
def activation_letter(team_app, de_boer):
    """A fresh activation code for Sanne de Boer, as printed on a letter."""
    return _letter_code(team_app, de_boer.usernames[0])


LETTER_USERNAME = "the username on the letter"


@FUZZ
@given(username=st.one_of(st.just(LETTER_USERNAME), hostile_text), code=hostile_text)
def test_activation_form(visitor, activation_letter, de_boer, username, code):
    app = visitor.app
    username = de_boer.usernames[0] if username == LETTER_USERNAME else username
    response = visitor.post("/activate", {"username": username, "code": code}, address=new_address())
    assert not survived(response, 200, 401, 429, success=())
    letter = one(app, OneTimeCode, OneTimeCode.purpose == "activation")
    assert letter.used_at is None  # the real letter still works
    assert visitor.get("/activate/password").status_code == 302  # not activating anything
    assert_database_clean(app)


def _activate(visitor: Portal, username: str, code: str) -> None:
    response = visitor.post("/activate", {"username": username, "code": code})
    assert response.status_code == 302 and response.headers["Location"].endswith("/activate/password")
    visitor.token = None  # the session was renewed


@pytest.fixture
def activating(visitor, activation_letter, de_boer) -> Portal:
    """Sanne de Boer activating her account with the letter, at the step that chooses a password."""
    _activate(visitor, de_boer.usernames[0], activation_letter)
    return visitor


@FUZZ
@given(data=st.data())
def test_choose_password_form(activating, de_boer, data):
    app = activating.app
    username = de_boer.usernames[0]
    password = data.draw(st.one_of(hostile_text, st.sampled_from(
        ["blauwe fiets op het dak 7", "😀 fiets op het dak 😀", "خطة الأمان للعائلة كلها", SCRIPT_PAYLOAD * 2])),
        label="password")
    again = data.draw(st.one_of(st.just(password), hostile_text), label="password_again")
    if activating.get("/activate/password").status_code != 200:  # an earlier example chose a password
        _activate(activating, username, _letter_code(app, username))
    hash_before = one(app, Account, Account.username == username).password_hash
    response = activating.post("/activate/password", {"password": password, "password_again": again})
    stored = one(app, Account, Account.username == username).password_hash
    if survived(response, 200, 400):
        assert response.headers["Location"].endswith("/activate/second-factor")
        assert password == again and PasswordHasher().verify(stored, password)
    else:
        assert stored == hash_before
    assert_database_clean(app)


@pytest.fixture
def at_second_factor(activating) -> Portal:
    """Sanne de Boer activating again, at the second-factor step (her app is still linked from before)."""
    chosen = activating.post("/activate/password", {"password": "groene boot in de gracht 4",
                                                    "password_again": "groene boot in de gracht 4"})
    assert chosen.headers["Location"].endswith("/activate/second-factor")
    return activating


@FUZZ
@given(method=st.one_of(st.sampled_from(["totp", "sms", "sms_confirm"]), hostile_text),
       phone=st.one_of(st.sampled_from(["06 12345678", "+31 6 1234 5678", "٠٦١٢٣٤٥٦٧٨"]), numberish),
       code=numberish, sms_code=numberish, sent=st.one_of(st.just("1"), hostile_text))
def test_second_factor_form(at_second_factor, de_boer, method, phone, code, sms_code, sent):
    """No guess links a factor: the account keeps the one it had, whatever number, code or method is sent."""
    app = at_second_factor.app
    username = de_boer.usernames[0]
    before = fields(one(app, Account, Account.username == username), "second_factor", "sms_phone",
                    "totp_enrolled")
    response = at_second_factor.post("/activate/second-factor", {
        "method": method, "phone": phone, "code": code, "sms_code": sms_code, "sent": sent}, address=new_address())
    assert not survived(response, 200, 400, 429)
    after = fields(one(app, Account, Account.username == username), "second_factor", "sms_phone",
                   "totp_enrolled")
    assert after == before
    assert_database_clean(app)


@FUZZ
@given(current=st.one_of(st.just("CURRENT"), hostile_text),
       password=st.one_of(hostile_text, st.sampled_from(["rode appel op de fiets 9", "خطة الأمان للعائلة كلها",
                                                        "😀 fiets op het dak 😀 " * 5])),
       same=st.booleans())
def test_change_password_form(sanne, current, password, same):
    """A signed-in parent changes her password (the form of /password)."""
    app = sanne.app
    known = getattr(sanne, "password", DEMO_PASSWORD)  # what the password is now
    hash_before = one(app, Account, Account.username == sanne.username).password_hash
    response = sanne.post("/password", {"current_password": known if current == "CURRENT" else current,
                                        "password": password, "password_again": password if same else password + "x"},
                          address=new_address())
    stored = one(app, Account, Account.username == sanne.username).password_hash
    if survived(response, 200, 400, 429):
        assert PasswordHasher().verify(stored, password)
        sanne.password = password
        assert sanne.get("/").status_code == 200  # this session stays signed in
    else:
        assert stored == hash_before
    assert_database_clean(app)


# --- the parent's forms ------------------------------------------------------------------------

ANSWER_FIELDS = ("answer", "answered_at")


@FUZZ
@given(answer=st.one_of(st.sampled_from(["agree", "question", "disagree"]), hostile_text),
       comment=hostile_text,
       switch=st.one_of(st.none(), st.sampled_from(sorted(LANGUAGES)), hostile_text))
@example(answer="question", comment="\u202e\x00", switch=None)  # nothing but invisible characters
def test_plan_answer_form(sanne, answer, comment, switch):
    app = sanne.app
    parent = one(app, Parent, Parent.name == "Sanne de Boer")
    assert sanne.get("/plan").status_code == 200  # she has opened the plan: her read receipt is the row an answer fills
    before = one(app, Acknowledgement, Acknowledgement.parent_id == parent.id)
    asked_before = _all(app, PlanQuestion)
    data = {"answer": answer, "comment": comment}
    if switch is not None:
        data["set_language"] = switch  # a language button inside the form: re-render, save nothing
    response = sanne.post("/plan", data)
    after = one(app, Acknowledgement, Acknowledgement.id == before.id)
    if survived(response, 200, 400):  # 200: re-shown in another language; 400: refused with a message
        assert switch is None
        assert after.answer.value == answer
        asked = _all(app, PlanQuestion)[len(asked_before):]
        if answer == "agree":
            assert asked == []
        else:
            (question,) = asked
            assert question.text and not forbidden_in(question.text) and question.parent_id == parent.id
    else:
        assert fields(after, *ANSWER_FIELDS) == fields(before, *ANSWER_FIELDS)
        assert len(_all(app, PlanQuestion)) == len(asked_before)
    assert_database_clean(app)


RESPONSE_FIELDS = ("response", "reason", "parent_id", "reply")


@FUZZ
@given(choice=st.one_of(st.sampled_from(["confirmed", "move_requested"]), hostile_text), reason=hostile_text)
def test_appointment_response_form(sanne, de_boer, choice, reason):
    app = sanne.app
    with database(app) as db:
        item = db.exec(select(Appointment).where(Appointment.family_id == de_boer.family_id,
                                                 Appointment.starts_at > clock.now())).first()
    before = one(app, AppointmentAnswer, AppointmentAnswer.appointment_id == item.id)
    response = sanne.post(f"/appointments/{item.key}", {"response": choice, "reason": reason})
    after = one(app, AppointmentAnswer, AppointmentAnswer.appointment_id == item.id)
    if survived(response, 400):
        assert after.response.value == choice and not forbidden_in(after.reason)
        assert after.reason or choice == "confirmed"
    elif before is None:
        assert after is None
    else:
        assert fields(after, *RESPONSE_FIELDS) == fields(before, *RESPONSE_FIELDS)
    assert_database_clean(app)


# --- back-office forms -------------------------------------------------------------------------

@pytest.fixture
def break_glass_families(team_app) -> dict[str, int]:
    """Two households of the team: Kovalenko (Chantal's and Dirk's, not Anouk's: she may break the glass for it) and
    El Idrissi (Anouk is in its duo: nothing to break)."""
    kovalenko = factories.household(team_app, ["uk"], contact="Chantal Pinas", partner="Dirk Hoekstra")
    return {"KOVALENKO": kovalenko.family_id, "EL IDRISSI": factories.fatima_and_youssef(team_app).family_id}


@FUZZ
@given(family=st.one_of(st.sampled_from(["KOVALENKO", "EL IDRISSI"]), numberish),
       reason=st.one_of(hostile_text, short_text.map(lambda t: "Melding politie, nu nodig. " + t)))
@example(family="²", reason="Acute melding van de politie, nu nodig.")
@example(family="٤", reason="Acute melding van de politie, nu nodig.")  # Arabic-Indic 4
@example(family="123456123456", reason="Acute melding van de politie, nu nodig.")  # beyond a 32-bit id
def test_break_glass_form(anouk, break_glass_families, family, reason):
    app = anouk.app
    family = str(break_glass_families[family]) if family in break_glass_families else family
    before = len(_all(app, BreakGlass))
    response = anouk.post("/backoffice/break-glass", {"family": family, "reason": reason})
    glass = _all(app, BreakGlass)
    if survived(response, 200):
        assert len(glass) == before + 1
        opened = glass[-1].family_id
        assert int(visible_text(family)) == opened  # the family typed ("٤" is 4)
        with database(app) as db:
            anouk_id = db.exec(select(Worker.id).where(Worker.name == "Anouk Visser")).one()
            assert not in_current_duo(db, anouk_id, opened)  # never a family of her own duo
        assert len(glass[-1].reason) >= 10 and not forbidden_in(glass[-1].reason)
    else:
        assert len(glass) == before
    assert_database_clean(app)


def draft_state(app, family: int) -> tuple[int, dict]:
    with database(app) as db:
        draft = draft_of(db, family)
        return draft.revision, posted(app, load_contents(db, [draft.id])[draft.id])


def editor_form(portal: Portal, family: int) -> dict:
    page = portal.get(f"/backoffice/families/{family}/plan")
    assert page.status_code == 200
    return form_fields(page.get_data(as_text=True), "plan-form")


def every_text_field(app, form: dict) -> list[str]:
    """The free-text fields of this editor form, the empty "new" rows included."""
    names = text_fields(app, form) + ["note"]
    for rank in (1, 2, 3):
        names += [f"s{rank}-a-{i}-who" for i in range(int(form.get(f"s{rank}-a-count", "0")) + 1)]
    return names + [f"help-{i}-who" for i in range(int(form.get("help-count", "0")) + 1)]


# Field names independent of the draft's current shape (hypothesis replays draws, so the choices
# may not depend on what earlier examples saved); a name beyond the form's rows is sent anyway.
TEXT_FIELDS = (["note"] + [f"s{r}-{f}" for r in (1, 2, 3) for f in ("description", "risks")]
               + [f"s{r}-a-{i}-{f}" for r in (1, 2, 3) for i in range(4) for f in ("who", "what", "when", "wrong")]
               + [f"help-{i}-{f}" for i in range(4) for f in ("text", "who")] + [f"future-{i}-text" for i in range(5)])
HIDDEN_FIELDS = (["revision", "help-count", "future-count"]
                 + [f"s{r}-{f}" for r in (1, 2, 3) for f in ("kind", "count", "key")]
                 + [f"s{r}-a-{i}-key" for r in (1, 2, 3) for i in range(4)]
                 + [f"help-{i}-key" for i in range(4)] + [f"future-{i}-key" for i in range(5)])


def hidden_value(name: str):
    if name == "revision":
        return st.one_of(st.sampled_from(["CURRENT", "STALE"]), numberish)
    if name.endswith("-kind"):
        return st.one_of(st.sampled_from(["acute", "structural"]), hostile_text)
    if name.endswith("-count"):
        return numberish
    return st.one_of(st.just(""), hostile_text)  # an item key


@FUZZ
@given(texts=st.dictionaries(st.sampled_from(TEXT_FIELDS), hostile_text, min_size=1, max_size=8),
       hidden=st.dictionaries(st.sampled_from(HIDDEN_FIELDS), st.just(None), max_size=3).flatmap(
           lambda chosen: st.fixed_dictionaries({name: hidden_value(name) for name in chosen})))
@example(texts={"s1-a-0-who": "Oma Fatima " * 60}, hidden={})  # a "who" longer than its column
@example(texts={"note": "x"}, hidden={"revision": "9" * 30})
@example(texts={"note": "x"}, hidden={"s1-a-count": "²"})
def test_plan_editor_form(anouk, el_idrissi, texts, hidden):
    app = anouk.app
    family = el_idrissi.family_id
    revision, content = draft_state(app, family)
    form = editor_form(anouk, family)
    hidden = hidden | {"revision": {"CURRENT": str(revision), "STALE": str(revision - 1)}.get(
        hidden.get("revision"), hidden.get("revision", str(revision)))}
    sent = form | {"action": "save"} | texts | hidden
    response = anouk.post(f"/backoffice/families/{family}/plan", sent)
    after_revision, after_content = draft_state(app, family)
    if survived(response, 400, 409, success=(200,)):
        assert after_revision == revision + 1
        assert not any(forbidden_in(value) for value in after_content.values())
    else:
        assert (after_revision, after_content) == (revision, content), "a refused save changed the draft"
    assert_database_clean(app)


HOSTILE_LINE = SCRIPT_PAYLOAD + " \u202e" + ATTRIBUTE_PAYLOAD + "\x00\x1b\x7f 😀 خطة"
LONG_TEXT = ("Lange tekst met veel woorden, خطة الأمان 😀. " * 140)[:5600]
ONE_FIELD_OF_EACH_KIND = ["s1-description", "s1-risks", "s1-a-0-who", "s1-a-0-what", "s1-a-0-when", "s1-a-0-wrong",
                          "help-0-text", "help-0-who", "future-0-text", "note"]


@pytest.mark.parametrize("text, which", [
    pytest.param(HOSTILE_LINE, "all", id="hostile-in-every-field"),
    pytest.param(LONG_TEXT, ONE_FIELD_OF_EACH_KIND, id="5600-characters-in-each-kind-of-field"),
])
def test_every_plan_field_takes_hostile_text_and_publishes(anouk, el_idrissi, text, which):
    """Hostile or very long text in the editor's fields: saved without controls, shown escaped, publishable.
    Text longer than its field is refused whole and shown again (never cut); shortened, it is saved."""
    app = anouk.app
    family = el_idrissi.family_id
    revision, _content = draft_state(app, family)
    form = editor_form(anouk, family)
    names = every_text_field(app, form) if which == "all" else which
    # The parents are kept apart: the new rows this text fills need a choice of who may read them.
    form |= {name: "household" for name, value in form.items() if name.endswith("-audience") and not value}
    sent = form | {name: text for name in names} | {"action": "save"}

    def limit(name: str) -> int:
        return 500 if name.endswith(("-who", "-when")) else 2000  # the columns' lengths

    if any(len(visible_text(text).strip()) > limit(name) for name in names):
        refused = anouk.post(f"/backoffice/families/{family}/plan", sent)
        assert refused.status_code == 400
        assert_not_executable(refused)
        assert draft_state(app, family)[0] == revision, "a refused save changed the draft"
        text = visible_text(text)[:500]  # what the worker does next: shorten it
        sent = form | {name: text for name in names} | {"action": "save"}
    saved = anouk.post(f"/backoffice/families/{family}/plan", sent)
    assert saved.status_code == 200, saved.get_data(as_text=True)[:1500]
    assert_not_executable(saved)
    after_revision, after_form = draft_state(app, family)
    assert after_revision == revision + 1
    for name in names:
        if name != "note":  # the note is kept only when publishing
            assert after_form[name].strip() == visible_text(text).strip(), name
    published = anouk.post(f"/backoffice/families/{family}/plan",
                           after_form | {"revision": str(after_revision), "action": "publish", "note": text,
                                         "note-audience": "household"})
    assert published.status_code == 302, published.get_data(as_text=True)[:1500]
    compare = anouk.get(published.headers["Location"])
    assert compare.status_code == 200
    assert_not_executable(compare)
    assert_database_clean(app)


def appointment_form():
    return st.fixed_dictionaries({
        "date": st.one_of(st.sampled_from(["2031-12-01", "0001-01-01", "9999-12-31", "2031-02-30"]), hostile_text),
        "time": st.one_of(st.sampled_from(["10:00", "24:00", "9:5"]), hostile_text),
        "duration": numberish,
        "place": st.one_of(st.just("Bij u thuis"), hostile_text),
        "with_whom": st.one_of(st.just("Anouk Visser"), hostile_text),
        "purpose": st.one_of(st.just("Samen het plan lezen."), hostile_text),
        "safe_place": st.one_of(st.sampled_from(["1", ""]), hostile_text),
        "interpreter_language": st.one_of(st.sampled_from(sorted(LANGUAGES)), hostile_text),
        "interpreter_id": st.one_of(st.sampled_from(["1", "2", "", "999999"]), numberish),
    })


APPOINTMENT_FIELDS = ("starts_at", "duration_minutes", "safe_place", "place", "with_whom", "purpose",
                      "interpreter_language", "interpreter_id", "status", "audience")


@FUZZ
@given(form=appointment_form(), edit=st.booleans(), reply=hostile_text,
       action=st.sampled_from(["save", "save", "cancel"]))
@example(form={"date": "2031-12-01", "time": "10:00", "duration": "60", "place": "Bij u thuis",
               "with_whom": "Anouk Visser", "purpose": "Het plan lezen.", "safe_place": "",
               "interpreter_language": "", "interpreter_id": "999999"}, edit=False, reply="", action="save")
@example(form={"date": "0001-01-01", "time": "00:00", "duration": "²", "place": "Bij u thuis",
               "with_whom": "Anouk Visser", "purpose": "Het plan lezen.", "safe_place": "",
               "interpreter_language": "", "interpreter_id": ""}, edit=True, reply="", action="save")
def test_appointment_create_and_edit_forms(anouk, de_boer, form, edit, reply, action):
    app = anouk.app
    family = de_boer.family_id
    with database(app) as db:
        items = db.exec(select(Appointment).where(Appointment.family_id == family)
                        .order_by(Appointment.id)).all()
    interpreters = {i.id for i in _all(app, Interpreter)}
    if edit:
        item = items[-1]
        response = anouk.post(f"/backoffice/families/{family}/appointments/{item.id}",
                              form | {"reply": reply, "action": action})
        after = one(app, Appointment, Appointment.id == item.id)
        if survived(response, 400):
            if action == "cancel":
                assert after.status is AppointmentStatus.cancelled
            else:
                assert not any(forbidden_in(getattr(after, name)) for name in ("place", "with_whom", "purpose"))
                assert after.interpreter_id in interpreters | {None}
        else:
            assert fields(after, *APPOINTMENT_FIELDS) == fields(item, *APPOINTMENT_FIELDS)
    else:
        response = anouk.post(f"/backoffice/families/{family}/appointments", form)
        with database(app) as db:
            now = db.exec(select(Appointment).where(Appointment.family_id == family)
                          .order_by(Appointment.id)).all()
        if survived(response, 400):
            assert len(now) == len(items) + 1
            new = now[-1]
            assert new.place and new.with_whom and new.purpose
            assert new.interpreter_id in interpreters | {None}
        else:
            assert len(now) == len(items)
    assert_database_clean(app)


REPLY_FIELDS = ("reply", "replied_by", "replied_at", "handled_at")


@FUZZ
@given(reply=hostile_text, handled=st.one_of(st.sampled_from(["", "1"]), hostile_text))
def test_answer_reply_form(anouk, el_idrissi, reply, handled):
    app = anouk.app
    family = el_idrissi.family_id
    with database(app) as db:
        question = db.exec(select(PlanQuestion).join(Parent, Parent.id == PlanQuestion.parent_id)
                           .where(Parent.family_id == family)).first()
    data = {"reply": reply}
    if handled:
        data["handled"] = handled
    response = anouk.post(f"/backoffice/families/{family}/questions/{question.id}", data)
    after = one(app, PlanQuestion, PlanQuestion.id == question.id)
    visible = visible_text(reply)
    too_long = len(visible.strip()) > 2000
    assert survived(response, 400) is not too_long
    assert not forbidden_in(after.reply)
    if too_long:  # refused whole, never cut: the reply stays as it was
        assert fields(after, *REPLY_FIELDS) == fields(question, *REPLY_FIELDS)
    elif visible:
        assert after.reply == visible.strip() and after.handled_at is not None
    else:
        assert after.reply == question.reply
    assert_database_clean(app)


DATES = st.one_of(st.sampled_from(["2031-12-01", "0001-01-01", "9999-12-31", "2031-02-30", ""]), hostile_text)


@FUZZ
@given(form=st.fixed_dictionaries({
    "worker": st.one_of(st.sampled_from(["1", "2", "3", "4"]), numberish),
    "role": st.one_of(st.sampled_from(["contact", "partner"]), hostile_text), "start": DATES}))
@example(form={"worker": "4", "role": "contact", "start": "0001-01-01"})
def test_duo_form(teamlead, de_boer, form):
    """As the team lead (a worker could take herself out of the duo and lose the family): whatever is sent, each
    worker has one open row in the household's duo at most."""
    app = teamlead.app
    family = de_boer.family_id
    response = teamlead.post(f"/backoffice/families/{family}/duo", form)
    assert survived(response)
    assert response.headers["Location"].endswith(f"/backoffice/families/{family}#duo")
    with database(app) as db:
        open_rows = db.exec(select(DuoAssignment.worker_id).where(DuoAssignment.family_id == family,
                                                                  DuoAssignment.end.is_(None))).all()
    assert len(open_rows) == len(set(open_rows))
    assert_database_clean(app)


@FUZZ
@given(end=DATES)
@example(end="2031-12-01")
def test_end_role_form(teamlead, de_boer, end):
    """The last day in the duo, as typed: a day on or after the start ends the role; anything else is refused at its
    field (400) with what was typed shown again, and nothing changes."""
    app = teamlead.app
    family = de_boer.family_id
    with database(app) as db:
        assignment = db.exec(select(DuoAssignment).where(DuoAssignment.family_id == family,
                                                         DuoAssignment.role == DuoRole.partner)).first()
    url = f"/backoffice/families/{family}/duo/{assignment.id}/end"
    response = teamlead.post(url, {"end": end})
    after = one(app, DuoAssignment, DuoAssignment.id == assignment.id)
    if assignment.end is not None:  # ended by an earlier example: the page only leads back to the file
        assert response.status_code == 302 and after.end == assignment.end
    elif survived(response, 400):
        assert after.end is not None and after.end == bounded_date(end)
    else:
        assert after.end is None
    assert_database_clean(app)


@pytest.mark.parametrize("path", [
    # a parent's appointment by a well-formed key of none, an overlong key, the old numeric form
    "/appointments/{unknown_key}", "/appointments/appointment-{huge}", "/appointments/{big}", "/appointments/²",
    "/backoffice/families/{big}/plan",
    "/backoffice/families/{family}/appointments/{big}", "/backoffice/families/{family}/plan/compare?b=²",
    "/backoffice/families/{family}/plan/compare?a={huge}",
])
def test_form_pages_with_impossible_numbers_answer_not_found(team_app, de_boer, path):
    """Ids typed into a form's address beyond what the database holds: 'not found', never an error."""
    family = de_boer.family_id
    who = de_boer.usernames[0] if not path.startswith("/backoffice") else "anouk"
    portal = Portal(team_app, who)
    url = path.format(big="99999999999", family=family, huge="9" * 5000, unknown_key="appointment-" + "f" * 32)
    for method in ("get", "post"):
        if method == "post" and "compare" in url:
            continue
        response = portal.get(url) if method == "get" else portal.post(url, {"response": "confirmed"})
        assert response.status_code in (200, 404), (method, response.status_code)
        assert_not_executable(response)


@pytest.mark.parametrize("ident", ["99999999999", "²"])
def test_answer_reply_with_impossible_number_answers_not_found(anouk, el_idrissi, ident):
    family = el_idrissi.family_id
    response = anouk.post(f"/backoffice/families/{family}/answers/{ident}", {"reply": "Goed dat u het vraagt."})
    assert response.status_code == 404


# --- translation -------------------------------------------------------------------------------

@pytest.fixture
def interpreter_job(team_app, el_idrissi):
    """The El Idrissi draft published (services.publishing.publish): an Arabic job for tolk-ar."""
    with team_app.app_context(), database(team_app) as db:
        family = db.get(Family, el_idrissi.family_id)
        bram = db.exec(select(Worker).where(Worker.name == "Bram de Wit")).one()
        draft = draft_of(db, family.id)
        published = publishing.publish(db, draft, draft.revision, family.id, bram.id, "")
        db.commit()
        job = db.exec(select(TranslationJob).where(TranslationJob.version_id == published.version.id,
                                                   TranslationJob.language == "ar")).one()
        # The sentences as the interpreter's form numbers them (names that are sentences of their own are none).
        texts = job_work(db, job, clock.today()).texts
    portal = Portal(team_app, "tolk-ar")
    return portal, job.id, texts


@FUZZ
@given(data=st.data())
def test_translation_form(interpreter_job, data):
    portal, job, texts = interpreter_job
    app = portal.app
    chosen = data.draw(st.lists(st.integers(0, len(texts) - 1), min_size=1, max_size=4, unique=True), label="segments")
    typed = {index: data.draw(st.one_of(hostile_text, short_text.map(lambda t, s=texts[index]: t + s + t)),
                              label=f"segment-{index}") for index in chosen}
    verify = data.draw(st.lists(st.integers(0, len(texts) - 1), max_size=2), label="verify")

    def memory():
        with database(app) as db:
            return {row.source_hash: row.text for row in db.exec(
                select(TranslationSegment).where(TranslationSegment.language == "ar"))}

    before = memory()
    sent = {f"segment-{index}": text for index, text in typed.items()} | {f"verify-{i}": "1" for i in verify}
    response = portal.post(f"/backoffice/translations/{job}", sent)
    assert not survived(response, 200, 400, success=())
    after = memory()
    page = response.get_data(as_text=True)
    for index in typed:
        key = source_hash(texts[index])
        if f'id="segment-{index}-error"' in page:
            assert after.get(key) == before.get(key), "a refused segment changed the translation memory"
        assert not forbidden_in(after.get(key))
    assert_database_clean(app)


# --- language switch ---------------------------------------------------------------------------

NEXT_TARGETS = ["/plan", "/appointments?x=1", "https://evil.example", "//evil.example", "/\\evil.example",
                "javascript:alert(1)", "/plan\n", "/\t/evil.example", "/%0a/evil.example", " //evil.example"]


@FUZZ
@given(language=st.one_of(st.sampled_from(sorted(LANGUAGES)), hostile_text),
       next_page=st.one_of(st.sampled_from(NEXT_TARGETS), hostile_text), signed_in=st.booleans())
@example(language="ar", next_page="/plan\n", signed_in=True)
def test_language_switch(sanne, visitor, language, next_page, signed_in):
    portal = sanne if signed_in else visitor
    app = portal.app
    before = one(app, Account, Account.username == sanne.username).language
    response = portal.post("/language", {"set_language": language, "next": next_page})
    assert survived(response)
    assert stays_on_portal(response.headers["Location"]), response.headers["Location"]
    after = one(app, Account, Account.username == sanne.username).language
    assert after == (language if signed_in and language in LANGUAGES else before)
    assert_database_clean(app)
