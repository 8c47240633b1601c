"""Glossary: youth-protection, legal and care jargon with a plain Dutch alternative (B1), and the portal's own
words that parents meet (duo, toekomstplan, activeringscode): explained to parents, never flagged to the duo."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    word: str
    plain: str
    explanation: str
    jargon: bool = True  # False: an ordinary word of the portal or of daily help, explained but not flagged


TERMS: tuple[Term, ...] = (
    Term(
        "ondertoezichtstelling",
        "toezicht door de rechter",
        "De rechter beslist dat uw gezin hulp moet krijgen. "
        "Een vaste begeleider kijkt mee of het goed gaat met uw kind.",
    ),
    Term(
        "OTS",
        "toezicht door de rechter",
        "Korte naam voor toezicht door de rechter. "
        "Een vaste begeleider helpt uw gezin en kijkt of uw kind veilig is.",
    ),
    Term(
        "uithuisplaatsing",
        "wonen buiten huis",
        "Uw kind gaat een tijd ergens anders wonen, bijvoorbeeld bij familie. "
        "De rechter beslist hierover.",
    ),
    Term(
        "gezag",
        "het recht om te beslissen",
        "U mag belangrijke dingen voor uw kind beslissen. "
        "Bijvoorbeeld over school, de dokter en waar uw kind woont.",
    ),
    Term(
        "gezinsvoogd",
        "vaste begeleider van uw gezin",
        "Deze persoon helpt uw gezin als de rechter dat heeft beslist. "
        "Hij of zij kijkt of uw kind veilig is.",
    ),
    Term(
        "raadsonderzoek",
        "onderzoek of uw kind veilig is",
        "Iemand van de Raad praat met u, uw kind en anderen. "
        "Daarna geeft de Raad advies aan de rechter.",
    ),
    Term(
        "maatregel",
        "beslissing van de rechter",
        "De rechter beslist dat er iets moet gebeuren om uw kind te beschermen. "
        "Bijvoorbeeld toezicht op uw gezin.",
    ),
    Term(
        "verzoekschrift",
        "brief aan de rechter",
        "In deze brief vraagt iemand de rechter om een beslissing. "
        "U krijgt een kopie en mag erop reageren.",
    ),
    Term(
        "hulpverleningsplan",
        "plan voor de hulp",
        "Hierin staat welke hulp uw gezin krijgt. "
        "Ook staat erin wat de doelen zijn en wie wat doet.",
    ),
    Term(
        "veiligheidsplan",
        "plan om veilig te zijn",
        "Hierin staan afspraken om uw kind veilig te houden. "
        "U maakt het plan samen met uw begeleider en mensen om u heen.",
    ),
    Term(
        "toekomstplan",
        "plan voor later",
        "Hierin staat hoe het later verder gaat met uw kind. "
        "Bijvoorbeeld waar uw kind woont en naar school gaat.",
        jargon=False,  # a heading of the parents' plan page
    ),
    Term(
        "hulpplan",
        "plan voor de hulp",
        "Hierin staat welke hulp uw gezin krijgt en van wie. "
        "Bijvoorbeeld hulp bij geld of een begeleider thuis.",
        jargon=False,  # a heading of the parents' plan page
    ),
    Term(
        "duo",
        "uw twee vaste begeleiders",
        "Twee vaste begeleiders helpen uw gezin samen. "
        "Is de een er niet? Dan helpt de ander.",
        jargon=False,
    ),
    Term(
        "acuut",
        "nu meteen",
        "Het is nu niet veilig. Dit moet eerst stoppen. Daarna werken we aan de rest.",
        jargon=False,  # the label of a situation on the plan page
    ),
    Term(
        "structureel",
        "steeds weer",
        "Een probleem dat er al lang is en steeds terugkomt. Het oplossen kost meer tijd.",
        jargon=False,  # the label of a situation on the plan page
    ),
    Term(
        "opvang",
        "een plek om te blijven",
        "Een plek waar u of uw kind een tijd kan zijn. "
        "Bijvoorbeeld een veilig huis bij geweld, of zorg voor kinderen overdag.",
        jargon=False,
    ),
    Term(
        "spreekuur",
        "tijd om langs te komen",
        "Een vaste tijd waarop u zonder afspraak kunt langskomen of bellen. "
        "Bijvoorbeeld bij de huisarts of op school.",
        jargon=False,
    ),
    Term(
        "budgetcoach",
        "hulp bij geld",
        "Iemand die u helpt met uw geld. "
        "Samen maakt u een overzicht en betaalt u rekeningen op tijd.",
        jargon=False,
    ),
    Term(
        "intern begeleider",
        "begeleider op school",
        "Een leraar die op school extra hulp regelt voor kinderen. "
        "U kunt met vragen over uw kind bij hem of haar terecht.",
        jargon=False,
    ),
    Term(
        "activeringscode",
        "code om te beginnen",
        "Een code in de brief die u kreeg. "
        "Met deze code zet u uw account aan en kiest u een wachtwoord.",
        jargon=False,  # parents type it on the first page they see
    ),
    Term(
        "jeugdbescherming",
        "bescherming van kinderen",
        "Hulp voor kinderen die thuis niet veilig zijn. "
        "Soms beslist de rechter dat deze hulp nodig is.",
    ),
    Term(
        "kinderbescherming",
        "bescherming van kinderen",
        "Hulp en regels om kinderen te beschermen. Zo kunnen kinderen veilig groot worden.",
    ),
    Term(
        "kinderrechter",
        "rechter voor kinderen",
        "Deze rechter beslist over zaken van kinderen. "
        "Bijvoorbeeld over hulp voor het gezin of over waar een kind woont.",
    ),
    Term(
        "voogdij",
        "iemand anders beslist voor uw kind",
        "Een ander persoon of een organisatie beslist over uw kind, in plaats van de ouders. "
        "De rechter bepaalt dit.",
    ),
    Term(
        "jeugdreclassering",
        "begeleiding na een strafzaak",
        "Een jongere heeft iets gedaan wat niet mag volgens de wet. "
        "Een begeleider helpt de jongere om dat niet opnieuw te doen.",
    ),
    Term(
        "casusregie",
        "de leiding over de hulp",
        "Eén persoon houdt het overzicht over alle hulp aan uw gezin. "
        "Die persoon zorgt dat iedereen goed samenwerkt.",
    ),
    Term(
        "escalatie",
        "als het erger wordt",
        "De situatie wordt erger. "
        "Of een probleem gaat naar iemand die meer mag beslissen.",
    ),
    Term(
        "interventie",
        "actie om te helpen",
        "Iets wat de hulpverlener doet om iets te veranderen. "
        "Bijvoorbeeld een gesprek, een training of hulp thuis.",
    ),
    Term(
        "signalering",
        "zien dat er iets mis is",
        "Iemand ziet dat het misschien niet goed gaat met een kind. "
        "Bijvoorbeeld de juf, de huisarts of een buurvrouw.",
    ),
    Term(
        "zorgmelding",
        "melding van zorgen",
        "Iemand meldt dat hij zich zorgen maakt over een kind. "
        "Daarna kijkt een organisatie wat nodig is.",
    ),
    Term(
        "multidisciplinair",
        "met mensen uit verschillende vakken",
        "Mensen met een ander vak werken samen aan de hulp. "
        "Bijvoorbeeld een dokter, een leraar en een begeleider.",
    ),
    Term(
        "ambulant",
        "hulp terwijl u thuis woont",
        "U krijgt hulp en blijft gewoon thuis wonen. "
        "De begeleider komt bij u, of u gaat naar een afspraak.",
    ),
    Term(
        "residentieel",
        "wonen op een plek met begeleiders",
        "Uw kind woont een tijd op een plek met begeleiders. "
        "Daar krijgt uw kind dag en nacht hulp.",
    ),
    Term(
        "indicatie",
        "besluit dat hulp nodig is",
        "Iemand besluit dat uw kind of gezin een bepaalde hulp nodig heeft. "
        "Daarna kan de hulp beginnen.",
    ),
    Term(
        "beschikking",
        "officieel besluit",
        "Een besluit op papier van de rechter of de gemeente. "
        "Daarin staat wat er is besloten en waarom.",
    ),
    Term(
        "machtiging",
        "toestemming van de rechter",
        "De rechter geeft toestemming voor een grote stap. "
        "Bijvoorbeeld dat een kind ergens anders gaat wonen.",
    ),
    Term(
        "gesloten jeugdzorg",
        "hulp op een afgesloten plek",
        "Een jongere woont een tijd op een plek die op slot zit. "
        "Dit mag alleen als de rechter toestemming geeft.",
    ),
    Term(
        "pleegzorg",
        "wonen in een ander gezin",
        "Een kind woont een tijd bij een ander gezin. "
        "Dat kan bij familie zijn of bij andere mensen.",
    ),
    Term(
        "omgangsregeling",
        "afspraken over contact",
        "Afspraken over wanneer en hoe vaak uw kind de andere ouder of familie ziet.",
    ),
    Term(
        "huisverbod",
        "tijdelijk niet thuis mogen komen",
        "De burgemeester beslist dat iemand een tijd niet thuis mag komen. "
        "Dat gebeurt als er thuis geweld is.",
    ),
    Term(
        "contactverbod",
        "geen contact mogen hebben",
        "Iemand mag een ander niet bellen, geen berichten sturen en niet opzoeken. "
        "De rechter of de politie beslist dit.",
    ),
    Term(
        "Veilig Thuis",
        "meldpunt bij geweld thuis",
        "Hier kunt u hulp of advies vragen bij geweld thuis. "
        "Ook anderen kunnen hier hun zorgen over een kind melden.",
    ),
    Term(
        "Raad voor de Kinderbescherming",
        "organisatie die onderzoek doet",
        "Deze organisatie onderzoekt of een kind veilig is. "
        "Daarna geeft de Raad advies aan de rechter.",
    ),
    Term(
        "risicotaxatie",
        "inschatting van het gevaar",
        "De begeleider schat in hoe groot de kans is dat het misgaat. "
        "Dat doet hij met vaste vragen.",
    ),
    Term(
        "draagkracht",
        "wat u aankunt",
        "Alles wat u helpt om problemen aan te kunnen. "
        "Bijvoorbeeld een goede gezondheid, steun van familie of genoeg geld.",
    ),
    Term(
        "draaglast",
        "wat zwaar voor u is",
        "Alles wat het leven zwaar maakt. "
        "Bijvoorbeeld schulden, ziekte, ruzie of zorgen over de kinderen.",
    ),
    Term(
        "triage",
        "eerste inschatting",
        "In een eerste gesprek kijkt iemand hoe ernstig de situatie is. "
        "Daarna kiest hij welke hulp nodig is.",
    ),
    Term(
        "sociaal netwerk",
        "mensen om u heen",
        "Familie, vrienden, buren en andere mensen die u kent. "
        "Zij kunnen u helpen en steunen.",
    ),
    Term(
        "netwerkberaad",
        "overleg met mensen om u heen",
        "Een gesprek met familie, vrienden en hulpverleners. "
        "Samen maakt u afspraken om uw kind te helpen.",
    ),
    Term(
        "perspectief",
        "waar uw kind opgroeit",
        "Waar en bij wie uw kind de komende jaren woont en groot wordt. "
        "Bijvoorbeeld weer thuis of in een ander gezin.",
    ),
    Term(
        "stabiliseren",
        "rustig maken",
        "Zorgen dat de situatie rustig wordt en niet verder misgaat. "
        "Daarna kunt u samen werken aan verandering.",
    ),
    Term(
        "structurele onveiligheid",
        "gevaar dat steeds terugkomt",
        "Uw kind is vaak of lang niet veilig. "
        "Het gevaar komt steeds terug, ook als het even beter gaat.",
    ),
    Term(
        "acute onveiligheid",
        "direct gevaar",
        "Uw kind is nu in gevaar. "
        "Er moet meteen iets gebeuren om uw kind te beschermen.",
    ),
    Term(
        "risicofactor",
        "iets wat het gevaar groter maakt",
        "Iets wat de kans groter maakt dat het misgaat. "
        "Bijvoorbeeld drank, drugs, schulden of veel ruzie.",
    ),
    Term(
        "GGZ",
        "hulp bij psychische problemen",
        "Hulp voor mensen met problemen in hun hoofd of gevoel. "
        "Bijvoorbeeld bij angst, veel verdriet of verslaving.",
    ),
    Term(
        "wijkagent",
        "politieagent van uw buurt",
        "Een politieagent die bij uw buurt hoort. "
        "U kunt hem of haar vragen stellen of zorgen vertellen.",
    ),
    Term(
        "Blijf Groep",
        "hulp bij geweld thuis",
        "Een organisatie die helpt bij geweld thuis. "
        "U kunt er praten, advies krijgen en soms een tijd veilig wonen.",
    ),
    Term(
        "rapportage",
        "verslag",
        "Een verslag over hoe het gaat met uw kind en gezin. "
        "U mag het lezen en erop reageren.",
    ),
    Term(
        "evaluatie",
        "terugblik",
        "Samen terugkijken: wat ging goed en wat kan beter? "
        "Daarna maakt u nieuwe afspraken.",
    ),
    Term(
        "zienswijze",
        "uw mening",
        "Uw mening over een besluit of een plan. "
        "U mag die opschrijven of vertellen voordat iemand iets beslist.",
    ),
)

BY_WORD: dict[str, Term] = {term.word.lower(): term for term in TERMS}
