"""Fictional demo data: a team, duos, five households, plans and appointments, loaded once."""
import datetime as dt
import uuid
import zoneinfo
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace

from sqlalchemy import update
from sqlmodel import Session, select

from portal.auth.secrets import hash_password
from portal.models import (
    Absence,
    Account,
    Acknowledgement,
    Answer,
    Appointment,
    AppointmentAnswer,
    AppointmentResponse,
    AppointmentStatus,
    DuoAssignment,
    DuoRole,
    Family,
    FamilyMember,
    Interpreter,
    InterpreterTeam,
    Parent,
    PlanItem,
    PlanQuestion,
    PlanSection,
    PlanVersion,
    Role,
    SafetyAgreement,
    SafetyPlan,
    Team,
    TranslationJob,
    UnsafeKind,
    UnsafeSituation,
    VersionStatus,
    Worker,
    WorkingHours,
)
from portal.rules.audience import only_for

DEMO_PASSWORD = "veilig-demo-2026"
AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
TEAM_NAME = "Blijvend Veilig Amsterdam Nieuw-West"


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    language: str
    totp_secret: str
    description: str


DEMO_ACCOUNTS: tuple[DemoAccount, ...] = (
    DemoAccount("anouk", "worker", "nl", "4L6YXW6LERSNIUYBRQPAN7TNX722NKIL",
                "Anouk Visser, Veilig Thuis. Contactpersoon van De Boer. "
                "Duo-partner bij El Idrissi en Demir."),
    DemoAccount("bram", "worker", "nl", "7XTYXMYSMPD2YY7V52Q7D3K64CUX4JB4",
                "Bram de Wit, Blijf Groep. Contactpersoon van El Idrissi en Kovalenko."),
    DemoAccount("chantal", "worker", "nl", "VYS4YSQQ43YHF7FUJI6TQREB5JVKU3D5",
                "Chantal Pinas, Jeugdbescherming Regio Amsterdam. Contactpersoon van Demir. "
                "Duo-partner bij Nowak. Is deze week afwezig."),
    DemoAccount("dirk", "worker", "nl", "ZZQCQL2ZUTSIF6GKAQ2VIW5NOHIT5DJA",
                "Dirk Hoekstra, William Schrikker Stichting, werkt parttime. "
                "Nieuwe contactpersoon van Nowak. Duo-partner bij Kovalenko en De Boer."),
    DemoAccount("teamlead", "teamlead", "nl", "7I3NY7QVDUB3TOHY3YFJJF7LF3YMHRCV",
                "Marieke Smit, teamleider (Raad voor de Kinderbescherming). "
                "Beheert accounts en duo's."),
    DemoAccount("tolk-ar", "interpreter", "nl", "JRQKIHN7J5W3SBTXAVINMCKA3JC6DFYH",
                "Samira Benali, tolk Arabisch. Vandaag om 10.00 uur gesprek met gezin El Idrissi."),
    DemoAccount("tolk-tr", "interpreter", "nl", "IGCLU6NYPOM2IL6QXLUHDXXXF2XOUMVQ",
                "Zeynep Kaya, tolk Turks. Werkt voor gezin Demir."),
    DemoAccount("ouder-fatima", "parent", "ar", "VM5KHJVDRD7RYTF5LIZ5KSH24PMT2D76",
                "Fatima El Idrissi (Arabisch), Nieuw-West. Versie 2 van het plan wacht op lezen. "
                "Ziet een veilig adres en een afspraak die alleen voor haar zijn."),
    DemoAccount("ouder-youssef", "parent", "ar", "HQFNAQ747D7WLZSYMYNUYGM2NMZ2IHK7",
                "Youssef El Idrissi (Arabisch), zelfde gezin als Fatima. "
                "Stelde een vraag over versie 1."),
    DemoAccount("ouder-mehmet", "parent", "tr", "N73VVGMIWI33BZAZHFSHMCZJO4PBSMBF",
                "Mehmet Demir (Turks), Amsterdam-Noord. Is het niet eens met het plan. "
                "Vroeg om een afspraak te verzetten."),
    DemoAccount("ouder-kasia", "parent", "pl", "UNQIHXJEG2F4CHVTFVPYPU7NE5AJE6R3",
                "Kasia Nowak (Pools), Diemen. Kreeg onlangs een nieuwe contactpersoon."),
    DemoAccount("ouder-olena", "parent", "uk", "7EL46OVYGTUGMJ4UDCZ5MDFVMKPJSSY3",
                "Olena Kovalenko (Oekraïens), Uithoorn. Las het plan, gaf nog geen antwoord."),
    DemoAccount("ouder-sanne", "parent", "nl", "LRDGHYOHRELW2LXEKNNRIR66JC6J66KB",
                "Sanne de Boer (Nederlands), Duivendrecht (Ouder-Amstel). "
                "Huishouden zonder kinderen."),
)

_NAMES = {
    "anouk": "Anouk Visser",
    "bram": "Bram de Wit",
    "chantal": "Chantal Pinas",
    "dirk": "Dirk Hoekstra",
    "teamlead": "Marieke Smit",
    "tolk-ar": "Samira Benali",
    "tolk-tr": "Zeynep Kaya",
    "ouder-fatima": "Fatima El Idrissi",
    "ouder-youssef": "Youssef El Idrissi",
    "ouder-mehmet": "Mehmet Demir",
    "ouder-kasia": "Kasia Nowak",
    "ouder-olena": "Olena Kovalenko",
    "ouder-sanne": "Sanne de Boer",
}

# username: organisation, phone, working hours (weekdays, start, end)
_MON_THU, _MON_FRI = (0, 1, 2, 3), (0, 1, 2, 3, 4)
_WORKERS = {
    "anouk": ("Veilig Thuis", "06-12345601", (_MON_THU, "09:00", "17:00")),
    "bram": ("Blijf Groep", "06-12345602", (_MON_FRI, "08:30", "16:30")),
    "chantal": ("Jeugdbescherming Regio Amsterdam", "06-12345603", (_MON_THU, "09:00", "17:00")),
    "dirk": ("William Schrikker Stichting", "06-12345604", ((0, 1, 3), "09:00", "15:00")),
    "teamlead": ("Raad voor de Kinderbescherming", "020-555 01 00", (_MON_FRI, "09:00", "17:00")),
}
_INTERPRETERS = {"tolk-ar": "ar", "tolk-tr": "tr"}
_PARENT_PHONES = {
    "ouder-fatima": "06-23456701",
    "ouder-youssef": "06-23456702",
    "ouder-mehmet": "06-23456703",
    "ouder-kasia": "06-23456704",
    "ouder-olena": "06-23456705",
    "ouder-sanne": "06-23456706",
}


# --- plan content ---------------------------------------------------------------------------

@dataclass(frozen=True)
class _Agreement:
    key: str
    who: str
    what: str
    when: str
    if_it_goes_wrong: str


@dataclass(frozen=True)
class _Situation:
    key: str
    kind: UnsafeKind
    description: str
    risk_factors: tuple[str, ...]
    agreements: tuple[_Agreement, ...]


@dataclass(frozen=True)
class _Item:
    key: str
    section: PlanSection
    text: str
    who: str = ""


@dataclass(frozen=True)
class _Content:
    situations: tuple[_Situation, ...]
    items: tuple[_Item, ...]
    note_for_family: str = ""
    change_summary: str = "Eerste versie van het plan."


def _help(key: str, text: str, who: str) -> _Item:
    return _Item(key, PlanSection.help, text, who)


def _future(key: str, text: str) -> _Item:
    return _Item(key, PlanSection.future, text)


def _el_idrissi(k: dict[str, str]) -> tuple[_Content, _Content, _Content, str]:
    """Versions 1 and 2 and a draft; the last value is the key of the item only Fatima sees."""
    pick_up_v1 = _Agreement(
        k["pick-up"], "Youssef",
        "Youssef haalt Amira en Adam op van school. Lukt het niet? "
        "Dan haalt buurvrouw mevrouw Haddou hen op.",
        "Maandag, dinsdag en donderdag om 15.15 uur.",
        "De school belt Fatima. Fatima belt Bram.")
    walk_away = _Agreement(
        k["walk-away"], "Youssef",
        "Youssef merkt dat hij boos wordt. Hij gaat dan naar buiten en loopt een half uur.",
        "Elke keer als hij boos wordt.",
        "Fatima gaat met de kinderen naar een andere kamer. Bij gevaar belt zij 112.")
    no_money_talk = _Agreement(
        k["no-money-talk"], "Fatima en Youssef",
        "Fatima en Youssef praten niet over geld als Amira en Adam erbij zijn.",
        "Altijd.",
        "Zij vertellen het aan Bram bij het volgende gesprek.")
    budget = _Agreement(
        k["budget"], "Fatima en Youssef",
        "Fatima en Youssef gaan samen naar het spreekuur van de budgetcoach. "
        "Zij nemen alle brieven mee.",
        "Elke eerste dinsdag van de maand.",
        "Anouk maakt samen met hen een nieuwe afspraak.")
    fight = _Situation(
        k["fight"], UnsafeKind.acute,
        "Fatima en Youssef hebben vaak harde ruzie. Youssef sloeg twee keer hard tegen de deur. "
        "Amira en Adam zien en horen dat.",
        ("Zorgen over geld", "Youssef slaapt slecht", "Weinig steun van familie in Nederland"),
        (walk_away,))
    school = _Situation(
        k["school"], UnsafeKind.acute,
        "Amira en Adam staan soms lang alleen te wachten bij school.",
        ("Fatima werkt tot 15.00 uur", "De ouders hebben geen vaste afspraak over ophalen"),
        (pick_up_v1,))
    debts = _Situation(
        k["debts"], UnsafeKind.structural,
        "Het gezin heeft schulden. De huur is twee maanden niet betaald. Dat geeft veel stress.",
        ("Fatima en Youssef openen veel brieven niet", "Youssef heeft geen vast werk"),
        (budget, no_money_talk))
    coach = _help(k["coach"], "Een budgetcoach helpt met de schulden en de brieven.",
                  "Sociaal team Nieuw-West")
    anger = _help(k["anger"], "Youssef praat elke week met een hulpverlener over boosheid.",
                  "Meneer Van Leeuwen, hulpverlener")
    course = _help(k["course"], "Fatima en Youssef volgen een cursus over opvoeden.",
                   "Ouder- en Kindteam Nieuw-West")
    futures = (
        _future(k["calm-home"], "Amira en Adam wonen in een rustig huis. Er is geen geweld."),
        _future(k["talk"], "Fatima en Youssef lossen ruzie op door te praten."),
        _future(k["no-debts"], "Het gezin heeft geen schulden meer. De huur is op tijd betaald."),
    )
    v1 = _Content(
        (fight, school, debts), (coach, anger, course, *futures),
        note_for_family="Dit is uw eerste plan. Lees het rustig door. "
                        "Klopt er iets niet? Laat het ons weten.")

    # Version 2: the pick-up agreement changed, the finished course is gone, and two items
    # are new: talks at school (for everyone) and the safe address (for Fatima only).
    pick_up_v2 = replace(
        pick_up_v1, who="Fatima",
        what="Fatima haalt Amira en Adam op van school. Op woensdag haalt oma hen op.",
        when="Elke schooldag om 15.15 uur. Op woensdag om 12.15 uur.")
    safe_address = _Agreement(
        k["safe-address"], "Fatima",
        "Fatima heeft een veilig adres. Zij kan daar met Amira en Adam naartoe. "
        "Het adres staat niet in dit plan. Bram weet het adres.",
        "Als Fatima zich thuis niet veilig voelt. Dag en nacht.",
        "Fatima belt Bram. 's Avonds en in het weekend belt zij 0800-2000. "
        "Bij gevaar belt zij 112.")
    school_talks = _help(k["school-talks"],
                         "Amira praat elke twee weken met een hulpverlener op school.",
                         "Basisschool De Regenboog")
    v2 = _Content(
        (replace(fight, agreements=(walk_away, safe_address)),
         replace(school, agreements=(pick_up_v2,)),
         debts),
        (coach, anger, school_talks, *futures),
        note_for_family="Er is iets veranderd over het ophalen van school. "
                        "Lees het plan en laat weten of u het eens bent.",
        change_summary="Afspraak over ophalen van school is veranderd. "
                       "De cursus over opvoeden is klaar. Amira krijgt gesprekken op school.")

    walk_away_draft = replace(
        walk_away,
        what="Youssef merkt dat hij boos wordt. Hij gaat dan naar buiten en loopt een half uur. "
             "Hij belt ook zijn broer Karim.")
    draft = replace(
        v2,
        situations=(replace(v2.situations[0], agreements=(walk_away_draft, safe_address)),
                    *v2.situations[1:]),
        change_summary="Nieuw: Youssef belt zijn broer Karim als hij boos is.")
    return v1, v2, draft, safe_address.key


def _demir(k: dict[str, str]) -> _Content:
    """The one plan that uses two jargon words on purpose, so their explanation shows."""
    hit = _Situation(
        k["hit"], UnsafeKind.acute,
        "Mehmet heeft Emre twee keer geslagen toen hij boos was.",
        ("Mehmet zorgt alleen voor twee kinderen", "Mehmet werkt 's nachts en slaapt weinig",
         "Emre luistert thuis slecht"),
        (_Agreement(k["stop"], "Mehmet",
                    "Mehmet slaat de kinderen nooit. Wordt hij boos? "
                    "Dan gaat hij naar een andere kamer. Hij belt zijn broer Hasan.",
                    "Elke keer als hij boos wordt.",
                    "Elif mag altijd oom Hasan bellen. Bij gevaar belt zij 112."),))
    school = _Situation(
        k["school"], UnsafeKind.structural,
        "Emre gaat vaak niet naar school. Hij mist veel lessen.",
        ("Mehmet komt 's ochtends laat thuis van zijn werk", "Emre heeft geen vriendjes op school"),
        (_Agreement(k["bring"], "Mehmet", "Mehmet brengt Emre naar school.",
                    "Elke schooldag om 8.20 uur.",
                    "De school belt Chantal als Emre er om 9.00 uur niet is."),))
    alone = _Situation(
        k["alone"], UnsafeKind.structural,
        "Mehmet heeft weinig hulp bij de zorg voor Elif en Emre.",
        ("De moeder van de kinderen woont in Turkije", "Mehmet vraagt niet graag om hulp"),
        (_Agreement(k["friday"], "Oom Hasan en tante Derya",
                    "Oom Hasan en tante Derya zorgen voor Elif en Emre.",
                    "Elke vrijdag na school tot zaterdagmiddag.",
                    "Mehmet belt Chantal. Zij zoekt samen met hem andere hulp."),))
    return _Content(
        (hit, school, alone),
        (
            _help(k["help-anger"], "Mehmet krijgt hulp bij omgaan met boosheid.",
                  "Meneer Öztürk, hulpverlener in Noord"),
            _help(k["help-ots"],
                  "De rechter heeft een ondertoezichtstelling voor Emre uitgesproken. "
                  "Chantal is de gezinsvoogd. Zij komt elke twee weken langs.",
                  "Chantal Pinas"),
            _help(k["help-school"], "Emre krijgt extra hulp op school.",
                  "Intern begeleider van de school"),
            _future(k["future-safe"], "Elif en Emre zijn veilig thuis. Niemand slaat hen."),
            _future(k["future-school"], "Emre gaat elke dag naar school."),
        ),
        note_for_family="Dit plan hebben we samen gemaakt, met tolk Zeynep. "
                        "Lees het rustig door.")


def _nowak(k: dict[str, str]) -> _Content:
    drink = _Situation(
        k["drink"], UnsafeKind.acute,
        "Kasia drinkt 's avonds vaak alcohol. Dan let niemand op Zuzia.",
        ("Kasia is veel alleen", "Zuzia heeft veel zorg nodig",
         "Kasia kent weinig mensen in Diemen"),
        (_Agreement(k["no-drink"], "Kasia",
                    "Kasia drinkt geen alcohol als zij alleen voor Zuzia zorgt.",
                    "Altijd.",
                    "Kasia belt buurvrouw Marta. Marta komt dan bij Zuzia. "
                    "Dirk komt dezelfde week langs."),
         _Agreement(k["respite"], "Kasia en Dirk",
                    "Zuzia gaat naar een opvang voor kinderen met een beperking.",
                    "Dinsdag en donderdag, van 13.00 tot 18.00 uur.",
                    "Dirk zoekt samen met Kasia een andere plek.")))
    money = _Situation(
        k["money"], UnsafeKind.structural,
        "Kasia heeft geen vast werk en weinig geld.",
        ("Kasia spreekt nog weinig Nederlands", "Kasia heeft schulden in Polen"),
        (_Agreement(k["language"], "Kasia", "Kasia gaat naar de taalles in de bibliotheek.",
                    "Elke maandagochtend.",
                    "Kasia vertelt het aan Dirk. Samen zoeken zij een andere les."),))
    return _Content(
        (drink, money),
        (
            _help(k["help-alcohol"], "Kasia praat elke week met een hulpverlener over alcohol.",
                  "Mevrouw Kowalska, hulp bij alcohol"),
            _help(k["help-care"], "Een begeleider helpt Kasia thuis met de zorg voor Zuzia.",
                  "William Schrikker Stichting"),
            _future(k["future-home"], "Zuzia woont veilig bij Kasia."),
            _future(k["future-work"], "Kasia heeft werk en kent mensen in haar buurt."),
        ),
        note_for_family="Dirk is nu uw contactpersoon. Anouk werkt niet meer met uw gezin.")


def _kovalenko(k: dict[str, str]) -> _Content:
    threats = _Situation(
        k["threats"], UnsafeKind.acute,
        "De vader van Maksym stuurt Olena berichten waarin hij dreigt.",
        ("De vader weet in welke stad Olena woont", "Olena is bang en slaapt slecht"),
        (_Agreement(k["keep"], "Olena",
                    "Olena reageert niet op de berichten. "
                    "Zij bewaart ze en laat ze aan Bram zien.",
                    "Elke keer als er een bericht komt.",
                    "Staat de vader voor de deur? Dan belt Olena 112."),
         _Agreement(k["school-pickup"], "Olena en de school",
                    "Alleen Olena mag Maksym van school ophalen. De school weet dat.",
                    "Elke schooldag.",
                    "De school belt Olena en de politie.")))
    rest = _Situation(
        k["rest"], UnsafeKind.structural,
        "Olena en Maksym wonen in een opvang. Er is weinig rust en ruimte.",
        ("Olena en Maksym delen een kamer", "Olena heeft nog geen werk"),
        (_Agreement(k["club"], "Olena", "Na school gaat Maksym naar de opvang van school.",
                    "Maandag tot en met donderdag.", "Olena belt Bram."),))
    return _Content(
        (threats, rest),
        (
            _help(k["help-talks"],
                  "Olena praat met een hulpverlener over wat zij heeft meegemaakt.",
                  "Mevrouw Jansen, hulpverlener in Uithoorn"),
            _help(k["help-house"], "De gemeente zoekt samen met Olena een eigen huis.",
                  "Gemeente Uithoorn"),
            _future(k["future-house"], "Olena en Maksym hebben een eigen huis."),
            _future(k["future-calm"], "Olena voelt zich veilig en slaapt goed."),
        ),
        note_for_family="Dit is uw plan. Heeft u een vraag? Bel of stuur een bericht aan Bram.")


def _de_boer(k: dict[str, str]) -> _Content:
    money = _Situation(
        k["money"], UnsafeKind.acute,
        "Thomas neemt geld van de bankrekening van Sanne.",
        ("Thomas heeft schulden", "Thomas woont bij Sanne", "Sanne wil geen ruzie met haar zoon"),
        (_Agreement(k["card"], "Sanne",
                    "Sanne geeft haar bankpas en pincode aan niemand. Ook niet aan Thomas.",
                    "Altijd.", "Sanne belt de bank en Anouk."),))
    shout = _Situation(
        k["shout"], UnsafeKind.acute,
        "Thomas schreeuwt tegen Sanne als hij geen geld krijgt.",
        ("Thomas drinkt veel bier", "Sanne is bang voor Thomas"),
        (_Agreement(k["leave"], "Thomas",
                    "Thomas gaat weg als hij gaat schreeuwen. Hij gaat naar zijn vriend Kees.",
                    "Elke keer als hij boos wordt.", "Sanne belt 112."),))
    alone = _Situation(
        k["alone"], UnsafeKind.structural,
        "Sanne is vaak alleen. Zij vraagt niet snel om hulp.",
        ("Sanne heeft weinig contact met buren", "Sanne loopt slecht"),
        (_Agreement(k["coffee"], "Sanne", "Sanne gaat naar de koffieochtend in het buurthuis.",
                    "Elke woensdag om 10.00 uur.", "Anouk belt Sanne op woensdagmiddag."),))
    return _Content(
        (money, shout, alone),
        (
            _help(k["help-debts"], "Een budgetcoach helpt Thomas met zijn schulden.",
                  "Sociaal team Ouder-Amstel"),
            _help(k["help-house"], "Thomas zoekt samen met Dirk een eigen kamer.", "Dirk Hoekstra"),
            _future(k["future-money"], "Sanne beslist zelf over haar geld."),
            _future(k["future-live"], "Thomas woont op zichzelf. Hij bezoekt Sanne graag."),
        ),
        note_for_family="Dit is uw plan. Anouk komt het met u bespreken.")


# --- helpers --------------------------------------------------------------------------------

def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """Amsterdam wall time on a day, in UTC as the timestamp columns store it."""
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=AMSTERDAM).astimezone(dt.UTC)


def _workday(day: dt.date) -> dt.date:
    """The day itself, or the Monday after when it falls in a weekend."""
    return day + dt.timedelta(days=7 - day.weekday()) if day.weekday() >= 5 else day


def _appointment_key() -> str:
    return "appointment-" + uuid.uuid4().hex


def _keys() -> dict[str, str]:
    """Item keys by name within one plan: an item keeps its key in every version."""
    return defaultdict(lambda: uuid.uuid4().hex)


def _add_version(db: Session, plan: SafetyPlan, content: _Content, *, number: int | None,
                 by: Worker, at: dt.datetime, revision: int = 1) -> PlanVersion:
    """A published version (with a number) or the draft (number None) with all its items."""
    published = number is not None
    version = PlanVersion(
        plan_id=plan.id, number=number, revision=revision,
        status=VersionStatus.published if published else VersionStatus.draft,
        note_for_family=content.note_for_family, change_summary=content.change_summary,
        created_at=at - dt.timedelta(days=2), updated_at=at, updated_by=by.id,
        published_at=at if published else None, published_by=by.id if published else None)
    db.add(version)
    db.flush()
    for rank, situation in enumerate(content.situations, start=1):
        row = UnsafeSituation(
            version_id=version.id, key=situation.key, rank=rank, kind=situation.kind,
            description=situation.description, risk_factors="\n".join(situation.risk_factors))
        db.add(row)
        db.flush()
        for position, agreement in enumerate(situation.agreements):
            db.add(SafetyAgreement(
                situation_id=row.id, key=agreement.key, position=position, who=agreement.who,
                what=agreement.what, when=agreement.when,
                if_it_goes_wrong=agreement.if_it_goes_wrong))
    positions: dict[PlanSection, int] = defaultdict(int)
    for item in content.items:
        db.add(PlanItem(version_id=version.id, key=item.key, section=item.section,
                        position=positions[item.section], text=item.text, who=item.who))
        positions[item.section] += 1
    db.flush()
    return version


# --- loading --------------------------------------------------------------------------------

def load(db: Session, today: dt.date | None = None,
         password_hash: Callable[[str], str] = hash_password) -> bool:
    """Create the demo data unless account "anouk" exists; True when it created data."""
    if db.exec(select(Account.id).where(Account.username == "anouk")).first() is not None:
        return False
    today = today or dt.datetime.now(AMSTERDAM).date()
    try:
        _load(db, today, password_hash(DEMO_PASSWORD))  # hashed once: argon2 is slow
        db.commit()
    except Exception:
        db.rollback()
        raise
    return True


def _load(db: Session, today: dt.date, hashed: str) -> None:
    def days(n: int) -> dt.date:
        return today + dt.timedelta(days=n)

    team = Team(name=TEAM_NAME)
    db.add(team)
    accounts: dict[str, Account] = {}
    for demo in DEMO_ACCOUNTS:
        accounts[demo.username] = Account(
            username=demo.username, role=Role(demo.role), display_name=_NAMES[demo.username],
            password_hash=hashed, totp_secret=demo.totp_secret, totp_enrolled=True,
            second_factor="totp", language=demo.language, created_at=_at(days(-200), 9))
        db.add(accounts[demo.username])
    db.flush()

    workers: dict[str, Worker] = {}
    for username, (organisation, phone, (weekdays, start, end)) in _WORKERS.items():
        worker = Worker(account_id=accounts[username].id, team_id=team.id, name=_NAMES[username],
                        organisation=organisation, phone=phone)
        db.add(worker)
        db.flush()
        workers[username] = worker
        for weekday in weekdays:
            db.add(WorkingHours(worker_id=worker.id, weekday=weekday,
                                start=dt.time.fromisoformat(start), end=dt.time.fromisoformat(end)))
    anouk, bram, chantal, dirk = (workers[name] for name in ("anouk", "bram", "chantal", "dirk"))
    # Chantal is away this week: her families see her duo partner as the one to call.
    db.add(Absence(worker_id=chantal.id, first_day=days(-2), last_day=days(4)))

    interpreters = {
        username: Interpreter(account_id=accounts[username].id, name=_NAMES[username],
                              languages=language)
        for username, language in _INTERPRETERS.items()}
    db.add_all(interpreters.values())
    db.flush()
    db.add_all([InterpreterTeam(interpreter_id=i.id, team_id=team.id) for i in interpreters.values()])
    tolk_ar, tolk_tr = interpreters["tolk-ar"], interpreters["tolk-tr"]
    languages = {demo.username: demo.language for demo in DEMO_ACCOUNTS}

    def household(name: str, opened: int, parents: tuple[str, ...],
                  members: tuple[tuple[str, str, int, bool], ...],
                  kept_apart: bool = False) -> tuple[Family, list[Parent]]:
        family = Family(team_id=team.id, name=name, created_at=_at(days(opened), 9),
                        interpreter_needed=any(languages[p] != "nl" for p in parents), parents_kept_apart=kept_apart)
        db.add(family)
        db.flush()
        rows = [Parent(family_id=family.id, account_id=accounts[username].id,
                       name=_NAMES[username], language=languages[username],
                       phone=_PARENT_PHONES[username])
                for username in parents]
        db.add_all(rows)
        for member_name, relation, age, is_child in members:
            db.add(FamilyMember(family_id=family.id, name=member_name, relation=relation,
                                birth_year=today.year - age, is_child=is_child))
        db.flush()
        return family, rows

    # Youssef hit the door twice; Fatima has a safe address he must never see: the parents are kept apart.
    el_idrissi, (fatima, youssef) = household(
        "Gezin El Idrissi", -125, ("ouder-fatima", "ouder-youssef"),
        (("Amira El Idrissi", "kind", 10, True), ("Adam El Idrissi", "kind", 6, True)), kept_apart=True)
    demir, (mehmet,) = household(
        "Gezin Demir", -95, ("ouder-mehmet",),
        (("Elif Demir", "kind", 14, True), ("Emre Demir", "kind", 9, True)))
    nowak, (kasia,) = household(
        "Gezin Nowak", -155, ("ouder-kasia",), (("Zuzia Nowak", "kind", 7, True),))
    kovalenko, (olena,) = household(
        "Gezin Kovalenko", -65, ("ouder-olena",), (("Maksym Kovalenko", "kind", 8, True),))
    de_boer, (sanne,) = household(
        "Huishouden De Boer", -50, ("ouder-sanne",), (("Thomas de Boer", "zoon", 41, False),))

    def duo(family: Family, *assignments: tuple[Worker, DuoRole, int, int | None]) -> None:
        for worker, role, start, end in assignments:
            db.add(DuoAssignment(family_id=family.id, worker_id=worker.id, role=role,
                                 start=days(start), end=None if end is None else days(end)))

    duo(el_idrissi, (bram, DuoRole.contact, -120, None), (anouk, DuoRole.partner, -120, None))
    duo(demir, (chantal, DuoRole.contact, -90, None), (anouk, DuoRole.partner, -90, None))
    # Nowak changed contact person: Anouk until three weeks ago, Dirk from the day after.
    duo(nowak, (anouk, DuoRole.contact, -150, -21), (dirk, DuoRole.contact, -20, None),
        (chantal, DuoRole.partner, -150, None))
    duo(kovalenko, (bram, DuoRole.contact, -60, None), (dirk, DuoRole.partner, -60, None))
    duo(de_boer, (anouk, DuoRole.contact, -45, None), (dirk, DuoRole.partner, -45, None))

    # Plans: El Idrissi has two published versions and a draft; the others one version each.
    v1_content, v2_content, draft_content, only_fatima = _el_idrissi(_keys())
    plan = SafetyPlan(family_id=el_idrissi.id)
    db.add(plan)
    db.flush()
    v1 = _add_version(db, plan, v1_content, number=1, by=bram, at=_at(days(-70), 14))
    v2 = _add_version(db, plan, v2_content, number=2, by=bram, at=_at(days(-3), 11))
    _add_version(db, plan, draft_content, number=None, by=anouk, at=_at(days(-1), 16, 30),
                 revision=3)
    for table in (UnsafeSituation, SafetyAgreement, PlanItem):  # in every version that holds the item
        db.exec(update(table).where(table.key == only_fatima).values(audience=only_for([fatima.id])))

    published: dict[int, PlanVersion] = {}
    for family, content, by, day in ((demir, _demir(_keys()), chantal, -40),
                                     (nowak, _nowak(_keys()), dirk, -14),
                                     (kovalenko, _kovalenko(_keys()), bram, -30),
                                     (de_boer, _de_boer(_keys()), anouk, -20)):
        family_plan = SafetyPlan(family_id=family.id)
        db.add(family_plan)
        db.flush()
        published[family.id] = _add_version(db, family_plan, content, number=1, by=by,
                                            at=_at(days(day), 15))

    # Every current version waits for its translation; the interpreter of the language has the work.
    for version, language in ((v2, "ar"), (published[demir.id], "tr"), (published[nowak.id], "pl"),
                              (published[kovalenko.id], "uk")):
        interpreter = next((i for i in interpreters.values() if i.speaks(language)), None)
        db.add(TranslationJob(version_id=version.id, language=language, opened_at=version.published_at,
                              interpreter_id=interpreter.id if interpreter else None))

    # What the parents did with their plans. Fatima has not opened version 2 yet.
    db.add_all([
        Acknowledgement(parent_id=fatima.id, version_id=v1.id, read_at=_at(days(-69), 20),
                        answer=Answer.agree, answered_at=_at(days(-69), 20, 5)),
        Acknowledgement(parent_id=youssef.id, version_id=v1.id, read_at=_at(days(-68), 21),
                        answer=Answer.question, answered_at=_at(days(-68), 21, 10)),
        PlanQuestion(
            parent_id=youssef.id, version_id=v1.id, kind=Answer.question, asked_at=_at(days(-68), 21, 10),
            text="Wat moet ik doen als de buurvrouw niet thuis is? Dan kan ik de kinderen niet ophalen.",
            reply="Goede vraag. Dan belt u mij. We maken samen een nieuwe afspraak over ophalen.",
            replied_by=bram.id, replied_at=_at(days(-67), 10), handled_at=_at(days(-67), 10)),
        Acknowledgement(parent_id=youssef.id, version_id=v2.id, read_at=_at(days(-2), 19),
                        answer=Answer.agree, answered_at=_at(days(-2), 19, 3)),
        Acknowledgement(parent_id=mehmet.id, version_id=published[demir.id].id, read_at=_at(days(-38), 22),
                        answer=Answer.disagree, answered_at=_at(days(-38), 22, 15)),
        PlanQuestion(
            parent_id=mehmet.id, version_id=published[demir.id].id, kind=Answer.disagree,
            asked_at=_at(days(-38), 22, 15),
            text="Ik ben het niet eens met punt 1. Het was één keer, niet twee keer. "
                 "Ik wil hierover praten met Chantal."),
        Acknowledgement(parent_id=kasia.id, version_id=published[nowak.id].id,
                        read_at=_at(days(-13), 18), answer=Answer.agree,
                        answered_at=_at(days(-13), 18, 2)),
        Acknowledgement(parent_id=olena.id, version_id=published[kovalenko.id].id,
                        read_at=_at(days(-29), 21)),
        Acknowledgement(parent_id=sanne.id, version_id=published[de_boer.id].id,
                        read_at=_at(days(-19), 10), answer=Answer.agree,
                        answered_at=_at(days(-19), 10, 20)),
    ])

    def appointment(family: Family, starts_at: dt.datetime, place: str, with_whom: str,
                    purpose: str, **extra) -> Appointment:
        row = Appointment(family_id=family.id, key=_appointment_key(), starts_at=starts_at,
                          place=place, with_whom=with_whom, purpose=purpose,
                          created_at=_at(days(-30), 9), **extra)
        db.add(row)
        return row

    def on(offset: int, hour: int, minute: int = 0) -> dt.datetime:
        return _at(_workday(days(offset)), hour, minute)

    home = "Bij u thuis"
    appointment(el_idrissi, on(-14, 14), home, "Bram de Wit en Anouk Visser",
                "Gesprek over de nieuwe afspraak over ophalen van school.",
                interpreter_language="ar", interpreter_id=tolk_ar.id)
    appointment(el_idrissi, _at(today, 10), "Kantoor Blijvend Veilig, Amsterdam Nieuw-West",
                "Bram de Wit", "Samen versie 2 van het plan lezen.", duration_minutes=90,
                interpreter_language="ar", interpreter_id=tolk_ar.id)
    safe = appointment(el_idrissi, on(7, 11),
                       "Opvanglocatie Blijf Groep, Kastanjehof 7, Amsterdam (geheim adres)",
                       "Bram de Wit", "Gesprek met Fatima alleen.", safe_place=True,
                       interpreter_language="ar", interpreter_id=tolk_ar.id, audience=only_for([fatima.id]))
    appointment(el_idrissi, on(10, 15, 30), "Basisschool De Regenboog, Amsterdam Nieuw-West",
                "Anouk Visser en de juf van Amira",
                "Gesprek op school over hoe het met Amira gaat.")
    appointment(demir, on(-9, 9, 30), home, "Chantal Pinas", "Gesprek over het plan.",
                interpreter_language="tr", interpreter_id=tolk_tr.id)
    appointment(demir, on(1, 9), home, "Chantal Pinas", "Chantal komt bij u thuis.",
                status=AppointmentStatus.cancelled)
    questions_talk = appointment(demir, on(6, 16), "Kantoor Blijvend Veilig, Amsterdam-Noord",
                                 "Chantal Pinas en Anouk Visser", "Gesprek over uw vragen bij punt 1 van het plan.",
                                 interpreter_language="tr", interpreter_id=tolk_tr.id)
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
    db.flush()
    db.add_all([
        AppointmentAnswer(appointment_id=safe.id, parent_id=fatima.id, response=AppointmentResponse.confirmed),
        AppointmentAnswer(appointment_id=questions_talk.id, parent_id=mehmet.id,
                          response=AppointmentResponse.move_requested,
                          reason="Ik moet dan werken. Kan het een uur later?")])
    db.flush()
