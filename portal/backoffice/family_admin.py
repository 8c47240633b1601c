"""The family file's management: the duo over time, parent accounts and letters, who sees which item."""
import datetime as dt
import re
from urllib.parse import urlencode

import segno
from flask import redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_login import current_user
from markupsafe import Markup
from sqlmodel import delete, select

from portal import audit
from portal.access import DUO, get_or_404, roles
from portal.auth import flows
from portal.auth import secrets as auth_secrets
from portal.backoffice.views import blueprint
from portal.db import session as db_session
from portal.forms import clean
from portal.models import Account, DuoAssignment, DuoRole, Family, Parent, Role, Visibility, Worker


def _date(value: str) -> dt.date | None:
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        return None
    return day if 1900 <= day.year <= 2999 else None  # year 1 has no day before it (OverflowError)


def _id(name: str) -> int:
    """A posted id, or 0 when it is none ("²", text, or too big for a 32-bit integer column)."""
    value = request.form.get(name, "")
    return int(value) if value.isdecimal() and len(value) < 10 else 0


@blueprint.post("/families/<family_id>/duo")
@roles(*DUO)
def change_duo(family_id):
    """Assign a worker (as contact person from a date, or as partner), or end an assignment."""
    db = db_session()
    family = get_or_404(Family, family_id, "family.edit")
    if request.form.get("action") == "end":
        assignment = db.get(DuoAssignment, _id("assignment"))
        end = _date(request.form.get("end", ""))
        if assignment is not None and assignment.family_id == family.id and end and end >= assignment.start:
            assignment.end = end
            db.add(assignment)
    else:
        worker = db.get(Worker, _id("worker"))
        start = _date(request.form.get("start", "")) or dt.date.today()
        role = DuoRole(request.form.get("role", "partner")) if request.form.get("role") in ("contact", "partner") \
            else DuoRole.partner
        if worker is not None:
            # One contact person at a time: the current one hands over the day before.
            for current in db.exec(select(DuoAssignment).where(
                    DuoAssignment.family_id == family.id, DuoAssignment.role == role,
                    DuoAssignment.end.is_(None))):
                current.end = start - dt.timedelta(days=1)
                db.add(current)
            db.add(DuoAssignment(family_id=family.id, worker_id=worker.id, role=role, start=start))
    audit.record("family.duo", "ok", object=f"family:{family.id}", family_id=family.id)
    db.commit()
    return redirect(url_for("backoffice.family_file", family_id=family.id) + "#duo")


def _username_for(db, name: str) -> str:
    base = "ouder-" + (re.sub(r"[^a-z0-9]", "", name.split()[0].lower()) or "gezin")
    username, number = base, 1
    while db.exec(select(Account.id).where(Account.username == username)).first():
        number += 1
        username = f"{base}{number}"
    return username


@blueprint.post("/families/<family_id>/parents/<parent_id>/letter")
@roles(*DUO)
def activation_letter(family_id, parent_id):
    """Create the parent's account when needed and print a letter with a one-time activation code.
    A new letter also resets the second factor: the parent chooses password and code method again."""
    db = db_session()
    family = get_or_404(Family, family_id, "family.edit")
    parent = get_or_404(Parent, parent_id, "family.edit")
    if parent.family_id != family.id:
        return redirect(url_for("backoffice.family_file", family_id=family.id))
    account = db.get(Account, parent.account_id) if parent.account_id else None
    if account is None:
        account = Account(username=_username_for(db, parent.name), role=Role.parent, display_name=parent.name,
                          language=parent.language)
        db.add(account)
        db.flush()
        parent.account_id = account.id
        db.add(parent)
    account.password_hash, account.totp_secret, account.totp_enrolled = None, None, False
    account.second_factor, account.sms_phone, account.active = "totp", None, True
    account.session_generation += 1
    db.add(account)
    audit.record("account.letter", "ok", object=f"account:{account.id}", family_id=family.id)
    flows.end_all(db, account.id)  # an activation or sign-in begun with the old letter or password
    db.commit()
    code = auth_secrets.issue_code(db, account, "activation")
    link = url_for("auth.activate", _external=True)
    # Username and code ride in the fragment, which browsers never send: no server or proxy log keeps them.
    qr = Markup(segno.make(f"{link}#{urlencode({'username': account.username, 'code': code})}",
                           error="m").svg_inline(scale=4))
    with force_locale(parent.language):
        return render_template("backoffice/letter.html", parent=parent, account=account, code=code, link=link,
                               qr=qr, contact=current_user.worker)


@blueprint.post("/families/<family_id>/parents/<parent_id>/deactivate")
@roles(*DUO)
def deactivate_parent(family_id, parent_id):
    db = db_session()
    family = get_or_404(Family, family_id, "family.edit")
    parent = get_or_404(Parent, parent_id, "family.edit")
    account = db.get(Account, parent.account_id) if parent.account_id and parent.family_id == family.id else None
    if account is not None:
        account.active = False
        account.session_generation += 1
        db.add(account)
        audit.record("account.deactivate", "ok", object=f"account:{account.id}", family_id=family.id)
        db.commit()
    return redirect(url_for("backoffice.family_file", family_id=family.id) + "#parents")


@blueprint.post("/families/<family_id>/visibility")
@roles(*DUO)
def set_visibility(family_id):
    """Restrict one item to the ticked parents; no tick means every parent of the household sees it."""
    db = db_session()
    family = get_or_404(Family, family_id, "family.edit")
    key = clean("item", 48)
    parents = {p.id for p in db.exec(select(Parent).where(Parent.family_id == family.id))}
    chosen = {int(v) for v in request.form.getlist("parent") if v.isdecimal() and len(v) < 10} & parents
    if key:
        db.exec(delete(Visibility).where(Visibility.family_id == family.id, Visibility.item_key == key))
        for parent_id in sorted(chosen):
            db.add(Visibility(family_id=family.id, item_key=key, parent_id=parent_id))
        audit.record("family.visibility", "ok", object=f"item:{key}", family_id=family.id)
        db.commit()
    return redirect(url_for("backoffice.family_file", family_id=family.id) + "#visibility")
