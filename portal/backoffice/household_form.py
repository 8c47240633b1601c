"""The household form (intake and the members page): the household, its rows of members and, at intake, the duo."""

from flask_babel import gettext as _
from wtforms import BooleanField, FormField, StringField
from wtforms import Form as Row
from wtforms.validators import ValidationError

from portal import clock
from portal.models import Family, FamilyMember, Parent
from portal.rules import matching
from portal.services.cases import Household, Member
from portal.services.notifications import CHANNELS
from portal.web.forms import (
    AddableRows,
    Form,
    Parsed,
    Text,
    bounded_int,
    is_email_address,
    known_language,
    max_length,
    phone_number,
)

KINDS = ("parent", "child", "other")
MAX_ROWS = 20  # rows per kind: the form never builds more, whatever count a browser sends
OLDEST_BIRTH_YEAR = 1900
LARGEST_ID = 2**31 - 1


class MemberRow(Row):
    """One member; an empty row is left out. `id` (hidden) names a member who exists already."""

    id = StringField()

    def number(self) -> int | None:
        return bounded_int(self.id.data, 1, LARGEST_ID, 0) or None

    def typed(self) -> str:
        """What was typed besides the name (phone, year of birth, relation): a row with only that is not empty."""
        return ""

    def empty(self) -> bool:
        return not (self.name.data or self.typed() or self.number())

    def validate_name(self, field):
        if not field.data and not self.empty():
            raise ValidationError(_("Write the name."))


class BornRow(MemberRow):
    """A row with a year of birth: anything but a year, however long, is "no year"."""

    birth_year = Parsed()

    def year(self) -> int | None:
        return bounded_int(self.birth_year.data, OLDEST_BIRTH_YEAR, clock.today().year, 0) or None

    def validate_birth_year(self, field):
        if field.data and self.year() is None:
            raise ValidationError(_("Type the year of birth, e.g. 2016."))


class ParentRow(BornRow):
    name = Text(max_length(Parent.name))
    language = StringField(default="nl", validators=[known_language])
    phone = Text(max_length(Parent.phone), validators=[phone_number])
    email = Text(max_length(Parent.email))
    notify_by = StringField(default="sms")  # the channel of their messages: sms | email
    # Where the parent lives: partners' signals are matched on it (portal/rules/matching.py).
    postcode = Text(max_length(Parent.postcode) + 1)  # "1074 AB" as typed
    house_number = Text(max_length(Parent.house_number))

    def typed(self) -> str:
        return self.phone.data + self.email.data + self.birth_year.data + self.postcode.data + self.house_number.data

    def validate_postcode(self, field):
        if field.data and not matching.postcode(field.data):
            raise ValidationError(_("Type a Dutch postcode, e.g. 1074 AB."))

    def validate_email(self, field):
        if field.data and not is_email_address(field.data):
            raise ValidationError(_("Type an e-mail address, e.g. naam@voorbeeld.nl."))

    def validate_notify_by(self, field):
        if field.data not in CHANNELS:
            raise ValidationError(_("Choose SMS or e-mail."))
        if field.data == "email" and not self.email.data:
            raise ValidationError(_("Type the e-mail address the messages go to, or choose SMS."))
        if field.data == "sms" and self.email.data and not self.phone.data:
            raise ValidationError(_("Type the phone number the messages go to, or choose e-mail."))

    def member(self) -> Member:
        return Member("parent", self.name.data, self.number(), language=self.language.data, phone=self.phone.data,
                      email=self.email.data, notify_by=self.notify_by.data, birth_year=self.year(),
                      postcode=matching.postcode(self.postcode.data),
                      house_number=matching.house_number(self.house_number.data))


class ChildRow(BornRow):
    name = Text(max_length(FamilyMember.name))

    def typed(self) -> str:
        return self.birth_year.data

    def member(self) -> Member:
        return Member("child", self.name.data, self.number(), birth_year=self.year())


class OtherRow(MemberRow):
    name = Text(max_length(FamilyMember.name))
    relation = Text(max_length(FamilyMember.relation))

    def typed(self) -> str:
        return self.relation.data

    def validate_relation(self, field):
        if self.name.data and not field.data:
            raise ValidationError(_("Write how this person belongs to the household, e.g. grandmother."))

    def member(self) -> Member:
        return Member("other", self.name.data, self.number(), relation=self.relation.data)


def _rows(row: type[MemberRow]) -> AddableRows:
    return AddableRows(FormField(row), min_entries=1, max_entries=MAX_ROWS)


class HouseholdForm(Form):
    """The members page: the household's name and settings, and its members in rows of each kind."""

    name = Text(max_length(Family.name))
    interpreter_needed = BooleanField(false_values=("", "0", "false"))
    parents_kept_apart = BooleanField(false_values=("", "0", "false"))
    parent = _rows(ParentRow)
    child = _rows(ChildRow)
    other = _rows(OtherRow)

    def validate_name(self, field):
        if not field.data:
            raise ValidationError(_("Give the household a name, e.g. Gezin Jansen."))

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if not any(kind == "parent" for kind, _row in self._filled()):
            self.refuse(self.parent[0].form.name, _("A household has at least one parent or carer."))
            return False
        return valid

    def _filled(self):
        return [(kind, entry.form) for kind in KINDS for entry in self[kind] if not entry.form.empty()]

    def household(self) -> Household:
        return Household(self.name.data, self.interpreter_needed.data, self.parents_kept_apart.data)

    def members(self) -> list[Member]:
        return [row.member() for _kind, row in self._filled()]


class IntakeForm(HouseholdForm):
    """Intake: the household, and its duo chosen from the team's active workers (`candidates`)."""

    contact = StringField()
    partner = StringField()

    def __init__(self, candidates: set[int], data: dict | None = None):
        self.candidates = candidates
        super().__init__(data=data)

    def chosen(self, field) -> int:
        return bounded_int(field.data, 1, LARGEST_ID, 0)

    def validate_contact(self, field):
        if self.chosen(field) not in self.candidates:
            raise ValidationError(_("Choose the contact person."))

    def validate_partner(self, field):
        if self.chosen(field) not in self.candidates or self.chosen(field) == self.chosen(self.contact):
            raise ValidationError(_("Choose a duo partner other than the contact person."))


def members_form(family: Family, parents, members) -> HouseholdForm:
    """The members page: as posted, else filled in with the household as it is and an empty row of each kind."""
    rows = {"parent": [{"name": p.name, "language": p.language, "phone": p.phone or "", "email": p.email or "",
                        "notify_by": p.notify_by, "birth_year": str(p.birth_year or ""), "postcode": p.postcode,
                        "house_number": p.house_number, "id": str(p.id)} for p in parents],
            "child": [{"name": m.name, "birth_year": str(m.birth_year or ""), "id": str(m.id)}
                      for m in members if m.is_child],
            "other": [{"name": m.name, "relation": m.relation, "id": str(m.id)} for m in members if not m.is_child]}
    return HouseholdForm(data={"name": family.name, "interpreter_needed": family.interpreter_needed,
                               "parents_kept_apart": family.parents_kept_apart,
                               **{kind: (filled + [{}])[:MAX_ROWS] for kind, filled in rows.items()}})


ADULT_AGE = 18


def from_signal(people, postcode: str, house_number: str, this_year: int) -> dict:
    """The intake form filled in from a partner's signal: adults (or of unknown age) as parents, at the address
    given, younger people as children; the household named after the first person's surname."""
    adults = [person for person in people if not person.birth_year or this_year - person.birth_year >= ADULT_AGE]
    young = [person for person in people if person not in adults]
    surname = people[0].name.split()[-1] if people and people[0].name.split() else ""
    return {"name": f"Gezin {surname}".strip(),
            "parent": [{"name": person.name, "birth_year": str(person.birth_year or ""), "postcode": postcode,
                        "house_number": house_number} for person in adults][:MAX_ROWS] or [{}],
            "child": [{"name": person.name, "birth_year": str(person.birth_year)} for person in young][:MAX_ROWS]
            or [{}], "other": [{}]}
