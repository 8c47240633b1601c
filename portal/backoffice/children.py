"""A child of 12 or over in the back office: the duo's decision on an account, the letter, the child's plan written
with them (checked at a child's level), and what the child wrote."""
from flask import abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlmodel import select

from portal import clock
from portal.backoffice import blueprint
from portal.backoffice.child_form import ChildPlanForm, DecisionForm
from portal.backoffice.family_admin import confirm_page, issue_letter, letter_page, switch_off
from portal.db import session as db_session
from portal.models import Account, Family, FamilyMember, Parent
from portal.policy import DUO
from portal.rules import plain_language
from portal.rules.actions import Action
from portal.services import children, stored_id
from portal.web import audit
from portal.web.forms import switching_language
from portal.web.guards import get_or_404, roles


def _child_of(family_id: int, child_id: int, action: Action = Action.family_edit) -> tuple[Family, FamilyMember]:
    """The household and one of its children of 12 or over, the worker's to act on; anyone else is not found."""
    family = get_or_404(Family, family_id, action)
    member = get_or_404(FamilyMember, child_id, action)
    if member.family_id != family.id or not children.may_have_account(member, clock.today()):
        audit.record(action.value, "refused", object=f"child:{child_id}", family_id=family.id)
        abort(404)
    return family, member


def _page(family: Family, member: FamilyMember, decision_form=None, plan_form=None, status: int = 200):
    """The child's page for the duo, a recorded look at what is theirs (their plan, their words)."""
    db, member_id = db_session(), stored_id(member.id)
    audit.record("family.view", "ok", object=f"child:{member_id}", family_id=family.id)
    plan = children.plan_of(db, member_id)
    plan_form = plan_form or ChildPlanForm(obj=plan)
    names = plain_language.name_words(db.exec(select(Parent.name).where(Parent.family_id == family.id)))
    advice = {field: plain_language.check(plan_form[field].data or "", names, plain_language.CHILD).findings
              for field in ("call", "go")}
    return render_template("backoffice/child.html", family=family, member=member, plan=plan, plan_form=plan_form,
                           decision=children.decision_of(db, member_id), decision_form=decision_form or DecisionForm(),
                           account=db.get(Account, member.account_id) if member.account_id else None,
                           words=children.words_of(db, member_id), advice=advice,
                           age=children.age_in(member, clock.today())), status


@blueprint.get("/families/<id:family_id>/children/<id:child_id>")
@roles(*DUO)
def child_page(family_id, child_id):
    family, member = _child_of(family_id, child_id, Action.family_view)
    return _page(family, member)


@blueprint.post("/families/<id:family_id>/children/<id:child_id>/decision")
@roles(*DUO)
def child_decision(family_id, child_id):
    """The duo's decision, with the child, that they get an account: then the letter, printed for the child."""
    db = db_session()
    family, member = _child_of(family_id, child_id)
    form = DecisionForm()
    if switching_language() or not form.validate():
        return _page(family, member, decision_form=form, status=200 if switching_language() else 400)
    children.decide(db, member, current_user.account.id, form.parents.data == "know", form.why_not_told.data)
    audit.record("child.decision", "ok", object=f"child:{member.id}", family_id=family.id)
    return issue_letter(family, member, url_for("backoffice.child_letter", family_id=family.id,
                                                child_id=member.id))


@blueprint.post("/families/<id:family_id>/children/<id:child_id>/plan")
@roles(*DUO)
def child_plan(family_id, child_id):
    """The child's plan as written with them; the page shows the plain-language advice at a child's level."""
    db = db_session()
    family, member = _child_of(family_id, child_id)
    form = ChildPlanForm()
    if switching_language() or not form.validate():
        return _page(family, member, plan_form=form, status=200 if switching_language() else 400)
    children.save_plan(db, member, form.call.data, form.go.data, form.code_word.data, current_user.account.id)
    audit.record("child.plan", "ok", object=f"child:{member.id}", family_id=family.id)
    db.commit()
    flash(_("Saved. %(name)s sees this plan on their own page.", name=member.name))
    return redirect(url_for("backoffice.child_page", family_id=family.id, child_id=member.id) + "#plan")


@blueprint.post("/families/<id:family_id>/children/<id:child_id>/words/<id:words_id>/read")
@roles(*DUO)
def child_words_read(family_id, child_id, words_id):
    db = db_session()
    family, member = _child_of(family_id, child_id)
    read = children.mark_read(db, family.id, words_id, current_user.account.id)
    if read is not None:
        audit.record("child.read", "ok", object=f"child:{member.id}", family_id=family.id)
        db.commit()
    return redirect(url_for("backoffice.child_page", family_id=family.id, child_id=member.id) + "#words")


@blueprint.get("/families/<id:family_id>/children/<id:child_id>/letter/new")
@roles(*DUO)
def child_confirm_letter(family_id, child_id):
    """A new letter for a child who has an account already (lost, forgotten): it resets their sign-in."""
    family, member = _child_of(family_id, child_id)
    if member.account_id is None:  # the first letter comes with the duo's decision, on the child's page
        return redirect(url_for("backoffice.child_page", family_id=family.id, child_id=member.id) + "#account")
    return confirm_page(family, member, f"child:{member.id}",
                        url_for("backoffice.child_letter_post", family_id=family.id, child_id=member.id))


@blueprint.post("/families/<id:family_id>/children/<id:child_id>/letter")
@roles(*DUO)
def child_letter_post(family_id, child_id):
    family, member = _child_of(family_id, child_id)
    if children.decision_of(db_session(), stored_id(member.id)) is None:  # never without the duo's decision
        flash(_("Decide with the child first."))
        return redirect(url_for("backoffice.child_page", family_id=family.id, child_id=member.id))
    return issue_letter(family, member, url_for("backoffice.child_letter", family_id=family.id,
                                                child_id=member.id))


@blueprint.get("/families/<id:family_id>/children/<id:child_id>/letter")
@roles(*DUO)
def child_letter(family_id, child_id):
    family, member = _child_of(family_id, child_id)
    return letter_page(family, member, f"child:{member.id}",
                       url_for("backoffice.child_confirm_letter", family_id=family.id, child_id=member.id))


@blueprint.post("/families/<id:family_id>/children/<id:child_id>/deactivate")
@roles(*DUO)
def child_deactivate(family_id, child_id):
    """The child's page is no longer safe or wanted: their account ends at once."""
    family, member = _child_of(family_id, child_id)
    switch_off(family, member)
    return redirect(url_for("backoffice.child_page", family_id=family.id, child_id=member.id) + "#account")
