"""A text field's limit lives in one place, its model column: no template writes a maxlength number of its own; typed
text is kept as typed, without control characters."""
import re
import unicodedata
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from portal.web.forms import strip_controls

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


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=80)
       | st.text(alphabet="ab \r\n\t\u200b\u200c\u200d\u202e\u0000\u00a0\u2028", max_size=80))
def test_typed_text_loses_its_control_and_bidi_characters_and_nothing_else(typed):
    """strip_controls takes a quick path for text without control characters: it keeps what the slow one keeps."""
    kept = "".join(ch for ch in typed if ch in "\n\t\u200c\u200d" or unicodedata.category(ch) not in ("Cc", "Cf"))
    assert strip_controls(typed, len(typed)) == kept.replace("\r\n", "\n").strip()
