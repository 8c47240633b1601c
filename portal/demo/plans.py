"""The demo households' plans: each household's published versions (and El Idrissi's draft), as data."""
from dataclasses import replace

from portal.rules.audience import only_for
from portal.rules.plan_content import Agreement, Item, PlanContent, Situation

Version = tuple[PlanContent, str]  # a published version's content and its note for the family


def _situation(key: str, kind: str, description: str, risk_factors: tuple[str, ...],
               agreements: tuple[Agreement, ...]) -> Situation:
    return Situation(key, 0, kind, description, risk_factors, agreements)  # _plan ranks them


def _plan(situations: tuple[Situation, ...], items: tuple[Item, ...], note_for_family: str = "") -> Version:
    """The Top 3 in the order given, and the help and future plans."""
    ranked = tuple(replace(situation, rank=rank) for rank, situation in enumerate(situations, start=1))
    return PlanContent(ranked, items), note_for_family


def _help(key: str, text: str, who: str) -> Item:
    return Item(key, "help", text, who)


def _future(key: str, text: str) -> Item:
    return Item(key, "future", text)


def el_idrissi_plan(k: dict[str, str], fatima: int) -> tuple[Version, Version, tuple[PlanContent, ...]]:
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
        what="Fatima haalt Amira en Adam op van school. Op woensdag haalt oma hen op. "
             "Lukt het niet? Dan haalt buurvrouw mevrouw Haddou hen op.",
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


def demir_plan(k: dict[str, str]) -> Version:
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


def nowak_plan(k: dict[str, str]) -> Version:
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


def kovalenko_plan(k: dict[str, str]) -> Version:
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


def de_boer_plan(k: dict[str, str]) -> Version:
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


def abdi_plan(k: dict[str, str]) -> Version:
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


def tesfay_plan(k: dict[str, str]) -> Version:
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
