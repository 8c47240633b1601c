"""Notification outbox and senders: messages to parents never carry content, only that there is news."""
import json
import logging
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from portal.models import Account, OutboxMessage
from portal.models.base import utcnow

log = logging.getLogger(__name__)


def queue(db: Session, account: Account, channel: str, to: str, body: str, dedupe_key: str | None = None) -> bool:
    """Put a message in the outbox once; a second message with the same key is ignored."""
    db.add(OutboxMessage(account_id=account.id, channel=channel, to=to, body=body, dedupe_key=dedupe_key))
    try:
        db.commit()
        return True
    except IntegrityError:
        db.rollback()
        return False


def news_text(account: Account) -> str:
    """The only thing a parent's notification says, in their language."""
    with force_locale(account.language or "nl"):
        return _("There is news in your portal: %(app)s", app=current_app.config["APP_NAME"])


def sms_code_text(account: Account, code: str) -> str:
    with force_locale(account.language or "nl"):
        return _("Your code: %(code)s. It works for 5 minutes.", code=code)


class FileSender:
    """Development and test sender: appends each message as a JSON line to instance/outbox.log."""

    def __init__(self, path: Path):
        self.path = path

    def send(self, message: OutboxMessage) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as out:
            out.write(json.dumps({"channel": message.channel, "to": message.to, "body": message.body}) + "\n")


def sender() -> FileSender:
    return FileSender(Path(current_app.instance_path) / "outbox.log")


def send_pending(db: Session) -> int:
    """Send every unsent message; each is claimed first, so two runners never send one twice."""
    sent = 0
    for message in db.exec(select(OutboxMessage).where(OutboxMessage.sent_at.is_(None)).order_by(OutboxMessage.id)):
        claimed = db.exec(update(OutboxMessage).where(OutboxMessage.id == message.id, OutboxMessage.sent_at.is_(None))
                          .values(sent_at=utcnow()))
        db.commit()
        if claimed.rowcount == 1:
            sender().send(message)
            sent += 1
    return sent
