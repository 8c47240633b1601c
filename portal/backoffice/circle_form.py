"""The duo's forms for the family's circle: a member to add, the agreements they carry."""
from flask_babel import gettext as _
from wtforms import FieldList, StringField
from wtforms.validators import ValidationError

from portal.models import NetworkMember
from portal.web.forms import Form, Parsed, Text, bounded_int, known_language, max_length, phone_number

AGREEMENTS_SENT = 100  # agreement keys read from one post: far more than a plan of three situations holds


class MemberForm(Form):
    """A person of the family's circle: name, relation, language, phone and side (the household's, or a parent's
    id, which the service checks belongs to this household)."""

    name = Text(max_length(NetworkMember.name))
    relation = Text(max_length(NetworkMember.relation))
    language = StringField(default="nl", validators=[known_language])
    phone = Text(max_length(NetworkMember.phone), validators=[phone_number])
    side = Parsed(default="household")

    def validate_name(self, field):
        if not field.data:
            raise ValidationError(_("Write the name."))

    def validate_relation(self, field):
        if not field.data:
            raise ValidationError(_("Write who this is to the family, e.g. neighbour or uncle."))

    def side_parent(self) -> int | None:
        """The parent whose side the member is on; None: the household's side."""
        return bounded_int(self.side.data, 1, 2**31 - 1, 0) or None


class NamedForm(Form):
    """The agreements the duo confirms a member carries: the keys of the boxes ticked."""

    agreement = FieldList(StringField(), max_entries=AGREEMENTS_SENT)

    def keys(self) -> set[str]:
        return {key for key in self.agreement.data if key}
