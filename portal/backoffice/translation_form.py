"""The interpreter's translation form: a translation per Dutch segment ("segment-<i>"), and a tick ("verify-<i>")
for a translation from the memory, by someone else, that the interpreter checked."""
from flask_babel import gettext as _
from wtforms import BooleanField
from wtforms.validators import ValidationError

from portal.web.forms import Form, LongText

# A translation may run longer than its Dutch text (2,000 characters at most): twice that, then it is refused.
TRANSLATION_LENGTH = 4000


class TranslationForm(Form):
    """A field per segment of the job, numbered as job_work numbers them; no other segment is read."""

    def segment(self, index: int):
        return self[f"segment-{index}"]

    def verified(self, index: int) -> bool:
        return bool(self[f"verify-{index}"].data)


def translation_form(known: list[str]) -> TranslationForm:
    """The form for segments with these translations in the memory now ("" for one still to translate): as typed
    (posted, or kept while signed out), else filled in with them."""

    class Segments(TranslationForm):
        pass

    for index in range(len(known)):
        setattr(Segments, f"segment-{index}", LongText(TRANSLATION_LENGTH))
        setattr(Segments, f"verify-{index}", BooleanField())
    return Segments(data={f"segment-{index}": text for index, text in enumerate(known)})


class RenderingForm(Form):
    """A parent's own words in Dutch, written by the interpreter of their language."""

    rendering = LongText(TRANSLATION_LENGTH)

    def validate_rendering(self, field):
        if not field.data:
            raise ValidationError(_("Write the Dutch rendering."))
