"""A text field's limit lives in one place, its model column: no template writes a maxlength number of its own."""
import re
from pathlib import Path

PORTAL = Path(__file__).resolve().parents[2] / "portal"
TEMPLATES = sorted(PORTAL.rglob("*.html"))
# maxlength= followed by anything but a Jinja expression, or by an expression that is only a number.
HARD_CODED = re.compile(r"""maxlength\s*=\s*(?!["']?\{\{)|maxlength\s*=\s*["']?\{\{-?\s*\d""", re.IGNORECASE)


def test_the_check_finds_a_hard_coded_limit_and_passes_a_limit_from_the_form():
    for written in ('maxlength="1000"', "maxlength=500", 'maxlength="{{ 2000 }}"', "MAXLENGTH='80'"):
        assert HARD_CODED.search(written), written
    for written in ('maxlength="{{ maxlength }}"', 'maxlength="{{ limit_of(name) }}"', 'maxlength="{{ note_limit }}"'):
        assert not HARD_CODED.search(written), written


def test_no_template_hard_codes_a_maxlength():
    found = [f"{path.relative_to(PORTAL)}:{number}: {line.strip()}"
             for path in TEMPLATES
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1)
             if HARD_CODED.search(line)]
    assert TEMPLATES and not found, ("a maxlength comes from the form's field (the field macro in macros.html) "
                                     "or a limit named after the model column, never a number:\n" + "\n".join(found))
