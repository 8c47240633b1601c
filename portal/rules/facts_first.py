"""Facts first: marks guesses and judgements in Dutch plan text, leaving facts, quotes and agreements alone."""
import re
from dataclasses import dataclass

from portal.rules.plan_content import PlanContent
from portal.rules.sentences import sentences as split_sentences


def N_(message: str) -> str:
    """An English msgid for the catalogues (extracted by the N_ keyword); the page translates it when shown."""
    return message


HINTS = {
    "hedge": N_("A guess, not a fact. Write what was seen or said, when, and by whom."),
    "judgement": N_("A judgement, not a fact. Write what was seen or said, when, and by whom."),
}

# Dutch adjective endings: agressief -> agressieve, agressiever, agressiefst; onverzorgd -> onverzorgde.
_ADJECTIVE = r"(?:e|er|ere|st|ste|s)?"

# Words and phrases of the writer's own guessing: the reader cannot tell what was seen or who said it.
# Each is a regular expression matched on whole words, case-insensitively.
HEDGES = (
    r"lijk(?:t|en)?(?! ?op\b)|leek|leken",  # "lijkt overbelast", "lijkt erop"; not "lijkt op" (looks like)
    r"schijnt|schijnbaar|ogenschijnlijk",
    r"waarschijnlijk|vermoedelijk|mogelijkerwijs|misschien|wellicht|kennelijk|blijkbaar|klaarblijkelijk",
    r"mogelijk",  # "mogelijk is oma ..."; "zo snel mogelijk" is _NOT_A_GUESS
    r"(?:ik|wij|we) (?:denk|denken|dacht|dachten|vermoed|vermoeden|vermoedde|vind|vinden|vond|vonden|"
    r"schat|schatten)(?: in)?",  # the writer's own view; "moeder denkt dat" is a reported view
    r"(?:denk|denken|vermoed|vermoeden|vind|vinden|schat) (?:ik|wij|we)",
    r"volgens (?:mij|ons)|naar (?:mijn|onze) (?:idee|mening|inschatting|indruk|gevoel)",
    r"(?:ik|wij|we) (?:heb|hebben) (?:het gevoel|de indruk)|het gevoel dat|de indruk dat",
    r"(?:maakt|maakte|maken|maakten) een \w+ indruk",  # "maakte een verwarde indruk"
    r"(?:komt|kwam|komen|kwamen) (?:\w+ ){1,2}over",  # "komt ongemotiveerd over"
    r"zou(?:den)? kunnen|(?:zal|zullen) (?:\w+ ){0,3}wel",  # "zal de afspraak wel vergeten"
    r"vast (?:wel|weer|niet)",  # "is vast weer vergeten"; not "vast werk"
    r"het is (?:niet )?(?:duidelijk|opvallend|aannemelijk|te verwachten|de vraag)",
    r"duidelijk(?= (?:angstig|bang|onder invloed|boos|niet|geen|overbelast|verward))",
    r"(?:niet )?uit te sluiten",
    r"doet alsof|doen alsof|deed alsof",
)

# Labels and judgements about people, their homes and their care: they say what the writer thinks of it,
# not what happened. Inflections come from _ADJECTIVE and the verb forms written out.
JUDGEMENTS = (
    rf"agressie|agressie(?:f|v){_ADJECTIVE}|agressiviteit",
    rf"onverzorgd{_ADJECTIVE}",
    rf"(?:on)?gemotiveerd{_ADJECTIVE}",  # "ongemotiveerd", "onvoldoende gemotiveerd"
    rf"onverschillig{_ADJECTIVE}|onverschilligheid|ongeïnteresseerd{_ADJECTIVE}|ongeinteresseerd{_ADJECTIVE}",
    r"(?:een )?(?:slecht|slechte|goede|onmachtige) (?:moeder|vader|ouder|opvoeder)s?",
    r"onmachtig\w*|onvermogen|niet in staat",
    r"(?:weiger|weigert|weigeren|weigerde|weigerden|geweigerd)(?: \w+){0,4} (?:mee te werken|medewerking)",
    r"(?:werkt|werken|werkte|werkten) (?:\w+ )?niet mee|(?:on)?coöperatie(?:f|v)\w*|(?:on)?cooperatie(?:f|v)\w*",
    rf"manipulatie(?:f|v){_ADJECTIVE}|manipul(?:eert|eren|eerde)",
    rf"chaotisch{_ADJECTIVE}|chaos",
    rf"(?:in)?stabiel{_ADJECTIVE}|labiel{_ADJECTIVE}|hysterisch{_ADJECTIVE}|overdreven|emotione(?:el|le)",
    r"onberekenba(?:ar|re)\w*|onvoorspelba(?:ar|re)\w*|onbetrouwba(?:ar|re)\w*|niet te vertrouwen",
    rf"dreigend{_ADJECTIVE}|intimiderend{_ADJECTIVE}|vijandig{_ADJECTIVE}|dominant{_ADJECTIVE}",
    rf"opvliegend{_ADJECTIVE}|explosie(?:f|v){_ADJECTIVE}|kort lontje|brutaa?l{_ADJECTIVE}",
    rf"zorgelijk{_ADJECTIVE}|zorgwekkend{_ADJECTIVE}|zorgmijd\w*|hulpverleningsmoe",
    rf"verwaarloos(?:t|d|de|den)?|verwaarlozing|overbelast{_ADJECTIVE}|overbelasting",
    r"(?:geen|weinig|onvoldoende) (?:enkele? )?(?:inzicht|ziekte-inzicht|besef|berouw|verantwoordelijkheid)",
    r"bagatellise\w+|(?:niet )?leerbaar|zwakbegaafd\w*",
    rf"angstig{_ADJECTIVE}|depressie(?:f|v){_ADJECTIVE}|verward{_ADJECTIVE}|narcis\w*",
    rf"liegt|liegen|loog|logen|leugenachtig{_ADJECTIVE}",
    rf"vies{_ADJECTIVE}|viez{_ADJECTIVE}|smerig{_ADJECTIVE}|onhygiënisch{_ADJECTIVE}|zwijnenstal|puinhoop",
    r"(?:negatieve|slechte) invloed|probleem(?:kind|gezin|ouder)\w*|slachtofferrol|smoes\w*|voor de gek",
    r"(?:niet|totaal niet) (?:onder controle|in de hand)",
    rf"onacceptabel{_ADJECTIVE}|ontoelaatbaar{_ADJECTIVE}|ongepast{_ADJECTIVE}|ontwricht{_ADJECTIVE}",
    r"slordig\w*|tekort ?schiet\w*|(?:schiet|schieten) (?:\w+ )?tekort|als een puber",
    r"onder invloed|dronken|bedreiging voor|niet te helpen",
    r"\w+(?:probleem|problematiek)",  # "een alcoholprobleem", "opvoedproblematiek": a conclusion, not what happened
    r"(?:kan|kunnen|kon|konden) (?:\w+ ){0,2}niet (?:goed )?(?:\w+ ){0,3}(?:zorgen|opvoeden|beschermen|omgaan)",
    r"(?:stelt|stellen|stelde|stelden) zich \w+ op|(?:gedraagt|gedragen|gedroeg) zich (?:als )?(?:\w+ )?\w+",
)

# A person, home or family described with "is", "zijn", "was" and an adjective or "een ..." ("moeder is erg
# afhankelijk", "vader is een driftkikker"), in a sentence without a date, time, number or day, is a label
# the lists cannot all know. A place ("is bij oma") or a plain state ("is zwanger") is not.
_COPULA = re.compile(r"^(?P<subject>(?:(?:de|het|een|mijn|haar|zijn|hun|deze|dit)\s+)?[\w-]+"
                     r"(?:\s+(?:van|in|voor|op)\s+(?:de\s+|het\s+|haar\s+|zijn\s+|hun\s+)?[\w-]+)?)"
                     r"\s+(?:is|zijn|was|waren|blijkt|blijken|bleek|bleken|raakt|raakte|raken)\s+(?P<predicate>[^,;:()]+?)[.!]?$",
                     re.IGNORECASE)
_ANCHOR = re.compile(r"\d|(?<!\w)(?:januari|februari|maart|april|mei|juni|juli|augustus|september|oktober|november|"
                     r"december|maandag|dinsdag|woensdag|donderdag|vrijdag|zaterdag|zondag|gisteren|eergisteren|"
                     r"vanochtend|vanmiddag|vanavond|vannacht)(?!\w)", re.IGNORECASE)
_DEGREE = frozenset("erg heel zeer te totaal vaak soms nogal best wat niet weinig vandaag opvallend duidelijk weer "
                    "steeds nog altijd nooit ook wel echt behoorlijk enorm extreem ontzettend psychisch emotioneel "
                    "vooral eigenlijk helemaal vrij zo veel meestal snel al dan toen".split())
_NO_LABEL = frozenset("de het er dat dit daar hier thuis bij naar in op met van voor uit aan onder over tegen zonder "
                      "sinds tot om door na aanwezig afwezig zwanger getrouwd gescheiden overleden geboren bevallen "
                      "opgenomen verhuisd vertrokken aangemeld ingeschreven bekend akkoord eens jarig alleen wakker "
                      "welkom 's elke iedere samen vanaf tijdens binnen buiten rond morgen overdag".split())
_NO_SUBJECT = frozenset("er dat wat wie hier daar".split())


def _label(sentence: str) -> tuple[int, int] | None:
    """The span of the "een ..." or adjective after "is"/"zijn"/"was" that labels someone or something."""
    match = _COPULA.match(sentence)
    if not match or _ANCHOR.search(sentence) or match["subject"].split()[0].lower() in _NO_SUBJECT:
        return None
    words = match["predicate"].split()
    first = next((word for word in words if word.lower() not in _DEGREE), None)
    if first is None or first.lower() in _NO_LABEL:
        return None
    return match.start("predicate"), match.end("predicate")


# Words of the lists in a plain sense: "zo snel mogelijk", "alle mogelijke hulp".
_NOT_A_GUESS = re.compile(r"(?<!\w)(?:zo \w+ mogelijk|zoveel mogelijk|mogelijk (?:maken|gemaakt))(?!\w)", re.IGNORECASE)

_HEDGE = re.compile(r"(?<!\w)(?:" + "|".join(HEDGES) + r")(?!\w)", re.IGNORECASE)
_JUDGEMENT = re.compile(r"(?<!\w)(?:" + "|".join(JUDGEMENTS) + r")(?!\w)", re.IGNORECASE)

# What someone said is theirs, whatever words it holds: text between quotation marks of any kind.
# A single quote only opens at a word's start and closes at its end, so "'s nachts" and "Jayden's" are no quotes.
_QUOTE = re.compile(r"\"[^\"]*\"|„[^”\"]*[”\"]|“[^”]*”|”[^”]*”|«[^»]*»|(?<!\w)'(?!s\b)[^']*'(?!\w)|‘[^’]*’")

# A statement reported with its source ("vader zegt dat ...", "..., vertelt oma", "volgens de school ...") is
# what that person said or wrote: the clause after the verb, up to a contrast ("maar") or a semicolon.
_SPEAKING = (r"zegt|zei|zeiden|zeggen|vertelt|vertelde|vertelden|meldt|meldde|meldden|schrijft|schreef|schreven|"
             r"noemt|noemde|noemden|antwoordt|antwoordde|verklaart|verklaarde|"
             r"gaf (?:\w+ ){0,3}aan|geeft (?:\w+ ){0,3}aan|vindt|denkt|vermoedt|vermoedde|"
             r"ontkent|ontkende|laat weten|liet weten|ziet|zag|zagen|hoorde|roept|riep")
_FIRST_PERSON = re.compile(r"(?<!\w)(?:ik|wij|we)(?!\w)", re.IGNORECASE)
_REPORTED = re.compile(rf"(?<!\w)(?:{_SPEAKING})(?!\w)[^;]*?(?=,? maar\b|;|$)", re.IGNORECASE)
_SOURCE_WORDS = 5  # "zegt de intern begeleider van school": longer, it is a sentence of its own
_SOURCE = re.compile(r"(?<!\w)volgens (?!mij\b|ons\b)[^;]*?(?=,? maar\b|;|$)", re.IGNORECASE)

# Agreements say who does what and when, also to describe a trigger ("als vader agressief wordt, belt moeder
# 112"): a sentence that makes an agreement is left alone.
_AGREEMENT = re.compile(
    r"(?:^|\b)(?:(?:we|wij) (?:spreken|hebben) (?:\w+ ){0,3}af|(?:is|wordt|zijn|worden) afgesproken|"
    r"afgesproken (?:is|wordt)|de afspraak is)\b"
    r"|^(?:als|wanneer|zodra|indien)\b[^,]+, (?!(?:is|zijn|was|waren|lijkt|lijken|blijkt)\b)[a-z]+\w* "
    r"|^dan\b", re.IGNORECASE)
# The trigger of an agreement ("belt 112 als vader agressief wordt") says when it applies, not what the writer
# thinks of someone: left alone like the agreement. "Als een puber" compares, it is no trigger.
_TRIGGER = re.compile(r"(?<!\w)(?:als|wanneer|zodra|indien)\s(?!een\b)[^,;]*", re.IGNORECASE)


@dataclass(frozen=True)
class Mark:
    kind: str  # "hedge" | "judgement"
    text: str  # the word or words, exactly as in the checked text
    start: int  # where they are in the checked text
    hint: str  # an English msgid: ask for what was seen or said, when and by whom


def sentences(text: str) -> list[tuple[int, str]]:
    """The sentences of a text (rules/sentences: the interpreters' units, a line break ends one too) with their
    offsets in the text."""
    found, position = [], 0
    for sentence in split_sentences(text):
        start = text.find(sentence, position)
        if start >= 0:
            found.append((start, sentence))
            position = start + len(sentence)
    return found


def _said(sentence: str) -> list[tuple[int, int]]:
    """The spans of a sentence that are someone's own words: quotes and statements reported with a source."""
    spans = [match.span() for match in _QUOTE.finditer(sentence)]
    for match in _REPORTED.finditer(sentence):
        words = sentence[:match.start()].split()[-1:] + match.group().split()[1:2]
        if any(_FIRST_PERSON.fullmatch(word) for word in words):
            continue  # "ik zag", "vindt ik": the writer's own view is not a source
        spans.append(match.span())
        if len(match.group().split()) <= _SOURCE_WORDS and sentence[:match.start()].rstrip().endswith(","):
            spans.append((0, match.start()))  # "..., zegt de leerkracht.": the source covers what came before
    return spans + [match.span() for match in _SOURCE.finditer(sentence)]


def check_sentence(sentence: str) -> list[tuple[str, int, int]]:
    """(kind, start, end) of every guess and judgement in one sentence that is not said by someone else."""
    if _AGREEMENT.search(sentence):
        return []
    said = _said(sentence) + [match.span() for pattern in (_NOT_A_GUESS, _TRIGGER)
                              for match in pattern.finditer(sentence)]
    found = [(kind, *match.span()) for kind, pattern in (("hedge", _HEDGE), ("judgement", _JUDGEMENT))
             for match in pattern.finditer(sentence)
             if not any(start <= match.start() and match.end() <= end for start, end in said)]
    label = _label(sentence)
    if label and not any(start < label[1] and label[0] < end for _, start, end in found) \
            and not any(start <= label[0] and label[1] <= end for start, end in said):
        found.append(("judgement", *label))  # only where no word of the lists already asks
    return sorted(found, key=lambda mark: mark[1])


def check(text: str) -> tuple[Mark, ...]:
    """Every guess and judgement in a Dutch text, in text order, each with the question it asks."""
    return tuple(Mark(kind, sentence[start:end], offset + start, HINTS[kind])
                 for offset, sentence in sentences(text)
                 for kind, start, end in check_sentence(sentence))


def count_in_plan(content: PlanContent) -> int:
    """How many marks a plan holds in the texts the editor checks: the count a published version keeps."""
    texts = [item.text for item in content.items]
    for situation in content.situations:
        texts += [situation.description, "\n".join(situation.risk_factors)]
        texts += [text for agreement in situation.agreements
                  for text in (agreement.what, agreement.when, agreement.if_it_goes_wrong)]
    return sum(len(check(text)) for text in texts if text)
