"""Organisations' OpenID Connect providers and the staff accounts linked to a subject there.

A team lead configures the providers of the organisations in their team and links a colleague's account to the
subject (`sub`) their organisation's provider gives them, never to an e-mail address. A linked account signs in
through that provider only: linking removes its local password (a new first-sign-in letter, after unlinking, gives
it one again). Switching a provider off, linking and unlinking end the sessions of the accounts concerned at once.
Each function changes the session and flushes; the caller records the audit event and commits.
"""
import re
from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import Session, col, delete, select

from portal.accounts import flows
from portal.models import Account
from portal.models.identity import IdentityProvider, StaffIdentity
from portal.services import stored_id

SECRET_PREFIX = "PORTAL_OIDC_SECRET_"  # the environment variable of a provider's client secret: prefix + secret_name
SECRET_NAME = re.compile(r"[A-Z0-9_]{1,40}")
PROVIDERS_PER_TEAM = 20  # a team works with a handful of organisations
MFA_AMR = frozenset({"mfa", "otp", "hwk", "swk"})  # RFC 8176 values that mean a second factor was used


class IdentityError(ValueError):
    """A change the team lead may not make: a subject linked to another account already, their own account (a
    provider that does not work would lock them out), an issuer and client configured already."""


class OwnAccount(IdentityError):
    """A team lead links their own account: another team lead of the team does that."""


@dataclass(frozen=True)
class ProviderDetails:
    name: str
    issuer: str
    client_id: str
    secret_name: str
    mfa_acr: str = ""


def team_providers(db: Session, team_id: int) -> list[IdentityProvider]:
    return list(db.exec(select(IdentityProvider).where(IdentityProvider.team_id == team_id)
                        .order_by(col(IdentityProvider.name), col(IdentityProvider.id))
                        .limit(PROVIDERS_PER_TEAM)))


def signing_in_providers(db: Session) -> list[IdentityProvider]:
    """The switched-on providers of every team: the staff sign-in page offers each."""
    return list(db.exec(select(IdentityProvider).where(col(IdentityProvider.active).is_(True))
                        .order_by(col(IdentityProvider.name), col(IdentityProvider.id))))


def provider_of_team(db: Session, team_id: int, provider_id: int) -> IdentityProvider | None:
    provider = db.get(IdentityProvider, provider_id)
    return provider if provider is not None and provider.team_id == team_id else None


def add_provider(db: Session, team_id: int, details: ProviderDetails) -> IdentityProvider:
    if len(team_providers(db, team_id)) >= PROVIDERS_PER_TEAM:
        raise IdentityError("too many providers in this team")
    duplicate = db.exec(select(IdentityProvider.id).where(IdentityProvider.team_id == team_id,
                                                          IdentityProvider.issuer == details.issuer,
                                                          IdentityProvider.client_id == details.client_id)).first()
    if duplicate is not None:
        raise IdentityError("this issuer and client are configured already")
    provider = IdentityProvider(team_id=team_id, name=details.name, issuer=details.issuer,
                                client_id=details.client_id, secret_name=details.secret_name,
                                mfa_acr=details.mfa_acr)
    db.add(provider)
    db.flush()
    return provider


def _linked_account_ids(db: Session, provider_id: int) -> list[int]:
    return list(db.exec(select(StaffIdentity.account_id).where(StaffIdentity.provider_id == provider_id)))


def _end_sessions(db: Session, account_ids: list[int]) -> None:
    """Every session of these accounts ends at its next request, and every sign-in they have open."""
    if not account_ids:
        return
    db.exec(update(Account).where(col(Account.id).in_(account_ids))
            .values(session_generation=Account.session_generation + 1))
    for account_id in account_ids:
        flows.end_all(db, account_id)
    db.expire_all()  # the accounts loaded in this session have their new generation


def switch_provider(db: Session, provider: IdentityProvider, active: bool) -> bool:
    """Switch an organisation's provider off (nobody signs in through it; its linked accounts' sessions end at once)
    or on again; True when that changed anything."""
    if provider.active == active:
        return False
    provider.active = active
    db.add(provider)
    db.flush()
    if not active:
        _end_sessions(db, _linked_account_ids(db, stored_id(provider.id)))
    return True


def identity_of(db: Session, account_id: int) -> tuple[StaffIdentity, IdentityProvider] | None:
    row = db.exec(select(StaffIdentity, IdentityProvider)
                  .join(IdentityProvider, col(IdentityProvider.id) == StaffIdentity.provider_id)
                  .where(StaffIdentity.account_id == account_id)).first()
    return None if row is None else (row[0], row[1])


def linked_account(db: Session, provider_id: int, subject: str) -> Account | None:
    return db.exec(select(Account).join(StaffIdentity, col(StaffIdentity.account_id) == Account.id)
                   .where(StaffIdentity.provider_id == provider_id, StaffIdentity.subject == subject)).first()


def link(db: Session, account: Account, provider: IdentityProvider, subject: str, by: Account) -> StaffIdentity:
    """Link the account to `subject` at the provider (an earlier link of the account is replaced). Its local
    password goes: from now on it signs in through the provider; its sessions end."""
    account_id, provider_id = stored_id(account.id), stored_id(provider.id)
    if account_id == by.id:
        raise OwnAccount("a team lead does not link their own account: another team lead does")
    taken = linked_account(db, provider_id, subject)
    if taken is not None and taken.id != account_id:
        raise IdentityError("this subject is linked to another account")
    db.exec(delete(StaffIdentity).where(col(StaffIdentity.account_id) == account_id))
    identity = StaffIdentity(account_id=account_id, provider_id=provider_id, subject=subject, linked_by=by.id)
    db.add(identity)
    account.password_hash = None
    db.add(account)
    db.flush()
    _end_sessions(db, [account_id])
    return identity


def unlink(db: Session, account: Account) -> bool:
    """The account no longer signs in through a provider; its sessions end. It has no password until the team lead
    gives it a new first-sign-in letter. True when it was linked."""
    account_id = stored_id(account.id)
    removed = db.exec(delete(StaffIdentity).where(col(StaffIdentity.account_id) == account_id))
    if removed.rowcount == 0:
        return False
    _end_sessions(db, [account_id])
    return True
