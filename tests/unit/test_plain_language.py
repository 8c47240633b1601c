"""Plain-language check: what a worker sees when writing a safety plan in plain Dutch."""

import pytest

from portal.rules.glossary import BY_WORD, TERMS
from portal.rules.plain_language import MAX_SENTENCE_WORDS, check, explain_terms, name_words

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
    # 3 words, 3 syllables, 1 sentence: 206.835 - 0.93 * 3 - 77 * 1
    assert check("De kat slaapt.").score == 127.0
    # o-ma has 2 syllables even though pyphen does not split it: 206.835 - 0.93 * 2 - 77 * 1.5
    assert check("Oma komt.").score == 89.5


def test_thirty_word_sentence_is_flagged_as_long():
    assert len(LONG_SENTENCE.split()) == 30

    report = check(LONG_SENTENCE)

    assert [finding.text for finding in report.long_sentences] == [LONG_SENTENCE]
    assert "30" in report.long_sentences[0].hint
    assert not report.plain_enough


def test_sentence_of_exactly_the_maximum_is_not_long():
    sentence = " ".join(["kind"] * MAX_SENTENCE_WORDS) + "."

    assert check(sentence).long_sentences == ()


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
    report = check("Vandaag belt Priya om 15 uur het noodnummer.")

    assert [finding.text for finding in report.rare_words] == ["noodnummer"]
    assert report.plain_enough  # rare words are advice, not a blocker


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
