"""Staff accounts in the back office: a team lead creates, changes and switches off the accounts of their team,
and records when a worker is away."""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from portal import clock
from portal.accounts import secrets as auth_secrets
from portal.backoffice import blueprint, letters, staff_form
from portal.db import session as db_session
from portal.models import Role
from portal.policy import can
from portal.rules.actions import Action
from portal.services import identity, staff, stored_id
from portal.web import audit
from portal.web.forms import switching_language
from portal.web.guards import own_team_or_404, roles
from portal.web.links import external_url


def _staff_or_404(account_id: int) -> staff.StaffMember:
    """A staff account of the team lead's own team; any other account is 'not found'."""
    db = db_session()
    found = staff.member(db, account_id)
    if found is None or not can(current_user, Action.staff_manage, found.profile, db):
        audit.record("staff.manage", "refused", object=f"account:{account_id}")
        abort(404)
    return found


def _to_letter(member: staff.StaffMember, password: str):
    """The letter just made is shown on its own address, so that a reload prints it again (backoffice/letters)."""
    letters.keep(member.account, password)
    return redirect(url_for("backoffice.staff_letter_page", account_id=member.account.id), 303)


@blueprint.get("/staff")
@roles(Role.teamlead)
def staff_list():
    team = own_team_or_404(Action.staff_manage)
    return render_template("backoffice/staff_list.html", team=team, members=staff.team_staff(db_session(), team.id))


@blueprint.route("/staff/new", methods=["GET", "POST"])
@roles(Role.teamlead)
def new_staff():
    """A new worker, team lead or interpreter of the team; the answer is the first-sign-in letter."""
    team = own_team_or_404(Action.staff_manage)
    role = next((r for r in staff.STAFF_ROLES if r.value == request.values.get("role")), Role.worker)
    form = staff_form.form_for(role)
    if request.method == "POST" and not switching_language() and form.validate():
        db = db_session()
        member, password = staff.create(db, team.id, role, form.details())
        audit.record("staff.create", "ok", object=f"account:{member.account.id}")
        db.commit()
        return _to_letter(member, password)
    return _form_page(None, role, form)


def _form_page(member: staff.StaffMember | None, role: Role, form: staff_form.StaffForm,
               absence: staff_form.AbsenceForm | None = None, link: staff_form.LinkForm | None = None):
    db = db_session()
    errors = form.messages()
    absence = absence or staff_form.AbsenceForm()
    link = link or staff_form.LinkForm(posted=False)
    away = staff.absences(db, member.worker, clock.today()) if member and member.worker else []
    linked = identity.identity_of(db, stored_id(member.account.id)) if member else None
    team_id = current_user.worker.team_id if current_user.worker else None
    providers = identity.team_providers(db, team_id) if member and team_id is not None else []
    return render_template("backoffice/staff_form.html", member=member, role=role, form=form, errors=errors,
                           languages=staff_form.INTERPRETED, main_form="staff-form", absence=absence,
                           absence_errors=absence.messages(), away=away, link=link, link_errors=link.messages(),
                           linked=linked, providers=[p for p in providers if p.active],
                           ), 400 if errors or absence.errors or link.errors else 200


@blueprint.route("/staff/<id:account_id>", methods=["GET", "POST"])
@roles(Role.teamlead)
def edit_staff(account_id):
    db = db_session()
    member = _staff_or_404(account_id)
    role = member.account.role
    if request.method != "POST":
        hours = staff.working_hours(db, member.worker.id) if member.worker else []
        return _form_page(member, role, staff_form.form_for(role, member, hours))
    form = staff_form.form_for(role)
    if not switching_language() and form.validate():
        staff.change(db, member, form.details())
        audit.record("staff.change", "ok", object=f"account:{member.account.id}")
        db.commit()
        return redirect(url_for("backoffice.staff_list"))
    return _form_page(member, role, form)


@blueprint.post("/staff/<id:account_id>/absences")
@roles(Role.teamlead)
def add_absence(account_id):
    """Days a worker of the team is away: their households' "who do I call now" names the duo partner then."""
    db = db_session()
    member = _staff_or_404(account_id)
    if member.worker is None:
        abort(404)
    form = staff_form.AbsenceForm()
    if switching_language() or not form.validate():
        hours = staff.working_hours(db, member.worker.id)
        return _form_page(member, member.account.role,
                          staff_form.form_for(member.account.role, member, hours, posted=False), absence=form)
    staff.away(db, member.worker, form.first(), form.last())
    audit.record("staff.absence", "ok", object=f"account:{member.account.id}")
    db.commit()
    return redirect(url_for("backoffice.edit_staff", account_id=member.account.id) + "#away")


@blueprint.post("/staff/<id:account_id>/absences/<id:absence_id>/remove")
@roles(Role.teamlead)
def remove_absence(account_id, absence_id):
    db = db_session()
    member = _staff_or_404(account_id)
    if member.worker is not None and staff.back(db, member.worker, absence_id):
        audit.record("staff.absence_removed", "ok", object=f"account:{member.account.id}")
        db.commit()
    return redirect(url_for("backoffice.edit_staff", account_id=member.account.id) + "#away")


@blueprint.post("/staff/<id:account_id>/active")
@roles(Role.teamlead)
def switch_staff(account_id):
    """Switch an account off (its sessions end, it leaves the choices for new duos) or on again."""
    db = db_session()
    member = _staff_or_404(account_id)
    form = staff_form.SwitchForm()
    active = form.switched_on()
    try:
        changed = form.validate() and staff.switch(db, member.account, active, current_user.account)
    except staff.StaffError:
        flash(_("You cannot switch off your own account. Ask another team lead."))
        changed = False
    if changed:
        audit.record("staff.switch_on" if active else "staff.switch_off", "ok", object=f"account:{member.account.id}")
        db.commit()
    return redirect(url_for("backoffice.edit_staff", account_id=member.account.id))


@blueprint.get("/staff/<id:account_id>/letter/new")
@roles(Role.teamlead)
def confirm_staff_letter(account_id):
    """A new first-sign-in letter ends the colleague's password and app: the page says so and asks first."""
    return render_template("backoffice/staff_letter_confirm.html", member=_staff_or_404(account_id))


@blueprint.post("/staff/<id:account_id>/letter")
@roles(Role.teamlead)
def staff_letter(account_id):
    """A new first-sign-in letter: a new start password, and the authenticator app is linked again. Not for an
    account that signs in through its organisation: unlink it first (a password would open a second way in)."""
    db = db_session()
    member = _staff_or_404(account_id)
    if identity.identity_of(db, stored_id(member.account.id)) is not None:
        audit.record("staff.letter", "refused", object=f"account:{member.account.id}")
        flash(_("This colleague signs in with their organisation. Unlink that first to give them a letter."))
        return redirect(url_for("backoffice.edit_staff", account_id=member.account.id), 303)
    password = staff.new_start(db, member.account)
    audit.record("staff.letter", "ok", object=f"account:{member.account.id}")
    db.commit()
    return _to_letter(member, password)


@blueprint.get("/staff/<id:account_id>/letter")
@roles(Role.teamlead)
def staff_letter_page(account_id):
    """The letter just made, to print (again) while its start password is unused; later, a page that says so."""
    member = _staff_or_404(account_id)
    account = member.account
    kept = letters.kept(account, lambda password: not account.totp_enrolled
                        and auth_secrets.password_matches(account, password))
    if kept is None:
        return render_template("backoffice/staff_letter_gone.html", member=member)
    password, until = kept
    return render_template("backoffice/staff_letter.html", member=member, password=password, until=until)


# --- sign-in through an organisation's own identity provider (portal/auth/oidc.py) -------------------------------

def _providers_page(team, form: staff_form.ProviderForm, status: int = 200):
    db = db_session()
    return render_template("backoffice/staff_providers.html", team=team, form=form, errors=form.messages(),
                           providers=identity.team_providers(db, stored_id(team.id)), prefix=identity.SECRET_PREFIX,
                           answer_url=external_url("auth.provider_answer"), main_form="provider-form",
                           ), status


@blueprint.route("/staff/providers", methods=["GET", "POST"])
@roles(Role.teamlead)
def identity_providers():
    """The organisations whose staff sign in through their own provider, and a form to add one: the secret is
    never typed here, only the name of the environment variable that holds it."""
    team = own_team_or_404(Action.staff_manage)
    form = staff_form.ProviderForm()
    if request.method != "POST" or switching_language():
        return _providers_page(team, form)
    if not form.validate():
        return _providers_page(team, form, 400)
    db = db_session()
    try:
        provider = identity.add_provider(db, stored_id(team.id), form.details())
    except identity.IdentityError:
        form.refuse(form.client_id, _("This issuer and client id are configured already, or the team has as many "
                                      "organisations as it can have."))
        return _providers_page(team, form, 400)
    audit.record("identity_provider.create", "ok", object=f"provider:{provider.id}")
    db.commit()
    return redirect(url_for("backoffice.identity_providers"), 303)


@blueprint.post("/staff/providers/<id:provider_id>/active")
@roles(Role.teamlead)
def switch_identity_provider(provider_id):
    """Switch an organisation's sign-in off (the sessions of its linked colleagues end at once) or on again."""
    team = own_team_or_404(Action.staff_manage)
    db = db_session()
    provider = identity.provider_of_team(db, stored_id(team.id), provider_id)
    if provider is None:
        audit.record("identity_provider.switch", "refused", object=f"provider:{provider_id}")
        abort(404)
    form = staff_form.SwitchForm()
    active = form.switched_on()
    if form.validate() and identity.switch_provider(db, provider, active):
        audit.record("identity_provider.switch_on" if active else "identity_provider.switch_off", "ok",
                     object=f"provider:{provider.id}")
        db.commit()
    return redirect(url_for("backoffice.identity_providers"), 303)


@blueprint.post("/staff/<id:account_id>/identity")
@roles(Role.teamlead)
def link_identity(account_id):
    """Link a colleague's account to the subject their organisation's provider gives them (never an e-mail
    address): their local password goes, and their sessions end; they sign in with their organisation."""
    db = db_session()
    member = _staff_or_404(account_id)
    team = own_team_or_404(Action.staff_manage)
    form = staff_form.LinkForm()
    provider_id = form.provider_id()
    provider = identity.provider_of_team(db, stored_id(team.id), provider_id) if provider_id else None
    if provider is None:
        form.refuse(form.provider, _("Choose the organisation this colleague signs in with."))
    if switching_language() or not form.validate() or provider is None:
        return _identity_refused(member, form)
    try:
        identity.link(db, member.account, provider, form.subject.data.strip(), current_user.account)
    except identity.OwnAccount:
        form.refuse(form.subject, _("You cannot link your own account. Ask another team lead."))
        return _identity_refused(member, form)
    except identity.IdentityError:
        form.refuse(form.subject, _("This code is linked to another colleague's account already."))
        return _identity_refused(member, form)
    audit.record("staff.identity_link", "ok", object=f"account:{member.account.id}:provider:{provider.id}")
    db.commit()
    return redirect(url_for("backoffice.edit_staff", account_id=member.account.id) + "#sign-in", 303)


def _identity_refused(member: staff.StaffMember, form: staff_form.LinkForm):
    audit.record("staff.identity_link", "refused", object=f"account:{member.account.id}")
    db = db_session()
    role = member.account.role
    hours = staff.working_hours(db, stored_id(member.worker.id)) if member.worker else []
    page, _status = _form_page(member, role, staff_form.form_for(role, member, hours, posted=False), link=form)
    return page, 400


@blueprint.post("/staff/<id:account_id>/identity/remove")
@roles(Role.teamlead)
def unlink_identity(account_id):
    """The colleague no longer signs in through their organisation; their sessions end. A new first-sign-in letter
    gives them a password again."""
    db = db_session()
    member = _staff_or_404(account_id)
    if identity.unlink(db, member.account):
        audit.record("staff.identity_unlink", "ok", object=f"account:{member.account.id}")
        db.commit()
    return redirect(url_for("backoffice.edit_staff", account_id=member.account.id) + "#sign-in", 303)
