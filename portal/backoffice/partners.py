"""Partner organisations in the back office: a team lead adds an organisation, its people (an account and a
first-sign-in letter, two factors like staff) and its systems' tokens (shown once, revocable), or switches it off."""
from flask import abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import update
from sqlmodel import col, select
from wtforms.validators import ValidationError

from portal import clock
from portal.accounts import secrets as auth_secrets
from portal.backoffice import blueprint, letters
from portal.db import session as db_session
from portal.models import Account, Partner, PartnerKind, PartnerOrganisation, PartnerToken, Role
from portal.rules.actions import Action
from portal.services import signals, staff, stored_id
from portal.web import audit
from portal.web.forms import Form, Parsed, Text, max_length, switching_language
from portal.web.guards import own_team_or_404, roles

PEOPLE_SHOWN = 100


class OrganisationForm(Form):
    name = Text(max_length(PartnerOrganisation.name))
    kind = Parsed()

    def validate_name(self, field):
        if not field.data:
            raise ValidationError(_("Write the organisation's name, e.g. Politie Amsterdam-Zuid."))

    def validate_kind(self, field):
        if field.data not in {kind.value for kind in PartnerKind}:
            raise ValidationError(_("Choose what kind of organisation it is."))


class PersonForm(Form):
    name = Text(max_length(Partner.name))
    function = Text(max_length(Partner.function))

    def validate_name(self, field):
        if not field.data:
            raise ValidationError(_("Write the name."))


class TokenForm(Form):
    token_name = Text(max_length(PartnerToken.name))

    def validate_token_name(self, field):
        if not field.data:
            raise ValidationError(_("Write which system gets the token, e.g. the police's registration system."))


def _organisation_or_404(organisation_id: int) -> PartnerOrganisation:
    """An organisation of the team lead's own team; any other is 'not found'."""
    db = db_session()
    team = own_team_or_404(Action.partner_manage)
    organisation = db.get(PartnerOrganisation, organisation_id)
    if organisation is None or organisation.team_id != team.id:
        audit.record("partner.manage", "refused", object=f"partner-organisation:{organisation_id}")
        abort(404)
    return organisation


def _page(organisation: PartnerOrganisation, person: PersonForm | None = None, token_form: TokenForm | None = None,
          new_token: str = "", status: int = 200):
    db = db_session()
    people = db.exec(select(Partner, Account).join(Account, col(Account.id) == Partner.account_id)
                     .where(Partner.organisation_id == organisation.id).limit(PEOPLE_SHOWN)).all()
    tokens = db.exec(select(PartnerToken).where(PartnerToken.organisation_id == organisation.id)
                     .order_by(col(PartnerToken.created_at))).all()
    person, token_form = person or PersonForm(posted=False), token_form or TokenForm(posted=False)
    return render_template("backoffice/partner_organisation.html", organisation=organisation, people=people,
                           tokens=tokens, person=person, token_form=token_form, new_token=new_token,
                           errors={**person.messages(), **token_form.messages()}), status


@blueprint.route("/partners", methods=["GET", "POST"])
@roles(Role.teamlead)
def partners():
    """The team's partner organisations, and a form to add one."""
    db = db_session()
    team = own_team_or_404(Action.partner_manage)
    form = OrganisationForm()
    if request.method == "POST" and not switching_language() and form.validate():
        organisation = PartnerOrganisation(team_id=stored_id(team.id), kind=PartnerKind(form.kind.data),
                                           name=form.name.data, created_by=current_user.account.id)
        db.add(organisation)
        db.flush()
        audit.record("partner.create", "ok", object=f"partner-organisation:{organisation.id}")
        db.commit()
        return redirect(url_for("backoffice.partner_organisation", organisation_id=organisation.id), 303)
    organisations = db.exec(select(PartnerOrganisation).where(PartnerOrganisation.team_id == team.id)
                            .order_by(col(PartnerOrganisation.name))).all()
    errors = form.messages()
    return render_template("backoffice/partners.html", organisations=organisations, form=form, errors=errors,
                           kinds=list(PartnerKind)), 400 if errors else 200


@blueprint.get("/partners/<id:organisation_id>")
@roles(Role.teamlead)
def partner_organisation(organisation_id):
    return _page(_organisation_or_404(organisation_id))


@blueprint.post("/partners/<id:organisation_id>/people")
@roles(Role.teamlead)
def new_partner(organisation_id):
    """A person of the organisation gets an account (role partner) and a first-sign-in letter."""
    db = db_session()
    organisation = _organisation_or_404(organisation_id)
    form = PersonForm()
    if switching_language() or not form.validate() or not organisation.active:
        return _page(organisation, person=form, status=400 if form.errors else 200)
    account = Account(username=staff.unique_username(db, "partner-", form.name.data, "partner"), role=Role.partner,
                      display_name=form.name.data)
    db.add(account)
    db.flush()
    db.add(Partner(account_id=stored_id(account.id), organisation_id=stored_id(organisation.id), name=form.name.data,
                   function=form.function.data))
    password = staff.new_start(db, account)
    audit.record("partner.person", "ok", object=f"account:{account.id}")
    db.commit()
    letters.keep(account, password)
    return redirect(url_for("backoffice.partner_letter", organisation_id=organisation.id, account_id=account.id), 303)


@blueprint.get("/partners/<id:organisation_id>/people/<id:account_id>/letter")
@roles(Role.teamlead)
def partner_letter(organisation_id, account_id):
    """The partner's first-sign-in letter, to print (again) while its start password is unused."""
    db = db_session()
    organisation = _organisation_or_404(organisation_id)
    row = db.exec(select(Partner, Account).join(Account, col(Account.id) == Partner.account_id)
                  .where(Partner.account_id == account_id, Partner.organisation_id == organisation.id)).first()
    if row is None:
        abort(404)
    partner, account = row
    kept = letters.kept(account, lambda password: not account.totp_enrolled
                        and auth_secrets.password_matches(account, password))
    if kept is None:
        return redirect(url_for("backoffice.partner_organisation", organisation_id=organisation.id))
    password, until = kept
    return render_template("backoffice/partner_letter.html", organisation=organisation, partner=partner,
                           account=account, password=password, until=until)


@blueprint.post("/partners/<id:organisation_id>/tokens")
@roles(Role.teamlead)
def new_partner_token(organisation_id):
    """A token for the organisation's own system: shown on this answer only, never again."""
    db = db_session()
    organisation = _organisation_or_404(organisation_id)
    form = TokenForm()
    if switching_language() or not form.validate() or not organisation.active:
        return _page(organisation, token_form=form, status=400 if form.errors else 200)
    row, token = signals.new_token(db, organisation, form.token_name.data, current_user.account.id)
    audit.record("partner.token", "ok", object=f"partner-token:{row.id}")
    db.commit()
    return _page(organisation, new_token=token)


@blueprint.post("/partners/<id:organisation_id>/tokens/<id:token_id>/revoke")
@roles(Role.teamlead)
def revoke_partner_token(organisation_id, token_id):
    db = db_session()
    organisation = _organisation_or_404(organisation_id)
    token = db.get(PartnerToken, token_id)
    if token is None or token.organisation_id != organisation.id:
        abort(404)
    if token.revoked_at is None:
        token.revoked_at = clock.now()
        db.add(token)
        audit.record("partner.token_revoke", "ok", object=f"partner-token:{token.id}")
        db.commit()
    return redirect(url_for("backoffice.partner_organisation", organisation_id=organisation.id), 303)


@blueprint.post("/partners/<id:organisation_id>/switch")
@roles(Role.teamlead)
def switch_partner(organisation_id):
    """Switch an organisation off (its people can no longer sign in and their sessions end at once, its tokens stop
    working) or on again."""
    db = db_session()
    organisation = _organisation_or_404(organisation_id)
    organisation.active = not organisation.active
    db.add(organisation)
    # Its people's accounts go off and on with it: switched off, they cannot sign in, and open sessions end at once.
    people = select(Partner.account_id).where(Partner.organisation_id == organisation.id)
    db.exec(update(Account).where(col(Account.id).in_(people))  # type: ignore[call-overload]
            .values(active=organisation.active, session_generation=Account.session_generation + 1))
    audit.record("partner.switch", "on" if organisation.active else "off",
                 object=f"partner-organisation:{organisation.id}")
    db.commit()
    return redirect(url_for("backoffice.partner_organisation", organisation_id=organisation.id), 303)
