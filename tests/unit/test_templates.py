"""House rules for the templates: lines a reviewer can read, and one way to write the CSRF token."""
from pathlib import Path

PORTAL = Path(__file__).resolve().parents[2] / "portal"
TEMPLATES = sorted(PORTAL.rglob("*.html"))
LONGEST = 160


def test_there_are_templates_to_check():
    assert any(path.name == "base.html" for path in TEMPLATES)


def test_no_template_line_is_longer_than_160_characters():
    too_long = [f"{path.relative_to(PORTAL)}:{number}: {len(line)}"
                for path in TEMPLATES
                for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
                if len(line) > LONGEST]
    assert not too_long, "template lines over 160 characters:\n" + "\n".join(too_long)


def test_the_csrf_token_is_written_only_by_the_csrf_macro():
    by_hand = [str(path.relative_to(PORTAL)) for path in TEMPLATES
               if path.name != "macros.html" and 'name="csrf_token"' in path.read_text(encoding="utf-8")]
    assert not by_hand, "use {{ csrf() }} from macros.html instead of a hand-written token in: " + ", ".join(by_hand)
