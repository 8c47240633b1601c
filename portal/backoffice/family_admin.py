"""The family file's management: the duo over time, parent accounts and letters, who sees which item."""
import datetime as dt
from urllib.parse import urlencode

import segno
from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from markupsafe import Markup

from portal.access import DUO, Action, get_or_404, roles
from portal.auth import secrets as auth_secrets
from portal.backoffice import blueprint
from portal.db import session as db_session
from portal.models import Account, DuoRole, Family, Parent
from portal.services import cases
from portal.services.duo import current_duo
from portal.web import audit
from portal.web.forms import bounded_date


def _id(name: str) -> int:
    """A posted id, or 0 when it is none ("²", text, or too big for a 32-bit integer column)."""
    value = request.form.get(name, "")
    return int(value) if value.isdecimal() and len(value) < 10 else 0


@blueprint.post("/families/<id:family_id>/duo")
@roles(*DUO)
def change_duo(family_id):
    """Assign a worker (as contact person from a date, or as partner), or end an assignment."""
    db = db_session()
    family = get_or_404(Family, family_id, Action.family_edit)
    try:
        if request.form.get("action") == "end":
            cases.end_assignment(db, family, _id("assignment"), bounded_date(request.form.get("end")))
        else:
            start = bounded_date(request.form.get("start")) or dt.date.today()
            role = DuoRole(request.form.get("role", "partner")) if request.form.get("role") in ("contact", "partner") \
                else DuoRole.partner
            # Only an active worker of the household's team; the one in that role hands over the day before.
            cases.assign_duo(db, family, _id("worker"), role, start)
    except cases.CaseError:
        return redirect(url_for("backoffice.family_file", family_id=family.id) + "#duo")
    audit.record("family.duo", "ok", object=f"family:{family.id}", family_id=family.id)
    db.commit()
    return redirect(url_for("backoffice.family_file", family_id=family.id) + "#duo")


@blueprint.post("/families/<id:family_id>/parents/<id:parent_id>/letter")
@roles(*DUO)
def activation_letter(family_id, parent_id):
    """Create the parent's account when needed and print a letter with a one-time activation code.
    A new letter also resets the second factor: the parent chooses password and code method again."""
    db = db_session()
    family = get_or_404(Family, family_id, Action.family_edit)
    parent = get_or_404(Parent, parent_id, Action.family_edit)
    if parent.family_id != family.id:
        return redirect(url_for("backoffice.family_file", family_id=family.id))
    # The letter names the family's contact person now, whoever prints it.
    contact = current_duo(db, family.id, dt.date.today()).contact
    if contact is None:
        flash(_("Choose a contact person first: the letter tells the parent whom to call."))
        return redirect(url_for("backoffice.family_file", family_id=family.id) + "#duo")
    account = cases.new_letter(db, parent)  # also ends an activation or sign-in begun with the old letter
    audit.record("account.letter", "ok", object=f"account:{account.id}", family_id=family.id)
    db.commit()
    code = auth_secrets.issue_code(db, account, "activation")
    link = url_for("auth.activate", _external=True)
    # Username and code ride in the fragment, which browsers never send: no server or proxy log keeps them.
    qr = Markup(segno.make(f"{link}#{urlencode({'username': account.username, 'code': code})}",
                           error="m").svg_inline(scale=4))
    return render_template("backoffice/letter.html", parent=parent, account=account, code=code, link=link, qr=qr,
                           contact=contact)


@blueprint.post("/families/<id:family_id>/parents/<id:parent_id>/deactivate")
@roles(*DUO)
def deactivate_parent(family_id, parent_id):
    db = db_session()
    family = get_or_404(Family, family_id, Action.family_edit)
    parent = get_or_404(Parent, parent_id, Action.family_edit)
    account = db.get(Account, parent.account_id) if parent.account_id and parent.family_id == family.id else None
    if account is not None:
        account.active = False
        account.session_generation += 1
        db.add(account)
        audit.record("account.deactivate", "ok", object=f"account:{account.id}", family_id=family.id)
        db.commit()
    return redirect(url_for("backoffice.family_file", family_id=family.id) + "#parents")
