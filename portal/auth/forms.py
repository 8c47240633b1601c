"""The sign-in, code, activation and password forms. A typed value longer than its field holds is none: it is
refused like a wrong one, never cut until it matches; passwords are read as typed and never shown again."""
from wtforms import PasswordField, StringField

from portal.models import Account
from portal.web.forms import Form, Text, max_length

CODE_LENGTH = 32  # a code by SMS, from the activation letter or a recovery code, with spaces to spare
APP_CODE_LENGTH = 16  # the six digits of an authenticator app, with spaces to spare


def fitting(field) -> str:
    """The field's cleaned value, or "" when it is longer than the field holds."""
    value = field.data or ""
    return "" if len(value) > field.flags.maxlength else value


class SignInForm(Form):
    username = Text(max_length(Account.username))
    password = PasswordField()


class CodeForm(Form):
    """The second step of signing in: the code (a parent's SMS code, the app's digits, or a staff recovery code)."""

    code = Text(CODE_LENGTH)
    resend = StringField()


class AppCodeForm(Form):
    """Linking an authenticator app: the digits it shows."""

    code = Text(APP_CODE_LENGTH)


class ActivateForm(Form):
    username = Text(max_length(Account.username))
    code = Text(CODE_LENGTH)


class NewPasswordForm(Form):
    password = PasswordField()
    password_again = PasswordField()


class ChangePasswordForm(NewPasswordForm):
    current_password = PasswordField()


class SecondFactorForm(Form):
    """A parent's second step: the app's digits, or a mobile number for codes by SMS and the code sent to it."""

    code = Text(APP_CODE_LENGTH)
    phone = Text(max_length(Account.sms_phone))
    sms_code = Text(APP_CODE_LENGTH)
    sent = StringField()  # "1" once a code went to the number: its field stays through a change of language
    method = StringField()
