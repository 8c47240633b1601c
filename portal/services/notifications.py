"""Notifications: the outbox and its senders, and calendar files. A parent's message never carries content, only that
there is news; a calendar file only the time and a neutral title."""
import datetime as dt
import json
import smtplib
import urllib.request
from email.message import EmailMessage
from pathlib import Path

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from icalendar import Calendar, Event
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from portal.access import parent_reads
from portal.models import Account, Appointment, AppointmentStatus, Family, OutboxMessage, Parent
from portal.models.base import utcnow
from portal.rules.audience import HOUSEHOLD

REMINDER_AHEAD = dt.timedelta(hours=24)


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


class SmtpSender:
    """E-mail through an SMTP relay (PORTAL_SMTP_HOST, PORTAL_SMTP_FROM); SMS messages are skipped."""

    def __init__(self, host: str, sender_address: str):
        self.host, self.sender_address = host, sender_address

    def send(self, message: OutboxMessage) -> None:
        if message.channel != "email":
            raise ValueError("the SMTP sender sends e-mail only")
        mail = EmailMessage()
        mail["From"], mail["To"], mail["Subject"] = self.sender_address, message.to, current_app.config["APP_NAME"]
        mail.set_content(message.body)
        with smtplib.SMTP(self.host, timeout=10) as relay:
            relay.send_message(mail)


class HttpSmsSender:
    """SMS through a provider's HTTP interface: a JSON POST of {to, body} to PORTAL_SMS_URL."""

    def __init__(self, url: str, token: str):
        self.url, self.token = url, token

    def send(self, message: OutboxMessage) -> None:
        request = urllib.request.Request(self.url, method="POST", data=json.dumps(
            {"to": message.to, "body": message.body}).encode(), headers={
            "Content-Type": "application/json", "Authorization": f"Bearer {self.token}"})
        with urllib.request.urlopen(request, timeout=10) as response:
            if response.status >= 300:
                raise OSError(f"SMS provider answered {response.status}")


def sender():
    """The configured sender: 'file' (development and tests), 'smtp' or 'http-sms'."""
    config = current_app.config
    if config["NOTIFY_SENDER"] == "smtp":
        return SmtpSender(config["SMTP_HOST"], config["SMTP_FROM"])
    if config["NOTIFY_SENDER"] == "http-sms":
        return HttpSmsSender(config["SMS_URL"], config["SMS_TOKEN"])
    return FileSender(Path(current_app.instance_path) / "outbox.log")


def _reachable_parents(family_id: int):
    """Parents of the household with an active account and a phone, while its case is open: a closed case
    gets no news, its parents cannot open their pages."""
    return (select(Parent, Account).join(Account, Account.id == Parent.account_id)
            .join(Family, Family.id == Parent.family_id)
            .where(Parent.family_id == family_id, Account.active, Parent.phone.is_not(None),
                   Family.closed_at.is_(None)))


def tell_parents(db: Session, family_id: int, reason: str, audience: str = HOUSEHOLD,
                 only: set[int] | None = None) -> None:
    """Let the parents the news is for know there is news (those in its audience, and of these `only` the
    given ones); the message says nothing more, and nobody else even learns that there was news."""
    rows = db.exec(_reachable_parents(family_id)).all()
    for parent, account in rows:
        if parent_reads(parent, audience) and (only is None or parent.id in only):
            queue(db, account, "sms", parent.phone, news_text(account), dedupe_key=f"{reason}:{parent.id}"[:120])
    send_pending(db)


def queue_reminders(db: Session, now: dt.datetime) -> int:
    """A discreet reminder to each parent for appointments starting within 24 hours, once."""
    soon = db.exec(select(Appointment).where(Appointment.status == AppointmentStatus.planned,
                                             Appointment.starts_at > now,
                                             Appointment.starts_at <= now + REMINDER_AHEAD)).all()
    queued = 0
    for appointment in soon:
        rows = db.exec(_reachable_parents(appointment.family_id)).all()
        for parent, account in rows:
            if parent_reads(parent, appointment.audience) and queue(
                    db, account, "sms", parent.phone, news_text(account),
                    dedupe_key=f"reminder:{appointment.id}:{parent.id}"):
                queued += 1
    return queued


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


def neutral_event(appointment: Appointment, title: str) -> bytes:
    """Only the time and a neutral title: no place, purpose or names (a phone may be checked)."""
    calendar = Calendar()
    calendar.add("prodid", "-//portal//afspraak//NL")
    calendar.add("version", "2.0")
    event = Event()
    start = appointment.starts_at
    event.add("uid", f"{appointment.key}@portal")
    event.add("dtstamp", start)
    event.add("dtstart", start)
    event.add("dtend", start + dt.timedelta(minutes=appointment.duration_minutes))
    event.add("summary", title)
    calendar.add_component(event)
    return calendar.to_ical()
