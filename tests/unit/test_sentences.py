"""Dutch plan text as sentences (the unit of translation work) and the word diff an interpreter sees."""
import pytest

from portal.rules.plan_content import Agreement, PlanContent, Situation
from portal.rules.sentences import WordChange, joined, sentences, split, word_diff
from portal.services.interpreting import Translation, segments, source_hash


@pytest.mark.parametrize("text, expected", [
    ("Dhr. Jansen belt om 15.15 uur. Daarna gaat hij weg.", ["Dhr. Jansen belt om 15.15 uur.", "Daarna gaat hij weg."]),
    ("Bel 112. Of bel Veilig Thuis op 0800-2000.", ["Bel 112.", "Of bel Veilig Thuis op 0800-2000."]),
    ("In nood: bel 112.", ["In nood: bel 112."]),
    ("Zij gaat naar mevr. de Vries, bijv. op maandag. Dat is goed!",
     ["Zij gaat naar mevr. de Vries, bijv. op maandag.", "Dat is goed!"]),
    ("Om 9.30 u. komt ze. Zij belt o.a. de school.", ["Om 9.30 u. komt ze.", "Zij belt o.a. de school."]),
    ("Zij woont op nr. 12. Daar is het veilig.", ["Zij woont op nr. 12.", "Daar is het veilig."]),
    ("Amira en Adam horen dat. Dat is eng.", ["Amira en Adam horen dat.", "Dat is eng."]),
    ("Dat weet u. Bel mij als het al zo is. Dat kan al.", ["Dat weet u.", "Bel mij als het al zo is.", "Dat kan al."]),
    ("Zij heeft het in de hand. De kinderen bellen via de app. Dhr. Jansen weet het.",
     ["Zij heeft het in de hand.", "De kinderen bellen via de app.", "Dhr. Jansen weet het."]),
    ('Vader zei: "Ik doe mijn best." De school belde.', ['Vader zei: "Ik doe mijn best."', "De school belde."]),
    ("Altijd.", ["Altijd."]),
    ("  Ruzie om geld  ", ["Ruzie om geld"]),
    ("Boodschappen\nKoken\n\nSchoonmaken", ["Boodschappen", "Koken", "Schoonmaken"]),
])
def test_sentences_keep_abbreviations_times_and_numbers(text, expected):
    assert sentences(text) == expected


def test_a_text_is_its_sentences_joined_with_their_line_breaks():
    text = "Bel 112.   Dan komt er hulp.\nDaarna bel je mij."
    parts = split(text)
    assert joined([(part.text, part.gap) for part in parts]) == "Bel 112. Dan komt er hulp.\nDaarna bel je mij."


def test_the_word_diff_shows_removed_and_added_words():
    assert word_diff("Oma haalt de kinderen van school.", "Oma haalt de kinderen van de sportclub.") == [
        WordChange("same", "Oma haalt de kinderen van"), WordChange("removed", "school."),
        WordChange("added", "de sportclub.")]


def test_one_changed_sentence_is_one_new_segment():
    def plan(what: str) -> PlanContent:
        return PlanContent((Situation("s", 1, "acute", "Ruzie.", (), (Agreement("a", "Oma", what, "Altijd.", ""),)),))

    before = segments(plan("Oma komt. Zij kookt. Zij blijft tot 20.00 uur."))
    after = segments(plan("Oma komt. Zij kookt soep. Zij blijft tot 20.00 uur."))
    assert [sentence for sentence in after if sentence not in before] == ["Zij kookt soep."]


def test_a_partly_translated_text_shows_each_sentence_in_its_own_language():
    translation = Translation("ar", {source_hash("Oma komt."): "تأتي الجدة."})
    parts = translation.parts("Oma komt. Zij kookt.")
    assert [(part.text, part.lang, part.pending) for part in parts] == [("تأتي الجدة.", "ar", False),
                                                                        ("Zij kookt.", "nl", True)]


def test_a_whole_text_translated_before_sentences_were_the_unit_still_counts():
    translation = Translation("tr", {source_hash("Oma komt. Zij kookt."): "Büyükanne gelir. Yemek yapar."})
    assert [(part.text, part.lang) for part in translation.parts("Oma komt. Zij kookt.")] == [
        ("Büyükanne gelir. Yemek yapar.", "tr")]
