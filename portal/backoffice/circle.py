"""The family's circle in the back office: add a member, confirm the agreements they carry, invite them by letter,
and handle their answers."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import clock
from portal.backoffice import blueprint
from portal.backoffice.audience_field import household_of
from portal.backoffice.circle_form import MemberForm, NamedForm
from portal.backoffice.family_admin import confirm_page, issue_letter, letter_page, switch_off
from portal.db import session as db_session
from portal.models import Account, Family, NetworkMember
from portal.policy import DUO
from portal.rules.actions import Action
from portal.services import circle, interpreting
from portal.web import audit
from portal.web.forms import switching_language
from portal.web.guards import get_or_404, roles


def _member_of(family_id: int, member_id: int, action: Action = Action.family_edit) -> tuple[Family, NetworkMember]:
    """The household and a member of its circle, the worker's to act on; another household's member is not found."""
    family = get_or_404(Family, family_id, action)
    member = get_or_404(NetworkMember, member_id, action)
    if member.family_id != family.id:
        audit.record(action.value, "refused", object=f"circle-member:{member.id}", family_id=family.id)
        abort(404)
    return family, member


@blueprint.route("/families/<id:family_id>/circle/new", methods=["GET", "POST"])
@roles(*DUO)
def circle_new(family_id):
    """Add a person of the family's circle: who they are and on whose side."""
    db = db_session()
    family = get_or_404(Family, family_id, Action.family_edit)
    form = MemberForm()
    if request.method == "POST" and not switching_language() and form.validate():
        try:
            side = circle.side_of(db, family, form.side_parent())
        except circle.CircleError:
            form.refuse(form.side, _("Choose the household or one of its parents."))
        else:
            member = circle.add(db, family, form.name.data, form.relation.data, form.language.data,
                                form.phone.data, side, current_user.account.id)
            audit.record("circle.add", "ok", object=f"circle-member:{member.id}", family_id=family.id)
            db.commit()
            return redirect(url_for("backoffice.circle_member", family_id=family.id, member_id=member.id))
    audit.record("family.view", "ok", object=f"family:{family.id}", family_id=family.id)  # its parents' names
    errors = form.messages()
    return render_template("backoffice/circle_new.html", family=family, form=form, errors=errors,
                           household=household_of(db, family), main_form="member-form"), 400 if errors else 200


@blueprint.get("/families/<id:family_id>/circle/<id:member_id>")
@roles(*DUO)
def circle_member(family_id, member_id):
    """A member of the circle: the agreements of the published plan they may read, those the duo confirms they
    carry (a name in the text is offered, never assumed), their account and their answers."""
    family, member = _member_of(family_id, member_id, Action.family_view)
    return _member_page(family, member)


@blueprint.post("/families/<id:family_id>/circle/<id:member_id>/agreements")
@roles(*DUO)
def circle_agreements(family_id, member_id):
    """The duo confirms which agreements the member carries. An agreement they may no longer read (the plan or
    its audience changed meanwhile) saves nothing: the page comes back with the boxes as ticked."""
    db = db_session()
    family, member = _member_of(family_id, member_id)
    chosen = NamedForm().keys()
    try:
        circle.name_in(db, member, chosen, current_user.account.id)
    except circle.CircleError:  # refused before anything changed
        return _member_page(family, member, chosen), 400
    interpreting.circle_changed(db, family.id, clock.today())  # what they carry out, into their language
    audit.record("circle.name", "ok", object=f"circle-member:{member.id}", family_id=family.id)
    db.commit()
    flash(_("Saved. %(name)s sees these agreements.", name=member.name))
    return redirect(url_for("backoffice.circle_member", family_id=family.id, member_id=member.id))


def _member_page(family: Family, member: NetworkMember, chosen: set[str] | None = None) -> str:
    """The member's page, a recorded look at what is theirs; `chosen`: the boxes as the duo ticked them when the
    page comes back refused."""
    db = db_session()
    audit.record("family.view", "ok", object=f"circle-member:{member.id}", family_id=family.id)
    return render_template("backoffice/circle_member.html", family=family, member=member,
                           offers=circle.offers(db, member), answers=circle.answers_of(db, member), chosen=chosen,
                           account=db.get(Account, member.account_id) if member.account_id else None,
                           household=household_of(db, family))


@blueprint.post("/families/<id:family_id>/circle/<id:member_id>/answers/<id:circle_answer_id>/handled")
@roles(*DUO)
def circle_answer_handled(family_id, member_id, circle_answer_id):
    """The duo talked a "cannot" through with the member (or changed the plan): it leaves the work list."""
    db = db_session()
    family, member = _member_of(family_id, member_id)
    handled = circle.handle(db, member, circle_answer_id, current_user.account.id)
    if handled is not None:
        audit.record("circle.handled", "ok", object=f"circle-answer:{handled.id}", family_id=family.id)
        db.commit()
    return redirect(url_for("backoffice.circle_member", family_id=family.id, member_id=member.id) + "#answers")


@blueprint.get("/families/<id:family_id>/circle/<id:member_id>/letter/new")
@roles(*DUO)
def circle_confirm_letter(family_id, member_id):
    family, member = _member_of(family_id, member_id)
    return confirm_page(family, member, f"circle-member:{member.id}",
                        url_for("backoffice.circle_letter_post", family_id=family.id, member_id=member.id))


@blueprint.post("/families/<id:family_id>/circle/<id:member_id>/letter")
@roles(*DUO)
def circle_letter_post(family_id, member_id):
    family, member = _member_of(family_id, member_id)
    return issue_letter(family, member, url_for("backoffice.circle_letter", family_id=family.id,
                                                member_id=member.id))


@blueprint.get("/families/<id:family_id>/circle/<id:member_id>/letter")
@roles(*DUO)
def circle_letter(family_id, member_id):
    family, member = _member_of(family_id, member_id)
    return letter_page(family, member, f"circle-member:{member.id}",
                       url_for("backoffice.circle_confirm_letter", family_id=family.id, member_id=member.id))


@blueprint.post("/families/<id:family_id>/circle/<id:member_id>/deactivate")
@roles(*DUO)
def circle_deactivate(family_id, member_id):
    """The member no longer carries anything, or must not: their account ends at once."""
    family, member = _member_of(family_id, member_id)
    switch_off(family, member)
    return redirect(url_for("backoffice.circle_member", family_id=family.id, member_id=member.id) + "#account")
