"""Back-office pages: the worker's home, the family file and break-the-glass access."""
import datetime as dt

from flask import current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import col, select

from portal.access import DUO, READ_ALONG_BEFORE, can, get_or_404, roles
from portal.backoffice import blueprint
from portal.backoffice.audience_field import household_of
from portal.db import session as db_session
from portal.models import (
    Account,
    Appointment,
    AppointmentStatus,
    BreakGlass,
    DuoAssignment,
    Family,
    FamilyMember,
    Parent,
    PlanQuestion,
    PlanVersion,
    Role,
    SafetyPlan,
    TranslationJob,
    VersionStatus,
    Worker,
)
from portal.models.base import utcnow
from portal.rules.audience import HOUSEHOLD
from portal.rules.plan_content import PlanContent
from portal.services.cases import duo_candidates, retention_ends
from portal.services.duo import current_duo
from portal.services.plan_versions import draft_of, load_contents, published_versions
from portal.web import audit
from portal.web.forms import clean, max_length, switching_language

BREAK_GLASS_HOURS = 4
MIN_REASON_LENGTH = 10
OPEN_QUESTIONS_SHOWN = 50  # oldest first: the one waiting longest is on top


@blueprint.get("/")
@roles(Role.worker, Role.teamlead, Role.interpreter)
def home():
    db = db_session()
    if current_user.role is Role.interpreter:
        return _interpreter_home(db)
    worker = current_user.worker
    today = dt.date.today()
    assignments = db.exec(select(DuoAssignment, Family).join(Family, Family.id == DuoAssignment.family_id)
                          .where(DuoAssignment.worker_id == worker.id, DuoAssignment.start <= today,
                                 (DuoAssignment.end.is_(None)) | (DuoAssignment.end >= today))
                          .order_by(Family.name)).all()
    if current_user.role is Role.teamlead:
        team = db.exec(select(Family).where(Family.team_id == worker.team_id).order_by(Family.name)).all()
        assignments = [(None, family) for family in team]
    family_ids = [family.id for _a, family in assignments] or [-1]
    open_answers = db.exec(select(PlanQuestion, Parent).join(Parent, Parent.id == PlanQuestion.parent_id)
                           .where(col(Parent.family_id).in_(family_ids), PlanQuestion.handled_at.is_(None))
                           .order_by(PlanQuestion.asked_at).limit(OPEN_QUESTIONS_SHOWN)).all()
    drafts = db.exec(select(PlanVersion, SafetyPlan).join(SafetyPlan, SafetyPlan.id == PlanVersion.plan_id)
                     .where(col(SafetyPlan.family_id).in_(family_ids),
                            PlanVersion.status == VersionStatus.draft)).all()
    upcoming = db.exec(select(Appointment).where(col(Appointment.family_id).in_(family_ids),
                                                 Appointment.starts_at >= utcnow(),
                                                 Appointment.status == AppointmentStatus.planned)
                       .order_by(Appointment.starts_at).limit(10)).all()
    names = {family.id: family.name for _a, family in assignments}
    waiting = db.exec(select(TranslationJob, SafetyPlan).join(PlanVersion, PlanVersion.id == TranslationJob.version_id)
                      .join(SafetyPlan, SafetyPlan.id == PlanVersion.plan_id)
                      .where(col(SafetyPlan.family_id).in_(family_ids), TranslationJob.completed_at.is_(None))).all()
    _record_overview({parent.family_id for _a, parent in open_answers} | {item.family_id for item in upcoming})
    return render_template("backoffice/home.html", assignments=assignments, open_answers=open_answers,
                           drafts=drafts, upcoming=upcoming, names=names, waiting=waiting)


def _record_overview(family_ids: set[int]) -> None:
    """The work list shows parents' answers and appointments: a read of each household it shows."""
    for family_id in sorted(family_ids):
        audit.record("overview.view", "ok", object=f"family:{family_id}", family_id=family_id)


def _interpreter_home(db):
    interpreter = current_user.interpreter
    jobs = db.exec(select(TranslationJob).where(TranslationJob.interpreter_id == interpreter.id,
                                                TranslationJob.completed_at.is_(None))).all()
    assigned = db.exec(select(Appointment).where(Appointment.interpreter_id == interpreter.id,
                                                     Appointment.starts_at >= utcnow() - dt.timedelta(hours=3),
                                                     Appointment.status == AppointmentStatus.planned)
                           .order_by(Appointment.starts_at)).all()
    # Reading along opens shortly before the appointment: until then the interpreter sees when.
    open_now = {item.id for item in assigned if can(current_user, "plan.read_along", item, db)}
    _record_overview({item.family_id for item in assigned})
    return render_template("backoffice/interpreter_home.html", jobs=jobs, appointments=assigned, open_now=open_now,
                           read_along_before=READ_ALONG_BEFORE)


@blueprint.get("/families/<id:family_id>")
@roles(*DUO)
def family_file(family_id):
    db = db_session()
    family = get_or_404(Family, family_id, "family.view")
    audit.record("family.view", "ok", object=f"family:{family.id}", family_id=family.id)
    today = dt.date.today()
    duo = current_duo(db, family.id, today)
    history = db.exec(select(DuoAssignment, Worker).join(Worker, Worker.id == DuoAssignment.worker_id)
                      .where(DuoAssignment.family_id == family.id)
                      .order_by(col(DuoAssignment.start).desc())).all()
    members = db.exec(select(FamilyMember).where(FamilyMember.family_id == family.id)).all()
    parents = db.exec(select(Parent).where(Parent.family_id == family.id)).all()
    versions = published_versions(db, family.id)
    glass = db.exec(select(BreakGlass, Worker).join(Worker, Worker.id == BreakGlass.worker_id)
                    .where(BreakGlass.family_id == family.id).order_by(col(BreakGlass.at).desc()).limit(20)).all()
    workers = duo_candidates(db, family.team_id)
    accounts = {a.id: a for a in db.exec(select(Account).where(
        col(Account.id).in_([p.account_id for p in parents if p.account_id] or [-1])))}
    shown = draft_of(db, family.id) or (versions[0] if versions else None)
    content = load_contents(db, [shown.id])[shown.id] if shown else PlanContent()
    entries = content.entries()
    # Who sees what: every item and coming appointment that is not for the whole household.
    restricted = [(entries[key], stored) for key, stored in content.audiences().items() if stored != HOUSEHOLD]
    coming = db.exec(select(Appointment).where(Appointment.family_id == family.id, Appointment.starts_at >= utcnow(),
                                               Appointment.audience != HOUSEHOLD)).all()
    return render_template("backoffice/family.html", family=family, duo=duo, history=history, members=members,
                           parents=parents, versions=versions, glass=glass, workers=workers, accounts=accounts,
                           restricted=restricted, appointments=coming, household=household_of(db, family),
                           today=today, retention_ends=retention_ends(family, current_app.config["RETENTION_YEARS"]),
                           may_change_case=can(current_user, "family.reopen" if family.closed_at else "family.close",
                                               family, db))


@blueprint.route("/break-glass", methods=["GET", "POST"])
@roles(*DUO)
def break_glass():
    """Open a family outside one's duo: only with a typed reason, audited, shown to the duo."""
    db = db_session()
    errors = {}
    if request.method == "POST" and not switching_language():
        reason = clean("reason", max_length(BreakGlass.reason), errors)
        number = clean("family", 12, errors)
        # isdecimal: "²" is a digit but no number; under 10 digits: ids are 32-bit integers in PostgreSQL
        family = db.get(Family, int(number)) if number.isdecimal() and len(number) < 10 else None
        if family is None or not can(current_user, "family.break_glass", family):
            audit.record("family.break_glass", "refused", object=f"family:{number}"[:120],
                         family_id=family.id if family else None)
            errors["family"] = _("There is no family with this number that you can open this way.")
        elif len(reason) < MIN_REASON_LENGTH:
            errors["reason"] = _("Write why you need to open this file now (at least 10 characters).")
        elif not errors:  # a reason too long to keep
            db.add(BreakGlass(worker_id=current_user.worker.id, family_id=family.id, reason=reason,
                              until=utcnow() + dt.timedelta(hours=BREAK_GLASS_HOURS)))
            audit.record("family.break_glass", "ok", object=f"family:{family.id}", family_id=family.id)
            db.commit()
            return redirect(url_for("backoffice.family_file", family_id=family.id))
    return render_template("backoffice/break_glass.html", errors=errors, form=request.form,
                           main_form="glass-form")

