"""Forms through Flask-WTF: each field's limit comes from its model column, in the form and in the page's maxlength;
over-long text is refused whole at its field; control characters go; a language switch keeps what was typed."""
import datetime as dt

from flask_babel import force_locale
from sqlalchemy import update
from sqlmodel import select

from portal import clock
from portal.backoffice.staff_form import WorkerForm
from portal.models import (
    Account,
    Appointment,
    AppointmentAnswer,
    BreakGlass,
    CaseClosure,
    Family,
    FamilyMember,
    Parent,
    PlanQuestion,
    UserSession,
    Worker,
)
from portal.web.forms import TooLong, max_length
from support import factories
from support.pages import database, form_values, soup
from support.sign_in import csrf_token, sign_in, signed_in_client


def limit_of(page, selector: str) -> int:
    found = soup(page).select_one(selector)
    assert found is not None, selector
    return int(found["maxlength"])


def test_a_typed_field_strips_control_characters_and_refuses_a_text_too_long_whole(app):
    name = "Evi\u202e Jansen\x00"
    too_long = "E" * (max_length(Worker.name) + 5)
    with app.test_request_context(method="POST", data={"name": name, "organisation": too_long, "phone": "06 12345678"}):
        form = WorkerForm()
        assert not form.validate()
        assert form.name.data == "Evi Jansen"  # the bidi override and the NUL are gone, the name is kept
        assert form.organisation.data == too_long  # whole: never cut to fit
        with force_locale("nl"):
            assert form.messages() == {"organisation": TooLong(len(too_long), max_length(Worker.organisation)).message}
        assert form.organisation.flags.maxlength == max_length(Worker.organisation)


def test_the_pages_take_each_fields_maxlength_from_its_column(team_app):
    # A household with a child, a published plan and a parent's question the duo can reply to.
    household = factories.household(team_app, ["ar"], children=("Amira El Idrissi",))
    family = household.family_id
    factories.published_plan(team_app, family)
    factories.question(team_app, household.usernames[0], "Mag oma ook op zondag komen?")
    lead = signed_in_client(team_app, "teamlead")
    staff = lead.get("/backoffice/staff/new?role=worker")
    for field, column in (("name", Worker.name), ("organisation", Worker.organisation), ("phone", Worker.phone)):
        assert limit_of(staff, f"input#{field}") == max_length(column), field
    case = lead.get(f"/backoffice/families/{family}/case")
    assert limit_of(case, "textarea#reason") == max_length(CaseClosure.reason)
    intake = lead.get("/backoffice/households/new")
    assert limit_of(intake, "input#name") == max_length(Family.name)
    bram = signed_in_client(team_app, "bram")
    members = bram.get(f"/backoffice/families/{family}/members")
    for field, column in (("parent-0-name", Parent.name), ("parent-0-phone", Parent.phone),
                          ("child-0-name", FamilyMember.name), ("other-0-relation", FamilyMember.relation)):
        assert limit_of(members, f"input#{field}") == max_length(column), field
    glass = bram.get("/backoffice/break-glass")
    assert limit_of(glass, "textarea#reason") == max_length(BreakGlass.reason)
    answers = soup(bram.get(f"/backoffice/families/{family}/answers"))
    replies = answers.select('textarea[name="reply"]')
    assert replies and {int(reply["maxlength"]) for reply in replies} == {max_length(PlanQuestion.reply)}


def test_a_reply_to_a_parent_too_long_is_refused_at_its_field_and_kept_whole(team_app):
    household = factories.household(team_app, ["nl"])  # a parent who reads Dutch; Bram and Anouk are the duo
    family = household.family_id
    appointment_id, _key = factories.appointment(team_app, family)
    with database(team_app) as db:
        item = db.get(Appointment, appointment_id)
    sanne = signed_in_client(team_app, household.usernames[0])
    token = csrf_token(sanne.get(f"/appointments/{item.key}").text)
    assert sanne.post(f"/appointments/{item.key}", data={"response": "move_requested", "reason": "Donderdag kan wel.",
                                                         "csrf_token": token}).status_code == 302
    anouk = signed_in_client(team_app, "anouk")
    url = f"/backoffice/families/{family}/appointments/{item.id}"
    edit = anouk.get(url)
    form = form_values(edit, "appointment-form")
    (field,) = [name for name in form if name.startswith("reply-")]
    limit = max_length(AppointmentAnswer.reply)
    assert limit_of(edit, f"textarea#{field}") == limit
    text = "Goed. " + "d" * limit
    refused = anouk.post(url, data=dict(form, **{field: text}, action="save"))
    assert refused.status_code == 400
    page = soup(refused)
    with team_app.test_request_context(), force_locale("nl"):
        assert page.select_one(f"#{field}-error").get_text() == TooLong(len(text), limit).message
    assert page.select_one(f"textarea#{field}").get_text() == text
    with database(team_app) as db:
        answer = db.exec(select(AppointmentAnswer).where(AppointmentAnswer.appointment_id == item.id)).one()
        assert not answer.reply


def test_switching_the_language_keeps_the_typed_reason_and_closes_nothing(team_app):
    family = factories.household(team_app, ["ar"]).family_id
    lead = signed_in_client(team_app, "teamlead")
    url = f"/backoffice/families/{family}/case"
    token = csrf_token(lead.get(url).text)
    reason = "Het gezin is verhuisd naar Utrecht."
    switched = lead.post(url, data={"reason": reason, "closed_on": clock.today().isoformat(), "set_language": "en",
                                    "csrf_token": token})
    assert switched.status_code == 200
    assert soup(switched).select_one("textarea#reason").get_text() == reason
    with database(team_app) as db:
        assert db.get(Family, family).closed_at is None


def test_a_form_typed_while_the_session_ran_out_comes_back_on_its_page(team_app):
    lead = team_app.test_client()
    sign_in(lead, "teamlead")
    token = csrf_token(lead.get("/backoffice/staff/new").text)
    with database(team_app) as db:
        account = db.exec(select(Account.id).where(Account.username == "teamlead")).one()
        db.exec(update(UserSession).where(UserSession.account_id == account)
                .values(last_seen_at=clock.now() - dt.timedelta(hours=1)))
        db.commit()
    typed = {"role": "worker", "name": "Evi Jansen", "organisation": "Veilig Thuis", "phone": "06 12345699",
             "day-2-start": "08:30", "day-2-end": "12:30", "csrf_token": token}
    assert lead.post("/backoffice/staff/new", data=typed).status_code == 302
    assert sign_in(lead, "teamlead").headers["Location"] == "/backoffice/staff/new"
    shown = form_values(lead.get("/backoffice/staff/new"), "staff-form")
    assert (shown["name"], shown["organisation"], shown["day-2-start"]) == ("Evi Jansen", "Veilig Thuis", "08:30")
    with database(team_app) as db:
        assert db.exec(select(Account).where(Account.username == "evi")).first() is None
