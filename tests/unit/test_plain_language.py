"""Plain-language check: what a worker sees when writing a safety plan in plain Dutch."""

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from wordfreq import get_frequency_dict, zipf_frequency

from portal.rules import plain_language
from portal.rules.glossary import BY_WORD, TERMS
from portal.rules.plain_language import (
    B1,
    CHILD,
    COMMON_PART_ZIPF,
    MAX_PART_LETTERS,
    MIN_SCORED_WORDS,
    check,
    explain_terms,
    name_words,
)
from portal.web.catalogues import TRANSLATIONS

FAMILY_TEMPLATES = Path(__file__).parents[2] / "portal" / "family" / "templates"
# Headings and the situation labels a parent reads on the family pages, and the texts they show.
HEADING = re.compile(r'<(h[1-6]|legend|summary|p class="kind)\b[^>]*>(.*?)</(?:h[1-6]|legend|summary|p)>', re.DOTALL)
GETTEXT = re.compile(r'_\("([^"]+)"')

SIMPLE_TEXT = (
    "Wij maken samen een plan. Mama belt de juf als er iets is. "
    "De kinderen slapen bij oma als het thuis niet goed gaat."
)
LONG_SENTENCE = (
    "Als papa boos wordt en de kinderen bang zijn dan belt mama eerst oma en daarna "
    "de buurvrouw die meteen naar het huis komt om de kinderen op te halen."
)


def test_simple_short_text_is_plain_enough_with_high_score():
    report = check(SIMPLE_TEXT)

    assert report.plain_enough
    assert report.score >= 90
    assert report.findings == ()


def test_score_follows_flesch_douma():
    # 8 words, 8 syllables, 1 sentence: 206.835 - 0.93 * 8 - 77 * 1
    assert check("De kat slaapt en de hond eet brood.").score == 122.4
    # o-ma and o-pa have 2 syllables even though pyphen does not split them: 206.835 - 0.93 * 8 - 77 * 13 / 8
    assert check("Oma en opa komen morgen bij ons eten.").score == 74.3


@pytest.mark.parametrize("text", ["Altijd.", "Elke maandagochtend.", "Elke vrijdag na school tot zaterdagmiddag.",
                                  "Anouk belt Sanne op woensdagmiddag.", "Fatima en Youssef openen veel brieven niet"])
def test_short_fields_get_no_reading_ease_and_are_plain(text):
    # Flesch-Douma averages over words: on a label one long word decided it ("Elke maandagochtend." -26.0).
    assert len(text.split()) < MIN_SCORED_WORDS
    report = check(text, name_words(["Anouk", "Sanne", "Fatima", "Youssef"]))
    assert report.score is None
    assert report.plain_enough and report.findings == ()


def test_a_short_field_with_jargon_is_still_not_plain():
    report = check("Bespreek de OTS.")
    assert report.score is None
    assert [finding.text for finding in report.jargon] == ["OTS"] and not report.plain_enough


def test_thirty_word_sentence_is_flagged_as_long():
    assert len(LONG_SENTENCE.split()) == 30

    report = check(LONG_SENTENCE)

    assert [finding.text for finding in report.long_sentences] == [LONG_SENTENCE]
    assert "30" in report.long_sentences[0].hint
    assert not report.plain_enough


def test_sentence_of_exactly_the_maximum_is_not_long():
    sentence = " ".join(["kind"] * B1.max_sentence_words) + "."

    assert check(sentence).long_sentences == ()


def test_a_childs_level_asks_for_shorter_sentences_than_an_adults():
    sentence = " ".join(["kind"] * (CHILD.max_sentence_words + 1)) + "."

    assert check(sentence).long_sentences == ()  # plain enough for an adult
    assert len(check(sentence, level=CHILD).long_sentences) == 1
    assert f"hooguit {CHILD.max_sentence_words} woorden" in check(sentence, level=CHILD).long_sentences[0].hint


def test_jargon_and_passive_are_flagged():
    report = check("De ondertoezichtstelling wordt besproken met de gezinsvoogd.")

    jargon = {finding.text: finding.hint for finding in report.jargon}
    assert set(jargon) == {"ondertoezichtstelling", "gezinsvoogd"}
    assert BY_WORD["ondertoezichtstelling"].plain in jargon["ondertoezichtstelling"]
    assert BY_WORD["gezinsvoogd"].plain in jargon["gezinsvoogd"]
    assert [finding.text for finding in report.passives] == ["wordt besproken"]
    assert not report.plain_enough


def test_jargon_is_found_in_plurals_and_any_case():
    report = check("Maatregelen zijn besproken met twee Gezinsvoogden en de GGZ.")

    assert [finding.text for finding in report.jargon] == ["Maatregelen", "Gezinsvoogden", "GGZ"]
    assert BY_WORD["maatregel"].plain in report.jargon[0].hint


def test_names_from_the_glossary_only_match_as_names():
    assert check("De kinderen zijn veilig thuis.").jargon == ()
    assert [f.text for f in check("Bel Veilig Thuis als het misgaat.").jargon] == ["Veilig Thuis"]


def test_rare_word_is_flagged_but_names_and_numbers_are_not():
    report = check("Vandaag belt Priya om 15 uur over de casuïstiek.")

    assert [finding.text for finding in report.rare_words] == ["casuïstiek"]
    assert report.plain_enough  # rare words are advice, not a blocker


@pytest.mark.parametrize(
    ("text", "compound"),
    [
        ("Sanne geeft haar bankpas en pincode aan niemand.", "bankpas"),  # bank + pas
        ("Kasia gaat naar de taalles in de bibliotheek.", "taalles"),  # taal + les
        ("Sanne gaat naar de koffieochtend in het buurthuis.", "koffieochtend"),  # koffie + ochtend
        ("Lees de veiligheidstips samen.", "veiligheidstips"),  # veiligheid + s + tips
        ("Bel bij gevaar het noodnummer.", "noodnummer"),  # nood + nummer
    ],
)
def test_compounds_of_common_words_are_not_rare(text, compound):
    assert compound not in {finding.text for finding in check(text).rare_words}


def test_a_compound_with_an_uncommon_part_is_still_rare():
    # taxatie is not a common word, so taxatie + rapport is not an ordinary compound
    assert [finding.text for finding in check("Het taxatierapport ligt klaar.").rare_words] == ["taxatierapport"]


def test_a_long_compound_of_long_common_words_is_not_rare():
    # verantwoordelijkheid (20 letters) + s + gevoel: the parts are as long as common words get
    assert check("Zij heeft een sterk verantwoordelijkheidsgevoel.").rare_words == ()


def test_no_common_word_is_longer_than_a_compound_part_may_be():
    """The compound check tries parts of at most MAX_PART_LETTERS letters: no common word is longer."""
    frequencies = get_frequency_dict("nl")
    candidates = [word for word, frequency in frequencies.items() if frequency >= 10 ** (COMMON_PART_ZIPF - 0.1 - 9)]
    common = [word for word in candidates if zipf_frequency(word, "nl") >= COMMON_PART_ZIPF]
    assert len(common) > 10_000  # the list was read
    assert max(len(word) for word in common) <= MAX_PART_LETTERS


def _letters_looked_up(monkeypatch, text: str) -> int:
    """How many letters check() looks up in the word list for `text` (the work its rare-word search does)."""
    looked_up = []

    def counted(word, language):
        looked_up.append(len(word))
        return zipf_frequency(word, language)

    monkeypatch.setattr(plain_language, "zipf_frequency", counted)
    plain_language._common.cache_clear()
    report = check(text)
    assert [finding.text for finding in report.rare_words] == [text.split()[-1].rstrip(".")]
    return sum(looked_up)


@pytest.mark.parametrize("letters", [2_000, 8_000, 16_000])
def test_one_long_word_is_checked_in_time_linear_in_its_length(monkeypatch, letters):
    # Typed or pasted by mistake (a row of one key, a link without spaces): it was tried at every split point,
    # each a lookup as long as the word, 3.2 s for 8,000 letters. Now each letter is looked up a bounded
    # number of times, so the work grows with the length, not with its square.
    word = "".join("abcdefghijklmnoprstuvwz"[(i * i + 7 * i) % 23] for i in range(letters))
    assert _letters_looked_up(monkeypatch, f"Hij schreef {word}.") <= 4 * letters


def test_jargon_is_not_also_reported_as_rare_word():
    report = check("Er is een risicotaxatie gedaan.")

    assert [finding.text for finding in report.jargon] == ["risicotaxatie"]
    assert report.rare_words == ()


@pytest.mark.parametrize(
    ("text", "passive"),
    [
        ("De kinderen worden om drie uur opgehaald.", "worden om drie uur opgehaald"),
        ("Het plan is gemaakt door de moeder.", "is gemaakt"),
        ("Mama belt als de kinderen opgehaald worden.", "opgehaald worden"),
    ],
)
def test_passive_constructions_are_flagged(text, passive):
    assert [finding.text for finding in check(text).passives] == [passive]


@pytest.mark.parametrize(
    "text",
    [
        "Wij bespreken het plan met de moeder.",
        "Moeder is gezond.",
        "Ik ben naar huis gegaan.",
        "Het wordt vervelend.",
    ],
)
def test_active_sentences_are_not_flagged_as_passive(text):
    assert check(text).passives == ()


def test_explain_terms_returns_glossary_entries_in_order_of_first_use():
    text = (
        "De gezinsvoogd maakt een veiligheidsplan. Bij acute onveiligheid belt de "
        "gezinsvoogd Veilig Thuis. Het veiligheidsplan staat in de OTS-map."
    )

    assert explain_terms(text) == [
        BY_WORD["gezinsvoogd"],
        BY_WORD["veiligheidsplan"],
        BY_WORD["acute onveiligheid"],
        BY_WORD["veilig thuis"],
        BY_WORD["ots"],
    ]
    assert explain_terms(SIMPLE_TEXT) == []


def test_longest_glossary_term_wins():
    assert explain_terms("Het rapport van de Raad voor de Kinderbescherming.") == [
        BY_WORD["raad voor de kinderbescherming"]
    ]


def test_glossary_is_complete_and_plain():
    required = {
        "ondertoezichtstelling", "ots", "uithuisplaatsing", "gezag", "gezinsvoogd",
        "raadsonderzoek", "maatregel", "verzoekschrift", "hulpverleningsplan",
        "veiligheidsplan", "toekomstplan", "jeugdbescherming", "kinderrechter", "voogdij",
        "jeugdreclassering", "casusregie", "escalatie", "interventie", "signalering",
        "zorgmelding", "multidisciplinair", "ambulant", "residentieel", "indicatie",
        "beschikking", "machtiging", "gesloten jeugdzorg", "pleegzorg", "omgangsregeling",
        "huisverbod", "contactverbod", "veilig thuis", "raad voor de kinderbescherming",
        "risicotaxatie", "draagkracht", "draaglast", "triage", "sociaal netwerk",
        "netwerkberaad", "perspectief", "stabiliseren", "structurele onveiligheid",
        "acute onveiligheid", "risicofactor", "ggz", "wijkagent", "blijf groep",
        # words parents meet in the portal and in daily help
        "duo", "acuut", "structureel", "opvang", "spreekuur", "budgetcoach", "intern begeleider",
        "activeringscode", "hulpplan",
    }  # fmt: skip

    assert len(TERMS) >= 40
    assert len(BY_WORD) == len(TERMS)
    assert required <= set(BY_WORD)
    for term in TERMS:
        assert term.plain.strip() and term.explanation.strip(), term.word
        assert len(term.plain.split()) <= 6, term.word
        assert len(term.explanation.split()) <= 25, term.word


@pytest.mark.parametrize("term", TERMS, ids=lambda term: term.word)
def test_glossary_explanations_are_plain_dutch_themselves(term):
    report = check(term.explanation)

    assert report.plain_enough, (report.score, report.findings)
    assert explain_terms(term.plain) == []


@pytest.mark.parametrize("text", ["", "   \n  "])
def test_empty_text_has_no_score_and_no_findings(text):
    report = check(text)

    assert report.score is None
    assert report.findings == ()
    assert not report.plain_enough


def test_names_of_the_household_and_its_duo_are_not_rare_words():
    text = "Amira en Adam zien en horen dat. Youssef belt Bram."
    assert {f.text for f in check(text).rare_words} >= {"Amira"}  # without names: a rare word
    names = name_words(["Amira El Idrissi", "Adam El Idrissi", "Youssef El Idrissi", "Bram de Wit"])
    assert check(text, names).rare_words == ()


@pytest.mark.parametrize(
    ("text", "word"),
    [
        ("Uw duo belt u morgen.", "duo"),
        ("Acuut: nu onveilig. Dit moet eerst stoppen.", "acuut"),
        ("Structureel: een oorzaak achter de problemen.", "structureel"),
        ("Olena en Maksym wonen in een opvang.", "opvang"),
        ("Fatima en Youssef gaan samen naar het spreekuur van de budgetcoach.", "spreekuur"),
        ("Fatima en Youssef gaan samen naar het spreekuur van de budgetcoach.", "budgetcoach"),
        ("Amira praat op school met de intern begeleider.", "intern begeleider"),
        ("Heeft u een brief met een activeringscode?", "activeringscode"),
        ("Toekomstplan: zo is het later veilig", "toekomstplan"),
        ("Hulpplan: welke hulp, van wie", "hulpplan"),
    ],
)
def test_words_parents_meet_are_explained_but_not_flagged(text, word):
    assert BY_WORD[word] in explain_terms(text)
    report = check(text, name_words(["Olena", "Maksym", "Fatima", "Youssef", "Amira"]))
    assert report.jargon == () and report.rare_words == ()
    assert report.plain_enough


def family_headings() -> list[str]:
    """The Dutch text of every heading and situation label in the family templates."""
    with (TRANSLATIONS / "nl" / "LC_MESSAGES" / "messages.po").open("rb") as source:
        dutch = read_po(source, locale="nl")
    msgids = {msgid for template in FAMILY_TEMPLATES.rglob("*.html")
              for _, element in HEADING.findall(template.read_text(encoding="utf-8"))
              for msgid in GETTEXT.findall(element)}
    # A heading not yet translated is reported by the catalogue check (test_catalogues), not here.
    return sorted(dutch[msgid].string for msgid in msgids if dutch.get(msgid) and dutch[msgid].string)


def test_no_heading_of_the_family_pages_is_flagged():
    headings = family_headings()
    assert {"Toekomstplan: zo is het later veilig", "Hulpplan: welke hulp, van wie", "Veiligheidstips"} <= set(headings)
    flagged = {heading: check(heading).findings for heading in headings if check(heading).findings}
    assert flagged == {}
