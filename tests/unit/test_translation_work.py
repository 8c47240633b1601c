"""Protected tokens: numbers, times, dates, addresses and names never change in a translation."""
import pytest

from portal.rules.plan_content import Agreement, Item, PlanContent, Situation
from portal.services.interpreting import missing_tokens, protected_tokens, segments


def test_a_changed_phone_number_is_refused():
    assert missing_tokens("Bel Veilig Thuis: 0800-2000.", "اتصل بـ Veilig Thuis: 0800-2001.", []) == ["0800-2000"]


def test_a_faithful_translation_keeps_every_token():
    source = "Anouk belt op 12-05-2026 om 10:00 naar 06-12345678 of mailt a.visser@example.nl."
    translation = "Anouk تتصل في 12-05-2026 الساعة 10:00 على 06-12345678 أو a.visser@example.nl."
    assert missing_tokens(source, translation, ["Anouk"]) == []


@pytest.mark.parametrize("translation, lost", [
    ("Bram belt om 11:00.", ["10:00"]),
    ("Hij belt om 10:00.", ["Bram"]),
    ("Bram belt om 10:00 en om 10:00.", []),
])
def test_names_and_times_must_survive(translation, lost):
    assert missing_tokens("Bram belt om 10:00.", translation, ["Bram"]) == lost


def test_each_occurrence_counts():
    assert missing_tokens("Bel 112 of 112.", "Bel 112.", []) == ["112"]


def test_tokens_found_in_dutch_text():
    assert protected_tokens("Mail naar x@y.nl om 9.30 uur, 3 keer.", []) == ["x@y.nl", "9.30", "3"]


def test_segments_are_distinct_texts_in_reading_order():
    content = PlanContent(
        (Situation("s", 1, "acute", "Ruzie.", ("Geld",), (Agreement("a", "Fatima", "Belt.", "Altijd.", "Ruzie."),)),),
        (Item("h", "help", "Coach.", "Team"),))
    assert segments(content) == ["Ruzie.", "Geld", "Fatima", "Belt.", "Altijd.", "Coach.", "Team"]
