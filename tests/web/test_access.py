"""Who may reach what: every route declares its access rule, nobody reaches another household,
restricted items stay with the parent they are for, break-the-glass and the interpreter's window."""
import datetime as dt
import re
from types import SimpleNamespace

import pyotp
import pytest
from sqlmodel import func, select

from portal import clock
from portal.demo import DEMO_PASSWORD
from portal.models import (
    Absence,
    Account,
    Acknowledgement,
    Appointment,
    AppointmentAnswer,
    AuditEvent,
    BreakGlass,
    ChildWords,
    CircleAnswer,
    DuoAssignment,
    DuoRole,
    Family,
    FamilyMember,
    IdentityProvider,
    Interpreter,
    NetworkMember,
    Parent,
    ParentTextRendering,
    PartnerOrganisation,
    PartnerToken,
    PlanQuestion,
    PlanVersion,
    ProfessionalNetwork,
    Role,
    SafetyPlan,
    Signal,
    SignalAddition,
    TranslationJob,
    TranslationSegment,
    Worker,
)
from portal.models.plans import new_key
from portal.policy import can
from portal.rules.actions import Action
from portal.rules.audience import only_for
from portal.rules.plan_content import Agreement, Item, PlanContent, Situation
from support import factories
from support.pages import database, say, soup, text_of
from support.routes import child_who_wrote, circle_member_who_cannot, karim_answer, signal_about
from support.sign_in import csrf_token, sign_in, signed_in_client

EXPECTED_PUBLIC = {
    "auth.sign_in", "auth.staff_sign_in", "auth.code", "auth.staff_code", "auth.enrol",
    "auth.activate", "auth.choose_password", "auth.second_factor", "auth.quick_exit",
    "auth.set_language", "healthz", "family.about_quick_exit",
    "manifest",  # the web app manifest (/manifest.webmanifest): neutral name and icon only
    "metrics",  # a monitoring system's: its bearer token decides (tests/web/test_metrics.py), no session
    "partner_api.description",  # the OpenAPI description of the partners' signals interface: no data
    # Sign-in through an organisation's OpenID Connect provider: before there is a session (tests/web/test_oidc.py).
    "auth.provider_sign_in", "auth.provider_answer", "auth.provider_answered",
}
# The partners' signals interface: a token of a partner organisation's system decides (tests/web/test_signal_api.py),
# never a session; without one, every call is 401.
TOKEN_RULE = "token"
SAFE_ADDRESS = "Kastanjehof"
SHARED_AGREEMENT = "Youssef merkt dat hij boos wordt"
RESTRICTED_AGREEMENT = "Fatima heeft een veilig adres"
RESTRICTED_WHEN = "Als Fatima zich thuis niet veilig voelt"
SAFE_PURPOSE = "Gesprek met Fatima alleen."
# What would give the El Idrissi household away: its people, its plan and its safe place (and its name and phones,
# which the factories number: `giveaways`).
EL_IDRISSI_TEXTS = (
    "El Idrissi", "Fatima", "Youssef", "Amira", "Youssef haalt Amira", SHARED_AGREEMENT, "budgetcoach", SAFE_ADDRESS,
    SAFE_PURPOSE.rstrip("."),
)


# --- helpers -----------------------------------------------------------------------------------

def el_idrissi_plan(fatima: int) -> PlanContent:
    """Two acute situations and a help item for the household, and in the first an agreement for Fatima alone: her
    safe address (not in the plan; Bram knows it)."""
    walk_away = Agreement(new_key(), "Youssef", f"{SHARED_AGREEMENT}. Hij gaat dan naar buiten en loopt een half uur.",
                          "Elke keer als hij boos wordt.", "Fatima gaat met de kinderen naar een andere kamer.")
    safe_address = Agreement(new_key(), "Fatima", f"{RESTRICTED_AGREEMENT}. Bram weet het adres.",
                             f"{RESTRICTED_WHEN}. Dag en nacht.", "Fatima belt Bram. Bij gevaar belt zij 112.",
                             audience=only_for([fatima]))
    pick_up = Agreement(new_key(), "Youssef", "Youssef haalt Amira en Adam op van school.",
                        "Maandag, dinsdag en donderdag om 15.15 uur.", "De school belt Fatima.")
    return PlanContent(
        (Situation(new_key(), 1, "acute", "Fatima en Youssef hebben vaak harde ruzie.", ("Zorgen over geld",),
                   (walk_away, safe_address)),
         Situation(new_key(), 2, "acute", "Amira en Adam staan soms lang alleen te wachten bij school.",
                   ("Geen vaste afspraak over ophalen",), (pick_up,))),
        (Item(new_key(), "help", "Een budgetcoach helpt met de schulden en de brieven.", "Sociaal team"),))


@pytest.fixture
def el_idrissi(team_app) -> factories.Household:
    """Fatima and Youssef El Idrissi with Amira and Adam, kept apart, who read Arabic and sign in with password and
    app, Bram and Anouk their duo: the plan of `el_idrissi_plan`, which Youssef asked a question about; an appointment
    for both with Samira (tolk-ar), one for Fatima alone at a safe place at the Kastanjehof with Samira, which she
    confirmed, and one at school without an interpreter."""
    made = factories.fatima_and_youssef(team_app, children=True, password=True)
    fatima, youssef = made.usernames
    factories.published_content(team_app, made.family_id, el_idrissi_plan(made.parent_ids[0]))
    factories.question(team_app, youssef, "Wat moet ik doen als de buurvrouw niet thuis is?")
    factories.appointment(team_app, made.family_id, days=4, purpose="Samen het plan lezen.", interpreter="tolk-ar")
    _id, key = factories.appointment(team_app, made.family_id, days=7, audience=only_for(made.parent_ids[:1]),
                                     safe_place=True, place=f"Opvanglocatie, {SAFE_ADDRESS} 7 (geheim adres)",
                                     purpose=SAFE_PURPOSE, interpreter="tolk-ar")
    factories.appointment(team_app, made.family_id, days=10, place="Basisschool De Regenboog",
                          purpose="Gesprek op school over hoe het met Amira gaat.")
    client = signed_in_client(team_app, fatima)
    confirmed = client.post(f"/appointments/{key}", data={
        "response": "confirmed", "csrf_token": csrf_token(client.get(f"/appointments/{key}").text)})
    assert confirmed.status_code == 302
    karim = circle_member_who_cannot(team_app, made.family_id, made.parent_ids[1])
    karim_answer(team_app, karim.member_id)
    child_who_wrote(team_app, made.family_id)
    # The wijkagent's signal about Youssef, linked to the household, and a token of the police's system.
    wijkagent = factories.partner(team_app)
    signal_about(team_app, made.family_id, wijkagent)
    factories.partner_token(team_app, wijkagent.organisation_id)
    return made


def giveaways(app, made: factories.Household) -> tuple[str, ...]:
    """EL_IDRISSI_TEXTS and the household's own name and the parents' phones."""
    with database(app) as db:
        phones = db.exec(select(Parent.phone).where(Parent.family_id == made.family_id)).all()
    return (*EL_IDRISSI_TEXTS, made.name, *phones)


def nowak(app) -> int:
    """A household whose contact person was Anouk Visser until three weeks ago and is Dirk Hoekstra since, with
    Chantal Pinas as duo partner and an appointment planned by Dirk."""
    family = factories.household(app, ["pl"], contact="Anouk Visser", partner="Chantal Pinas").family_id
    today = clock.today()
    with database(app) as db:
        dirk = db.exec(select(Worker).where(Worker.name == "Dirk Hoekstra")).one()
        for assignment in db.exec(select(DuoAssignment).where(DuoAssignment.family_id == family)):
            assignment.start = today - dt.timedelta(days=150)
            if assignment.role is DuoRole.contact:
                assignment.end = today - dt.timedelta(days=21)
            db.add(assignment)
        db.add(DuoAssignment(family_id=family, worker_id=dirk.id, role=DuoRole.contact,
                             start=today - dt.timedelta(days=20)))
        db.commit()
    factories.appointment(app, family, by="dirk")
    return family


def household(app, family_id: int) -> dict:
    """Every identifier of one household, read from the database."""
    with database(app) as db:
        family = db.get(Family, family_id)
        parents = db.exec(select(Parent).where(Parent.family_id == family.id)).all()
        appointments = db.exec(select(Appointment).where(Appointment.family_id == family.id)).all()
        questions = db.exec(select(PlanQuestion.id).where(PlanQuestion.parent_id.in_([p.id for p in parents]))).all()
        versions = db.exec(select(PlanVersion.id).join(SafetyPlan, SafetyPlan.id == PlanVersion.plan_id)
                           .where(SafetyPlan.family_id == family.id)).all()
        jobs = db.exec(select(TranslationJob.id).where(TranslationJob.version_id.in_(versions or [-1]))).all()
        answers = db.exec(select(AppointmentAnswer.id).where(
            AppointmentAnswer.appointment_id.in_([a.id for a in appointments] or [-1]))).all()
        renderings = db.exec(select(ParentTextRendering.id).where(ParentTextRendering.family_id == family.id)).all()
        members = db.exec(select(NetworkMember.id).where(NetworkMember.family_id == family.id)).all()
        kids = db.exec(select(FamilyMember.id).where(FamilyMember.family_id == family.id)).all()
        words = db.exec(select(ChildWords.id).where(ChildWords.member_id.in_(kids or [-1]))).all()
        circle_answers = db.exec(select(CircleAnswer.id).where(CircleAnswer.member_id.in_(members or [-1]))).all()
        duo = db.exec(select(Worker.account_id).join(DuoAssignment, DuoAssignment.worker_id == Worker.id)
                      .where(DuoAssignment.family_id == family.id)).all()
        assignments = db.exec(select(DuoAssignment.id).where(DuoAssignment.family_id == family.id)).all()
        away = db.exec(select(Absence.id).join(DuoAssignment, DuoAssignment.worker_id == Absence.worker_id)
                       .where(DuoAssignment.family_id == family.id)).all()
        signals = db.exec(select(Signal.id).where(Signal.family_id == family.id)).all()
        providers = db.exec(select(IdentityProvider.id).where(IdentityProvider.team_id == family.team_id)).all()
        tokens = db.exec(select(PartnerToken.id).join(Signal, Signal.organisation_id == PartnerToken.organisation_id)
                         .where(Signal.family_id == family.id)).all()
        return {
            "family_id": [family.id],
            "parent_id": [p.id for p in parents],
            "account_id": sorted({p.account_id for p in parents if p.account_id} | set(duo)),
            "appointment_id": [a.id for a in appointments],  # the back office's addresses
            "appointment_key": [a.key for a in appointments],  # a parent's addresses
            "question_id": list(questions),
            "job_id": list(jobs),
            "answer_id": list(answers),
            "rendering_id": list(renderings),
            "member_id": list(members),
            "circle_answer_id": list(circle_answers),
            "child_id": list(kids),
            "words_id": list(words),
            "absence_id": sorted(set(away)),  # days away of the household's duo workers
            "assignment_id": list(assignments),
            "signal_id": list(signals),
            "organisation_id": sorted({s.organisation_id for s in db.exec(select(Signal).where(
                Signal.id.in_(signals or [-1])))}),
            "token_id": list(tokens),
            "provider_id": list(providers),  # the team's organisations that sign their staff in
            "parents": {p.name: p for p in parents},
            "appointments": appointments,
        }


def open_translation_job(app, family_id: int, language: str, interpreter: str) -> int:
    """A translation job of the household's newest version, given to one interpreter."""
    with database(app) as db:
        version = db.exec(select(PlanVersion).join(SafetyPlan, SafetyPlan.id == PlanVersion.plan_id)
                          .where(SafetyPlan.family_id == family_id, PlanVersion.number.is_not(None))
                          .order_by(PlanVersion.number.desc())).first()
        interpreter_id = db.exec(select(Interpreter.id).join(Account, Account.id == Interpreter.account_id)
                                 .where(Account.username == interpreter)).one()
        job = db.exec(select(TranslationJob).where(TranslationJob.version_id == version.id,
                                                   TranslationJob.language == language)).first()
        job = job or TranslationJob(family_id=family_id, version_id=version.id, language=language)
        job.interpreter_id = interpreter_id
        db.add(job)
        db.commit()
        return job.id


def sign_in_staff(client, username: str, secret: str) -> None:
    """Sign a staff account that is not of the demo team in through both steps."""
    token = csrf_token(client.get("/backoffice/sign-in").text)
    first = client.post("/backoffice/sign-in", data={"username": username, "password": DEMO_PASSWORD,
                                                      "csrf_token": token})
    assert first.status_code == 302, first.text
    token = csrf_token(client.get(first.headers["Location"]).text)
    second = client.post("/backoffice/sign-in/code", data={"code": pyotp.TOTP(secret).now(), "csrf_token": token})
    assert second.status_code == 302, second.text


def snapshot(app, family_id: int) -> dict:
    """Everything of a household that a request from outside could change."""
    with database(app) as db:
        family = db.get(Family, family_id)
        parents = db.exec(select(Parent).where(Parent.family_id == family.id).order_by(Parent.id)).all()
        accounts = db.exec(select(Account).where(Account.id.in_([p.account_id for p in parents]))
                           .order_by(Account.id)).all()
        return {
            "duo": [(d.worker_id, d.role, d.start, d.end) for d in db.exec(
                select(DuoAssignment).where(DuoAssignment.family_id == family.id).order_by(DuoAssignment.id))],
            "audiences": sorted((a.key, a.audience) for a in db.exec(
                select(Appointment).where(Appointment.family_id == family.id))),
            "accounts": [(a.username, a.active, a.password_hash, a.totp_secret, a.session_generation)
                         for a in accounts],
            "appointments": [(a.id, a.starts_at, a.status, a.place) for a in db.exec(
                select(Appointment).where(Appointment.family_id == family.id).order_by(Appointment.id))],
            "appointment_answers": [(a.id, a.response, a.reason, a.reply) for a in db.exec(
                select(AppointmentAnswer).where(AppointmentAnswer.parent_id.in_([p.id for p in parents]))
                .order_by(AppointmentAnswer.id))],
            "answers": [(a.id, a.answer) for a in db.exec(
                select(Acknowledgement).where(Acknowledgement.parent_id.in_([p.id for p in parents]))
                .order_by(Acknowledgement.id))],
            "questions": [(q.id, q.text, q.reply, q.handled_at) for q in db.exec(
                select(PlanQuestion).where(PlanQuestion.parent_id.in_([p.id for p in parents]))
                .order_by(PlanQuestion.id))],
            "versions": [(v.id, v.number, v.status, v.revision) for v in db.exec(
                select(PlanVersion).join(SafetyPlan, SafetyPlan.id == PlanVersion.plan_id)
                .where(SafetyPlan.family_id == family.id).order_by(PlanVersion.id))],
            "break_glass": db.exec(select(func.count()).select_from(BreakGlass)
                                   .where(BreakGlass.family_id == family.id)).one(),
            "segments": db.exec(select(func.count()).select_from(TranslationSegment)).one(),
            "signals": [(s.id, s.state, s.family_id, s.done_at, s.done_note) for s in db.exec(
                select(Signal).order_by(Signal.id))],
            "additions": db.exec(select(func.count()).select_from(SignalAddition)).one(),
            "network": db.exec(select(func.count()).select_from(ProfessionalNetwork)
                               .where(ProfessionalNetwork.family_id == family.id)).one(),
            "partners": [(o.id, o.active) for o in db.exec(select(PartnerOrganisation)
                                                            .order_by(PartnerOrganisation.id))],
            "tokens": [(t.id, t.revoked_at) for t in db.exec(select(PartnerToken).order_by(PartnerToken.id))],
        }


# --- every route declares who may reach it -------------------------------------------------------

def test_every_route_declares_an_access_rule(team_app):
    missing = [f"{rule.rule} ({rule.endpoint})" for rule in team_app.url_map.iter_rules()
               if rule.endpoint != "static"
               and getattr(team_app.view_functions[rule.endpoint], "access_rule", None) is None]
    assert not missing, "routes without portal.web.guards.public or roles(...): " + ", ".join(missing)
    for rule in team_app.url_map.iter_rules():
        if rule.endpoint == "static":
            continue
        declared = team_app.view_functions[rule.endpoint].access_rule
        if declared == TOKEN_RULE:
            assert rule.rule.startswith("/api/"), rule.rule  # the machine interface only, never a page
            continue
        assert declared == "public" or (declared and set(declared) <= {r.value for r in Role}), rule.rule


def test_the_public_routes_are_exactly_the_expected_few(team_app):
    public = {rule.endpoint for rule in team_app.url_map.iter_rules()
              if getattr(team_app.view_functions[rule.endpoint], "access_rule", None) == "public"}
    assert public == EXPECTED_PUBLIC, (
        f"new public routes: {sorted(public - EXPECTED_PUBLIC)}; no longer public: {sorted(EXPECTED_PUBLIC - public)}")


def test_signed_out_visitors_are_sent_to_their_sign_in_page_on_every_guarded_route(team_app, el_idrissi):
    client = team_app.test_client()
    ids = household(team_app, el_idrissi.family_id)
    adapter = team_app.url_map.bind("localhost")
    for rule in team_app.url_map.iter_rules():
        view = team_app.view_functions[rule.endpoint]
        if rule.endpoint == "static" or view.access_rule == "public":
            continue
        url = adapter.build(rule.endpoint, {name: ids[name][0] if ids[name] else 1 for name in rule.arguments})
        sign_in_page = "/backoffice/sign-in" if url.startswith(("/backoffice", "/partner")) else "/sign-in"
        for method in sorted(rule.methods & {"GET", "POST"}):
            if method == "POST":  # CSRF is not the guard here: send a valid token of this browser
                token = csrf_token(client.get("/sign-in").text)
                response = client.post(url, data={"csrf_token": token})
            else:
                response = client.get(url)
            if view.access_rule == TOKEN_RULE:  # a partner's system, not a person: no sign-in page to send it to
                assert response.status_code == 401 and response.is_json, (method, url, response.status_code)
                assert "El Idrissi" not in text_of(response)
                continue
            assert response.status_code == 302, (method, url, response.status_code)
            assert response.headers["Location"] == sign_in_page, (method, url, response.headers["Location"])
            assert "El Idrissi" not in text_of(response)


# --- nobody reaches another household -------------------------------------------------------------

def _payload(endpoint: str, values: dict, ids: dict, worker_id: int | None) -> dict:
    """A real-looking form for each POST route: if a check were missing, it would do harm."""
    tomorrow = (clock.today() + dt.timedelta(days=1)).isoformat()
    forms = {
        "family.plan": {"answer": "question", "comment": "Inbraak?"},
        "family.appointment": {"response": "move_requested", "reason": "Inbraak: verzet dit."},
        "backoffice.family_appointments": {"date": tomorrow, "time": "10:00", "place": "Inbraak",
                                           "with_whom": "Inbraak", "purpose": "Inbraak"},
        "backoffice.edit_appointment": {"action": "cancel"},
        "backoffice.change_duo": {"worker": str(worker_id or 1), "role": "contact", "start": tomorrow},
        "backoffice.end_duo_role": {"end": tomorrow},
        "backoffice.activation_letter": {},
        "backoffice.deactivate_parent": {},
        "backoffice.plan_editor": {"revision": "3", "s1-description": "Inbraak", "s1-kind": "acute",
                                   "action": "publish"},
        "backoffice.reply": {"reply": "Inbraak", "handled": "1"},
        "backoffice.translate": {f"segment-{i}": "Inbraak" for i in range(40)},
        "backoffice.circle_new": {"name": "Inbraak", "relation": "inbreker", "language": "nl", "side": "household"},
        "backoffice.circle_agreements": {},
        "backoffice.child_decision": {"together": "y", "parents": "know"},
        "backoffice.child_plan": {"call": "Inbraak", "go": "Inbraak", "code_word": "Inbraak"},
        "family.child_home": {"text": "Inbraak"},
        "partner.receipt": {"text": "Inbraak"},
        "backoffice.signal_page": {"note": "Inbraak"},
        "backoffice.link_signal": {"family": str(ids["family_id"][0])},
        "backoffice.professional_network": {"organisation": str(ids["organisation_id"][0])},
        "backoffice.new_partner": {"name": "Inbraak", "function": "inbreker"},
        "backoffice.new_partner_token": {"token_name": "Inbraak"},
    }
    return forms.get(endpoint, {})


def _walk(app, client, who: str, home_paths: set[str], ids: dict, own: dict | None, worker_id: int | None,
          secrets: tuple[str, ...]):
    """Call every route with the other household's identifiers (or own family + their child ids)."""
    adapter = app.url_map.bind("localhost")
    token = csrf_token(client.get("/" if "/" in home_paths else "/backoffice/", follow_redirects=True).text)
    failures = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint in ("static", "auth.sign_out", "auth.quick_exit"):
            continue  # these end the session itself; they carry no household data
        names = sorted(rule.arguments)
        if own is not None and "family_id" not in names:
            continue  # walked already without the own family
        combos = [{}]
        for name in names:
            source = own if own is not None and name == "family_id" else ids
            combos = [dict(c, **{name: value}) for c in combos for value in source[name]]
        for values in combos:
            url = adapter.build(rule.endpoint, values)
            for method in sorted(rule.methods & {"GET", "POST"}):
                if method == "GET":
                    response = client.get(url)
                else:
                    data = dict(_payload(rule.endpoint, values, ids, worker_id), csrf_token=token)
                    response = client.post(url, data=data)
                body = text_of(response)
                leaked = [t for t in secrets if t in body]
                if leaked:
                    failures.append(f"{who} {method} {url}: {response.status_code} shows {leaked}")
                if response.status_code >= 500:
                    failures.append(f"{who} {method} {url}: {response.status_code}")
                if values and own is None:  # all identifiers belong to the other household
                    location = response.headers.get("Location", "")
                    refused = response.status_code in (403, 404) or (
                        response.status_code == 302 and location.split("#")[0] in home_paths) or (
                        response.status_code == 401 and app.view_functions[rule.endpoint].access_rule == "token")
                    if not refused:
                        failures.append(f"{who} {method} {url}: {response.status_code} {location}")
    return failures


def test_no_role_reaches_another_household(team_app, el_idrissi):
    app = team_app
    other = factories.other_team(app)
    other_team_lead, secret, other_family = other.lead, other.secret, other.family_id
    dirks = factories.household(app, ["pl"], contact="Dirk Hoekstra", partner="Chantal Pinas").family_id
    other_parent = factories.parent_who_signs_in(app, "tr")  # of a household of the same duo
    other_member = factories.circle_member(app, dirks, "Buur Proef").username  # of Dirk's household's circle
    other_child = factories.child_with_account(app, dirks, "Kind Proef").username  # a child of Dirk's household
    # The school's intern begeleider: a partner of the same team who sent nothing about the El Idrissi household.
    school = factories.partner(app, "Basisschool De Regenboog", "school", "Ilse Verbeek", "intern begeleider").username
    open_translation_job(app, el_idrissi.family_id, "ar", "tolk-ar")
    ids = household(app, el_idrissi.family_id)
    secrets = giveaways(app, el_idrissi)
    with database(app) as db:
        workers = {a.username: w.id for w, a in db.exec(
            select(Worker, Account).join(Account, Account.id == Worker.account_id))}
    before = snapshot(app, el_idrissi.family_id)
    staff_home = {"/backoffice/", "/backoffice/sign-in"}
    parent_home = {"/", "/sign-in"}
    failures = []
    # dirk is not in the El Idrissi duo; he has a household of his own.
    visitors = [
        ("dirk", None, staff_home, workers["dirk"], dirks),
        (other_team_lead, secret, staff_home, workers[other_team_lead], other_family),
        ("tolk-tr", None, staff_home, None, None),
        (other_parent, None, parent_home, None, None),
        (other_member, None, parent_home | {"/circle"}, None, None),
        (other_child, None, parent_home | {"/me"}, None, None),
        (school, None, staff_home | {"/partner/"}, None, None),
    ]
    for username, totp, home_paths, worker_id, own_family in visitors:
        client = app.test_client()
        if totp:
            sign_in_staff(client, username, totp)
        else:
            sign_in(client, username)
        failures += _walk(app, client, username, home_paths, ids, None, worker_id, secrets)
        if own_family is not None:  # their own family number with the other household's ids
            failures += _walk(app, client, username, home_paths, ids, {"family_id": [own_family]}, worker_id,
                              secrets)
    assert not failures, "\n".join(failures)
    assert snapshot(app, el_idrissi.family_id) == before


# --- restricted items stay with the parent they are for -------------------------------------------

def _pages_of_parent(client, appointments) -> dict[str, object]:
    pages = {url: client.get(url) for url in ("/", "/plan", "/appointments", "/who-looked")}
    for item in appointments:
        pages[f"/appointments/{item.key}"] = client.get(f"/appointments/{item.key}")
        pages[f"/appointments/{item.key}.ics"] = client.get(f"/appointments/{item.key}.ics")
    return pages


def test_youssef_never_receives_what_is_only_for_fatima(team_app, el_idrissi):
    ids = household(team_app, el_idrissi.family_id)
    safe = next(a for a in ids["appointments"] if a.safe_place)
    client = team_app.test_client()
    sign_in(client, el_idrissi.usernames[1])  # Youssef
    pages = _pages_of_parent(client, ids["appointments"])
    assert pages["/plan"].status_code == 200
    assert SHARED_AGREEMENT in text_of(pages["/plan"])  # the plan itself is there
    for url, response in pages.items():
        body = text_of(response)
        assert RESTRICTED_AGREEMENT not in body, url
        assert RESTRICTED_WHEN not in body, url
        assert SAFE_ADDRESS not in body, url
        assert SAFE_PURPOSE.rstrip(".") not in body, url
    assert pages[f"/appointments/{safe.key}"].status_code == 404
    assert pages[f"/appointments/{safe.key}.ics"].status_code == 404
    other = next(a for a in ids["appointments"] if not a.safe_place)
    assert pages[f"/appointments/{other.key}.ics"].status_code == 200


def test_fatima_sees_her_agreement_but_never_the_safe_address(team_app, el_idrissi):
    ids = household(team_app, el_idrissi.family_id)
    safe = next(a for a in ids["appointments"] if a.safe_place)
    client = team_app.test_client()
    sign_in(client, el_idrissi.usernames[0])  # Fatima
    pages = _pages_of_parent(client, ids["appointments"])
    assert RESTRICTED_AGREEMENT in text_of(pages["/plan"])
    for url, response in pages.items():
        assert SAFE_ADDRESS not in text_of(response), url
    by_phone = say(team_app, "ar", "A safe place. We will give you the address by phone.")
    assert by_phone != "A safe place. We will give you the address by phone."  # really in Arabic
    appointments = text_of(pages["/appointments"])
    assert by_phone in appointments
    assert SAFE_PURPOSE.rstrip(".") in appointments  # her own appointment is there
    assert pages[f"/appointments/{safe.key}"].status_code == 200
    assert '<html lang="ar" dir="rtl">' in pages["/appointments"].text


# --- can() ----------------------------------------------------------------------------------------

def _worker_user(db, username: str):
    worker = db.exec(select(Worker).join(Account, Account.id == Worker.account_id)
                     .where(Account.username == username)).one()
    role = db.exec(select(Account.role).where(Account.id == worker.account_id)).one()
    return SimpleNamespace(is_authenticated=True, role=role, worker=worker)


def test_can_follows_the_current_duo(team_app):
    el_idrissi_id = factories.fatima_and_youssef(team_app).family_id  # Bram the contact person, Anouk the partner
    nowak_id = nowak(team_app)
    with database(team_app) as db:
        anouk, bram, dirk = (_worker_user(db, name) for name in ("anouk", "bram", "dirk"))
        el_idrissi, nowak_family = db.get(Family, el_idrissi_id), db.get(Family, nowak_id)
        assert can(bram, Action.family_view, el_idrissi, db)  # contact person
        assert can(anouk, Action.family_view, el_idrissi, db)  # duo partner
        assert can(anouk, Action.family_edit, el_idrissi, db)
        assert not can(dirk, Action.family_view, el_idrissi, db)  # not in this duo
        # Anouk was Nowak's contact person until three weeks ago: that ended her access.
        assert not can(anouk, Action.family_view, nowak_family, db)
        assert can(dirk, Action.family_view, nowak_family, db)
        assert not can(anouk, Action.family_view, None, db)
        signed_out = SimpleNamespace(is_authenticated=False)
        assert not can(signed_out, Action.family_view, el_idrissi, db)
        # Objects of a household follow the household.
        appointment = db.exec(select(Appointment).where(Appointment.family_id == nowak_family.id)).first()
        assert can(dirk, Action.family_edit, appointment, db)
        assert not can(anouk, Action.family_edit, appointment, db)
    client = team_app.test_client()
    sign_in(client, "anouk")
    assert client.get(f"/backoffice/families/{nowak_family.id}").status_code == 404
    assert client.get(f"/backoffice/families/{el_idrissi.id}").status_code == 200


def test_break_the_glass_needs_a_reason_is_audited_and_shown_to_the_duo(team_app):
    el_idrissi = factories.fatima_and_youssef(team_app).family_id  # Bram and Anouk their duo; Dirk is not
    dirk = team_app.test_client()
    sign_in(dirk, "dirk")
    assert dirk.get(f"/backoffice/families/{el_idrissi}").status_code == 404
    token = csrf_token(dirk.get("/backoffice/break-glass").text)
    refused = dirk.post("/backoffice/break-glass", data={"family": str(el_idrissi), "reason": "nood",
                                                         "csrf_token": token})
    assert refused.status_code == 200
    body = text_of(refused)
    assert say(team_app, "nl", "Write why you need to open this file now (at least 10 characters).") in body
    assert re.search(r'<textarea id="reason"[^>]*>nood</textarea>', refused.text)
    assert f'name="family" type="text" value="{el_idrissi}"' in refused.text
    assert dirk.get(f"/backoffice/families/{el_idrissi}").status_code == 404
    reason = "Fatima belt in paniek en Bram is ziek vandaag"
    opened = dirk.post("/backoffice/break-glass", data={"family": str(el_idrissi), "reason": reason,
                                                        "csrf_token": token})
    assert opened.status_code == 302
    assert opened.headers["Location"] == f"/backoffice/families/{el_idrissi}"
    assert dirk.get(f"/backoffice/families/{el_idrissi}").status_code == 200
    with database(team_app) as db:
        events = db.exec(select(AuditEvent).where(AuditEvent.action == "family.break_glass")).all()
    assert [(e.family_id, e.actor_name, e.result) for e in events] == [(el_idrissi, "Dirk Hoekstra", "ok")]
    bram = team_app.test_client()
    sign_in(bram, "bram")
    file = text_of(bram.get(f"/backoffice/families/{el_idrissi}"))
    assert say(team_app, "nl", "Opened in an emergency by someone outside the duo") in file
    assert "Dirk Hoekstra: " + reason in file


def test_break_the_glass_is_not_for_the_own_duo_or_an_unknown_number(team_app):
    el_idrissi = factories.fatima_and_youssef(team_app).family_id  # Bram and Anouk their duo
    bram = team_app.test_client()
    sign_in(bram, "bram")
    token = csrf_token(bram.get("/backoffice/break-glass").text)
    message = say(team_app, "nl", "There is no family with this number that you can open this way.")
    for number in (str(el_idrissi), "99999", "abc"):
        response = bram.post("/backoffice/break-glass", data={"family": number, "csrf_token": token,
                                                              "reason": "Een goede reden van vandaag"})
        assert response.status_code == 200 and message in text_of(response), number
    with database(team_app) as db:
        assert db.exec(select(func.count()).select_from(BreakGlass)).one() == 0


# --- interpreters read along only around their own appointment ------------------------------------

def _move(app, appointment_id: int, starts_at: dt.datetime) -> None:
    with database(app) as db:
        item = db.get(Appointment, appointment_id)
        item.starts_at = starts_at
        db.add(item)
        db.commit()


def _read_along_events(app) -> int:
    with database(app) as db:
        return db.exec(select(func.count()).select_from(AuditEvent)
                       .where(AuditEvent.action == "plan.read_along", AuditEvent.result == "ok")).one()


def test_interpreter_reads_along_only_in_the_window_of_their_own_appointment(team_app, el_idrissi):
    ids = household(team_app, el_idrissi.family_id)
    demir = factories.household(team_app, ["tr"]).family_id  # another household, with Zeynep (tolk-tr)
    other_id, _key = factories.appointment(team_app, demir, interpreter="tolk-tr")
    with database(team_app) as db:
        tolk_ar = db.exec(select(Account).where(Account.username == "tolk-ar")).one()
        mine = db.exec(select(Interpreter).where(Interpreter.account_id == tolk_ar.id)).one().id
        other_interpreters = db.get(Appointment, other_id)
    own = [a for a in ids["appointments"] if a.interpreter_id == mine and not a.safe_place][0]
    safe = next(a for a in ids["appointments"] if a.safe_place)
    no_interpreter = next(a for a in ids["appointments"] if a.interpreter_id is None)
    client = team_app.test_client()
    sign_in(client, "tolk-ar")
    now = clock.now()
    expected_events = _read_along_events(team_app)
    for offset, allowed in ((dt.timedelta(minutes=50), True), (dt.timedelta(minutes=70), False),
                            (dt.timedelta(0), True), (-dt.timedelta(hours=2, minutes=50), True),
                            (-dt.timedelta(hours=3, minutes=10), False), (dt.timedelta(days=3), False)):
        _move(team_app, own.id, now + offset)
        response = client.get(f"/backoffice/read-along/{own.id}")
        assert response.status_code == (200 if allowed else 404), offset
        # The interpreter's own page offers the link only while it opens, and otherwise says from when.
        listed = [li for li in soup(client.get("/backoffice/")).select("li") if own.purpose in li.get_text()]
        assert len(listed) == (1 if offset > -dt.timedelta(hours=3) else 0), offset
        if listed:
            assert listed[0].select_one('span[lang="nl"][dir="ltr"]').get_text() == own.purpose  # typed in Dutch
            link = listed[0].select_one(f'a[href="/backoffice/read-along/{own.id}"]')
            assert (link is not None) == allowed, offset
            waits = say(team_app, "nl", "Read along from %(time)s", time="") in listed[0].get_text()
            assert waits == (not allowed), offset
        expected_events += allowed
        assert _read_along_events(team_app) == expected_events, offset
        if allowed:
            page = text_of(response)
            assert SHARED_AGREEMENT in page  # the plan is there to read along
            assert SAFE_ADDRESS not in page and RESTRICTED_AGREEMENT not in page
    # Someone else's appointment, or one without an interpreter, never opens, even at the right time.
    for other in (other_interpreters, no_interpreter):
        _move(team_app, other.id, now)
        assert client.get(f"/backoffice/read-along/{other.id}").status_code == 404
    assert _read_along_events(team_app) == expected_events
    # The safe-place appointment is theirs too: the page shows the plan, never the address.
    _move(team_app, safe.id, now + dt.timedelta(minutes=10))
    response = client.get(f"/backoffice/read-along/{safe.id}")
    assert response.status_code == 200
    assert SAFE_ADDRESS not in text_of(response)
    assert SAFE_ADDRESS not in text_of(client.get("/backoffice/"))
    with database(team_app) as db:
        last = db.exec(select(AuditEvent).where(AuditEvent.action == "plan.read_along")
                       .order_by(AuditEvent.id.desc())).first()
    assert (last.object, last.actor_name, last.family_id) == (f"appointment:{safe.id}", "Samira Benali",
                                                              ids["family_id"][0])


TEAM_LEAD_LINKS = {"/backoffice/households/new", "/backoffice/staff", "/backoffice/team"}


def test_only_the_team_lead_sees_the_team_leads_links(team_app):
    """The menu and home ask the same `can` as the pages behind them: a duo worker and an interpreter get none
    of the team lead's links, on home or in the menu of another page."""
    seen = {}
    for username in ("teamlead", "bram", "tolk-ar"):
        client = team_app.test_client()
        sign_in(client, username)
        pages = [client.get("/backoffice/"), client.get("/backoffice/password")]
        assert all(page.status_code == 200 for page in pages), username
        seen[username] = {a["href"] for page in pages for a in soup(page).select("a[href]")} & TEAM_LEAD_LINKS
    assert seen == {"teamlead": TEAM_LEAD_LINKS, "bram": set(), "tolk-ar": set()}


def test_the_family_menu_is_for_a_signed_in_parent_only(team_app):
    parent = signed_in_client(team_app, factories.household(team_app, ["nl"]).usernames[0])  # a parent of a household
    assert soup(parent.get("/")).select_one('nav a[href="/plan"]') is not None
    assert soup(team_app.test_client().get("/sign-in")).select_one('nav a[href="/plan"]') is None
