"""The family file's management: the duo over time, the letters and accounts of parents and circle members."""
from urllib.parse import urlencode

import segno
from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlalchemy.exc import IntegrityError

from portal import clock
from portal.accounts import secrets as auth_secrets
from portal.backoffice import blueprint, letters
from portal.backoffice.duo_form import AddToDuoForm, EndRoleForm
from portal.db import session as db_session
from portal.models import Account, DuoAssignment, Family, FamilyMember, NetworkMember, Parent, Worker
from portal.policy import DUO
from portal.rules.actions import Action
from portal.services import cases, stored_id
from portal.services.duo import call_now, current_duo
from portal.web import audit
from portal.web.forms import switching_language
from portal.web.guards import get_or_404, roles
from portal.web.i18n import duo_role_name
from portal.web.links import external_url
from portal.web.secret import code_key


def _to_duo(family: Family):
    return redirect(url_for("backoffice.family_file", family_id=family.id) + "#duo")


@blueprint.post("/families/<id:family_id>/duo")
@roles(*DUO)
def change_duo(family_id):
    """Assign a worker (as contact person from a date, or as partner); a worker is in the duo once."""
    db = db_session()
    family = get_or_404(Family, family_id, Action.family_edit)
    form = AddToDuoForm()
    role = form.duo_role()
    try:
        # Only an active worker of the household's team; the one in that role hands over the day before.
        cases.assign_duo(db, family, form.worker_id(), role, form.first_day(), current_user.account.id)
        audit.record("family.duo", "ok", object=f"family:{family.id}", family_id=family.id)
        db.commit()
    except cases.AlreadyInDuo as already:
        flash(_("%(name)s is already %(role)s in this duo. Nothing was added.",
                name=db.get(Worker, already.assignment.worker_id).name, role=duo_role_name(role)))
    except IntegrityError:  # the same worker added twice at once: the database keeps one row
        db.rollback()
        flash(_("This worker was added to the duo at the same moment by someone else. Nothing was added twice."))
    except cases.CaseError:
        flash(_("Choose a worker of the team whose account is switched on."))
    return _to_duo(family)


@blueprint.route("/families/<id:family_id>/duo/<id:assignment_id>/end", methods=["GET", "POST"])
@roles(*DUO)
def end_duo_role(family_id, assignment_id):
    """Ending a worker's role asks first, on a page of its own that says what it does: only its POST ends it."""
    db = db_session()
    family = get_or_404(Family, family_id, Action.family_edit)
    assignment = get_or_404(DuoAssignment, assignment_id, Action.family_edit)
    if assignment.family_id != family.id or assignment.end is not None:
        return _to_duo(family)
    form = EndRoleForm()
    if request.method == "POST" and not switching_language():
        try:
            cases.end_assignment(db, family, assignment.id, form.last_day(), current_user.account.id)
            audit.record("family.duo", "ok", object=f"family:{family.id}", family_id=family.id)
            db.commit()
            return _to_duo(family)
        except cases.CaseError:
            form.refuse(form.end, _("Give the last day in the duo: a date from %(start)s on, e.g. 2026-12-31.",
                                    start=assignment.start.isoformat()))
    audit.record("family.view", "ok", object=f"family:{family.id}", family_id=family.id)
    return render_template("backoffice/end_role.html", family=family, assignment=assignment,
                           worker=db.get(Worker, assignment.worker_id), role=duo_role_name(assignment.role),
                           form=form), 400 if form.end.errors else 200


def _parent_of(family_id: int, parent_id: int) -> tuple[Family, Parent]:
    """The household and its parent, both the worker's to edit; a parent of another household is not found here."""
    family = get_or_404(Family, family_id, Action.family_edit)
    parent = get_or_404(Parent, parent_id, Action.family_edit)
    if parent.family_id != family.id:
        abort(404)
    return family, parent


@blueprint.get("/families/<id:family_id>/parents/<id:parent_id>/letter/new")
@roles(*DUO)
def confirm_letter(family_id, parent_id):
    """A new letter resets the parent's password and second factor: the page says so and asks first."""
    family, parent = _parent_of(family_id, parent_id)
    return confirm_page(family, parent, f"family:{family.id}",
                        url_for("backoffice.activation_letter", family_id=family.id, parent_id=parent.id))


@blueprint.post("/families/<id:family_id>/parents/<id:parent_id>/letter")
@roles(*DUO)
def activation_letter(family_id, parent_id):
    family, parent = _parent_of(family_id, parent_id)
    return issue_letter(family, parent, url_for("backoffice.letter", family_id=family.id, parent_id=parent.id))


@blueprint.get("/families/<id:family_id>/parents/<id:parent_id>/letter")
@roles(*DUO)
def letter(family_id, parent_id):
    family, parent = _parent_of(family_id, parent_id)
    return letter_page(family, parent, f"family:{family.id}",
                       url_for("backoffice.confirm_letter", family_id=family.id, parent_id=parent.id))


# Who reads a letter, for what it says the page shows them.
LETTER_READERS = {Parent: "parent", NetworkMember: "circle", FamilyMember: "child"}


# Who may get a letter: a parent, a member of the family's circle, a child of 12 or over.
Reader = Parent | NetworkMember | FamilyMember


def _account_of(person: Reader) -> Account | None:
    """The account of whoever gets a letter; None before their first letter."""
    return db_session().get(Account, person.account_id) if person.account_id else None


def confirm_page(family: Family, person: Reader, looked_at: str, post: str) -> str:
    """The page that says what a new letter does and asks first (the form posts to `post`); a recorded look at
    `looked_at` (the household, or what is the person's own)."""
    audit.record("family.view", "ok", object=looked_at, family_id=family.id)
    return render_template("backoffice/letter_confirm.html", family=family, person=person,
                           account=_account_of(person), post=post)


def issue_letter(family: Family, person: Reader, shown: str):
    """Create the account of a parent or circle member when needed and a letter with a one-time activation code,
    then show it at `shown` (a GET, so that a reload prints it again). A new letter also resets the second factor:
    they choose password and code method again."""
    db = db_session()
    if current_duo(db, stored_id(family.id), clock.today()).contact is None:
        flash(_("Choose a contact person first: the letter tells the parent whom to call."))
        return _to_duo(family)
    account = cases.new_letter(db, person)  # also ends an activation or sign-in begun with the old letter
    audit.record("account.letter", "ok", object=f"account:{account.id}", family_id=family.id)
    code = auth_secrets.issue_code(db, account, "activation", code_key())  # commits the letter with its event
    letters.keep(account, code)
    return redirect(shown, 303)


def letter_page(family: Family, person: Reader, looked_at: str, new: str) -> str:
    """The letter just made, to print (again); later, a page that says a new letter (at `new`) makes a new code. A
    recorded look at `looked_at`."""
    db, account = db_session(), _account_of(person)
    audit.record("family.view", "ok", object=looked_at, family_id=family.id)
    kept = letters.kept(account, lambda code: account is not None and auth_secrets.code_is_open(
        db, account, "activation", code, code_key()))
    if kept is None:
        return render_template("backoffice/letter_gone.html", family=family, person=person, account=account, new=new)
    code, until = kept
    # The letter names whom to call as the family's home does now, whoever prints it (a contact person away: the
    # partner).
    now = clock.local_now()
    call, _hours = call_now(db, current_duo(db, stored_id(family.id), now.date()), now,
                            current_app.config["OUT_OF_HOURS_NAME"], current_app.config["OUT_OF_HOURS_PHONE"])
    link = external_url("auth.activate")
    assert account is not None  # kept() found this account's letter
    # Username and code ride in the fragment, which browsers never send: no server or proxy log keeps them.
    qr = Markup(segno.make(f"{link}#{urlencode({'username': account.username, 'code': code})}",
                           error="m").svg_inline(scale=4))
    return render_template("backoffice/letter.html", person=person, account=account, code=code, link=link,
                           qr=qr, call=call, until=until, reader=LETTER_READERS[type(person)])


@blueprint.post("/families/<id:family_id>/parents/<id:parent_id>/deactivate")
@roles(*DUO)
def deactivate_parent(family_id, parent_id):
    family, parent = _parent_of(family_id, parent_id)
    switch_off(family, parent)
    return redirect(url_for("backoffice.family_file", family_id=family.id) + "#parents")


def switch_off(family: Family, person: Reader) -> None:
    """End the account of a parent, circle member or child of this household: every session of it ends at once
    (committed, audited); a new letter switches it on again."""
    db = db_session()
    account = _account_of(person)
    if account is not None and account.active:
        account.active = False
        account.session_generation += 1
        db.add(account)
        audit.record("account.deactivate", "ok", object=f"account:{account.id}", family_id=family.id)
        db.commit()
