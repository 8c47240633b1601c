"""Passwords (argon2id, refusing common ones), TOTP with replay protection, one-time codes."""
import datetime as dt
import hashlib
import hmac
import secrets
import time
import unicodedata

import pyotp
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import update
from sqlmodel import Session, col, select
from zxcvbn import zxcvbn

from portal import clock
from portal.models import Account, OneTimeCode, RecoveryCode

MIN_PASSWORD_LENGTH = 10
MIN_PASSWORD_SCORE = 3  # zxcvbn: refuses common and easily guessed passwords
ZXCVBN_MAX_LENGTH = 72  # zxcvbn raises ValueError on longer input
TOTP_STEP_SECONDS = 30
RECOVERY_CODE_COUNT = 10
ACTIVATION_VALID = dt.timedelta(days=7)
SMS_CODE_VALID = dt.timedelta(minutes=5)
CODES_COUNTED_FOR = dt.timedelta(hours=1)  # codes sent in this window count toward the limit of texts to a phone
PRODUCTION_HASHER = PasswordHasher()  # argon2id with the library's recommended cost
# The same algorithm at its smallest cost, for the test suite only (it signs in hundreds of times): tests/conftest.py
# sets `hasher` to it; tests/web/test_sign_in.py asserts that the portal alone hashes at production strength.
TESTING_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)
hasher = PRODUCTION_HASHER
# A hash to verify against when the account is unknown, so both answers take as long.
_DUMMY_HASHES = {each: each.hash("no-such-account-placeholder") for each in (PRODUCTION_HASHER, TESTING_HASHER)}


def hash_password(password: str) -> str:
    return hasher.hash(password)


def password_matches(account: Account | None, password: str) -> bool:
    # An unknown username costs as much as a wrong password: the timing does not tell which it was.
    stored = account.password_hash if account and account.password_hash else _DUMMY_HASHES[hasher]
    try:
        return hasher.verify(stored, password) and account is not None and account.password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def password_problem(password: str, username: str = "") -> str | None:
    """Why a new password is refused ('short' or 'common'), or None when it is good."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return "short"
    if zxcvbn(password[:ZXCVBN_MAX_LENGTH], user_inputs=[username])["score"] < MIN_PASSWORD_SCORE:
        return "common"
    return None


def new_totp_secret() -> str:
    return pyotp.random_base32()


def totp_uri(account: Account, issuer: str) -> str:
    assert account.totp_secret is not None  # the pages that link an app turn away an account without one
    return pyotp.TOTP(account.totp_secret).provisioning_uri(name=account.username, issuer_name=issuer)


def grouped_key(secret: str) -> str:
    """The key as a person types it into an app: groups of four (apps take it with or without the spaces)."""
    return " ".join(secret[start:start + 4] for start in range(0, len(secret), 4))


def accept_totp(db: Session, account: Account, code: str, now: float | None = None) -> bool:
    """Accept a code of this, the previous or the next 30 s step, once only (atomic update)."""
    # Digits of any script count (an Arabic keyboard types ١٢٣٤٥٦), spaced as the app shows them ("123 456");
    # anything else is refused, also digit-like signs such as "²" that compare_digest cannot take.
    code = "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in "".join(code.split()))
    if not account.totp_secret or not code.isascii() or not code.isdigit() or len(code) != 6:
        return False
    totp = pyotp.TOTP(account.totp_secret)
    now = time.time() if now is None else now
    for offset in (0, -1, 1):
        step = int(now // TOTP_STEP_SECONDS) + offset
        if hmac.compare_digest(totp.at(step * TOTP_STEP_SECONDS), code):
            # Only a step later than the last accepted one counts: a replay changes no row.
            claimed = db.exec(update(Account).where(col(Account.id) == account.id, col(Account.totp_last_step) < step)
                              .values(totp_last_step=step))
            db.commit()
            return claimed.rowcount == 1
    return False


def code_hash(code: str, key: bytes, sent_to: str = "") -> str:
    """The stored form of a code: keyed (the app's secret key), so a copy of the database does not give the codes
    away. A code sent to a number being confirmed covers that number's digits too: it confirms that number and no
    other (a typo corrected after sending needs a new code)."""
    typed = code.strip().upper().replace("-", "").replace(" ", "")
    if sent_to:
        typed += "@" + phone_digits(sent_to)
    return hmac.new(key, typed.encode(), hashlib.sha256).hexdigest()


def phone_digits(phone: str) -> str:
    """The digits of a phone number as typed ("06 12345678" and "0612345678" are one number)."""
    return "".join(ch for ch in phone if ch.isdigit())


def new_recovery_codes(db: Session, account: Account, key: bytes) -> list[str]:
    """Replace the account's recovery codes with ten new ones; only their hashes are kept."""
    assert account.id is not None  # a stored account
    for old in db.exec(select(RecoveryCode).where(RecoveryCode.account_id == account.id)):
        db.delete(old)
    codes = [f"{secrets.token_hex(3)}-{secrets.token_hex(3)}".upper() for _ in range(RECOVERY_CODE_COUNT)]
    for code in codes:
        db.add(RecoveryCode(account_id=account.id, code_hash=code_hash(code, key)))
    db.commit()
    return codes


def burn_recovery_code(db: Session, account: Account, code: str, key: bytes) -> bool:
    burned = db.exec(update(RecoveryCode).where(
        col(RecoveryCode.account_id) == account.id, col(RecoveryCode.code_hash) == code_hash(code, key),
        col(RecoveryCode.used_at).is_(None)).values(used_at=clock.now()))
    db.commit()
    return burned.rowcount == 1


def issue_code(db: Session, account: Account, purpose: str, key: bytes, commit: bool = True, sent_to: str = "") -> str:
    """A new activation letter code or SMS code (to sign in: "sms"; to confirm the number `sent_to`: "phone");
    earlier unused ones of that purpose stop working. With commit=False the caller commits it (an SMS code with
    its message in the outbox)."""
    assert account.id is not None  # a stored account
    db.exec(update(OneTimeCode).where(col(OneTimeCode.account_id) == account.id, col(OneTimeCode.purpose) == purpose,
                                      col(OneTimeCode.used_at).is_(None)).values(used_at=clock.now()))
    if purpose == "activation":
        code, valid = "-".join(secrets.token_hex(2).upper() for _ in range(3)), ACTIVATION_VALID
    else:
        code, valid = f"{secrets.randbelow(10**6):06d}", SMS_CODE_VALID
    db.add(OneTimeCode(account_id=account.id, purpose=purpose, code_hash=code_hash(code, key, sent_to),
                       expires_at=clock.now() + valid))
    if commit:
        db.commit()
    return code


def codes_sent_recently(db: Session, account: Account, purpose: str) -> int:
    """How many codes of this purpose the account got in the last CODES_COUNTED_FOR."""
    since = clock.now() - CODES_COUNTED_FOR
    return len(db.exec(select(OneTimeCode.id).where(OneTimeCode.account_id == account.id,
                                                    OneTimeCode.purpose == purpose,
                                                    OneTimeCode.created_at > since)).all())


def _open_code(purpose: str, code: str, key: bytes, account: Account | None = None, sent_to: str = ""):
    """The query for this one-time code while it is valid: unused and not expired (of this account, if given;
    sent to this number, for "phone")."""
    query = select(OneTimeCode).where(OneTimeCode.purpose == purpose,
                                      OneTimeCode.code_hash == code_hash(code, key, sent_to),
                                      col(OneTimeCode.used_at).is_(None), col(OneTimeCode.expires_at) > clock.now())
    return query if account is None else query.where(OneTimeCode.account_id == account.id)


def code_is_open(db: Session, account: Account, purpose: str, code: str, key: bytes) -> bool:
    """Whether this code of the account still works (a letter printed again shows only a code that does)."""
    return db.exec(_open_code(purpose, code, key, account)).first() is not None


def burn_code(db: Session, purpose: str, code: str, key: bytes, account: Account | None = None,
              sent_to: str = "") -> Account | None:
    """Use a valid one-time code once (one sent to the number `sent_to`, for "phone"); returns its account, or
    None when it is wrong, used or expired."""
    found = db.exec(_open_code(purpose, code, key, account, sent_to)).first()
    if found is None:
        return None
    burned = db.exec(update(OneTimeCode).where(col(OneTimeCode.id) == found.id, col(OneTimeCode.used_at).is_(None))
                     .values(used_at=clock.now()))
    db.commit()
    return db.get(Account, found.account_id) if burned.rowcount == 1 else None
