"""The case timeline and the factual file of a period: the household's history for the duo and the team lead."""

from babel import Locale
from flask import render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from portal import clock
from portal.backoffice import blueprint
from portal.backoffice.audience_field import Household
from portal.clock import AMSTERDAM
from portal.db import session as db_session
from portal.models import Family
from portal.policy import DUO
from portal.rules.actions import Action
from portal.services import timeline
from portal.web import audit
from portal.web.forms import bounded_date, bounded_int
from portal.web.guards import get_or_404, roles
from portal.web.i18n import LANGUAGES

KIND_NAMES = {
    "case": _l("Intake and closing"), "members": _l("Members"), "duo": _l("Duo"), "plan": _l("Plan versions"),
    "answers": _l("Parents' answers and replies"), "appointments": _l("Appointments"),
    "translations": _l("Translations"), "emergency": _l("Emergency access"),
    "signals": _l("Partners' signals"),
}
EVENT_NAMES = {
    "case.intake": _l("Intake: the household's file was opened"),
    "case.closed": _l("Case closed"),
    "case.reopened": _l("Case reopened"),
    "family.members": _l("Details of %(name)s added or changed"),
    "family.household": _l("Name or settings of the household changed"),
    "account.letter": _l("Account letter printed for %(name)s"),
    "account.deactivate": _l("Account of %(name)s switched off"),
    "circle.add": _l("%(name)s added to the family's circle"),
    "circle.name": _l("Confirmed which agreements %(name)s carries out"),
    "child.decision": _l("Decided with %(name)s that they get their own page"),
    "child.plan": _l("The plan of %(name)s written down"),
    "child.share": _l("%(name)s shared their words with a parent"),
    "child.read": _l("Read what %(name)s wrote"),
    "plan.audience": _l("Who may read an item of the plan changed"),
    "appointment.audience": _l("Who may know of an appointment changed"),
    "duo.contact": _l("%(name)s became the contact person"),
    "duo.partner": _l("%(name)s joined the duo as partner"),
    "duo.contact_end": _l("Last day of %(name)s as contact person"),
    "duo.partner_end": _l("Last day of %(name)s as duo partner"),
    "plan.published": _l("Version %(number)s of the plan published"),
    "answers.read": _l("%(name)s read version %(number)s"),
    "answers.agree": _l("%(name)s agrees with version %(number)s"),
    "answers.question": _l("%(name)s asked a question about version %(number)s"),
    "answers.disagree": _l("%(name)s does not agree with version %(number)s"),
    "answers.reply": _l("Reply to %(parent)s about version %(number)s"),
    "answers.circle_will": _l("%(name)s (the family's circle) will carry out an agreement"),
    "answers.circle_cannot": _l("%(name)s (the family's circle) cannot carry out an agreement"),
    "answers.circle_handled": _l("Handled: %(name)s cannot carry out an agreement"),
    "answers.child_words": _l("%(name)s wrote to the duo"),
    "appointments.planned": _l("Appointment"),
    "appointments.cancelled": _l("Appointment (cancelled)"),
    "appointments.confirmed": _l("%(name)s will come to the appointment"),
    "appointments.move_requested": _l("%(name)s asked to move the appointment"),
    "appointments.reply": _l("Reply to %(parent)s about the appointment"),
    "translations.opened": _l("Translation of version %(number)s into %(language)s opened"),
    "translations.completed": _l("Version %(number)s translated into %(language)s"),
    "translations.appointments_opened": _l("Translation of the appointments into %(language)s opened"),
    "translations.appointments_completed": _l("Appointments translated into %(language)s"),
    "emergency.opened": _l("%(name)s opened the file in an emergency"),
    "signals.urgent": _l("Urgent signal from %(name)s"),
    "signals.soon": _l("Signal from %(name)s"),
    "signals.normal": _l("Signal from %(name)s"),
    "signals.done": _l("Done with a signal from %(name)s"),
}
SOURCE_NAMES = {
    "household": _l("Household file %(id)s"), "audit": _l("Audit event %(id)s"), "duo": _l("Duo assignment %(id)s"),
    "version": _l("Plan version %(number)s"), "acknowledgement": _l("Answer %(id)s"), "question": _l("Question %(id)s"),
    "appointment": _l("Appointment %(id)s"), "appointment_answer": _l("Appointment answer %(id)s"),
    "translation": _l("Translation job %(id)s"), "break_glass": _l("Emergency access %(id)s"),
    "closure": _l("Case closure %(id)s"), "circle_answer": _l("Answer of the family's circle %(id)s"),
    "child_words": _l("A child's words %(id)s"), "signal": _l("Signal %(id)s"),
}
FIRST_YEAR, LAST_YEAR = 2000, 2999


def describe(entry: timeline.Entry) -> str:
    """What happened, in the page's language (a translation's language named in it too: "into Arabic")."""
    values = dict(entry.values)
    if "language" in values and values["language"] in LANGUAGES:
        values["language"] = Locale.parse(values["language"]).get_display_name(str(get_locale()))
    return str(EVENT_NAMES[entry.event]) % values


def source_of(entry: timeline.Entry) -> str:
    return str(SOURCE_NAMES[entry.source]) % {"id": entry.source_id, "number": entry.values.get("number", "")}


def _filters(args, people: timeline.People) -> tuple[timeline.Filters, dict[str, str]]:
    """The filters of the query string; an unknown kind or member, or a wrong period, is left out and said."""
    errors = {}
    kind = args.get("kind", "")
    if kind and kind not in timeline.KINDS:
        kind = ""
    member = args.get("member", "")
    if member and not people.knows(member):
        errors["member"] = _("This person is not a member of this household.")
        member = ""
    start, end = (bounded_date(args.get(name), FIRST_YEAR, LAST_YEAR) for name in ("from", "to"))
    if (args.get("from") and start is None) or (args.get("to") and end is None) or (start and end and start > end):
        errors["period"] = _("Give the period as two dates, the first not after the last, e.g. 2026-01-01 and "
                             "2026-06-30.")
        start = end = None
    return timeline.Filters(kind, member, start, end, args.get("order") == "newest"), errors


def _cursor(token: str | None) -> timeline.Cursor | None:
    """Where the previous page ended ("<microseconds>-<source>-<record>"); anything else starts at the top."""
    parts = (token or "").split("-")
    if len(parts) != 3:
        return None
    micros, rank, ident = (bounded_int(part, 0, limit, -1) for part, limit in zip(
        parts, (10**17, len(timeline.SOURCES), 2**31 - 1), strict=True))
    return None if -1 in (micros, rank, ident) else timeline.Cursor.of(micros, rank, ident)


def _household(people: timeline.People) -> Household:
    """The audience labels ("Only for Fatima") of this household's parents."""
    return Household(tuple((number, parent.name) for number, parent in people.parents.items()),
                     people.family.parents_kept_apart)


def _opened(family_id: int, action: str):
    """The household's file opened as the family file is (same access rule), its people, the filters asked for,
    and the look on record."""
    db = db_session()
    family = get_or_404(Family, family_id, Action.family_view)
    people = timeline.people_of(db, family)
    filters, errors = _filters(request.args, people)
    audit.record(action, "ok", object=f"family:{family.id}", family_id=family.id)
    return db, family, people, filters, errors


@blueprint.get("/families/<id:family_id>/timeline")
@roles(*DUO)
def family_timeline(family_id):
    """Every event of the household in time order, narrowed by kind, member and period, a page at a time."""
    db, family, people, filters, errors = _opened(family_id, "timeline.view")
    size = bounded_int(request.args.get("size"), 1, timeline.LONGEST_PAGE, timeline.PAGE_SIZE)
    shown = timeline.page(db, people, filters, _cursor(request.args.get("after")), size)
    return render_template("backoffice/timeline.html", family=family, people=people, filters=filters, errors=errors,
                           entries=shown.entries, next=shown.next, args=request.args, kinds=KIND_NAMES,
                           describe=describe, source_of=source_of, household=_household(people),
                           first=not request.args.get("after")), 400 if errors else 200


@blueprint.get("/families/<id:family_id>/factual-file")
@roles(*DUO)
def factual_file(family_id):
    """A printable file of a period: the agreements in force and what happened, each with its date and source."""
    db, family, people, filters, errors = _opened(family_id, "factual_file.view")
    made_at = clock.now()
    today = made_at.astimezone(AMSTERDAM).date()  # the period is counted in Amsterdam days
    start = filters.start or family.created_at.astimezone(AMSTERDAM).date()
    file = timeline.factual_file(db, people, start, filters.end or max(today, start), made_at)
    return render_template("backoffice/factual_file.html", family=family, file=file, errors=errors,
                           describe=describe, source_of=source_of, household=_household(people), kinds=KIND_NAMES,
                           made_at=made_at, made_by=current_user.account.display_name), 400 if errors else 200
