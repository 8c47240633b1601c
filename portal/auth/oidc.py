"""Staff sign in through their organisation's OpenID Connect provider: authorization code flow with PKCE.

    GET  /backoffice/sign-in/provider/<id>   the organisation's button alone (for a link on its intranet)
    POST /backoffice/sign-in/provider/<id>   a state, a nonce and a PKCE verifier are kept (ProviderSignIn, the state
                                             also in the browser's cookie); the browser goes to the provider
    GET  /backoffice/sign-in/provider/answer the provider sends the browser back with a code: a page that changes
                                             nothing hands it on to the POST (by itself; a button without JavaScript)
    POST /backoffice/sign-in/provider/answer the state is used once, the code exchanged, the ID token checked with
                                             Authlib (signature from the provider's JWKS, iss, aud, exp, iat and
                                             nonce, at the portal's clock), its subject looked up among the accounts
                                             the team lead linked

So even the protocol's one GET changes no state (portal/db.py refuses writes outside POST), and the POST is a
same-site one: the session cookie (SameSite=Lax) and the CSRF token come with it.

An unknown subject, a switched-off account or organisation, a wrong state and a token that does not check out each
get a refusal page and an audit event; no account is ever made here. When the ID token does not say that the person
used a second factor at the provider (amr, or the organisation's acr), the portal's own code is asked as well
(the same step as after a password, portal/auth/views.py: code, or enrol for an account without an app yet).

Authlib ships no type hints and pyproject.toml (not this module's to change) names no mypy override for it: its
imports say so themselves.

The provider's discovery document and keys are cached per issuer for an hour (keys are fetched again at once for a
key id not seen yet): they are public documents of the provider, not state of the portal, and each app server
keeps its own copy.
"""
import base64
import datetime as dt
import hashlib
import hmac
import json
import os
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from authlib.common.security import generate_token  # type: ignore[import-untyped]
from authlib.common.urls import add_params_to_uri  # type: ignore[import-untyped]
from authlib.oauth2.rfc7636 import create_s256_code_challenge  # type: ignore[import-untyped]
from authlib.oidc.core import CodeIDToken  # type: ignore[import-untyped]
from flask import abort, current_app, redirect, render_template, request, session, url_for
from joserfc import jwt
from joserfc.errors import InvalidKeyIdError, JoseError
from joserfc.jwk import KeySet
from joserfc.jws import JWSRegistry
from sqlalchemy import delete, update
from sqlmodel import col, select

from portal import clock
from portal.accounts import flows
from portal.accounts import secrets as auth_secrets
from portal.auth import blueprint, session_cookie
from portal.db import session as db_session
from portal.extensions import limiter
from portal.models import Account
from portal.models.identity import IdentityProvider, ProviderSignIn
from portal.services import identity
from portal.web import audit, kept
from portal.web.guards import public
from portal.web.links import external_url

ANSWER_WITHIN = dt.timedelta(minutes=10)  # from the button to the provider's answer
LEEWAY = 60  # seconds of clock difference allowed between the provider and the portal (exp, iat)
CACHED_FOR = 3600.0  # seconds a discovery document and its keys are used before they are fetched again
HTTP_TIMEOUT = 10  # seconds for each request to a provider
MAX_DOCUMENT = 1_000_000  # bytes: a provider's answer longer than this is refused
# Asymmetric signatures only: "none" and HS256 (keyed with the client secret) are never accepted.
SIGNING_ALGORITHMS = ("RS256", "RS384", "RS512", "PS256", "PS384", "PS512", "ES256", "ES384", "ES512", "EdDSA")
STAFF_ROLES = ("worker", "teamlead", "interpreter")
_COOKIE_KEY = "provider_state"
PER_ADDRESS = "30/minute"


class ProviderError(Exception):
    """The provider could not be reached, or answered something that is not what the protocol says."""


# --- the provider's documents ---------------------------------------------------------------------------------

_cache: dict[tuple[str, str], tuple[float, dict]] = {}
_cache_lock = threading.Lock()


def insecure_allowed(issuer: str) -> bool:
    """Plain http only to this machine, and only where the configuration allows it (the tests' provider)."""
    host = urllib.parse.urlsplit(issuer).hostname or ""
    return bool(current_app.config.get("OIDC_ALLOW_HTTP_LOOPBACK")) and host in ("127.0.0.1", "localhost", "::1")


def acceptable_url(url: str, issuer: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    return bool(parts.hostname) and (parts.scheme == "https" or (parts.scheme == "http" and insecure_allowed(issuer)))


def _read_json(req: urllib.request.Request) -> dict:
    try:
        with urllib.request.urlopen(req, timeout=HTTP_TIMEOUT) as answer:  # noqa: S310 (the URL's scheme is checked)
            body = answer.read(MAX_DOCUMENT + 1)
    except urllib.error.HTTPError as refused:
        raise ProviderError(f"{req.full_url} answered {refused.code}") from None
    except (urllib.error.URLError, OSError) as failed:
        raise ProviderError(f"{req.full_url}: {failed}") from None
    if len(body) > MAX_DOCUMENT:
        raise ProviderError(f"{req.full_url}: the answer is too long")
    try:
        document = json.loads(body)
    except ValueError:
        raise ProviderError(f"{req.full_url}: not JSON") from None
    if not isinstance(document, dict):
        raise ProviderError(f"{req.full_url}: not a JSON object")
    return document


def _cached(kind: str, issuer: str, fetch, force: bool = False) -> dict:
    key = (kind, issuer)
    with _cache_lock:
        found = _cache.get(key)
    if found is not None and not force and time.monotonic() - found[0] < CACHED_FOR:
        return found[1]
    document = fetch()
    with _cache_lock:
        _cache[key] = (time.monotonic(), document)
    return document


def metadata(issuer: str) -> dict:
    """The provider's discovery document (/.well-known/openid-configuration), which must name the same issuer."""
    if not acceptable_url(issuer, issuer):
        raise ProviderError(f"{issuer}: an issuer is an https address")

    def fetch() -> dict:
        document = _read_json(urllib.request.Request(issuer.rstrip("/") + "/.well-known/openid-configuration"))
        if document.get("issuer") != issuer:
            raise ProviderError(f"{issuer}: the discovery document names another issuer")
        for name in ("authorization_endpoint", "token_endpoint", "jwks_uri"):
            if not isinstance(document.get(name), str) or not acceptable_url(document[name], issuer):
                raise ProviderError(f"{issuer}: {name} is missing or not https")
        return document

    return _cached("metadata", issuer, fetch)


def key_set(issuer: str, force: bool = False) -> KeySet:
    uri = metadata(issuer)["jwks_uri"]
    document = _cached("jwks", issuer, lambda: _read_json(urllib.request.Request(uri)), force)
    try:
        return KeySet.import_key_set(document)  # type: ignore[arg-type]
    except (JoseError, ValueError, TypeError, KeyError):
        raise ProviderError(f"{issuer}: the keys cannot be read") from None


def forget_documents() -> None:
    """Drop every cached discovery document and key set (tests; a provider that moved)."""
    with _cache_lock:
        _cache.clear()


def client_secret(provider: IdentityProvider) -> str | None:
    return os.environ.get(identity.SECRET_PREFIX + provider.secret_name) or None


def _redeem(provider: IdentityProvider, secret: str, code: str, verifier: str) -> dict:
    """Exchange the code (with the PKCE verifier) for the tokens, the client authenticated by HTTP Basic."""
    endpoint = metadata(provider.issuer)["token_endpoint"]
    body = urllib.parse.urlencode({"grant_type": "authorization_code", "code": code, "code_verifier": verifier,
                                   "redirect_uri": _answer_url()}).encode()
    pair = f"{urllib.parse.quote(provider.client_id, safe='')}:{urllib.parse.quote(secret, safe='')}"
    req = urllib.request.Request(endpoint, data=body, method="POST", headers={
        "Authorization": "Basic " + base64.b64encode(pair.encode()).decode(),
        "Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"})
    return _read_json(req)


def checked_claims(provider: IdentityProvider, tokens: dict, nonce: str, now: dt.datetime) -> CodeIDToken:
    """The ID token's claims once Authlib found them right: signed by a key of the provider's JWKS with an
    asymmetric algorithm it announces, for this issuer and client, not expired nor issued in the future at the
    portal's clock `now`, carrying our nonce (and its at_hash matching the access token, when it has one)."""
    raw = tokens.get("id_token")
    if not isinstance(raw, str):
        raise ProviderError("no ID token")
    announced = metadata(provider.issuer).get("id_token_signing_alg_values_supported") or ["RS256"]
    algorithms = [name for name in announced if name in SIGNING_ALGORITHMS]
    registry = JWSRegistry(algorithms=algorithms, strict_check_header=False)
    try:
        try:
            token = jwt.decode(raw, key_set(provider.issuer), registry=registry)
        except InvalidKeyIdError:  # keys rotated at the provider since they were fetched
            token = jwt.decode(raw, key_set(provider.issuer, force=True), registry=registry)
    except JoseError as wrong:
        raise ProviderError(f"the ID token's signature: {wrong}") from None
    params: dict[str, Any] = {"nonce": nonce, "client_id": provider.client_id}
    if isinstance(tokens.get("access_token"), str):
        params["access_token"] = tokens["access_token"]
    options = {"iss": {"essential": True, "value": provider.issuer},
               "aud": {"essential": True, "value": provider.client_id},
               "sub": {"essential": True}, "nonce": {"essential": True}}
    claims = CodeIDToken(token.claims, token.header, options, params)  # type: ignore[arg-type]
    claims.validate(now=int(now.timestamp()), leeway=LEEWAY)
    return claims


def second_factor_used(provider: IdentityProvider, claims: dict) -> bool:
    """The ID token says a second factor was used: an amr of mfa, otp, hwk or swk, or the organisation's acr."""
    amr = claims.get("amr")
    if isinstance(amr, list) and identity.MFA_AMR.intersection(value for value in amr if isinstance(value, str)):
        return True
    return bool(provider.mfa_acr) and claims.get("acr") == provider.mfa_acr


@blueprint.app_context_processor
def sign_in_providers():
    """The organisations the staff sign-in page offers (auth/sign_in.html), asked for by that page only."""
    return {"sign_in_providers": lambda: identity.signing_in_providers(db_session())}


# --- the views ------------------------------------------------------------------------------------------------

def _answer_url() -> str:
    return external_url("auth.provider_answer")


def _state_hash(state: str) -> str:
    return hashlib.sha256(state.encode()).hexdigest()


def _refused(reason: str, provider: IdentityProvider | None = None, status: int = 403, subject: str = "",
             account: Account | None = None):
    """The refusal page; the event names the provider and why (`reason`), never a token."""
    where = f"provider:{provider.id}" if provider is not None else "provider"
    audit.record("sign_in.provider", "refused", object=f"{where}:{reason}"[:120], account=account)
    return render_template("auth/provider_refused.html", reason=reason, provider=provider, subject=subject), status


@blueprint.route("/backoffice/sign-in/provider/<id:provider_id>", methods=["GET", "POST"], endpoint="provider_sign_in")
@public
@limiter.limit(PER_ADDRESS, methods=["POST"])
def start(provider_id: int):
    """Go to the organisation's provider: state, nonce and PKCE verifier kept here, the state in the cookie too.
    A GET shows this organisation's button alone (an address the organisation's intranet can link to)."""
    db = db_session()
    provider = db.get(IdentityProvider, provider_id)
    if request.method != "POST":
        if provider is None:
            abort(404)
        return render_template("auth/provider_start.html", provider=provider)
    if provider is None or not provider.active:
        return _refused("switched_off", provider)
    if client_secret(provider) is None:
        current_app.logger.error("OpenID Connect: %s%s is not set", identity.SECRET_PREFIX, provider.secret_name)
        return _refused("unavailable", provider, 503)
    try:
        endpoint = metadata(provider.issuer)["authorization_endpoint"]
    except ProviderError as failed:
        current_app.logger.warning("OpenID Connect provider %s: %s", provider.id, failed)
        return _refused("unavailable", provider, 503)
    state, nonce, verifier = generate_token(43), generate_token(43), generate_token(64)
    _wait_for_answer(db, provider_id, state, nonce, verifier)
    flows.end_current(db, session)  # a password sign-in this browser had open ends
    session[_COOKIE_KEY] = state
    audit.record("sign_in.provider", "started", object=f"provider:{provider.id}")
    db.commit()
    return redirect(add_params_to_uri(endpoint, [
        ("response_type", "code"), ("client_id", provider.client_id), ("redirect_uri", _answer_url()),
        ("scope", "openid"), ("state", state), ("nonce", nonce),
        ("code_challenge", create_s256_code_challenge(verifier)), ("code_challenge_method", "S256")]), 303)


def _wait_for_answer(db, provider_id: int, state: str, nonce: str, verifier: str) -> None:
    """Keep what the answer will be checked against (its state hashed), and forget answers that never came."""
    now = clock.now()
    db.exec(delete(ProviderSignIn).where(col(ProviderSignIn.expires_at) <= now))
    db.add(ProviderSignIn(state_hash=_state_hash(state), provider_id=provider_id, nonce=nonce,
                          code_verifier=verifier, expires_at=now + ANSWER_WITHIN))


def _claim(state: str) -> ProviderSignIn | None:
    """Use the waiting sign-in of this state, once (atomic update, committed), while it is not too old."""
    db = db_session()
    now = clock.now()
    used = db.exec(update(ProviderSignIn).where(col(ProviderSignIn.state_hash) == _state_hash(state),
                                                col(ProviderSignIn.used_at).is_(None),
                                                col(ProviderSignIn.expires_at) > now).values(used_at=now))
    db.commit()
    if used.rowcount != 1:
        return None
    return db.exec(select(ProviderSignIn).where(ProviderSignIn.state_hash == _state_hash(state))).first()


ANSWER_FIELDS = ("state", "code", "iss", "error")
ANSWER_FIELD_LENGTH = 2000  # characters of each; a longer value is no answer of a provider's


def _answer_fields(source) -> dict[str, str]:
    return {name: value for name in ANSWER_FIELDS
            if (value := source.get(name, "")) and len(value) <= ANSWER_FIELD_LENGTH}


@blueprint.get("/backoffice/sign-in/provider/answer", endpoint="provider_answer")
@public
def answer_page():
    """The provider sends the browser back here with a GET, as the protocol has it. A GET changes nothing in the
    portal: this page hands the answer on to the POST below (by itself, or with a button when JavaScript is off)."""
    return render_template("auth/provider_answer.html", fields=_answer_fields(request.args))


@blueprint.post("/backoffice/sign-in/provider/answer", endpoint="provider_answered")
@public
@limiter.limit(PER_ADDRESS)
def answer():
    """The provider's answer, handed on by the page above. Its state is used once: a second arrival of the same
    answer, or one this browser did not ask for, is refused and changes nothing."""
    fields = _answer_fields(request.form)
    db = db_session()
    state = fields.get("state", "")
    expected = session.pop(_COOKIE_KEY, None)
    if not state or not expected or not hmac.compare_digest(state.encode(), expected.encode()):
        return _refused("state", status=400)
    waiting = _claim(state)
    if waiting is None:
        return _refused("state", status=400)
    provider = db.get(IdentityProvider, waiting.provider_id)
    nonce, verifier = waiting.nonce, waiting.code_verifier
    waiting.code_verifier = ""  # of no use any more
    db.add(waiting)
    db.commit()
    if provider is None or not provider.active:
        return _refused("switched_off", provider)
    if fields.get("iss") not in (None, provider.issuer):  # RFC 9207: the answer of another provider
        return _refused("issuer", provider, 400)
    code, secret = fields.get("code", ""), client_secret(provider)
    if fields.get("error") or not code:
        return _refused("provider_said_no", provider)
    if secret is None:
        return _refused("unavailable", provider, 503)
    try:
        claims = checked_claims(provider, _redeem(provider, secret, code, verifier), nonce, clock.now())
    except (ProviderError, JoseError) as wrong:
        current_app.logger.warning("OpenID Connect provider %s: %s", provider.id, wrong)
        return _refused("token", provider, 401)
    subject = claims["sub"]
    account = identity.linked_account(db, provider.id or 0, subject)
    if account is None:
        return _refused("unknown", provider, subject=subject)
    if not account.active or account.role.value not in STAFF_ROLES:
        return _refused("switched_off_account", provider, account=account)
    if second_factor_used(provider, claims):
        audit.record("sign_in.provider", "ok", object=f"provider:{provider.id}:mfa", account=account)
        waiting_text = kept.waiting_token()
        session_cookie.begin(db, account)  # commits the new session with its event
        return redirect(kept.claim(db, waiting_text, account) or url_for("backoffice.home"))
    return _own_second_factor(provider, account)


def _own_second_factor(provider: IdentityProvider, account: Account):
    """No second factor at the provider: the portal's own code (or linking the app first), as after a password."""
    db = db_session()
    if flows.locked_today(db, account):
        return _refused("locked", provider, 429, account=account)
    audit.record("sign_in.provider", "ok", object=f"provider:{provider.id}:code_asked", account=account)
    enrolling = not account.totp_enrolled
    if enrolling and not account.totp_secret:
        account.totp_secret = auth_secrets.new_totp_secret()
        db.add(account)
    flows.begin(db, session, account, "sign_in", "enrol" if enrolling else "code", "staff")
    db.commit()
    return redirect(url_for("auth.enrol" if enrolling else "auth.staff_code"))
