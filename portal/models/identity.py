"""Organisations whose staff sign in through their own OpenID Connect provider, the staff accounts linked to a
subject there, and the sign-ins on their way to the provider and back (portal/auth/oidc.py)."""
import datetime as dt

from sqlmodel import Field, SQLModel, UniqueConstraint

from portal import clock


class IdentityProvider(SQLModel, table=True):
    """An organisation's OpenID Connect provider, as the team lead of a team configures it: the issuer and the
    client the organisation registered for the portal. The client secret is never stored: `secret_name` names the
    environment variable that holds it, always PORTAL_OIDC_SECRET_<secret_name> (portal/auth/oidc.py), so no page
    can make the portal send another of its settings to an issuer."""

    __table_args__ = (UniqueConstraint("team_id", "issuer", "client_id"),)

    id: int | None = Field(default=None, primary_key=True)
    team_id: int = Field(foreign_key="team.id", index=True)
    name: str = Field(max_length=120)  # the organisation, on the button "Sign in with <name>"
    issuer: str = Field(max_length=300)
    client_id: str = Field(max_length=200)
    secret_name: str = Field(max_length=40)
    # An acr value that proves a second factor at this provider (besides an amr of mfa, otp, hwk or swk); "" none.
    mfa_acr: str = Field(default="", max_length=200)
    # Switched off: nobody signs in through it, and the sessions of its linked accounts end at once.
    active: bool = True
    created_at: dt.datetime = Field(default_factory=clock.now)


class StaffIdentity(SQLModel, table=True):
    """A staff account linked by the team lead to one subject (`sub`) at one provider. An account has at most one;
    a subject at a provider belongs to at most one account. A linked account signs in through its provider only."""

    __table_args__ = (UniqueConstraint("provider_id", "subject"),)

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", unique=True)
    provider_id: int = Field(foreign_key="identityprovider.id", index=True)
    subject: str = Field(max_length=255)
    linked_by: int | None = Field(default=None, foreign_key="account.id")
    linked_at: dt.datetime = Field(default_factory=clock.now)


class ProviderSignIn(SQLModel, table=True):
    """A sign-in sent to a provider and waiting for its answer: the state (hashed; the browser's cookie holds it
    too), the nonce the ID token must carry and the PKCE verifier. Used once: the answer claims it."""

    id: int | None = Field(default=None, primary_key=True)
    state_hash: str = Field(max_length=64, unique=True)
    provider_id: int = Field(foreign_key="identityprovider.id", index=True)
    nonce: str = Field(max_length=100)
    code_verifier: str = Field(max_length=128)
    created_at: dt.datetime = Field(default_factory=clock.now)
    expires_at: dt.datetime
    used_at: dt.datetime | None = None
