"""Deny by default: every action for every relation to a household, open and closed, from a table written out."""
import datetime as dt
from types import SimpleNamespace

import pytest
from sqlmodel import select

from portal import clock
from portal.models import (
    Account,
    Appointment,
    BreakGlass,
    DuoAssignment,
    Family,
    FamilyMember,
    Interpreter,
    NetworkMember,
    Parent,
    ParentTextRendering,
    Partner,
    PartnerKind,
    PartnerOrganisation,
    PlanQuestion,
    PlanVersion,
    Role,
    SafetyPlan,
    Signal,
    SignalState,
    Team,
    TranslationJob,
    Urgency,
    VersionStatus,
    Worker,
)
from portal.policy import can
from portal.rules.actions import Action
from support import factories
from support.pages import database, parent_named, soup, text_of
from support.rows import every_row
from support.sign_in import csrf_token, sign_in

# Who stands how to the household (factories.household: Bram is its contact person, Anouk its duo partner).
# A person of a partner organisation (police) who sent a signal about the household, and a person of another partner
# organisation (a school) of the same team: "partner_org" and "other_partner_org" ("partner" is the duo partner).
ROLES = ("parent", "contact", "partner", "team_lead", "outside_duo", "broken_glass", "other_lead", "interpreter",
         "other_interpreter", "member", "other_member", "child", "other_child", "partner_org", "other_partner_org")
# One cell per role, in the order of ROLES (abbreviated above the columns): the answer while the case is open, then
# once it is closed (Y allowed, - refused). Written out by hand: a change of the rule must change this table too.
TABLE = {
    #                          par con prt ld  out gls oth int oin mem omm chd och pto opo
    Action.family_read:        "Y-  --  --  --  --  --  --  --  --  --  --  --  --  --  --",
    Action.appointment_read:   "Y-  --  --  --  --  --  --  --  --  --  --  --  --  --  --",
    Action.translation_work:   "--  --  --  --  --  --  --  Y-  --  --  --  --  --  --  --",
    Action.rendering_work:     "--  --  --  --  --  --  --  Y-  --  --  --  --  --  --  --",
    Action.plan_read_along:    "--  --  --  --  --  --  --  Y-  --  --  --  --  --  --  --",
    # A member of the family's circle, on their own record only: never another member's, never the household's.
    Action.circle_read:        "--  --  --  --  --  --  --  --  --  Y-  --  --  --  --  --",
    # A child of 12 or over, on their own record only: never another child's, never the household's.
    Action.child_read:         "--  --  --  --  --  --  --  --  --  --  --  Y-  --  --  --",
    Action.family_view:        "--  YY  YY  YY  --  Y-  --  --  --  --  --  --  --  --  --",
    Action.family_edit:        "--  Y-  Y-  Y-  --  --  --  --  --  --  --  --  --  --  --",
    Action.family_members:     "--  Y-  Y-  Y-  --  --  --  --  --  --  --  --  --  --  --",
    Action.rendering_ask:      "--  Y-  Y-  Y-  --  --  --  --  --  --  --  --  --  --  --",
    # Dirk broke the glass already, and is of the team outside the duo: he may break it again (a new window).
    Action.family_break_glass: "--  --  --  --  Y-  Y-  --  --  --  --  --  --  --  --  --",
    Action.family_close:       "--  --  --  Y-  --  --  --  --  --  --  --  --  --  --  --",
    Action.family_reopen:      "--  --  --  -Y  --  --  --  --  --  --  --  --  --  --  --",
    # On the household's team, whatever the state of one of its cases.
    Action.family_create:      "--  --  --  YY  --  --  --  --  --  --  --  --  --  --  --",
    Action.staff_manage:       "--  --  --  YY  --  --  --  --  --  --  --  --  --  --  --",
    Action.team_overview:      "--  --  --  YY  --  --  --  --  --  --  --  --  --  --  --",
    Action.partner_manage:     "--  --  --  YY  --  --  --  --  --  --  --  --  --  --  --",
    Action.signal_intake:      "--  --  --  YY  --  --  --  --  --  --  --  --  --  --  --",
    # Every worker and team lead of the team (Dirk and Chantal too): urgent signals outside office hours.
    Action.signal_out_of_hours: "--  YY  YY  YY  YY  YY  --  --  --  --  --  --  --  --  --",
    # A partner sends for their own active organisation, whatever the state of a case, and reads back what they sent
    # about the household (a receipt: never the file); nobody else does either.
    Action.signal_send:        "--  --  --  --  --  --  --  --  --  --  --  --  --  YY  --",
    Action.signal_read:        "--  --  --  --  --  --  --  --  --  --  --  --  --  YY  --",
}
# What each action is asked about.
OBJECT_OF = {Action.circle_read: "member", Action.child_read: "child", Action.appointment_read: "appointment",
             Action.plan_read_along: "appointment", Action.translation_work: "job",
             Action.rendering_work: "rendering", Action.family_create: "team", Action.staff_manage: "team",
             Action.team_overview: "team", Action.partner_manage: "team", Action.signal_intake: "team",
             Action.signal_out_of_hours: "team", Action.signal_send: "organisation", Action.signal_read: "signal"}
NOT_ACTIONS = ("family.edti", "family.view", "family.edit", "FAMILY.VIEW", "family.view ", "", "*", None, 42,
               "plan.save", "account.letter", "family.duo", "signal.edit", "signal.sent", "SIGNAL.SEND")


def expected(action: Action, role: str, closed: bool) -> bool:
    cells = TABLE[action].split()
    assert len(cells) == len(ROLES) and all(len(cell) == 2 and set(cell) <= {"Y", "-"} for cell in cells), action
    return cells[ROLES.index(role)][closed] == "Y"


def _worker(db, username: str) -> SimpleNamespace:
    account = db.exec(select(Account).where(Account.username == username)).one()
    worker = db.exec(select(Worker).where(Worker.account_id == account.id)).one()
    return SimpleNamespace(is_authenticated=True, role=account.role, worker=worker, parent=None, interpreter=None)


def _interpreter(interpreter: Interpreter) -> SimpleNamespace:
    return SimpleNamespace(is_authenticated=True, role=Role.interpreter, interpreter=interpreter, worker=None,
                           parent=None)


def _member(member: NetworkMember) -> SimpleNamespace:
    return SimpleNamespace(is_authenticated=True, role=Role.network, member=member, parent=None, worker=None,
                           interpreter=None)


def _child(child: FamilyMember) -> SimpleNamespace:
    return SimpleNamespace(is_authenticated=True, role=Role.child, child=child, member=None, parent=None, worker=None,
                           interpreter=None)


def _partner(db, organisation: PartnerOrganisation, name: str) -> Partner:
    """A person of a partner organisation, with an account of role partner."""
    account = Account(username=f"partner-{name.lower().replace(' ', '-')}", role=Role.partner, display_name=name)
    db.add(account)
    db.flush()
    partner = Partner(account_id=account.id, organisation_id=organisation.id, name=name)
    db.add(partner)
    db.flush()
    return partner


def _partner_user(partner: Partner) -> SimpleNamespace:
    return SimpleNamespace(is_authenticated=True, role=Role.partner, partner=partner, parent=None, worker=None,
                           interpreter=None, member=None, child=None)


@pytest.fixture
def world(team_app):
    """A household of the demo team with an Arabic-reading parent, an appointment in the read-along window, a
    translation job and a parent's text given to Samira (tolk-ar), Dirk's broken glass, and another team; the team's
    police and a school as partner organisations, a person of each, and the police's signal about the household."""
    made = factories.household(team_app, ["ar"])
    other = factories.other_team(team_app)
    with database(team_app) as db:
        family = db.get(Family, made.family_id)
        samira = db.exec(select(Interpreter).where(Interpreter.name == "Samira Benali")).one()
        unassigned = Interpreter(name="Tolk Proef", languages="ar")  # speaks the language, was given nothing
        plan = SafetyPlan(family_id=family.id)
        db.add_all([unassigned, plan])
        db.flush()
        version = PlanVersion(plan_id=plan.id, number=1, status=VersionStatus.published, published_at=clock.now())
        db.add(version)
        db.flush()
        bram = _worker(db, "bram").worker
        dirk = _worker(db, "dirk").worker
        objects = {
            "family": family,
            "team": db.get(Team, family.team_id),
            "appointment": Appointment(family_id=family.id, key=f"appointment-table-{family.id}",
                                       starts_at=clock.now() + dt.timedelta(minutes=30), with_whom="Bram de Wit",
                                       purpose="Het plan samen lezen", interpreter_language="ar",
                                       interpreter_id=samira.id),
            "job": TranslationJob(family_id=family.id, version_id=version.id, language="ar",
                                  interpreter_id=samira.id),
            "rendering": ParentTextRendering(family_id=family.id, parent_id=made.parent_ids[0], kind="question",
                                             text_id=900_000 + family.id, language="ar", source_text="سؤال",
                                             asked_by=bram.id, interpreter_id=samira.id),
        }
        members = [NetworkMember(family_id=family.id, name=name, relation="buurvrouw", side="household")
                   for name in ("Samira Haddou", "Karim El Idrissi")]
        objects["member"] = members[0]
        police, school = (PartnerOrganisation(team_id=family.team_id, kind=kind, name=name)
                          for kind, name in ((PartnerKind.police, "Politie Amsterdam-Zuid"),
                                             (PartnerKind.school, "Basisschool De Regenboog")))
        db.add_all([police, school])
        db.flush()
        agents = [_partner(db, organisation, name) for organisation, name in ((police, "Wijkagent Proef"),
                                                                               (school, "Intern begeleider Proef"))]
        objects["organisation"] = police
        objects["signal"] = Signal(organisation_id=police.id, sent_by=agents[0].account_id, team_id=family.team_id,
                                   people="Youssef El Idrissi; 1986", what="Ruzie gehoord.", happened_at=clock.now(),
                                   observed_by="wijkagent", urgency=Urgency.normal, call_back="0900-8844",
                                   state=SignalState.matched, family_id=family.id, score=90)
        kids = [FamilyMember(family_id=family.id, name=name, relation="kind", is_child=True,
                             birth_year=clock.today().year - 14) for name in ("Elif Proef", "Emre Proef")]
        objects["child"] = kids[0]
        db.add_all([*members, *kids, objects["appointment"], objects["signal"], objects["job"], objects["rendering"],
                    BreakGlass(worker_id=dirk.id, family_id=family.id, reason="Fatima belt in paniek, Bram is ziek",
                               until=clock.now() + dt.timedelta(hours=4))])
        db.commit()
        parent = db.get(Parent, made.parent_ids[0])
        users = {
            "parent": SimpleNamespace(is_authenticated=True, role=Role.parent, parent=parent, worker=None,
                                      interpreter=None),
            "contact": _worker(db, "bram"), "partner": _worker(db, "anouk"), "team_lead": _worker(db, "teamlead"),
            "outside_duo": _worker(db, "chantal"), "broken_glass": _worker(db, "dirk"),
            "other_lead": _worker(db, other.lead),
            "interpreter": _interpreter(samira), "other_interpreter": _interpreter(unassigned),
            "member": _member(members[0]), "other_member": _member(members[1]),
            "child": _child(kids[0]), "other_child": _child(kids[1]),
            "partner_org": _partner_user(agents[0]), "other_partner_org": _partner_user(agents[1]),
        }
    return SimpleNamespace(family_id=made.family_id, users=users, objects=objects)


def _close(app, family: int) -> None:
    with database(app) as db:
        row = db.get(Family, family)
        row.closed_at = clock.now()
        db.add(row)
        db.commit()


def _answers(app, world, closed: bool) -> list[str]:
    """Every cell where can() differs from the table."""
    wrong = []
    with app.test_request_context(), database(app) as db:
        objects = {name: db.get(type(obj), obj.id) for name, obj in world.objects.items()}
        for action in Action:
            obj = objects[OBJECT_OF.get(action, "family")]
            for role in ROLES:
                answer = can(world.users[role], action, obj, db)
                if answer != expected(action, role, closed):
                    wrong.append(f"{'closed' if closed else 'open'}: {role} {action.value} -> {answer}")
    return wrong


def test_every_action_has_a_row_and_every_row_one_cell_per_role():
    assert set(TABLE) == set(Action), f"actions without a row: {sorted(set(Action) - set(TABLE))}"
    for action in Action:
        for role in ROLES:
            expected(action, role, False)  # checks the cells of the row


def test_can_answers_as_the_table_says_open_and_closed(team_app, world):
    wrong = _answers(team_app, world, closed=False)
    _close(team_app, world.family_id)
    wrong += _answers(team_app, world, closed=True)
    assert not wrong, "\n".join(wrong)


def test_names_that_are_not_actions_are_refused_to_everyone(team_app, world):
    with team_app.test_request_context(), database(team_app) as db:
        objects = {name: db.get(type(obj), obj.id) for name, obj in world.objects.items()}
        for role, user in world.users.items():
            for name in NOT_ACTIONS:
                for obj in objects.values():
                    assert not can(user, name, obj, db), (role, name, obj)


def test_broken_glass_reads_only_within_its_window(team_app, world):
    with database(team_app) as db:
        glass = db.exec(select(BreakGlass).where(BreakGlass.family_id == world.family_id)).one()
        glass.until = clock.now() - dt.timedelta(seconds=1)
        db.add(glass)
        db.commit()
    with team_app.test_request_context(), database(team_app) as db:
        family = db.get(Family, world.family_id)
        dirk = world.users["broken_glass"]
        assert not can(dirk, Action.family_view, family, db)
        assert can(dirk, Action.family_break_glass, family, db)  # he may break it again, with a new reason


# --- over the web: broken glass reads and changes nothing ---------------------------------------------

def el_idrissi(app) -> int:
    """Fatima and Youssef El Idrissi (Arabic, kept apart; Bram and Anouk their duo) with a published plan, whose
    Arabic job is Samira's (tolk-ar), and a question Fatima asked about it."""
    household = factories.fatima_and_youssef(app)
    factories.published_plan(app, household.family_id)
    factories.question(app, household.usernames[0], "Mag oma ook op zondag komen?")
    return household.family_id


def test_a_worker_who_broke_the_glass_reads_the_file_but_changes_nothing(team_app):
    family = el_idrissi(team_app)
    fatima = parent_named(team_app, "Fatima El Idrissi")
    with database(team_app) as db:
        dirk_id = db.exec(select(Worker.id).where(Worker.name == "Dirk Hoekstra")).one()
        question = db.exec(select(PlanQuestion.id).where(PlanQuestion.parent_id == fatima.id)).first()
    dirk = team_app.test_client()
    sign_in(dirk, "dirk")  # of the team, outside the El Idrissi duo
    token = csrf_token(dirk.get("/backoffice/break-glass").text)
    opened = dirk.post("/backoffice/break-glass", data={"family": str(family), "csrf_token": token,
                                                        "reason": "Fatima belt in paniek en Bram is ziek vandaag"})
    assert opened.status_code == 302
    base = f"/backoffice/families/{family}"
    for url in (base, f"{base}/answers", f"{base}/appointments", f"{base}/timeline"):
        response = dirk.get(url)
        assert response.status_code == 200 and "El Idrissi" in text_of(response), url
    # The file offers no form that would only answer 404; the duo's own file has them.
    forms = [form["action"] for form in soup(dirk.get(base)).select("form[method=post]")]
    assert not [action for action in forms if action.startswith(base)], forms
    bram = team_app.test_client()
    sign_in(bram, "bram")
    actions = {form["action"] for form in soup(bram.get(base)).select("form[method=post]")}
    assert f"{base}/duo" in actions
    assert soup(bram.get(f"{base}/parents/{fatima.id}/letter/new")).select_one(
        f"form[action='{base}/parents/{fatima.id}/letter']") is not None  # the letter asks first, on its own page
    token = csrf_token(dirk.get(base).text)
    tomorrow = (clock.today() + dt.timedelta(days=1)).isoformat()
    writes = {
        f"{base}/duo": {"worker": str(dirk_id), "role": "contact", "start": clock.today().isoformat()},
        f"{base}/parents/{fatima.id}/letter": {},
        f"{base}/parents/{fatima.id}/deactivate": {},
        f"{base}/plan": {"revision": "1", "s1-description": "Door Dirk", "s1-kind": "acute", "action": "publish"},
        f"{base}/appointments": {"date": tomorrow, "time": "10:00", "place": "Kantoor", "with_whom": "Dirk",
                                 "purpose": "Door Dirk gepland"},
        f"{base}/members": {"name": "Gezin Dirk", "parent-count": "0", "child-count": "0", "other-count": "0"},
    }
    if question is not None:
        writes[f"{base}/questions/{question}"] = {"reply": "Door Dirk", "handled": "1"}
        writes[f"{base}/questions/{question}/rendering"] = {}
    before = every_row(team_app)
    for url, data in writes.items():
        response = dirk.post(url, data=dict(data, csrf_token=token))
        assert response.status_code == 404, (url, response.status_code)
    assert every_row(team_app) == before
    assert dirk.get(base).status_code == 200  # and still reads, within the window


def test_nobody_changes_a_closed_household_and_its_interpreter_has_nothing_left(team_app):
    family = el_idrissi(team_app)
    with database(team_app) as db:
        jobs = db.exec(select(TranslationJob.id).join(PlanVersion, PlanVersion.id == TranslationJob.version_id)
                       .join(SafetyPlan, SafetyPlan.id == PlanVersion.plan_id)
                       .where(SafetyPlan.family_id == family)).all()
        interpreter = db.exec(select(Interpreter).where(Interpreter.name == "Samira Benali")).one()
        for job in jobs:
            row = db.get(TranslationJob, job)
            row.interpreter_id = interpreter.id
            db.add(row)
        db.commit()
        assert db.exec(select(DuoAssignment).where(DuoAssignment.family_id == family)).first() is not None
    assert jobs
    tolk = team_app.test_client()
    sign_in(tolk, "tolk-ar")
    assert tolk.get(f"/backoffice/translations/{jobs[0]}").status_code == 200
    _close(team_app, family)
    assert tolk.get(f"/backoffice/translations/{jobs[0]}").status_code == 404
    base = f"/backoffice/families/{family}"
    for username in ("bram", "teamlead"):
        client = team_app.test_client()
        sign_in(client, username)
        file = client.get(base)
        assert file.status_code == 200, username  # the file stays readable while it is kept
        forms = [form["action"] for form in soup(file).select("form[method=post]")]
        assert not [action for action in forms if action.startswith(base)], (username, forms)
        token = csrf_token(file.text)
        before = every_row(team_app)
        for url in (f"{base}/duo", f"{base}/plan", f"{base}/appointments"):
            data = {"worker": "1", "role": "partner", "date": "2030-01-01", "time": "10:00", "place": "X",
                    "with_whom": "X", "purpose": "X", "revision": "1", "action": "publish", "csrf_token": token}
            assert client.post(url, data=data).status_code == 404, (username, url)
        assert every_row(team_app) == before, username


def test_a_partner_sends_nothing_once_the_organisation_is_switched_off_and_reads_no_colleague_s_signal(team_app,
                                                                                                     world):
    with team_app.test_request_context(), database(team_app) as db:
        police = db.get(PartnerOrganisation, world.objects["organisation"].id)
        signal = db.get(Signal, world.objects["signal"].id)
        agent = world.users["partner_org"]
        colleague = _partner_user(_partner(db, police, "Collega Proef"))  # of the same police district
        assert can(agent, Action.signal_send, police, db) and can(colleague, Action.signal_send, police, db)
        assert not can(colleague, Action.signal_read, signal, db)  # what a colleague sent stays theirs
        police.active = False
        db.add(police)
        db.flush()
        assert not can(agent, Action.signal_send, police, db)
        assert not can(world.users["other_partner_org"], Action.signal_send, police, db)
