"""Cross-site request forgery: no POST of the portal works without the form's token.

For every route of app.url_map that accepts POST there is a case below (a new POST route without
a case fails `test_every_post_route_has_a_case`). Each case is sent without csrf_token twice: by the
user who may use the route (in the state the route needs: at the code step, activating, ...), and by
a signed-out visitor. Both are refused (400, or a redirect to a sign-in page) and change no row of any
table. Then the very same request WITH the token is accepted, which shows that the token was the
only thing missing.
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import pyotp
import pytest
from security_kit import Portal, database, form_fields, table_rows
from sqlalchemy import update
from sqlmodel import select

from portal import clock
from portal.accounts import secrets as auth_secrets
from portal.models import (
    Absence,
    Account,
    Appointment,
    AppointmentAnswer,
    DuoAssignment,
    Family,
    Interpreter,
    Parent,
    ParentTextRendering,
    PlanQuestion,
    TranslationJob,
    Worker,
)
from portal.services import publishing
from portal.services.interpreting import segments
from portal.services.plans import draft_of, load_contents
from portal.web.secret import code_key
from support.sign_in import fresh_code

SIGN_IN_PAGES = {"/sign-in", "/backoffice/sign-in"}
PASSWORD = "veilig-demo-2026"
NEW_PASSWORD = {"password": "paarse olifant danst op zolder", "password_again": "paarse olifant danst op zolder"}


def refused(response) -> bool:
    if response.status_code == 400:
        return True
    return response.status_code == 302 and urlsplit(response.headers["Location"]).path in SIGN_IN_PAGES


# --- the data of each case -----------------------------------------------------------------------

def ids(app) -> dict:
    """Numbers of demo objects that the cases' addresses and forms need."""
    with database(app) as db:
        def family(name):
            return db.exec(select(Family.id).where(Family.name.contains(name))).one()

        de_boer, el_idrissi = family("De Boer"), family("El Idrissi")
        sanne = db.exec(select(Parent).where(Parent.name == "Sanne de Boer")).one()
        job = db.exec(select(TranslationJob.id)).first()
        absence = db.exec(select(Absence)).first()
        return {
            "de_boer": de_boer, "el_idrissi": el_idrissi, "kovalenko": family("Kovalenko"),
            "sanne": sanne.id,
            "sanne_appointment": db.exec(select(Appointment.id).where(Appointment.family_id == de_boer)
                                         .order_by(Appointment.starts_at.desc())).first(),
            # the same appointment as its parent's address names it: by its key, never its number
            "sanne_appointment_key": db.exec(select(Appointment.key).where(Appointment.family_id == de_boer)
                                             .order_by(Appointment.starts_at.desc())).first(),
            "question": db.exec(select(PlanQuestion.id).join(Parent, Parent.id == PlanQuestion.parent_id)
                                .where(Parent.family_id == el_idrissi)).first(),
            "dirk": db.exec(select(Worker.id).where(Worker.name == "Dirk Hoekstra")).one(),
            "assignment": db.exec(select(DuoAssignment.id).where(DuoAssignment.family_id == de_boer,
                                                                 DuoAssignment.end.is_(None))).first(),
            "job": job,
            "anouk_account": db.exec(select(Account.id).where(Account.username == "anouk")).one(),
            "chantal": db.exec(select(Worker.id).where(Worker.name == "Chantal Pinas")).one(),
            "demir": family("Demir"),
            # Mehmet's request to move an appointment, with his reason in Turkish
            "move": db.exec(select(AppointmentAnswer.id).where(AppointmentAnswer.reason != "")).first(),
            "rendering": db.exec(select(ParentTextRendering.id)).first(),
            # The demo's absence (a worker of the demo team away), and that worker's account
            "absence": absence.id,
            "away_account": db.exec(select(Worker.account_id).where(Worker.id == absence.worker_id)).one(),
        }


def _rendering_for_tolk_ar(app) -> None:
    """Youssef's question in El Idrissi, given to tolk-ar to put into Dutch."""
    with database(app) as db:
        question = db.exec(select(PlanQuestion).join(Parent, Parent.id == PlanQuestion.parent_id)
                           .join(Family, Family.id == Parent.family_id)
                           .where(Family.name.contains("El Idrissi"))).first()
        parent = db.get(Parent, question.parent_id)
        interpreter = db.exec(select(Interpreter.id).join(Account, Account.id == Interpreter.account_id)
                              .where(Account.username == "tolk-ar")).one()
        db.add(ParentTextRendering(kind="question", text_id=question.id, family_id=parent.family_id,
                                   parent_id=parent.id, language="ar", source_text=question.text,
                                   asked_by=db.exec(select(Worker.id)).first(), interpreter_id=interpreter))
        db.commit()


def publish_el_idrissi(app) -> None:
    """Publish the El Idrissi draft (services.publishing.publish): an Arabic translation job for tolk-ar."""
    with app.app_context(), database(app) as db:
        family = db.exec(select(Family).where(Family.name.contains("El Idrissi"))).one()
        bram = db.exec(select(Worker).where(Worker.name == "Bram de Wit")).one()
        draft = draft_of(db, family.id)
        publishing.publish(db, draft, draft.revision, family.id, bram.id, "")
        db.commit()


def activation_code(app, username: str = "ouder-sanne") -> str:
    with app.app_context(), database(app) as db:
        account = db.exec(select(Account).where(Account.username == username)).one()
        return auth_secrets.issue_code(db, account, "activation", code_key())


def totp_now(app, username: str) -> str:
    with database(app) as db:
        secret = db.exec(select(Account.totp_secret).where(Account.username == username)).one()
    return pyotp.TOTP(secret).now()


@dataclass
class Case:
    user: str | None  # who may use the route; None: a visitor (brought into `state` first)
    path: str  # formatted with ids(app)
    data: dict | Callable = field(default_factory=dict)  # or data(portal, ids) -> dict
    state: Callable | None = None  # state(portal, ids): bring the visitor to where the route works
    prepare: Callable | None = None  # prepare(app): before anyone signs in
    changes: bool = True  # the accepted request (with the token) changes rows


def _pending(username: str, staff: bool = False):
    def state(portal, _ids):
        base = "/backoffice" if staff else ""
        first = portal.post(f"{base}/sign-in", {"username": username, "password": PASSWORD})
        assert first.status_code == 302, first.get_data(as_text=True)[:500]
    return state


def _not_enrolled(app) -> None:
    with database(app) as db:
        db.exec(update(Account).where(Account.username == "anouk").values(totp_enrolled=False, totp_secret=None))
        db.commit()


def _enrolling(portal, _ids):
    first = portal.post("/backoffice/sign-in", {"username": "anouk", "password": PASSWORD})
    assert first.headers["Location"].endswith("/backoffice/enrol")
    assert portal.get("/backoffice/enrol").status_code == 200  # makes the secret to link


def _activating(set_password: bool):
    def state(portal, _ids):
        code = activation_code(portal.app)
        assert portal.post("/activate", {"username": "ouder-sanne", "code": code}).status_code == 302
        portal.token = None  # the session was renewed
        if set_password:
            chosen = portal.post("/activate/password", {"password": "blauwe fiets op het dak 7",
                                                        "password_again": "blauwe fiets op het dak 7"})
            assert chosen.status_code == 302
    return state


def _plan_form(portal, ids):
    page = portal.get(f"/backoffice/families/{ids['el_idrissi']}/plan").get_data(as_text=True)
    return form_fields(page, "plan-form") | {"s1-description": "De vader schreeuwt als hij gedronken heeft.",
                                              "action": "save"}


def _household(_portal, i) -> dict:
    return {"name": "Gezin Jansen", "parent-count": "1", "parent-0-name": "Ingrid Jansen", "parent-0-language": "nl",
            "contact": str(i["chantal"]), "partner": str(i["dirk"])}


def _appointment(**extra):
    return {"date": "2031-12-01", "time": "10:00", "duration": "60", "place": "Bij u thuis",
            "with_whom": "Anouk Visser", "purpose": "Samen het plan lezen.", **extra}


CASES: dict[str, Case] = {
    "auth.sign_in": Case(None, "/sign-in", {"username": "ouder-sanne", "password": PASSWORD}),
    "auth.staff_sign_in": Case(None, "/backoffice/sign-in", {"username": "anouk", "password": PASSWORD}),
    "auth.code": Case(None, "/sign-in/code", lambda p, _i: {"code": fresh_code("ouder-sanne", p.app)},
                      state=_pending("ouder-sanne")),
    "auth.staff_code": Case(None, "/backoffice/sign-in/code", lambda p, _i: {"code": fresh_code("anouk", p.app)},
                            state=_pending("anouk", staff=True)),
    "auth.enrol": Case(None, "/backoffice/enrol", lambda p, _i: {"code": totp_now(p.app, "anouk")},
                       state=_enrolling, prepare=_not_enrolled),
    "auth.new_recovery_codes": Case("bram", "/backoffice/recovery-codes"),
    "auth.activate": Case(None, "/activate", lambda p, _i: {"username": "ouder-sanne",
                                                            "code": activation_code(p.app)}),
    "auth.choose_password": Case(None, "/activate/password", {"password": "groene boot in de gracht 4",
                                                               "password_again": "groene boot in de gracht 4"},
                                 state=_activating(set_password=False)),
    "auth.second_factor": Case(None, "/activate/second-factor", {"method": "sms", "phone": "06 12345678"},
                               state=_activating(set_password=True)),
    "auth.change_password": Case("ouder-sanne", "/password", {"current_password": PASSWORD, **NEW_PASSWORD}),
    "auth.staff_change_password": Case("anouk", "/backoffice/password", {"current_password": PASSWORD,
                                                                         **NEW_PASSWORD}),
    "auth.sign_out": Case("ouder-sanne", "/sign-out"),
    "auth.set_language": Case("ouder-sanne", "/language", {"set_language": "ar", "next": "/plan"}),
    "auth.extend_session": Case("ouder-sanne", "/session/extend", {"next": "/plan"}, changes=False),
    "family.plan": Case("ouder-sanne", "/plan", {"answer": "question", "comment": "Wie haalt Thomas op?"}),
    "family.appointment": Case("ouder-sanne", "/appointments/{sanne_appointment_key}",
                               {"response": "move_requested", "reason": "Ik moet dan werken."}),
    "backoffice.break_glass": Case("anouk", "/backoffice/break-glass", lambda _p, i: {
        "family": str(i["kovalenko"]), "reason": "Melding politie, nu nodig."}),
    "backoffice.family_appointments": Case("anouk", "/backoffice/families/{de_boer}/appointments", _appointment()),
    "backoffice.edit_appointment": Case("anouk", "/backoffice/families/{de_boer}/appointments/{sanne_appointment}",
                                        _appointment(action="cancel")),
    "backoffice.change_duo": Case("anouk", "/backoffice/families/{de_boer}/duo",
                                  lambda _p, i: {"worker": str(i["chantal"]), "role": "partner",
                                                 "start": "2031-01-01"}),
    "backoffice.end_duo_role": Case("anouk", "/backoffice/families/{de_boer}/duo/{assignment}/end",
                                    {"end": "2031-01-01"}),
    "backoffice.activation_letter": Case("anouk", "/backoffice/families/{de_boer}/parents/{sanne}/letter"),
    "backoffice.deactivate_parent": Case("anouk", "/backoffice/families/{de_boer}/parents/{sanne}/deactivate"),
    "backoffice.plan_editor": Case("anouk", "/backoffice/families/{el_idrissi}/plan", _plan_form),
    "backoffice.plain_language": Case("anouk", "/backoffice/families/{el_idrissi}/plain-language",
                                      {"s1-description": "Er wordt door de vader geschreeuwd."}, changes=False),
    "backoffice.reply": Case("anouk", "/backoffice/families/{el_idrissi}/questions/{question}",
                             {"reply": "Dan belt u mij.", "handled": "1"}),
    "backoffice.translate": Case("tolk-ar", "/backoffice/translations/{job}", lambda p, i: _translation(p.app, i),
                                 prepare=publish_el_idrissi),
    "backoffice.new_household": Case("teamlead", "/backoffice/households/new", _household),
    "backoffice.family_members": Case("anouk", "/backoffice/families/{de_boer}/members", lambda _p, i: {
        "name": "Huishouden De Boer", "parent-0-id": str(i["sanne"]), "parent-0-name": "Sanne de Boer",
        "parent-0-language": "nl", "other-0-name": "Kees de Boer", "other-0-relation": "broer"}),
    "backoffice.case": Case("teamlead", "/backoffice/families/{de_boer}/case", lambda _p, _i: {
        "reason": "De veiligheid is duurzaam hersteld.", "closed_on": clock.today().isoformat()}),
    "backoffice.new_staff": Case("teamlead", "/backoffice/staff/new", {
        "role": "worker", "name": "Evi Jansen", "organisation": "Veilig Thuis", "phone": "06 12345699"}),
    "backoffice.edit_staff": Case("teamlead", "/backoffice/staff/{anouk_account}", {
        "name": "Anouk Visser", "organisation": "Veilig Thuis", "phone": "06-12345611"}),
    "backoffice.switch_staff": Case("teamlead", "/backoffice/staff/{anouk_account}/active", {"active": "off"}),
    "backoffice.staff_letter": Case("teamlead", "/backoffice/staff/{anouk_account}/letter"),
    "backoffice.add_absence": Case("teamlead", "/backoffice/staff/{anouk_account}/absences", lambda _p, _i: {
        "first_day": clock.today().isoformat(), "last_day": (clock.today() + dt.timedelta(days=2)).isoformat()}),
    "backoffice.remove_absence": Case("teamlead", "/backoffice/staff/{away_account}/absences/{absence}/remove"),
    "backoffice.ask_question_rendering": Case(
        "bram", "/backoffice/families/{el_idrissi}/questions/{question}/rendering"),
    "backoffice.ask_answer_rendering": Case(
        "chantal", "/backoffice/families/{demir}/appointment-answers/{move}/rendering"),
    "backoffice.render_in_dutch": Case(
        "tolk-ar", "/backoffice/renderings/{rendering}", {"rendering": "Mag oma ophalen?"},
        prepare=_rendering_for_tolk_ar),
}


def _translation(app, i) -> dict:
    """The first segment 'translated' as itself: it keeps every name, number and time, so it is saved."""
    with database(app) as db:
        job = db.get(TranslationJob, i["job"])
        return {"segment-0": segments(load_contents(db, [job.version_id])[job.version_id])[0]}


def post_routes(app) -> set[str]:
    return {rule.endpoint for rule in app.url_map.iter_rules() if "POST" in rule.methods}


# Leaving quickly only ends one's own session, and must work when the session (and its token) expired.
CSRF_EXEMPT = {"auth.quick_exit"}


def test_every_post_route_has_a_case(demo_app):
    missing = post_routes(demo_app) - set(CASES) - CSRF_EXEMPT
    assert not missing, f"POST routes without a CSRF case: {sorted(missing)}"
    assert not set(CASES) - post_routes(demo_app), "cases of routes that no longer exist"


def _form(portal: Portal, case: Case, number: dict) -> dict:
    """The case's form, made once (before any snapshot: making it may write, e.g. a new code)."""
    return case.data(portal, number) if callable(case.data) else dict(case.data)


@pytest.mark.parametrize("endpoint", sorted(CASES))
def test_post_without_token_is_refused_and_changes_nothing(demo_app, endpoint):
    case = CASES[endpoint]
    if case.prepare:
        case.prepare(demo_app)
    number = ids(demo_app)
    portal = Portal(demo_app, case.user)
    if case.state:
        case.state(portal, number)
    stranger = Portal(demo_app)  # signed out, in no particular state

    path = case.path.format(**number)
    data = _form(portal, case, number)  # the very same form each time; only the token differs
    for who in (portal, stranger):
        before = table_rows(demo_app)
        response = who.client.post(path, data=data)
        assert refused(response), (who is portal and "user" or "visitor", response.status_code,
                                   response.headers.get("Location"))
        assert table_rows(demo_app) == before, "a request without the CSRF token changed the database"
    if case.user:
        home = "/backoffice/" if case.user != "ouder-sanne" else "/"
        assert portal.get(home).status_code == 200, "the refused request signed the user out"

    before = table_rows(demo_app)
    accepted = portal.client.post(path, data=data | {"csrf_token": portal.csrf()})
    assert not refused(accepted) or endpoint == "auth.sign_out", (accepted.status_code, accepted.headers)
    assert accepted.status_code < 500
    if case.changes:
        assert table_rows(demo_app) != before, "the request with the token did nothing: the case proves nothing"
    if endpoint == "auth.sign_out":
        assert portal.get("/").status_code == 302  # with the token, signing out works


def test_htmx_request_with_the_token_in_a_header_is_accepted(demo_app):
    """The plan editor's live help posts with htmx: the token travels in X-CSRFToken."""
    anouk = Portal(demo_app, "anouk")
    text = {"s1-description": "Er wordt door de vader geschreeuwd als hij heeft gedronken."}
    htmx = {"HX-Request": "true", "HX-Trigger-Name": "s1-description"}
    helper = f"/backoffice/families/{ids(demo_app)['el_idrissi']}/plain-language"
    helped = anouk.client.post(helper, data=text, headers=htmx | {"X-CSRFToken": anouk.csrf()})
    assert helped.status_code == 200
    fragment = helped.get_data(as_text=True)
    assert "<html" not in fragment and 'class="finding passive"' in fragment  # the help for this one field
    for headers in (htmx, htmx | {"X-CSRFToken": "not-the-token"}):
        refused_help = anouk.client.post(helper, data=text, headers=headers)
        assert refused(refused_help), refused_help.status_code
