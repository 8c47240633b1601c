"""Write and verify the hash-chained audit log; no secrets ever go into an event."""
import hashlib
import json

from flask import has_request_context, request
from flask_login import current_user
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, select

from portal.models import AuditEvent
from portal.models.base import utcnow

GENESIS = "0" * 64


def event_hash(event: AuditEvent) -> str:
    fields = [event.prev_hash, event.at.isoformat(), event.actor_id, event.actor_name, event.role,
              event.action, event.object, event.family_id, event.result, event.origin]
    return hashlib.sha256(json.dumps(fields, ensure_ascii=False).encode()).hexdigest()


def _last_hash(db: Session) -> str:
    last = db.exec(select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1)).first()
    return last or GENESIS


def append(engine, *, action: str, result: str, object: str = "", family_id: int | None = None,
           actor_id: int | None = None, actor_name: str = "", role: str = "", origin: str = "") -> AuditEvent:
    """Append one event in its own transaction; the unique hash chain makes racing writers retry."""
    for _attempt in range(10):
        with Session(engine, expire_on_commit=False) as db:
            try:
                if db.get_bind().dialect.name == "postgresql":
                    db.exec(text("SELECT pg_advisory_xact_lock(7531)"))
                event = AuditEvent(at=utcnow(), actor_id=actor_id, actor_name=actor_name, role=role,
                                   action=action, object=object, family_id=family_id, result=result,
                                   origin=origin, prev_hash=_last_hash(db), hash="")
                event.hash = event_hash(event)
                db.add(event)
                db.commit()
                return event
            except (IntegrityError, OperationalError):
                db.rollback()
    raise RuntimeError("audit log is busy; the action was not recorded")


def record(action: str, result: str = "ok", object: str = "", family_id: int | None = None,
           account=None) -> AuditEvent:
    """Record an event for the signed-in user (or the given account) of this request."""
    from portal.db import engine

    account = account or (current_user.account if current_user.is_authenticated else None)
    return append(engine(), action=action, result=result, object=object, family_id=family_id,
                  actor_id=account.id if account else None,
                  actor_name=account.display_name if account else "",
                  role=account.role.value if account else "",
                  origin=(request.remote_addr or "") if has_request_context() else "cli")


def verify(db: Session) -> AuditEvent | None:
    """The first event whose link is broken (changed, inserted or after a deletion), or None."""
    previous = GENESIS
    for event in db.exec(select(AuditEvent).order_by(AuditEvent.id)):
        if event.prev_hash != previous or event.hash != event_hash(event):
            return event
        previous = event.hash
    return None
