"""The staff forms: a worker's or team lead's name, organisation, phone and hours, or an interpreter's languages; a
worker's days away; an organisation's identity provider and a colleague's link to it."""
import datetime as dt
import re
import urllib.parse

from flask_babel import gettext as _
from wtforms import Form as Row
from wtforms import FormField, SelectMultipleField
from wtforms.validators import AnyOf, ValidationError

from portal import clock
from portal.auth import oidc
from portal.models import Role, Worker
from portal.models.identity import IdentityProvider, StaffIdentity
from portal.services import identity
from portal.services.staff import StaffDetails, StaffMember
from portal.web.forms import Form, Parsed, Rows, Text, bounded_date, is_phone_number, max_length
from portal.web.i18n import LANGUAGES

WEEKDAYS = range(7)  # 0 = Monday, as WorkingHours stores them
CLOCK = re.compile(r"(?:[01][0-9]|2[0-3]):[0-5][0-9]")
MAX_ABSENCE = dt.timedelta(days=366)  # a longer absence is recorded again when its first year ends
# Interpreters translate the Dutch plan into the family's language.
INTERPRETED = tuple(code for code in LANGUAGES if code != "nl")


class Hours(Row):
    """One weekday's hours ("day-<weekday>-start" and "-end"), both empty on a day the colleague does not work."""

    start = Parsed()
    end = Parsed()

    def validate_start(self, field):
        start, end = field.data or "", self.end.data or ""
        if (start or end) and not (CLOCK.fullmatch(start) and CLOCK.fullmatch(end) and start < end):
            raise ValidationError(_("Give a start and an end time, e.g. 09:00 and 17:00."))


class StaffForm(Form):
    name = Text(max_length(Worker.name))

    def validate_name(self, field):
        if not field.data:
            raise ValidationError(_("Write the name as colleagues and families know it."))


class WorkerForm(StaffForm):
    """A worker or team lead: families see the organisation, call the phone and see the hours."""

    organisation = Text(max_length(Worker.organisation))
    phone = Text(max_length(Worker.phone))
    day = Rows(FormField(Hours), min_entries=len(WEEKDAYS), max_entries=len(WEEKDAYS))

    def validate_organisation(self, field):
        if not field.data:
            raise ValidationError(_("Write the organisation this colleague comes from."))

    def validate_phone(self, field):
        if not is_phone_number(field.data):
            raise ValidationError(_("Type the work phone number families call, e.g. 06 12345678."))

    def details(self) -> StaffDetails:
        hours = tuple((day, dt.time.fromisoformat(row.start.data), dt.time.fromisoformat(row.end.data))
                      for day, row in enumerate(self.day) if row.start.data)
        return StaffDetails(self.name.data, self.organisation.data, self.phone.data, hours)


class InterpreterForm(StaffForm):
    """An interpreter: the languages they translate the Dutch plan into."""

    languages = SelectMultipleField(choices=INTERPRETED, validate_choice=False)  # other values are left out

    def validate_languages(self, field):
        if not self.details().languages:
            raise ValidationError(_("Tick at least one language this interpreter translates into."))

    def details(self) -> StaffDetails:
        return StaffDetails(self.name.data, languages=tuple(c for c in INTERPRETED if c in (self.languages.data or ())))


def form_for(role: Role, staff: StaffMember | None = None, hours=(), posted: bool = True) -> StaffForm:
    """The form for an account of this role: as posted, else filled in as `staff`'s account is now (or empty);
    posted=False: as the account is now, while the page answers another of its forms (the days away)."""
    if role is Role.interpreter:
        if staff is None:
            return InterpreterForm(data=None, posted=posted)
        assert staff.interpreter is not None  # the account of an interpreter has an interpreter's profile
        languages = staff.interpreter.languages.split(",")
        return InterpreterForm(data={"name": staff.profile.name, "languages": languages}, posted=posted)
    if staff is None:
        return WorkerForm()
    assert staff.worker is not None  # the account of a worker or team lead has a worker's profile
    times = {slot.weekday: {"start": f"{slot.start:%H:%M}", "end": f"{slot.end:%H:%M}"} for slot in hours}
    return WorkerForm(data={"name": staff.profile.name, "organisation": staff.worker.organisation,
                            "phone": staff.worker.phone, "day": [times.get(day, {}) for day in WEEKDAYS]},
                      posted=posted)


class AbsenceForm(Form):
    """Days a worker is away (first and last day included): their households are told to call the duo partner."""

    first_day = Parsed()
    last_day = Parsed()

    def validate_first_day(self, field):
        if self.first() is None:
            raise ValidationError(_("Choose the first day away."))

    def validate_last_day(self, field):
        first, last = self.first(), self.last()
        if last is None:
            raise ValidationError(_("Choose the last day away."))
        if first is not None and last < first:
            raise ValidationError(_("The last day comes before the first day."))
        if last < clock.today():
            raise ValidationError(_("These days are over already."))
        if first is not None and last - first >= MAX_ABSENCE:
            raise ValidationError(_("Record at most a year at a time."))

    def first(self) -> dt.date | None:
        return bounded_date(self.first_day.data)

    def last(self) -> dt.date | None:
        return bounded_date(self.last_day.data)


class SwitchForm(Form):
    """Switching an account off ("active" = "off") or on again ("on"); anything else switches nothing."""

    active = Parsed(validators=[AnyOf(("on", "off"))])

    def switched_on(self) -> bool:
        return self.active.data == "on"


class ProviderForm(Form):
    """An organisation's OpenID Connect provider: the issuer and client the organisation registered for the portal,
    and the name of the environment variable (PORTAL_OIDC_SECRET_<name>) that holds the client secret."""

    name = Text(max_length(IdentityProvider.name))
    issuer = Text(max_length(IdentityProvider.issuer))
    client_id = Text(max_length(IdentityProvider.client_id))
    secret_name = Text(max_length(IdentityProvider.secret_name))
    mfa_acr = Text(max_length(IdentityProvider.mfa_acr))

    def validate_name(self, field):
        if not (field.data or "").strip():
            raise ValidationError(_("Write the organisation's name as colleagues know it."))

    def validate_issuer(self, field):
        issuer = (field.data or "").strip()
        parts = urllib.parse.urlsplit(issuer)
        if parts.query or parts.fragment or not oidc.acceptable_url(issuer, issuer):
            raise ValidationError(_("Type the issuer's https address, as the organisation gave it."))

    def validate_client_id(self, field):
        if not (field.data or "").strip():
            raise ValidationError(_("Type the client id the organisation registered for the portal."))

    def validate_secret_name(self, field):
        if not identity.SECRET_NAME.fullmatch(field.data or ""):
            raise ValidationError(_("Use capital letters, digits and _ only, e.g. VEILIG_THUIS."))

    def details(self) -> identity.ProviderDetails:
        return identity.ProviderDetails(self.name.data.strip(), self.issuer.data.strip(), self.client_id.data.strip(),
                                        self.secret_name.data, (self.mfa_acr.data or "").strip())


class LinkForm(Form):
    """Link a staff account to the subject (`sub`) the organisation's provider gives the colleague."""

    provider = Parsed()
    subject = Text(max_length(StaffIdentity.subject))

    def validate_subject(self, field):
        if not (field.data or "").strip():
            raise ValidationError(_("Type the code the organisation's sign-in gives this colleague."))

    def provider_id(self) -> int | None:
        value = self.provider.data or ""
        return int(value) if value.isdigit() and len(value) < 10 else None
