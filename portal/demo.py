"""Fictional demo data: a team, duos, seven households, plans and appointments, loaded once through the back
office's own services (portal/services), as the team lead, the duos and the parents would have made them."""
import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, replace

from sqlmodel import Session, select

from portal import clock
from portal.accounts.secrets import hash_password
from portal.clock import AMSTERDAM
from portal.models import (
    Account,
    Answer,
    Appointment,
    AppointmentResponse,
    AppointmentStatus,
    DuoRole,
    Family,
    Parent,
    PlanQuestion,
    PlanVersion,
    Role,
    Team,
    TranslationJob,
    Worker,
)
from portal.rules.audience import only_for
from portal.rules.plan_content import Agreement, Item, PlanContent, Situation
from portal.services import appointments, cases, interpreting, plan_versions, publishing, staff, stored_id
from portal.services.duo import current_duo

DEMO_PASSWORD = "veilig-demo-2026"
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
                "Bram de Wit, Blijf Groep. Contactpersoon van El Idrissi en Kovalenko. Duo-partner bij Abdi."),
    DemoAccount("chantal", "worker", "nl", "VYS4YSQQ43YHF7FUJI6TQREB5JVKU3D5",
                "Chantal Pinas, Jeugdbescherming Regio Amsterdam. Contactpersoon van Demir en Tesfay. "
                "Duo-partner bij Nowak. Is deze week afwezig."),
    DemoAccount("dirk", "worker", "nl", "ZZQCQL2ZUTSIF6GKAQ2VIW5NOHIT5DJA",
                "Dirk Hoekstra, William Schrikker Stichting, werkt parttime. Nieuwe contactpersoon van Nowak, "
                "contactpersoon van Abdi. Duo-partner bij Kovalenko, De Boer en Tesfay."),
    DemoAccount("teamlead", "teamlead", "nl", "7I3NY7QVDUB3TOHY3YFJJF7LF3YMHRCV",
                "Marieke Smit, teamleider (Raad voor de Kinderbescherming). "
                "Beheert accounts en duo's."),
    DemoAccount("tolk-ar", "interpreter", "nl", "JRQKIHN7J5W3SBTXAVINMCKA3JC6DFYH",
                "Samira Benali, tolk Arabisch. Vandaag om 10.00 uur gesprek met gezin El Idrissi."),
    DemoAccount("tolk-tr", "interpreter", "nl", "IGCLU6NYPOM2IL6QXLUHDXXXF2XOUMVQ",
                "Zeynep Kaya, tolk Turks. Werkt voor gezin Demir."),
    DemoAccount("tolk-en", "interpreter", "nl", "GFIB6CYINRFEG7Y6XEOIURDRLH3XUR4T",
                "Grace Mensah, tolk Engels. Vertaalt het plan van gezin Tesfay voor Yonas."),
    DemoAccount("tolk-pl", "interpreter", "nl", "SVBGN4CYEFPQLPPOSVO7W4HXZAZEVYIT",
                "Agnieszka Wójcik, tolk Pools. Vertaalt het plan van gezin Nowak."),
    DemoAccount("tolk-uk", "interpreter", "nl", "ZAWTVTJQOAF4WLCPRPX5UAPZMTECV7ST",
                "Iryna Melnyk, tolk Oekraïens. Vertaalt het plan van gezin Kovalenko."),
    DemoAccount("tolk-so", "interpreter", "nl", "RLQACMCQMC7JAH2KVUU2SUIZOJSPDIA7",
                "Hodan Warsame, tolk Somalisch. Vertaalt het plan van gezin Abdi en leest het mee."),
    DemoAccount("tolk-ti", "interpreter", "nl", "UFTAINGHS5CIUYEO7Q7N2JZCC7DRKLXR",
                "Senait Berhane, tolk Tigrinya. Vertaalt het plan van gezin Tesfay voor Selam en leest het mee."),
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
    DemoAccount("ouder-faadumo", "parent", "so", "NGLBVHZ46CUXT7ZWHN3HGZM25FKWURPG",
                "Faadumo Abdi (Somalisch), Amsterdam-West. Haar eerste plan wacht op de vertaling."),
    DemoAccount("ouder-selam", "parent", "ti", "MU3PGISNJUE3SU2LWK5KEUZQPRAXE332",
                "Selam Tesfay (Tigrinya), Amsterdam-Noord. Haar plan wacht op de vertaling."),
    DemoAccount("ouder-yonas", "parent", "en", "6F56BCD3DMTHITKCHUN7IJNIM6C24WZH",
                "Yonas Tesfay (Engels), zelfde gezin als Selam. Las het plan; de Engelse vertaling komt nog."),
)

_NAMES = {
    "anouk": "Anouk Visser",
    "bram": "Bram de Wit",
    "chantal": "Chantal Pinas",
    "dirk": "Dirk Hoekstra",
    "teamlead": "Marieke Smit",
    "tolk-ar": "Samira Benali",
    "tolk-tr": "Zeynep Kaya",
    "tolk-en": "Grace Mensah",
    "tolk-pl": "Agnieszka Wójcik",
    "tolk-uk": "Iryna Melnyk",
    "tolk-so": "Hodan Warsame",
    "tolk-ti": "Senait Berhane",
    "ouder-fatima": "Fatima El Idrissi",
    "ouder-youssef": "Youssef El Idrissi",
    "ouder-mehmet": "Mehmet Demir",
    "ouder-kasia": "Kasia Nowak",
    "ouder-olena": "Olena Kovalenko",
    "ouder-sanne": "Sanne de Boer",
    "ouder-faadumo": "Faadumo Abdi",
    "ouder-selam": "Selam Tesfay",
    "ouder-yonas": "Yonas Tesfay",
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
# One interpreter for every language of the portal but Dutch (portal/web/i18n.py: LANGUAGES).
_INTERPRETERS = {"tolk-ar": "ar", "tolk-tr": "tr", "tolk-en": "en", "tolk-pl": "pl", "tolk-uk": "uk",
                 "tolk-so": "so", "tolk-ti": "ti"}
_PARENT_PHONES = {
    "ouder-fatima": "06-23456701",
    "ouder-youssef": "06-23456702",
    "ouder-mehmet": "06-23456703",
    "ouder-kasia": "06-23456704",
    "ouder-olena": "06-23456705",
    "ouder-sanne": "06-23456706",
    "ouder-faadumo": "06-23456707",
    "ouder-selam": "06-23456708",
    "ouder-yonas": "06-23456709",
}


# --- plan content ---------------------------------------------------------------------------

_Version = tuple[PlanContent, str]  # a published version's content and its note for the family


def _situation(key: str, kind: str, description: str, risk_factors: tuple[str, ...],
               agreements: tuple[Agreement, ...]) -> Situation:
    return Situation(key, 0, kind, description, risk_factors, agreements)  # _plan ranks them


def _plan(situations: tuple[Situation, ...], items: tuple[Item, ...], note_for_family: str = "") -> _Version:
    """The Top 3 in the order given, and the help and future plans."""
    ranked = tuple(replace(situation, rank=rank) for rank, situation in enumerate(situations, start=1))
    return PlanContent(ranked, items), note_for_family


def _help(key: str, text: str, who: str) -> Item:
    return Item(key, "help", text, who)


def _future(key: str, text: str) -> Item:
    return Item(key, "future", text)


def _el_idrissi(k: dict[str, str], fatima: int) -> tuple[_Version, _Version, tuple[PlanContent, ...]]:
    """Versions 1 and 2, and the draft as saved twice since; the safe address is for Fatima only."""
    pick_up_v1 = Agreement(
        k["pick-up"], "Youssef",
        "Youssef haalt Amira en Adam op van school. Lukt het niet? "
        "Dan haalt buurvrouw mevrouw Haddou hen op.",
        "Maandag, dinsdag en donderdag om 15.15 uur.",
        "De school belt Fatima. Fatima belt Bram.")
    walk_away = Agreement(
        k["walk-away"], "Youssef",
        "Youssef merkt dat hij boos wordt. Hij gaat dan naar buiten en loopt een half uur.",
        "Elke keer als hij boos wordt.",
        "Fatima gaat met de kinderen naar een andere kamer. Bij gevaar belt zij 112.")
    no_money_talk = Agreement(
        k["no-money-talk"], "Fatima en Youssef",
        "Fatima en Youssef praten niet over geld als Amira en Adam erbij zijn.",
        "Altijd.",
        "Zij vertellen het aan Bram bij het volgende gesprek.")
    budget = Agreement(
        k["budget"], "Fatima en Youssef",
        "Fatima en Youssef gaan samen naar het spreekuur van de budgetcoach. "
        "Zij nemen alle brieven mee.",
        "Elke eerste dinsdag van de maand.",
        "Anouk maakt samen met hen een nieuwe afspraak.")
    fight = _situation(
        k["fight"], "acute",
        "Fatima en Youssef hebben vaak harde ruzie. Youssef sloeg twee keer hard tegen de deur. "
        "Amira en Adam zien en horen dat.",
        ("Zorgen over geld", "Youssef slaapt slecht", "Weinig steun van familie in Nederland"),
        (walk_away,))
    school = _situation(
        k["school"], "acute",
        "Amira en Adam staan soms lang alleen te wachten bij school.",
        ("Fatima werkt tot 15.00 uur", "De ouders hebben geen vaste afspraak over ophalen"),
        (pick_up_v1,))
    debts = _situation(
        k["debts"], "structural",
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
    v1 = _plan(
        (fight, school, debts), (coach, anger, course, *futures),
        note_for_family="Dit is uw eerste plan. Lees het rustig door. "
                        "Klopt er iets niet? Laat het ons weten.")

    # Version 2: the pick-up agreement changed, the finished course is gone, and two items
    # are new: talks at school (for everyone) and the safe address (for Fatima only).
    pick_up_v2 = replace(
        pick_up_v1, who="Fatima",
        what="Fatima haalt Amira en Adam op van school. Op woensdag haalt oma hen op.",
        when="Elke schooldag om 15.15 uur. Op woensdag om 12.15 uur.")
    safe_address = Agreement(
        k["safe-address"], "Fatima",
        "Fatima heeft een veilig adres. Zij kan daar met Amira en Adam naartoe. "
        "Het adres staat niet in dit plan. Bram weet het adres.",
        "Als Fatima zich thuis niet veilig voelt. Dag en nacht.",
        "Fatima belt Bram. 's Avonds en in het weekend belt zij 0800-2000. "
        "Bij gevaar belt zij 112.", audience=only_for([fatima]))
    school_talks = _help(k["school-talks"],
                         "Amira praat elke twee weken met een hulpverlener op school.",
                         "Basisschool De Regenboog")
    v2 = _plan(
        (replace(fight, agreements=(walk_away, safe_address)),
         replace(school, agreements=(pick_up_v2,)),
         debts),
        (coach, anger, school_talks, *futures),
        note_for_family="Er is iets veranderd over het ophalen van school. "
                        "Lees het plan en laat weten of u het eens bent.")

    # The draft: Anouk added that Youssef calls his brother, and saved again once she knew his name.
    drafts = []
    for call in ("Hij belt ook zijn broer.", "Hij belt ook zijn broer Karim."):
        walk_away_draft = replace(walk_away, what=f"{walk_away.what} {call}")
        content = v2[0]
        drafts.append(replace(content, situations=(
            replace(content.situations[0], agreements=(walk_away_draft, safe_address)), *content.situations[1:])))
    return v1, v2, tuple(drafts)


def _demir(k: dict[str, str]) -> _Version:
    """The one plan that uses two jargon words on purpose, so their explanation shows."""
    hit = _situation(
        k["hit"], "acute",
        "Mehmet heeft Emre twee keer geslagen toen hij boos was.",
        ("Mehmet zorgt alleen voor twee kinderen", "Mehmet werkt 's nachts en slaapt weinig",
         "Emre luistert thuis slecht"),
        (Agreement(k["stop"], "Mehmet",
                    "Mehmet slaat de kinderen nooit. Wordt hij boos? "
                    "Dan gaat hij naar een andere kamer. Hij belt zijn broer Hasan.",
                    "Elke keer als hij boos wordt.",
                    "Elif mag altijd oom Hasan bellen. Bij gevaar belt zij 112."),))
    school = _situation(
        k["school"], "structural",
        "Emre gaat vaak niet naar school. Hij mist veel lessen.",
        ("Mehmet komt 's ochtends laat thuis van zijn werk", "Emre heeft geen vriendjes op school"),
        (Agreement(k["bring"], "Mehmet", "Mehmet brengt Emre naar school.",
                    "Elke schooldag om 8.20 uur.",
                    "De school belt Chantal als Emre er om 9.00 uur niet is."),))
    alone = _situation(
        k["alone"], "structural",
        "Mehmet heeft weinig hulp bij de zorg voor Elif en Emre.",
        ("De moeder van de kinderen woont in Turkije", "Mehmet vraagt niet graag om hulp"),
        (Agreement(k["friday"], "Oom Hasan en tante Derya",
                    "Oom Hasan en tante Derya zorgen voor Elif en Emre.",
                    "Elke vrijdag na school tot zaterdagmiddag.",
                    "Mehmet belt Chantal. Zij zoekt samen met hem andere hulp."),))
    return _plan(
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


def _nowak(k: dict[str, str]) -> _Version:
    drink = _situation(
        k["drink"], "acute",
        "Kasia drinkt 's avonds vaak alcohol. Dan let niemand op Zuzia.",
        ("Kasia is veel alleen", "Zuzia heeft veel zorg nodig",
         "Kasia kent weinig mensen in Diemen"),
        (Agreement(k["no-drink"], "Kasia",
                    "Kasia drinkt geen alcohol als zij alleen voor Zuzia zorgt.",
                    "Altijd.",
                    "Kasia belt buurvrouw Marta. Marta komt dan bij Zuzia. "
                    "Dirk komt dezelfde week langs."),
         Agreement(k["respite"], "Kasia en Dirk",
                    "Zuzia gaat naar een opvang voor kinderen met een beperking.",
                    "Dinsdag en donderdag, van 13.00 tot 18.00 uur.",
                    "Dirk zoekt samen met Kasia een andere plek.")))
    money = _situation(
        k["money"], "structural",
        "Kasia heeft geen vast werk en weinig geld.",
        ("Kasia spreekt nog weinig Nederlands", "Kasia heeft schulden in Polen"),
        (Agreement(k["language"], "Kasia", "Kasia gaat naar de taalles in de bibliotheek.",
                    "Elke maandagochtend.",
                    "Kasia vertelt het aan Dirk. Samen zoeken zij een andere les."),))
    return _plan(
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


def _kovalenko(k: dict[str, str]) -> _Version:
    threats = _situation(
        k["threats"], "acute",
        "De vader van Maksym stuurt Olena berichten waarin hij dreigt.",
        ("De vader weet in welke stad Olena woont", "Olena is bang en slaapt slecht"),
        (Agreement(k["keep"], "Olena",
                    "Olena reageert niet op de berichten. "
                    "Zij bewaart ze en laat ze aan Bram zien.",
                    "Elke keer als er een bericht komt.",
                    "Staat de vader voor de deur? Dan belt Olena 112."),
         Agreement(k["school-pickup"], "Olena en de school",
                    "Alleen Olena mag Maksym van school ophalen. De school weet dat.",
                    "Elke schooldag.",
                    "De school belt Olena en de politie.")))
    rest = _situation(
        k["rest"], "structural",
        "Olena en Maksym wonen in een opvang. Er is weinig rust en ruimte.",
        ("Olena en Maksym delen een kamer", "Olena heeft nog geen werk"),
        (Agreement(k["club"], "Olena", "Na school gaat Maksym naar de opvang van school.",
                    "Maandag tot en met donderdag.", "Olena belt Bram."),))
    return _plan(
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


def _de_boer(k: dict[str, str]) -> _Version:
    money = _situation(
        k["money"], "acute",
        "Thomas neemt geld van de bankrekening van Sanne.",
        ("Thomas heeft schulden", "Thomas woont bij Sanne", "Sanne wil geen ruzie met haar zoon"),
        (Agreement(k["card"], "Sanne",
                    "Sanne geeft haar bankpas en pincode aan niemand. Ook niet aan Thomas.",
                    "Altijd.", "Sanne belt de bank en Anouk."),))
    shout = _situation(
        k["shout"], "acute",
        "Thomas schreeuwt tegen Sanne als hij geen geld krijgt.",
        ("Thomas drinkt veel bier", "Sanne is bang voor Thomas"),
        (Agreement(k["leave"], "Thomas",
                    "Thomas gaat weg als hij gaat schreeuwen. Hij gaat naar zijn vriend Kees.",
                    "Elke keer als hij boos wordt.", "Sanne belt 112."),))
    alone = _situation(
        k["alone"], "structural",
        "Sanne is vaak alleen. Zij vraagt niet snel om hulp.",
        ("Sanne heeft weinig contact met buren", "Sanne loopt slecht"),
        (Agreement(k["coffee"], "Sanne", "Sanne gaat naar de koffieochtend in het buurthuis.",
                    "Elke woensdag om 10.00 uur.", "Anouk belt Sanne op woensdagmiddag."),))
    return _plan(
        (money, shout, alone),
        (
            _help(k["help-debts"], "Een budgetcoach helpt Thomas met zijn schulden.",
                  "Sociaal team Ouder-Amstel"),
            _help(k["help-house"], "Thomas zoekt samen met Dirk een eigen kamer.", "Dirk Hoekstra"),
            _future(k["future-money"], "Sanne beslist zelf over haar geld."),
            _future(k["future-live"], "Thomas woont op zichzelf. Hij bezoekt Sanne graag."),
        ),
        note_for_family="Dit is uw plan. Anouk komt het met u bespreken.")


def _abdi(k: dict[str, str]) -> _Version:
    door = _situation(
        k["door"], "acute",
        "De ex-partner van Faadumo komt soms onverwacht langs. Hij schreeuwt dan in het trappenhuis.",
        ("Hij weet waar Faadumo woont", "Faadumo durft de buren niet om hulp te vragen"),
        (Agreement(k["no-door"], "Faadumo",
                   "Faadumo doet de deur niet open als hij aanbelt. Zij belt Dirk.",
                   "Elke keer als hij aanbelt.",
                   "Bij gevaar belt Faadumo 112."),))
    care = _situation(
        k["care"], "structural",
        "Ayaan zorgt vaak voor haar broertje Yusuf.",
        ("Faadumo werkt 's avonds", "Er is niemand die op Yusuf past"),
        (Agreement(k["neighbour"], "Faadumo",
                   "Buurvrouw Amal past op Yusuf als Faadumo werkt.",
                   "Maandag tot en met vrijdag, van 18.00 tot 21.00 uur.",
                   "Faadumo belt Bram. Samen zoeken zij iemand anders."),))
    return _plan(
        (door, care),
        (
            _help(k["help-talks"], "Faadumo praat elke week met een hulpverlener over wat zij heeft meegemaakt.",
                  "Mevrouw Bakker, hulpverlener in West"),
            _future(k["future-safe"], "Faadumo en de kinderen voelen zich veilig thuis."),
            _future(k["future-play"], "Ayaan heeft tijd om te spelen."),
        ),
        note_for_family="Dit is uw eerste plan. Dirk leest het met u en tolk Hodan.")


def _tesfay(k: dict[str, str]) -> _Version:
    drink = _situation(
        k["drink"], "acute",
        "Selam en Yonas maken ruzie als Yonas veel drinkt. Saba is dan bang.",
        ("Yonas drinkt in het weekend veel", "Selam en Yonas kennen weinig mensen in Nederland"),
        (Agreement(k["no-drink"], "Yonas",
                   "Yonas drinkt geen alcohol als hij voor Saba zorgt.",
                   "Altijd.",
                   "Selam belt Chantal. Bij gevaar belt zij 112."),))
    help_nearby = _situation(
        k["nearby"], "structural",
        "Selam en Yonas weten niet waar zij hulp kunnen vragen.",
        ("Zij spreken nog weinig Nederlands", "Zij wonen pas een jaar in Amsterdam"),
        (Agreement(k["walk-in"], "Selam en Yonas",
                   "Selam en Yonas gaan samen naar het buurthuis.",
                   "Elke donderdagmiddag.",
                   "Dirk belt hen op vrijdag."),))
    return _plan(
        (drink, help_nearby),
        (
            _help(k["help-drink"], "Yonas praat met een hulpverlener over zijn drinken.",
                  "Meneer Bos, hulpverlener in Noord"),
            _future(k["future-calm"], "Saba groeit op in een rustig huis."),
            _future(k["future-friends"], "Selam en Yonas kennen mensen in hun buurt."),
        ),
        note_for_family="Dit is uw plan. Chantal en Dirk lezen het met u.")


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
         password_hash: Callable[[str], str] = hash_password) -> bool:
    """Create the demo data unless account "anouk" exists; True when it created data. The services commit as
    they do for the back office, so a load that fails half-way wants a fresh database."""
    if db.exec(select(Account.id).where(Account.username == "anouk")).first() is not None:
        return False
    today = today or clock.today()
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
        if demo.username in _WORKERS:
            organisation, phone, (weekdays, start, end) = _WORKERS[demo.username]
            details = staff.StaffDetails(_NAMES[demo.username], organisation, phone, tuple(
                (day, dt.time.fromisoformat(start), dt.time.fromisoformat(end)) for day in weekdays))
        elif demo.username in _INTERPRETERS:
            details = staff.StaffDetails(_NAMES[demo.username], languages=(_INTERPRETERS[demo.username],))
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

    def household(name: str, opened: int, duo: tuple[Worker, Worker], parents: tuple[str, ...],
                  members: tuple[cases.Member, ...], kept_apart: bool = False) -> tuple[Family, list[Parent]]:
        """Intake by the team lead (the duo starts five days after the household was opened), then a letter
        for each parent, whose account the demo makes ready to sign in."""
        settings = cases.Household(name, interpreter_needed=any(demos[p].language != "nl" for p in parents),
                                   parents_kept_apart=kept_apart)
        typed = [cases.Member("parent", _NAMES[p], language=demos[p].language, phone=_PARENT_PHONES[p])
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

    def published(family: Family, version: _Version, by: Worker, at: dt.datetime) -> PlanVersion:
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
    v1_content, v2_content, draft_contents = _el_idrissi(_keys(), stored_id(fatima.id))
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
                for family, content, by, day in ((demir, _demir, chantal, -40), (nowak, _nowak, dirk, -14),
                                                 (kovalenko, _kovalenko, bram, -30), (de_boer, _de_boer, anouk, -20),
                                                 (abdi, _abdi, dirk, -10), (tesfay, _tesfay, chantal, -6))}

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
    appointments.respond(db, safe, stored_id(fatima.id), AppointmentResponse.confirmed)
    appointments.respond(db, questions_talk, stored_id(mehmet.id), AppointmentResponse.move_requested,
                         "Ik moet dan werken. Kan het een uur later?")
    db.flush()
