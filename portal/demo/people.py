"""The demo's people: accounts with their fixed authenticator secrets, names, working hours and phones."""
from dataclasses import dataclass

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
    DemoAccount("netwerk-karim", "network", "ar", "FQQ4HKTHVVBDA4CR7FNBFFWAXBG7HSJL",
                "Karim El Idrissi (Arabisch), broer van Youssef, in het netwerk aan Youssefs kant. "
                "Ziet alleen de afspraak over naar buiten gaan als Youssef boos wordt; zegt: dat doe ik."),
    DemoAccount("netwerk-haddou", "network", "nl", "I32IVLGTGWATOXWUMROSWDOJR2F7DG6X",
                "Nadia Haddou, buurvrouw van gezin El Idrissi, in het netwerk van het hele huishouden. "
                "Ziet alleen de afspraak over ophalen van school; kan op dinsdag niet (een taak voor het duo)."),
    DemoAccount("kind-elif", "child", "tr", "GBLY4DSF2NEGTPOA7GVAQOIBYQXXXCOG",
                "Elif Demir (14, Turks), dochter van Mehmet. Heeft een eigen plan en schreef het duo iets "
                "dat haar vader niet ziet."),
    DemoAccount("partner-wijkagent", "partner", "nl", "GFJBFVPMPRKVDMW4GDZZMERKVWFJ35AL",
                "Sander Bakker, wijkagent, Politie Amsterdam-Zuid. Stuurde gisteravond een signaal over "
                "'Yusuf Elidrissi': het kwam meteen bij gezin El Idrissi en Bram."),
    DemoAccount("partner-school", "partner", "nl", "3D5GZQR4OQSOCVQBDLIIQV4XGWF3JR3M",
                "Ilse Verbeek, intern begeleider van de school van Amira. Haar signaal over 'Amira Idrisi' "
                "wacht op de intakelijst van de teamleider."),
)

NAMES = {
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
    "netwerk-karim": "Karim El Idrissi",
    "netwerk-haddou": "Nadia Haddou",
    "kind-elif": "Elif Demir",
    "partner-wijkagent": "Sander Bakker",
    "partner-school": "Ilse Verbeek",
}
# username: organisation, its kind, function
PARTNERS = {"partner-wijkagent": ("Politie Amsterdam-Zuid", "police", "wijkagent"),
            "partner-school": ("Basisschool De Regenboog", "school", "intern begeleider")}

# username: organisation, phone, working hours (weekdays, start, end)
_MON_THU, _MON_FRI = (0, 1, 2, 3), (0, 1, 2, 3, 4)
WORKERS = {
    "anouk": ("Veilig Thuis", "06-12345601", (_MON_THU, "09:00", "17:00")),
    "bram": ("Blijf Groep", "06-12345602", (_MON_FRI, "08:30", "16:30")),
    "chantal": ("Jeugdbescherming Regio Amsterdam", "06-12345603", (_MON_THU, "09:00", "17:00")),
    "dirk": ("William Schrikker Stichting", "06-12345604", ((0, 1, 3), "09:00", "15:00")),
    "teamlead": ("Raad voor de Kinderbescherming", "020-555 01 00", (_MON_FRI, "09:00", "17:00")),
}
# One interpreter for every language of the portal but Dutch (portal/web/i18n.py: LANGUAGES).
INTERPRETERS = {"tolk-ar": "ar", "tolk-tr": "tr", "tolk-en": "en", "tolk-pl": "pl", "tolk-uk": "uk",
                 "tolk-so": "so", "tolk-ti": "ti"}
PARENT_PHONES = {
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
CIRCLE_PHONES = {"netwerk-karim": "06-34567801", "netwerk-haddou": "06-34567802"}
