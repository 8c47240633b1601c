"""The demo data: loaded once, complete, and showing every case the demo walks through."""

import datetime
import re

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func
from sqlmodel import Session, SQLModel, create_engine, or_, select

import portal.models  # noqa: F401  (registers every table)
from portal import clock, demo
from portal.models import (
    Absence,
    Account,
    Acknowledgement,
    Answer,
    Appointment,
    DuoAssignment,
    DuoRole,
    Family,
    FamilyMember,
    Interpreter,
    InterpreterTeam,
    Parent,
    PlanItem,
    PlanQuestion,
    PlanVersion,
    SafetyAgreement,
    SafetyPlan,
    TranslationJob,
    UnsafeSituation,
    VersionStatus,
    Worker,
    WorkingHours,
)
from portal.rules import audience
from portal.rules.plain_language import check, explain_terms
from support.moments import running_from

TODAY = datetime.date(2026, 3, 10)  # a Tuesday in winter time: 10:00 in Amsterdam is 09:00 UTC
ROLES = {
    "anouk": "worker", "bram": "worker", "chantal": "worker", "dirk": "worker",
    "teamlead": "teamlead", "tolk-ar": "interpreter", "tolk-tr": "interpreter",
    "tolk-en": "interpreter", "tolk-pl": "interpreter", "tolk-uk": "interpreter", "tolk-so": "interpreter",
    "tolk-ti": "interpreter",
    "ouder-fatima": "parent", "ouder-youssef": "parent", "ouder-mehmet": "parent",
    "ouder-kasia": "parent", "ouder-olena": "parent", "ouder-sanne": "parent",
    "ouder-faadumo": "parent", "ouder-selam": "parent", "ouder-yonas": "parent",
    "netwerk-karim": "network", "netwerk-haddou": "network", "kind-elif": "child",
    "partner-wijkagent": "partner", "partner-school": "partner",
}
# Translation jobs are open for the current versions; nothing is translated or logged yet. The one message in the
# outbox is the contact person's about last night's signal, sent then. No organisation signs its staff in through
# its own provider, no partner system has a token, no signal was added to.
SHOULD_BE_EMPTY = {"translationsegment", "auditevent", "scheduledjob",
                   "usersession", "onetimecode", "recoverycode", "breakglass", "caseclosure", "signinflow",
                   "auditcheckpoint", "parenttextrendering", "identityprovider", "staffidentity", "providersignin",
                   "partnertoken", "signaladdition"}


def fast_hash(password: str) -> str:
    return "hashed:" + password


def naive(moment: datetime.datetime) -> datetime.datetime:
    """Timestamps may come back aware or naive, both in UTC; compare them naive."""
    return moment.replace(tzinfo=None) if moment.tzinfo else moment


@pytest.fixture
def engine(tmp_path):
    engine = create_engine(f"sqlite:///{tmp_path / 'demo.db'}")
    SQLModel.metadata.create_all(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def db(engine):
    with Session(engine) as session:
        assert demo.load(session, TODAY, password_hash=fast_hash) is True
    with Session(engine) as session:
        yield session


def counts(session: Session) -> dict[str, int]:
    return {table.name: session.exec(select(func.count()).select_from(table)).one()
            for table in SQLModel.metadata.sorted_tables}


def rows(db: Session, model, *where) -> list:
    return list(db.exec(select(model).where(*where)))


def account(db: Session, username: str) -> Account:
    return db.exec(select(Account).where(Account.username == username)).one()


def parent_of(db: Session, username: str) -> Parent:
    return db.exec(select(Parent).where(Parent.account_id == account(db, username).id)).one()


def worker_of(db: Session, username: str) -> Worker:
    return db.exec(select(Worker).where(Worker.account_id == account(db, username).id)).one()


def family_of(db: Session, username: str) -> Family:
    return db.get(Family, parent_of(db, username).family_id)


def current(query):
    return query.where(DuoAssignment.start <= TODAY,
                       or_(DuoAssignment.end.is_(None), DuoAssignment.end >= TODAY))


def versions_of(db: Session, family: Family) -> list[PlanVersion]:
    plan = db.exec(select(SafetyPlan).where(SafetyPlan.family_id == family.id)).one()
    return rows(db, PlanVersion, PlanVersion.plan_id == plan.id)


def version(db: Session, family: Family, number: int | None) -> PlanVersion:
    return next(v for v in versions_of(db, family) if v.number == number)


def situations(db: Session, version_: PlanVersion) -> list[UnsafeSituation]:
    return rows(db, UnsafeSituation, UnsafeSituation.version_id == version_.id)


def agreements(db: Session, version_: PlanVersion) -> dict[str, SafetyAgreement]:
    found = db.exec(select(SafetyAgreement).join(UnsafeSituation)
                    .where(UnsafeSituation.version_id == version_.id))
    return {row.key: row for row in found}


def items(db: Session, version_: PlanVersion) -> list[PlanItem]:
    return rows(db, PlanItem, PlanItem.version_id == version_.id)


def item_keys(db: Session, version_: PlanVersion) -> set[str]:
    return ({s.key for s in situations(db, version_)} | set(agreements(db, version_))
            | {i.key for i in items(db, version_)})


def test_loading_twice_creates_nothing_the_second_time(engine):
    with Session(engine) as session:
        assert demo.load(session, TODAY, password_hash=fast_hash) is True
    with Session(engine) as session:
        before = counts(session)
        assert demo.load(session, TODAY, password_hash=fast_hash) is False
    with Session(engine) as session:
        assert counts(session) == before
    filled = {name for name, count in before.items() if count}
    assert filled == set(before) - SHOULD_BE_EMPTY


def test_the_team_alone_is_its_staff_and_no_household(engine):
    """What tests on factories start from (the `team_app` fixture): every worker and interpreter, no household."""
    with Session(engine) as session:
        assert demo.load(session, TODAY, password_hash=fast_hash, households=False) is True
    with Session(engine) as session:
        staff = {a.username: a.role.value for a in rows(session, Account)}
        assert staff == {name: role for name, role in ROLES.items()
                         if role not in ("parent", "network", "child", "partner")}
        assert rows(session, Family) == [] and rows(session, Parent) == []


def test_all_accounts_exist_with_their_roles_and_one_real_password(engine):
    with Session(engine) as session:
        assert demo.load(session) is True  # today's date and the real argon2 hash
    with Session(engine) as session:
        accounts = {a.username: a for a in session.exec(select(Account))}
    assert {name: a.role.value for name, a in accounts.items()} == ROLES
    assert {d.username: d.role for d in demo.DEMO_ACCOUNTS} == ROLES
    assert len({a.password_hash for a in accounts.values()}) == 1  # hashed once
    assert PasswordHasher().verify(accounts["anouk"].password_hash, demo.DEMO_PASSWORD)
    secrets = [a.totp_secret for a in accounts.values()]
    assert len(set(secrets)) == len(secrets)
    assert all(re.fullmatch(r"[A-Z2-7]{32}", secret) for secret in secrets)
    assert {a.username: a.totp_secret for a in accounts.values()} == {
        d.username: d.totp_secret for d in demo.DEMO_ACCOUNTS}
    assert all(a.totp_enrolled and a.second_factor == "totp" and a.display_name and a.active
               for a in accounts.values())
    assert {a.username: a.language for a in accounts.values() if a.role.value == "parent"} == {
        "ouder-fatima": "ar", "ouder-youssef": "ar", "ouder-mehmet": "tr",
        "ouder-kasia": "pl", "ouder-olena": "uk", "ouder-sanne": "nl",
        "ouder-faadumo": "so", "ouder-selam": "ti", "ouder-yonas": "en"}


def test_staff_and_interpreters_are_linked_to_their_accounts(db):
    workers = {w.account_id: w for w in db.exec(select(Worker))}
    for username in ("anouk", "bram", "chantal", "dirk", "teamlead"):
        worker = workers[account(db, username).id]
        assert worker.organisation and worker.phone
        assert rows(db, WorkingHours, WorkingHours.worker_id == worker.id)
    assert len({w.team_id for w in workers.values()}) == 1
    assert len(rows(db, Absence)) == 1
    languages = {i.account_id: i.languages for i in db.exec(select(Interpreter))}
    assert languages == {account(db, f"tolk-{language}").id: language
                         for language in ("ar", "tr", "en", "pl", "uk", "so", "ti")}
    # The interpreters work for the team: its team lead manages their accounts.
    assert {link.team_id for link in db.exec(select(InterpreterTeam))} == {w.team_id for w in workers.values()}
    assert len(rows(db, InterpreterTeam)) == 7


def test_seven_households_one_without_children(db):
    families = rows(db, Family)
    assert len(families) == 7
    children = {f.id: rows(db, FamilyMember, FamilyMember.family_id == f.id, FamilyMember.is_child)
                for f in families}
    assert sorted(len(c) for c in children.values()) == [0, 1, 1, 1, 2, 2, 2]
    without = next(f for f in families if not children[f.id])
    assert family_of(db, "ouder-sanne").id == without.id and not without.interpreter_needed
    assert rows(db, FamilyMember, FamilyMember.family_id == without.id)  # her adult son
    assert all(f.interpreter_needed for f in families if f.id != without.id)
    assert family_of(db, "ouder-youssef").id == family_of(db, "ouder-fatima").id
    # Only El Idrissi's parents are kept apart: Fatima has a safe address Youssef never sees.
    assert [f.id for f in families if f.parents_kept_apart] == [family_of(db, "ouder-fatima").id]
    assert {p.name.split()[0]: p.language for p in db.exec(select(Parent))} == {
        "Fatima": "ar", "Youssef": "ar", "Mehmet": "tr", "Kasia": "pl", "Olena": "uk",
        "Sanne": "nl", "Faadumo": "so", "Selam": "ti", "Yonas": "en"}


def test_every_household_has_a_published_plan_with_a_top_three_and_agreements(db):
    for family in rows(db, Family):
        published = [v for v in versions_of(db, family) if v.status is VersionStatus.published]
        assert published and all(v.number and v.published_at and v.published_by for v in published)
        for v in published:
            found = situations(db, v)
            assert 1 <= len(found) <= 3
            assert sorted(s.rank for s in found) == list(range(1, len(found) + 1))
            for situation in found:
                assert situation.risk_factors
                assert 1 <= len(rows(db, SafetyAgreement,
                                     SafetyAgreement.situation_id == situation.id)) <= 2
            assert {i.section.value for i in items(db, v)} == {"help", "future"}


def test_arabic_family_has_versions_one_and_two_and_a_draft_a_diff_can_match(db):
    family = family_of(db, "ouder-fatima")
    assert sorted((v.number or 0, v.status.value) for v in versions_of(db, family)) == [
        (0, "draft"), (1, "published"), (2, "published")]
    v1, v2, draft = version(db, family, 1), version(db, family, 2), version(db, family, None)
    assert naive(v1.published_at) < naive(v2.published_at)
    assert draft.published_at is None and draft.published_by is None
    assert "Veranderd: afspraak: Fatima: Fatima haalt Amira en Adam op van school" in v2.change_summary

    a1, a2, a_draft = agreements(db, v1), agreements(db, v2), agreements(db, draft)
    changed = [key for key in a1.keys() & a2.keys()
               if (a1[key].who, a1[key].what) != (a2[key].who, a2[key].what)]
    assert len(changed) == 1
    keys1, keys2 = item_keys(db, v1), item_keys(db, v2)
    assert len(keys1 - keys2) == 1  # removed
    assert len(keys2 - keys1) == 2  # added: one for everyone, one for Fatima only
    assert item_keys(db, draft) == keys2
    assert sum(a_draft[key].what != a2[key].what for key in a2) == 1


def test_the_safe_address_is_visible_to_fatima_only(db):
    family = family_of(db, "ouder-fatima")
    fatima, youssef = parent_of(db, "ouder-fatima"), parent_of(db, "ouder-youssef")
    v2, draft = version(db, family, 2), version(db, family, None)
    restricted = {key: row for key, row in agreements(db, v2).items() if row.audience != audience.HOUSEHOLD}
    (key,) = restricted
    assert restricted[key].audience == audience.only_for([fatima.id])
    assert key in item_keys(db, draft) and key not in item_keys(db, version(db, family, 1))
    assert "veilig adres" in restricted[key].what
    assert not audience.shows(restricted[key].audience, youssef.id)


def test_the_safe_place_appointment_is_for_fatima_only(db):
    family = family_of(db, "ouder-fatima")
    fatima, youssef = parent_of(db, "ouder-fatima"), parent_of(db, "ouder-youssef")
    (safe,) = rows(db, Appointment, Appointment.safe_place)
    assert safe.family_id == family.id and safe.place
    assert safe.audience == audience.only_for([fatima.id])
    assert not audience.shows(safe.audience, youssef.id)


def test_appointments_are_past_and_upcoming_with_interpreters(db):
    appointments = rows(db, Appointment)
    assert all(re.fullmatch(r"appointment-[0-9a-f]{32}", a.key) for a in appointments)
    noon = datetime.datetime(2026, 3, 10, 12)
    for family in rows(db, Family):
        starts = [naive(a.starts_at) for a in appointments if a.family_id == family.id]
        assert any(s < noon for s in starts) and any(s > noon for s in starts)
    tolk_ar = db.exec(select(Interpreter).where(Interpreter.languages == "ar")).one()
    tolk_tr = db.exec(select(Interpreter).where(Interpreter.languages == "tr")).one()
    by_interpreter = {i: {a.family_id for a in appointments if a.interpreter_id == i}
                      for i in (tolk_ar.id, tolk_tr.id)}
    assert by_interpreter == {tolk_ar.id: {family_of(db, "ouder-fatima").id},
                              tolk_tr.id: {family_of(db, "ouder-mehmet").id}}
    assert [a for a in appointments if a.interpreter_id == tolk_ar.id
            and naive(a.starts_at) == datetime.datetime(2026, 3, 10, 9)]  # 10:00 CET


def test_summer_time_is_converted_to_utc(engine):
    with Session(engine) as session:
        demo.load(session, datetime.date(2026, 6, 16), password_hash=fast_hash)
    with Session(engine) as session:
        starts = {naive(a.starts_at) for a in session.exec(select(Appointment))}
    assert datetime.datetime(2026, 6, 16, 8) in starts  # 10:00 CEST


def test_two_duos_share_a_worker(db):
    assignments = list(db.exec(current(select(DuoAssignment))))
    families_per_worker: dict[int, set[int]] = {}
    for row in assignments:
        families_per_worker.setdefault(row.worker_id, set()).add(row.family_id)
    assert any(len(families) >= 2 for families in families_per_worker.values())
    for family in rows(db, Family):
        roles = sorted(r.role.value for r in assignments if r.family_id == family.id)
        assert roles == ["contact", "partner"]
    anouk, bram, chantal = (worker_of(db, name).id for name in ("anouk", "bram", "chantal"))
    duo_of = {family: {r.worker_id for r in assignments if r.family_id == family}
              for family in (family_of(db, "ouder-fatima").id, family_of(db, "ouder-mehmet").id)}
    assert list(duo_of.values()) == [{anouk, bram}, {anouk, chantal}]


def test_one_family_changed_contact_person(db):
    contacts = rows(db, DuoAssignment, DuoAssignment.role == DuoRole.contact)
    (old,) = [c for c in contacts if c.end is not None]
    assert old.end < TODAY
    (new,) = [c for c in contacts if c.family_id == old.family_id and c.id != old.id]
    assert new.end is None and new.start == old.end + datetime.timedelta(days=1)
    assert new.worker_id != old.worker_id


def test_acknowledgements_tell_the_demo_story(db):
    family = family_of(db, "ouder-fatima")
    v1, v2 = version(db, family, 1), version(db, family, 2)
    fatima, youssef, mehmet = (parent_of(db, name)
                               for name in ("ouder-fatima", "ouder-youssef", "ouder-mehmet"))

    def ack(parent, version_):
        return db.exec(select(Acknowledgement).where(
            Acknowledgement.parent_id == parent.id,
            Acknowledgement.version_id == version_.id)).first()

    assert ack(fatima, v1).answer is Answer.agree
    assert ack(fatima, v2) is None
    assert ack(youssef, v1).answer is Answer.question
    (question,) = rows(db, PlanQuestion, PlanQuestion.parent_id == youssef.id)
    assert question.version_id == v1.id and question.text and question.reply
    contact = db.exec(current(select(DuoAssignment).where(
        DuoAssignment.family_id == family.id, DuoAssignment.role == DuoRole.contact))).one()
    assert question.replied_by == contact.worker_id
    (disagreed,) = rows(db, Acknowledgement, Acknowledgement.parent_id == mehmet.id)
    assert disagreed.answer is Answer.disagree
    (disagreement,) = rows(db, PlanQuestion, PlanQuestion.parent_id == mehmet.id)
    assert disagreement.kind is Answer.disagree and disagreement.text and not disagreement.reply


def plan_texts(db: Session, version_: PlanVersion) -> list[str]:
    texts = [version_.note_for_family, version_.change_summary]
    for situation in situations(db, version_):
        texts += [situation.description, situation.risk_factors]
    for a in agreements(db, version_).values():
        texts += [a.who, a.what, a.when, a.if_it_goes_wrong]
    for item in items(db, version_):
        texts += [item.text, item.who]
    return [t for t in texts if t]


def test_plan_texts_are_plain_and_only_one_plan_uses_jargon(db):
    demir = family_of(db, "ouder-mehmet")
    for family in rows(db, Family):
        for v in versions_of(db, family):
            texts = plan_texts(db, v)
            assert not [t for t in texts if check(t).long_sentences]
            # Jargon only: the glossary also explains ordinary words (budgetcoach, toekomstplan), never flagged.
            terms = {term.word for t in texts for term in explain_terms(t) if term.jargon}
            expected = {"ondertoezichtstelling", "gezinsvoogd"} if family.id == demir.id else set()
            assert terms == expected, family.name


def test_current_versions_wait_for_their_translation(db):
    jobs = db.exec(select(TranslationJob)).all()
    current = {max((v for v in versions_of(db, family) if v.number), key=lambda v: v.number).id
               for family in rows(db, Family)}
    assert sorted(job.language for job in jobs if job.version_id in current) == [
        "ar", "en", "pl", "so", "ti", "tr", "uk"]
    # Bram's reply to Youssef joined version 1's Arabic job, which nobody did before version 2 came.
    (earlier,) = [job for job in jobs if job.version_id is not None and job.version_id not in current]
    assert (earlier.version_id, earlier.language) == (version(db, family_of(db, "ouder-youssef"), 1).id, "ar")
    assert all(job.completed_at is None for job in jobs if job.version_id is not None)
    arabic = next(job for job in jobs if job.language == "ar")
    assert db.get(Interpreter, arabic.interpreter_id).name == "Samira Benali"


def test_the_appointments_wait_for_their_translation_in_a_job_of_their_own(engine, monkeypatch):
    """Fatima reads Arabic: what her appointments are for and where (not the safe place's address) are work in the
    El Idrissi appointments job, whichever plan version is current (the demo as loaded on its day)."""
    from portal.services.interpreting import job_work

    monkeypatch.setattr(clock, "system_now", running_from(
        datetime.datetime.combine(TODAY, datetime.time(10), tzinfo=clock.AMSTERDAM)))
    with Session(engine) as db:
        demo.load(db, TODAY, password_hash=fast_hash)
    with Session(engine) as db:
        family = family_of(db, "ouder-fatima")
        job = db.exec(select(TranslationJob).where(TranslationJob.family_id == family.id,
                                                   TranslationJob.language == "ar",
                                                   TranslationJob.version_id.is_(None))).one()
        texts = job_work(db, job, clock.today()).texts
        assert "Samen versie 2 van het plan lezen." in texts and "Gesprek met Fatima alleen." in texts
        assert not any("Kastanjehof" in text for text in texts)
        assert job.completed_at is None


def test_every_language_but_dutch_has_an_interpreter_with_open_work(db):
    """Each interpreter sees, on their own work list, a plan to translate or an appointment to read along."""
    from portal.services import worklist
    from portal.web.i18n import LANGUAGES

    now = datetime.datetime(2026, 3, 10, 8, tzinfo=datetime.UTC)
    with_work = set()
    for interpreter in db.exec(select(Interpreter)):
        jobs, appointments = worklist.for_interpreter(db, interpreter.id, now)
        assert jobs or appointments, interpreter.name
        with_work |= {item.job.language for item in jobs} | {a.interpreter_language for a in appointments}
    assert with_work == set(LANGUAGES) - {"nl"}
