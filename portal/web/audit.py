"""The audit trail seen from a request: record an event for the signed-in user in the request's transaction, and
commit it before the page is sent (refusals and reads), then seal."""
import logging

from flask import Flask, current_app, g, has_request_context, request
from flask_login import current_user

from portal.db import session as request_session
from portal.models import AuditEvent
from portal.services.audit import append, seal

log = logging.getLogger(__name__)


def record(action: str, result: str = "ok", object: str = "", family_id: int | None = None,
           account=None) -> AuditEvent | None:
    """Record an event for the signed-in user (or the given account) in the request's session.

    The view's own commit writes it with its change; a request that only reads, or refuses, has it
    committed before its page is sent (init_app). A HEAD request shows nothing and changes nothing, so it
    records nothing: otherwise anyone could grow the log without limit."""
    in_request = has_request_context()
    if in_request and request.method == "HEAD":
        return None
    account = account or (current_user.account if current_user.is_authenticated else None)
    if in_request:
        g.audit_recorded = True
    return append(request_session(), action=action, result=result, object=object, family_id=family_id,
                  actor_id=account.id if account else None,
                  actor_name=account.display_name if account else "",
                  role=account.role.value if account else "",
                  origin=(request.remote_addr or "") if in_request else "cli")


def record_seen(action: str, seen) -> None:
    """A page that lists several households' things is a look at each: one event per (household, object), the
    object saying whose it is ("family:<id>" for the whole household, "parent:<id>" for one parent), so that
    "who looked" tells each parent only of what they may know."""
    for family_id, obj in sorted(set(seen)):
        record(action, "ok", object=obj, family_id=family_id)


def init_app(app: Flask) -> None:
    app.after_request(_commit_recorded)


def _commit_recorded(response):
    """Events of a request that answers below 500 are written before the page goes out; a failed
    request keeps none, like the change it did not make. Sealing waits until the page is sent."""
    if g.pop("audit_recorded", False) and response.status_code < 500:
        request_session().commit()
        app = current_app._get_current_object()
        response.call_on_close(lambda: _seal_quietly(app))
    return response


def _seal_quietly(app: Flask) -> None:
    try:
        seal(app)
    except Exception:  # the page is sent already; the events wait, unsealed, for the next seal
        log.exception("Sealing the audit log failed")
