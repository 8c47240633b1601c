"""Test data made directly in the database, for tests whose subject is not how it is made (intake and
accounts have their own tests): households of the demo team with parents who have accounts."""
import datetime as dt
import itertools
from dataclasses import dataclass

import pyotp
from sqlmodel import select

from portal import clock
from portal.models import (
    Account,
    Appointment,
    ChildAccountDecision,
    DuoAssignment,
    DuoRole,
    Family,
    FamilyMember,
    Interpreter,
    InterpreterTeam,
    NamedInAgreement,
    NetworkMember,
    Parent,
    Partner,
    PartnerKind,
    PartnerOrganisation,
    Role,
    Team,
    Worker,
)
from portal.rules.plan_content import PlanContent
from portal.services import publishing, signals
from support.pages import database, form_values, soup, text_of
from support.sign_in import csrf_token, signed_in_client

_numbers = itertools.count(1000)


@dataclass(frozen=True)
class Household:
    family_id: int
    parent_ids: list[int]
    usernames: list[str]
    name: str  # "Gezin Proef <number>"


def household(app, languages: list[str], kept_apart: bool = False, contact: str = "Bram de Wit",
              partner: str = "Anouk Visser", names: tuple[str, ...] = (), children: tuple[str, ...] = (),
              password: bool = False, interpreter_needed: bool = False) -> Household:
    """A household of the demo team with one parent (with an account and a phone) per language given, named
    `names` in that order (else "Ouder 0 Proef", ...), and a child (a member without account) per name in `children`.
    With `password`, the parents' accounts have the demo's password, as after activation; every parent has an
    authenticator secret of their own, so `support.sign_in.sign_in` can sign them in through the forms. With
    `interpreter_needed`, the intake asked for an interpreter."""
    with database(app) as db:
        password_hash = db.exec(select(Account.password_hash).where(Account.username == "anouk")).one()
        workers = {name: db.exec(select(Worker).where(Worker.name == name)).one() for name in (contact, partner)}
        number = next(_numbers)
        family = Family(team_id=workers[contact].team_id, name=f"Gezin Proef {number}", parents_kept_apart=kept_apart,
                        interpreter_needed=interpreter_needed)
        db.add(family)
        db.flush()
        yesterday = clock.today() - dt.timedelta(days=1)
        db.add_all([DuoAssignment(family_id=family.id, worker_id=workers[contact].id, role=DuoRole.contact,
                                  start=yesterday),
                    DuoAssignment(family_id=family.id, worker_id=workers[partner].id, role=DuoRole.partner,
                                  start=yesterday)])
        parent_ids, usernames = [], []
        for position, language in enumerate(languages):
            account = Account(username=f"ouder-proef-{number}-{position}", role=Role.parent,
                              display_name=f"Ouder {position}", language=language, totp_enrolled=True,
                              totp_secret=pyotp.random_base32(), password_hash=password_hash if password else None)
            db.add(account)
            db.flush()
            name = names[position] if position < len(names) else f"Ouder {position} Proef"
            parent = Parent(family_id=family.id, account_id=account.id, name=name,
                            language=language, phone=f"06-{number:04d}{position:04d}")
            db.add(parent)
            db.flush()
            parent_ids.append(parent.id)
            usernames.append(account.username)
        db.add_all([FamilyMember(family_id=family.id, name=child, relation="kind", is_child=True)
                    for child in children])
        db.commit()
        return Household(family.id, parent_ids, usernames, family.name)


def household_of_anouk(app) -> Household:
    """A household with Anouk Visser as contact person (Bram de Wit her duo partner) and one parent who signs in."""
    return household(app, ["nl"], contact="Anouk Visser", partner="Bram de Wit", password=True)


def household_without_anouk(app) -> Household:
    """A household of Bram de Wit and Dirk Hoekstra, whose one parent reads Ukrainian and signs in: not Anouk's."""
    return household(app, ["uk"], contact="Bram de Wit", partner="Dirk Hoekstra", password=True)


def parent_who_signs_in(app, language: str = "nl") -> str:
    """The username of the one parent of a new household, activated (the demo's password, an authenticator): for
    tests of signing in and of what a signed-in parent's browser keeps."""
    return household(app, [language], password=True).usernames[0]


@dataclass(frozen=True)
class OtherTeam:
    lead: str  # username of its team lead
    secret: str  # the TOTP secret of its team lead and worker
    family_id: int  # its one household


def other_team(app) -> OtherTeam:
    """A second team, with a team lead (Ria Bakker), a worker (Joost Mulder) and a household of its own:
    what nobody of the demo team may reach, and which may reach nothing of theirs."""
    with database(app) as db:
        password_hash = db.exec(select(Account.password_hash).where(Account.username == "anouk")).one()
        team = Team(name="Blijvend Veilig Zuidoost")
        db.add(team)
        db.flush()
        secret = pyotp.random_base32()
        for username, role, name in (("lead-zuidoost", Role.teamlead, "Ria Bakker"),
                                     ("joost", Role.worker, "Joost Mulder")):
            account = Account(username=username, role=role, display_name=name, password_hash=password_hash,
                              totp_secret=secret, totp_enrolled=True, language="nl")
            db.add(account)
            db.flush()
            db.add(Worker(account_id=account.id, team_id=team.id, name=name, organisation="Raad Zuidoost",
                          phone="020-555 99 99"))
        family = Family(team_id=team.id, name="Gezin Zuidoost")
        db.add(family)
        db.commit()
        return OtherTeam("lead-zuidoost", secret, family.id)


@dataclass(frozen=True)
class StaffInterpreter:
    interpreter_id: int
    account_id: int
    username: str


def interpreter(app, team_id: int, name: str, languages: str, active: bool = True) -> StaffInterpreter:
    """An interpreter who works for one team (InterpreterTeam), with an account (switched off unless `active`) that
    `signed_in_client` can use; made directly, so no work is handed to them on the way."""
    with database(app) as db:
        number = next(_numbers)
        account = Account(username=f"tolk-proef-{number}", role=Role.interpreter, display_name=name,
                          totp_enrolled=True, language="nl", active=active)
        db.add(account)
        db.flush()
        found = Interpreter(account_id=account.id, name=name, languages=languages)
        db.add(found)
        db.flush()
        db.add(InterpreterTeam(interpreter_id=found.id, team_id=team_id))
        db.commit()
        return StaffInterpreter(found.id, account.id, account.username)


def published_plan(app, family_id: int, what: str = "De kinderen slapen bij oma.", by: str = "bram") -> None:
    """A plan of one acute situation ("Er is ruzie in huis.") with one agreement, Oma's `what`, both for the whole
    household, written and published by `by` (a worker of the duo) in the plan editor, as the duo does."""
    response = _plan_editor(app, family_id, what, "publish", by)
    assert response.status_code == 302, text_of(response)[:500]


def saved_draft(app, family_id: int, what: str = "De kinderen slapen bij oma.", by: str = "bram") -> None:
    """The plan of `published_plan`, saved by `by` in the plan editor as a draft and not published."""
    response = _plan_editor(app, family_id, what, "save", by)
    assert response.status_code == 200 and not soup(response).select("[aria-invalid=true]"), text_of(response)[:500]


def _plan_editor(app, family_id: int, what: str, action: str, by: str):
    client = signed_in_client(app, by)
    url = f"/backoffice/families/{family_id}/plan"
    form = form_values(client.get(url), "plan-form") | {
        "s1-kind": "acute", "s1-description": "Er is ruzie in huis.", "s1-a-count": "1", "s1-a-0-who": "Oma",
        "s1-a-0-what": what, "s1-a-0-when": "Altijd.", "s1-a-0-wrong": "Bel de buurvrouw.",
        "s1-audience": "household", "s1-a-0-audience": "household", "action": action}
    return client.post(url, data=form)


def published_content(app, family_id: int, content: PlanContent, by: str = "bram", note: str = "",
                      note_audience: str = "household") -> None:
    """The duo worker `by` saves `content` as the household's draft and publishes it (with `note` for the family):
    the plan editor's services, without its form (its fields have no words for several situations, or for an item
    for one parent, that a factory could post)."""
    _through_services(app, family_id, content, by, publish=True, note=note, note_audience=note_audience)


def drafted_content(app, family_id: int, content: PlanContent, by: str = "bram") -> None:
    """`content` saved by `by` as the household's draft, not published (see `published_content`)."""
    _through_services(app, family_id, content, by, publish=False)


def _through_services(app, family_id: int, content: PlanContent, by: str, publish: bool, note: str = "",
                      note_audience: str = "household") -> None:
    with app.app_context(), database(app) as db:
        worker = db.exec(select(Worker.id).join(Account, Account.id == Worker.account_id)
                         .where(Account.username == by)).one()
        draft = publishing.open_draft(db, family_id, worker)
        revision = publishing.save(db, draft, draft.revision, content, worker)
        if publish:
            publishing.publish(db, draft, revision, family_id, worker, note, note_audience)
        db.commit()


def appointment(app, family_id: int, days: int = 4, audience: str = "household", safe_place: bool = False,
                purpose: str = "Gesprek over het plan.", place: str = "Buurthuis De Boog", interpreter: str = "",
                by: str = "bram") -> tuple[int, str]:
    """An appointment for `purpose` at `place`, 10:00 `days` from today for `audience` (the household, or
    `rules.audience.only_for` some parents), at a safe place if `safe_place`, with `interpreter` (the username of an
    interpreter of the team, for their first language) if given, planned by `by` in the duo's appointment form: its id
    (the back office's address) and key (the parent's address)."""
    client = signed_in_client(app, by)
    url = f"/backoffice/families/{family_id}/appointments"
    day = (clock.today() + dt.timedelta(days=days)).isoformat()
    fields = {"csrf_token": csrf_token(client.get(url).text), "date": day, "time": "10:00", "duration": "60",
              "place": place, "with_whom": "Bram de Wit", "purpose": purpose, "audience": audience}
    if safe_place:
        fields["safe_place"] = "1"
    if interpreter:
        with database(app) as db:
            chosen = db.exec(select(Interpreter).join(Account, Account.id == Interpreter.account_id)
                             .where(Account.username == interpreter)).one()
        fields |= {"interpreter_id": str(chosen.id), "interpreter_language": chosen.languages.split(",")[0].strip()}
    response = client.post(url, data=fields)
    assert response.status_code == 302, text_of(response)[:500]
    with database(app) as db:
        return tuple(db.exec(select(Appointment.id, Appointment.key).where(Appointment.family_id == family_id)
                             .order_by(Appointment.id.desc())).first())


def question(app, username: str, text: str, answer: str = "question") -> None:
    """A parent's question about the published plan, asked on the parent's plan page; with `answer="disagree"`, the
    parent does not agree with it, in the words `text`."""
    client = signed_in_client(app, username)
    response = client.post("/plan", data={"csrf_token": csrf_token(client.get("/plan").text), "answer": answer,
                                          "comment": text})
    assert response.status_code == 302, text_of(response)[:500]


def fatima_and_youssef(app, children: bool = False, password: bool = False,
                       interpreter_needed: bool = False) -> Household:
    """Fatima and Youssef El Idrissi (in that order), who read Arabic and are kept apart, with Bram de Wit as contact
    person and Anouk Visser as duo partner; with `children`, Amira and Adam too (see `household` for `password` and
    `interpreter_needed`)."""
    return household(app, ["ar", "ar"], kept_apart=True, names=("Fatima El Idrissi", "Youssef El Idrissi"),
                     children=("Amira El Idrissi", "Adam El Idrissi") if children else (), password=password,
                     interpreter_needed=interpreter_needed)


@dataclass(frozen=True)
class CircleMember:
    """A member of the family's circle, or a child of the household, who signs in."""

    member_id: int
    username: str


def circle_member(app, family_id: int, name: str = "Samira Haddou", side: str = "household",
                  carries: tuple[str, ...] = (), language: str = "en", phone: str = "06-55501234") -> CircleMember:
    """A member of the household's circle on `side` (the household, or `parents:<id>`), with an account that signs
    in (the demo's password, an authenticator) and named in the agreements with the keys `carries`."""
    with database(app) as db:
        password_hash = db.exec(select(Account.password_hash).where(Account.username == "anouk")).one()
        account = Account(username=f"netwerk-proef-{next(_numbers)}", role=Role.network, display_name=name,
                          language=language, totp_enrolled=True, totp_secret=pyotp.random_base32(),
                          password_hash=password_hash)
        db.add(account)
        db.flush()
        member = NetworkMember(family_id=family_id, account_id=account.id, name=name, relation="buurvrouw",
                               language=language, phone=phone, side=side)
        db.add(member)
        db.flush()
        db.add_all([NamedInAgreement(member_id=member.id, agreement_key=key) for key in carries])
        db.commit()
        return CircleMember(member.id, account.username)


def child_with_account(app, family_id: int, name: str = "Elif Proef", age: int = 14, language: str = "en",
                       parents_know: bool = True) -> CircleMember:
    """A child of the household of `age`, given an account by the duo's decision (the parents know, or not), which
    signs in (the demo's password, an authenticator): its member id and username."""
    with database(app) as db:
        password_hash = db.exec(select(Account.password_hash).where(Account.username == "anouk")).one()
        bram = db.exec(select(Account.id).where(Account.username == "bram")).one()
        account = Account(username=f"kind-proef-{next(_numbers)}", role=Role.child, display_name=name,
                          language=language, totp_enrolled=True, totp_secret=pyotp.random_base32(),
                          password_hash=password_hash)
        db.add(account)
        db.flush()
        child = FamilyMember(family_id=family_id, name=name, relation="kind", is_child=True,
                             birth_year=clock.today().year - age, account_id=account.id, language=language)
        db.add(child)
        db.flush()
        db.add(ChildAccountDecision(member_id=child.id, decided_by=bram, parents_know=parents_know,
                                    why_not_told="" if parents_know else "Vader is gewelddadig."))
        db.commit()
        return CircleMember(child.id, account.username)


@dataclass(frozen=True)
class PartnerPerson:
    """A person of a partner organisation of the demo team, with an account that signs in."""

    organisation_id: int
    account_id: int
    username: str


def partner(app, organisation: str = "Politie Amsterdam-Zuid", kind: str = "police", name: str = "Sander Bakker",
            function: str = "wijkagent") -> PartnerPerson:
    """A person (role partner: the demo's password, an authenticator secret of their own) of the demo team's partner
    organisation named `organisation` (made of `kind` if the team has none of that name), made directly as the demo
    makes its partners; the team lead's pages that make them have their own tests."""
    with database(app) as db:
        password_hash = db.exec(select(Account.password_hash).where(Account.username == "anouk")).one()
        lead = db.exec(select(Account).where(Account.username == "teamlead")).one()
        team_id = db.exec(select(Worker.team_id).where(Worker.account_id == lead.id)).one()
        found = db.exec(select(PartnerOrganisation).where(PartnerOrganisation.team_id == team_id,
                                                          PartnerOrganisation.name == organisation)).first()
        if found is None:
            found = PartnerOrganisation(team_id=team_id, kind=PartnerKind(kind), name=organisation, created_by=lead.id)
            db.add(found)
            db.flush()
        account = Account(username=f"partner-proef-{next(_numbers)}", role=Role.partner, display_name=name,
                          language="nl", password_hash=password_hash, totp_secret=pyotp.random_base32(),
                          totp_enrolled=True)
        db.add(account)
        db.flush()
        db.add(Partner(account_id=account.id, organisation_id=found.id, name=name, function=function))
        db.commit()
        return PartnerPerson(found.id, account.id, account.username)


def partner_token(app, organisation_id: int, name: str = "BVH koppeling") -> tuple[int, str]:
    """A token of the organisation's own system, as the team lead's page makes one (services.signals.new_token): its
    id and the token itself (shown once)."""
    with app.app_context(), database(app) as db:
        lead = db.exec(select(Account.id).where(Account.username == "teamlead")).one()
        row, token = signals.new_token(db, db.get(PartnerOrganisation, organisation_id), name, lead)
        db.commit()
        return row.id, token
