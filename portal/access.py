"""The one access decision, `can(user, action, object)`, and the route rules that use it."""
import datetime as dt
from functools import wraps

from flask import abort, redirect, request, url_for
from flask_login import current_user
from sqlmodel import Session, or_, select

from portal.db import session
from portal.models import (
    Appointment,
    BreakGlass,
    DuoAssignment,
    Family,
    Interpreter,
    InterpreterTeam,
    Role,
    Team,
    TranslationJob,
    Visibility,
    Worker,
)
from portal.models.base import utcnow

READ_ALONG_BEFORE = dt.timedelta(hours=1)
READ_ALONG_AFTER = dt.timedelta(hours=3)
STAFF = (Role.worker, Role.teamlead, Role.interpreter)
DUO = (Role.worker, Role.teamlead)
# On a team (its households to come, its staff): only the team leads of that team.
TEAM_ACTIONS = ("family.create", "staff.manage")
# On a household, only for the team lead of its team; the duo may do the rest (e.g. "family.members").
TEAM_LEAD_ACTIONS = ("family.close", "family.reopen")


def in_current_duo(db: Session, worker_id: int, family_id: int, today: dt.date | None = None) -> bool:
    today = today or dt.date.today()
    return db.exec(select(DuoAssignment.id).where(
        DuoAssignment.family_id == family_id, DuoAssignment.worker_id == worker_id,
        DuoAssignment.start <= today,
        or_(DuoAssignment.end.is_(None), DuoAssignment.end >= today))).first() is not None


def has_broken_glass(db: Session, worker_id: int, family_id: int) -> bool:
    return db.exec(select(BreakGlass.id).where(
        BreakGlass.worker_id == worker_id, BreakGlass.family_id == family_id,
        BreakGlass.until > utcnow())).first() is not None


def restrictions(db: Session, family_id: int) -> dict[str, set[int]]:
    """Restricted items of a household: item key -> the parents who may see it."""
    rows = db.exec(select(Visibility.item_key, Visibility.parent_id).where(Visibility.family_id == family_id)).all()
    allowed: dict[str, set[int]] = {}
    for key, parent in rows:
        allowed.setdefault(key, set()).add(parent)
    return allowed


def hidden_keys(db: Session, family_id: int, parent_id: int) -> set[str]:
    """Keys of this household's items restricted to other parents: never sent to this one."""
    return {key for key, parents in restrictions(db, family_id).items() if parent_id not in parents}


def _family_of(obj) -> int | None:
    return obj.id if isinstance(obj, Family) else getattr(obj, "family_id", None)


def _teams_of(db: Session, obj) -> set[int]:
    """The teams a team, a worker (or team lead) or an interpreter belongs to."""
    if isinstance(obj, Team):
        return {obj.id}
    if isinstance(obj, Worker):
        return {obj.team_id}
    if isinstance(obj, Interpreter):
        return set(db.exec(select(InterpreterTeam.team_id).where(InterpreterTeam.interpreter_id == obj.id)))
    return set()


def can(user, action: str, obj=None, db: Session | None = None) -> bool:
    """May this signed-in user do `action` on `obj`? Every view asks here and nowhere else."""
    db = db or session()
    if not getattr(user, "is_authenticated", False):
        return False
    role = user.role
    family_id = _family_of(obj)
    if role is Role.parent:
        parent = user.parent
        if parent is None or family_id != parent.family_id:
            return False
        if isinstance(obj, Family) and obj.closed_at is not None:
            return False  # a closed case: the parents' access has ended
        if isinstance(obj, Appointment):
            return obj.key not in hidden_keys(db, parent.family_id, parent.id)
        return action in ("family.read", "family.answer")
    if role is Role.interpreter:
        interpreter = user.interpreter
        if interpreter is None:
            return False
        if isinstance(obj, TranslationJob):
            return action == "translation.work" and obj.interpreter_id == interpreter.id
        if isinstance(obj, Appointment) and obj.interpreter_id == interpreter.id:
            if action == "appointment.read":
                return True
            if action == "plan.read_along":
                now = utcnow()
                return obj.starts_at - READ_ALONG_BEFORE <= now <= obj.starts_at + READ_ALONG_AFTER
        return False
    worker = user.worker
    if worker is None:
        return False
    if action in TEAM_ACTIONS:
        return role is Role.teamlead and worker.team_id in _teams_of(db, obj)
    if family_id is None:
        return False
    family = obj if isinstance(obj, Family) else db.get(Family, family_id)
    own_team = family is not None and family.team_id == worker.team_id
    if action in TEAM_LEAD_ACTIONS:
        return role is Role.teamlead and own_team
    if role is Role.teamlead and own_team:
        return True
    if action == "family.break_glass":
        # Only within one's own team, and only outside one's own duo.
        return own_team and not in_current_duo(db, worker.id, family_id)
    return in_current_duo(db, worker.id, family_id) or has_broken_glass(db, worker.id, family_id)


def get_or_404(model, ident, action: str):
    """Load an object the current user may act on; anything else is 'not found'."""
    db = session()
    try:
        ident = int(ident)
    except (TypeError, ValueError):
        abort(404)
    if not 0 < ident < 2**31:  # ids are 32-bit integers in PostgreSQL: a bigger one would be a 500
        abort(404)
    obj = db.get(model, ident)
    if obj is None or not can(current_user, action, obj, db):
        abort(404)
    return obj


def public(view):
    """Declare a route open to everyone (sign-in pages, health, quick exit)."""
    view.access_rule = "public"
    return view


def roles(*allowed: Role):
    """Declare which roles may reach a route; others get 404, the signed-out get their sign-in page."""

    def decorate(view):
        @wraps(view)
        def guarded(*args, **kwargs):
            if not current_user.is_authenticated:
                staff_page = request.blueprint == "backoffice" or request.path.startswith("/backoffice/")
                audience = "auth.staff_sign_in" if staff_page else "auth.sign_in"
                return redirect(url_for(audience))
            if current_user.role not in allowed:
                abort(404)
            return view(*args, **kwargs)

        guarded.access_rule = tuple(role.value for role in allowed)
        return guarded

    return decorate
