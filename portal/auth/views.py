"""Sign-in (password, then a second factor), activation of parent accounts, enrolment, sign-out."""
import segno
from flask import current_app, flash, g, make_response, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup
from sqlmodel import col, select

from portal.accounts import flows, sessions
from portal.accounts import secrets as auth_secrets
from portal.auth import blueprint, devices, session_cookie
from portal.auth.forms import (
    ActivateForm,
    AppCodeForm,
    ChangePasswordForm,
    CodeForm,
    NewPasswordForm,
    SecondFactorForm,
    SignInForm,
    fitting,
)
from portal.db import session as db_session
from portal.extensions import csrf, limiter
from portal.models import Account, Role
from portal.models.accounts import FAMILY_ROLES
from portal.policy import STAFF
from portal.services import notifications
from portal.web import audit, kept
from portal.web.forms import LanguageChoice, save_language, switching_language, typed_fields
from portal.web.guards import public, roles
from portal.web.i18n import audience_of, clear_session, session_language
from portal.web.redirects import local_target, shows_a_page
from portal.web.secret import code_key

PER_ADDRESS = "30/minute"
FAILURES_PER_ACCOUNT = "100/hour"
SMS_CODES_PER_HOUR = 5


SIGN_IN_ENDPOINTS = ("auth.sign_in", "auth.staff_sign_in")


def _account_key() -> str:
    """The counter an attempt goes to: at the password step a known device of the account counts on its own
    (portal/auth/devices.py), any other browser on the username as the sign-in cleans it; at the code and
    enrolment steps the account of the step this browser is at (a username field in the form must not choose
    the counter)."""
    if request.endpoint in SIGN_IN_ENDPOINTS:
        username = fitting(SignInForm().username).lower()
        device = devices.known(db_session(), username)
        return f"device:{device}" if device else "account:" + username
    return "account:" + flows.account_in_cookie(db_session(), session)


def _failures_allowed() -> str:
    # Only the password step has device keys: the code step looks its account up once, for the key.
    known = request.endpoint in SIGN_IN_ENDPOINTS and _account_key().startswith("device:")
    return devices.FAILURES_PER_DEVICE if known else FAILURES_PER_ACCOUNT


def _failed(response) -> bool:
    return response.status_code == 401


account_limit = limiter.limit(_failures_allowed, key_func=_account_key, deduct_when=_failed, methods=["POST"])
address_limit = limiter.limit(PER_ADDRESS, methods=["POST"])


def _audience() -> str:
    return audience_of(request.path)


def _home(account: Account) -> str:
    if account.role is Role.network:
        return url_for("family.circle_home")
    if account.role is Role.child:
        return url_for("family.child_home")
    if account.role is Role.partner:
        return url_for("partner.home")
    return url_for("family.home") if account.role is Role.parent else url_for("backoffice.home")


def _qr_svg(uri: str) -> Markup:
    return Markup(segno.make(uri, error="m").svg_inline(scale=4, dark="#000", light="#fff"))


def _authenticator(account: Account) -> dict:
    """How the page links an authenticator app (auth/_authenticator.html): a link that opens the app on this
    phone, the same address as a QR code for a phone beside a computer, and the key to type."""
    assert account.totp_secret is not None  # both pages that show this turn away an account without a secret
    uri = auth_secrets.totp_uri(account, current_app.config["APP_NAME"])
    return {"app_link": uri, "qr": _qr_svg(uri), "key": auth_secrets.grouped_key(account.totp_secret)}


def _sign_in_url() -> str:
    return url_for("auth.staff_sign_in" if _audience() == "staff" else "auth.sign_in")


def _sign_in_page(form: SignInForm, status=200):
    staff = _audience() == "staff"
    return render_template("auth/sign_in.html", staff=staff, form=form, main_form="sign-in"), status


def _locked(db, account: Account, limit: str):
    """Too many wrong codes: the code step closes, until the password is given again ("flow") or until a
    day after the first of them ("day"), and the sign-in page says why."""
    audit.record("sign_in.locked", "refused", object=f"account:{account.id}", account=account)
    flows.end_current(db, session)
    db.commit()
    if limit == "day":
        flash(_("Too many wrong codes today. Try again tomorrow."))
    else:
        flash(_("Too many wrong codes. Sign in again with your password."))
    return redirect(_sign_in_url())


@blueprint.route("/sign-in", methods=["GET", "POST"], endpoint="sign_in")
@blueprint.route("/backoffice/sign-in", methods=["GET", "POST"], endpoint="staff_sign_in")
@public
@address_limit
@account_limit
def sign_in():
    form = SignInForm()
    if request.method != "POST" or switching_language():
        return _sign_in_page(form)
    db = db_session()
    username = fitting(form.username).lower()
    account = db.exec(select(Account).where(Account.username == username)).first()
    right_audience = account is not None and account.role.is_staff == (_audience() == "staff")
    good = auth_secrets.password_matches(account, form.password.data or "") and right_audience
    if not good or not account.active:
        audit.record("sign_in.password", "refused", object=f"account:{username}"[:120],
                     account=account if right_audience else None)
        # One message for unknown user and wrong password, so names cannot be guessed.
        form.refuse(form.password, _("The username or password is not right."))
        return _sign_in_page(form, 401)
    if flows.locked_today(db, account):
        return _locked(db, account, "day")
    audit.record("sign_in.password", "ok", object=f"account:{account.id}", account=account)
    enrolling = account.role.is_staff and not account.totp_enrolled
    if enrolling and not account.totp_secret:
        account.totp_secret = auth_secrets.new_totp_secret()  # made here: the enrolment page only shows it
        db.add(account)
    flows.begin(db, session, account, "sign_in", "enrol" if enrolling else "code", _audience())
    db.commit()
    if enrolling:
        return redirect(url_for("auth.enrol"))
    if account.second_factor == "sms":
        _send_sms_code(account)
    return redirect(url_for("auth.staff_code" if account.role.is_staff else "auth.code"))


def _send_sms_code(account: Account, purpose: str = "sms", to: str = "") -> bool:
    """Send a new code by SMS, to sign in ("sms", to the account's number) or to confirm the number `to`
    ("phone"); at most a few an hour: nobody with a stolen password can flood a phone."""
    db = db_session()
    if auth_secrets.codes_sent_recently(db, account, purpose) >= SMS_CODES_PER_HOUR:
        return False
    code = auth_secrets.issue_code(db, account, purpose, code_key(), commit=False, sent_to=to)
    notifications.queue(db, account, "sms", to or account.sms_phone or "", notifications.sms_code_text(account, code))
    db.commit()  # the code and its message together: the worker sends it within seconds
    return True


def _code_page(account: Account, form: CodeForm, status=200):
    return render_template("auth/code.html", account=account, form=form, main_form="code-form",
                           staff=account.role.is_staff), status


@blueprint.route("/sign-in/code", methods=["GET", "POST"], endpoint="code")
@blueprint.route("/backoffice/sign-in/code", methods=["GET", "POST"], endpoint="staff_code")
@public
@address_limit
@account_limit
def code():
    db = db_session()
    found = flows.current(db, session, "sign_in", "code", _audience())
    if found is None:
        return redirect(_sign_in_url())
    flow, account = found
    form = CodeForm()
    if request.method != "POST" or switching_language():
        return _code_page(account, form)
    if form.resend.data and account.second_factor == "sms":
        if not _send_sms_code(account):
            form.refuse(form.code, _("We sent several codes already. Use the last one, or wait an hour for a new one."))
            return _code_page(account, form, 429)
        return _code_page(account, form)
    held = flows.claim_code_attempt(db, flow, account)
    if held:
        return _locked(db, account, held)
    entered = fitting(form.code).replace(" ", "")
    if account.second_factor == "sms" and not account.role.is_staff:
        accepted = auth_secrets.burn_code(db, "sms", entered, code_key(), account) is not None
    else:
        accepted = auth_secrets.accept_totp(db, account, entered)
    method = account.second_factor
    if not accepted and account.role.is_staff and len(entered) > 6:
        accepted, method = auth_secrets.burn_recovery_code(db, account, entered, code_key()), "recovery_code"
    if not accepted:
        audit.record(f"sign_in.{method}", "refused", object=f"account:{account.id}", account=account)
        reached = flows.limit_reached(db, flow, account)
        if reached:
            return _locked(db, account, reached)
        form.refuse(form.code, _("This code is not right or was already used. Wait for a new code and try again."))
        return _code_page(account, form, 401)
    if not flows.code_accepted(db, session, flow, account):
        return redirect(_sign_in_url())
    audit.record(f"sign_in.{method}", "ok", object=f"account:{account.id}", account=account)
    waiting = kept.waiting_token()  # the new session's cookie starts empty
    session_cookie.begin(db, account)  # commits the new session with its event
    return redirect(kept.claim(db, waiting, account) or _home(account))


@blueprint.route("/backoffice/enrol", methods=["GET", "POST"])
@public
@address_limit
@account_limit
def enrol():
    """First sign-in of a staff member: link an authenticator app, confirm a code, get recovery codes."""
    db = db_session()
    found = flows.current(db, session, "sign_in", "enrol", "staff")
    if found is None or found[1].totp_enrolled or not found[1].totp_secret:
        return redirect(url_for("auth.staff_sign_in"))
    flow, account = found
    form = AppCodeForm()
    if request.method == "POST" and not switching_language():
        if auth_secrets.accept_totp(db, account, fitting(form.code)):
            if not flows.use(db, session, flow):
                return redirect(url_for("auth.staff_sign_in"))
            account.totp_enrolled = True
            db.add(account)
            audit.record("totp.enrol", "ok", object=f"account:{account.id}", account=account)
            db.commit()
            session_cookie.begin(db, account)
            return _recovery_codes_page(account)
        form.refuse(form.code, _("This code is not right. Look at the app and type the 6 digits you see now."))
    return render_template("auth/enrol.html", form=form, main_form="code-form",
                           **_authenticator(account)), 401 if form.messages() else 200


def _recovery_codes_page(account: Account):
    codes = auth_secrets.new_recovery_codes(db_session(), account, code_key())
    return render_template("auth/recovery_codes.html", codes=codes)


@blueprint.post("/backoffice/recovery-codes")
@roles(*STAFF)
def new_recovery_codes():
    audit.record("recovery_codes.renew", "ok", object=f"account:{current_user.account.id}")
    # A sign-in left open at the code step elsewhere ends with the old codes.
    flows.end_all(db_session(), current_user.account.id)
    return _recovery_codes_page(current_user.account)


@blueprint.route("/activate", methods=["GET", "POST"])
@public
@address_limit
@limiter.limit("20/hour", methods=["POST"], deduct_when=_failed)
def activate():
    """A parent starts with the code from the activation letter. The letter's link carries it in the
    fragment, which browsers never send: static/activate.js types it into the form."""
    form = ActivateForm()
    if request.method != "POST" or switching_language():
        return render_template("auth/activate.html", form=form, main_form="activate-form")
    db = db_session()
    username = fitting(form.username).lower()
    account = db.exec(select(Account).where(Account.username == username,
                                         col(Account.role).in_(FAMILY_ROLES))).first()
    if account is None or auth_secrets.burn_code(db, "activation", fitting(form.code), code_key(), account) is None:
        audit.record("account.activate", "refused", object=f"account:{username}"[:120])
        form.refuse(form.code, _("This code is not right, was already used or is older than 7 days. "
                                 "Ask your contact person for a new letter."))
        return render_template("auth/activate.html", form=form, main_form="activate-form"), 401
    clear_session(session_language())  # a language chosen before the code goes on to the password page
    audit.record("account.activate", "ok", object=f"account:{account.id}", account=account)
    flows.end_all(db, account.id)  # an earlier activation or a sign-in of this account, in any browser
    flows.begin(db, session, account, "activation", "password", "family")
    db.commit()
    return redirect(url_for("auth.choose_password"))


@blueprint.route("/activate/password", methods=["GET", "POST"], endpoint="choose_password")
@public
def choose_password():
    db = db_session()
    found = flows.current(db, session, "activation", "password", "family")
    if found is None:
        return redirect(url_for("auth.activate"))
    flow, account = found
    form = NewPasswordForm()
    if request.method == "POST" and not switching_language() and _new_password_fits(account, form):
        if not flows.use(db, session, flow):
            return redirect(url_for("auth.activate"))
        account.totp_secret = account.totp_secret or auth_secrets.new_totp_secret()  # the next page shows it
        _set_password(account, form.password.data)
        flows.next_step(db, session, flow, "second_factor")
        db.commit()
        return redirect(url_for("auth.second_factor"))
    page = render_template("auth/choose_password.html", form=form, main_form="password-form")
    return page, 400 if form.messages() else 200


def _new_password_fits(account: Account, form: NewPasswordForm) -> bool:
    """The new password is long and hard enough to guess and typed twice the same; else an error at its field."""
    password = form.password.data or ""
    problem = auth_secrets.password_problem(password, account.username)
    if problem == "short":
        form.refuse(form.password, _("Use at least 10 characters. A few words in a row is good, "
                                     "e.g. blue bike on the roof."))
    elif problem == "common":
        form.refuse(form.password, _("This password is too easy to guess. "
                                     "Use a few words that belong together only for you."))
    elif password != (form.password_again.data or ""):
        form.refuse(form.password_again, _("The two passwords are not the same."))
    return not form.messages()


def _set_password(account: Account, password: str, keep=None) -> None:
    """Store a new password; every other session and every open sign-in or activation of the account ends."""
    db = db_session()
    assert account.id is not None  # a stored account
    account.password_hash = auth_secrets.hash_password(password)
    db.add(account)
    audit.record("account.password", "ok", object=f"account:{account.id}", account=account)
    flows.end_all(db, account.id)
    db.commit()
    sessions.end_all_other(db, account, keep)


@blueprint.route("/password", methods=["GET", "POST"], endpoint="change_password")
@blueprint.route("/backoffice/password", methods=["GET", "POST"], endpoint="staff_change_password")
@roles(*Role)
@address_limit
def change_password():
    """A signed-in user changes their password; other phones and computers are signed out."""
    account = current_user.account
    form = ChangePasswordForm()
    if request.method == "POST" and not switching_language():
        if not auth_secrets.password_matches(account, form.current_password.data or ""):
            form.refuse(form.current_password, _("This is not your current password."))
        elif _new_password_fits(account, form):
            _set_password(account, form.password.data, keep=current_user.record)
            flash(_("Your password is changed. You are signed out everywhere else."))
            return redirect(_home(account))
    page = render_template("auth/change_password.html", form=form, main_form="password-form",
                           staff=account.role.is_staff)
    return page, 400 if form.messages() else 200


@blueprint.route("/activate/second-factor", methods=["GET", "POST"], endpoint="second_factor")
@public
@address_limit
def second_factor():
    """The parent links an authenticator app, or chooses codes by SMS: a number counts only once a code sent
    to it was typed back (a typo would lock her out and send her codes to a stranger)."""
    db = db_session()
    found = flows.current(db, session, "activation", "second_factor", "family")
    if found is None or not found[1].password_hash or not found[1].totp_secret:
        return redirect(url_for("auth.activate"))
    flow, account = found
    form = SecondFactorForm()
    chosen, status = None, 200
    if request.method == "POST" and not switching_language():
        if form.method.data in ("sms", "sms_confirm"):
            chosen, status = _phone_step(db, flow, account, form)
        elif auth_secrets.accept_totp(db, account, fitting(form.code)):
            chosen = {"second_factor": "totp", "totp_enrolled": True}
        else:
            form.refuse(form.code, _("This code is not right. Look at the app and type the 6 digits you see now."))
            status = 400
    if chosen:
        # The account changes only once this step is used: a copy of the cookie racing it changes nothing.
        if not flows.use(db, session, flow):
            return redirect(url_for("auth.activate"))
        for name, value in chosen.items():
            setattr(account, name, value)
        db.add(account)
        audit.record("account.second_factor", "ok", object=f"account:{account.id}:{account.second_factor}",
                     account=account)
        db.commit()
        session_cookie.begin(db, account)
        return redirect(url_for("family.home"))
    code_sent = form.sent.data == "1" or (form.method.data in ("sms", "sms_confirm") and not form.phone.errors)
    response = make_response(render_template("auth/second_factor.html", form=form, main_form="factor-form",
                                              code_sent=code_sent, **_authenticator(account)))
    response.status_code = status
    return response


def _phone_step(db, flow, account: Account, form: SecondFactorForm) -> tuple[dict | None, int]:
    """Send a code to the typed number ("sms"), or check the code typed back ("sms_confirm", at most
    flows.CODES_PER_FLOW tries). The number is chosen (returned, not yet stored) only with a code sent to it."""
    phone = fitting(form.phone)
    if not 9 <= len(auth_secrets.phone_digits(phone)) <= 15:
        form.refuse(form.phone, _("Type a mobile number, e.g. 06 12345678."))
        return None, 400
    if form.method.data == "sms":
        if _send_sms_code(account, "phone", phone):
            return None, 200
        form.refuse(form.sms_code, _("We sent several codes already. Use the last one, or wait an hour for a new one."))
        return None, 429
    if not flows.claim_step_attempt(db, flow):
        form.refuse(form.sms_code, _("Too many wrong codes. Use the app, or ask your contact person for a new letter."))
        return None, 429
    if auth_secrets.burn_code(db, "phone", fitting(form.sms_code), code_key(), account, sent_to=phone) is None:
        audit.record("account.second_factor", "refused", object=f"account:{account.id}:sms", account=account)
        form.refuse(form.sms_code, _("This code is not right or is older than 5 minutes. "
                                     "Type the last code we sent, or send a new one."))
        return None, 400
    return {"second_factor": "sms", "sms_phone": phone, "totp_enrolled": False}, 200


@blueprint.post("/sign-out")
@roles(*Role)
def sign_out():
    audit.record("sign_out", "ok", object=f"account:{current_user.account.id}")
    staff = current_user.role.is_staff
    flows.end_all(db_session(), current_user.account.id)  # a sign-in left open elsewhere ends too
    session_cookie.end(db_session(), current_user._get_current_object())
    return redirect(url_for("auth.staff_sign_in" if staff else "auth.sign_in"))


@blueprint.post("/quick-exit")
@public
@csrf.exempt
def quick_exit():
    """End the session at once, wipe what the browser kept, and go to a neutral site."""
    if current_user.is_authenticated:
        audit.record("quick_exit", "ok", object=f"account:{current_user.account.id}")
        flows.end_all(db_session(), current_user.account.id)
        session_cookie.end(db_session(), current_user._get_current_object())
    kept.forget(db_session())  # text kept after a session ran out: nobody finds it later on this phone
    session.clear()
    response = redirect(current_app.config["NEUTRAL_SITE"], 303)
    response.headers["Clear-Site-Data"] = '"cache", "cookies", "storage"'
    response.delete_cookie(current_app.config["SESSION_COOKIE_NAME"])
    # The device cookie goes too, although signing out keeps it: on a shared or checked phone it would tell
    # that the portal was used there. The price: this phone is a stranger's at the next sign-in.
    devices.forget(response)
    return response


@blueprint.post("/language", endpoint="set_language")
@public
def set_language():
    fallback = _home(current_user.account) if current_user.is_authenticated else url_for("family.home")
    choice = LanguageChoice()
    target = local_target(choice.next_page.data, fallback)
    save_language(choice.set_language.data or "", target)
    # A page that answered a form (recovery codes) cannot be asked for again: then home, in the language chosen.
    return redirect(target if shows_a_page(target) else fallback)


@blueprint.get("/kept", endpoint="kept")
@blueprint.get("/backoffice/kept", endpoint="staff_kept")
@roles(*Role)
def kept_text():
    """Text kept when the session ran out, from a form without a page of its own (it only answers POST):
    shown here to send again (portal/web/kept.py fills the form)."""
    path = g.get("kept_path")
    if path is None:
        return redirect(_home(current_user.account))
    return render_template("error.html", title=_("What you typed"), typed=typed_fields(request.form), resend=True,
                           action=path)


@blueprint.post("/session/extend", endpoint="extend_session")
@roles(*Role)
def extend_session():
    sessions.touch(db_session(), current_user.record)
    return redirect(local_target(request.form.get("next"), _home(current_user.account)))
