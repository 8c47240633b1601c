"""The machine interface for partners' systems: the same signal as JSON, with a token per organisation (scoped,
revocable, rate-limited), the same checks and matching as the page; described in openapi.json beside this file."""
import datetime as dt
import json
from functools import wraps
from pathlib import Path

from flask import abort, current_app, g, jsonify, request, url_for
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from portal import clock
from portal.db import session as db_session
from portal.extensions import csrf, limiter
from portal.models import Signal
from portal.partner import api
from portal.partner.forms import AdditionForm, SignalForm
from portal.services import audit, signals, stored_id
from portal.web.guards import public

SCOPE = "signals:send"
DESCRIPTION = json.loads((Path(__file__).parent / "openapi.json").read_text())
csrf.exempt(api)  # no browser and no cookie: the bearer token is the proof


def _as_json(error: HTTPException):
    """Every refusal of the interface answers JSON, in the shape openapi.json gives its errors: a partner's system
    reads no HTML error page (a body that is no JSON object, an unknown signal, too many calls)."""
    response = jsonify(error=(error.name or "error").lower().replace(" ", "_"), message=error.description or "")
    response.status_code = error.code or 500
    return response


# By code: the app's own handlers of these codes (HTML pages for people) would otherwise answer first.
for _code in (400, 404, 405, 409, 413, 415, 429):
    api.register_error_handler(_code, _as_json)


def _token() -> str:
    return request.headers.get("Authorization", "").removeprefix("Bearer ").strip()


def _limit_key() -> str:
    return "token:" + signals.token_hash(_token())[:16]


# One count of calls per token, whichever operation: sending, reading a receipt and adding share it.
per_token = limiter.shared_limit(lambda: current_app.config["PARTNER_API_LIMIT"], scope="partner-api",
                                 key_func=_limit_key)


def by_token(view):
    """Declare a route of the machine interface: it needs a live token of an active organisation with the scope
    (a bearer token, no session); anything else is 401 and recorded."""

    @wraps(view)
    def guarded(*args, **kwargs):
        db = db_session()
        holder = signals.token_holder(db, _token(), clock.now()) if _token() else None
        if holder is None or holder[0].scope != SCOPE:
            if request.method != "HEAD":  # a HEAD request shows nothing and records nothing (portal/web/audit.py)
                audit.append(db, action="signal.api", result="refused", origin=request.remote_addr or "")
                db.commit()
            response = jsonify(error="unauthorised", message="A valid token of a partner organisation is needed.")
            response.status_code, response.headers["WWW-Authenticate"] = 401, 'Bearer realm="signals"'
            return response
        g.partner_token, g.partner_organisation = holder
        return view(*args, **kwargs)

    guarded.access_rule = "token"  # type: ignore[attr-defined]
    return guarded


def _record(db, action: str, result: str, signal: Signal) -> None:
    """An audit event in the name of the organisation's system."""
    audit.append(db, action=action, result=result, object=f"signal:{signal.id}", family_id=signal.family_id,
                 actor_name=f"{g.partner_organisation.name} ({g.partner_token.name})", role="partner-system",
                 origin=request.remote_addr or "")


def _json() -> dict:
    body = request.get_json(silent=True) if request.is_json else None
    if not isinstance(body, dict):
        abort(415 if not request.is_json else 400)
    return body


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def _formdata(body: dict) -> MultiDict:
    """The JSON signal as the form's fields: the one form checks both."""
    found = body.get("people")
    people: list = found if isinstance(found, list) else []
    fields = [("person-count", str(max(1, min(len(people), SignalForm.person.kwargs["max_entries"]))))]
    for number, person in enumerate(people[:SignalForm.person.kwargs["max_entries"]]):
        person = person if isinstance(person, dict) else {}
        fields += [(f"person-{number}-name", _text(person.get("name"))),
                   (f"person-{number}-born", _text(person.get("born")))]
    try:
        moment = dt.datetime.fromisoformat(_text(body.get("happened_at")))
    except ValueError:
        moment = None
    if moment is not None and moment.tzinfo is not None:
        local = moment.astimezone(clock.AMSTERDAM)
        fields += [("day", local.date().isoformat()), ("time", local.strftime("%H:%M"))]
    fields += [(name, _text(body.get(name))) for name in
               ("postcode", "house_number", "what", "observed_by", "urgency", "call_back")]
    return MultiDict(fields)


def _errors(form) -> dict[str, str]:
    """The form's messages by the JSON field they are about."""
    named = {}
    for name, message in form.messages().items():
        if name.startswith("person-"):
            _person, number, field = name.split("-", 2)
            name = f"people/{number}/{field}"
        named[{"day": "happened_at", "time": "happened_at"}.get(name, name)] = message
    return named


def _receipt(signal: Signal) -> dict:
    receipt = signals.receipt(db_session(), signal, clock.today())
    return {"id": signal.id, "status": "received", "sent_at": signal.sent_at.isoformat(),
            "out_of_hours": signal.out_of_hours,
            "call_back": ({"name": receipt.contact_name, "phone": receipt.contact_phone}
                          if receipt.contact_name else None),
            "additions": len(signals.additions(db_session(), stored_id(signal.id)))}


def _own(signal_id: int) -> Signal:
    """A signal of the token's organisation sent by its system; anything else is not found."""
    signal = db_session().get(Signal, signal_id)
    if signal is None or signal.organisation_id != g.partner_organisation.id or signal.token_id is None:
        abort(404)
    return signal


@api.get("/openapi.json")
@public
def description():
    return jsonify(DESCRIPTION)


@api.post("/signals")
@by_token
@per_token
def send():
    body = _json()
    form = SignalForm(posted=False)
    form.process(formdata=_formdata(body))
    if not form.validate():
        return jsonify(error="invalid", errors=_errors(form)), 400
    db = db_session()
    signal = signals.send(db, g.partner_organisation, form.draft(), clock.now(),
                          current_app.config["RETENTION_YEARS"], token_id=g.partner_token.id)
    _record(db, "signal.send", signal.state.value, signal)
    db.commit()
    response = jsonify(_receipt(signal))
    response.status_code = 201
    response.headers["Location"] = url_for("partner_api.read", signal_id=signal.id)
    return response


@api.get("/signals/<id:signal_id>")
@by_token
@per_token
def read(signal_id):
    return jsonify(_receipt(_own(signal_id)))


@api.post("/signals/<id:signal_id>/additions")
@by_token
@per_token
def add(signal_id):
    signal = _own(signal_id)
    form = AdditionForm(posted=False)
    form.process(formdata=MultiDict([("text", _text(_json().get("text")))]))
    if not form.validate():
        return jsonify(error="invalid", errors=form.messages()), 400
    db = db_session()
    try:
        signals.add_to(db, signal, form.text.data, None)
    except signals.SignalError:
        return jsonify(error="full", message=f"At most {signals.ADDITIONS_MAX} additions."), 409
    _record(db, "signal.add", "ok", signal)
    db.commit()
    return jsonify(_receipt(signal)), 201
