"""Loading the demo through the back office's own services (portal/services), as the team lead, the duos and the
parents would have made it: the team and its staff, then (unless only the team is asked for) the households."""
import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Callable

from sqlmodel import Session, select

from portal import clock
from portal.accounts.secrets import hash_password
from portal.clock import AMSTERDAM
from portal.demo.people import (
    CIRCLE_PHONES,
    DEMO_ACCOUNTS,
    DEMO_PASSWORD,
    INTERPRETERS,
    NAMES,
    PARENT_PHONES,
    PARTNERS,
    TEAM_NAME,
    WORKERS,
    DemoAccount,
)
from portal.demo.plans import (
    Version,
    abdi_plan,
    de_boer_plan,
    demir_plan,
    el_idrissi_plan,
    kovalenko_plan,
    nowak_plan,
    tesfay_plan,
)
from portal.demo.signals import RETENTION_YEARS, demo_signals
from portal.models import (
    Account,
    Answer,
    Appointment,
    AppointmentResponse,
    AppointmentStatus,
    Commitment,
    DuoRole,
    Family,
    OutboxMessage,
    Parent,
    Partner,
    PartnerKind,
    PartnerOrganisation,
    PlanQuestion,
    PlanVersion,
    ProfessionalNetwork,
    Role,
    Team,
    TranslationJob,
    Worker,
)
from portal.rules.audience import HOUSEHOLD, only_for
from portal.rules.plan_content import PlanContent
from portal.services import (
    appointments,
    cases,
    children,
    circle,
    interpreting,
    match_keys,
    plan_versions,
    publishing,
    signals,
    staff,
    stored_id,
)
from portal.services.duo import current_duo

# --- helpers --------------------------------------------------------------------------------

def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """Amsterdam wall time on a day, in UTC as the timestamp columns store it."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=AMSTERDAM).astimezone(dt.UTC)


def _workday(day: dt.date) -> dt.date:
    """The day itself, or the Monday after when it falls in a weekend."""
    return day + dt.timedelta(days=7 - day.weekday()) if day.weekday() >= 5 else day


def _keys() -> dict[str, str]:
    """Item keys by name within one plan: an item keeps its key in every version."""
    return defaultdict(lambda: uuid.uuid4().hex)


def _can_sign_in(account: Account, demo: DemoAccount, hashed: str, created: dt.datetime) -> None:
    """Demo accounts sign in at once, with one shared password and a fixed authenticator secret (printed by
    `portal demo`), where a real account starts from its letter."""
    account.password_hash, account.totp_secret, account.totp_enrolled = hashed, demo.totp_secret, True
    account.second_factor, account.language, account.created_at = "totp", demo.language, created


def _backdate(version: PlanVersion, at: dt.datetime, db: Session) -> None:
    """The services stamp "now"; the demo's versions were written days or weeks ago, and their translation
    work opened when they were published."""
    version.created_at, version.updated_at = at - dt.timedelta(days=2), at
    if version.published_at is not None:
        version.published_at = at
        for job in db.exec(select(TranslationJob).where(TranslationJob.version_id == version.id)):
            job.opened_at = at
            db.add(job)
    db.add(version)


# --- loading --------------------------------------------------------------------------------

def load(db: Session, today: dt.date | None = None,
         password_hash: Callable[[str], str] = hash_password, households: bool = True) -> bool:
    """Create the demo data unless account "anouk" exists; True when it created data. Without `households`, only
    the team and its staff (the workers, the team lead, the interpreters): what a test builds its own households
    on (tests/support/factories.py). The services commit as they do for the back office, so a load that fails
    half-way wants a fresh database."""
    if db.exec(select(Account.id).where(Account.username == "anouk")).first() is not None:
        return False
    today = today or clock.today()
    try:
        _load(db, today, password_hash(DEMO_PASSWORD), households)  # hashed once: argon2 is slow
        db.commit()
    except Exception:
        db.rollback()
        raise
    return True


def _load(db: Session, today: dt.date, hashed: str, households: bool) -> None:
    def days(n: int) -> dt.date:
        return today + dt.timedelta(days=n)

    demos = {demo.username: demo for demo in DEMO_ACCOUNTS}
    created = _at(days(-200), 9)
    # No screen makes a team (`portal create-user --team` does, from the command line).
    team = Team(name=TEAM_NAME)
    db.add(team)
    db.flush()
    team_id = stored_id(team.id)

    # The team lead's staff screen: workers and team lead with their hours, and the interpreters.
    workers: dict[str, Worker] = {}
    interpreters: dict[str, int] = {}
    for demo in DEMO_ACCOUNTS:
        if demo.username in WORKERS:
            organisation, phone, (weekdays, start, end) = WORKERS[demo.username]
            details = staff.StaffDetails(NAMES[demo.username], organisation, phone, tuple(
                (day, dt.time.fromisoformat(start), dt.time.fromisoformat(end)) for day in weekdays))
        elif demo.username in INTERPRETERS:
            details = staff.StaffDetails(NAMES[demo.username], languages=(INTERPRETERS[demo.username],))
        else:
            continue
        member = staff.add(db, team_id, Role(demo.role), details, username=demo.username)
        _can_sign_in(member.account, demo, hashed, created)
        if member.worker is not None:
            workers[demo.username] = member.worker
        else:
            assert member.interpreter is not None  # not a worker: an interpreter
            interpreters[demo.username] = stored_id(member.interpreter.id)
    anouk, bram, chantal, dirk = (workers[name] for name in ("anouk", "bram", "chantal", "dirk"))
    lead = stored_id(workers["teamlead"].account_id)  # who makes the households and their duos
    # Chantal is away this week: her families see her duo partner as the one to call.
    staff.away(db, chantal, days(-2), days(4))
    if not households:
        return

    def household(name: str, opened: int, duo: tuple[Worker, Worker], parents: tuple[str, ...],
                  members: tuple[cases.Member, ...], kept_apart: bool = False) -> tuple[Family, list[Parent]]:
        """Intake by the team lead (the duo starts five days after the household was opened), then a letter
        for each parent, whose account the demo makes ready to sign in."""
        settings = cases.Household(name, interpreter_needed=any(demos[p].language != "nl" for p in parents),
                                   parents_kept_apart=kept_apart)
        typed = [cases.Member("parent", NAMES[p], language=demos[p].language, phone=PARENT_PHONES[p])
                 for p in parents]
        family = cases.start_household(db, team_id, settings, typed + list(members), stored_id(duo[0].id),
                                       stored_id(duo[1].id), days(opened + 5), lead)
        family.created_at = _at(days(opened), 9)  # the service stamps now; the demo's cases are months old
        db.add(family)
        rows, _others = cases.members_of(db, family)
        for parent in rows:
            account = cases.new_letter(db, parent)
            _can_sign_in(account, demos[account.username], hashed, created)
        return family, rows

    def child(name: str, age: int) -> cases.Member:
        return cases.Member("child", name, birth_year=today.year - age)

    # Youssef hit the door twice; Fatima has a safe address he must never see: the parents are kept apart.
    el_idrissi, (fatima, youssef) = household(
        "Gezin El Idrissi", -125, (bram, anouk), ("ouder-fatima", "ouder-youssef"),
        (child("Amira El Idrissi", 10), child("Adam El Idrissi", 6)), kept_apart=True)
    demir, (mehmet,) = household(
        "Gezin Demir", -95, (chantal, anouk), ("ouder-mehmet",), (child("Elif Demir", 14), child("Emre Demir", 9)))
    nowak, (kasia,) = household("Gezin Nowak", -155, (anouk, chantal), ("ouder-kasia",), (child("Zuzia Nowak", 7),))
    # Nowak changed contact person: Anouk until three weeks ago, Dirk from the day after.
    cases.assign_duo(db, nowak, stored_id(dirk.id), DuoRole.contact, days(-20), lead)
    kovalenko, (olena,) = household(
        "Gezin Kovalenko", -65, (bram, dirk), ("ouder-olena",), (child("Maksym Kovalenko", 8),))
    de_boer, (sanne,) = household(
        "Huishouden De Boer", -50, (anouk, dirk), ("ouder-sanne",),
        (cases.Member("other", "Thomas de Boer", relation="zoon"),))
    thomas = cases.members_of(db, de_boer)[1][0]
    thomas.birth_year = today.year - 41  # the intake asks the year of birth of children only
    db.add(thomas)
    abdi, (faadumo,) = household(
        "Gezin Abdi", -40, (dirk, bram), ("ouder-faadumo",), (child("Ayaan Abdi", 9), child("Yusuf Abdi", 5)))
    tesfay, (_selam, yonas) = household(
        "Gezin Tesfay", -30, (chantal, dirk), ("ouder-selam", "ouder-yonas"), (child("Saba Tesfay", 4),))

    def drafted(family: Family, contents: tuple[PlanContent, ...], by: Worker) -> tuple[PlanVersion, int]:
        """The plan editor: open the household's draft and save each content in turn."""
        assert family.id is not None and by.id is not None  # stored by the intake and the staff screen
        draft = publishing.open_draft(db, family.id, by.id)
        revision = draft.revision
        for content in contents:
            revision = publishing.save(db, draft, revision, content, by.id)
        return draft, revision

    def published(family: Family, version: Version, by: Worker, at: dt.datetime) -> PlanVersion:
        """The plan editor's publish button: the next version, with its note and its translation work."""
        content, note = version
        assert family.id is not None and by.id is not None  # stored by the intake and the staff screen
        draft, revision = drafted(family, (content,), by)
        new = publishing.publish(db, draft, revision, family.id, by.id, note).version
        _backdate(new, at, db)
        return new

    def answered(parent: Parent, version: PlanVersion, choice: Answer | None, read: dt.datetime,
                 minutes: int = 0, text: str = "") -> PlanQuestion | None:
        """What a parent's plan page records; the services stamp now, the parents read days or weeks ago."""
        assert parent.id is not None and version.id is not None  # stored by the intake and the publish
        if choice is None:
            receipt, question = plan_versions.read_receipt(db, parent.id, version.id), None
        else:
            receipt, question = plan_versions.answer(db, parent.id, version.id, choice, text)
            receipt.answered_at = read + dt.timedelta(minutes=minutes)
        receipt.read_at = read
        if question is not None:
            assert receipt.answered_at is not None  # a question comes with an answer, stamped above
            question.asked_at = receipt.answered_at
        return question

    # Plans, in the order they happened: El Idrissi has two published versions and a draft; the others one
    # version each. What the parents did with them; Fatima has not opened version 2 yet.
    el_idrissi_keys = _keys()  # the circle is named in two of its agreements, below
    v1_content, v2_content, draft_contents = el_idrissi_plan(el_idrissi_keys, stored_id(fatima.id))
    v1 = published(el_idrissi, v1_content, bram, _at(days(-70), 14))
    answered(fatima, v1, Answer.agree, _at(days(-69), 20), 5)
    question = answered(
        youssef, v1, Answer.question, _at(days(-68), 21), 10,
        "Wat moet ik doen als de buurvrouw niet thuis is? Dan kan ik de kinderen niet ophalen.")
    assert question is not None  # the answer "question" asks one
    # The reply joins version 1's Arabic job, still open: version 2 came before anyone translated version 1.
    plan_versions.reply_to_question(
        db, stored_id(el_idrissi.id), stored_id(question.id),
        "Goede vraag. Dan belt u mij. We maken samen een nieuwe afspraak over ophalen.", True, stored_id(bram.id))
    question.replied_at = question.handled_at = _at(days(-67), 10)  # stamped now by the service
    v2 = published(el_idrissi, v2_content, bram, _at(days(-3), 11))
    answered(youssef, v2, Answer.agree, _at(days(-2), 19), 3)
    draft, _revision = drafted(el_idrissi, draft_contents, anouk)
    _backdate(draft, _at(days(-1), 16, 30), db)
    versions = {family.id: published(family, content(_keys()), by, _at(days(day), 15))
                for family, content, by, day in ((demir, demir_plan, chantal, -40), (nowak, nowak_plan, dirk, -14),
                                                 (kovalenko, kovalenko_plan, bram, -30),
                                                 (de_boer, de_boer_plan, anouk, -20), (abdi, abdi_plan, dirk, -10),
                                                 (tesfay, tesfay_plan, chantal, -6))}

    answered(mehmet, versions[demir.id], Answer.disagree, _at(days(-38), 22), 15,
             "Ik ben het niet eens met punt 1. Het was één keer, niet twee keer. "
             "Ik wil hierover praten met Chantal.")
    answered(kasia, versions[nowak.id], Answer.agree, _at(days(-13), 18), 2)
    answered(olena, versions[kovalenko.id], None, _at(days(-29), 21))
    answered(sanne, versions[de_boer.id], Answer.agree, _at(days(-19), 10), 20)
    answered(yonas, versions[tesfay.id], None, _at(days(-5), 20))

    def appointment(family: Family, starts_at: dt.datetime, place: str, with_whom: str,
                    purpose: str, **extra) -> Appointment:
        """The duo's appointment form, by the household's contact person ("with whom" one of the workers, chosen,
        or others typed); made a month ago (the service stamps now)."""
        assert family.id is not None  # stored by the intake
        contact = current_duo(db, family.id, today).contact
        assert contact is not None  # every demo household has a contact person
        worker = next((w for w in (anouk, bram, chantal, dirk) if w.name == with_whom), None)
        item = appointments.plan(db, family.id, contact.account_id, starts_at=starts_at, place=place,
                                 with_whom=with_whom, with_worker_id=worker.id if worker else None, purpose=purpose,
                                 **extra)
        item.created_at = _at(days(-30), 9)
        db.flush()
        interpreting.appointment_saved(db, family.id, today)  # what for and where, in the parents' languages
        return item

    def on(offset: int, hour: int, minute: int = 0) -> dt.datetime:
        return _at(_workday(days(offset)), hour, minute)

    def interpreter(language: str) -> dict:
        return {"interpreter_language": language, "interpreter_id": interpreters[f"tolk-{language}"]}

    home = "Bij u thuis"
    appointment(el_idrissi, on(-14, 14), home, "Bram de Wit en Anouk Visser",
                "Gesprek over de nieuwe afspraak over ophalen van school.", **interpreter("ar"))
    appointment(el_idrissi, _at(today, 10), "Kantoor Blijvend Veilig, Amsterdam Nieuw-West",
                "Bram de Wit", "Samen versie 2 van het plan lezen.", duration_minutes=90, **interpreter("ar"))
    safe = appointment(el_idrissi, on(7, 11),
                       "Opvanglocatie Blijf Groep, Kastanjehof 7, Amsterdam (geheim adres)",
                       "Bram de Wit", "Gesprek met Fatima alleen.", safe_place=True,
                       audience=only_for([stored_id(fatima.id)]), **interpreter("ar"))
    appointment(el_idrissi, on(10, 15, 30), "Basisschool De Regenboog, Amsterdam Nieuw-West",
                "Anouk Visser en de juf van Amira",
                "Gesprek op school over hoe het met Amira gaat.")
    appointment(demir, on(-9, 9, 30), home, "Chantal Pinas", "Gesprek over het plan.", **interpreter("tr"))
    cancelled = appointment(demir, on(1, 9), home, "Chantal Pinas", "Chantal komt bij u thuis.")
    cancelled.status = AppointmentStatus.cancelled  # the duo's cancel button
    questions_talk = appointment(demir, on(6, 16), "Kantoor Blijvend Veilig, Amsterdam-Noord",
                                 "Chantal Pinas en Anouk Visser", "Gesprek over uw vragen bij punt 1 van het plan.",
                                 **interpreter("tr"))
    appointment(nowak, on(-19, 10), home, "Dirk Hoekstra en Anouk Visser",
                "Kennismaken met Dirk, uw nieuwe contactpersoon.", interpreter_language="pl")
    appointment(nowak, on(5, 10), home, "Dirk Hoekstra", "Gesprek over de opvang van Zuzia.",
                interpreter_language="pl")
    appointment(kovalenko, on(-6, 13), "Gemeentehuis Uithoorn", "Bram de Wit",
                "Gesprek over een eigen huis.", interpreter_language="uk")
    appointment(kovalenko, on(12, 9, 30), home, "Bram de Wit en Dirk Hoekstra",
                "Gesprek over het plan.", interpreter_language="uk")
    appointment(de_boer, on(-30, 11), home, "Anouk Visser", "Eerste gesprek.")
    appointment(de_boer, on(2, 14), home, "Anouk Visser en Dirk Hoekstra",
                "Samen het plan lezen. Thomas is er ook bij.")
    appointment(abdi, on(-12, 10), home, "Dirk Hoekstra en Bram de Wit", "Kennismaken.", **interpreter("so"))
    appointment(abdi, on(3, 10), home, "Dirk Hoekstra", "Samen het plan lezen.", **interpreter("so"))
    appointment(tesfay, on(-8, 14), home, "Chantal Pinas en Dirk Hoekstra", "Kennismaken.", **interpreter("ti"))
    appointment(tesfay, on(8, 10), "Kantoor Blijvend Veilig, Amsterdam-Noord", "Dirk Hoekstra",
                "Samen het plan lezen.", **interpreter("ti"))
    # The family's circle: Youssef's brother on his side, the neighbour for the whole household, each named by the duo
    # in the agreement they carry out, with a letter; Karim will do his, Nadia Haddou cannot on Tuesdays.
    def in_circle(username: str, relation: str, side: str, carries: str, commitment: Commitment,
                  reason: str = "") -> None:
        member = circle.add(db, el_idrissi, NAMES[username], relation, demos[username].language,
                            CIRCLE_PHONES[username], side, lead)
        circle.name_in(db, member, {carries}, lead)
        account = cases.new_letter(db, member)
        account.username = username  # the letter's username comes from the first name; the demo's are fixed
        _can_sign_in(account, demos[username], hashed, created)
        carried = circle.carried_by(db, member)[0]
        given = circle.answer(db, member, carries, carried.digest, commitment, reason)
        given.answered_at = _at(days(-2), 18)  # the service stamps now

    in_circle("netwerk-karim", "broer van Youssef", only_for([stored_id(youssef.id)]), el_idrissi_keys["walk-away"],
              Commitment.will)
    in_circle("netwerk-haddou", "buurvrouw", HOUSEHOLD, el_idrissi_keys["pick-up"], Commitment.cannot,
              "Op dinsdag werk ik tot 17.00 uur. Dan kan ik de kinderen niet ophalen.")
    # Elif Demir (14) has her own page: Chantal and Anouk decided it with her, her father knows. Her plan, written
    # with her, and what she wrote to the duo, which her father does not see.
    elif_demir = next(member for member in cases.members_of(db, demir)[1] if member.name == NAMES["kind-elif"])
    elif_demir.language = demos["kind-elif"].language
    children.decide(db, elif_demir, stored_id(chantal.account_id), parents_know=True, why_not_told="")
    account = cases.new_letter(db, elif_demir)
    account.username = "kind-elif"
    _can_sign_in(account, demos["kind-elif"], hashed, created)
    children.save_plan(db, elif_demir, "Ik bel oma. Haar nummer staat in mijn telefoon. Of ik bel Chantal.",
                       "Ik ga naar de buren. Dat is de familie Jansen, op nummer 12.", "pannenkoek",
                       stored_id(chantal.account_id))
    words = children.write(db, elif_demir, "Als papa boos is, ga ik naar mijn kamer. Dan doe ik mijn muziek heel "
                                           "hard. Ik wil dat jullie dat weten.")
    words.written_at = _at(days(-1), 20)  # the service stamps now
    # Partners' signals: the wijkagent's about "Yusuf Elidrissi" lands on El Idrissi at once (the police are in the
    # household's professional network, so he reads Bram's name and number); the school's about "Amira Idrisi"
    # is not clear enough and waits on the team lead's intake list, with El Idrissi as a candidate.
    youssef.birth_year, youssef.postcode, youssef.house_number = today.year - 40, "1064AB", "12"
    fatima.birth_year = today.year - 36
    db.add_all([youssef, fatima])
    match_keys.refresh(db, stored_id(el_idrissi.id))
    for username, (organisation_name, kind, function) in PARTNERS.items():
        sender = PartnerOrganisation(team_id=team_id, kind=PartnerKind(kind), name=organisation_name,
                                           created_by=lead)
        db.add(sender)
        db.flush()
        account = Account(username=username, role=Role.partner, display_name=NAMES[username])
        _can_sign_in(account, demos[username], hashed, created)
        db.add(account)
        db.flush()
        db.add(Partner(account_id=stored_id(account.id), organisation_id=stored_id(sender.id),
                       name=NAMES[username], function=function))
        signal = signals.send(db, sender, demo_signals(today)[username], _at(days(-1), 23, 5), RETENTION_YEARS,
                              sent_by=account.id)
        # The message to the contact person went out last night: the demo's outbox holds nothing to send.
        for message in db.exec(select(OutboxMessage).where(OutboxMessage.dedupe_key == f"signal:{signal.id}")):
            message.sent_at = message.created_at = signal.sent_at
            db.add(message)
        if kind == "police":
            db.add(ProfessionalNetwork(family_id=stored_id(el_idrissi.id), organisation_id=stored_id(sender.id),
                                       added_by=stored_id(bram.account_id)))
    appointments.respond(db, safe, stored_id(fatima.id), AppointmentResponse.confirmed)
    appointments.respond(db, questions_talk, stored_id(mehmet.id), AppointmentResponse.move_requested,
                         "Ik moet dan werken. Kan het een uur later?")
    db.flush()
