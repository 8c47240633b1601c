"""Steps through the sign-in and activation forms, and what they leave behind, for the sign-in tests."""
import json
import re
from pathlib import Path

import pyotp
import pytest
import segno
from flask_babel import force_locale, gettext
from markupsafe import escape
from sqlmodel import Session, select

from portal.accounts import secrets as auth_secrets
from portal.demo import DEMO_PASSWORD
from portal.models import (
    Account,
    AuditEvent,
    Parent,
    RecoveryCode,
    Role,
)
from portal.web.secret import code_key
from support import factories
from support.sign_in import csrf_token, secret_of

PASSPHRASE = "paarse fiets op het dak"
RECOVERY_CODE = re.compile(r"<code>([0-9A-F]{6}-[0-9A-F]{6})</code>")


def engine(app):
    return app.extensions["engine"]


def account_of(app, username: str) -> Account:
    with Session(engine(app)) as db:
        return db.exec(select(Account).where(Account.username == username)).one()


def events(app, **match) -> list[AuditEvent]:
    with Session(engine(app)) as db:
        query = select(AuditEvent).order_by(AuditEvent.id)
        for name, value in match.items():
            query = query.where(getattr(AuditEvent, name) == value)
        return list(db.exec(query).all())


def nl(app, text: str, **values) -> str:
    """The Dutch text of an interface message as it appears (escaped) in a page."""
    with app.test_request_context(), force_locale("nl"):
        return str(escape(gettext(text, **values)))


def base_of(staff: bool) -> str:
    return "/backoffice" if staff else ""


def password_step(client, username: str, password: str = DEMO_PASSWORD, *, staff: bool, **request):
    token = csrf_token(client.get(base_of(staff) + "/sign-in", **request).text)
    return client.post(base_of(staff) + "/sign-in",
                       data={"username": username, "password": password, "csrf_token": token}, **request)


def code_step(client, code: str, *, staff: bool, **request):
    page = client.get(base_of(staff) + "/sign-in/code", **request)
    assert page.status_code == 200, "no code step is pending"
    return client.post(base_of(staff) + "/sign-in/code", data={"code": code, "csrf_token": csrf_token(page.text)},
                       **request)


def home_of(staff: bool) -> str:
    return "/backoffice/" if staff else "/"


def is_signed_in(client, staff: bool) -> bool:
    response = client.get(home_of(staff))
    if response.status_code == 200:
        return True
    assert response.status_code == 302
    assert response.headers["Location"].endswith(base_of(staff) + "/sign-in")
    return False


def sign_out(client, staff: bool) -> None:
    token = csrf_token(client.get(home_of(staff)).text)
    response = client.post("/sign-out", data={"csrf_token": token})
    assert response.status_code == 302
    assert not is_signed_in(client, staff)


def error_text(html: str, field: str) -> str:
    found = re.search(rf'<p class="error" id="{field}-error">(.*?)</p>', html, re.S)
    assert found, f"no error shown for {field}"
    return found.group(1)


def totp_at(app, username: str, moment: float) -> str:
    """The account's authenticator code at `moment` (its secret read from this app's database)."""
    return pyotp.TOTP(secret_of(app, username)).at(moment)


# Parametrises `staff`: a test of both sign-in pages runs for a parent and for a worker (see `person`).
PEOPLE = [pytest.param(False, id="parent"), pytest.param(True, id="staff")]


def person(app, staff: bool) -> str:
    """Who signs in at that page: Anouk Visser, a worker of the team, for staff; else the one parent of a new
    household, activated (the demo's password and an authenticator app)."""
    return "anouk" if staff else factories.parent_who_signs_in(app)


def recovery_codes_for(app, username: str) -> list[str]:
    with app.app_context(), Session(engine(app)) as db:
        account = db.exec(select(Account).where(Account.username == username)).one()
        return auth_secrets.new_recovery_codes(db, account, code_key())


def stored_recovery_rows(app, username: str) -> list[RecoveryCode]:
    account = account_of(app, username)
    with Session(engine(app)) as db:
        return list(db.exec(select(RecoveryCode).where(RecoveryCode.account_id == account.id)).all())


NEW_PARENT = "ouder-nieuw"


def new_parent(app, username: str = NEW_PARENT) -> str:
    """A parent account without password, Noor de Boer's, in a new household whose contact person is Anouk Visser
    (Bram de Wit her duo partner); returns the code of the activation letter."""
    family_id = factories.household(app, [], contact="Anouk Visser", partner="Bram de Wit").family_id
    with app.app_context(), Session(engine(app)) as db:
        account = Account(username=username, role=Role.parent, display_name="Noor de Boer", language="nl")
        db.add(account)
        db.flush()
        db.add(Parent(family_id=family_id, account_id=account.id, name="Noor de Boer", language="nl"))
        db.commit()
        return auth_secrets.issue_code(db, account, "activation", code_key())


def activate(client, username: str, code: str):
    page = client.get("/activate")
    return client.post("/activate", data={"username": username, "code": code, "csrf_token": csrf_token(page.text)})


def choose_password(client, password: str, again: str | None = None):
    page = client.get("/activate/password")
    assert page.status_code == 200
    again = password if again is None else again
    return client.post("/activate/password", data={"password": password, "password_again": again,
                                                   "csrf_token": csrf_token(page.text)})


def send_sms_code(client, phone: str):
    """The parent types a mobile number and asks for a code to it."""
    page = client.get("/activate/second-factor")
    return client.post("/activate/second-factor", data={"method": "sms", "phone": phone, "code": "", "sms_code": "",
                                                        "csrf_token": csrf_token(page.text)})


def confirm_sms(client, phone: str, code: str):
    """The parent types back the code that came by SMS, the number still in its field."""
    page = client.get("/activate/second-factor")
    return client.post("/activate/second-factor", data={"method": "sms_confirm", "phone": phone, "sms_code": code,
                                                        "code": "", "csrf_token": csrf_token(page.text)})


def choose_sms(app, client, phone: str):
    """SMS as the second factor: a code to the number, typed back."""
    assert send_sms_code(client, phone).status_code == 200
    return confirm_sms(client, phone, last_sms_code(app, phone))


def outbox_lines(app) -> list[dict]:
    """What was sent: a pass of the outbox worker first (the running worker sends within seconds)."""
    sent = app.test_cli_runner().invoke(args=["worker", "--once"])
    assert sent.exit_code == 0, sent.output
    path = Path(app.instance_path) / "outbox.log"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def last_sms_code(app, phone: str) -> str:
    messages = [m for m in outbox_lines(app) if m["channel"] == "sms" and m["to"] == phone]
    assert messages, "no SMS was sent"
    return re.search(r"\b(\d{6})\b", messages[-1]["body"]).group(1)


def qr_contents(client, path: str) -> tuple[object, list[str]]:
    """A page and what its QR code holds."""
    made, make = [], segno.make
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(segno, "make", lambda content, **options: made.append(content) or make(content, **options))
        page = client.get(path)
    return page, made


def copy_of(client):
    """A second browser holding the same cookie, as someone who copied it would."""
    other = client.application.test_client()
    other.set_cookie("portal", client.get_cookie("portal").value)
    return other


def post_code(client, code: str, *, staff: bool, address: str = "192.0.2.1"):
    token = csrf_token(client.get(base_of(staff) + "/sign-in").text)
    return client.post(base_of(staff) + "/sign-in/code", data={"code": code, "csrf_token": token},
                       environ_base={"REMOTE_ADDR": address})


def sent_back_to_sign_in(response, staff: bool) -> bool:
    return response.status_code == 302 and response.headers["Location"].endswith(base_of(staff) + "/sign-in")


def code_step_is_dead(client, username: str, staff: bool, code: str) -> None:
    """The browser is not at the code step, and posting a good code there signs nobody in."""
    assert client.get(base_of(staff) + "/sign-in/code").status_code == 302
    assert sent_back_to_sign_in(post_code(client, code, staff=staff), staff)
    assert not is_signed_in(client, staff)
