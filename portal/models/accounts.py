"""Sign-in accounts of workers, team leads, interpreters and parents, their one-time codes and sign-in steps."""
import datetime as dt
import enum

from sqlmodel import Field, SQLModel

from portal import clock


class Role(str, enum.Enum):
    worker = "worker"
    teamlead = "teamlead"
    interpreter = "interpreter"
    parent = "parent"
    network = "network"  # a member of a family's circle (services/circle.py)
    child = "child"  # a child of 12 or over (services/children.py)
    partner = "partner"  # a person of a partner organisation who sends signals (services/signals.py)

    @property
    def is_staff(self) -> bool:
        return self not in FAMILY_ROLES


# Who signs in on the family pages: what they read is theirs alone, never the back office.
FAMILY_ROLES = frozenset({Role.parent, Role.network, Role.child})


class Account(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(unique=True, index=True, max_length=64)
    role: Role
    display_name: str = Field(max_length=120)
    password_hash: str | None = None
    totp_secret: str | None = Field(default=None, max_length=64)
    # The last accepted TOTP time step: a code is accepted once only.
    totp_last_step: int = 0
    totp_enrolled: bool = False
    second_factor: str = Field(default="totp", max_length=8)  # totp | sms
    sms_phone: str | None = Field(default=None, max_length=32)
    language: str | None = Field(default=None, max_length=8)
    active: bool = True
    # Raised on password change and deactivation: every older session ends.
    session_generation: int = 0
    # Wrong second-factor codes since code_failures_since; a day after it the count starts afresh
    # (portal/accounts/flows.py). The server default fills the column for accounts that existed before it.
    code_failures: int = Field(default=0, sa_column_kwargs={"server_default": "0"})
    code_failures_since: dt.datetime | None = None
    created_at: dt.datetime = Field(default_factory=clock.now)


class RecoveryCode(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    code_hash: str
    used_at: dt.datetime | None = None


class OneTimeCode(SQLModel, table=True):
    """An activation code (7 days) or an SMS sign-in code (5 minutes); single use."""

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    purpose: str = Field(max_length=16)  # activation | sms
    code_hash: str
    expires_at: dt.datetime
    used_at: dt.datetime | None = None
    created_at: dt.datetime = Field(default_factory=clock.now)


class UserSession(SQLModel, table=True):
    """A signed-in session, kept on the server so it can be ended (sign-out, quick exit)."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    generation: int  # the account's session_generation when it began
    created_at: dt.datetime = Field(default_factory=clock.now)
    last_seen_at: dt.datetime = Field(default_factory=clock.now)
    ended_at: dt.datetime | None = None


class SignInFlow(SQLModel, table=True):
    """One step of a sign-in or an activation. The browser holds only the token; a step's record is used
    once and the next step gets a new one, so an older copy of the cookie leads nowhere.

    Also what a user typed when their session ran out (kind "kept", portal/web/kept.py): kept for their
    account until they sign in again, ended with the account's other open steps."""

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    kind: str = Field(max_length=16)  # sign_in | activation | kept
    step: str = Field(max_length=16)  # code | enrol | password | second_factor; kept: waiting | claimed
    audience: str = Field(max_length=8)  # family | staff
    code_attempts: int = 0  # codes tried at this step: at the limit the password is asked again
    created_at: dt.datetime = Field(default_factory=clock.now)
    expires_at: dt.datetime
    consumed_at: dt.datetime | None = None  # used, or ended with its flow
    # Kept text: the address the form was sent to and its fields (JSON pairs, never a password or code).
    path: str = Field(default="", max_length=200, sa_column_kwargs={"server_default": ""})
    typed: str = Field(default="", sa_column_kwargs={"server_default": ""})
