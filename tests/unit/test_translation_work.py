"""The units of an interpreter's work (protected text has its own tests: test_protected_text.py)."""
from portal.rules.plan_content import Agreement, Item, PlanContent, Situation
from portal.services.interpreting import segments


def test_segments_are_distinct_texts_in_reading_order():
    content = PlanContent(
        (Situation("s", 1, "acute", "Ruzie.", ("Geld",), (Agreement("a", "Fatima", "Belt.", "Altijd.", "Ruzie."),)),),
        (Item("h", "help", "Coach.", "Team"),))
    assert segments(content) == ["Ruzie.", "Geld", "Fatima", "Belt.", "Altijd.", "Coach.", "Team"]
