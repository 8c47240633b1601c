"""Facts first: what a worker sees marked in a plan text, and what is left alone."""
import pytest

from portal.rules.facts_first import HINTS, check, count_in_plan
from portal.rules.plan_content import Agreement, Item, PlanContent, Situation


def marked(text: str) -> list[str]:
    return [mark.text.lower() for mark in check(text)]


@pytest.mark.parametrize(("text", "word"), [
    ("Moeder lijkt overbelast.", "lijkt"),
    ("Vader is waarschijnlijk weer gaan drinken.", "waarschijnlijk"),
    ("Ik denk dat moeder de ernst niet inziet.", "ik denk"),
    ("De kinderen kwamen onverzorgd op school.", "onverzorgd"),
    ("Vader was agressief tijdens het gesprek.", "agressief"),
    ("Moeder is ongemotiveerd voor hulp.", "ongemotiveerd"),
    ("Vader weigert mee te werken.", "weigert mee te werken"),
    ("Zij is een slechte moeder.", "een slechte moeder"),
])
def test_each_example_of_the_issue_is_marked(text, word):
    assert word in marked(text)


@pytest.mark.parametrize(("text", "word"), [
    ("Vader had een agressieve houding.", "agressieve"),
    ("Een ongemotiveerde moeder.", "ongemotiveerde"),
    ("Vader weigerde mee te werken aan het huisbezoek.", "weigerde mee te werken"),
    ("De kinderen zien er onverzorgder uit dan vorige maand.", "onverzorgder"),
    ("Moeder is chaotisch en manipulatief.", "chaotisch"),
    ("Vermoedelijk is er weer geweld geweest.", "vermoedelijk"),
    ("Volgens mij liegt vader.", "volgens mij"),
    ("Het zou kunnen dat Sem thuis klappen krijgt.", "zou kunnen"),
])
def test_inflections_and_other_forms_are_marked(text, word):
    assert word in marked(text)


def test_a_mark_says_its_kind_where_it_is_and_asks_for_what_was_seen_or_said():
    text = "Het huisbezoek was om 10.00 uur. Moeder lijkt moe en vader was agressief."
    hedge, judgement = check(text)
    assert (hedge.kind, hedge.text, hedge.hint) == ("hedge", "lijkt", HINTS["hedge"])
    assert (judgement.kind, judgement.text, judgement.hint) == ("judgement", "agressief", HINTS["judgement"])
    assert text[judgement.start:judgement.start + len(judgement.text)] == "agressief"
    assert all("seen or said, when, and by whom" in hint for hint in HINTS.values())


@pytest.mark.parametrize("text", [
    # Observed facts with when, where and by whom.
    "Op 12 maart om 22.30 uur belde de buurvrouw de politie omdat zij geschreeuw hoorde.",
    "Sem (8) had op 4 april een blauwe plek op zijn linkerarm, gezien door juf Anne.",
    "Bij het huisbezoek op 3 februari zijn geen blauwe plekken gezien.",
    # What someone said is theirs: quotes and statements reported with their source.
    'Moeder zegt: "Ik denk dat hij weer gaat drinken."',
    "Vader noemde moeder tijdens het gesprek op 14 mei „een slechte moeder”.",
    "Moeder zei op 5 juni: 'Ik weiger mee te werken zolang hij erbij is.'",
    "Vader zegt dat hij moe is.",
    "Vader zegt dat hij niet agressief is.",
    "Daan droeg drie dagen dezelfde kleren en leek moe, zegt de leerkracht.",
    "Volgens de huisarts is moeder waarschijnlijk zwanger.",
    # Agreements: who does what, when.
    "Moeder brengt Sem elke ochtend om 8.15 uur naar school.",
    "We spreken af dat vader geen alcohol drinkt als de kinderen bij hem zijn.",
    "Als vader agressief wordt, belt moeder 112.",
    "Moeder belt 112 als vader agressief wordt.",
    "Dan gaan de kinderen die nacht naar oma.",
    "Vader volgt vanaf september een agressieregulatietraining bij De Waag.",
    # Words that only look like a hedge.
    "De tekening van Yara lijkt op die van vorige week.",
    "Vader heeft geen vast werk.",
    "Moeder belt zo snel mogelijk terug.",
])
def test_facts_quotes_and_agreements_are_left_alone(text):
    assert check(text) == ()


def test_a_guess_after_a_quote_or_a_report_is_still_marked():
    assert marked("Vader zegt dat hij moe is, maar hij lijkt vooral ongemotiveerd.") == ["lijkt", "ongemotiveerd"]
    assert marked('Moeder zegt: "Het gaat goed", maar volgens mij is dat niet waar.') == ["volgens mij"]


def test_a_judgement_outside_an_agreements_trigger_is_marked():
    assert marked("Vader wordt agressief als hij drinkt.") == ["agressief"]
    assert marked("Moeder gedraagt zich als een puber.") == ["gedraagt zich als een puber"]


def test_a_judgement_stays_a_judgement_when_negated():
    assert marked("De kinderen waren niet onverzorgd.") == ["onverzorgd"]


def test_a_label_after_is_without_a_date_or_source_is_marked():
    assert marked("Vader is een driftkikker.") == ["een driftkikker"]
    assert marked("Moeder is erg afhankelijk van vader.") == ["erg afhankelijk van vader"]
    assert check("Moeder is bij oma.") == ()
    assert check("Vader was op 3 mei niet thuis.") == ()


def test_every_line_and_sentence_of_a_field_is_checked():
    text = "Risico's:\nOnverzorgde kinderen\nAlcohol: zes blikjes per avond, zegt vader.\nChaotische thuissituatie"
    assert marked(text) == ["onverzorgde", "chaotische"]


def test_a_plan_counts_the_marks_in_every_text_the_editor_checks():
    agreement = Agreement("a", "Moeder", "belt 112 als vader agressief wordt", "waarschijnlijk vanavond", "")
    content = PlanContent(
        situations=(Situation("s", 1, "acute", "Vader was agressief.", ("Moeder lijkt overbelast",), (agreement,)),),
        items=(Item("h", "help", "Hulp bij de schulden, want moeder is chaotisch."),
               Item("f", "future", "De kinderen wonen weer thuis.")))
    # agressief; lijkt and overbelast; waarschijnlijk; chaotisch (not the agreement's trigger)
    assert count_in_plan(content) == 5
    assert count_in_plan(PlanContent()) == 0
