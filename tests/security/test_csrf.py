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
from security_kit import de_boer as make_de_boer
from security_kit import el_idrissi as make_el_idrissi
from sqlalchemy import update
from sqlmodel import select

from portal import clock
from portal.accounts import secrets as auth_secrets
from portal.auth import oidc
from portal.models import (
    Account,
    Appointment,
    AppointmentAnswer,
    DuoAssignment,
    Interpreter,
    NetworkMember,
    Parent,
    ParentTextRendering,
    PartnerOrganisation,
    PlanQuestion,
    TranslationJob,
    Urgency,
    Worker,
)
from portal.models.identity import ProviderSignIn
from portal.services import circle, match_keys, publishing, signals
from portal.services.interpreting import segments
from portal.services.plans import draft_of, load_contents
from portal.web.secret import code_key
from support import factories
from support.routes import (
    absence_of,
    child_who_wrote,
    circle_member_who_cannot,
    identity_provider,
    karim_answer,
    signal_about,
    words_of,
)
from support.sign_in import csrf_token, fresh_code, signed_in_client

SIGN_IN_PAGES = {"/sign-in", "/backoffice/sign-in"}
PASSWORD = "veilig-demo-2026"
NEW_PASSWORD = {"password": "paarse olifant danst op zolder", "password_again": "paarse olifant danst op zolder"}


def refused(response) -> bool:
    if response.status_code == 400:
        return True
    return response.status_code == 302 and urlsplit(response.headers["Location"]).path in SIGN_IN_PAGES


# --- the data of each case -----------------------------------------------------------------------

def ids(app) -> dict:
    """What the cases' addresses and forms need, made on the team alone (factories) and named here:
      the De Boer household (security_kit.de_boer): Sanne, whose username is "sanne_username", and her appointment;
      Fatima and Youssef El Idrissi (security_kit.el_idrissi): Youssef's question, and a draft to publish;
      the Kovalenko household of Chantal and Dirk (not Anouk's: a household she may open only by breaking the glass);
      the Demir household of Chantal and Anouk: Mehmet's request, in Turkish, to move an appointment;
      an absence of Dirk, and the staff of the team (Anouk's account, Chantal, Dirk);
      Karim El Idrissi of the family's circle (support.routes), who cannot do the agreement he carries out;
      Sander Bakker, wijkagent of the team's police district, his signal about Youssef (linked to El Idrissi), and a
      token of the police's system."""
    de_boer, el_idrissi = make_de_boer(app), make_el_idrissi(app)
    kovalenko = factories.household(app, ["uk"], contact="Chantal Pinas", partner="Dirk Hoekstra")
    demir = factories.household(app, ["tr"], contact="Chantal Pinas", partner="Anouk Visser",
                                names=("Mehmet Demir",), password=True)
    factories.published_plan(app, demir.family_id, by="chantal")
    _, demir_key = factories.appointment(app, demir.family_id, by="chantal")
    move = _move_requested(app, demir.usernames[0], demir_key, "O gün çalışıyorum.")
    absence = absence_of(app, "dirk")
    karim = circle_member_who_cannot(app, el_idrissi.family_id, el_idrissi.parent_ids[1])
    sara = child_who_wrote(app, el_idrissi.family_id)
    wijkagent = factories.partner(app)
    signal = signal_about(app, el_idrissi.family_id, wijkagent)
    token = factories.partner_token(app, wijkagent.organisation_id)[0]
    with app.app_context(), database(app) as db:
        carried = circle.carried_by(db, db.get(NetworkMember, karim.member_id))[0]
    with database(app) as db:
        return {
            "karim": karim.member_id, "karim_username": karim.username, "karim_key": carried.agreement.key,
            "karim_seen": carried.digest, "karim_answer": karim_answer(app, karim.member_id),
            "sara": sara.member_id, "sara_username": sara.username, "sara_words": words_of(app, sara.member_id),
            "fatima": el_idrissi.parent_ids[0],
            "wijkagent_username": wijkagent.username, "police": wijkagent.organisation_id, "signal": signal,
            "token": token,
            "de_boer": de_boer.family_id, "el_idrissi": el_idrissi.family_id, "kovalenko": kovalenko.family_id,
            "sanne": de_boer.parent_ids[0], "sanne_username": de_boer.usernames[0],
            "sanne_appointment": db.exec(select(Appointment.id).where(Appointment.family_id == de_boer.family_id)
                                         .order_by(Appointment.starts_at.desc())).first(),
            # the same appointment as its parent's address names it: by its key, never its number
            "sanne_appointment_key": db.exec(select(Appointment.key)
                                             .where(Appointment.family_id == de_boer.family_id)
                                             .order_by(Appointment.starts_at.desc())).first(),
            "question": db.exec(select(PlanQuestion.id).where(PlanQuestion.parent_id == el_idrissi.parent_ids[1])
                                ).one(),
            "dirk": db.exec(select(Worker.id).where(Worker.name == "Dirk Hoekstra")).one(),
            "assignment": db.exec(select(DuoAssignment.id).where(DuoAssignment.family_id == de_boer.family_id,
                                                                 DuoAssignment.end.is_(None))).first(),
            "anouk_account": db.exec(select(Account.id).where(Account.username == "anouk")).one(),
            "chantal": db.exec(select(Worker.id).where(Worker.name == "Chantal Pinas")).one(),
            "demir": demir.family_id,
            "move": move,
            "absence": absence,
            "away_account": db.exec(select(Account.id).where(Account.username == "dirk")).one(),
        }


def _move_requested(app, username: str, key: str, reason: str) -> int:
    """The parent asks, on the appointment's page, to move it for `reason`: the answer's id."""
    client = signed_in_client(app, username)
    page = client.get(f"/appointments/{key}")
    response = client.post(f"/appointments/{key}", data={"csrf_token": csrf_token(page.text),
                                                         "response": "move_requested", "reason": reason})
    assert response.status_code == 302, response.status_code
    with database(app) as db:
        return db.exec(select(AppointmentAnswer.id).where(AppointmentAnswer.reason == reason)).one()


def _rendering_for_tolk_ar(app, i: dict) -> None:
    """Youssef's question in El Idrissi, given to tolk-ar to put into Dutch."""
    with database(app) as db:
        question = db.get(PlanQuestion, i["question"])
        parent = db.get(Parent, question.parent_id)
        interpreter = db.exec(select(Interpreter.id).join(Account, Account.id == Interpreter.account_id)
                              .where(Account.username == "tolk-ar")).one()
        bram = db.exec(select(Worker.id).where(Worker.name == "Bram de Wit")).one()
        rendering = ParentTextRendering(kind="question", text_id=question.id, family_id=parent.family_id,
                                        parent_id=parent.id, language="ar", source_text=question.text,
                                        asked_by=bram, interpreter_id=interpreter)
        db.add(rendering)
        db.commit()
        i["rendering"] = rendering.id


def publish_el_idrissi(app, i: dict) -> None:
    """Publish the El Idrissi draft (services.publishing.publish): an Arabic translation job for tolk-ar."""
    with app.app_context(), database(app) as db:
        bram = db.exec(select(Worker).where(Worker.name == "Bram de Wit")).one()
        draft = draft_of(db, i["el_idrissi"])
        published = publishing.publish(db, draft, draft.revision, i["el_idrissi"], bram.id, "")
        db.commit()
        i["job"] = db.exec(select(TranslationJob.id).where(TranslationJob.version_id == published.version.id,
                                                           TranslationJob.language == "ar")).one()


def activation_code(app, username: str) -> str:
    with app.app_context(), database(app) as db:
        account = db.exec(select(Account).where(Account.username == username)).one()
        return auth_secrets.issue_code(db, account, "activation", code_key())


def totp_now(app, username: str) -> str:
    with database(app) as db:
        secret = db.exec(select(Account.totp_secret).where(Account.username == username)).one()
    return pyotp.TOTP(secret).now()


@dataclass
class Case:
    user: str | None  # who may use the route (SANNE: Sanne de Boer); None: a visitor (brought into `state` first)
    path: str  # formatted with ids(app)
    data: dict | Callable = field(default_factory=dict)  # or data(portal, ids) -> dict
    state: Callable | None = None  # state(portal, ids): bring the visitor to where the route works
    prepare: Callable | None = None  # prepare(app, ids): before anyone signs in; may add to ids
    changes: bool = True  # the accepted request (with the token) changes rows


def username_of(user: str | None, ids: dict) -> str | None:
    """The account of a case's user: Sanne's and Karim's are the ones ids() made for them."""
    return {SANNE: ids["sanne_username"], KARIM: ids["karim_username"], SARA: ids["sara_username"],
            WIJKAGENT: ids["wijkagent_username"]}.get(user, user)


def _pending(username: str, staff: bool = False):
    def state(portal, ids):
        base = "/backoffice" if staff else ""
        first = portal.post(f"{base}/sign-in", {"username": username_of(username, ids), "password": PASSWORD})
        assert first.status_code == 302, first.get_data(as_text=True)[:500]
    return state


def _not_enrolled(app, _ids) -> None:
    with database(app) as db:
        db.exec(update(Account).where(Account.username == "anouk").values(totp_enrolled=False, totp_secret=None))
        db.commit()


def _enrolling(portal, _ids):
    first = portal.post("/backoffice/sign-in", {"username": "anouk", "password": PASSWORD})
    assert first.headers["Location"].endswith("/backoffice/enrol")
    assert portal.get("/backoffice/enrol").status_code == 200  # makes the secret to link


def _activating(set_password: bool):
    def state(portal, ids):
        code = activation_code(portal.app, ids["sanne_username"])
        assert portal.post("/activate", {"username": ids["sanne_username"], "code": code}).status_code == 302
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


def _providers(app, i) -> None:
    """An organisation's OpenID Connect provider, switched on, with Dirk linked to it, and one switched off (its
    buttons answer without reaching a provider: tests/web/test_oidc.py signs in through a real one)."""
    i["provider"] = identity_provider(app, linked="dirk")
    i["provider_off"] = identity_provider(app, active=False, issuer="https://login.jeugdbescherming.example")


PROVIDER_STATE = "de-staat-die-de-portal-bewaarde"


def _provider_waiting(portal, ids):
    """A sign-in sent to the switched-off provider and waiting for its answer in this browser."""
    with database(portal.app) as db:
        db.add(ProviderSignIn(state_hash=oidc._state_hash(PROVIDER_STATE), provider_id=ids["provider_off"],
                              nonce="nonce", code_verifier="verifier",
                              expires_at=clock.now() + dt.timedelta(minutes=5)))
        db.commit()
    with portal.client.session_transaction() as cookie:
        cookie["provider_state"] = PROVIDER_STATE


def _intake_signal(app, i) -> None:
    """A signal of the wijkagent about "Youssef El Idrissi", without a year of birth: El Idrissi (its matching keys
    written as its members page writes them) is a candidate, not a clear match, so it waits on the intake list."""
    with app.app_context(), database(app) as db:
        match_keys.refresh(db, i["el_idrissi"])
        draft = signals.Draft(people=(signals.SeenPerson("Youssef El Idrissi"),), postcode="", house_number="",
                              what="Geschreeuw gehoord.", happened_at=clock.now(), observed_by="buurvrouw",
                              urgency=Urgency.normal, call_back="06-24681357")
        signal = signals.send(db, db.get(PartnerOrganisation, i["police"]), draft, clock.now(), 15)
        db.commit()
        assert signal.family_id is None, "matched at once: nothing to link"
        i["intake_signal"] = signal.id


def _signal_form(_portal, _i) -> dict:
    """A signal about a family nobody knows yet, seen an hour ago."""
    seen = clock.local_now() - dt.timedelta(hours=1)
    return {"person-count": "1", "person-0-name": "Lotte Vermeulen", "person-0-born": "2015",
            "what": "Lotte stond om 16.30 uur nog alleen bij het hek.", "day": seen.date().isoformat(),
            "time": seen.strftime("%H:%M"), "observed_by": "juf Petra", "urgency": "normal",
            "call_back": "06-24681357"}


# The parent of the cases: Sanne de Boer, whose username ids() knows; and Karim El Idrissi of the family's circle.
SANNE = "sanne"
KARIM = "karim"
SARA = "sara"  # Sara El Idrissi, 14, with an account of her own
WIJKAGENT = "wijkagent"  # Sander Bakker of the team's police district, a partner

CASES: dict[str, Case] = {
    "auth.sign_in": Case(None, "/sign-in", lambda _p, i: {"username": i["sanne_username"], "password": PASSWORD}),
    "auth.staff_sign_in": Case(None, "/backoffice/sign-in", {"username": "anouk", "password": PASSWORD}),
    # A switched-off organisation's button answers with its refusal page (and an audit event, not a row counted).
    "auth.provider_sign_in": Case(None, "/backoffice/sign-in/provider/{provider_off}", prepare=_providers,
                                  changes=False),
    "auth.provider_answered": Case(None, "/backoffice/sign-in/provider/answer",
                                   {"state": PROVIDER_STATE, "code": "de-code"}, prepare=_providers,
                                   state=_provider_waiting),
    "auth.code": Case(None, "/sign-in/code", lambda p, i: {"code": fresh_code(i["sanne_username"], p.app)},
                      state=_pending(SANNE)),
    "auth.staff_code": Case(None, "/backoffice/sign-in/code", lambda p, _i: {"code": fresh_code("anouk", p.app)},
                            state=_pending("anouk", staff=True)),
    "auth.enrol": Case(None, "/backoffice/enrol", lambda p, _i: {"code": totp_now(p.app, "anouk")},
                       state=_enrolling, prepare=_not_enrolled),
    "auth.new_recovery_codes": Case("bram", "/backoffice/recovery-codes"),
    "auth.activate": Case(None, "/activate", lambda p, i: {"username": i["sanne_username"],
                                                           "code": activation_code(p.app, i["sanne_username"])}),
    "auth.choose_password": Case(None, "/activate/password", {"password": "groene boot in de gracht 4",
                                                               "password_again": "groene boot in de gracht 4"},
                                 state=_activating(set_password=False)),
    "auth.second_factor": Case(None, "/activate/second-factor", {"method": "sms", "phone": "06 12345678"},
                               state=_activating(set_password=True)),
    "auth.change_password": Case(SANNE, "/password", {"current_password": PASSWORD, **NEW_PASSWORD}),
    "auth.staff_change_password": Case("anouk", "/backoffice/password", {"current_password": PASSWORD,
                                                                         **NEW_PASSWORD}),
    "auth.sign_out": Case(SANNE, "/sign-out"),
    "auth.set_language": Case(SANNE, "/language", {"set_language": "ar", "next": "/plan"}),
    "auth.extend_session": Case(SANNE, "/session/extend", {"next": "/plan"}, changes=False),
    "family.plan": Case(SANNE, "/plan", {"answer": "question", "comment": "Wie haalt Thomas op?"}),
    "family.appointment": Case(SANNE, "/appointments/{sanne_appointment_key}",
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
    "backoffice.identity_providers": Case("teamlead", "/backoffice/staff/providers", {
        "name": "Jeugdbescherming", "issuer": "https://login.jb.example", "client_id": "portal", "secret_name": "JB"}),
    "backoffice.switch_identity_provider": Case("teamlead", "/backoffice/staff/providers/{provider}/active",
                                                {"active": "off"}, prepare=_providers),
    "backoffice.link_identity": Case("teamlead", "/backoffice/staff/{anouk_account}/identity",
                                     lambda _p, i: {"provider": str(i["provider"]), "subject": "vt-anouk"},
                                     prepare=_providers),
    "backoffice.unlink_identity": Case("teamlead", "/backoffice/staff/{away_account}/identity/remove",
                                       prepare=_providers),
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
    "backoffice.circle_new": Case("anouk", "/backoffice/families/{el_idrissi}/circle/new", {
        "name": "Nadia Haddou", "relation": "buurvrouw", "language": "nl", "phone": "", "side": "household"}),
    "backoffice.circle_agreements": Case("anouk", "/backoffice/families/{el_idrissi}/circle/{karim}/agreements"),
    "backoffice.circle_answer_handled": Case(
        "anouk", "/backoffice/families/{el_idrissi}/circle/{karim}/answers/{karim_answer}/handled"),
    "backoffice.circle_letter_post": Case("anouk", "/backoffice/families/{el_idrissi}/circle/{karim}/letter"),
    "backoffice.circle_deactivate": Case("anouk", "/backoffice/families/{el_idrissi}/circle/{karim}/deactivate"),
    "backoffice.child_deactivate": Case("anouk", "/backoffice/families/{el_idrissi}/children/{sara}/deactivate"),
    "backoffice.child_decision": Case("anouk", "/backoffice/families/{el_idrissi}/children/{sara}/decision",
                                      {"together": "y", "parents": "know"}),
    "backoffice.child_plan": Case("anouk", "/backoffice/families/{el_idrissi}/children/{sara}/plan",
                                  {"call": "Ik bel oma.", "go": "Naar de buren.", "code_word": "pannenkoek"}),
    "backoffice.child_words_read": Case(
        "anouk", "/backoffice/families/{el_idrissi}/children/{sara}/words/{sara_words}/read"),
    "backoffice.child_letter_post": Case("anouk", "/backoffice/families/{el_idrissi}/children/{sara}/letter"),
    "family.child_home": Case(SARA, "/me", {"text": "Ik wil met jullie praten."}),
    "family.child_share": Case(SARA, "/me/words/{sara_words}/share", lambda _p, i: {"parent-0": str(i["fatima"])}),
    "family.circle_home": Case(KARIM, "/circle", lambda _p, i: {"agreement": i["karim_key"], "seen": i["karim_seen"],
                                                                 "commitment": "will"}),
    "partner.home": Case(WIJKAGENT, "/partner/", _signal_form),
    "partner.plain_language": Case(WIJKAGENT, "/partner/plain-language", {"what": "Moeder lijkt overbelast."},
                                   changes=False),
    "partner.receipt": Case(WIJKAGENT, "/partner/signals/{signal}", {"text": "Vanavond weer geschreeuw gehoord."}),
    "backoffice.signal_page": Case("anouk", "/backoffice/signals/{signal}", {"note": "De wijkagent teruggebeld."}),
    "backoffice.link_signal": Case("teamlead", "/backoffice/signals/{intake_signal}/link",
                                   lambda _p, i: {"family": str(i["el_idrissi"])}, prepare=_intake_signal),
    "backoffice.professional_network": Case("anouk", "/backoffice/families/{el_idrissi}/network",
                                            lambda _p, i: {"organisation": str(i["police"])}),
    "backoffice.partners": Case("teamlead", "/backoffice/partners", {"name": "Huisartsen De Pijp", "kind": "gp"}),
    "backoffice.new_partner": Case("teamlead", "/backoffice/partners/{police}/people",
                                   {"name": "Eva Smit", "function": "wijkagent"}),
    "backoffice.new_partner_token": Case("teamlead", "/backoffice/partners/{police}/tokens",
                                         {"token_name": "BVH koppeling"}),
    "backoffice.revoke_partner_token": Case("teamlead", "/backoffice/partners/{police}/tokens/{token}/revoke"),
    "backoffice.switch_partner": Case("teamlead", "/backoffice/partners/{police}/switch"),
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
# The partners' systems send JSON with a bearer token and no cookie: a browser's session reaches nothing there
# (test_a_browser_session_reaches_nothing_of_the_partners_interface).
CSRF_EXEMPT |= {"partner_api.send", "partner_api.add"}


def test_every_post_route_has_a_case(team_app):
    missing = post_routes(team_app) - set(CASES) - CSRF_EXEMPT
    assert not missing, f"POST routes without a CSRF case: {sorted(missing)}"
    assert not set(CASES) - post_routes(team_app), "cases of routes that no longer exist"


def _form(portal: Portal, case: Case, number: dict) -> dict:
    """The case's form, made once (before any snapshot: making it may write, e.g. a new code)."""
    return case.data(portal, number) if callable(case.data) else dict(case.data)


@pytest.mark.parametrize("endpoint", sorted(CASES))
def test_post_without_token_is_refused_and_changes_nothing(team_app, endpoint):
    case = CASES[endpoint]
    number = ids(team_app)
    if case.prepare:
        case.prepare(team_app, number)
    portal = Portal(team_app, username_of(case.user, number))
    if case.state:
        case.state(portal, number)
    stranger = Portal(team_app)  # signed out, in no particular state

    path = case.path.format(**number)
    data = _form(portal, case, number)  # the very same form each time; only the token differs
    for who in (portal, stranger):
        before = table_rows(team_app)
        response = who.client.post(path, data=data)
        assert refused(response), (who is portal and "user" or "visitor", response.status_code,
                                   response.headers.get("Location"))
        assert table_rows(team_app) == before, "a request without the CSRF token changed the database"
    if case.user:
        home = {SANNE: "/", KARIM: "/circle", SARA: "/me", WIJKAGENT: "/partner/"}.get(case.user, "/backoffice/")
        assert portal.get(home).status_code == 200, "the refused request signed the user out"

    before = table_rows(team_app)
    accepted = portal.client.post(path, data=data | {"csrf_token": portal.csrf()})
    assert not refused(accepted) or endpoint == "auth.sign_out", (accepted.status_code, accepted.headers)
    assert accepted.status_code < 500
    if case.changes:
        assert table_rows(team_app) != before, "the request with the token did nothing: the case proves nothing"
    if endpoint == "auth.sign_out":
        assert portal.get("/").status_code == 302  # with the token, signing out works


def test_htmx_request_with_the_token_in_a_header_is_accepted(team_app):
    """The plan editor's live help posts with htmx: the token travels in X-CSRFToken."""
    household = factories.fatima_and_youssef(team_app)
    anouk = Portal(team_app, "anouk")
    text = {"s1-description": "Er wordt door de vader geschreeuwd als hij heeft gedronken."}
    htmx = {"HX-Request": "true", "HX-Trigger-Name": "s1-description"}
    helper = f"/backoffice/families/{household.family_id}/plain-language"
    helped = anouk.client.post(helper, data=text, headers=htmx | {"X-CSRFToken": anouk.csrf()})
    assert helped.status_code == 200
    fragment = helped.get_data(as_text=True)
    assert "<html" not in fragment and 'class="finding passive"' in fragment  # the help for this one field
    for headers in (htmx, htmx | {"X-CSRFToken": "not-the-token"}):
        refused_help = anouk.client.post(helper, data=text, headers=headers)
        assert refused(refused_help), refused_help.status_code


def test_a_browser_session_reaches_nothing_of_the_partners_interface(team_app):
    """The interface has no CSRF token because it takes no cookie: the wijkagent's signed-in browser (or a page that
    makes it post there) is refused like anyone without a token, and nothing is stored."""
    wijkagent = factories.partner(team_app)
    portal = Portal(team_app, wijkagent.username)
    assert portal.get("/partner/").status_code == 200
    before = table_rows(team_app)
    body = _signal_form(portal, {})
    sent = portal.client.post("/api/v1/signals", json={
        "people": [{"name": body["person-0-name"], "born": body["person-0-born"]}], "what": body["what"],
        "happened_at": (clock.now() - dt.timedelta(hours=1)).isoformat(), "observed_by": body["observed_by"],
        "urgency": "normal", "call_back": body["call_back"]})
    assert sent.status_code == 401
    as_a_form = portal.client.post("/api/v1/signals", data=body | {"csrf_token": portal.csrf("/partner/")})
    assert as_a_form.status_code == 401
    assert {name: rows for name, rows in table_rows(team_app).items() if name != "auditevent"} == {
        name: rows for name, rows in before.items() if name != "auditevent"}
